"""Issue 28 item 7: a region sets its paper, and --help lists the questionnaire's regions."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinecheck.cli import app
from spinecheck.questionnaire.loading import load_questionnaire
from tests.conftest import DATA, ROOT

runner = CliRunner()

CANADA = """\
  ca:
    label:
      en: Canada
      es: Canadá
    paper: letter
    emergency_number: "911"
    emergency:
      en: the nearest emergency department
      es: la sala de emergencias más cercana
    same_day:
      en: call your family doctor, or Health Link 811
      es: llame a su médico de familia, o a Health Link 811
    soon:
      en: call your family doctor
      es: llame a su médico de familia
    crisis_line:
      en: 9-8-8, the Suicide Crisis Helpline (call or text 988)
      es: 9-8-8, la línea de ayuda en crisis de suicidio (llame o envíe un texto al 988)
"""


def clinic_file(tmp_path: Path, *, default: str | None = None) -> Path:
    """The built-in questionnaire with a Canadian region added, as a clinic would add it."""
    text = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    assert text.count("\nregions:\n") == 1
    text = text.replace("\nregions:\n", "\nregions:\n" + CANADA, 1)
    if default:
        text = text.replace("\ndefault_region: us\n", f"\ndefault_region: {default}\n", 1)
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_built_in_regions_print_on_their_own_paper():
    questionnaire = load_questionnaire()
    assert questionnaire.regions["us"].paper == "letter"
    assert questionnaire.regions["uk"].paper == "a4"
    assert questionnaire.regions["other"].paper == "a4"  # a4 unless a region says otherwise


def test_paper_does_not_depend_on_the_region_name_or_the_language():
    """Once the US was found by its label: in Spanish ('Estados Unidos') it printed on A4."""
    spanish = load_questionnaire(language="es")
    assert spanish.regions["us"].label == "Estados Unidos"
    assert spanish.regions["us"].paper == "letter"


def _page_of_html(result_path: Path) -> str:
    html = result_path.read_text(encoding="utf-8")
    return "letter" if "size: letter" in html else "A4" if "size: A4" in html else "?"


def _page_of_pdf(path: Path) -> tuple[float, float]:
    pypdf = pytest.importorskip("pypdf")
    box = pypdf.PdfReader(str(path)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


LETTER_POINTS = (612, 792)
A4_POINTS = (595, 842)


def test_a_canadian_region_with_paper_letter_prints_letter(tmp_path):
    clinic = clinic_file(tmp_path)
    answers = str(DATA / "chronic_back.yaml")
    html = tmp_path / "ca.html"
    result = runner.invoke(
        app, ["summary", answers, "--questions", str(clinic), "--region", "ca", "-o", str(html)]
    )
    assert result.exit_code == 0, result.stderr
    assert _page_of_html(html) == "letter"

    pdf = tmp_path / "ca.pdf"
    result = runner.invoke(
        app, ["summary", answers, "--questions", str(clinic), "--region", "ca", "-o", str(pdf)]
    )
    assert result.exit_code == 0, result.stderr
    assert _page_of_pdf(pdf) == LETTER_POINTS


def test_the_default_region_sets_the_paper_and_page_overrides_it(tmp_path):
    clinic = clinic_file(tmp_path, default="ca")
    answers = str(DATA / "chronic_back.yaml")
    letter, a4 = tmp_path / "letter.pdf", tmp_path / "a4.pdf"
    result = runner.invoke(app, ["summary", answers, "--questions", str(clinic), "-o", str(letter)])
    assert result.exit_code == 0, result.stderr
    assert _page_of_pdf(letter) == LETTER_POINTS
    result = runner.invoke(
        app, ["summary", answers, "--questions", str(clinic), "--page", "a4", "-o", str(a4)]
    )
    assert result.exit_code == 0, result.stderr
    assert _page_of_pdf(a4) == A4_POINTS

    uk = tmp_path / "uk.html"
    result = runner.invoke(app, ["summary", answers, "--region", "uk", "-o", str(uk)])
    assert result.exit_code == 0, result.stderr
    assert _page_of_html(uk) == "A4"


def test_an_unknown_paper_is_reported_with_its_line_and_the_choices(tmp_path):
    clinic = clinic_file(tmp_path)
    text = clinic.read_text(encoding="utf-8").replace(
        "    paper: letter\n", "    paper: legal\n", 1
    )
    clinic.write_text(text, encoding="utf-8")
    line = next(n for n, x in enumerate(text.splitlines(), 1) if x == "    paper: legal")
    result = runner.invoke(app, ["check", str(clinic)])
    assert result.exit_code == 1
    assert f"{clinic}:{line}:12: 'legal' is not allowed for 'paper'" in result.stderr
    assert "hint: expected one of: 'letter', 'a4'" in result.stderr
    assert "Traceback" not in result.output


def test_a_misspelt_paper_key_gets_did_you_mean(tmp_path):
    clinic = clinic_file(tmp_path)
    text = clinic.read_text(encoding="utf-8").replace(
        "    paper: letter\n", "    papr: letter\n", 1
    )
    clinic.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(clinic)])
    assert result.exit_code == 1
    assert "unknown key 'papr'" in result.stderr
    assert "hint: did you mean 'paper'?" in result.stderr


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


def test_page_help_says_the_default_comes_from_the_region():
    shown = _help("summary")
    assert "--page" in shown
    assert "default: the paper of the region" in shown
    assert "letter for the US region" not in shown


@pytest.mark.parametrize("command", ["start", "summary", "export-questionnaire"])
def test_region_help_lists_the_built_in_regions(command):
    shown = _help(command)
    assert (
        "Whose emergency and support numbers to show: us (United States, the default), "
        "uk (United Kingdom), other (Other countries)." in shown
    )
    assert "us (default), uk or other" not in shown


@pytest.mark.parametrize("command", ["start", "summary", "export-questionnaire"])
def test_region_help_lists_the_regions_of_the_questions_file_given(tmp_path, command):
    clinic = clinic_file(tmp_path, default="ca")
    shown = _help(command, "--questions", str(clinic))
    assert "ca (Canada, the default), us (United States), uk (United Kingdom)" in shown
    # the option may come after --help, or as --questions=FILE
    result = runner.invoke(app, [command, "--help", f"--questions={clinic}"])
    assert "ca (Canada, the default)" in " ".join(result.stdout.split())


def test_region_help_falls_back_to_the_built_in_regions_when_the_file_cannot_be_read(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # short names: help wraps a long path anywhere
    Path("broken.yaml").write_text("format: 1\nid: [\n", encoding="utf-8")
    for path in ("broken.yaml", "missing.yaml"):
        shown = _help("start", "--questions", path)
        assert "us (United States, the default)" in shown
        assert f"({path} cannot be read: these are the built-in questionnaire's regions.)" in shown


def test_the_questionnaire_is_read_for_help_only(monkeypatch):
    """Start-up stays cheap: a command that runs never builds the region help."""

    def fail(questions: str | None) -> str:
        raise AssertionError("the region help was built without --help")

    monkeypatch.setattr("spinecheck.cli.region_help", fail)
    result = runner.invoke(app, ["summary", str(DATA / "chronic_back.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("typed", "meant"), [("usa", "us"), ("UKK", "uk"), ("united kingdom", "uk")]
)
def test_a_misspelt_region_gets_did_you_mean(typed, meant):
    result = runner.invoke(
        app, ["summary", str(DATA / "chronic_back.yaml"), "--format", "json", "--region", typed]
    )
    assert result.exit_code == 1
    assert f"error: unknown region '{typed}'" in result.stderr
    assert f"hint: did you mean '{meant}'? choose one of: other, uk, us" in result.stderr


def test_a_region_named_by_its_label_is_suggested_by_its_key(tmp_path):
    clinic = clinic_file(tmp_path)
    result = runner.invoke(
        app,
        ["summary", str(DATA / "chronic_back.yaml"), "--questions", str(clinic),
         "--format", "json", "--region", "canada"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "hint: did you mean 'ca'? choose one of: ca, other, uk, us" in result.stderr


def test_a_walk_in_a_letter_region_saves_its_summary_on_letter():
    from spinecheck.render.formats import paper_for

    questionnaire = load_questionnaire()
    assert paper_for(questionnaire.regions["us"]) == "letter"
    assert paper_for(questionnaire.regions["uk"]) == "a4"
    assert paper_for(None) == "a4"


def test_one_patients_pages_are_on_the_paper_of_the_region_they_answered_in(tmp_path):
    """A file answered in the UK (its region recorded, contract 1.2) prints on A4 even where the
    questionnaire's default region prints on Letter; a day list keeps one paper."""
    text = (DATA / "chronic_back.yaml").read_text(encoding="utf-8")
    uk = tmp_path / "uk.yaml"
    uk.write_text("spinecheck:\n  region: uk\n" + text.replace("spinecheck:\n", "", 1), "utf-8")
    assert "region: uk" in uk.read_text("utf-8")
    out = tmp_path / "uk.pdf"
    result = runner.invoke(app, ["summary", str(uk), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert _page_of_pdf(out) == A4_POINTS
    result = runner.invoke(app, ["summary", str(uk), "--page", "letter", "-o", str(out), "--force"])
    assert result.exit_code == 0, result.stderr
    assert _page_of_pdf(out) == LETTER_POINTS
