"""The hostile-input corpus (tests/hostile/) and generated giants: each with its behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck.cli import app
from tests.conftest import minimal_answers

HOSTILE = Path(__file__).parent / "hostile"
runner = CliRunner()


def summary(path: Path, *args: str):
    return runner.invoke(app, ["summary", str(path), *args])


@pytest.mark.parametrize(
    ("name", "location", "message", "hint"),
    [
        ("alias_bomb.yaml", ":", "expands to too many values", "fewer nested aliases"),
        ("deep_nesting.yaml", ":1:", "nested more than 60 levels deep", "flatten"),
        ("deep_nesting.json", ":1:", "nested more than 60 levels deep", "flatten"),
        ("binary.bin", ":", "binary data", "UTF-8"),
        ("utf16.yaml", ":", "UTF-16", "UTF-8"),
        ("latin1.yaml", ":27:", "not valid UTF-8", "UTF-8 encoding"),
        ("duplicate_keys.yaml", ":27:1:", "duplicate key 'age'", "once"),
        ("python_tag.yaml", ":27:8:", "tags that make objects are not allowed", "remove the tag"),
        ("tabs_for_indent.yaml", ":2:1:", "YAML syntax error", "tabs"),
        ("empty.yaml", ":", "file is empty", "mapping"),
        ("whitespace.yaml", ":", "file is empty", "mapping"),
        ("not_a_mapping.yaml", ":1:", "expected a mapping", "question_id: answer"),
        ("null_document.yaml", ":1:", "expected a mapping", None),
        ("unknown_everything.yaml", ":28:", "unknown question id 'favourite_colour'", None),
        ("raw_escape_in_name.yaml", ":5:24:", "control character \\x1b, which YAML", "remove"),
    ],
)
def test_bad_files_are_reported_with_place_and_hint(name, location, message, hint, tmp_path):
    result = summary(HOSTILE / name, "--format", "json")
    assert result.exit_code == 1
    assert f"{HOSTILE / name}{location}" in result.stderr
    assert message in result.stderr
    if hint:
        assert hint in result.stderr
    assert "Traceback" not in result.output
    assert not Path("/tmp/owned").exists()


def test_byte_order_mark_and_crlf_are_fine():
    result = summary(HOSTILE / "bom_crlf.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["urgency"] == "routine"


@pytest.mark.parametrize("output_format", ["rich", "text", "markdown", "html", "json", "fhir"])
def test_markup_escapes_and_html_are_shown_not_obeyed(output_format):
    result = summary(HOSTILE / "markup_everywhere.yaml", "--format", output_format)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "\x1b[2J" not in out
    assert "\x1b]8;;" not in out
    if output_format == "html":
        assert "<script>alert(1)</script>" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    elif output_format == "markdown":
        assert "\\<script\\>" in out
    elif output_format in ("rich", "text"):
        flat = " ".join(out.split())
        assert "[red]x[/]" in flat
        assert "oops [/] closing tag" in flat
        assert "<script>alert(1)</script>" in flat
        assert "cleared" in flat


def test_file_over_one_megabyte_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("goals: " + "x" * 1_100_000 + "\n")
    result = summary(path)
    assert result.exit_code == 1
    assert "larger than 1 MB" in result.stderr


def test_huge_string_is_an_answer_error(tmp_path, questionnaire):
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(minimal_answers(questionnaire, goals="y" * 900_000)))
    result = summary(path, "--format", "json")
    assert result.exit_code == 1
    assert "goals" in result.stderr
    assert "characters long" in result.stderr


def test_huge_list_is_an_answer_error(tmp_path, questionnaire):
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(minimal_answers(questionnaire, medications=["Advil"] * 20_000)))
    result = summary(path, "--format", "json")
    assert result.exit_code == 1
    assert "medications" in result.stderr
    assert "more than allowed" in result.stderr


def test_huge_questionnaire_list_is_refused_quickly(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("sections: [" + ", ".join(["x"] * 250_000) + "]\n")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "too many values" in result.stderr or "larger than 1 MB" in result.stderr


def test_hostile_questionnaire_text_is_escaped_too(tmp_path, questionnaire, shipped_text):
    text = shipped_text.replace(
        "en: Back and neck pain visit preparation", 'en: "<script>x</script> [red]t[/]"'
    )
    assert text != shipped_text
    questions = tmp_path / "q.yaml"
    questions.write_text(text)
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(minimal_answers(questionnaire)))
    html = runner.invoke(
        app, ["summary", str(answers), "--questions", str(questions), "--format", "html"]
    )
    assert html.exit_code == 0
    assert "<script>x</script>" not in html.stdout
    rich = runner.invoke(
        app, ["summary", str(answers), "--questions", str(questions), "--format", "rich"]
    )
    assert "[red]t[/]" in rich.stdout


# -- issue 12: numbers as written, tags, odd digits, escapes, metadata ----------------------------


@pytest.mark.parametrize(
    ("name", "location", "message"),
    [
        ("hex_age.yaml", ":26:", "expected a whole number, got '0x26'"),
        ("tag_int.yaml", ":26:", "'abc' is not a valid !!int value"),
        ("tag_bool.yaml", ":13:", "'maybe' is not a valid !!bool value"),
        ("tag_set.yaml", ":27:", "tags that make objects are not allowed: '!!set'"),
        ("tag_timestamp.yaml", ":27:", "tags that make objects are not allowed: '!!timestamp'"),
        ("odd_digits.yaml", ":26:", "expected a whole number, got '²'"),
        ("double_minus.yaml", ":26:", "expected a whole number, got '--38'"),
        ("format_true.yaml", ":27:", "unknown answers format true"),
        ("yes_key.yaml", ":27:", "unknown question id 'yes'"),
        ("huge_integer.json", ":1:", "height_cm: expected a whole number"),
    ],
)
def test_odd_values_are_refused_with_their_line_never_misread(name, location, message):
    result = summary(HOSTILE / name, "--format", "json")
    assert result.exit_code == 1
    assert f"{HOSTILE / name}{location}" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_yaml_1_1_forms_are_read_as_written():
    result = summary(HOSTILE / "yaml11_numbers.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    from spinecheck.answers.files import load_answers
    from spinecheck.questionnaire.loading import load_questionnaire

    answers = load_answers(HOSTILE / "yaml11_numbers.yaml", load_questionnaire()).answers
    assert answers["age"] == 70  # YAML 1.1 read 070 as 56
    assert answers["height_cm"] == 170  # and 0170 as 120
    assert answers["goals"] == "9:30 walk"
    assert answers["substance_concern"] == "no"  # YAML 1.1 read it as false


def test_an_escape_sequence_key_reaches_the_terminal_as_text():
    result = summary(HOSTILE / "escape_key.yaml", "--format", "json")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\\x1b]52;c;eA==\\x07\\x1b[2J" in result.stderr


def test_a_lone_surrogate_never_crashes_a_summary():
    for output_format in ("json", "text", "html", "fhir"):
        result = summary(HOSTILE / "lone_surrogate.json", "--format", output_format)
        assert result.exit_code == 0, result.stderr
        assert "walk ? dog" in result.stdout or output_format == "fhir"  # repaired, then shown


@pytest.mark.parametrize("output_format", ["rich", "text", "markdown", "html", "json", "fhir"])
def test_bidi_overrides_and_marks_never_reach_a_reader(output_format):
    result = summary(HOSTILE / "bidi_text.yaml", "--format", output_format)
    assert result.exit_code == 0, result.stderr
    for mark in ("\u202e", "\u202c"):
        assert mark not in result.stdout
    if output_format not in ("json", "fhir"):
        assert "\u200f" not in result.stdout


def test_questionnaire_text_is_cleaned_before_the_walk_shows_it(
    tmp_path, shipped_text, monkeypatch
):
    hostile = (shipped_text
        .replace("en: Warning signs", 'en: "Warning \\e]0;owned\\a signs"')
        .replace("en: For example, it feels different when you wipe after using the toilet.",
                 'en: "Help \\e[2J text"')
        .replace("Is an arm or leg getting weaker day by day?", '"Is an arm \\u202eor leg\\u202c weaker?"')
        .replace("en: the 988 Suicide and Crisis Lifeline (call or text 988, free, any time)",
                 'en: "the 988 line \\e]8;;http://x\\a"')
        .replace('emergency_number: "911"', 'emergency_number: "9\\e[31m11"'))  # fmt: skip
    questions = tmp_path / "q.yaml"
    questions.write_text(hostile)
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TERM", "dumb")
    result = runner.invoke(
        app, ["start", "--questions", str(questions)], input="?\nn\nn\nn\nn\ny\ny\n"
    )
    out = result.output
    assert result.exit_code == 3, out
    for bad in ("\x1b", "\x07", "\u202e", "\u202c"):
        assert bad not in out
    assert "Warning ]0;owned signs" not in out
    assert "Help  text" in out or "Help text" in out
    assert "call 911 now" in out


def test_non_finite_numbers_in_conditions_are_refused(tmp_path, shipped_text):
    path = tmp_path / "q.yaml"
    path.write_text(shipped_text.replace("{question: interference_enjoyment, at_least: 7}",
                                         "{question: interference_enjoyment, at_least: .inf}"))  # fmt: skip
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "needs an ordinary number, not inf" in result.stderr


def test_a_folder_given_as_a_questionnaire_is_bad_input_not_usage(tmp_path):
    assert runner.invoke(app, ["check", str(tmp_path)]).exit_code == 1
    result = summary(HOSTILE / "bom_crlf.yaml", "--questions", str(tmp_path))
    assert result.exit_code == 1
    assert "is a folder" in result.stderr


def test_an_unreadable_folder_is_reported(tmp_path, monkeypatch):
    folder = tmp_path / "day"
    folder.mkdir()

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", refuse)
    result = summary(folder, "--format", "json")
    assert result.exit_code == 1
    assert "cannot read the folder: Permission denied" in result.stderr


def test_a_font_file_that_is_not_a_font_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "fake.ttf"
    fake.write_text("not a font")
    monkeypatch.setenv("SPINECHECK_FONT", str(fake))
    result = summary(HOSTILE / "bom_crlf.yaml", "--format", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1
    assert "could not be read as a TrueType font" in result.stderr


@pytest.mark.parametrize(
    ("environment", "redirect"),
    [
        ({"PYTHONIOENCODING": "ascii"}, None),
        ({"COLUMNS": "0"}, None),
        ({}, "/dev/full"),
        ({}, "closed"),
    ],
)
def test_odd_terminals_and_outputs_give_a_message_not_a_traceback(environment, redirect):
    import os
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "spinecheck",
        "summary",
        str(HOSTILE / "bidi_text.yaml"),
        "--format",
        "rich",
    ]
    env = {**os.environ, **environment}
    if redirect == "closed":
        result = subprocess.run(
            command,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            stdout=subprocess.DEVNULL,
            pass_fds=(),
            close_fds=True,
            preexec_fn=lambda: os.close(1),
        )
    elif redirect:
        with Path(redirect).open("w") as sink:
            result = subprocess.run(
                command, env=env, stdout=sink, stderr=subprocess.PIPE, text=True
            )
    else:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert "Traceback" not in result.stderr
    if redirect:
        assert result.returncode == 1
        assert "error:" in result.stderr
    else:
        assert result.returncode == 0, result.stderr


# -- issue 23: no questionnaire text drives a terminal, in any path -----------------------------

_INJECTED = "\x1b]52;c;ZXZpbA==\x07\u202e\x9b2J"
"""An OSC 52 clipboard write, a bidi override and a C1 control sequence introducer."""


def _inject(data: object) -> object:
    """Every text in a questionnaire (keys too) with a terminal attack inside it."""
    if isinstance(data, str):
        middle = len(data) // 2
        return data[:middle] + _INJECTED + data[middle:]
    if isinstance(data, dict):
        return {_inject(key): _inject(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_inject(value) for value in data]
    return data


@pytest.fixture(scope="module")
def injected(tmp_path_factory, shipped_text) -> Path:
    path = tmp_path_factory.mktemp("injected") / "questions.yaml"
    data = yaml.safe_load(shipped_text)
    path.write_text(yaml.safe_dump(_inject(data), allow_unicode=False, sort_keys=False))
    return path


def test_every_questionnaire_text_is_cleaned_when_read(injected, questionnaire):
    """Units, hints, labels, region names, ids: whatever carries an attack reads as the
    shipped questionnaire would, so nothing of it can reach a prompt or a page."""
    import msgspec

    from spinecheck.questionnaire.loading import load_questionnaire

    loaded = load_questionnaire(injected)
    assert msgspec.to_builtins(loaded) == msgspec.to_builtins(questionnaire)


def test_check_reports_each_control_character_with_its_line(injected, tmp_path, shipped_text):
    result = runner.invoke(app, ["check", str(injected)])
    assert result.exit_code == 1
    reported = [
        line for line in result.stderr.splitlines() if "which a terminal would obey" in line
    ]
    assert len(reported) > 500  # one per text
    assert all(line.startswith(f"{injected}:") for line in reported)
    assert "\x1b" not in result.stderr
    assert "\u202e" not in result.stderr
    one = tmp_path / "unit.yaml"
    one.write_text(shipped_text.replace("en: years", 'en: "years\\e]52;c;ZXZpbA==\\a"', 1))
    result = runner.invoke(app, ["check", str(one)])
    assert result.exit_code == 1
    line = 1 + shipped_text[: shipped_text.index("en: years")].count("\n")
    assert f"{one}:{line}:" in result.stderr
    assert "\\x1b" in result.stderr


@pytest.mark.parametrize("mode", ["--plain", None])
def test_the_walk_over_an_injected_questionnaire_writes_no_control_character(
    injected, tmp_path, monkeypatch, mode
):
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TERM", "dumb")
    arguments = ["start", "--questions", str(injected)] + ([mode] if mode else [])
    result = runner.invoke(app, arguments, input="?\n" + "n\n" * 9 + "1\n" * 40)
    for bad in ("\x1b]", "\x07", "\u202e", "\x9b", "ZXZpbA"):
        assert bad not in result.output


def test_saved_answers_shown_again_are_cleaned(questionnaire):
    """A progress file is text on disk too: its answers reach the screen cleaned."""
    from spinecheck.answers.progress import Progress
    from spinecheck.walk.logic import Walk

    hostile = "ibuprofen\x1b]52;c;ZXZpbA==\x07 \u202e400mg"
    answers = {"medications": [hostile], "goals": hostile}
    walk = Walk(questionnaire, None, Progress(answers=answers), lambda p: None)  # type: ignore[arg-type]
    for qid in answers:
        question = questionnaire.question(qid)
        assert question is not None
        current = walk.shown([question], 0).current
        shown = " ".join(current) if isinstance(current, list) else str(current)
        assert "ibuprofen" in shown
        for bad in ("\x1b", "\x07", "\u202e"):
            assert bad not in shown


@pytest.mark.parametrize("output_format", ["json", "fhir"])
@pytest.mark.parametrize("several", [False, True])
def test_json_escapes_c1_controls_as_it_does_c0(tmp_path, questionnaire, output_format, several):
    c1 = "\x85\x9b31m\x9d0;title\x9c\x90q\x9c\x7f"
    answers = minimal_answers(questionnaire, goals=f"walk{c1} again\u2028")
    answers["spinecheck"] = {"format": 1, "patient": {"name": f"Ann{c1}", "identifier": c1 + "7"}}
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=False), encoding="utf-8")
    inputs = [path, path] if several else [path]
    result = runner.invoke(app, ["summary", *map(str, inputs), "--format", output_format])
    assert result.exit_code == 0, result.stderr
    assert not any("\x7f" <= ch <= "\x9f" or ch in "\x1b\u2028" for ch in result.stdout)
    json.loads(result.stdout)
    assert "Ann" in result.stdout


# -- issue 23: values that are not what they claim ----------------------------------------------


def _line_of(name: str, text: str) -> str:
    lines = (HOSTILE / name).read_text().splitlines()
    return f":{next(i for i, line in enumerate(lines, 1) if text in line)}:"


@pytest.mark.parametrize(
    ("name", "marker", "message"),
    [
        ("updated_last_tuesday.yaml", "updated:", "'updated' is not a date and time"),
        ("birth_after_visit.yaml", "birth_date:", "is after the visit date 2026-12-03"),
        ("birth_in_future.yaml", "birth_date:", "is in the future"),
        ("fhir_integer_as_text.json", '"40"', "valueInteger must be a whole number, not '40'"),
        ("fhir_authored_last_tuesday.json", "last tuesday", "'authored' is not a date and time"),
        ("fhir_duplicate_key.json", '"in-progress"', "duplicate key 'status'"),
        ("fhir_nan.json", "NaN", "NaN is not a JSON value"),
        ("json_nested_too_deep.json", "goals", "nested more than 60 levels deep"),
    ],
)
def test_values_that_are_not_what_they_claim_are_refused_at_their_line(name, marker, message):
    result = summary(HOSTILE / name)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{HOSTILE / name}{_line_of(name, marker)}"), first
    assert message in first
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "name",
    ["updated_year_1.yaml", "updated_year_9999.yaml", "fhir_authored_year_9999.json"],
)
@pytest.mark.parametrize("output_format", ["text", "markdown", "html", "json", "fhir", "pdf"])
def test_any_valid_date_time_converts_in_every_format(name, output_format, tmp_path):
    out = tmp_path / f"out.{'fhir.json' if output_format == 'fhir' else output_format}"
    result = summary(HOSTILE / name, "--format", output_format, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 0


def test_an_age_the_birth_date_contradicts_is_said_on_every_page():
    result = summary(HOSTILE / "birth_date_age_disagree.yaml", "--format", "text")
    assert result.exit_code == 0, result.stderr
    assert "born 1 May 1940 (age 86, but 45 was answered: check)" in result.stdout
    clinician = summary(
        HOSTILE / "birth_date_age_disagree.yaml", "--format", "text", "--audience", "clinician"
    )
    assert "but 45 was answered: check" in clinician.stdout


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_file_of_thousands_of_unknown_answers_gives_one_message(tmp_path, suffix):
    many = {f"made_up_{number}": 1 for number in range(20_000)}
    path = tmp_path / f"many{suffix}"
    path.write_text(json.dumps(many) if suffix == ".json" else yaml.safe_dump(many))
    result = summary(path)
    assert result.exit_code == 1
    assert "holds 20000 answers, but the questionnaire has only" in result.stderr
    assert len(result.stderr.splitlines()) < 8


def test_json_has_the_value_limit_yaml_has(tmp_path):
    path = tmp_path / "wide.json"
    path.write_text("[" + ",".join(["1"] * 250_000) + "]")
    result = summary(path)
    assert result.exit_code == 1
    assert "holds more than 200,000 values" in result.stderr
    assert len(result.stderr.splitlines()) < 8


def test_many_problems_in_one_file_are_listed_up_to_a_limit(tmp_path, questionnaire):
    answers = minimal_answers(questionnaire)
    answers.update(dict.fromkeys(list(answers)[:30], "wrong"))
    answers.update({f"made_up_{n}": 1 for n in range(30)})
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(answers))
    result = summary(path)
    assert result.exit_code == 1
    assert "more problems like these" in result.stderr
    assert result.stderr.count("hint:") <= 42


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x00", "\x7f", "\x9b", "\ufffe"])
def test_a_raw_control_character_in_a_yaml_file_is_located_and_never_echoed(tmp_path, character):
    """YAML refuses these characters in a file; the report gives the line and column and shows
    the character as its escape, so the message itself cannot drive the terminal."""
    path = tmp_path / "a.yaml"
    path.write_text(f"age: 40\ngoals: walk {character}again\n", encoding="utf-8")
    for command in (["summary", str(path)], ["check", str(path)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        assert f"{path}:2:13:" in result.stderr
        assert ascii(character)[1:-1] in result.stderr or "NUL" in result.stderr
        assert character not in result.stderr
        assert "hint:" in result.stderr
