"""How long the walk takes (issue 24, item 12): the welcome's "Most people take about 20
minutes" is checked against the walks of every story we have, not written once and forgotten.

A walk's time is estimated from what it shows: the words read (each question asked for that
patient, its answers, the sections' introductions, the welcome and a glance at the review) and
the answers given. Two readers bound it: a quick one (200 words a minute, about the adult
average for careful reading, 3 seconds to choose each answer, 15 seconds to type a medicine) and
a slow one (120 words a minute, as many older readers and people in pain read, 6 seconds an
answer, 30 seconds a medicine). For the middle story the welcome's time must be what the slow
reader takes (give or take 3 minutes: a patient in pain should not be rushed by a promise),
and no less than the quick reader takes.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import yaml

from spinecheck.questionnaire.answering import visible_questions
from spinecheck.questionnaire.loading import load_questionnaire
from spinecheck.questionnaire.model import QuestionKind
from spinecheck.walk.wording import WALK_MINUTES, welcome_text

DATA = Path(__file__).parent / "data"
QUICK = (200, 3, 15)  # words a minute, seconds an answer, seconds a medicine
SLOW = (120, 6, 30)
QUESTIONNAIRE = load_questionnaire()


def _stories() -> list[dict]:
    stories = [s["answers"] for s in yaml.safe_load((DATA / "guideline-stories.yaml").read_text())]
    for path in DATA.glob("*.yaml"):
        document = yaml.safe_load(path.read_text())
        if isinstance(document, dict) and "spinecheck" in document:
            stories.append(document)
    return stories


def _words(text: str | None) -> int:
    return len(text.split()) if text else 0


def _minutes(answers: dict, pace: tuple[int, int, int]) -> float:
    questionnaire = QUESTIONNAIRE
    asked = visible_questions(questionnaire, answers)
    welcome = " ".join(welcome_text("911", "the nearest emergency department", resuming=False,
                                    keys="x " * 40, minutes=WALK_MINUTES))  # fmt: skip
    words = _words(welcome) + sum(_words(s.intro) for s in questionnaire.sections)
    for question in asked:
        words += _words(question.text) + sum(_words(c.label) for c in question.choices or ())
        words += 3 if question.kind is QuestionKind.YES_NO else 0
        words += 8  # the progress line and a glance at the keys
    words += 4 * len(asked)  # the review: a glance at each answer
    per_minute, per_answer, per_medicine = pace
    medicines = len(answers.get("medications") or [])
    return words / per_minute + (len(asked) * per_answer + medicines * per_medicine) / 60


def test_the_welcome_says_how_long_the_walk_takes_for_quick_and_slow_readers():
    said = int(re.fullmatch(r"about (\d+) minutes", WALK_MINUTES).group(1))  # type: ignore[union-attr]
    stories = _stories()
    assert len(stories) >= 50
    quick = statistics.median(_minutes(s, QUICK) for s in stories)
    slow = statistics.median(_minutes(s, SLOW) for s in stories)
    assert quick <= said, f"a quick reader takes {quick:.1f} minutes"
    assert abs(slow - said) <= 3, f"a slow reader takes {slow:.1f} minutes"
    assert f"Most people take {WALK_MINUTES}." in " ".join(
        welcome_text("911", "x", resuming=False, keys="", minutes=WALK_MINUTES)
    )
