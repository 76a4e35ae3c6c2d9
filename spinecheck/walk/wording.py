"""What both walk front ends share: wrapping to the window, hints, and reading typed answers.

Nothing here draws or reads a terminal; the arrow-key prompts and the plain prompts call these
functions so that both say the same things in the same words.
"""

from __future__ import annotations

import os
import re
import textwrap
from typing import TextIO

from spinecheck.clean import clean_line
from spinecheck.errors import SpinecheckError, visible
from spinecheck.questionnaire.answering import parse_answer
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import Question, QuestionKind
from spinecheck.words import ENGLISH, Words

MIN_WIDTH = 20
"""Narrower windows than this are drawn as if they were this wide."""

WALK_MINUTES = "about 20 minutes"
"""How long the walk takes most people (see tests/test_walk_length.py for the measure)."""

MAX_WIDTH = 100
"""Paragraphs are never wider than this, even in a wide window (long lines are hard to read)."""


def stream_width(stream: TextIO | None) -> int:
    """The width of the terminal `stream` writes to (COLUMNS, else 80, when it is not one)."""
    columns = 0
    if stream is not None:
        try:
            if stream.isatty():
                columns = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            columns = 0
    if columns <= 0:
        try:
            columns = int(os.environ.get("COLUMNS", "80"))
        except ValueError:
            columns = 80
    return fit_width(columns if columns > 0 else 80)


def fit_width(columns: int) -> int:
    """The width to wrap to in a window `columns` wide (one column spare, within the limits)."""
    return max(MIN_WIDTH, min(MAX_WIDTH, columns - 1))


def wrap(text: str, width: int, indent: str = "", rest: str | None = None) -> list[str]:
    """Wrap a paragraph at word boundaries; words longer than a line are cut, never hidden."""
    later = indent if rest is None else rest
    return textwrap.wrap(
        " ".join(text.split()),
        max(width, len(later) + 8),
        initial_indent=indent,
        subsequent_indent=later,
        break_on_hyphens=False,  # "Ctrl-B" and "--format" stay whole
        break_long_words=True,
    ) or [indent.rstrip()]


def wrap_text(text: str, width: int, indent: str = "") -> str:
    """Wrap every paragraph of `text` (blank lines kept) to `width`."""
    lines = []
    for part in (visible(line) for line in text.split("\n")):
        lead = indent + part[: len(part) - len(part.lstrip())]
        if part.strip() and " " not in part.strip():  # a path on its own line stays whole
            lines.append(lead + part.strip())
            continue
        lines.append("\n".join(wrap(part, width, lead)) if part.strip() else "")
    return "\n".join(lines)


def progress_line(
    section_title: str, part: int, parts: int, number: int, *, words: Words = ENGLISH
) -> str:
    """The progress line: 'Part 2 of 7, Your pain: question 3.'.

    The parts are the questionnaire's sections, a count that never changes; within a part the
    question number only grows. A total of questions would jump as answers open follow-up
    questions (1 of 8, 2 of 9, 3 of 15), so none is shown.
    """
    return words(
        "Part {part} of {parts}, {title}: question {number}.",
        part=part, parts=parts, title=section_title, number=number,
    )  # fmt: skip


def keys_hint(
    question: Question, *, can_go_back: bool, has_help: bool, words: Words = ENGLISH
) -> str:
    """How to answer with the arrow-key prompts, in plain words."""
    kind = question.kind
    if kind is QuestionKind.YES_NO:
        first = (
            words("Press y for yes, n for no, or s if you are not sure, then Enter.")
            if question.unsure
            else words("Press y for yes or n for no, then Enter.")
        )
    elif kind is QuestionKind.MULTIPLE:
        first = words("Up and down arrows move. Space ticks a box. Enter when done.")
    elif kind is QuestionKind.SCALE and question.bounds()[0] >= 0 and question.bounds()[1] <= 10:
        first = words("Type a number or use the up and down arrows, then press Enter.")
    elif kind in (QuestionKind.SINGLE, QuestionKind.SCALE):
        first = words("Up and down arrows choose. Enter to answer.")
    elif kind is QuestionKind.TEXT_LIST:
        first = words(
            "Type one and press Enter. Press Enter on an empty line when done. "
            "Ctrl-X removes the last one."
        )
    elif kind is QuestionKind.INTEGER:
        first = words(
            "Type a whole number{unit}, then press Enter.", unit=_unit_words(question, words)
        )
        if not question.required:
            first += " " + words("Press Enter alone to skip.")
    else:
        first = words("Type your answer and press Enter.")
        if not question.required:
            first += " " + words("Press Enter alone to skip.")
    extras = []
    if can_go_back:
        extras.append(words("Ctrl-B: back."))
    if has_help:
        extras.append(words("?: help."))
    return " ".join([first, *extras])


