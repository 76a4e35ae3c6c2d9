"""Summaries in every format: golden files, hostile text, PDF text, FHIR validity, batches."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck.answers.files import load_answers
from spinecheck.assessment.report import SummaryInfo
from spinecheck.assessment.rules import assess
from spinecheck.clean import clean
from spinecheck.cli import app
from spinecheck.render.formats import Summary, render
from spinecheck.render.output_format import OutputFormat
from tests.conftest import DATA, minimal_answers, write_answers

SAMPLES = {
    "chronic_back": ("chronic_back.yaml", None),
    "neck_uk": ("neck_uk.json", "uk"),
    "after_surgery": ("after_surgery.yaml", None),
    "emergency": ("emergency.yaml", None),
}
DRAWN = [OutputFormat.RICH, OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML]
runner = CliRunner()


def summary_for(questionnaire, name: str) -> Summary:
    filename, region = SAMPLES[name]
    loaded = load_answers(DATA / filename, questionnaire)
    info = SummaryInfo(source=filename, answered_at=loaded.metadata.get("updated"))
    return Summary(
        questionnaire, loaded.answers, assess(questionnaire, loaded.answers, region=region), info,
        stopped=loaded.metadata.get("stopped_at_emergency") is True,
    )  # fmt: skip


@pytest.mark.parametrize("audience", ["patient", "clinician"])
@pytest.mark.parametrize("output_format", DRAWN, ids=str)
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_golden_drawn_formats(questionnaire, golden, sample, output_format, audience):
    output = render(
        output_format, [summary_for(questionnaire, sample)], audience=audience, page="a4"
    )
    assert isinstance(output, str)
    golden(f"{sample}.{audience}.{output_format.value}", output)


@pytest.mark.parametrize("output_format", [OutputFormat.JSON, OutputFormat.FHIR], ids=str)
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_golden_data_formats(questionnaire, golden, sample, output_format):
    output = render(output_format, [summary_for(questionnaire, sample)])
    assert isinstance(output, str)
    # a Bundle says when it was made: the one value that changes from run to run
    output = re.sub(r'("timestamp": )"[^"]+"', r'\1"(when made)"', output, count=1)
    golden(f"{sample}.{output_format.value}", output)


def test_patient_summary_leads_with_urgency(questionnaire):
    text = render(OutputFormat.TEXT, [summary_for(questionnaire, "neck_uk")])
    assert isinstance(text, str)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == "answers: neck_uk.json | answered 22 Nov 2026"  # whose page it is
    assert lines[4].startswith("!! HOW SOON TO ACT: BOOK AN APPOINTMENT")
    assert "CALL YOUR GP SURGERY" in text
    assert "Samaritans on 116 123" in text  # mood is positive: the support line is shown
    assert "not a diagnosis" in " ".join(text.split())


def test_emergency_summary_sends_the_patient_to_emergency_care(questionnaire):
    text = render(OutputFormat.TEXT, [summary_for(questionnaire, "emergency")])
    assert isinstance(text, str)
    assert "CALL 911 NOW" in text
    assert "DO NOT DRIVE YOURSELF" in text
    assert "Who to talk to" not in text
    assert "Options to discuss" not in text


def test_text_is_80_columns_without_escape_codes(questionnaire):
    for sample in SAMPLES:
        for audience in ("patient", "clinician"):
            text = render(
                OutputFormat.TEXT, [summary_for(questionnaire, sample)], audience=audience
            )
            assert isinstance(text, str)
            assert "\x1b" not in text
            assert max(len(line) for line in text.splitlines()) <= 80


def test_clinician_summary_has_what_the_issue_lists(questionnaire):
    text = render(
        OutputFormat.TEXT, [summary_for(questionnaire, "after_surgery")], audience="clinician"
    )
    assert isinstance(text, str)
    flat = " ".join(text.split())
    for expected in [
        "Urgency: ROUTINE", "No warning signs.", "Denies features of: cauda equina syndrome",
        "Chronic (more than a year) lower back, leg or foot pain, spreading below the knee, "
        "getting worse, average 8/10",
        "8 / 8 / 9", "score 8.3 of 10", "It did not help", "pain since: Worse",
        "gabapentine 600mg three times a day", "gabapentin (spelling",
        "Opioid with gabapentin or pregabalin: OxyContin 20 mg twice a day", "67 years",
        "BMI: 32.1", "Sleep apnea", "ex-smoker",
        "Retired", "Low mood and interest 4 (positive)", "Walk to the shops without stopping.",
        "Would a stimulator help me?", "spinecheck_default version 2026.11.1",
        "answered 23 Nov 2026, 10:15",
    ]:  # fmt: skip
        assert expected in flat, expected


# -- PDF ------------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> tuple[int, str]:
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_text_has_non_ascii_names_and_symbols(questionnaire):
    data = render(OutputFormat.PDF, [summary_for(questionnaire, "neck_uk")], page="a4")
    assert isinstance(data, bytes)
    assert data.startswith(b"%PDF")
    _, text = pdf_text(data)
    flat = " ".join(text.split())
    assert "Muñoz" in flat
    assert "≥ 6" in flat
    assert "How soon to act: Book an appointment within days" in flat
    assert "Sertraline 50 mg" in flat


@pytest.mark.parametrize("page", ["letter", "a4"])
@pytest.mark.parametrize("sample", ["chronic_back", "neck_uk", "after_surgery"])
def test_clinician_pdf_is_one_page(questionnaire, sample, page):
    data = render(
        OutputFormat.PDF, [summary_for(questionnaire, sample)], audience="clinician", page=page
    )
    assert isinstance(data, bytes)
    pages, text = pdf_text(data)
    assert pages == 1
    assert "Medicines and flags" in text


def test_pdf_page_size(questionnaire):
    import io

    import pypdf

    for page, width in (("a4", 595), ("letter", 612)):
        data = render(OutputFormat.PDF, [summary_for(questionnaire, "chronic_back")], page=page)
        assert isinstance(data, bytes)
        box = pypdf.PdfReader(io.BytesIO(data)).pages[0].mediabox
        assert round(float(box.width)) == width


def test_pdf_without_a_font_says_what_to_do(questionnaire, monkeypatch, tmp_path):
    monkeypatch.setenv("SPINECHECK_FONT", str(tmp_path / "missing.ttf"))
    path = DATA / "chronic_back.yaml"
    result = runner.invoke(
        app, ["summary", str(path), "--format", "pdf", "--output", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1
    assert "font" in result.stderr
    assert "Traceback" not in result.output


# -- HTML -------------------------------------------------------------------------------------------


def test_html_is_self_contained_and_printable(questionnaire):
    html = render(
        OutputFormat.HTML,
        [summary_for(questionnaire, s) for s in ("chronic_back", "neck_uk")],
        page="letter",
    )
    assert isinstance(html, str)
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@page { size: letter" in html
    assert "page-break-after: always" in html
    assert html.count("<article") == 2


# -- FHIR -------------------------------------------------------------------------------------------


def fhir_models():
    pytest.importorskip("fhir.resources")
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.questionnaire import Questionnaire
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    return Questionnaire, QuestionnaireResponse, Bundle


def test_exported_questionnaire_is_valid_fhir():
    fhir_questionnaire, _, _ = fhir_models()
    result = runner.invoke(app, ["export-questionnaire"])
    assert result.exit_code == 0
    resource = json.loads(result.stdout)
    fhir_questionnaire.model_validate(resource)
    assert resource["url"] == "urn:spinecheck:questionnaire:spinecheck_default"


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_fhir_responses_are_valid_and_merge_into_the_questionnaire(questionnaire, sample):
    fhir_questionnaire, fhir_response, _ = fhir_models()
    from spinecheck.render.fhir import to_questionnaire

    response = the_response(render(OutputFormat.FHIR, [summary_for(questionnaire, sample)]))
    fhir_response.model_validate(response)
    form = to_questionnaire(questionnaire)
    fhir_questionnaire.model_validate(form)
    assert response["questionnaire"] == f"{form['url']}|{form['version']}"
    parents: dict[str, tuple[dict, str | None]] = {}

    def index(items: list[dict], parent: str | None) -> None:
        for item in items:
            parents[item["linkId"]] = (item, parent)
            index(item.get("item", []), item["linkId"])

    index(form["item"], None)
    value_keys = {"boolean": "valueBoolean", "choice": "valueCoding", "integer": "valueInteger",
                  "text": "valueString", "string": "valueString"}  # fmt: skip
    answered_ids = []

    def check(items: list[dict], parent: str | None) -> None:
        for answered in items:
            item, expected_parent = parents[answered["linkId"]]
            assert expected_parent == parent, answered["linkId"]  # nested as in the form
            if item["type"] == "group":
                check(answered["item"], answered["linkId"])
                continue
            answered_ids.append(answered["linkId"])
            assert len(answered["answer"]) == 1 or item.get("repeats")
            for answer in answered["answer"]:
                ((key, value),) = answer.items()
                assert key == value_keys[item["type"]]
                if key == "valueCoding":
                    assert value in [o["valueCoding"] for o in item["answerOption"]]

    check(response["item"], None)
    assert answered_ids


def the_response(output: str | bytes) -> dict:
    """The QuestionnaireResponse of a one-file FHIR output (a Bundle with derived results)."""
    bundle = json.loads(str(output))
    assert bundle["resourceType"] == "Bundle"
    (response,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    return response


def test_fhir_batch_is_a_bundle(questionnaire):
    _, _, bundle = fhir_models()
    output = render(
        OutputFormat.FHIR, [summary_for(questionnaire, s) for s in ("chronic_back", "neck_uk")]
    )
    bundle.model_validate(json.loads(str(output)))


# -- hostile text -------------------------------------------------------------------------------------

HOSTILE = [
    "[red]x[/]",
    "oops [/] closing tag",
    "[link=http://evil.example]click[/link]",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\x1b[31mred\x1b[0m and \x1b]8;;http://evil.example\x07link\x1b]8;;\x07",
    "**bold** _it_ `code` # heading | pipe",
    "C:\\path\\[x]",
    "\u202egnp.exe",
]
AS_DATA = [text.replace("\u202e", "") for text in HOSTILE]
"""What JSON keeps: the text as typed, without the override that would reorder it."""


@pytest.mark.parametrize("output_format", list(OutputFormat), ids=str)
@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_hostile_text_in_every_free_text_field(questionnaire, output_format, audience):
    answers = minimal_answers(
        questionnaire,
        medications=HOSTILE,
        goals=" ".join(HOSTILE),
        questions_for_clinician=HOSTILE[3],
    )
    summary = Summary(
        questionnaire, answers, assess(questionnaire, answers), SummaryInfo(source="<x>.yaml")
    )
    output = render(output_format, [summary], audience=audience)
    if output_format is OutputFormat.PDF:
        assert isinstance(output, bytes)
        _, text = pdf_text(output)
        assert "[red]x[/]" in text
        assert "<script>alert(1)</script>" in text
        assert "\x1b" not in text
        return
    assert isinstance(output, str)
    if output_format is OutputFormat.JSON:
        data = json.loads(output)  # JSON is data: strings come back as typed, less bidi overrides
        assert [m["as_typed"] for m in data["medications"]] == AS_DATA
        return
    if output_format is OutputFormat.FHIR:
        data = the_response(output)
        typed = [
            answer["valueString"]
            for group in data["item"]
            for item in group["item"]
            if item["linkId"] == "medications"
            for answer in item["answer"]
        ]
        # a records system gets no control characters or escape sequences (issue 16)
        assert typed == [clean(text) for text in HOSTILE]
        assert not any("\x1b" in text or "\u202e" in text for text in typed)
        return
    assert "\x1b" not in output
    assert "\u202e" not in output
    if output_format is OutputFormat.HTML:
        assert "<script>alert(1)</script>" not in output
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in output
        assert "<img" not in output
    elif output_format is OutputFormat.MARKDOWN:
        assert "<script>" not in output
        # read back by a real Markdown parser, every hostile text is shown as typed and starts
        # no markup: no tag, link, emphasis, code or heading of its own
        html = _markdown_html(output)
        shown = _html_text(html)
        for text in HOSTILE:
            assert " ".join(clean(text).split()) in shown, text
        for tag in ("<script", "<img", "<a ", "<code", "<em>it", "<strong>bold"):
            assert tag not in html, tag
        assert html.count("<h1>") == 1
    else:
        flat = " ".join(output.split())
        assert "[red]x[/]" in flat
        assert "oops [/] closing tag" in flat
        assert "[link=http://evil.example]click[/link]" in flat
        assert "<script>alert(1)</script>" in flat


def _markdown_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def _html_text(html: str) -> str:
    import html as html_module

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_markdown_pastes_as_plain_text(questionnaire):
    """Dates, sentences, hyphens and brackets carry no backslash; a table always has heads."""
    summary = summary_for(questionnaire, "chronic_back")
    output = render(OutputFormat.MARKDOWN, [summary], audience="patient")
    assert isinstance(output, str)
    assert "answered 20 Nov 2026" in output
    assert "(physiotherapy)" in output
    assert "Zzyzx herbal tea." in output
    assert "answers: chronic_back.yaml | answered" in output
    assert not re.search(r"\\[.\-()+!#]", output)
    assert "|  |" not in output  # no empty table heads
    assert "| |" not in output
    assert "- **Where:** Lower back, Leg or foot" in output
    shown = _html_text(_markdown_html(output))
    assert "Percocet 5/325 twice a day" in shown


def test_rich_on_a_real_console_keeps_markup_literal(questionnaire):
    import io

    from rich.console import Console

    from spinecheck.render.formats import document_of
    from spinecheck.render.terminal import render as draw

    answers = minimal_answers(questionnaire, goals="[bold red]shout[/] oops [/]")
    summary = Summary(questionnaire, answers, assess(questionnaire, answers), SummaryInfo())
    buffer = io.StringIO()
    draw(
        document_of(summary, "patient"),
        Console(file=buffer, width=100, force_terminal=True, color_system="truecolor"),
    )
    shown = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue())
    assert "[bold red]shout[/] oops [/]" in " ".join(shown.split())


# -- batches --------------------------------------------------------------------------------------------


def make_batch(folder: Path, questionnaire, count: int, broken: dict[int, str]) -> None:
    folder.mkdir()
    for number in range(count):
        path = folder / f"patient-{number:03}.yaml"
        if number in broken:
            path.write_text(broken[number])
        else:
            write_answers(path, minimal_answers(questionnaire, age=20 + number % 70))


def test_batch_of_200_with_two_broken(questionnaire, tmp_path):
    make_batch(
        tmp_path / "day", questionnaire, 200,
        {17: "age: [unclosed\n", 142: yaml.safe_dump(minimal_answers(questionnaire, pain_trend="sideways"))},
    )  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(
        app, ["summary", str(tmp_path / "day"), "--format", "text", "--output", str(out)]
    )
    assert result.exit_code == 1
    assert len(list(out.iterdir())) == 198
    assert "2 of 200 answer files could not be read and were skipped:" in result.stderr
    assert "patient-017.yaml:" in result.stderr
    assert "YAML syntax error" in result.stderr
    assert "patient-142.yaml:" in result.stderr
    assert "pain_trend" in result.stderr
    assert (out / "patient-000.txt").stat().st_mode & 0o777 == 0o600


def test_batch_into_one_html_document(questionnaire, tmp_path):
    make_batch(tmp_path / "day", questionnaire, 5, {2: "rf_fever: maybe\n"})
    out = tmp_path / "day.html"
    result = runner.invoke(
        app,
        [
            "summary",
            str(tmp_path / "day"),
            "--audience",
            "clinician",
            "--output",
            str(out),
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 1
    html = out.read_text()
    assert html.count("<article") == 6  # the day list, 4 patients, a page for the broken file
    assert html.count("This answer file could not be read") == 1
    assert "patient-002.yaml" in result.stderr


def test_batch_into_one_pdf_with_a_page_per_patient(questionnaire, tmp_path):
    make_batch(tmp_path / "day", questionnaire, 3, {})
    out = tmp_path / "day.pdf"
    result = runner.invoke(
        app,
        [
            "summary",
            str(tmp_path / "day"),
            "--audience",
            "clinician",
            "--format",
            "pdf",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    pages, _ = pdf_text(out.read_bytes())
    assert pages == 4  # the day list, then a page per patient


def test_json_for_many_files_is_a_list(tmp_path, questionnaire):
    paths = [
        write_answers(tmp_path / f"{n}.yaml", minimal_answers(questionnaire)) for n in range(2)
    ]
    result = runner.invoke(app, ["summary", *map(str, paths), "--format", "json"])
    assert [s["urgency"] for s in json.loads(result.stdout)] == ["routine", "routine"]


def test_heavy_libraries_load_only_for_their_formats():
    import subprocess
    import sys

    def loaded_for(fmt: str) -> str:
        code = (
            "import sys\nfrom spinecheck.cli import app\n"
            f"sys.argv = ['spinecheck', 'summary', 'tests/data/chronic_back.yaml', '--format', '{fmt}', '--output', '/dev/null']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print(' '.join(m for m in ('fpdf', 'fhir', 'rich.console', 'questionary') if m in sys.modules), file=sys.stderr)\n"
        )
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stderr.splitlines()[-1]

    assert loaded_for("json").strip() == ""
    assert loaded_for("text").strip() == ""
    assert loaded_for("fhir").strip() == ""
    assert loaded_for("pdf").split() == ["fpdf"]


def test_a_batch_where_every_file_fails_writes_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text("age: 999\n")
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["summary", str(folder), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [folder]


def test_streamed_batch_to_a_file_is_valid_json(tmp_path, questionnaire):
    paths = [
        write_answers(tmp_path / f"{n}.yaml", minimal_answers(questionnaire, age=30 + n))
        for n in range(3)
    ]
    out = tmp_path / "day.json"
    result = runner.invoke(
        app, ["summary", *map(str, paths), "--format", "json", "--output", str(out)]
    )
    assert result.exit_code == 0
    assert [s["urgency"] for s in json.loads(out.read_text())] == ["routine"] * 3
    assert out.stat().st_mode & 0o777 == 0o600


def test_clinician_page_shows_blood_thinners_and_allergies_and_not_asked_apart_from_no(
    questionnaire,
):
    from spinecheck.assessment.report import SummaryInfo
    from tests.conftest import minimal_answers

    def page(**answers):
        checked = minimal_answers(questionnaire, **answers)
        summary = Summary(questionnaire, checked, assess(questionnaire, checked), SummaryInfo())
        text = render(OutputFormat.TEXT, [summary], audience="clinician")
        return " ".join(str(text).split())

    unasked = page()
    assert "Before any procedure" in unasked
    assert "Not asked: blood thinner, allergies" in unasked  # one line (issue 25, item 8)
    half = page(blood_thinner="no")
    assert "Allergies: not asked" in half
    answered = page(blood_thinner="no", allergies=["none"], medications=["Eliquis 5mg bd"])
    assert "Blood thinner: No (listed: Eliquis 5mg bd)" in answered
    assert "Allergies: None of these" in answered
    assert answered.lower().index("before any procedure") < answered.index("Medicines and flags")


def test_emergency_clinician_page_is_only_what_to_do_now(questionnaire):
    """Decision 7: the action, the signs and their sources, and what an emergency team needs."""
    output = render(
        OutputFormat.TEXT, [summary_for(questionnaire, "emergency")], audience="clinician"
    )
    text = " ".join(str(output).split())
    assert "CALL 911 NOW" in text
    assert "Answered yes: Do you have new trouble starting to pee" in text
    assert "Sources: GIRFT 2023" in text
    assert "BEFORE ANY PROCEDURE" in text.upper()
    for absent in ("Pain avg", "Treatments", "Health and daily life", "Suggested for discussion"):
        assert absent not in text


def test_the_crisis_line_stands_out_and_good_to_know_is_not_all_bold(questionnaire):
    summary = summary_for(questionnaire, "neck_uk")  # the mood check is positive
    text = str(render(OutputFormat.TEXT, [summary]))
    sections = [line for line in text.splitlines() if line.startswith("!! ")]
    assert sections[1] == "!! IF YOU ARE STRUGGLING !!"  # right after how soon to act
    assert "Samaritans on 116 123" in text.split("!! IF YOU ARE STRUGGLING !!")[1][:400]
    html = str(render(OutputFormat.HTML, [summary]))
    good = html.split("<h2>Good to know</h2>")[1].split("</section>")[0]
    assert "<strong>" not in good
    assert "Samaritans" not in good  # said once, where it stands out


@pytest.mark.parametrize("sample", ["chronic_back", "neck_uk", "after_surgery"])
def test_no_heading_is_left_alone_at_the_foot_of_a_pdf_page(questionnaire, sample):
    import io

    import pypdf

    from spinecheck.render.formats import document_of

    summary = summary_for(questionnaire, sample)
    titles = {s.title for s in document_of(summary, "patient").sections}
    data = render(OutputFormat.PDF, [summary])
    assert isinstance(data, bytes)
    for page in pypdf.PdfReader(io.BytesIO(data)).pages[:-1]:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if " - page " not in line]  # the page footer
        assert body[-1] not in titles, body[-3:]


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_no_item_or_note_is_said_twice_on_the_patient_summary(questionnaire, sample):
    from spinecheck.render.formats import document_of

    said: list[str] = []
    for section in document_of(summary_for(questionnaire, sample), "patient").sections:
        for block in section.blocks:
            said += [block.text] if block.kind == "paragraph" else []
            for item in block.items:
                said.append(item.title)  # a flag's 'Medicines:' and 'Because' lines may match
                said += [x for x in item.lines if not x.startswith(("Because", "Medicines"))]
    repeated = {text for text in said if said.count(text) > 1}
    assert not repeated


def test_fhir_responses_have_stable_ids_units_and_a_stopped_status(questionnaire, tmp_path):
    one = the_response(render(OutputFormat.FHIR, [summary_for(questionnaire, "chronic_back")]))
    again = the_response(render(OutputFormat.FHIR, [summary_for(questionnaire, "chronic_back")]))
    assert one["id"] == again["id"]  # the same answers give the same id
    stopped = the_response(render(OutputFormat.FHIR, [summary_for(questionnaire, "emergency")]))
    assert stopped["status"] == "stopped"
    from spinecheck.render.fhir import to_questionnaire

    units = [
        ext["valueCoding"]
        for item in to_questionnaire(questionnaire)["item"]
        for question in item.get("item", [])
        for ext in question.get("extension", [])
        if ext["url"].endswith("questionnaire-unit")
    ]
    assert {"system": "http://unitsofmeasure.org", "code": "a", "display": "years"} in units
    assert {"system": "http://unitsofmeasure.org", "code": "kg", "display": "kg"} in units
    bundle = json.loads(
        str(
            render(
                OutputFormat.FHIR, [summary_for(questionnaire, s) for s in ("neck_uk", "emergency")]
            )
        )
    )
    assert bundle["id"]
    assert bundle["timestamp"].endswith("+00:00")
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"


def test_golden_day_list(questionnaire, golden):
    """The day list page and the page of an unreadable file, as text (issue 15)."""
    from spinecheck.render.day_list import DayEntry, build_day_list, unreadable_page
    from spinecheck.render.plain import to_text

    entries = []
    for sample in SAMPLES:
        summary = summary_for(questionnaire, sample)
        info = summary.info._replace(visit={"date": "2026-12-03", "time": f"{9 + len(entries)}:30"})
        entries.append(DayEntry(info, summary.assessment, questionnaire, summary.answers))
    broken = DayEntry(
        SummaryInfo(source="todays-answers/smith.yaml"), None,
        problem="todays-answers/smith.yaml:3:1: unknown question id 'pain_aera'",
    )  # fmt: skip
    entries.insert(1, broken)
    text = to_text(build_day_list(entries)) + "\f\n" + to_text(unreadable_page(broken))
    golden("day_list.text", text)
