"""The clinic's morning (issue 25): the day list and the stack it heads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from spinecheck.assessment.actions import needs_action
from spinecheck.assessment.report import SummaryInfo
from spinecheck.assessment.rules import assess
from spinecheck.questionnaire.loading import load_questionnaire
from spinecheck.render.clinician_page import NEEDS_ACTION, build_clinician
from spinecheck.render.day_list import DayEntry, build_day_list
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
