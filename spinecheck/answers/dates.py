"""Dates and times in answer files: real ones only, and a date of birth that fits the visit."""

from __future__ import annotations

import datetime
import re

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


def real_date(text: str) -> bool:
    """Whether text is a real date written YYYY-MM-DD."""
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True
