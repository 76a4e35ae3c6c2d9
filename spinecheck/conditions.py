"""Evaluate conditions (data, never code) against answers, recording what made them true."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spinecheck.model import Condition

AnswerValue = bool | int | str | list[str]
"""An answer as stored: yes/no, a number, a choice value or text, or a list of values or texts."""


@dataclass(frozen=True)
class Facts:
    """What conditions can test: the answers, the computed scores and the recognised medicines."""

    answers: Mapping[str, AnswerValue]
    scores: Mapping[str, float | None] = field(default_factory=dict)
    score_items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For each score id, the question ids it is computed from (for tracing)."""
    medication_classes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For each medicine class, the medicines as typed that belong to it."""
    medication_questions: tuple[str, ...] = ()
    """The question ids that hold medicine lists (for tracing)."""


@dataclass(frozen=True)
class Outcome:
    """The result of a condition and the evidence for it."""

    holds: bool
    questions: tuple[str, ...] = ()
    """Question ids whose answers made the condition hold (in first-seen order)."""
    medications: tuple[str, ...] = ()
    """Medicines as typed that made the condition hold."""


_FALSE = Outcome(False)


def evaluate(condition: Condition, facts: Facts) -> Outcome:
    """Evaluate `condition`; a test of a missing answer is false (and so its `not` is true)."""
    form = condition.form
    if form == "all":
        parts = [evaluate(child, facts) for child in condition.children()]
        if all(part.holds for part in parts):
            return _merge(True, parts)
        return _FALSE
    if form == "any":
        parts = [evaluate(child, facts) for child in condition.children()]
        true_parts = [part for part in parts if part.holds]
        return _merge(True, true_parts) if true_parts else _FALSE
    if form == "not":
        inner = evaluate(condition.children()[0], facts)
        if inner.holds:
            return _FALSE
        return Outcome(
            True, tuple(q for q in referenced_questions(condition) if q in facts.answers)
        )
    if form == "count_true":
        assert condition.count_true is not None
        parts = [evaluate(child, facts) for child in condition.count_true.of]
        true_parts = [part for part in parts if part.holds]
        if len(true_parts) >= condition.count_true.at_least:
            return _merge(True, true_parts)
        return _FALSE
    if form == "medication_class":
        assert condition.medication_class is not None
        typed = facts.medication_classes.get(condition.medication_class, ())
        needed = 1 if condition.at_least is None else condition.at_least
        if typed and len(typed) >= needed:
            return Outcome(True, facts.medication_questions, tuple(typed))
        return _FALSE
    if form == "score":
        assert condition.score is not None
        if _test(facts.scores.get(condition.score), condition):
            return Outcome(True, tuple(facts.score_items.get(condition.score, ())))
        return _FALSE
    assert condition.question is not None
    if _test(facts.answers.get(condition.question), condition):
        return Outcome(True, (condition.question,))
    return _FALSE


def holds(condition: Condition | None, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether a question's `when` holds for these answers (no condition: always)."""
    return condition is None or evaluate(condition, Facts(answers=answers)).holds


def _test(value: object, condition: Condition) -> bool:
    """Apply a test's operators to one value; every operator must pass."""
    for name, expected in condition.operators().items():
        if name == "answered":
            if (value is not None) != expected:
                return False
            continue
        if value is None:
            return False
        if not _passes(name, value, expected):
            return False
    return True


def _passes(name: str, value: object, expected: object) -> bool:
    if name == "equals":
        if isinstance(value, list) and isinstance(expected, list):
            return set(value) == set(expected)
        return _same(value, expected)
    if name == "in":
        assert isinstance(expected, list)
        return any(_same(value, item) for item in expected)
    if name == "includes":
        wanted = expected if isinstance(expected, list) else [expected]
        return isinstance(value, list) and any(item in value for item in wanted)
    number = _number(value)
    if number is None:
        return False
    assert isinstance(expected, int | float)
    if name == "at_least":
        return number >= expected
    if name == "at_most":
        return number <= expected
    if name == "above":
        return number > expected
    if name == "below":
        return number < expected
    raise AssertionError(f"unknown operator {name}")  # pragma: no cover


def _same(value: object, expected: object) -> bool:
    """Equality that never confuses true with 1 (YAML and Python both would)."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    return value == expected


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _merge(result: bool, parts: list[Outcome]) -> Outcome:
    questions: dict[str, None] = {}
    medications: dict[str, None] = {}
    for part in parts:
        questions.update(dict.fromkeys(part.questions))
        medications.update(dict.fromkeys(part.medications))
    return Outcome(result, tuple(questions), tuple(medications))


def referenced_questions(condition: Condition) -> list[str]:
    """The question ids a condition tests directly (not through scores or medicines)."""
    found: dict[str, None] = {}
    stack = [condition]
    while stack:
        current = stack.pop()
        if current.question is not None:
            found[current.question] = None
        stack.extend(reversed(current.children()))
    return list(found)


def walk(condition: Condition) -> list[Condition]:
    """Every condition inside `condition`, itself first."""
    found = []
    stack = [condition]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(reversed(current.children()))
    return found
