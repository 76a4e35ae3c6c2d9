"""The clinic's morning (issue 25): the day list and the stack it heads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinecheck.assessment.actions import needs_action
from spinecheck.assessment.report import SummaryInfo
from spinecheck.assessment.rules import assess
from spinecheck.questionnaire.loading import load_questionnaire
from spinecheck.render.clinician_page import NEEDS_ACTION, build_clinician
from spinecheck.render.day_list import DayEntry, build_day_list, day_order
from tests.test_properties import answer_sets

QUESTIONNAIRE = load_questionnaire()
STORY = yaml.safe_load((Path(__file__).parent / "data" / "chronic_back.yaml").read_text())
BASE = {k: v for k, v in STORY.items() if k != "spinecheck"}


def _page_actions(answers: dict) -> list[str]:
    """The clinician page's action line, as a list."""
    assessment = assess(QUESTIONNAIRE, answers)
    page = build_clinician(assessment, QUESTIONNAIRE, answers, SummaryInfo(source="a.yaml"))
    lead = f"{NEEDS_ACTION}: "
    lines = [b.text for s in page.sections for b in s.blocks if b.text.startswith(lead)]
    assert len(lines) <= 1
    return lines[0].removeprefix(lead).removesuffix(".").split("; ") if lines else []


def _list_cell(answers: dict) -> str:
    assessment = assess(QUESTIONNAIRE, answers)
    day = build_day_list([DayEntry(SummaryInfo(source="a.yaml"), assessment, QUESTIONNAIRE,
                                   answers)])  # fmt: skip
    (row,) = day.sections[0].blocks[0].rows
    return row[-1]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets())
def test_the_day_list_and_the_page_name_the_same_actions(answers):
    """Item 2: one function, so the list's column and the page's list always agree."""
    on_page = _page_actions(answers)
    assert _list_cell(answers) == ("; ".join(on_page) or "-")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            {"medications": ["oxycodone 5 mg twice a day", "diazepam 5 mg at night"]},
            "opioid with a sedative",
        ),
        (
            {"medications": ["tramadol 50 mg 2 times a day", "pregabalin 75 mg twice a day"]},
            "opioid with gabapentin or pregabalin",
        ),
        ({"medications": ["oxycodone 10 mg four times a day"]}, "60 MME a day"),
        ({"medications": ["morphine 30 mg twice a day"]}, "naloxone to offer"),
        (
            {"medications": ["hydrocodone 10 mg", "2 beers a night"], "alcohol": "21_plus"},
            "opioid with alcohol",
        ),
        ({"rf_fever": True}, "warning signs:"),
        (
            {"medications": ["cyclobenzaprine 10 mg", "oxycodone 5 mg"]},
            "opioid with a muscle relaxant",
        ),
    ],
)
def test_each_kind_of_action_reaches_the_list_and_the_page(change, said):
    answers = {**BASE, **change}
    assert any(said in words for words in _page_actions(answers)), _page_actions(answers)
    assert said in _list_cell(answers)


def test_a_plain_story_needs_no_action():
    answers = {**BASE, "medications": ["ibuprofen 200 mg"]}
    assert needs_action(assess(QUESTIONNAIRE, answers), QUESTIONNAIRE) == []
    assert _list_cell(answers) == "-"
    assert _page_actions(answers) == []


# -- the stack (items 1 and 3) --------------------------------------------------------------------

STORIES = {"chronic_back": "chronic_back.yaml", "emergency": "emergency.yaml",
           "after_surgery": "after_surgery.yaml", "neck_uk": "neck_uk.json"}  # fmt: skip


def _day(times: dict[str, str], unread: tuple[str, ...] = ()) -> list[DayEntry]:
    """The stories as a day, each with a visit time and a name, in file-name order."""
    from spinecheck.answers.files import load_answers

    entries = []
    for name in sorted(STORIES):
        loaded = load_answers(Path(__file__).parent / "data" / STORIES[name], QUESTIONNAIRE)
        info = SummaryInfo(source=STORIES[name], patient={"name": f"Patient {name}"},
                           visit={"date": "2026-12-03", "time": times[name]})  # fmt: skip
        entries.append(DayEntry(info, assess(QUESTIONNAIRE, loaded.answers), QUESTIONNAIRE,
                                loaded.answers))  # fmt: skip
    for name in unread:
        info = SummaryInfo(source=f"{name}.yaml", patient={"name": f"Patient {name}"},
                           visit={"date": "2026-12-03", "time": times[name]})  # fmt: skip
        entries.append(DayEntry(info, None, problem=f"{name}.yaml:3:1: unknown question id"))
    return entries


