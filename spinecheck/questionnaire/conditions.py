"""Evaluate conditions (data, never code) against answers, recording what made them true."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from spinecheck.questionnaire.model import Condition, Urgency

AnswerValue = bool | int | str | list[str]
"""An answer as stored: yes/no, a number, a choice value or text, or a list of values or texts."""


_NOTHING: Mapping[str, Any] = MappingProxyType({})
"""An empty mapping no one can add to (a shared default)."""


class Measure(NamedTuple):
    """A total worked out from the medicine list, and the medicines (as typed) it adds up."""

    value: float | None
    complete: bool = True
    """False when some product could not be counted: the value is then only a floor."""
    medications: tuple[str, ...] = ()


class Facts(NamedTuple):
    """What conditions can test: the answers, the computed scores and the recognised medicines."""

    answers: Mapping[str, AnswerValue]
    scores: Mapping[str, float | None] = _NOTHING
    score_items: Mapping[str, tuple[str, ...]] = _NOTHING
    """For each score id, the question ids it is computed from (for tracing)."""
    medication_classes: Mapping[str, tuple[str, ...]] = _NOTHING
    """For each medicine class, the medicines as typed that belong to it."""
    medication_counts: Mapping[str, int] = _NOTHING
    """For each medicine class, how many distinct medicines (generic names) belong to it."""
    medication_generics: Mapping[str, frozenset[str]] = _NOTHING
    """For each medicine class, the distinct medicines (generic names) taken that belong to it."""
    medication_products: Mapping[str, int] = _NOTHING
    """For each medicine class, how many distinct products (names typed) contain it."""
    measures: Mapping[str, Measure] = _NOTHING
    """Totals worked out from the medicine list (mme_per_day, acetaminophen_mg_per_day): the sum
    of what could be worked out, and whether that is every product. An incomplete sum is a floor:
    it can show a total is at least a figure, never that it is at most one."""
    medication_questions: tuple[str, ...] = ()
    """The question ids that hold medicine lists (for tracing)."""
    urgency: Urgency | None = None
    """The summary's urgency, once every warning sign and escalating rule is known."""


class Outcome(NamedTuple):
    """The result of a condition and the evidence for it."""

    holds: bool
    questions: tuple[str, ...] = ()
    """Question ids whose answers made the condition hold (in first-seen order)."""
    medications: tuple[str, ...] = ()
    """Medicines as typed that made the condition hold."""


_FALSE = Outcome(False)


def evaluate(condition: Condition, facts: Facts) -> Outcome:
    """Evaluate `condition`; a test of a missing answer is false (and so its `not` is true)."""
    return _compiled(condition)(facts)


Check = Callable[[Facts], Outcome]
_COMPILED: dict[int, tuple[Condition, Check]] = {}


def _compiled(condition: Condition) -> Check:
    """The condition turned once into nested Python functions (plain closures, no eval)."""
    found = _COMPILED.get(id(condition))
    if found is not None and found[0] is condition:
        return found[1]
    check = _compile(condition)
    _COMPILED[id(condition)] = (condition, check)  # the entry keeps the condition alive
    return check


