"""Morphine milligram equivalents for the clinician (issue 13, §6.0): the working is shown, a
line that is not clear says why, and patients never see any of it."""

from __future__ import annotations

import html
import json

import pytest

from spinecheck.assessment.report import SummaryInfo
from spinecheck.assessment.rules import assess
from spinecheck.medicines.doses import estimate_mme
from spinecheck.medicines.matching import default_index
from spinecheck.render.formats import Summary, render
from spinecheck.render.output_format import OutputFormat
from tests.conftest import minimal_answers


def _lines(typed: str) -> list[tuple[float | None, str]]:
    index = default_index()
    estimate = estimate_mme(list(index.match_entry(typed)), index)
    assert estimate is not None, typed
    return [(line.mme_per_day, line.working) for line in estimate.lines]


@pytest.mark.parametrize(
    ("typed", "mme", "working"),
    [
        ("oxycodone 5mg 4 times a day", 30, "oxycodone 5 mg × 4 a day × 1.5 = 30 MME/day"),
        ("OXYCODONE HCL 5 MG TAB 1 TAB QID", 30, "oxycodone 5 mg × 4 a day × 1.5"),
        ("Percocet 5/325 2 tabs every 6 hours", 60, "oxycodone 5 mg × 2 per dose × 4 a day"),
        ("Norco 10/325 1-2 tablets every 4-6 hours as needed", 120, "the most the directions"),
        ("HYDROCODONE-ACETAMINOPHEN 10-325 TAKE 1 TABLET EVERY 6 HOURS", 40, "hydrocodone 10 mg"),
        ("Tylenol #3 twice daily", 9, "codeine 30 mg × 2 a day × 0.15 = 9 MME/day"),
        ("Tylenol with codeine 300/30 three times a day", 13.5, "codeine 30 mg × 3 a day"),
        ("co-codamol 30/500 two tablets four times a day", 36, "codeine 30 mg × 2 per dose"),
        ("Nurofen Plus 2 tabs 3 times a day", 11.5, "codeine 12.8 mg"),
        ("Targinact 10/5 bd", 30, "oxycodone 10 mg × 2 a day"),
        ("tramadol50mg qid", 40, "tramadol 50 mg × 4 a day × 0.2 = 40 MME/day"),
        ("OxyContin 20 mg ER every 12 hours", 60, "oxycodone 20 mg × 2 a day"),
        ("MS Contin 30 mg twice daily", 60, "morphine 30 mg × 2 a day × 1 = 60 MME/day"),
        ("methadone 10mg three times a day", 141, "methadone 10 mg × 3 a day × 4.7"),
        ("hydromorphone 2 mg q4h prn", 60, "hydromorphone 2 mg × 6 a day × 5"),
        ("tapentadol 50 mg up to 4 times a day", 80, "tapentadol 50 mg × 4 a day × 0.4"),
        ("Duragesic 25 mcg/hr patch", 60, "fentanyl patch 25 mcg/hour × 2.4 = 60 MME/day"),
        ("Matrifen 25 patch", 60, "fentanyl patch 25 mcg/hour"),
        ("fentanyl 50mcg/h patch every 72 hours", 120, "fentanyl patch 50 mcg/hour"),
    ],
)
def test_mme_is_calculated_with_its_working(typed, mme, working):
    [(value, text)] = _lines(typed)
    assert value == mme
    assert working in text


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("tramadol 50mg", "how often it is taken is not given"),
        ("tramadol 50 twice a day", "no unit"),
        ("oxycodone 5mg as needed", "taken as needed"),
        ("Oramorph 10mg/5ml four times a day", "a liquid"),
        ("Suboxone 8/2 film daily", "treatment for opioid use disorder"),
        ("Butrans 10 patch", "no CDC 2022 conversion factor"),
        ("Actiq 200mcg", "the CDC factor is for patches"),
        ("codeine 300 mg daily", "300 mg is not a strength codeine comes in"),
        ("oxycodone 10mg and 5mg twice a day", "more than one strength"),
        ("MS Contin 15mg weekly", "not taken every day"),
        ("Percocet twice a day", "the strength is not given"),
    ],
)
def test_mme_not_calculated_says_why(typed, reason):
    [(value, text)] = _lines(typed)
    assert value is None
    assert "not calculated" in text
    assert reason in text


def test_total_counts_each_opioid_and_says_what_is_missing():
    index = default_index()
    matches = index.match_all(["oxycodone 10mg four times a day", "tramadol 50mg", "ibuprofen"])
    estimate = estimate_mme(matches, index)
    assert estimate is not None
    assert estimate.total == 60
    assert not estimate.complete
    assert estimate.total_text() == "Total: 60 MME/day or more (1 opioid not calculated)."
    assert estimate.threshold_text().startswith("At or above 50 MME/day")


def test_no_opioid_means_no_mme_and_opioids_not_taken_are_left_out():
    index = default_index()
    assert estimate_mme(index.match_all(["ibuprofen", "stopped oxycodone 5mg qid"]), index) is None
    low = estimate_mme(index.match_all(["Tylenol #3 twice daily"]), index)
    assert low is not None
    assert "before raising a dose to 50 MME/day" in low.threshold_text()
    methadone = estimate_mme(index.match_all(["methadone 5mg bd"]), index)
    assert methadone is not None
    assert "Methadone's factor varies" in methadone.caveat_text()


def _outputs(questionnaire, medications, audience):
    answers = minimal_answers(questionnaire, medications=medications)
    summary = Summary(questionnaire, answers, assess(questionnaire, answers), SummaryInfo())
    return {
        f: render(f, [summary], audience=audience)
        for f in (OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML)
    }


def test_the_clinician_sees_the_working_and_the_patient_never_does(questionnaire):
    medications = ["Percocet 5/325 2 tabs every 6 hours", "Xanax 0.5mg"]
    for output in _outputs(questionnaire, medications, "clinician").values():
        text = html.unescape(str(output)).replace("\\", "")  # Markdown escapes '.'
        assert "oxycodone 5 mg × 2 per dose × 4 a day × 1.5 = 60 MME/day" in text
        assert "At or above 50 MME/day" in text
    for output in _outputs(questionnaire, medications, "patient").values():
        assert "MME" not in str(output)
        assert "5 mg" not in str(output)


def test_json_summary_carries_the_mme_and_each_entry(questionnaire):
    answers = minimal_answers(questionnaire, medications=["Norco and Valium", "MS Contin 30mg bd"])
    summary = Summary(questionnaire, answers, assess(questionnaire, answers), SummaryInfo())
    data = json.loads(str(render(OutputFormat.JSON, [summary])))
    assert [m["as_typed"] for m in data["medications"]] == ["Norco", "Valium", "MS Contin 30mg bd"]
    assert data["medications"][1]["entry"] == "Norco and Valium"
    assert data["mme"]["total_per_day"] == 60
    assert data["mme"]["complete"] is False
    assert data["mme"]["lines"][1]["working"].startswith("morphine 30 mg")
