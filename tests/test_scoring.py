"""Scores: mean and sum, subscales, bands, cut-offs and incomplete items."""

from __future__ import annotations

import pytest

from spinecheck.assessment.scoring import compute_scores

MOOD = ("mood_low_interest", "mood_down", "mood_nervous", "mood_worry")
LEVELS = ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"]


def test_pain_interference_is_the_mean_of_three_to_one_decimal(questionnaire):
    scores = compute_scores(
        questionnaire, {"pain_average": 7, "interference_enjoyment": 6, "interference_activity": 6}
    )
    assert scores["pain_interference"].value == 6.3
    assert scores["pain_interference"].maximum == 10
    assert scores["pain_interference"].positive is None
    assert "modelled on" not in scores["pain_interference"].label.lower()
    assert "not the validated tool" in (scores["pain_interference"].modelled_on or "")


@pytest.mark.parametrize(
    ("levels", "depression", "anxiety", "total", "band"),
    [
        ((0, 0, 0, 0), (0, False), (0, False), 0, "minimal"),
        ((1, 1, 1, 0), (2, False), (1, False), 3, "mild"),
        ((2, 1, 0, 0), (3, True), (0, False), 3, "mild"),
        ((0, 0, 3, 0), (0, False), (3, True), 3, "mild"),
        ((3, 3, 3, 3), (6, True), (6, True), 12, "severe"),
        ((2, 2, 2, 1), (4, True), (3, True), 7, "moderate"),
    ],
)
def test_mood_subscales_and_cut_offs(questionnaire, levels, depression, anxiety, total, band):
    answers = {item: LEVELS[level] for item, level in zip(MOOD, levels, strict=True)}
    scores = compute_scores(questionnaire, answers)
    assert (scores["mood_depression"].value, scores["mood_depression"].positive) == depression
    assert (scores["mood_anxiety"].value, scores["mood_anxiety"].positive) == anxiety
    assert scores["mood_check"].value == total
    assert scores["mood_check"].band == band


def test_unanswered_items_leave_the_score_empty(questionnaire):
    scores = compute_scores(questionnaire, {"mood_low_interest": "nearly_every_day"})
    assert scores["mood_depression"].value is None
    assert scores["mood_depression"].positive is None
    assert scores["pain_interference"].value is None
