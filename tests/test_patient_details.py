"""Contract 1.1 patient and visit details: checked with file and line, in the JSON summary, and
printed at the top of every page of every format (issue 15, first part)."""

from __future__ import annotations

import io
import json
import re

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck.cli import app
from tests.conftest import ROOT

runner = CliRunner()
DETAILS = {
    "patient": {"name": "Ana Muñoz", "birth_date": "1961-04-02", "identifier": "MRN 004512"},
    "visit": {"date": "2026-12-03", "time": "09:30", "clinician": "Dr Lee"},
}


def _answers(tmp_path, name: str, sample: str = "chronic_back.yaml", **meta) -> str:
    data = yaml.safe_load((ROOT / "tests" / "data" / sample).read_text(encoding="utf-8"))
    data["spinecheck"].update(meta)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ({"patient": {"nmae": "Ana"}}, "unknown key 'nmae' in 'patient'"),
        ({"patient": {"birth_date": "1961-02-30"}}, "'patient.birth_date' is not a real date"),
        ({"visit": {"date": "3 Dec 2026"}}, "'visit.date' is not a real date"),
        ({"patient": {"identifier": 4512}}, "'patient.identifier' must be text"),
        ({"visit": "today"}, "'visit' in the spinecheck block must be a mapping"),
    ],
)
def test_bad_details_are_errors_with_file_and_line(tmp_path, meta, message):
    path = _answers(tmp_path, "bad.yaml", **meta)
    result = runner.invoke(app, ["summary", path, "--format", "json"])
    assert result.exit_code != 0
    assert message in result.output
    assert "bad.yaml:" in result.output  # file and line
    assert "Traceback" not in result.output


def test_json_summary_carries_the_details_and_the_source(tmp_path):
    path = _answers(tmp_path, "ana.yaml", **DETAILS)
    result = runner.invoke(app, ["summary", path, "--format", "json"])
    data = json.loads(result.stdout)
    assert data["patient"] == DETAILS["patient"]
    assert data["visit"] == DETAILS["visit"]
    assert data["source"] == path
    plain = json.loads(
        runner.invoke(app, ["summary", _answers(tmp_path, "x.yaml"), "--format", "json"]).stdout
    )
    assert plain["patient"] is None
    assert plain["visit"] is None


@pytest.mark.parametrize("output_format", ["text", "markdown", "html"])
def test_every_format_names_the_patient_at_the_top(tmp_path, output_format):
    path = _answers(tmp_path, "ana.yaml", **DETAILS)
    result = runner.invoke(
        app, ["summary", path, "--format", output_format, "--audience", "clinician"]
    )
    shown = result.stdout
    body = shown[shown.index("<body") :] if output_format == "html" else shown
    head = " ".join(body[: body.index("Back and neck pain visit preparation")].split())
    for part in (
        "Ana Muñoz",
        "born 2 Apr 1961",
        "MRN 004512",
        "visit 3 Dec 2026, 09:30 with Dr Lee",
    ):
        assert part in head


def test_absent_details_leave_no_empty_labels(tmp_path):
    path = _answers(tmp_path, "nobody.yaml", patient={"name": "Ana"})
    text = runner.invoke(app, ["summary", path, "--format", "text"]).stdout
    first = text.splitlines()[0]
    assert first.startswith("Ana | answered ")
    for label in ("born", "visit", "None", "MRN"):
        assert label not in first


