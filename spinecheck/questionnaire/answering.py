"""Pure questionnaire logic: which questions are asked, and checking and describing answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

import msgspec

from spinecheck.errors import SpinecheckError, similar
from spinecheck.questionnaire.conditions import AnswerValue, holds
from spinecheck.questionnaire.model import (
    Choice,
    Condition,
    Question,
    QuestionKind,
    Questionnaire,
)
from spinecheck.words import ENGLISH, Words

_WHOLE_NUMBER = re.compile(r"[-+]?[0-9]{1,11}")

_TRUE_WORDS = {"yes", "y", "true"}
_FALSE_WORDS = {"no", "n", "false"}
_UNSURE_WORDS = {"not_sure", "not sure", "unsure", "don't know", "dont know", "?"}

NOT_SURE = "not_sure"
"""The stored answer 'not sure' to a yes/no question that allows it (`unsure`)."""


class AnswerProblem(NamedTuple):
    """Something wrong with one answer (the caller adds the file and line)."""

    question: str
    message: str
    hint: str | None = None


def visible_questions(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> list[Question]:
    """The questions that are asked, in order, given the answers so far.

    A question's condition only sees answers to questions that are themselves asked, so an answer
    left over from a branch the patient no longer takes never opens another branch.
    """
    asked: list[Question] = []
    effective: dict[str, AnswerValue] = {}
    for question in questionnaire.questions:
        if holds(question.when, effective):
            asked.append(question)
            if question.id in answers:
                effective[question.id] = safer_value(question, answers[question.id])
    return asked


def safer_value(question: Question, value: AnswerValue) -> AnswerValue:
    """An answer as conditions read it: 'not sure' to a yes/no question is read as yes.

    Not knowing whether a warning sign is there is handled as if it is (decision 15).
    """
    if value == NOT_SURE and question.kind is QuestionKind.YES_NO and question.unsure:
        return True
    return value


def safer_reading(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """Every answer as conditions, warning signs and scores read it (see `safer_value`)."""
    read = dict(answers)
    for key, value in answers.items():
        if value == NOT_SURE and (question := questionnaire.question(key)) is not None:
            read[key] = safer_value(question, value)
    return read


def prune_answers(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """Keep only answers to questions that are still asked (after an earlier answer changed)."""
    asked = {q.id for q in visible_questions(questionnaire, answers)}
    return {key: value for key, value in answers.items() if key in asked}


def parse_answer(question: Question, raw: object) -> AnswerValue | None:
    """Turn a raw answer (from a file or a prompt) into a checked value; None means no answer.

    Raises:
        SpinecheckError: the answer is not allowed, with a hint that says what is.
    """
    kind = question.kind
    if raw is None:
        _no_answer(question)
        return None
    if kind is QuestionKind.YES_NO:
        return _parse_yes_no(question, raw)
    if kind is QuestionKind.SINGLE:
        return _parse_single(question, raw)
    if kind is QuestionKind.MULTIPLE:
        return _parse_multiple(question, raw)
    if kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
        return _parse_number(question, raw)
    if kind is QuestionKind.TEXT:
        return _parse_text(question, raw)
    if kind is QuestionKind.TEXT_LIST:
        return _parse_text_list(question, raw)
    raise AssertionError(f"unhandled question kind {kind}")  # pragma: no cover


def allowed(question: Question) -> str:
    """A short description of what answers a question takes, for hints."""
    kind = question.kind
    if kind is QuestionKind.YES_NO:
        return "true, false or not_sure" if question.unsure else "true or false"
    if kind is QuestionKind.SINGLE:
        return "one of: " + ", ".join(c.value for c in question.choices or ())
    if kind is QuestionKind.MULTIPLE:
        values = ", ".join(c.value for c in question.choices or ())
        exclusive = [c.value for c in question.choices or () if c.exclusive]
        text = f"a list of values from: {values}"
        if exclusive:
            text += f" ({' or '.join(exclusive)} only on its own)"
        return text
    if kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
        low, high = question.bounds()
        unit = f" ({question.unit})" if question.unit else ""
        return f"a whole number from {low} to {high}{unit}"
    if kind is QuestionKind.TEXT:
        return f"text of at most {question.text_limit()} characters"
    return (
        f"a list of at most {question.item_limit()} texts, "
        f"each at most {question.text_limit()} characters"
    )


def _fail(question: Question, message: str, hint: str | None = None) -> SpinecheckError:
    return SpinecheckError(
        message, hint=hint or f"allowed: {allowed(question)}", question=question.id
    )


def _no_answer(question: Question) -> None:
    """An empty answer: an error for a required question, else simply no answer."""
    if question.required:
        raise _fail(question, "an answer is needed here")


def _parse_yes_no(question: Question, raw: object) -> bool | str:
    if isinstance(raw, bool):
        return raw
    if question.unsure and isinstance(raw, str) and raw.strip().lower() in _UNSURE_WORDS:
        return NOT_SURE
    if isinstance(raw, str) and raw.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return raw.strip().lower() in _TRUE_WORDS
    raise _fail(question, f"expected yes or no, got {show_value(raw)}")


def _parse_single(question: Question, raw: object) -> str:
    value = _choice_value(question, raw)
    if question.choice(value) is None:
        raise _fail(
            question, f"{show_value(raw)} is not one of the choices", _suggest(question, value)
        )
    return value


def _choice_value(question: Question, raw: object) -> str:
    # YAML 1.1 reads an unquoted yes/no as a boolean; map it back when the choices use those words.
    if isinstance(raw, bool):
        word = "yes" if raw else "no"
        if question.choice(word) is not None:
            return word
        raise _fail(question, f"expected a choice value, got {show_value(raw)}")
    if isinstance(raw, int | float):
        return str(raw)
    if not isinstance(raw, str):
        raise _fail(question, f"expected a choice value, got {show_value(raw)}")
    return raw.strip()


def _parse_multiple(question: Question, raw: object) -> list[str] | None:
    if isinstance(raw, str | bool):
        raise _fail(
            question,
            f"expected a list of values, got {show_value(raw)}",
            f"write it as a list, e.g. [{_choice_value(question, raw)}]; allowed: "
            + ", ".join(c.value for c in question.choices or ()),
        )
    if not isinstance(raw, list):
        raise _fail(question, f"expected a list of values, got {show_value(raw)}")
    values: list[str] = []
    for item in raw:
        value = _choice_value(question, item)
        if question.choice(value) is None:
            raise _fail(
                question, f"{show_value(item)} is not one of the choices", _suggest(question, value)
            )
        if value not in values:
            values.append(value)
    if not values:
        _no_answer(question)
        return None
    exclusive = [v for v in values if (c := question.choice(v)) is not None and c.exclusive]
    if exclusive and len(values) > 1:
        raise _fail(
            question,
            f"'{exclusive[0]}' cannot be combined with other values",
            f"give either [{exclusive[0]}] alone or a list without it",
        )
    return values


def _parse_number(question: Question, raw: object) -> int:
    low, high = question.bounds()
    number: int | None = None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int):
        number = raw
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if _WHOLE_NUMBER.fullmatch(text):  # ASCII digits only: not '²', '٣' or '--38'
            number = int(text)
    if number is None:
        raise _fail(question, f"expected a whole number, got {show_value(raw)}")
    if not low <= number <= high:
        raise _fail(question, f"{number} is outside the allowed range {low} to {high}")
    return number


def _parse_text(question: Question, raw: object) -> str | None:
    if not isinstance(raw, str):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = str(raw)
        else:
            raise _fail(question, f"expected text, got {show_value(raw)}")
    text = raw.strip()
    if not text:
        _no_answer(question)
        return None
    if len(text) > question.text_limit():
        raise _fail(question, f"the text is {len(text)} characters long, more than allowed")
    return text


def _parse_text_list(question: Question, raw: object) -> list[str] | None:
    if isinstance(raw, str):
        raise _fail(
            question,
            "expected a list of texts, got a single text",
            "write one entry per line, each starting with '- '",
        )
    if not isinstance(raw, list):
        raise _fail(question, f"expected a list of texts, got {show_value(raw)}")
    items: list[str] = []
    for item in raw:
        if isinstance(item, int | float) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            raise _fail(question, f"expected text in the list, got {show_value(item)}")
        text = item.strip()
        if not text:
            continue
        if len(text) > question.text_limit():
            raise _fail(question, f"an entry is {len(text)} characters long, more than allowed")
        items.append(text)
    if len(items) > question.item_limit():
        raise _fail(question, f"{len(items)} entries, more than allowed")
    if not items:
        _no_answer(question)
        return None
    return items


def show_value(raw: object) -> str:
    """A value as messages quote it: short text in quotes, 'a list', 'true', 'nothing'."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        return repr(shown)
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, dict):
        return "a mapping"
    if raw is None:
        return "nothing"
    return repr(raw)


