"""Score instruments and subscales from answers (sum or mean, bands and cut-offs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import Band, Instrument, QuestionKind, Questionnaire, Subscale
from spinecheck.words import ENGLISH, Words


class Score(NamedTuple):
    """A computed score; `value` is None when an item is unanswered."""

    id: str
    label: str
    value: float | None
    items: tuple[str, ...]
    positive: bool | None = None
    """None when the score has no cut-off or could not be computed."""
    band: str | None = None
    maximum: float | None = None
    modelled_on: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()


def meaning(score: Score, words: Words = ENGLISH) -> str:
    """What a score's value means, in words: its range, or which side of its cut-off it is."""
    parts = [words("{band} range", band=score.band)] if score.band else []
    if score.positive is not None:
        parts.append(
            words("at or above the cut-off") if score.positive else words("below the cut-off")
        )
    return "; ".join(parts)


def item_value(questionnaire: Questionnaire, question_id: str, value: AnswerValue) -> float | None:
    """The points an answer adds to a score."""
    question = questionnaire.question(question_id)
    if question is None:
        return None
    if question.kind is QuestionKind.YES_NO:
        return 1.0 if value is True else 0.0
    if question.kind is QuestionKind.SINGLE:
        choice = question.choice(str(value))
        return None if choice is None or choice.score is None else float(choice.score)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return None


def item_maximum(questionnaire: Questionnaire, question_id: str) -> float | None:
    """The most points one item can add."""
    question = questionnaire.question(question_id)
    if question is None:
        return None
    if question.kind is QuestionKind.YES_NO:
        return 1.0
    if question.kind is QuestionKind.SINGLE:
        scores = [c.score for c in question.choices or () if c.score is not None]
        return float(max(scores)) if scores else None
    if question.kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
        return float(question.bounds()[1])
    return None


def compute_scores(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> dict[str, Score]:
    """Every instrument and subscale of the questionnaire, scored from the answers."""
    scores: dict[str, Score] = {}
    for instrument in questionnaire.instruments:
        scores[instrument.id] = _score(questionnaire, instrument, answers, instrument)
        for subscale in instrument.subscales:
            scores[subscale.id] = _score(questionnaire, subscale, answers, instrument)
    return scores


def _score(
    questionnaire: Questionnaire,
    scale: Instrument | Subscale,
    answers: Mapping[str, AnswerValue],
    instrument: Instrument,
) -> Score:
    values: list[float] = []
    for item in scale.items:
        if item not in answers:
            break
        points = item_value(questionnaire, item, answers[item])
        if points is None:
            break
        values.append(points)
    maxima = [item_maximum(questionnaire, item) for item in scale.items]
    total_max = None if any(m is None for m in maxima) else sum(m for m in maxima if m is not None)
    if scale.method == "mean" and total_max is not None:
        total_max = total_max / len(scale.items)
    value: float | None = None
    if len(values) == len(scale.items):
        raw = sum(values) if scale.method == "sum" else sum(values) / len(values)
        value = round(raw, scale.decimals)
        if scale.decimals == 0:
            value = float(int(value))
    positive = None
    if scale.positive_at is not None and value is not None:
        positive = value >= scale.positive_at
    return Score(
        id=scale.id,
        label=scale.label,
        value=value,
        items=tuple(scale.items),
        positive=positive,
        band=_band(scale.bands, value),
        maximum=total_max,
        modelled_on=instrument.modelled_on,
        note=instrument.note if isinstance(scale, Instrument) else None,
        sources=tuple(instrument.sources),
    )


def _band(bands: list[Band], value: float | None) -> str | None:
    if value is None:
        return None
    for band in bands:
        if band.min <= value <= band.max:
            return band.label
    return None
