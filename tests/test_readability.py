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


# Spanish (issue 27): the same texts, measured with textstat's Spanish formulas. Fernández-Huerta
# reading ease of 70 or more, or a Crawford grade of 6 or less, is a sixth-grade level.
SPANISH_EASE = 70.0
"""The Fernández-Huerta ease the Spanish text as a whole must reach (higher is easier)."""
SPANISH_GRADE = 6.0
"""Or the Crawford grade it must not exceed."""
SPANISH_SINGLE_EASE = 40.0
"""No single Spanish text of six words or more may read harder than this (about grade 11)."""


@pytest.fixture
def spanish_measures():
    """textstat set to Spanish for one test, and back to English after it (it is global)."""
    textstat.set_lang("es")
    try:
        yield textstat
    finally:
        textstat.set_lang("en")


def spanish_texts() -> dict[str, str]:
    """The questionnaire's Spanish and the tool's own Spanish words, placeholders filled."""
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.words.spanish import SPANISH

    texts = patient_texts(load_questionnaire(language="es"))
    texts |= {f"words: {english}": spanish for english, spanish in SPANISH.items()}
    return {key: re.sub(r"\{(term:[a-z_]+|[a-z]+)\}", "eso", text) for key, text in texts.items()}


def test_spanish_text_reads_at_grade_six_or_lower(spanish_measures):
    sentences = [t for t in spanish_texts().values() if len(t.split()) >= 4]
    ease = mean(spanish_measures.fernandez_huerta(t) for t in sentences)
    crawford = mean(spanish_measures.crawford(t) for t in sentences)
    print(
        f"\nSpanish, {len(sentences)} texts: Fernández-Huerta {ease:.1f}, Crawford {crawford:.1f}"
    )
    assert len(sentences) > 300  # the questionnaire's and the walk's words were both measured
    assert ease >= SPANISH_EASE or crawford <= SPANISH_GRADE


def test_no_single_spanish_text_is_hard_to_read(spanish_measures):
    hard = {
        key: round(spanish_measures.fernandez_huerta(text), 1)
        for key, text in spanish_texts().items()
        if len(text.split()) >= 6 and spanish_measures.fernandez_huerta(text) < SPANISH_SINGLE_EASE
    }
    assert not hard, hard
