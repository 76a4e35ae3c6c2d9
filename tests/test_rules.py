"""Assessments: warning signs and urgency, recommendations with reasons and sources, JSON shape."""

from __future__ import annotations

import json

import msgspec
import pytest

from spinecheck.assessment.report import to_json_dict
from spinecheck.assessment.rules import assess, stops_walk
from spinecheck.questionnaire.answering import check_answers
from spinecheck.questionnaire.model import Condition, QuestionKind
from tests.conftest import DATA, minimal_answers
from tests.contract import (
    ADDED_VALUES,
    EXCLUSIVE_NONE,
    MEDICATION_FLAGS,
    OPTIONS,
    QUESTIONS,
    RED_FLAGS,
    SPECIALISTS,
    assert_contract_json,
)


def as_condition(data):
    return msgspec.convert(data, Condition)


def summary_of(questionnaire, **overrides):
    answers, problems, missing = check_answers(
        questionnaire, minimal_answers(questionnaire, **overrides)
    )
    assert not problems, problems
    assert not missing, missing
    return to_json_dict(assess(questionnaire, answers))


def test_every_contract_question_is_defined_exactly(questionnaire):

    for question_id, (kind, values, required, condition) in QUESTIONS.items():
        question = questionnaire.question(question_id)
        assert question is not None, question_id
        assert question.kind == QuestionKind(kind), question_id
        assert question.required == required, question_id
        if isinstance(values, list):
            # every contract value, in the contract's order; values added since are listed
            added = ADDED_VALUES.get(question_id, [])
            shown = [c.value for c in question.choices or ()]
            assert [v for v in shown if v not in added] == values, question_id
            assert set(added) <= set(shown), question_id
            exclusive = [c.value for c in question.choices or () if c.exclusive]
            assert exclusive == (["none"] if question_id in EXCLUSIVE_NONE else []), question_id
        elif isinstance(values, tuple):
            assert question.bounds() == values, question_id
        expected = None if condition is None else as_condition(condition)
        assert question.when == expected, question_id


def test_catalogs_cover_the_contract_ids(questionnaire):
    assert set(questionnaire.specialists) >= SPECIALISTS
    assert set(questionnaire.options) >= OPTIONS
    assert set(questionnaire.medication_flags) >= MEDICATION_FLAGS


def test_every_rule_and_warning_cites_a_defined_source(questionnaire):
    for rule in questionnaire.rules:
        assert rule.sources, rule.id
        assert set(rule.sources) <= set(questionnaire.sources), rule.id
    for question in questionnaire.questions:
        if question.warning:
            assert question.warning.sources, question.id
            assert set(question.warning.sources) <= set(questionnaire.sources)


def test_routine_summary_matches_the_contract(questionnaire):
    summary = summary_of(questionnaire)
    assert_contract_json(summary)
    assert summary["urgency"] == "routine"
    assert summary["red_flags"] == []
    assert summary["pain_phase"] == "acute"
    assert summary["scores"]["pain_interference"]["value"] == 2.3
    assert summary["questionnaire"] == {
        "id": "spinecheck_default",
        "version": questionnaire.version,
    }
    json.dumps(summary)


@pytest.mark.parametrize(("flag", "urgency"), sorted(RED_FLAGS.items()))
def test_each_warning_sign_gives_at_least_its_contract_urgency(questionnaire, flag, urgency):
    summary = summary_of(questionnaire, **{flag: True})
    ranks = {"routine": 0, "soon": 1, "same_day": 2, "emergency": 3}
    assert [f["id"] for f in summary["red_flags"]] == [flag]
    assert ranks[summary["red_flags"][0]["urgency"]] >= ranks[urgency]
    assert ranks[summary["urgency"]] >= ranks[urgency]
    assert_contract_json(summary)
    if urgency == "emergency":
        assert summary["specialists"] == []
        assert summary["options"] == []


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"rf_both_legs": True, "rf_bladder_change": True}, {"rf_both_legs": "emergency"}),
        ({"rf_weight_loss": True, "rf_cancer_history": True}, {"rf_weight_loss": "same_day"}),
        ({"rf_weight_loss": True, "rf_fever": True}, {"rf_weight_loss": "same_day"}),
        ({"rf_infection_risk": True, "rf_fever": True}, {"rf_infection_risk": "same_day"}),
        ({"rf_weight_loss": True}, {"rf_weight_loss": "soon"}),
    ],
)
def test_combined_signs_raise_urgency(questionnaire, flags, expected):
    summary = summary_of(questionnaire, **flags)
    got = {f["id"]: f["urgency"] for f in summary["red_flags"]}
    for flag_id, urgency in expected.items():
        assert got[flag_id] == urgency


def test_emergency_sign_stops_the_walk(questionnaire):
    assert stops_walk(questionnaire, {"rf_major_trauma": True})
    assert not stops_walk(questionnaire, {"rf_fever": True})
    assert stops_walk(questionnaire, {"rf_both_legs": True, "rf_bowel_change": True})


def test_recommendations_quote_the_answers_that_led_to_them(questionnaire):
    summary = summary_of(
        questionnaire, pain_duration="over_1_year", pain_trend="worse", pain_areas=["lower_back"]
    )
    specialists = {s["id"]: s for s in summary["specialists"]}
    pain = specialists["interventional_pain_specialist"]
    assert "more than a year" in pain["reasons"][0]
    assert "getting worse" in pain["reasons"][0]
    assert "whether a pain specialist should be involved" in pain["reasons"][0]
    assert {b["question"] for b in pain["because"]} == {"pain_duration", "pain_trend"}
    assert pain["sources"] == ["spine_health"]
    assert "spine_health" in summary["sources"]


def test_medication_flags_list_the_medicines_as_typed(questionnaire):
    summary = summary_of(
        questionnaire, medications=["Percocet 5/325 twice a day", "xanax 0.5mg", "Mystery pill"]
    )
    flags = {f["id"]: f for f in summary["medication_flags"]}
    assert flags["opioid_benzodiazepine"]["medications"] == [
        "Percocet 5/325 twice a day",
        "xanax 0.5mg",
    ]
    assert "do not stop" in flags["opioid_benzodiazepine"]["message"].lower()
    medicines = {m["as_typed"]: m for m in summary["medications"]}
    assert medicines["Percocet 5/325 twice a day"]["generic_names"] == [
        "oxycodone",
        "acetaminophen",
    ]
    assert medicines["Mystery pill"]["recognized"] is False
    assert_contract_json(summary)


def test_inflammatory_pattern_needs_four_of_five(questionnaire):
    base = {"pain_areas": ["lower_back"], "pain_duration": "over_1_year"}
    three = dict.fromkeys(
        ["ibp_started_before_40", "ibp_gradual_onset", "ibp_better_with_exercise"], True
    )
    summary = summary_of(questionnaire, **base, **three)
    assert "rheumatologist" not in {s["id"] for s in summary["specialists"]}
    summary = summary_of(questionnaire, **base, **three, ibp_not_better_with_rest=True)
    assert "rheumatologist" in {s["id"] for s in summary["specialists"]}


def test_sample_file_summary(questionnaire):
    from spinecheck.answers.files import load_answers

    loaded = load_answers(DATA / "chronic_back.yaml", questionnaire)
    summary = to_json_dict(assess(questionnaire, loaded.answers))
    assert_contract_json(summary)
    assert summary["pain_phase"] == "chronic"
    assert summary["scores"]["mood_depression"] == {
        **summary["scores"]["mood_depression"],
        "value": 3,
        "positive": True,
    }
    assert {"rheumatologist", "pain_psychologist"} <= {s["id"] for s in summary["specialists"]}