def _compile(condition: Condition) -> Check:
    form = condition.form
    children = [_compiled(child) for child in condition.children()]
    if form == "all":

        def check_all(facts: Facts) -> Outcome:
            parts = []
            for child in children:
                part = child(facts)
                if not part.holds:
                    return _FALSE
                parts.append(part)
            return _merge(True, parts)

        return check_all
    if form in ("any", "count_true"):
        needed = 1 if condition.count_true is None else condition.count_true.at_least

        def check_some(facts: Facts) -> Outcome:
            true_parts = [part for part in (child(facts) for child in children) if part.holds]
            return _merge(True, true_parts) if len(true_parts) >= needed else _FALSE

        return check_some
    if form == "not":
        inner, referenced = children[0], referenced_questions(condition)
        if condition.children()[0].form != "question":
            # 'none of these warning signs' is a gate, not a reason: its answers are not evidence
            referenced = []

        def check_not(facts: Facts) -> Outcome:
            if inner(facts).holds:
                return _FALSE
            return Outcome(True, tuple(q for q in referenced if q in facts.answers))

        return check_not
    if form == "urgency_at_least":
        level = condition.urgency_at_least
        assert level is not None

        def check_urgency(facts: Facts) -> Outcome:
            if facts.urgency is not None and facts.urgency.rank >= level.rank:
                return Outcome(True)
            return _FALSE

        return check_urgency
    if form == "medication_class":
        medicine_class = condition.medication_class or ""
        least = 1 if condition.at_least is None else condition.at_least
        products = condition.count == "products"
        partners = tuple(condition.paired_with or ())

        def check_medicines(facts: Facts) -> Outcome:
            typed = facts.medication_classes.get(medicine_class, ())
            counts = facts.medication_products if products else facts.medication_counts
            count = counts.get(medicine_class, len(typed))
            if not typed or count < least:
                return _FALSE
            if not partners:
                return Outcome(True, facts.medication_questions, tuple(typed))
            mine = facts.medication_generics.get(medicine_class, frozenset())
            for partner in partners:
                theirs = facts.medication_generics.get(partner, frozenset())
                if theirs and len(mine | theirs) >= 2:  # two different medicines
                    both = (*typed, *facts.medication_classes.get(partner, ()))
                    return Outcome(True, facts.medication_questions, tuple(dict.fromkeys(both)))
            return _FALSE

        return check_medicines
    operators = tuple(condition.operators().items())
    if form == "measure":
        measure = condition.measure or ""

        floors_only = any(name in ("at_most", "below") for name, _ in operators)

        def check_measure(facts: Facts) -> Outcome:
            found = facts.measures.get(measure, Measure(None))
            if floors_only and not found.complete:
                return _FALSE
            if _test(found.value, operators):
                return Outcome(True, facts.medication_questions, found.medications)
            return _FALSE

        return check_measure
    if form == "score":
        score = condition.score or ""

        def check_score(facts: Facts) -> Outcome:
            if _test(facts.scores.get(score), operators):
                return Outcome(True, tuple(facts.score_items.get(score, ())))
            return _FALSE

        return check_score
    question = condition.question or ""
    # 'has an answer' is a precondition, not a reason: its answer is not evidence
    true = Outcome(True, () if set(condition.operators()) == {"answered"} else (question,))

    test = _fast_test(operators)

    def check_answer(facts: Facts) -> Outcome:
        return true if test(facts.answers.get(question)) else _FALSE

    return check_answer


def _fast_test(operators: tuple[tuple[str, Any], ...]) -> Callable[[object], bool]:
    """A test of one answer, specialised once for the common single-operator forms."""
    if len(operators) == 1:
        name, expected = operators[0]
        texts = isinstance(expected, list) and all(isinstance(v, str) for v in expected)
        if name == "in" and texts:  # a choice among words: a set lookup
            allowed = frozenset(expected)
            return lambda value: isinstance(value, str) and value in allowed
        if name == "includes":  # a multiple-choice answer includes any of these
            wanted = frozenset(expected if isinstance(expected, list) else [expected])
            return lambda value: isinstance(value, list) and not wanted.isdisjoint(value)
        if name == "equals" and isinstance(expected, bool):  # yes/no: never 1 for true
            return lambda value: value is expected
        if name == "equals" and isinstance(expected, str):
            return lambda value: value == expected and isinstance(value, str)
    return lambda value: _test(value, operators)


def holds(condition: Condition | None, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether a question's `when` holds for these answers (no condition: always)."""
    return condition is None or evaluate(condition, Facts(answers=answers)).holds


def _test(value: object, operators: tuple[tuple[str, Any], ...]) -> bool:
    """Apply a test's operators (name and expected value) to one value; every one must pass."""
    for name, expected in operators:
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