def _suggest(question: Question, value: str) -> str:
    """The hint for a value that is no choice: a close spelling, and every choice in words.

    A value with digits ('6 weeks') is never matched by spelling: '2_to_4_weeks' looks like it
    and means something else. Each choice is given with its label, so a nurse can pick the
    right one ('4_to_12_weeks (4 to 12 weeks)').
    """
    values = [c.value for c in question.choices or ()]
    close = [] if any(ch.isdigit() for ch in value) else similar(value, values, n=1)
    prefix = f"did you mean '{close[0]}'? " if close else ""
    shown = [
        f"{c.value} ({c.label})" if c.label and c.label.lower() != c.value.replace("_", " ")
        else c.value
        for c in question.choices or ()
    ]  # fmt: skip
    return f"{prefix}allowed: {', '.join(shown)}"


def check_answers(
    questionnaire: Questionnaire, raw_answers: Mapping[str, object]
) -> tuple[dict[str, AnswerValue], list[AnswerProblem], list[str]]:
    """Check every answer; return the clean answers, every problem, and the missing required ids.

    Problems are: unknown question ids, values that are not allowed, and answers to questions
    whose condition is not met. Missing required answers are returned apart, because a walk that
    stopped at an emergency warning sign is complete without them.
    """
    problems: list[AnswerProblem] = []
    parsed: dict[str, AnswerValue] = {}
    known = {q.id for q in questionnaire.questions}
    for key in raw_answers:
        if key not in known:
            close = similar(str(key), sorted(known), n=1)
            hint = (
                f"did you mean '{close[0]}'? If a clinic's own questionnaire asked it, name that "
                "file with --questions"
                if close
                else "if a clinic's own questionnaire asked it, name that file with --questions "
                f"FILE (these answers were read with '{questionnaire.id}')"
            )
            problems.append(AnswerProblem(str(key), f"unknown question id '{key}'", hint))
    for question in questionnaire.questions:
        if question.id not in raw_answers:
            continue
        try:
            value = parse_answer(_optional(question), raw_answers[question.id])
        except SpinecheckError as err:
            problems.append(AnswerProblem(question.id, err.message, err.hint))
            continue
        if value is not None:
            parsed[question.id] = value
    asked = visible_questions(questionnaire, parsed)
    asked_ids = {q.id for q in asked}
    for question_id in list(parsed):
        if question_id not in asked_ids:
            hidden = questionnaire.question(question_id)
            assert hidden is not None
            assert hidden.when is not None
            problems.append(
                AnswerProblem(
                    question_id,
                    f"'{question_id}' is answered, but it is only asked when "
                    f"{describe_condition(hidden.when)}",
                    "remove this answer, or check the answer it depends on",
                )
            )
            del parsed[question_id]
    # a question required of new walks only may be missing from files saved before it was added
    missing = [q.id for q in asked if q.required is True and q.id not in parsed]
    return parsed, problems, missing


