"""What a clinic must act on before the visit: one list for the day list and the clinician page.

The day list's "Needs action before the visit" column and the same heading on each patient's
clinician page are both made from `needs_action`, so a nurse working down the list and a clinician
reading the page see the same things, in the same words.
"""

from __future__ import annotations

from typing import NamedTuple

from spinecheck.assessment.report import Assessment
from spinecheck.questionnaire.model import Questionnaire, Urgency

ACTION_FLAGS = {
    "opioid_benzodiazepine": "opioid with a sedative",
    "opioid_alcohol": "opioid with alcohol",
    "opioid_muscle_relaxant": "opioid with a muscle relaxant",
    "opioid_gabapentinoid": "opioid with gabapentin or pregabalin",
    "naloxone_discussion": "naloxone to offer",
    "blood_thinner_before_procedure": "blood thinner before a procedure",
}
"""Medicine flags a clinic acts on before the visit (every opioid and sedative combination,
opioid with a gabapentinoid, naloxone, a blood thinner before a procedure), in the list's words."""

MME_ACTION = 50.0
"""Morphine milligram equivalents a day from which the dose is reviewed before the visit (CDC
2022: pause and weigh benefits and risks)."""


class Action(NamedTuple):
    """One thing to act on before the visit."""

    id: str
    """A warning sign's or medicine flag's id, 'mme' or 'urgency'."""
    words: str
    """Short clinical words for the day list and the page."""


def needs_action(assessment: Assessment, questionnaire: Questionnaire) -> list[Action]:
    """Everything that needs action before the visit, most urgent first.

    Every warning sign answered yes (or 'not sure') comes first. A same-day or emergency urgency
    raised without one (a medicine, an injury on a blood thinner) comes next. Then the medicine
    flags in `ACTION_FLAGS`, and a total of MME_ACTION or more a day.
    """
    actions = []
    if assessment.red_flags:
        shorts = []
        for flag in assessment.red_flags:
            question = questionnaire.question(flag.id)
            shorts.append(question.short if question is not None and question.short else flag.id)
        actions.append(Action("warning_signs", "warning signs: " + ", ".join(shorts)))
    elif assessment.urgency.rank >= Urgency.SAME_DAY.rank:
        level = assessment.urgency.value.replace("_", " ")
        actions.append(Action("urgency", f"{level}: see the page"))
    actions += [
        Action(flag.id, ACTION_FLAGS[flag.id])
        for flag in assessment.medication_flags
        if flag.id in ACTION_FLAGS
    ]
    total = assessment.mme.total if assessment.mme is not None else None
    if total is not None and total >= MME_ACTION:
        actions.append(Action("mme", f"{total:g} MME a day"))
    return actions


def needs_action_text(actions: list[Action]) -> str:
    """The actions as one line, the same on the day list and the clinician page ('-': none)."""
    return "; ".join(action.words for action in actions) or "-"
