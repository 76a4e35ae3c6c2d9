"""What both walk front ends share: progress lines, help, review rows and checking typed answers."""

from __future__ import annotations

import textwrap

from spinecheck.conditions import AnswerValue
from spinecheck.engine import allowed, parse_answer
from spinecheck.errors import SpinecheckError
from spinecheck.model import Question, QuestionKind
from spinecheck.render.plain import clean
from spinecheck.walk import Position

WIDTH = 78


def progress_line(position: Position) -> str:
    """'Your pain - question 3 of 12' (within the section; sections change as answers do)."""
    return (
        f"{position.section.title} - question {position.number_in_section} "
        f"of {position.section_total}"
    )


def question_text(question: Question) -> str:
    """The question wrapped for an 80-column terminal (prompts add 2 characters in front)."""
    return "\n  ".join(textwrap.wrap(" ".join(question.text.split()), WIDTH - 4))


def wrap(text: str, indent: str = "") -> str:
    """Wrap a paragraph for the terminal."""
    return "\n".join(
        textwrap.wrap(
            " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent
        )
    )


def check_typed(question: Question, typed: object) -> AnswerValue | None:
    """Check what the patient typed with the same rules as answer files (raises SpinecheckError)."""
    if isinstance(typed, str) and not typed.strip():
        typed = None
    return parse_answer(question, typed)


def validation_message(question: Question, typed: str) -> str | bool:
    """True if the typed text is a valid answer, else what is allowed (for live validation)."""
    if typed.strip() == "?":
        return True
    try:
        check_typed(question, typed)
    except SpinecheckError as err:
        return f"{err.message}. Allowed: {allowed(question)}"
    return True


def scale_label(question: Question, number: int) -> str:
    """'0 - no pain', '5', '10 - pain as bad as you can imagine'."""
    low, high = question.bounds()
    if number == low and question.min_label:
        return f"{number} - {question.min_label}"
    if number == high and question.max_label:
        return f"{number} - {question.max_label}"
    return str(number)


def review_table(rows: list[tuple[Question, str]]) -> str:
    """The numbered table of every answer shown before the patient confirms."""
    lines = ["Please check your answers:", ""]
    for number, (question, answer) in enumerate(rows, 1):
        shown = clean(answer)
        shown = shown[:1].upper() + shown[1:]
        first, *rest = textwrap.wrap(shown, WIDTH - 42) or [""]
        lines.append(f"{number:>3}. {question.title():<35}  {first}")
        lines.extend(f"{'':42}{part}" for part in rest)
    return "\n".join(lines)


def kind_hint(question: Question) -> str:
    """How to answer, in plain words, for the plain (line-by-line) prompts."""
    kind = question.kind
    if kind is QuestionKind.MULTIPLE:
        return "Type the numbers of all that apply, separated by commas"
    if kind in (QuestionKind.YES_NO, QuestionKind.SINGLE):
        return "Type a number"
    if kind is QuestionKind.SCALE:
        low, high = question.bounds()
        return f"Type a number from {low} to {high}"
    if kind is QuestionKind.INTEGER:
        low, high = question.bounds()
        unit = f" ({question.unit})" if question.unit else ""
        return f"Type a whole number from {low} to {high}{unit}"
    if kind is QuestionKind.TEXT_LIST:
        return "Type one, press Enter, then the next. Press Enter on an empty line when done"
    return "Type your answer"


def welcome_text(
    emergency_number: str, emergency_place: str, saved_in: str, *, resuming: bool, keys: str
) -> str:
    """The first screen: what this is, how long it takes, privacy, and what to do now if urgent."""
    lines = ["Welcome back to spinecheck" if resuming else "Welcome to spinecheck", ""]
    if resuming:
        lines.append(wrap(f"We continue where you stopped. Your answers are in {saved_in}."))
    else:
        lines += [
            wrap(
                "These questions help you get ready for a visit about back or neck pain. "
                "They are not a diagnosis. It takes about 10 minutes."
            ),
            "",
            wrap(
                "Your answers stay on this computer. They are saved after each answer in "
                f"{saved_in}, so you can stop and come back."
            ),
        ]
    lines += [
        "",
        wrap(
            f"If you need help now, call {emergency_number} or go to {emergency_place}. "
            "Do not wait to finish these questions."
        ),
        "",
        wrap(keys),
    ]
    return "\n".join(lines)
