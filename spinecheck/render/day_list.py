"""A clinic's day: the day list that heads a printed stack.

Also the page that takes an unreadable file's place in the stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from spinecheck.assessment.report import Assessment, SummaryInfo
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import Questionnaire, Urgency
from spinecheck.render.clinician_page import NEEDS_ACTION
from spinecheck.render.document import (
    Document,
    Item,
    Section,
    items,
    name_and_stand_in,
    on_pages,
    paragraph,
    readable_date,
    table,
)


class DayEntry(NamedTuple):
    """One patient of a day's list, or an answer file that could not be read."""

    info: SummaryInfo
    assessment: Assessment | None
    """None for a file that could not be read."""
    questionnaire: Questionnaire | None = None
    answers: Mapping[str, AnswerValue] | None = None
    problem: str = ""


def _minutes(time: str) -> int:
    """A visit time ("9:30", "09:30") as minutes after midnight; no time sorts last."""
    hours, _, minutes = time.strip().partition(":")
    try:
        return int(hours) * 60 + int(minutes or 0)
    except ValueError:
        return 24 * 60


def _who(info: SummaryInfo) -> str:
    patient = info.patient or {}
    name, identifier = patient.get("name", ""), patient.get("identifier", "")
    if name and identifier:
        return f"{name} ({identifier})"
    if name or identifier:
        return name or identifier
    # the file's name first, its folder after: what staff recognise, and it wraps at spaces
    head, _, tail = info.source.replace("\\", "/").rpartition("/")
    return f"{tail} (in {head}/)" if head else tail or "unknown"


def _before_the_visit(entry: DayEntry) -> str:
    """The day list's cell: the same list as the clinician page's "Needs action" (one function)."""
    from spinecheck.assessment.actions import needs_action, needs_action_text

    assessment, questionnaire = entry.assessment, entry.questionnaire
    if assessment is None or questionnaire is None:
        return "could not be read: " + entry.problem
    return needs_action_text(needs_action(assessment, questionnaire))


def build_day_list(entries: Sequence[DayEntry]) -> Document:
    """A clinic's first page: every patient, emergencies and same-day first.

    Each row has the visit time, the urgency and what needs action before the visit; the files
    that could not be read follow.
    """
    read = [e for e in entries if e.assessment is not None]
    unread = [e for e in entries if e.assessment is None]

    def order(numbered: tuple[int, DayEntry]) -> tuple[int, int, int]:
        index, entry = numbered
        assert entry.assessment is not None
        visit = entry.info.visit or {}
        return (-entry.assessment.urgency.rank, _minutes(visit.get("time", "")), index)

    dates = {(e.info.visit or {}).get("date", "") for e in read}
    one_day = next(iter(dates)) if len(dates) == 1 else ""  # then the column gives times only
    rows = []
    names: list[tuple[str, tuple[str, ...]]] = []
    for _, entry in sorted(enumerate(read), key=order):
        assert entry.assessment is not None
        info = on_pages(entry.info)
        names += name_and_stand_in(info)
        visit = info.visit or {}
        level = entry.assessment.urgency
        shown = level.value.replace("_", " ")
        shown = "\u25a0 " + shown.upper() if level.rank >= Urgency.SAME_DAY.rank else shown
        date = "" if one_day else readable_date(visit.get("date", ""))
        rows.append(
            (
                " ".join(x for x in (date, visit.get("time", "")) if x) or "-",
                _who(info),
                shown,
                _before_the_visit(entry),
            )
        )
    sections = [
        Section(
            "Patients, emergencies and same day first",
            (table(("Visit", "Patient", "Urgency", NEEDS_ACTION), rows),),
        )
    ]
    if unread:
        sections.append(
            Section(
                "Could not be read (a page marks each one's place in the stack)",
                (items([Item(on_pages(e.info).source, (e.problem,)) for e in unread]),),
                urgent=True,
            )
        )
    urgent = sum(1 for e in read if e.assessment is not None and e.assessment.urgency.rank >= 2)
    subtitle = (f"Visits on {readable_date(one_day)}: " if one_day else "") + (
        f"{len(read)} patients, {urgent} needing care today or now"
    )
    if unread:
        files = "answer file" if len(unread) == 1 else "answer files"
        subtitle += f"; {len(unread)} {files} could not be read"
    return Document(
        title="Day list",
        subtitle=subtitle,
        urgency=Urgency.ROUTINE,
        sections=tuple(sections),
        footer="Decision support for a conversation, not a diagnosis.",
        audience="clinician",
        header="Day list",
        names=tuple(names),
    )


def unreadable_page(entry: DayEntry) -> Document:
    """The page that takes an unreadable file's place in a printed stack."""
    source = on_pages(entry.info).source
    return Document(
        title="This answer file could not be read",
        subtitle=source,
        urgency=Urgency.ROUTINE,
        sections=(
            Section(
                "What was wrong",
                (
                    paragraph(entry.problem),  # as written: a path or an id must not change case
                    paragraph("Fix the file (or ask the patient again), then print it again."),
                ),
                urgent=True,
            ),
        ),
        footer="Decision support for a conversation, not a diagnosis.",
        audience="clinician",
        header=f"answers: {source} (could not be read)",
    )