def _pages(data: bytes) -> list[str]:
    import io

    import pypdf

    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_printed_stack_is_in_the_day_lists_order_with_its_sheet_numbers(paper):
    """Item 1: emergencies, then same day (an unreadable file among them), then by visit
    time; the list gives each patient's first sheet; every page says its patient's page and
    the stack's sheet."""
    from spinecheck.render.formats import render_day
    from spinecheck.render.output_format import OutputFormat

    times = {"after_surgery": "08:00", "chronic_back": "09:30", "emergency": "15:00",
             "neck_uk": "08:30", "smith": "11:00"}  # fmt: skip
    data = render_day(OutputFormat.PDF, _day(times, unread=("smith",)), page=paper)
    assert isinstance(data, bytes)
    pages = _pages(data)
    total = len(pages)
    # the emergency, the unreadable file (someone must ask today), then by time whatever the
    # urgency: after_surgery (routine) at 8:00 before neck_uk (soon) at 8:30
    expected = ["emergency", "smith", "after_surgery", "neck_uk", "chronic_back"]
    listed = re.findall(r"(\d+) (?:\d\d:\d\d) Patient (\w+)", pages[0])
    assert [name for _, name in listed] == expected
    for sheet, name in listed:  # the sheet the list gives is that patient's first page
        page = pages[int(sheet) - 1]
        assert f"Patient {name}" in page
        assert "page 1 of" in page
    for number, page in enumerate(pages, 1):
        assert f"sheet {number} of {total}" in page
    order = [next(n for n in expected if f"Patient {n} " in p) for p in pages[1:]]
    assert list(dict.fromkeys(order)) == expected  # the patients' pages in the list's order


def test_an_emergency_row_is_a_black_band_on_the_day_list():
    """Item 3: in greyscale an emergency stands out as a solid band (html and pdf)."""
    from spinecheck.render.formats import render_day
    from spinecheck.render.output_format import OutputFormat

    times = dict.fromkeys(STORIES, "09:00")
    day = build_day_list(_day(times))
    (grid,) = day.sections[0].blocks
    assert [grid.rows[i][1] for i in grid.marked] == ["Patient emergency"]
    html = render_day(OutputFormat.HTML, _day(times))
    assert isinstance(html, str)
    assert html.count('<tr class="band">') == 1
    assert re.search(r'<tr class="band"><td>[^<]*</td><td>Patient emergency', html)


# -- a file that cannot be read, and what the command says (items 5 and 6) -----------------------


def test_an_unreadable_file_keeps_its_identity_and_every_problem(tmp_path):
    """Item 5: its name and visit time are read although its answers fail; it sorts by that
    time; every problem is on its page, one to a line; a duration is never 'corrected' to
    another range."""
    from typer.testing import CliRunner

    from spinecheck.cli import app

    folder = tmp_path / "day"
    folder.mkdir()
    story = (Path(__file__).parent / "data" / "chronic_back.yaml").read_text()
    broken = story.replace(
        "spinecheck:\n",
        'spinecheck:\n  patient: {name: Joan Baker, identifier: MRN 7781}\n'
        '  visit: {date: "2026-12-03", time: "08:15"}\n', 1,
    ).replace("pain_duration: over_1_year", "pain_duration: 6 weeks")  # fmt: skip
    (folder / "baker.yaml").write_text(broken)
    (folder / "zed.yaml").write_text(story)
    out = tmp_path / "day.pdf"
    result = CliRunner().invoke(
        app, ["summary", str(folder), "--audience", "clinician", "--output", str(out)]
    )
    assert result.exit_code == 1
    pages = _pages(out.read_bytes())
    assert re.search(r"2 08:15 Joan Baker \(MRN 7781\) ■ NOT READ could not be read: line \d+",
                     pages[0])  # fmt: skip
    assert pages[1].startswith("Joan Baker | MRN 7781 | visit 3 Dec 2026, 08:15")
    assert "'6 weeks' is not one of the choices" in pages[1]
    assert "4_to_12_weeks" in pages[1]
    assert "did you mean" not in pages[1]  # '6 weeks' is not '2_to_4_weeks'
    assert pages[1].count("is answered, but it is only asked when") >= 3  # every problem
    # item 6: what was written, and that the unreadable file has its page
    said = " ".join(result.stderr.split())
    assert f"Wrote {out}: 3 pages (a day list and 1 patient, 1 file that could not be read)" in said
    assert "1 of 2 answer files could not be read (each has a page in the stack saying why)" in said


