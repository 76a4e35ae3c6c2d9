"""Parsing answers of every kind, visible questions, and checking whole answer sets."""

from __future__ import annotations

import pytest

from spinecheck.errors import SpinecheckError
from spinecheck.questionnaire.answering import (
    check_answers,
    describe_answer,
    parse_answer,
    prune_answers,
    visible_questions,
)
from tests.conftest import minimal_answers


def q(questionnaire, question_id):
    question = questionnaire.question(question_id)
    assert question is not None
    return question


@pytest.mark.parametrize(
    ("question_id", "raw", "expected"),
    [
        ("rf_fever", True, True),
        ("rf_fever", "no", False),
        ("pain_trend", "worse", "worse"),
        ("substance_concern", False, "no"),  # YAML reads unquoted no as false
        ("pain_areas", ["neck", "leg", "neck"], ["neck", "leg"]),
        ("treatments_tried", ["none"], ["none"]),
        ("pain_average", 0, 0),
        ("pain_average", "10", 10),
        ("age", 120, 120),
        ("height_cm", 7.0 * 25, 175),
        ("goals", "  Walk the dog  ", "Walk the dog"),
        ("goals", "", None),
        ("medications", ["Advil", " ", "Norco 10/325"], ["Advil", "Norco 10/325"]),
    ],
)
def test_parse_answer_accepts(questionnaire, question_id, raw, expected):
    assert parse_answer(q(questionnaire, question_id), raw) == expected


@pytest.mark.parametrize(
    ("question_id", "raw", "fragment", "hint"),
    [
        ("rf_fever", "maybe", "expected yes or no", "true or false"),
        ("rf_fever", 1, "expected yes or no", None),
        ("pain_trend", "wrose", "not one of the choices", "did you mean 'worse'?"),
        ("pain_trend", ["worse"], "expected a choice value", None),
        ("pain_areas", "neck", "expected a list", "[neck]"),
        ("pain_areas", ["neck", "elbow"], "not one of the choices", "allowed: neck"),
        ("treatments_tried", ["none", "massage"], "'none' cannot be combined", "alone"),
        ("pain_average", 11, "outside the allowed range 0 to 10", None),
        ("pain_average", -1, "outside the allowed range", None),
        ("pain_average", 6.5, "expected a whole number", None),
        ("pain_average", True, "expected a whole number", None),
        ("age", "forty", "expected a whole number", "0 to 120 (years)"),
        ("goals", "x" * 1001, "characters long", "at most 1000"),
        ("goals", ["a"], "expected text", None),
        ("medications", "Advil", "expected a list of texts", "'- '"),
        ("medications", [{"name": "Advil"}], "expected text in the list", None),
        ("medications", ["x"] * 41, "more than allowed", None),
        ("pain_average", None, "an answer is needed", None),
    ],
)
def test_parse_answer_rejects_with_what_is_allowed(questionnaire, question_id, raw, fragment, hint):
    with pytest.raises(SpinecheckError) as caught:
        parse_answer(q(questionnaire, question_id), raw)
    assert fragment in caught.value.message
    assert caught.value.first.question == question_id
    if hint:
        assert hint in (caught.value.hint or "")


def test_warning_signs_come_first(questionnaire):
    asked = visible_questions(questionnaire, {})
    warning_ids = [x.id for x in asked if x.warning is not None]
    assert [x.id for x in asked[: len(warning_ids)]] == warning_ids
    assert len(warning_ids) == 16


def test_conditional_questions_follow_answers(questionnaire):
    base = {x.id for x in visible_questions(questionnaire, {"pain_areas": ["neck"]})}
    assert "arm_pain_below_elbow" in base
    assert "leg_pain_below_knee" not in base
    assert "flare_up" not in base
    chronic_back = {
        x.id
        for x in visible_questions(
            questionnaire, {"pain_areas": ["lower_back"], "pain_duration": "over_1_year"}
        )
    }
    assert {"flare_up", "leg_pain_below_knee", "ibp_gradual_onset"} <= chronic_back
    assert "arm_pain_below_elbow" not in chronic_back


def test_pruning_drops_answers_to_questions_no_longer_asked(questionnaire):
    answers = {"treatments_tried": ["physical_therapy"], "physical_therapy_result": "helped"}
    assert prune_answers(questionnaire, answers) == answers
    answers["treatments_tried"] = ["massage"]
    assert prune_answers(questionnaire, answers) == {"treatments_tried": ["massage"]}


def test_check_answers_reports_every_problem(questionnaire):
    raw = minimal_answers(questionnaire)
    raw.update({"pain_averag": 3, "pain_trend": "wrose", "flare_up": True})
    del raw["age"]
    _, problems, missing = check_answers(questionnaire, raw)
    messages = {p.question: p.message for p in problems}
    assert "unknown question id 'pain_averag'" in messages["pain_averag"]
    assert "not one of the choices" in messages["pain_trend"]
    assert (
        "only asked when pain_duration is one of 3_to_12_months, over_1_year"
        in messages["flare_up"]
    )
    assert missing == ["pain_trend", "age"]


def test_complete_answers_check_clean(questionnaire):
    answers, problems, missing = check_answers(questionnaire, minimal_answers(questionnaire))
    assert problems == []
    assert missing == []
    assert answers["pain_areas"] == ["neck"]


def test_describe_answer_uses_the_patients_terms(questionnaire):
    assert describe_answer(q(questionnaire, "pain_duration"), "over_1_year") == "More than a year"
    assert describe_answer(q(questionnaire, "pain_average"), 7) == "7 out of 10"
    assert describe_answer(q(questionnaire, "age"), 50) == "50 years"
    assert describe_answer(q(questionnaire, "rf_fever"), True) == "yes"
    assert describe_answer(q(questionnaire, "pain_areas"), ["neck", "leg"]) == "Neck, Leg or foot"