def _pages(data: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_every_pdf_page_names_its_patient_with_page_n_of_m(tmp_path):
    ana = _answers(tmp_path, "ana.yaml", "emergency.yaml", **DETAILS)
    bob = _answers(tmp_path, "bob.yaml", patient={"name": "Bob Stone", "identifier": "MRN 7"})
    out = tmp_path / "day.pdf"
    result = runner.invoke(app, ["summary", ana, bob, "--format", "pdf", "--output", str(out)])
    assert result.exit_code == 0, result.output
    pages = _pages(out.read_bytes())
    assert len(pages) >= 2
    for text in pages:
        assert ("Ana Muñoz" in text) != ("Bob Stone" in text)  # each page names one patient
        assert re.search(r"page \d+ of \d+", text)
    ana_pages = [t for t in pages if "Ana Muñoz" in t]
    assert all("EMERGENCY" in t for t in ana_pages)  # on every page of an emergency
    assert f"page {len(ana_pages)} of {len(ana_pages)}" in ana_pages[-1]


def _darkness(data: bytes, top_mm: float, bottom_mm: float) -> float:
    """Mean darkness (0 white, 1 black) of a band of the first page, in greyscale."""
    pdfium = pytest.importorskip("pypdfium2")
    page = pdfium.PdfDocument(data)[0]
    image = page.render(scale=1).to_pil().convert("L")
    height = image.height / (page.get_height() / 72 * 25.4)  # pixels per mm
    band = image.crop((0, int(top_mm * height), image.width, int(bottom_mm * height)))
    histogram = band.histogram()  # how many pixels of each grey level, 0 (black) to 255
    total = sum(histogram)
    return 1 - sum(level * count for level, count in enumerate(histogram)) / (255 * total)


def test_an_emergency_banner_is_much_darker_than_a_routine_one_in_greyscale(tmp_path):
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.render.formats import render
    from spinecheck.render.output_format import OutputFormat
    from tests.test_render import summary_for

    questionnaire = load_questionnaire()
    emergency = render(OutputFormat.PDF, [summary_for(questionnaire, "emergency")])
    routine = render(OutputFormat.PDF, [summary_for(questionnaire, "chronic_back")])
    assert isinstance(emergency, bytes)
    assert isinstance(routine, bytes)
    top = (8, 24)  # the band under the page header
    assert _darkness(emergency, *top) > 3 * _darkness(routine, *top)
    assert _darkness(emergency, *top) > 0.25


def test_the_output_name_chooses_the_format_and_a_contradiction_is_an_error(tmp_path):
    path = _answers(tmp_path, "ana.yaml", **DETAILS)
    out = tmp_path / "one.pdf"
    assert runner.invoke(app, ["summary", path, "--output", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")
    for name, start in (("one.html", "<!DOCTYPE html>"), ("one.md", "**Ana"), ("one.json", "{")):
        runner.invoke(app, ["summary", path, "--output", str(tmp_path / name)])
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name
    wrong = runner.invoke(
        app, ["summary", path, "--format", "text", "--output", str(tmp_path / "x.pdf")]
    )
    assert wrong.exit_code != 0
    assert "ends in .pdf, but --format is text" in wrong.output
    assert not (tmp_path / "x.pdf").exists()
    unknown = runner.invoke(app, ["summary", path, "--output", str(tmp_path / "x.docx")])
    assert unknown.exit_code != 0
    assert "which is no summary format" in unknown.output


def test_per_patient_files_are_named_from_the_identifier_or_name_and_unique(tmp_path):
    monday, tuesday = tmp_path / "monday", tmp_path / "tuesday"
    monday.mkdir()
    tuesday.mkdir()
    _answers(monday, "a.yaml", patient={"identifier": "MRN 004512"})
    _answers(tuesday, "a.yaml", patient={"name": "Ana Muñoz"})
    _answers(monday, "same.yaml")
    _answers(tuesday, "same.yaml")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["summary", str(monday), str(tuesday), "--format", "text", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "Ana-Muñoz.txt", "MRN-004512.txt", "same-2.txt", "same.txt",
    ]  # fmt: skip


def test_a_day_list_comes_first_with_emergencies_first_and_a_page_for_each_unreadable_file(
    tmp_path,
):
    folder = tmp_path / "todays-answers"
    folder.mkdir()
    _answers(folder, "a-routine.yaml", patient={"name": "Bob Stone"}, visit={"time": "08:00"})
    (folder / "b-broken.yaml").write_text("rf_bladder_change: [oops\n", encoding="utf-8")
    _answers(folder, "c-emergency.yaml", "emergency.yaml", patient={"name": "Ana Muñoz"},
             visit={"time": "11:00"})  # fmt: skip
    out = tmp_path / "day.pdf"
    result = runner.invoke(
        app, ["summary", str(folder), "--audience", "clinician", "--output", str(out)]
    )
    assert result.exit_code != 0  # one file could not be read, and it says so
    assert "b-broken.yaml" in result.output
    pages = _pages(out.read_bytes())
    first = pages[0]
    assert first.index("Ana Muñoz") < first.index("Bob Stone")  # the emergency first
    assert "EMERGENCY" in first
    assert "b-broken.yaml" in first
    owners = [page.splitlines()[0] for page in pages[1:]]  # each page's header line
    # the stack is in the day list's order (issue 25): the emergency, then the file that could
    # not be read (someone must ask that patient today), then the routine visit
    assert owners[0].startswith("Ana Muñoz")
    assert "b-broken.yaml" in owners[1]
    assert "could not be read" in pages[2]
    assert owners[2].startswith("Bob Stone")
    assert len(pages) == 4  # one page each


def test_a_json_batch_carries_each_entrys_source_and_patient(tmp_path):
    one = _answers(tmp_path, "one.yaml", **DETAILS)
    two = _answers(tmp_path, "two.yaml")
    data = json.loads(runner.invoke(app, ["summary", one, two, "--format", "json"]).stdout)
    assert [entry["source"] for entry in data] == [one, two]
    assert data[0]["patient"]["name"] == "Ana Muñoz"
    assert data[1]["patient"] is None


def test_a_clinician_page_with_12_medicines_and_many_flags_is_at_most_two_pages(tmp_path):
    medicines = [
        "OxyContin 20 mg every 12 hours", "Percocet 5/325 2 tabs every 6 hours", "Xanax 0.5mg",
        "Ambien 10mg", "Lyrica 75mg", "Flexeril 10mg", "sertraline 100mg", "tramadol 50mg qid",
        "ibuprofen 400mg", "Eliquis 5mg bd", "Seroquel 50mg", "Tylenol Extra Strength",
    ]  # fmt: skip
    data = yaml.safe_load((ROOT / "tests" / "data" / "after_surgery.yaml").read_text("utf-8"))
    data["medications"] = medicines
    data["spinecheck"]["patient"] = {"name": "Carla Diaz", "identifier": "MRN 55"}
    path = tmp_path / "carla.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "carla.pdf"
    result = runner.invoke(
        app, ["summary", str(path), "--audience", "clinician", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    pages = _pages(out.read_bytes())
    assert len(pages) <= 2
    joined = " ".join(" ".join(pages).split())
    assert "Opioid with a sedative" in joined
    assert "Medicines that together can cause serotonin syndrome" in joined
    for page in pages:  # who, with age (issue 25: the top line is who and why)
        assert re.match(r"Carla Diaz \| age \d+ \| MRN 55", page), page[:80]


def test_a_fhir_batch_carries_each_entrys_source_and_patient(tmp_path):
    one = _answers(tmp_path, "one.yaml", **DETAILS)
    two = _answers(tmp_path, "two.yaml")
    bundle = json.loads(runner.invoke(app, ["summary", one, two, "--format", "fhir"]).stdout)
    first, second = (
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    assert first["identifier"]["value"] == one
    subject = dict(first["subject"])
    assert subject.pop("reference").startswith("urn:uuid:")  # the Bundle's Patient (issue 25)
    assert subject == {"identifier": {"value": "MRN 004512"}, "display": "Ana Muñoz"}
    assert second["identifier"]["value"] == two
    assert "subject" not in second


@pytest.mark.parametrize("page", ["a4", "letter"])
def test_a_typical_patients_own_summary_prints_on_at_most_two_pages(tmp_path, page):
    """Neck pain for a month: a warning sign, four specialists and four options, four medicine
    flags, mood and scores. The heavier samples (over 15 suggestions) stay within three."""
    for sample, most in (("neck_uk.json", 2), ("chronic_back.yaml", 3), ("after_surgery.yaml", 3)):
        out = tmp_path / f"{sample}.{page}.pdf"
        answers = str(ROOT / "tests" / "data" / sample)
        result = runner.invoke(app, ["summary", answers, "--page", page, "--output", str(out)])
        assert result.exit_code == 0, result.output
        pages = _pages(out.read_bytes())
        assert len(pages) <= most, sample
        last = pages[-1]
        assert f"page {len(pages)} of {len(pages)}" in last
        joined = " ".join(" ".join(pages).split())
        for heading in ("Who to talk to", "Options to discuss", "How to prepare", "Please note"):
            assert heading in joined, (sample, heading)


def test_every_story_prints_on_at_most_two_pages_for_the_patient(questionnaire):
    from spinecheck.assessment.report import SummaryInfo
    from spinecheck.assessment.rules import assess
    from spinecheck.questionnaire.answering import check_answers
    from spinecheck.render.formats import OutputFormat, Summary, render
    from tests.conftest import minimal_answers
    from tests.test_stories import STORIES

    longer = []
    for story in STORIES:
        answers = dict(story.answers)
        region = answers.pop("_region", None)
        checked, _, _ = check_answers(questionnaire, minimal_answers(questionnaire, **answers))
        summary = Summary(
            questionnaire, checked, assess(questionnaire, checked, region=region),
            SummaryInfo(source="story.yaml"),
        )  # fmt: skip
        data = render(OutputFormat.PDF, [summary], audience="patient", page="letter")
        assert isinstance(data, bytes)
        if len(_pages(data)) > 2:
            longer.append(story.name)
    assert not longer


def test_dates_read_as_dates_and_the_print_date_is_given(tmp_path):
    path = _answers(tmp_path, "ana.yaml", **DETAILS)
    result = runner.invoke(app, ["summary", path, "--format", "text"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "born 2 Apr 1961" in flat
    assert "visit 3 Dec 2026, 09:30 with Dr Lee" in flat
    assert "Answered 20 Nov 2026, 09:12" in flat  # the file says 2026-11-20T09:12:00+00:00
    assert "T09:12" not in flat
    assert re.search(r"printed \d{1,2} [A-Z][a-z]{2} 20\d\d, \d\d:\d\d", flat)


LONG = {
    "patient": {"name": "Bartholomew-" * 300, "identifier": "MRN" + "9" * 2000},
    "visit": {"date": "2026-12-03", "time": "09:30" + "!" * 500, "clinician": "Dr " + "Z" * 900,
              "location": "Clinic " * 300},
}  # fmt: skip


@pytest.mark.parametrize("audience", ["patient", "clinician"])
@pytest.mark.parametrize("output_format", ["pdf", "html", "markdown", "text"])
def test_very_long_names_are_cut_with_an_ellipsis_on_pages(tmp_path, audience, output_format):
    """Issue 23: a header or a table cell holds a cut name, never a traceback or a page loop."""
    long = _answers(tmp_path, "long.yaml", **LONG)
    other = _answers(tmp_path, "other.yaml", "emergency.yaml")
    out = tmp_path / f"day.{output_format}"
    arguments = ["summary", long, other, "--format", output_format, "--audience", audience]
    result = runner.invoke(app, [*arguments, "-o", str(out)])
    assert result.exit_code == 0, result.output
    if output_format == "pdf":
        text = "\n".join(_pages(out.read_bytes()))
        assert len(_pages(out.read_bytes())) <= 12
    else:
        text = out.read_text(encoding="utf-8")
    assert "Bartholomew-Bartholomew" in text
    assert "\u2026" in text
    assert "Bartholomew-" * 40 not in text
    assert "9" * 200 not in text


@pytest.mark.parametrize("output_format", ["json", "fhir"])
def test_very_long_names_are_kept_whole_in_json_and_fhir(tmp_path, output_format):
    long = _answers(tmp_path, "long.yaml", **LONG)
    result = runner.invoke(app, ["summary", long, "--format", output_format])
    assert result.exit_code == 0, result.output
    assert LONG["patient"]["name"] in json.loads(result.stdout).__repr__()
    assert LONG["patient"]["identifier"] in result.stdout


@pytest.mark.parametrize(
    "blank",
    ["   ", "\t \u3000 \u00a0 \u2003", "\u200b\u200d\u2060", "\u0301\u0308\u20dd", "\x1b[2J"],
)
def test_a_detail_that_shows_nothing_is_not_given(tmp_path, blank):
    """Spaces of any kind, invisible characters, marks with no letter under them or only a
    control sequence: the header does not start with an empty name, and JSON has no name."""
    path = _answers(tmp_path, "blank.yaml", patient={"name": blank, "identifier": "MRN 3"})
    text = runner.invoke(app, ["summary", path, "--format", "text"])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[0].startswith("MRN 3 |")
    data = json.loads(runner.invoke(app, ["summary", path, "--format", "json"]).stdout)
    assert data["patient"] == {"identifier": "MRN 3"}
