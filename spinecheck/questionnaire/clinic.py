"""What a clinic added to the built-in questionnaire: the questions and rules it does not have.

A clinic's copy (`--questions FILE`) keeps the built-in ids and adds its own; the clinician page
shows what the clinic's own questions were answered and why the clinic's own rules fired. The
built-in file's ids are read once per process (through the build's checked copy when there is
one), never once per patient of a day's list.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from spinecheck.errors import SpinecheckError
from spinecheck.questionnaire.model import Question, Questionnaire


class BuiltinIds(NamedTuple):
    """The ids of the built-in questionnaire's questions and rules."""

    questions: frozenset[str]
    rules: frozenset[str]


@lru_cache(maxsize=1)
def builtin_ids() -> BuiltinIds | None:
    """The built-in questionnaire's question and rule ids (None when it cannot be read)."""
    from spinecheck.questionnaire.loading import load_questionnaire

    try:
        builtin = load_questionnaire()
    except SpinecheckError:  # an edited built-in file that fails its checks: nothing is 'added'
        return None
    return BuiltinIds(
        questions=frozenset(question.id for question in builtin.questions),
        rules=frozenset(rule.id for rule in builtin.rules),
    )


def clinic_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions the built-in questionnaire does not have, in the order they are asked."""
    builtin = builtin_ids()
    if builtin is None:
        return []
    return [q for q in questionnaire.questions if q.id not in builtin.questions]


def clinic_rules(questionnaire: Questionnaire) -> frozenset[str]:
    """The ids of the rules the built-in questionnaire does not have."""
    builtin = builtin_ids()
    if builtin is None:
        return frozenset()
    return frozenset(rule.id for rule in questionnaire.rules if rule.id not in builtin.rules)
