"""Plain words: the question and advice text a patient reads stays at a 7th-grade level or lower."""

from __future__ import annotations

import re
from statistics import mean

import pytest

textstat = pytest.importorskip("textstat")

TARGET_GRADE = 7.0
"""The Flesch-Kincaid grade the patient-facing text as a whole must not exceed."""
SINGLE_TEXT_LIMIT = 11.0
"""No single question or piece of advice may read harder than this."""


def patient_texts(questionnaire) -> dict[str, str]:
    """Every text a patient reads, with placeholders filled by typical words."""
    texts: dict[str, str] = {}
    for section in questionnaire.sections:
        if section.intro:
            texts[f"{section.id}.intro"] = section.intro
        for question in section.questions:
            texts[question.id] = question.text
            if question.help:
                texts[f"{question.id}.help"] = question.help
            if question.warning:
                texts[f"{question.id}.warning"] = question.warning.message
            for choice in question.choices or ():
                texts[f"{question.id}.{choice.value}"] = choice.label
    for rule in questionnaire.rules:
        for key in ("reason", "text"):
            value = getattr(rule, key)
            if value:
                texts[f"{rule.id}.{key}"] = value
    for urgency, text in questionnaire.urgency_messages.items():
        texts[f"urgency.{urgency.value}"] = text
    return {
        key: re.sub(r"\{(answer|score|contact):[a-z_]+\}", "it", text)
        for key, text in texts.items()
    }


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def test_patient_text_reads_at_grade_seven_or_lower(questionnaire):
    texts = patient_texts(questionnaire)
    sentences = [t for t in texts.values() if len(t.split()) >= 4]
    overall = mean(grade(t) for t in sentences)
    print(f"\nmean Flesch-Kincaid grade over {len(sentences)} texts: {overall:.1f}")
    assert overall <= TARGET_GRADE


def test_no_single_text_is_hard_to_read(questionnaire):
    hard = {
        key: round(grade(text), 1)
        for key, text in patient_texts(questionnaire).items()
        if len(text.split()) >= 6 and grade(text) > SINGLE_TEXT_LIMIT
    }
    assert not hard, hard