def plain_hint(
    question: Question,
    low_label: str | None,
    high_label: str | None,
    *,
    words: Words = ENGLISH,
) -> str:
    """How to answer with the plain (line-by-line) prompts."""
    kind = question.kind
    if kind is QuestionKind.YES_NO:
        if question.unsure:
            return words("Type y for yes, n for no, or s if you are not sure")
        return words("Type y for yes or n for no")
    if kind is QuestionKind.SINGLE:
        return words("Type the number of your answer")
    if kind is QuestionKind.MULTIPLE:
        return words("Type the numbers of all that apply, with commas between them")
    if kind is QuestionKind.SCALE:
        low, high = question.bounds()
        low_text = f"{low} ({low_label})" if low_label else str(low)
        high_text = f"{high} ({high_label})" if high_label else str(high)
        return words("Type a number from {low} to {high}", low=low_text, high=high_text)
    if kind is QuestionKind.INTEGER:
        return words("Type a whole number{unit}", unit=_unit_words(question, words))
    if kind is QuestionKind.TEXT_LIST:
        return words("Type one, press Enter, then the next. Press Enter on an empty line when done")
    return words("Type your answer")


def _unit_words(question: Question, words: Words = ENGLISH) -> str:
    unit = question.unit
    if unit == "cm":
        return words(" of centimetres, or feet and inches (like 5 ft 7)")
    if unit == "kg":
        return words(" of kilograms, or pounds (like 160 lb)")
    if unit:
        return f" ({unit})"
    return ""


def check_typed(question: Question, typed: object) -> AnswerValue | None:
    """Check what the patient typed with the same rules as answer files (raises SpinecheckError).

    Text is cleaned of control characters first, and numbers may carry the units patients use.
    """
    if isinstance(typed, str):
        typed = clean_line(typed)
        if not typed:
            typed = None
        elif question.kind in (QuestionKind.INTEGER, QuestionKind.SCALE):
            typed = read_number(question, typed)
    elif isinstance(typed, list):
        typed = [clean_line(item) if isinstance(item, str) else item for item in typed]
    return parse_answer(question, typed)


def yes_no_request(question: Question, words: Words = ENGLISH) -> str:
    """What to type for a yes/no question, when what was typed is not an answer."""
    if question.unsure:
        return words("Please answer y for yes, n for no, or s if you are not sure.")
    return words("Please answer y for yes or n for no.")


def problem_text(question: Question, err: SpinecheckError, words: Words = ENGLISH) -> str:
    """What went wrong with a typed answer, in the patient's words (no internal values)."""
    kind = question.kind
    count = len(question.choices or ())
    if err.message == "an answer is needed here":
        if kind is QuestionKind.MULTIPLE:
            if any(c.exclusive for c in question.choices or ()):
                return words("Please choose at least one, or the 'None of these' choice.")
            return words("Please choose at least one.")
        return words("This question needs an answer.")
    if kind is QuestionKind.YES_NO:
        return yes_no_request(question, words)
    if kind is QuestionKind.SINGLE:
        return words("Please type the number of one answer, from 1 to {count}.", count=count)
    if kind is QuestionKind.MULTIPLE:
        if "cannot be combined" in err.message:
            label = next((c.label for c in question.choices or () if c.exclusive), "None")
            return words(
                "'{label}' cannot go with other answers. Choose it alone, or leave it out.",
                label=label,
            )
        return words(
            "Please type the numbers of your answers, from 1 to {count}, with commas between them.",
            count=count,
        )
    if kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
        low, high = question.bounds()
        return words(
            "Please type a whole number from {low} to {high}{unit}.",
            low=low, high=high, unit=_unit_words(question, words),
        )  # fmt: skip
    if "characters long" in err.message:
        return words(
            "That is too long. Please use at most {limit} characters.",
            limit=question.text_limit(),
        )
    if "entries, more than allowed" in err.message:
        return words(
            "That is too many. The list can hold {limit} entries.", limit=question.item_limit()
        )
    return words("Please check your answer.")


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_FEET_INCHES = re.compile(
    rf"^{_NUMBER}\s*(?:'|ft|feet|foot|pies?)\s*(?:y\s+)?"
    rf"(?:{_NUMBER}\s*(?:\"|''|in|inch|inches|pulgadas?)?)?$"
)
_INCHES = re.compile(rf"^{_NUMBER}\s*(?:\"|in|inch|inches|pulgadas?)$")
_METRES = re.compile(rf"^{_NUMBER}\s*(?:m|metres?|meters?|metros?)$")
_CENTIMETRES = re.compile(rf"^{_NUMBER}\s*(?:cm|cms|centimet(?:re|er)s?|cent[ií]metros?)$")
_POUNDS = re.compile(rf"^{_NUMBER}\s*(?:lb|lbs|pounds?|libras?)$")
_STONE = re.compile(rf"^{_NUMBER}\s*(?:st|stone)\s*(?:{_NUMBER}\s*(?:lb|lbs|pounds?)?)?$")
_KILOGRAMS = re.compile(rf"^{_NUMBER}\s*(?:kg|kgs|kilos?|kilograms?)$")
_YEARS = re.compile(r"^(\d+)\s*(?:y|yr|yrs|years?|a[ñn]os?)(?:\s+old)?$")


