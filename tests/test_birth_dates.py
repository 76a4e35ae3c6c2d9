"""Dates of birth as people write them (issue 24, item 8): every form, in each country's order,
read to the same day; read back in words; checked against the age the patient gave."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from spinecheck.answers.dates import MONTHS, read_typed_date
from spinecheck.answers.progress import Progress
from spinecheck.walk.session import _ask_details
from spinecheck.words import ENGLISH

NAMES = {number: [n for n, m in MONTHS.items() if m == number] for number in range(1, 13)}
DAYS = st.dates(min_value=datetime.date(1890, 1, 1), max_value=datetime.date.today())


def _written(day: datetime.date, month_name: str, *, month_first: bool) -> list[str]:
    """The ways a patient writes `day`, with the month as `month_name` or in digits."""
    d, m, y = day.day, day.month, day.year
    name = month_name.capitalize()
    ordinal = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(d, "th")
    digits = f"{m:02}/{d:02}/{y}" if month_first else f"{d:02}/{m:02}/{y}"
    short = f"{m}.{d}.{y}" if month_first else f"{d}.{m}.{y}"
    return [
        f"{d} {name} {y}", f"{name} {d}, {y}", f"{name} {d}{ordinal}, {y}",
        f"{d}{ordinal} of {name} {y}", f"{d}-{name}-{y}", f"  {name.upper()} {d} {y} ",
        day.isoformat(), f"{y}/{m}/{d}", f"{y}{m:02}{d:02}", digits, short,
    ]  # fmt: skip


@settings(max_examples=300)
@given(day=DAYS, month_first=st.booleans(), data=st.data())
def test_every_written_form_reads_as_the_same_day(day, month_first, data):
    name = data.draw(st.sampled_from(NAMES[day.month]))
    for text in _written(day, name, month_first=month_first):
        assert read_typed_date(text, month_first=month_first).date == day.isoformat(), text


@given(day=DAYS, month_first=st.booleans())
def test_digits_that_fit_only_one_order_read_the_same_in_every_country(day, month_first):
    if day.day <= 12:
        return
    for text in (f"{day.day}/{day.month}/{day.year}", f"{day.month}/{day.day}/{day.year}"):
        assert read_typed_date(text, month_first=month_first).date == day.isoformat()


@pytest.mark.parametrize(
    ("text", "month_first", "expected"),
    [
        ("03/04/1970", True, "1970-03-04"),  # a US label: month first
        ("03/04/1970", False, "1970-04-03"),  # a UK form: day first
        ("3rd of March 1970", False, "1970-03-03"),
        ("Sept 9 1955", True, "1955-09-09"),
    ],
)
def test_the_country_decides_only_what_is_ambiguous(text, month_first, expected):
    assert read_typed_date(text, month_first=month_first).date == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("3/3/70", "year in full"),  # never guess the century of a birth year
        ("31/02/1970", "not a date in the calendar"),
        ("13/13/1970", "not a date in the calendar"),
        ("3 March", "the day, the month and the year"),
        ("1970", "the day, the month and the year"),
        ("tomorrow", "the day, the month and the year"),
        ("3 Marchember 1970", "Please write the date"),
        ("3 March 1970; rm -rf", "Please write the date"),
    ],
)
def test_what_cannot_be_read_says_how_to_write_it(text, says):
    reading = read_typed_date(text, month_first=False)
    assert reading.date is None
    assert says in reading.problem
    assert "3 March 1970" in reading.problem  # the example in the patient's order


class Typed:
    """Types the given lines at each question; records what the walk says."""

    words = ENGLISH

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        self.said: list[str] = []
        self.asked: list[str] = []

    def ask(self, shown: Any, keep: Any) -> str | None:
        self.asked.append(shown.text)
        return self.lines.pop(0) if self.lines else None

    def say(self, text: str) -> None:
        self.said.append(text.strip())


def _details(*lines: str, age: int | None = None, month_first: bool = False) -> Any:
    progress = Progress(answers={"age": age} if age is not None else {})
    asker = Typed(*lines)
    _ask_details(asker, progress, lambda current: None, month_first=month_first)
    return progress.patient, asker


def _age(born: datetime.date) -> int:
    today = datetime.date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_a_date_of_birth_is_read_back_in_words_and_saved_as_a_date():
    patient, asker = _details("Ann Lee", "3 March 1970", age=_age(datetime.date(1970, 3, 3)))
    assert patient == {"name": "Ann Lee", "birth_date": "1970-03-03"}
    assert "Recorded: born 3 Mar 1970." in asker.said
    assert "3 March 1970" in asker.asked[1]  # the example in the patient's order


def test_a_us_patient_is_asked_month_first_and_read_that_way():
    patient, asker = _details("", "03/04/1970", month_first=True)
    assert patient == {"birth_date": "1970-03-04"}
    assert "March 3, 1970" in asker.asked[1]


def test_a_date_that_does_not_fit_the_age_is_asked_about_once():
    # 1970-03-03 makes the patient 56; they said 52. Typed again, the date is kept as given
    # (the clinician's page shows both, to check).
    patient, asker = _details("", "3 March 1970", "03/03/1970", age=52)
    assert any("would make you" in said and "you said you are 52" in said for said in asker.said)
    assert patient == {"birth_date": "1970-03-03"}


def test_a_corrected_date_that_fits_the_age_is_taken():
    born = datetime.date.today().replace(day=1) - datetime.timedelta(days=365 * 52 + 40)
    patient, _ = _details("", "1 January 1900", born.isoformat(), age=_age(born))
    assert patient == {"birth_date": born.isoformat()}


def test_a_date_in_the_future_or_unreadable_is_asked_again():
    future = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    patient, asker = _details("", future, "3/3/70", "")
    assert patient == {}  # Enter alone at the end: skipped
    assert any("in the future" in said for said in asker.said)
    assert any("year in full" in said for said in asker.said)


BLIND = yaml.safe_load((Path(__file__).parent / "data" / "typed-birth-dates.yaml").read_text())


@pytest.mark.parametrize("case", BLIND, ids=[case["text"] for case in BLIND])
def test_dates_written_blind_from_the_rules_read_as_expected(case):
    for month_first, expected in ((True, case["us"]), (False, case["other"])):
        assert read_typed_date(case["text"], month_first=month_first).date == expected, case["why"]
