"""Dates and times in answer files: real ones only, and a date of birth that fits the visit."""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

from spinecheck.words import ENGLISH, Words

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PARTIAL_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?")


def real_date_time(text: str) -> bool:
    """Whether text is an ISO 8601 date-time, a date, or (as FHIR allows) a year or a month."""
    if _PARTIAL_DATE.fullmatch(text) or real_date(text):
        return True
    if not _ISO_DATE.match(text) or len(text) < 16 or text[10] not in "Tt ":
        return False
    try:
        datetime.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return False
    return True


def birth_date_problem(born: str, visit: object, answered: object) -> str | None:
    """What is wrong with a real date of birth, given the visit and answer dates (None: fine)."""
    day = datetime.date.fromisoformat(born)
    today = datetime.date.today()
    if isinstance(visit, str) and real_date(visit) and day > datetime.date.fromisoformat(visit):
        return f"the date of birth {born} is after the visit date {visit}"
    if (
        isinstance(answered, str)
        and real_date(answered[:10])
        and day > datetime.date.fromisoformat(answered[:10])
    ):
        return f"the date of birth {born} is after the answers were given ({answered[:10]})"
    if day > today:
        return f"the date of birth {born} is in the future"
    if today.year - day.year > 130:
        return f"the date of birth {born} is more than 130 years ago"
    return None


def age_on(birth_date: str, when: str | None) -> int | None:
    """Whole years from `birth_date` to the date `when` starts with (today without one)."""
    try:
        born = datetime.date.fromisoformat(birth_date)
        then = datetime.date.fromisoformat(when[:10]) if when else datetime.date.today()
    except ValueError:
        return None
    return then.year - born.year - ((then.month, then.day) < (born.month, born.day))


AGE_SLACK = 1
"""Years a stated age may differ from a date of birth's (a birthday near the visit)."""


def age_contradiction(birth_date: str, stated_age: object, when: str | None) -> int | None:
    """The age a date of birth gives on `when`, if the stated age contradicts it (else None).

    One rule for the walk, every page header and the day list: a wrong-patient file or a
    mistyped date must not pass silently.
    """
    years = age_on(birth_date, when)
    if not isinstance(stated_age, int) or isinstance(stated_age, bool) or years is None:
        return None
    return years if abs(years - stated_age) > AGE_SLACK else None


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
} | {
    name: number
    for number, names in enumerate(
        (  # Spanish: '3 de marzo de 1970'
            ("enero", "ene"), ("febrero",), ("marzo",), ("abril", "abr"), ("mayo",),
            ("junio",), ("julio",), ("agosto", "ago"), ("septiembre", "setiembre", "set"),
            ("octubre",), ("noviembre",), ("diciembre", "dic"),
        ),
        1,
    )
    for name in names
}  # fmt: skip
"""Month names and their short forms, as people write them ('3 Sept 1970', '3 de marzo')."""

_PARTS = re.compile(r"[a-z]+|\d+")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b")


class DateReading(NamedTuple):
    """A typed date read as a real date (ISO), or why it could not be."""

    date: str | None
    problem: str = ""


def date_example(month_first: bool, words: Words = ENGLISH) -> str:
    """How to write a date, in the order the patient's country uses."""
    return (
        words("like March 3, 1970, or 03/03/1970 (month, day, year)")
        if month_first
        else words("like 3 March 1970, or 03/03/1970 (day, month, year)")
    )


def read_typed_date(text: str, *, month_first: bool, words: Words = ENGLISH) -> DateReading:
    """Read a date as people write it, in the order of the patient's country.

    '3 March 1970', 'March 3rd, 1970', '1970-03-03' and '19700303' read the same everywhere;
    '03/04/1970' is 4 March where the day comes first and 3 April where the month does.
    Digits alone are read in the country's order unless only one order is a date
    ('25/12/1970' is 25 December everywhere). A two-digit year is not guessed.
    """
    said = _ORDINAL.sub(r"\1", text.strip().lower())
    # "the 3rd of March 1970" and "el 3 de marzo de 1970", as they are said
    said = re.sub(r"\b(the|of|el|de|del)\b", " ", said)
    parts = _PARTS.findall(said)
    leftover = _PARTS.sub("", said)
    example = date_example(month_first, words)
    if not parts or not set(leftover) <= set(" ,./-"):
        return DateReading(None, words("Please write the date {example}.", example=example))
    if len(parts) == 1 and len(parts[0]) == 8 and parts[0].isdigit():  # 19700303
        parts = [parts[0][:4], parts[0][4:6], parts[0][6:]]
    if len(parts) != 3:
        return DateReading(
            None, words("Please write the day, the month and the year, {example}.", example=example)
        )
    names = [p for p in parts if not p.isdigit()]
    if len(names) > 1 or (names and names[0] not in MONTHS):
        return DateReading(None, words("Please write the date {example}.", example=example))
    numbers = [int(p) for p in parts if p.isdigit()]
    years = [p for p in parts if p.isdigit() and len(p) == 4]
    if len(years) != 1:
        return DateReading(
            None, words("Please write the year in full, {example}.", example=example)
        )
    year = int(years[0])
    if names:
        month = MONTHS[names[0]]
        days = [int(p) for p in parts if p.isdigit() and len(p) <= 2]
        if len(days) != 1:
            return DateReading(None, words("Please write the date {example}.", example=example))
        day = days[0]
    elif len(parts[0]) == 4:  # year first: always year, month, day
        month, day = numbers[1], numbers[2]
    elif len(parts[2]) == 4:
        first, second = numbers[0], numbers[1]
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            month, day = first, second
        else:
            month, day = (first, second) if month_first else (second, first)
    else:
        return DateReading(None, words("Please write the date {example}.", example=example))
    try:
        found = datetime.date(year, month, day)
    except ValueError:
        return DateReading(
            None,
            words(
                "That is not a date in the calendar. Please write it {example}.", example=example
            ),
        )
    return DateReading(found.isoformat())


def real_date(text: str) -> bool:
    """Whether text is a real date written YYYY-MM-DD."""
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True