def test_a_folder_of_html_pages_gets_a_day_list_linking_each_in_order(tmp_path):
    """Item 7: index.html lists the patients in the day list's order, each name a link."""
    from typer.testing import CliRunner

    from spinecheck.cli import app

    data = Path(__file__).parent / "data"
    out = tmp_path / "pages"
    result = CliRunner().invoke(
        app,
        ["summary", str(data / "chronic_back.yaml"), str(data / "emergency.yaml"),
         str(data / "after_surgery.yaml"), "--audience", "clinician", "--format", "html",
         "--output", f"{out}/"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    index = (out / "index.html").read_text()
    links = re.findall(r'<a href="([^"]+)">', index)
    assert links == ["emergency.html", "chronic_back.html", "after_surgery.html"]
    for link in links:
        assert (out / link).exists()
    assert '<tr class="band"><td>' in index
    assert (out / "index.html").stat().st_mode & 0o777 == 0o600
    assert "index.html" in " ".join(result.stderr.split())
    again = CliRunner().invoke(
        app, ["summary", str(data / "chronic_back.yaml"), str(data / "emergency.yaml"),
              "--format", "html", "--output", f"{out}/"],
    )  # fmt: skip
    assert again.exit_code != 0  # an earlier run's files are never replaced without --force


# -- the clinician page's top lines, and a date of birth that does not fit (items 8 and 9) -------


def _story_file(tmp_path: Path, source: str, **details: dict) -> Path:
    document = yaml.safe_load((Path(__file__).parent / "data" / source).read_text())
    document["spinecheck"].update(details)
    path = tmp_path / source.replace(".json", ".yaml")
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.mark.parametrize("source", ["chronic_back.yaml", "emergency.yaml"])
def test_the_clinician_page_starts_with_who_and_why(tmp_path, source):
    """Item 8: name, age, sex and visit on the top line; the presenting complaint next, on an
    emergency page too."""
    from typer.testing import CliRunner

    from spinecheck.cli import app

    path = _story_file(tmp_path, source, patient={"name": "Joan Baker", "sex": "female"},
                       visit={"date": "2026-12-03", "time": "08:15"})  # fmt: skip
    result = CliRunner().invoke(
        app, ["summary", str(path), "--audience", "clinician", "--format", "text"]
    )
    lines = [" ".join(line.split()) for line in result.stdout.splitlines() if line.strip()]
    assert re.match(r"Joan Baker \| (age \d+, )?female \| visit 3 Dec 2026, 08:15", lines[0])
    complaint = next(line for line in lines[:8] if re.match(r"(Pain history|Chronic)", line))
    if source == "emergency.yaml":  # the walk stopped at the sign: no history was asked
        assert complaint.startswith("Pain history not asked (the walk stopped at a warning")
    else:
        assert re.match(r"Chronic \(more than a year\) lower back, leg or foot pain", complaint)


def test_a_sex_that_is_not_a_code_is_an_error_at_its_line(tmp_path):
    from typer.testing import CliRunner

    from spinecheck.cli import app

    path = _story_file(tmp_path, "chronic_back.yaml", patient={"name": "Jo", "sex": "F"})
    result = CliRunner().invoke(app, ["summary", str(path)])
    assert result.exit_code == 1
    assert "'patient.sex' is not one of the codes: 'F'" in result.stderr
    assert "female, male, other, unknown" in result.stderr


def test_a_date_of_birth_that_does_not_fit_the_age_is_flagged_on_the_day_list(tmp_path):
    """Item 9: a wrong-patient file must not pass silently."""
    from spinecheck.answers.files import details, load_answers

    path = _story_file(tmp_path, "chronic_back.yaml",
                       patient={"name": "Joan Baker", "birth_date": "1950-01-01"},
                       visit={"date": "2026-12-03", "time": "08:15"})  # fmt: skip
    loaded = load_answers(path, QUESTIONNAIRE)  # age 38 answered
    info = SummaryInfo(source=path.name, patient=details(loaded.metadata, "patient"),
                       visit=details(loaded.metadata, "visit"))  # fmt: skip
    day = build_day_list([DayEntry(info, assess(QUESTIONNAIRE, loaded.answers), QUESTIONNAIRE,
                                   loaded.answers)])  # fmt: skip
    (row,) = day.sections[0].blocks[0].rows
    assert "Joan Baker - CHECK: born 1 Jan 1950 is age 76, 38 answered" in row[1]
    fitting = {**loaded.answers, "age": 76}
    day = build_day_list([DayEntry(info, assess(QUESTIONNAIRE, fitting), QUESTIONNAIRE, fitting)])
    assert "CHECK" not in day.sections[0].blocks[0].rows[0][1]


def test_a_list_of_several_days_goes_day_by_day():
    """A 9:00 visit tomorrow comes after a 16:00 visit today."""
    entries = _day(dict.fromkeys(STORIES, "09:00"))
    entries = [
        e._replace(info=e.info._replace(visit={"date": "2026-12-04" if "neck" in e.info.source
                                               else "2026-12-03", "time": t}))
        for e, t in zip(entries, ["16:00", "10:00", "16:00", "09:00"], strict=True)
    ]  # fmt: skip
    order = [e.info.source for e in day_order(entries)]
    assert order[0] == "emergency.yaml"
    assert order[-1] == "neck_uk.json"  # the next day, although at 9:00


# Item 9: the walk asks sex (optional), and the pregnancy choice follows it


def _conditions_offered(answers: dict) -> list[str]:
    from spinecheck.answers.progress import Progress
    from spinecheck.walk.logic import Walk

    walk = Walk(QUESTIONNAIRE, None, Progress(answers=answers), lambda progress: None)  # type: ignore[arg-type]
    return [value for value, _ in walk.shown([QUESTIONNAIRE.question("conditions")], 0).choices]


def test_sex_is_asked_after_age_and_before_the_health_problems_and_may_be_skipped():
    from spinecheck.questionnaire.answering import visible_questions

    ids = [q.id for q in visible_questions(QUESTIONNAIRE, {})]
    assert ids.index("age") < ids.index("sex") < ids.index("conditions")
    sex = QUESTIONNAIRE.question("sex")
    assert not sex.required
    assert [c.value for c in sex.choices or ()] == ["female", "male", "other", "unknown"]
    labels = [c.label for c in sex.choices or ()]
    assert labels == ["Female", "Male", "Another", "I would rather not say"]


@given(
    sex=st.sampled_from([None, "female", "male", "other", "unknown"]),
    chosen=st.lists(st.sampled_from(["kidney_disease", "diabetes", "pregnant", "osteoporosis"]),
                    unique=True),
)  # fmt: skip
def test_pregnancy_is_offered_to_everyone_but_a_patient_who_answered_male(sex, chosen):
    """The property: 'I am pregnant' is offered unless the answer was male, and a choice once
    made is never hidden (going back after changing an answer keeps what was ticked)."""
    answers: dict = {} if sex is None else {"sex": sex}
    if chosen:
        answers["conditions"] = chosen
    offered = _conditions_offered(answers)
    assert ("pregnant" in offered) == (sex != "male" or "pregnant" in chosen)
    assert set(chosen) <= set(offered)
    assert "osteoporosis" in offered
    assert "none" in offered


def test_a_file_that_says_male_and_pregnant_keeps_the_pregnancy_warning(tmp_path):
    """A hidden choice is hidden from the walk only: a file that has it keeps its rules."""
    from spinecheck.answers.files import load_answers

    path = _story_file(tmp_path, "chronic_back.yaml")
    data = yaml.safe_load(path.read_text())
    data.update(sex="male", conditions=["pregnant"], medications=["ibuprofen 400 mg"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    loaded = load_answers(path, QUESTIONNAIRE)
    flags = {flag.id for flag in assess(QUESTIONNAIRE, loaded.answers).medication_flags}
    assert "nsaid_pregnancy" in flags


def test_a_choice_condition_may_only_use_earlier_answers(tmp_path):
    from spinecheck.errors import SpinecheckError
    from spinecheck.questionnaire.loading import load_questionnaire

    text = (Path(__file__).parents[1] / "questions.yaml").read_text()
    text = text.replace("when: {not: {question: sex, equals: male}}",
                        "when: {not: {question: height_cm, answered: true}}")  # fmt: skip
    bad = tmp_path / "questions.yaml"
    bad.write_text(text)
    with pytest.raises(SpinecheckError) as raised:
        load_questionnaire(bad)
    assert "names 'height_cm', which is not asked before it" in str(raised.value)
    assert "questions.yaml:" in str(raised.value)


@pytest.mark.parametrize(
    ("recorded", "answered", "header", "check"),
    [
        (None, "female", "age 38, female", False),
        ("female", None, "age 38, female", False),
        ("male", "female", "age 38, female (records say male: check)", True),
        ("male", "unknown", "age 38, male", False),  # 'rather not say' contradicts nothing
        (None, "other", "age 38, another sex", False),
        (None, "unknown", "age 38 |", False),
    ],
)
def test_the_answered_sex_is_shown_and_a_record_that_differs_is_flagged(
    tmp_path, recorded, answered, header, check
):
    from typer.testing import CliRunner

    from spinecheck.cli import app

    patient = {"name": "Joan Baker"} | ({"sex": recorded} if recorded else {})
    path = _story_file(tmp_path, "chronic_back.yaml", patient=patient)
    data = yaml.safe_load(path.read_text())
    if answered:
        data["sex"] = answered
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = CliRunner().invoke(
        app, ["summary", str(path), "--audience", "clinician", "--format", "text"]
    )
    first = " ".join(result.stdout.split("\n", 1)[0].split())
    assert first.startswith(f"Joan Baker | {header}")
    summary = json.loads(CliRunner().invoke(app, ["summary", str(path), "--format", "json"]).stdout)
    assert summary["patient"].get("sex") == (
        recorded if answered in (None, "unknown") and recorded else answered
    )
    other = tmp_path / "other.yaml"
    other.write_text(path.read_text())
    day = (
        CliRunner()
        .invoke(
            app,
            ["summary", str(path), str(other), "--audience", "clinician", "--format", "markdown"],
        )
        .stdout
    )
    assert ("CHECK: records say male, female answered" in " ".join(day.split())) == check


@pytest.mark.parametrize("page", ["a4", "letter"])
def test_every_pdf_footer_fits_on_its_page_however_long_the_header(tmp_path, page):
    """Seen in the day of 25: a long header (records name, CHECK, visit) ran off the page's left
    edge in the footer. The footer keeps the page and sheet numbers whole and cuts the rest."""
    import io

    from pypdf import PdfReader
    from typer.testing import CliRunner

    from spinecheck.cli import app

    long = {"name": "Maria de los Ángeles Fernández-Castillo y Rodríguez de la Fuente",
            "birth_date": "1950-01-01", "identifier": "HOSPITAL-RECORD-0000123456789",
            "sex": "female"}  # fmt: skip
    visit = {"date": "2026-12-03", "time": "08:15", "clinician": "Dr Adaeze Okafor-Williams",
             "location": "Spine and pain clinic, outpatient building B, room 12"}  # fmt: skip
    one = _story_file(tmp_path, "chronic_back.yaml", patient=long, visit=visit)
    two = tmp_path / "two.yaml"
    two.write_text(one.read_text())
    out = tmp_path / "day.pdf"
    result = CliRunner().invoke(app, ["summary", str(one), str(two), "--audience", "clinician",
                                      "--page", page, "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    for number, sheet in enumerate(reader.pages, 1):
        width = float(sheet.mediabox.width)
        found: list[tuple[str, float]] = []

        def visit_text(text, cm, tm, font, size, found=found):
            if "page " in text and " of " in text:
                found.append((text, tm[4] * cm[0] + cm[4]))

        sheet.extract_text(visitor_text=visit_text)
        assert found, f"sheet {number} has no footer"
        text, x = found[-1]
        assert x >= 10, (number, text)  # starts inside the page, after the left margin
        assert x + len(text) * 2 < width  # and a 7 pt line of it ends before the right edge
        assert f"sheet {number} of {len(reader.pages)}" in text