def read_number(question: Question, typed: str) -> str:
    """Turn typed numbers with units into the question's own unit ('5 ft 7' into '170').

    Anything not recognised is returned unchanged, for `parse_answer` to report.
    """
    text = typed.strip().lower()
    unit = question.unit
    if unit == "cm":
        converted = _to_centimetres(text)
    elif unit == "kg":
        converted = _to_kilograms(text)
    elif unit == "years":
        match = _YEARS.match(text)
        converted = float(match.group(1)) if match else None
    else:
        converted = None
        if unit and text.endswith(unit.lower()):
            return text[: -len(unit)].strip()
    if converted is None:
        return typed
    return str(round(converted))


def _number(text: str | None) -> float:
    return float((text or "0").replace(",", "."))


def _to_centimetres(text: str) -> float | None:
    if match := _CENTIMETRES.match(text):
        return _number(match.group(1))
    if match := _METRES.match(text):
        return _number(match.group(1)) * 100
    if match := _FEET_INCHES.match(text):
        return _number(match.group(1)) * 30.48 + _number(match.group(2)) * 2.54
    if match := _INCHES.match(text):
        return _number(match.group(1)) * 2.54
    return None


def _to_kilograms(text: str) -> float | None:
    if match := _KILOGRAMS.match(text):
        return _number(match.group(1))
    if match := _POUNDS.match(text):
        return _number(match.group(1)) * 0.45359237
    if match := _STONE.match(text):
        return (_number(match.group(1)) * 14 + _number(match.group(2))) * 0.45359237
    return None


def review_lines(rows: list[tuple[str, str]], width: int, words: Words = ENGLISH) -> list[str]:
    """The numbered table of every answer shown before the patient confirms, fitted to `width`."""
    lines = [words("Please check your answers:"), ""]
    number_width = len(str(len(rows))) + 2
    title_width = max(10, min(34, (width - number_width) // 2 - 1))
    answer_width = max(10, width - number_width - title_width - 2)
    for number, (title, answer) in enumerate(rows, 1):
        shown = answer[:1].upper() + answer[1:]
        left = wrap(title, title_width)
        right = wrap(shown, answer_width)
        for index in range(max(len(left), len(right))):
            label = f"{number}." if index == 0 else ""
            part = left[index] if index < len(left) else ""
            value = right[index] if index < len(right) else ""
            lines.append(f"{label:>{number_width}} {part:<{title_width}}  {value}".rstrip())
    return lines


def welcome_text(
    emergency_number: str,
    emergency_place: str,
    *,
    resuming: bool,
    keys: str,
    minutes: str,
    words: Words = ENGLISH,
) -> list[str]:
    """The first screen's paragraphs: what this is, privacy, what to do now if urgent, the keys."""
    paragraphs = [
        words("Welcome back to spinecheck") if resuming else words("Welcome to spinecheck")
    ]
    if resuming:
        paragraphs.append(words("We continue where you stopped."))
    else:
        paragraphs += [
            words(
                "These questions help you get ready for a visit about back or neck pain. "
                "They are not a diagnosis. Most people take {minutes}.",
                minutes=words(minutes),
            ),
            words(
                "Your answers stay on this computer. Each answer is saved as you go, so you can "
                "stop and come back."
            ),
        ]
    paragraphs += [
        words(
            "If you need help now, call {number} or go to {place}. "
            "Do not wait to finish these questions.",
            number=emergency_number,
            place=emergency_place,
        ),
        keys,
    ]
    return paragraphs
