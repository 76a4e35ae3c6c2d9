"""The condition evaluator: every operator, combinations, missing answers and tracing."""

from __future__ import annotations

import msgspec
import pytest

from spinecheck.questionnaire.conditions import Facts, evaluate
from spinecheck.questionnaire.model import Condition


def as_condition(data):
    return msgspec.convert(data, Condition)


ANSWERS = {
    "flag": True,
    "off": False,
    "duration": "over_1_year",
    "areas": ["lower_back", "leg"],
    "pain": 7,
    "note": "hello",
}


def check(spec: dict, answers: dict | None = None, **facts) -> bool:
    condition = as_condition(spec)
    return evaluate(
        condition, Facts(answers=ANSWERS if answers is None else answers, **facts)
    ).holds


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"question": "flag", "equals": True}, True),
        ({"question": "flag", "equals": False}, False),
        ({"question": "off", "equals": False}, True),
        ({"question": "pain", "equals": 7}, True),
        ({"question": "pain", "equals": True}, False),  # true is never 1
        ({"question": "duration", "equals": "over_1_year"}, True),
        ({"question": "duration", "in": ["3_to_12_months", "over_1_year"]}, True),
        ({"question": "duration", "in": ["under_2_weeks"]}, False),
        ({"question": "areas", "includes": "leg"}, True),
        ({"question": "areas", "includes": ["neck", "leg"]}, True),
        ({"question": "areas", "includes": ["neck", "arm"]}, False),
        ({"question": "areas", "equals": ["leg", "lower_back"]}, True),
        ({"question": "areas", "equals": ["leg"]}, False),
        ({"question": "pain", "at_least": 7}, True),
        ({"question": "pain", "at_least": 8}, False),
        ({"question": "pain", "at_most": 7}, True),
        ({"question": "pain", "above": 7}, False),
        ({"question": "pain", "below": 8}, True),
        ({"question": "pain", "at_least": 5, "at_most": 8}, True),
        ({"question": "pain", "at_least": 8, "at_most": 9}, False),
        ({"question": "note", "answered": True}, True),
        ({"question": "missing", "answered": False}, True),
        ({"question": "missing", "answered": True}, False),
        ({"question": "note", "at_least": 1}, False),  # text is not a number
    ],
)
def test_operators(spec, expected):
    assert check(spec) is expected


@pytest.mark.parametrize(
    "spec",
    [
        {"question": "missing", "equals": True},
        {"question": "missing", "equals": False},
        {"question": "missing", "in": ["a"]},
        {"question": "missing", "includes": "a"},
        {"question": "missing", "at_least": 0},
        {"question": "missing", "below": 100},
    ],
)
def test_missing_answers_make_tests_false(spec):
    assert check(spec) is False
    assert check({"not": spec}) is True


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            {"all": [{"question": "flag", "equals": True}, {"question": "pain", "at_least": 5}]},
            True,
        ),
        (
            {"all": [{"question": "flag", "equals": True}, {"question": "pain", "at_least": 9}]},
            False,
        ),
        ({"any": [{"question": "off", "equals": True}, {"question": "pain", "at_least": 5}]}, True),
        (
            {
                "any": [
                    {"question": "off", "equals": True},
                    {"question": "missing", "answered": True},
                ]
            },
            False,
        ),
        ({"not": {"question": "flag", "equals": True}}, False),
        (
            {
                "all": [
                    {
                        "any": [
                            {"question": "off", "equals": True},
                            {"question": "flag", "equals": True},
                        ]
                    },
                    {"not": {"question": "areas", "includes": "neck"}},
                ]
            },
            True,
        ),
        (
            {
                "count_true": {
                    "at_least": 2,
                    "of": [
                        {"question": "flag", "equals": True},
                        {"question": "off", "equals": True},
                        {"question": "pain", "at_least": 5},
                    ],
                }
            },
            True,
        ),
        (
            {
                "count_true": {
                    "at_least": 3,
                    "of": [
                        {"question": "flag", "equals": True},
                        {"question": "off", "equals": True},
                        {"question": "pain", "at_least": 5},
                    ],
                }
            },
            False,
        ),
    ],
)
def test_combinations(spec, expected):
    assert check(spec) is expected


def test_scores_and_medicine_classes():
    facts = {
        "scores": {"mood": 3.0, "unscored": None},
        "medication_classes": {"opioid": ("Norco",)},
    }
    assert check({"score": "mood", "at_least": 3}, **facts)
    assert not check({"score": "unscored", "at_least": 0}, **facts)
    assert check({"medication_class": "opioid"}, **facts)
    assert not check({"medication_class": "benzodiazepine"}, **facts)


def test_evidence_names_the_answers_that_made_it_true():
    condition = as_condition(
        {
            "any": [
                {"question": "flag", "equals": True},
                {"question": "off", "equals": True},
                {"all": [{"question": "pain", "at_least": 5}, {"medication_class": "opioid"}]},
            ]
        }
    )
    outcome = evaluate(
        condition,
        Facts(
            answers=ANSWERS,
            medication_classes={"opioid": ("Norco 10/325",)},
            medication_questions=("medications",),
        ),
    )
    assert outcome.holds
    assert outcome.questions == ("flag", "pain", "medications")
    assert outcome.medications == ("Norco 10/325",)


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"question": "a"},
        {"question": "a", "equals": 1, "in": [1]},
        {"all": [], "question": "a"},
        {"all": [{"question": "a", "equals": 1}], "equals": 1},
        {"score": "s", "includes": "x"},
        {"question": "a", "equals": 1, "eval": "__import__('os')"},
    ],
)
def test_malformed_conditions_are_rejected(spec):
    with pytest.raises(msgspec.ValidationError):
        as_condition(spec)
