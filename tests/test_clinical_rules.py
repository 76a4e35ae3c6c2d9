"""The clinical logic on one page (issue 21): `spinecheck rules` and docs/clinical-rules.md."""

from __future__ import annotations

from typer.testing import CliRunner

from spinecheck.cli import app
from spinecheck.render.rules_table import to_markdown
from tests.conftest import ROOT

runner = CliRunner()


def test_the_reviewed_page_in_docs_is_what_the_command_prints(questionnaire):
    written = (ROOT / "docs" / "clinical-rules.md").read_text(encoding="utf-8")
    assert written == to_markdown(questionnaire), "run: spinecheck rules > docs/clinical-rules.md"


def test_every_gate_and_every_suggestion_is_on_the_page_with_its_sources(questionnaire):
    page = to_markdown(questionnaire)
    for gate in questionnaire.gates:
        assert f"(`{gate.id}`)" in page
        assert gate.sources
    for key in [*questionnaire.specialists, *questionnaire.options]:
        assert f"**{key}**" in page
    assert "`recent_spine_procedure`" in page
    assert "despite urgent_path" in page  # the urgent pathway's exception is shown, not hidden


def test_every_specialist_and_option_has_at_least_one_gate(questionnaire):
    """Decision 13: every suggestion has explicit gates (at least the urgent path's)."""
    for plural in ("specialists", "options"):
        gated = {
            key
            for gate in questionnaire.gates
            for targets in (gate.removes, gate.warns)
            if targets is not None
            for key in getattr(targets, plural)
        }
        ungated = set(getattr(questionnaire, plural)) - gated
        # primary care, the pharmacist and addiction support stay on a same-day page
        assert ungated <= {"primary_care", "addiction_medicine"}, ungated


def test_rules_command_prints_the_page_and_a_bad_file_is_reported(tmp_path):
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Clinical rules")
    bad = tmp_path / "q.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "--questions", str(bad)])
    assert result.exit_code == 1
    assert "q.yaml" in result.stderr


def test_a_clinics_text_never_drives_the_terminal(tmp_path, shipped_text):
    hostile = shipped_text.replace(
        "label: same-day or emergency urgency", 'label: "same-day\\e]52;c;aGk=\\a urgency"', 1
    )
    path = tmp_path / "q.yaml"
    path.write_text(hostile, encoding="utf-8")
    result = runner.invoke(app, ["rules", "--questions", str(path)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