_OPTIONAL: dict[int, tuple[Question, Question]] = {}


def _optional(question: Question) -> Question:
    """The question with `required` off (missing answers are reported apart), made once."""
    if not question.required:
        return question
    found = _OPTIONAL.get(id(question))
    if found is None or found[0] is not question:
        found = _OPTIONAL[id(question)] = (
            question,
            msgspec.structs.replace(question, required=False),
        )
    return found[1]  # the entry keeps the question alive, so its id is not reused


def describe_condition(condition: Condition) -> str:
    """A short plain description of a condition, for messages."""
    form = condition.form
    if form in ("all", "any"):
        joiner = " and " if form == "all" else " or "
        return "(" + joiner.join(describe_condition(c) for c in condition.children()) + ")"
    if form == "not":
        return "not " + describe_condition(condition.children()[0])
    if form == "count_true":
        assert condition.count_true is not None
        parts = "; ".join(describe_condition(c) for c in condition.children())
        return f"at least {condition.count_true.at_least} of ({parts})"
    if form == "medication_class":
        return f"a {condition.medication_class} medicine is listed"
    if form == "urgency_at_least":
        assert condition.urgency_at_least is not None
        return f"the urgency is at least {condition.urgency_at_least.value}"
    subject = condition.question or condition.score
    tests = []
    for name, expected in condition.operators().items():
        if name == "answered":
            tests.append(f"{subject} is {'answered' if expected else 'not answered'}")
        elif name == "in":
            tests.append(f"{subject} is one of {', '.join(_plain(v) for v in expected)}")
        elif name == "includes":
            values = expected if isinstance(expected, list) else [expected]
            tests.append(f"{subject} includes {' or '.join(values)}")
        elif name == "equals":
            tests.append(f"{subject} is {_plain(expected)}")
        else:
            words = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}[name]
            tests.append(f"{subject} {words} {_plain(expected)}")
    return " and ".join(tests)


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


def describe_answer(
    question: Question, value: AnswerValue, *, clinical: bool = False, words: Words = ENGLISH
) -> str:
    """The answer in the patient's own terms: choice labels, numbers with units, text as typed.

    With `clinical`, a choice's clinical wording is used where it has one ('smokes'); `words`
    gives 'yes', 'no' and 'out of' in the patient's language.
    """
    kind = question.kind

    def label(choice: Choice) -> str:
        return choice.clinical if clinical and choice.clinical else choice.label

    if kind is QuestionKind.YES_NO:
        if value == NOT_SURE and question.unsure:
            return (
                question.unsure.clinical
                if clinical and question.unsure.clinical
                else (question.unsure.label)
            )
        return words("yes") if value is True else words("no")
    if kind is QuestionKind.SINGLE:
        choice = question.choice(str(value))
        return label(choice) if choice else str(value)
    if kind is QuestionKind.MULTIPLE:
        values = value if isinstance(value, list) else [str(value)]
        return ", ".join((label(choice) if (choice := question.choice(v)) else v) for v in values)
    if kind is QuestionKind.SCALE:
        _, high = question.bounds()
        return words("{value} out of {high}", value=value, high=high)
    if kind is QuestionKind.INTEGER:
        return f"{value} {question.unit}" if question.unit else str(value)
    if kind is QuestionKind.TEXT_LIST:
        return "; ".join(value) if isinstance(value, list) else str(value)
    return str(value)
