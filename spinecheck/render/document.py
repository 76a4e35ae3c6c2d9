"""The content of a summary as plain data, built once and then drawn by every output format.

Each format (terminal, text, Markdown, HTML, PDF) draws the same `Document`, so what a summary
says is decided here only. Text typed by the patient stays raw here; each format escapes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple

from spinecheck.answers.dates import age_contradiction
from spinecheck.assessment.report import Assessment, SummaryInfo
from spinecheck.questionnaire.model import Urgency
from spinecheck.words import ENGLISH, Words, words_for


def urgency_title(urgency: Urgency, words: Words = ENGLISH) -> str:
    """How soon to act, in a few words ('Speak to a clinician today')."""
    if urgency is Urgency.EMERGENCY:
        return words("EMERGENCY: get help now")
    if urgency is Urgency.SAME_DAY:
        return words("Speak to a clinician today")
    if urgency is Urgency.SOON:
        return words("Book an appointment within days")
    return words("No warning signs in your answers")


class Item(NamedTuple):
    """A bullet: a title and its lines (reasons, medicines, what to do) and sources."""

    title: str
    lines: tuple[str, ...] = ()
    sources: str = ""
    checkbox: bool = False
    sources_label: str = "Sources"
    """The word before the sources, in the page's language."""


class Block(NamedTuple):
    """One part of a section: a paragraph, a list of items, or a table of rows."""

    kind: str
    """'paragraph', 'items' or 'table'."""
    text: str = ""
    items: tuple[Item, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    header: tuple[str, ...] = ()
    emphasis: bool = False
    marked: frozenset[int] = frozenset()
    """Rows (by index) that must stand out in greyscale: a solid black band (emergencies)."""
    widths: tuple[int, ...] = ()
    """Relative column widths, where the columns' content needs them (printed pages)."""
    links: tuple[str, ...] = ()
    """Per row, a relative address its 'Patient' cell links to in HTML ('' for none)."""
    strong: frozenset[int] = frozenset()
    """Rows (by index) in bold: the only bold rows, so what is flagged is what is seen."""


class Section(NamedTuple):
    """A titled part of the summary."""

    title: str
    blocks: tuple[Block, ...]
    urgent: bool = False


class Document(NamedTuple):
    """A whole summary, ready to draw."""

    title: str
    subtitle: str
    urgency: Urgency
    sections: tuple[Section, ...]
    footer: str
    audience: str = "patient"
    header: str = ""
    """Whose summary this is, printed at the top of every page ('' when nothing is known)."""
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Each patient name as the pages show it, with what identifies the patient without it
    (identifier, then answer file): a renderer that cannot draw a name's script shows the first
    of those it can draw."""
    language: str = "en"
    """The language of its words ('es'): each format says its own words (banners, 'page 1 of
    2') in it too."""


def texts(document: Document) -> Iterator[str]:
    """Every text a document shows."""
    yield from (document.title, document.subtitle, document.footer, document.header)
    for section in document.sections:
        yield section.title
        for block in section.blocks:
            yield block.text
            yield from block.header
            for row in block.rows:
                yield from row
            for item in block.items:
                yield item.title
                yield from item.lines
                yield item.sources


def with_texts(document: Document, change: Callable[[str], str]) -> Document:
    """`document` with `change` applied to every text it shows."""

    def block(b: Block) -> Block:
        return b._replace(
            text=change(b.text),
            header=tuple(map(change, b.header)),
            rows=tuple(tuple(map(change, row)) for row in b.rows),
            items=tuple(
                i._replace(
                    title=change(i.title),
                    lines=tuple(map(change, i.lines)),
                    sources=change(i.sources),
                )
                for i in b.items
            ),
        )

    return document._replace(
        title=change(document.title),
        subtitle=change(document.subtitle),
        footer=change(document.footer),
        header=change(document.header),
        sections=tuple(
            s._replace(title=change(s.title), blocks=tuple(map(block, s.blocks)))
            for s in document.sections
        ),
    )


def name_and_stand_in(info: SummaryInfo) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The name a page shows and what identifies the patient without it, if there is a name."""
    patient = info.patient or {}
    if not patient.get("name"):
        return ()
    instead = (patient.get("identifier", ""), f"answers: {info.source}" if info.source else "")
    return ((patient["name"], tuple(x for x in instead if x)),)


def urgency_banner(level: str, words: Words = ENGLISH) -> str:
    """The urgency banner's words.

    Each format gives each level its own shape and weight, so the levels differ in greyscale,
    not by colour alone.
    """
    if level == "emergency":
        return words("EMERGENCY")
    if level == "same_day":
        return words("SAME DAY: speak to a clinician today")
    if level == "soon":
        return words("SOON: within the next few days")
    return words("Routine")


def readable_date(text: str, *, with_time: bool = True, words: Words = ENGLISH) -> str:
    """An ISO date or date-time as a person reads it: "3 Dec 2026", "3 Dec 2026, 09:30".

    A time with an offset is shown in this machine's local time, so a clinic reads its own clock,
    not raw UTC. Text that is no ISO date is returned as it was given.
    """
    from datetime import date, datetime

    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return f"{day.day} {words.months[day.month - 1]} {day.year}"
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone()
        except (OverflowError, ValueError, OSError):  # year 1 or 9999: kept in its own offset
            pass
    shown = f"{moment.day} {words.months[moment.month - 1]} {moment.year}"
    return shown + (f", {moment:%H:%M}" if with_time else "")


PAGE_LIMITS = {
    "name": 60,
    "identifier": 40,
    "birth_date": 12,
    "date": 12,
    "time": 16,
    "clinician": 40,
    "location": 40,
}
"""The most characters of each patient and visit detail a page shows (JSON and FHIR keep all)."""


def shortened(text: str, limit: int, *, keep_end: bool = False) -> str:
    """`text` cut to `limit` characters with an ellipsis (in the middle for a path's end)."""
    if len(text) <= limit:
        return text
    if keep_end:
        return text[: limit // 3] + "…" + text[-(limit - limit // 3 - 1) :]
    return text[: limit - 1].rstrip() + "…"


def on_pages(info: SummaryInfo) -> SummaryInfo:
    """`info` with every detail cut to what a page header or a table cell can hold."""

    def cut(details: Mapping[str, str] | None) -> dict[str, str] | None:
        if details is None:
            return None
        return {key: shortened(value, PAGE_LIMITS.get(key, 60)) for key, value in details.items()}

    return info._replace(
        patient=cut(info.patient),
        visit=cut(info.visit),
        source=shortened(info.source, 90, keep_end=True),
    )


def page_header(
    info: SummaryInfo, stated_age: object = None, *, who: str = "", words: Words = ENGLISH
) -> str:
    """Name, date of birth, identifier, visit and answered date, leaving out what is absent.

    Without a name or an identifier the answer file's path is given, so a printed page can
    still be matched to its file. `who` (age and sex) follows the name. An age answer that
    the date of birth contradicts is said next to it, on every page, for the clinician to
    check.
    """
    patient, visit = info.patient or {}, info.visit or {}
    parts = [patient.get("name", ""), who]  # who: age and sex, on the clinician's page
    if patient.get("birth_date"):
        born = words("born {date}", date=readable_date(patient["birth_date"], words=words))
        years = age_contradiction(
            patient["birth_date"], stated_age, visit.get("date") or info.answered_at
        )
        if years is not None:
            born += f" (age {years}, but {stated_age} was answered: check)"
        parts.append(born)
    parts.append(patient.get("identifier", ""))
    if not patient.get("name") and not patient.get("identifier") and info.source:
        parts.append(words("answers: {file}", file=info.source))
    visit_day = readable_date(visit.get("date", ""), words=words)
    when = ", ".join(x for x in (visit_day, visit.get("time", "")) if x)
    seen_by = visit.get("clinician", "")
    place = visit.get("location", "")
    if when or seen_by or place:
        text = words("visit {when}", when=when) if when else words("visit")
        text += " " + words("with {clinician}", clinician=seen_by) if seen_by else ""
        text += f", {place}" if place else ""
        parts.append(text)
    if info.answered_at:
        answered = readable_date(info.answered_at, with_time=False, words=words)
        parts.append(words("answered {date}", date=answered))
    return " | ".join(part for part in parts if part)


def run_in(title: str) -> str:
    """What joins an item's bold title to the text run into it.

    A space after a full stop or a colon, else a dash (formats that put the title on its own
    line do not need it).
    """
    return " " if title.rstrip()[-1:] in ".:?!" else " - "


def paragraph(text: str, *, emphasis: bool = False) -> Block:
    """A paragraph block."""
    return Block("paragraph", text=text, emphasis=emphasis)


def items(entries: list[Item]) -> Block:
    """A list block."""
    return Block("items", items=tuple(entries))


def table(
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    *,
    marked: frozenset[int] = frozenset(),
    widths: tuple[int, ...] = (),
    links: tuple[str, ...] = (),
    strong: frozenset[int] = frozenset(),
) -> Block:
    """A table block.

    `marked` rows stand out; `widths` are relative column widths; `links` give each row's
    Patient cell an address in HTML; `strong` rows are bold.
    """
    return Block(
        "table", header=header, rows=tuple(rows), marked=marked, widths=widths, links=links,
        strong=strong,
    )  # fmt: skip


def source_names(assessment: Assessment, ids: list[str] | tuple[str, ...]) -> str:
    """The short names of sources by id ("ACP 2017, NICE NG59"), each once."""
    names = []
    for source_id in ids:
        source = assessment.sources.get(source_id) or {}
        names.append(source.get("short") or source_id)
    return ", ".join(dict.fromkeys(n for n in names if n))


def page_footer(
    assessment: Assessment,
    info: SummaryInfo,
    *,
    for_patient: bool = False,
    words: Words = ENGLISH,
) -> str:
    """When and from what the page was made; the patient's page names no internal ids."""
    parts = []
    if not for_patient:  # questionnaire ids and file names are for the clinic
        answered = info.answered_version
        parts.append(
            f"Questionnaire {assessment.questionnaire_id} "
            f"version {assessment.questionnaire_version}"
            # an audit needs the questions the patient saw, when they have changed since
            + (
                f" (answered with version {answered})"
                if answered and answered != assessment.questionnaire_version
                else ""
            )
        )
    if info.answered_at:
        parts.append(words("answered {date}", date=readable_date(info.answered_at, words=words)))
    if info.printed_at:
        parts.append(words("printed {date}", date=readable_date(info.printed_at, words=words)))
    if info.source and not for_patient:
        parts.append(f"from {info.source}")
    if assessment.region:
        parts.append(words("contacts for {region}", region=assessment.region))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "." if text else ""


def urgency_section(assessment: Assessment, words: Words | None = None) -> Section:
    """How soon to act, and the warning signs answered yes (first in every patient summary).

    In the words of the assessment's language unless `words` says otherwise.
    """
    words = words or words_for(assessment.language)
    blocks = (
        [paragraph(assessment.urgency_message, emphasis=True)] if assessment.urgency_message else []
    )
    raised = [note for note in assessment.messages if note.urgency is not None]
    if assessment.red_flags or raised:
        blocks.append(
            items(
                [
                    Item(
                        flag.message,
                        (
                            words(
                                "You said {said} to: {question}",
                                said=words("not sure") if flag.unsure else words("yes"),
                                question=" ".join(flag.question_text.split()),
                            ),
                        ),
                        source_names(assessment, flag.sources),
                    )
                    for flag in assessment.red_flags
                ]
                + [Item(note.text, (), source_names(assessment, note.sources)) for note in raised]
            )
        )
    return Section(
        words("How soon to act: {title}", title=urgency_title(assessment.urgency, words)),
        tuple(blocks),
        urgent=assessment.urgency is not Urgency.ROUTINE,
    )
