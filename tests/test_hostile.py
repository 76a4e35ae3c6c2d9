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
        ("deep_nesting.json", ":", "nested too deeply", None),
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
        "title: Back and neck pain visit preparation", 'title: "<script>x</script> [red]t[/]"'
    )
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
        .replace("title: Warning signs", 'title: "Warning \\e]0;owned\\a signs"')
        .replace("help: For example, it feels different when you wipe after using the toilet.",
                 'help: "Help \\e[2J text"')
        .replace("Is an arm or leg getting weaker day by day?", '"Is an arm \\u202eor leg\\u202c weaker?"')
        .replace("crisis_line: the 988 Suicide and Crisis Lifeline (call or text 988, free, any time)",
                 'crisis_line: "the 988 line \\e]8;;http://x\\a"')
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
