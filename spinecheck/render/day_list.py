"""A clinic's day: the day list that heads a printed stack.

Also the page that takes an unreadable file's place in the stack.
"""

from __future__ import annotations

import re
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
    page_header,
    paragraph,
    readable_date,
    shortened,
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


def _age_check(entry: DayEntry) -> str:
    """What contradicts the file's identity: a wrong-patient file must not pass.

    A date of birth the age answered contradicts, or a sex the records contradict.
    """
    from spinecheck.answers.dates import age_contradiction

    patient = entry.info.patient or {}
    born = patient.get("birth_date")
    stated = (entry.answers or {}).get("age")
    when = (entry.info.visit or {}).get("date") or entry.info.answered_at
    checks = []
    years = age_contradiction(born, stated, when) if born else None
    if years is not None:
        checks.append(f"born {readable_date(born or '', with_time=False)} is age {years}, "
                      f"{stated} answered")  # fmt: skip
    if patient.get("sex_on_record"):
        checks.append(f"records say {patient['sex_on_record']}, {patient.get('sex')} answered")
    return "".join(f" - CHECK: {check}" for check in checks)


def _before_the_visit(entry: DayEntry) -> str:
    """The day list's cell: the same list as the clinician page's "Needs action" (one function)."""
    from spinecheck.assessment.actions import needs_action, needs_action_text

    assessment, questionnaire = entry.assessment, entry.questionnaire
    if assessment is None or questionnaire is None:  # its own page lists every problem
        first = entry.problem.strip().split("\n", 1)[0]
        source = entry.info.source
        if source and first.startswith(source + ":"):  # the file is named in the next column
            first = re.sub(r"^(\d+)(:\d+)?: ", r"line \1: ", first[len(source) + 1 :])
        return "could not be read: " + shortened(first, 80)
    return needs_action_text(needs_action(assessment, questionnaire))


UNREAD_RANK = Urgency.SAME_DAY.rank
"""Where a file that could not be read sorts: with the patients who need someone today (it may
hold a warning sign, and someone must ask the patient again), by its visit time."""


def _rank(entry: DayEntry) -> int:
    """Where a patient sorts before the visit time is looked at.

    Emergencies, then same day (an unreadable file among them); everyone else is equal and goes
    by visit time ('soon' is about the visit itself, not an order to see patients in).
    """
    rank = entry.assessment.urgency.rank if entry.assessment is not None else UNREAD_RANK
    return rank if rank >= Urgency.SAME_DAY.rank else 0


def day_order(entries: Sequence[DayEntry]) -> list[DayEntry]:
    """The stack's order, which the day list shows.

    Emergencies and same-day first, then by visit date and time; files that could not be read
    among those needing someone today.
    """

    def key(numbered: tuple[int, DayEntry]) -> tuple[int, str, int, int]:
        index, entry = numbered
        visit = entry.info.visit or {}
        day = visit.get("date") or "9999-12-31"  # a list of several days goes day by day
        return (-_rank(entry), day, _minutes(visit.get("time", "")), index)

    return [entry for _, entry in sorted(enumerate(entries), key=key)]


def build_day_list(
    entries: Sequence[DayEntry], sheets: Sequence[int] = (), links: Sequence[str] = ()
) -> Document:
    """A clinic's first page: every patient in the stack's order (`day_order`).

    Each row has the visit time, the patient, the urgency and what needs action before the
    visit (for a file that could not be read, that it could not be); with `sheets` (the sheet
    each patient's pages start on, in the order of `entries`) also the sheet to turn to; with
    `links` (each patient's own file, in the same order) a link from each name in HTML.
    """
    ordered = day_order(entries)
    where = dict(zip(map(id, entries), sheets, strict=False))
    linked = dict(zip(map(id, entries), links, strict=False))
    read = [e for e in entries if e.assessment is not None]
    unread = [e for e in entries if e.assessment is None]
    dates = {d for e in entries if (d := (e.info.visit or {}).get("date", ""))}
    one_day = next(iter(dates)) if len(dates) == 1 else ""  # then the column gives times only
    rows = []
    names: list[tuple[str, tuple[str, ...]]] = []
    for entry in ordered:
        info = on_pages(entry.info)
        names += name_and_stand_in(info)
        visit = info.visit or {}
        if entry.assessment is None:
            shown = "\u25a0 NOT READ"
        else:
            level = entry.assessment.urgency
            shown = level.value.replace("_", " ")
            shown = "\u25a0 " + shown.upper() if level.rank >= Urgency.SAME_DAY.rank else shown
        date = "" if one_day else readable_date(visit.get("date", ""), with_time=False)
        row = (
            " ".join(x for x in (date, visit.get("time", "")) if x) or "-",
            _who(info) + _age_check(entry),
            shown,
            _before_the_visit(entry),
        )
        rows.append((str(where[id(entry)]), *row) if sheets else row)
    header = ("Visit", "Patient", "Urgency", NEEDS_ACTION)
    widths = (14 if one_day else 20, 26, 14, 46)
    emergencies = frozenset(
        number
        for number, entry in enumerate(ordered)
        if entry.assessment is not None and entry.assessment.urgency is Urgency.EMERGENCY
    )
    grid = (
        table(("Sheet", *header), rows, marked=emergencies, widths=(6, *widths))
        if sheets
        else table(
            header,
            rows,
            marked=emergencies,
            widths=widths,
            links=tuple(linked.get(id(entry), "") for entry in ordered) if links else (),
        )
    )
    sections = [Section("Patients, emergencies and same day first", (grid,))]
    urgent = sum(1 for e in read if e.assessment is not None and e.assessment.urgency.rank >= 2)
    subtitle = (f"Visits on {readable_date(one_day, with_time=False)}: " if one_day else "") + (
        f"{len(read)} patients, {urgent} needing care today or now"
    )
    if unread:
        files = "answer file" if len(unread) == 1 else "answer files"
        subtitle += f"; {len(unread)} {files} could not be read (each has a page in the stack)"
    return Document(
        title="Day list",
        subtitle=subtitle,
        urgency=Urgency.ROUTINE,
        sections=tuple(sections),
        footer="Decision support for a conversation, not a diagnosis.",
        audience="clinician",
        header="Day list" + (f", {readable_date(one_day, with_time=False)}" if one_day else ""),
        names=tuple(names),
    )


def unreadable_page(entry: DayEntry) -> Document:
    """The page that takes an unreadable file's place in a printed stack.

    It says whose it is when the file's patient and visit details could be read, and lists
    every problem, one to a line.
    """
    info = on_pages(entry.info)
    source = info.source
    whose = page_header(info) if info.patient or info.visit else f"answers: {source}"
    problems = [line.strip() for line in entry.problem.split("\n") if line.strip()]
    return Document(
        title="This answer file could not be read",
        subtitle=source,
        urgency=Urgency.ROUTINE,
        sections=(
            Section(
                "What was wrong",
                (
                    # as written: a path or an id must not change case
                    items([Item(problem) for problem in problems]),
                    paragraph("Fix the file (or ask the patient again), then print it again."),
                ),
                urgent=True,
            ),
        ),
        footer="Decision support for a conversation, not a diagnosis.",
        audience="clinician",
        header=f"{whose} (could not be read)",
        names=name_and_stand_in(info),
    )
