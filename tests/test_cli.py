"""The command line through Typer's runner: exit codes, stdout and stderr kept apart."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck import __version__
from spinecheck.cli import app
from tests.conftest import DATA, ROOT, minimal_answers, write_answers
from tests.contract import assert_contract_json

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"spinecheck {__version__}"


def test_check_builtin_is_clean():
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.stderr
    assert "OK" in result.stdout


def test_check_reports_problems_with_lines_and_no_traceback(tmp_path):
    text = (ROOT / "questions.yaml").read_text().replace("requried", "x")
    text = text.replace(
        "kind: scale\n        required: true", "kind: scale\n        requried: true", 1
    )
    path = tmp_path / "q.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "requried" in x)
    assert f"{path}:{line}:9: unknown key 'requried'" in result.stderr
    assert "hint: did you mean 'required'?" in result.stderr
    assert "Traceback" not in result.output


def test_check_missing_file():
    result = runner.invoke(app, ["check", "/nonexistent/q.yaml"])
    assert result.exit_code == 1
    assert "/nonexistent/q.yaml: file not found" in result.stderr


def test_summary_json_matches_the_contract():
    result = runner.invoke(app, ["summary", str(DATA / "chronic_back.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert_contract_json(summary)
    assert summary["pain_phase"] == "chronic"


def test_summary_text_is_plain(tmp_path):
    result = runner.invoke(app, ["summary", str(DATA / "chronic_back.yaml"), "--format", "text"])
    assert result.exit_code == 0
    assert "not a diagnosis" in " ".join(result.stdout.split())
    assert "\x1b" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_summary_exits_zero_whatever_the_urgency(questionnaire, tmp_path):
    path = write_answers(tmp_path / "a.yaml", {"rf_saddle_numbness": True})
    result = runner.invoke(app, ["summary", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["urgency"] == "emergency"


def test_summary_reads_standard_input(questionnaire):
    text = yaml.safe_dump(minimal_answers(questionnaire))
    result = runner.invoke(app, ["summary", "-", "--format", "json"], input=text)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["urgency"] == "routine"


def test_summary_bad_file_reports_and_others_still_print(questionnaire, tmp_path):
    good = write_answers(tmp_path / "good.yaml", minimal_answers(questionnaire))
    bad = write_answers(tmp_path / "bad.yaml", minimal_answers(questionnaire, age=999))
    result = runner.invoke(app, ["summary", str(good), str(bad), "--format", "json"])
    assert result.exit_code == 1
    assert f"{bad}:" in result.stderr
    assert "age" in result.stderr
    assert "1 of 2 answer files could not be read" in result.stderr
    assert len(json.loads(result.stdout)) == 1


def test_summary_output_file_is_private(tmp_path):
    out = tmp_path / "summary.json"
    result = runner.invoke(
        app, ["summary", str(DATA / "chronic_back.yaml"), "--format", "json", "--output", str(out)]
    )
    assert result.exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    assert json.loads(out.read_text())["questionnaire"]["id"] == "spinecheck_default"


def test_summary_with_a_clinic_questionnaire(tmp_path):
    bad = tmp_path / "q.yaml"
    bad.write_text("id: x\n")
    result = runner.invoke(
        app, ["summary", str(DATA / "chronic_back.yaml"), "--questions", str(bad)]
    )
    assert result.exit_code == 1
    assert f"{bad}:" in result.stderr


def test_bad_usage_exits_2():
    assert runner.invoke(app, ["summary", "x.yaml", "--format", "docx"]).exit_code == 2
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2


def test_schema_is_json_schema_with_the_format_keys():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"sections", "rules", "instruments", "sources"} <= set(schema["properties"])
    assert "requried" not in result.stdout
    condition = schema["$defs"]["Condition"]["properties"]
    assert {"all", "any", "not", "in", "includes", "answered"} <= set(condition)


def test_shipped_questionnaire_validates_against_the_published_schema(shipped_text):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    jsonschema.validate(yaml.safe_load(shipped_text), schema)


def test_start_without_a_terminal_points_to_summary(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    result = runner.invoke(app, ["start"], input="")
    assert result.exit_code == 1
    assert "spinecheck summary" in result.stderr


@pytest.mark.parametrize("command", ["start", "summary", "check", "schema"])
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.stdout) > 100


def _installed(*arguments: str, **options: object) -> subprocess.CompletedProcess[str]:
    """Run spinecheck in its own process, as `python -m spinecheck` (through the launcher)."""
    return subprocess.run(
        [sys.executable, "-m", "spinecheck", *arguments],
        capture_output=True, text=True, timeout=120, check=False, **options,  # type: ignore[call-overload]
    )  # fmt: skip


def test_a_real_process_flushes_all_output_and_keeps_exit_codes(tmp_path):
    """The launcher skips the interpreter's teardown: nothing may be lost, no code changed."""
    folder = tmp_path / "day"
    folder.mkdir()
    sample = (DATA / "chronic_back.yaml").read_text()
    for number in range(40):
        (folder / f"p{number:02}.yaml").write_text(sample)
    expected = runner.invoke(app, ["summary", str(folder), "--format", "text"])
    assert expected.exit_code == 0
    piped = _installed("summary", str(folder), "--format", "text")
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == expected.stdout  # every byte, though it is far beyond a pipe's buffer
    assert len(piped.stdout) > 100_000

    written = _installed("summary", str(folder), "--format", "json", "-o", str(tmp_path / "d.json"))
    assert written.returncode == 0, written.stderr
    assert len(json.loads((tmp_path / "d.json").read_text())) == 40

    bad = _installed("summary", str(tmp_path / "missing.yaml"))
    assert bad.returncode == 1
    assert "file not found" in bad.stderr
    assert _installed("summary").returncode == 2
    assert _installed("--version").stdout.startswith("spinecheck ")


def test_a_summary_into_closed_standard_output_is_refused_with_a_hint():
    """The launcher knows stdout was closed and tells the command (issue 26: no import circle)."""
    import os

    sample = DATA / "chronic_back.yaml"
    code = "from spinecheck.launcher import main; main()"
    run = subprocess.run(
        [sys.executable, "-c", code, "summary", str(sample), "--format", "json"],
        stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1), check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "standard output is closed" in run.stderr
    assert "--output FILE" in run.stderr
