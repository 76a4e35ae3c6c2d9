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
