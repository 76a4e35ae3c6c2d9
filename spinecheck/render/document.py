"""The content of a summary as plain data, built once and then drawn by every output format.

Each format (terminal, text, Markdown, HTML, PDF) draws the same `Document`, so what a summary
says is decided here only. Text typed by the patient stays raw here; each format escapes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple

from spinecheck.answers.dates import age_on
from spinecheck.assessment.report import Assessment, Recommendation, SummaryInfo
from spinecheck.assessment.scoring import meaning
from spinecheck.medicines.matching import MedicineMatch
from spinecheck.questionnaire.answering import describe_answer
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import Questionnaire, Urgency

URGENCY_TITLES = {
    Urgency.EMERGENCY: "EMERGENCY: get help now",
    Urgency.SAME_DAY: "Speak to a clinician today",
    Urgency.SOON: "Book an appointment within days",
    Urgency.ROUTINE: "No warning signs in your answers",
}

STANDING_NOTE = (
    "This summary helps you prepare for a conversation with a clinician. It is not a diagnosis "
    "and does not replace medical advice. If a warning sign starts, get help quickly."
)


class Item(NamedTuple):
    """A bullet: a title and its lines (reasons, medicines, what to do) and sources."""

    title: str
    lines: tuple[str, ...] = ()
    sources: str = ""
    checkbox: bool = False


class Block(NamedTuple):
    """One part of a section: a paragraph, a list of items, or a table of rows."""

    kind: str
    """'paragraph', 'items' or 'table'."""
    text: str = ""
    items: tuple[Item, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    header: tuple[str, ...] = ()
    emphasis: bool = False


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


URGENCY_BANNERS = {
    "emergency": "EMERGENCY",
    "same_day": "SAME DAY: speak to a clinician today",
    "soon": "SOON: within the next few days",
    "routine": "Routine",
}
"""The urgency banner's words; each format gives each level its own shape and weight, so the
levels differ in greyscale, not by colour alone."""


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def readable_date(text: str, *, with_time: bool = True) -> str:
    """An ISO date or date-time as a person reads it: "3 Dec 2026", "3 Dec 2026, 09:30".

    A time with an offset is shown in this machine's local time, so a clinic reads its own clock,
    not raw UTC. Text that is no ISO date is returned as it was given.
    """
    from datetime import date, datetime

    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone()
        except (OverflowError, ValueError, OSError):  # year 1 or 9999: kept in its own offset
            pass
    shown = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
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


def page_header(info: SummaryInfo, stated_age: object = None) -> str:
    """Name, date of birth, identifier, visit and answered date, leaving out what is absent.

    Without a name or an identifier the answer file's path is given, so a printed page can
    still be matched to its file. An age answer that the date of birth contradicts is said
    next to it, on every page, for the clinician to check.
    """
    patient, visit = info.patient or {}, info.visit or {}
    parts = [patient.get("name", "")]
    if patient.get("birth_date"):
        born = f"born {readable_date(patient['birth_date'])}"
        years = age_on(patient["birth_date"], visit.get("date") or info.answered_at)
        if isinstance(stated_age, int) and years is not None and abs(years - stated_age) > 1:
            born += f" (age {years}, but {stated_age} was answered: check)"
        parts.append(born)
    parts.append(patient.get("identifier", ""))
    if not patient.get("name") and not patient.get("identifier") and info.source:
        parts.append(f"answers: {info.source}")
    when = ", ".join(x for x in (readable_date(visit.get("date", "")), visit.get("time", "")) if x)
    seen_by = visit.get("clinician", "")
    place = visit.get("location", "")
    if when or seen_by or place:
        text = "visit " + when if when else "visit"
        text += f" with {seen_by}" if seen_by else ""
        text += f", {place}" if place else ""
        parts.append(text)
    if info.answered_at:
        parts.append(f"answered {readable_date(info.answered_at, with_time=False)}")
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


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> Block:
    """A table block."""
    return Block("table", header=header, rows=tuple(rows))


def source_names(assessment: Assessment, ids: list[str] | tuple[str, ...]) -> str:
    """The short names of sources by id ("ACP 2017, NICE NG59"), each once."""
    names = []
    for source_id in ids:
        source = assessment.sources.get(source_id) or {}
        names.append(source.get("short") or source_id)
    return ", ".join(dict.fromkeys(n for n in names if n))


def _answer(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], qid: str) -> str:
    question = questionnaire.question(qid)
    if question is None or qid not in answers:
        return ""
    return describe_answer(question, answers[qid])


def _footer(assessment: Assessment, info: SummaryInfo, *, for_patient: bool = False) -> str:
    """When and from what the page was made; the patient's page names no internal ids."""
    parts = []
    if not for_patient:  # questionnaire ids and file names are for the clinic
        parts.append(
            f"Questionnaire {assessment.questionnaire_id} "
            f"version {assessment.questionnaire_version}"
        )
    if info.answered_at:
        parts.append(f"answered {readable_date(info.answered_at)}")
    if info.printed_at:
        parts.append(f"printed {readable_date(info.printed_at)}")
    if info.source and not for_patient:
        parts.append(f"from {info.source}")
    if assessment.region:
        parts.append(f"contacts for {assessment.region}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "." if text else ""


def urgency_section(assessment: Assessment) -> Section:
    """How soon to act, and the warning signs answered yes (first in every patient summary)."""
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
                            f"You said {'not sure' if flag.unsure else 'yes'} to: "
                            + " ".join(flag.question_text.split()),
                        ),
                        source_names(assessment, flag.sources),
                    )
                    for flag in assessment.red_flags
                ]
                + [Item(note.text, (), source_names(assessment, note.sources)) for note in raised]
            )
        )
    return Section(
        f"How soon to act: {URGENCY_TITLES[assessment.urgency]}",
        tuple(blocks),
        urgent=assessment.urgency is not Urgency.ROUTINE,
    )


FULL_RECOMMENDATIONS = 2
"""How many specialists, and how many options, a patient's summary explains in full. The rest
get their first reason and the answers behind it, so a typical summary prints on two pages while
every recommendation still names its reason and its source."""

_SENTENCE = re.compile(r"(.+?[.!?])(?=\s+[A-Z(]|$)", re.DOTALL)


def _first_sentence(text: str) -> str:
    found = _SENTENCE.match(text.strip())
    return found.group(1) if found else text.strip()


def _you_said(
    questionnaire: Questionnaire, entry: Recommendation, reasons: str, *, lead: str
) -> str:
    """The answers behind an item that its reason does not already quote."""
    said = []
    for evidence in entry.evidence:
        if evidence.answer.lower() in reasons.lower():
            continue  # the reason already quotes this answer
        question = questionnaire.question(evidence.question)
        name = question.title() if question else evidence.question
        said.append(f"{name}: {evidence.answer}")
    return f"{lead} " + "; ".join(said) + "." if said else ""


def _recommendations(
    assessment: Assessment,
    questionnaire: Questionnaire,
    entries: list[Recommendation],
    others: str,
) -> tuple[Block, ...]:
    """The first few in full (every reason, one paragraph); the rest as their first reason."""
    full, brief = [], []
    # one left over is shown in full: a list of one is no shorter
    shown = FULL_RECOMMENDATIONS if len(entries) > FULL_RECOMMENDATIONS + 1 else len(entries)
    for entry in entries[:shown]:
        reasons = " ".join(entry.reasons)
        said = _you_said(questionnaire, entry, reasons, lead="Because you said:")
        title = entry.label + (f" - {entry.about}" if entry.about else "")
        text = " ".join(x for x in (reasons, *entry.cautions, said) if x)
        full.append(Item(title, (text,) if text else (), source_names(assessment, entry.sources)))
    for entry in entries[shown:]:
        # the first sentence of the first reason, and every caution whole (a risk, a guideline
        # that disagrees, a blood-thinner warning); only the sources of what is shown are cited
        reason = _first_sentence(entry.reasons[0]) if entry.reasons else ""
        # a reason that starts from the patient ("Your answers match...") needs no answers after it
        about_you = re.match(r"Your?\b", reason) is not None
        said = "" if about_you else _you_said(questionnaire, entry, reason, lead="You said:")
        text = " ".join(x for x in (reason, *entry.cautions, said) if x)
        cited = [*(entry.reason_sources[0] if entry.reason_sources else entry.sources),
                 *entry.caution_sources]  # fmt: skip
        brief.append(Item(entry.label, (text,) if text else (), source_names(assessment, cited)))
    blocks = [items(full)]
    if brief:
        blocks += [paragraph(others, emphasis=True), items(brief)]
    return tuple(blocks)


def _scores(assessment: Assessment) -> tuple[Block, ...]:
    """One row per score with its range or cut-off, then what the scores are modelled on."""
    rows = []
    notes: list[str] = []  # a note shared by sub-scores of one instrument is given once
    for score in assessment.scores.values():
        if score.value is None:
            continue
        value = f"{score.value:g}" + (f" of {score.maximum:g}" if score.maximum else "")
        if meaning(score):
            value += f" ({meaning(score)})"
        rows.append((score.label, value, source_names(assessment, score.sources)))
        for note in (score.note, f"Modelled on {score.modelled_on}." if score.modelled_on else ""):
            if note and note not in notes:
                notes.append(note)
    if not rows:
        return ()
    notes_block = (paragraph(" ".join(notes)),) if notes else ()
    return (table(("Score", "Result", "Sources"), rows), *notes_block)


def build_patient(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    info: SummaryInfo | None = None,
) -> Document:
    """The patient's summary: what to do and how soon first, then whom to see and why."""
    info = on_pages(info or SummaryInfo())
    sections = [urgency_section(assessment)]
    support = [n for n in assessment.messages if n.id == "mood_support"]
    if support:  # the crisis line stands out, right after how soon to act
        sections.append(
            Section("If you are struggling", (paragraph(support[0].text),), urgent=True)
        )
    if assessment.urgency is not Urgency.EMERGENCY:
        brief = [
            (title, value)
            for title, value in (
                ("Where", _answer(questionnaire, answers, "pain_areas")),
                ("How long", _answer(questionnaire, answers, "pain_duration")
                 + (f" ({assessment.pain_phase.value})" if assessment.pain_phase else "")),
                ("Lately", _answer(questionnaire, answers, "pain_trend")),
                ("Average pain", _answer(questionnaire, answers, "pain_average")),
            )
            if value
        ]  # fmt: skip
        if brief:
            sections.append(Section("Your pain in brief", (table(("", ""), brief),)))
        if assessment.specialists:
            sections.append(
                Section(
                    "Who to talk to",
                    _recommendations(
                        assessment,
                        questionnaire,
                        assessment.specialists,
                        "Others you could ask about:",
                    ),
                )
            )
        if assessment.options:
            sections.append(
                Section(
                    "Options to discuss with your clinician",
                    _recommendations(
                        assessment, questionnaire, assessment.options, "More options to ask about:"
                    ),
                )
            )
    if assessment.medication_flags:
        sections.append(
            Section(
                "Medicines to raise with a clinician",
                (
                    items(
                        [
                            Item(
                                f"{flag.label}: " + ", ".join(flag.medications),
                                (flag.message,),
                                source_names(assessment, flag.sources),
                            )
                            if flag.medications
                            else Item(
                                flag.label, (flag.message,), source_names(assessment, flag.sources)
                            )
                            for flag in assessment.medication_flags
                        ]
                    ),
                ),
            )
        )
    unknown = [
        m.as_typed
        for m in assessment.medications
        if not m.recognized or m.partly or (m.taking and not m.generic_names)
    ]
    if unknown:
        sections.append(
            Section(
                "Ask your pharmacist to check these",
                (
                    paragraph(
                        "We could not read all of these names, so we could not check them all:"
                    ),
                    items([Item(name) for name in unknown]),
                ),
            )
        )
    if assessment.urgency is not Urgency.EMERGENCY:
        scores = _scores(assessment)
        if scores:
            sections.append(Section("Your scores", scores))
        if assessment.preparation:
            sections.append(
                Section(
                    "How to prepare for your visit",
                    (items([Item(n.text, checkbox=True) for n in assessment.preparation]),),
                )
            )
    notes = [n for n in assessment.messages if n.id != "mood_support" and n.urgency is None]
    if notes:  # plain paragraphs: only what must stand out is bold
        sections.append(Section("Good to know", tuple(paragraph(n.text) for n in notes)))
    sections.append(Section("Please note", (paragraph(STANDING_NOTE),)))
    return Document(
        title=questionnaire.title,
        subtitle="Your summary to take to your visit",
        urgency=assessment.urgency,
        sections=tuple(sections),
        footer=_footer(assessment, info, for_patient=True),
        header=page_header(info, answers.get("age")),
        names=name_and_stand_in(info),
    )


def _read_as(match: MedicineMatch, region_word: Callable[[str], str]) -> str:
    """How the clinician page says what one medicine was read as, and how sure that is."""
    if not match.recognized:
        return "NOT RECOGNISED - check"
    read = region_word(", ".join(match.generic_names)) or f"one of: {match.matched_name}"
    if match.fuzzy:
        read += " (spelling corrected)"
    if match.allergy:
        read += " - ALLERGY, not taken"
    elif not match.taking:
        read += " - NOT TAKEN"
    elif match.check:
        read += " - check with the patient"
    if match.partly:
        read += "; PARTLY RECOGNISED: another name in it is unknown"
    return read


def _tests_done(a: Callable[[str], str]) -> str:
    """Scans, nerve tests and whether the reports come, on one line."""
    scans = ", ".join(x for x in (a("scans_done"), a("scans_when")) if x)
    parts = [
        scans and f"scans: {scans}",
        a("nerve_tests_done") and f"EMG/nerve conduction: {a('nerve_tests_done')}",
        a("can_bring_reports") and f"can bring reports: {a('can_bring_reports')}",
    ]
    return "; ".join(part for part in parts if part)


def _before_any_procedure(assessment: Assessment, a: Callable[[str], str]) -> Section:
    """Blood thinners and allergies, shown before anything a procedure depends on."""
    thinners = [
        m.as_typed
        for m in assessment.medications
        if m.taking and {"anticoagulant", "antiplatelet"} & set(m.classes)
    ]
    said = a("blood_thinner") or "not asked"
    thinner = said + (f" (listed: {', '.join(thinners)})" if thinners else "")
    allergies = a("allergies") or "not asked"
    if a("allergy_details"):
        allergies += f" - {a('allergy_details')}"
    listed = [m.as_typed for m in assessment.medications if m.allergy]
    if listed:  # 'Allergies: morphine, codeine' typed in the medicine list
        allergies += f" (in the medicine list: {'; '.join(dict.fromkeys(listed))})"
    rows = [("Blood thinner", thinner), ("Allergies", allergies)]
    return Section(
        "Before any procedure", (table(("", ""), rows),), urgent=bool(thinners) or said == "Yes"
    )


def _history(a: Callable[[str], str]) -> list[tuple[str, str]]:
    """What an emergency team needs with the signs: age, conditions, recent procedures."""
    since = a("pain_since_surgery")
    surgery = ", ".join(x for x in (a("surgery_when"), since and f"since: {since}") if x)
    rows = [
        ("Age", a("age")),
        ("Conditions", a("conditions")),
        ("Began after a fall or injury", a("fall_or_injury")),
        ("Treatments tried", a("treatments_tried")),
        ("Spine surgery", surgery),
        ("Last injection or ablation", a("procedure_when")),
        ("Pain", ", ".join(x for x in (a("pain_duration"), a("pain_trend")) if x)),
    ]  # fmt: skip
    return [row for row in rows if row[1]]


def _held_back(assessment: Assessment) -> str:
    """What the gate table held back, grouped by the first gate that did.

    'recent spine surgery: spinal manipulation, massage'; on an urgent page, only a count for the
    urgent gate.
    """
    by_gate: dict[str, list[str]] = {}
    for item in assessment.withheld:
        if item.label and item.gates:
            by_gate.setdefault(item.gates[0], []).append(_lower_first(_clinical_label(item.label)))
    parts = []
    for gate, names in by_gate.items():
        label = assessment.gates.get(gate, gate)
        if gate == "urgent_path":  # everything but the urgent pathway: a count says enough
            parts.append(f"{label}: {len(names)} suggestions")
        else:
            parts.append(f"{label}: {', '.join(names)}")
    return "; ".join(parts)


def _lower_first(text: str) -> str:
    """'Exercise therapy' mid-list, but 'CBT' and 'MRI' keep their capitals."""
    return text if len(text) < 2 or text[1].isupper() else text[0].lower() + text[1:]


def _clinical_label(label: str) -> str:
    """A suggestion's name without the patient's 'Your' or 'A' ('Family doctor or GP')."""
    for start in ("Your ", "A ", "An "):
        if label.startswith(start):
            label = label[len(start) :]
            return label[:1].upper() + label[1:]
    return label


def _warning_signs(
    assessment: Assessment, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> tuple[str, str]:
    """Warning signs in clinical words, grouped by what they may point to, and the negatives.

    Positives and pertinent negatives never share a line (decision 20): 'Possible cauda equina
    syndrome: new bladder change.' then 'Denies: saddle numbness, new bowel change. Denies
    features of: spinal infection, ...' (signs not asked, as when the walk stopped at an
    emergency, are said so).
    """
    positive = {flag.id: flag for flag in assessment.red_flags}
    concerns: dict[str, list[str]] = {}
    denied: dict[str, list[str]] = {}  # signs answered no, by concern
    cleared: dict[str, bool] = {}  # concern -> every one of its signs answered no
    unasked = []
    for question in questionnaire.questions:
        sign = question.warning
        if sign is None:
            continue
        words = sign.clinical or question.short or question.id
        concern = sign.concern or words
        if question.id in positive:
            concerns.setdefault(concern, []).append(
                words + (" (unsure)" if positive[question.id].unsure else "")
            )
        if question.id not in answers:
            unasked.append(words)
        if answers.get(question.id) is False:
            denied.setdefault(concern, []).append(words)
        cleared[concern] = cleared.get(concern, True) and answers.get(question.id) is False
    found = "; ".join(f"{concern}: {', '.join(signs)}" for concern, signs in concerns.items())
    positives = (found[:1].upper() + found[1:] + ".") if found else "No warning signs."
    pertinent = [sign for concern in concerns for sign in denied.get(concern, [])]
    negative = [c.removeprefix("possible ") for c, clear in cleared.items() if clear]
    lines = []
    if pertinent:
        lines.append("Denies: " + ", ".join(pertinent) + ".")
    if negative:
        lines.append("Denies features of: " + ", ".join(negative) + ".")
    if unasked and assessment.walk_stopped:
        lines.append(
            f"Not asked: {len(unasked)} more warning signs (the walk stopped at the emergency)."
        )
    elif unasked:
        lines.append("Not asked: " + ", ".join(unasked) + ".")
    return positives, " ".join(lines)


def _presenting_complaint(assessment: Assessment, a: Callable[[str], str]) -> str:
    """One line: 'Chronic (more than a year) lower back, leg or foot pain, below the knee, ...'."""
    phase = assessment.pain_phase.value.capitalize() if assessment.pain_phase else ""
    duration = a("pain_duration").lower()
    parts = [" ".join(x for x in (phase, f"({duration})" if duration else "") if x)]
    parts[0] += f" {a('pain_areas').lower()} pain" if a("pain_areas") else " pain"
    spread = [
        text
        for qid, text in (
            ("leg_pain_below_knee", "below the knee"),
            ("arm_pain_below_elbow", "below the elbow"),
        )
        if a(qid) == "yes"
    ]
    if spread:
        parts.append("spreading " + " and ".join(spread))
    for qid in ("pain_side", "worst_pain"):
        if a(qid):
            parts.append(("worst " if qid == "worst_pain" else "") + a(qid).lower())
    if a("pain_trend"):
        parts.append(a("pain_trend").lower())
    if a("flare_up") == "yes":
        parts.append("a flare-up of a long-standing problem")
    if value := a("pain_average"):
        parts.append(f"average {value.replace(' out of ', '/')}")
    if a("numbness_tingling") == "yes":
        parts.append("numbness or tingling")
    return ", ".join(part for part in parts if part.strip()) + "."


def build_clinician(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    info: SummaryInfo | None = None,
) -> Document:
    """The clinician's pre-visit page: dense, every answer that matters, on one printed page."""
    info = on_pages(info or SummaryInfo())

    def a(qid: str) -> str:
        question = questionnaire.question(qid)
        if question is None or qid not in answers:
            return ""
        return describe_answer(question, answers[qid], clinical=True)

    positives, negatives = _warning_signs(assessment, questionnaire, answers)
    sections = [
        Section(
            f"Urgency: {assessment.urgency.value.replace('_', ' ').upper()}",
            (
                paragraph(positives, emphasis=True),
                *((paragraph(negatives),) if negatives else ()),
                *(
                    paragraph(
                        f"Urgency raised ({note.urgency.value.replace('_', ' ')}): {note.text}"
                    )
                    for note in assessment.messages
                    if note.urgency is not None
                ),
                *(
                    (paragraph(f"Contact today: {assessment.urgent_contact}.", emphasis=True),)
                    if assessment.urgent_contact
                    else ()
                ),
            ),
            urgent=assessment.urgency is not Urgency.ROUTINE,
        )
    ]
    before_procedure = _before_any_procedure(assessment, a)
    sections.append(before_procedure)
    ibp = [q for q in questionnaire.questions if q.id.startswith("ibp_") and q.id in answers]
    radiation = [a("leg_pain_below_knee") or "not asked", a("arm_pain_below_elbow") or "not asked"]
    trio = ("pain_average", "interference_enjoyment", "interference_activity")
    pain_rows = [
        ("Below knee / elbow", " / ".join(radiation)),
        ("Worst / side", " / ".join(x for x in (a("worst_pain"), a("pain_side")) if x)),
        ("Walking before leg pain stops", a("walking_distance")),
        ("Pain avg / enjoyment / activity", " / ".join(str(answers.get(q, "-")) for q in trio)),
    ]
    pain = assessment.scores.get("pain_interference")
    if pain is not None and pain.value is not None:
        trio_row = pain_rows.pop()
        score = f" (score {pain.value:g} of 10: mean of 3, PEG-style)"
        pain_rows.append((trio_row[0], trio_row[1] + score))
    if ibp:
        count = sum(1 for q in ibp if answers.get(q.id) is True)
        pain_rows.append(("Inflammatory features", f"{count} of 5 (ASAS: 4 or more)"))
    sections.append(
        Section(
            "Pain",
            (
                paragraph(_presenting_complaint(assessment, a), emphasis=True),
                table(("", ""), [r for r in pain_rows if r[1].strip(" /-")]),
            ),
        )
    )

    since = a("pain_since_surgery")
    surgery = [x for x in (a("surgery_when"), since and f"pain since: {since}") if x]
    treatment_rows = [
        ("Tried", a("treatments_tried")),
        ("Physical therapy", a("physical_therapy_result")),
        ("Exercise program", a("exercise_program_result")),
        ("Chiropractic", a("chiropractic_result")),
        ("Talking therapy", a("psychological_therapy_result")),
        ("Injections", a("injection_result")),
        ("Spine surgery", ", ".join(surgery)),
        ("Tests done", _tests_done(a)),
    ]
    treatment_rows = [r for r in treatment_rows if r[1]]
    if treatment_rows:
        sections.append(Section("Treatments", (table(("", ""), treatment_rows),)))

    from spinecheck.medicines.matching import default_index

    name = assessment.terms.get("acetaminophen_name", "acetaminophen")

    def region_word(text: str) -> str:  # 'paracetamol' in the UK, never 'acetaminophen' first
        if name == "acetaminophen":
            return text
        return re.sub(r"acetaminophen(?: \(paracetamol\))?", name, text, flags=re.I)

    labels = {k: region_word(v) for k, v in default_index().class_labels.items()}
    medicine_rows = [
        (
            m.as_typed,
            _read_as(m, region_word),
            ", ".join(labels.get(c, c) for c in m.classes if c != "other") or "-",
        )
        for m in assessment.medications
    ]
    blocks: list[Block] = []
    if medicine_rows:
        blocks.append(table(("As typed", "Recognised as", "Classes"), medicine_rows))
    else:
        blocks.append(paragraph("No medicines listed."))
    if assessment.medication_flags:
        blocks.append(
            items(
                [
                    Item(
                        f"{region_word(f.label)}: {', '.join(f.medications)} "
                        f"({source_names(assessment, f.sources)})"
                    )
                    for f in assessment.medication_flags
                ]
            )
        )
    if assessment.acetaminophen is not None:
        daily = assessment.acetaminophen
        blocks.append(
            items(
                [
                    Item(
                        region_word("Acetaminophen (paracetamol) a day").capitalize(),
                        tuple(
                            region_word(text)
                            for text in (
                                *(line.working for line in daily.lines),
                                f"{daily.total_text()} {daily.limit_text()}",
                            )
                        ),
                        source_names(assessment, [daily.source]),
                    )
                ]
            )
        )
    if assessment.mme is not None:
        estimate = assessment.mme
        blocks.append(
            items(
                [
                    Item(
                        "Morphine milligram equivalents (MME/day)",
                        (
                            *(line.working for line in estimate.lines),
                            " ".join(
                                (
                                    estimate.total_text(),
                                    estimate.threshold_text(),
                                    estimate.caveat_text(),
                                )
                            ),
                        ),
                        source_names(assessment, [estimate.source]),
                    )
                ]
            )
        )
    medicines = Section("Medicines and flags", tuple(blocks))
    sections.append(medicines)

    height, weight = answers.get("height_cm"), answers.get("weight_kg")
    bmi = ""
    if isinstance(height, int) and isinstance(weight, int) and height > 0:
        bmi = f"{weight / (height / 100) ** 2:.1f}"
    mood = [
        f"{s.label} {s.value:g}{' (positive)' if s.positive else ''}"
        for key in ("mood_depression", "mood_anxiety")
        if (s := assessment.scores.get(key)) is not None and s.value is not None
    ]
    mood_total = assessment.scores.get("mood_check")
    if mood_total is not None and mood_total.value is not None:  # as the patient sees it
        band = f", {mood_total.band}" if mood_total.band else ""
        maximum = f" of {mood_total.maximum:g}" if mood_total.maximum else ""
        mood.insert(0, f"total {mood_total.value:g}{maximum}{band}")
    drinks = a("alcohol_per_week")
    habits = [x for x in (a("smoking"), drinks and f"alcohol: {drinks.lower()} a week") if x]
    health_rows = [
        ("Age", a("age")),
        ("BMI", f"{bmi} ({a('height_cm')}, {a('weight_kg')})" if bmi else ""),
        ("Conditions", a("conditions")),
        ("Smoking / alcohol", " / ".join(habits)),
        ("Work", a("work_status")),
        ("Mood (PHQ-4-style, cut-off 3)", "; ".join(mood)),
        ("Substance-use concern", a("substance_concern")),
    ]
    health_rows = [r for r in health_rows if r[1]]
    if health_rows:
        sections.append(Section("Health and daily life", (table(("", ""), health_rows),)))

    own = [("Goals", a("goals")), ("Questions", a("questions_for_clinician"))]
    if any(v for _, v in own):
        sections.append(
            Section("In the patient's words", (table(("", ""), [r for r in own if r[1]]),))
        )

    suggested = [
        (
            title,
            "; ".join(
                f"{_clinical_label(r.label)} ({source_names(assessment, r.sources)})"
                for r in entries
            ),
        )
        for title, entries in (
            ("Specialists", assessment.specialists),
            ("Options", assessment.options),
        )
        if entries
    ]
    held = _held_back(assessment)
    if held:
        suggested.append(("Held back", held))
    if suggested:
        sections.append(
            Section(
                "Suggested for discussion (guideline sources in brackets)",
                (table(("", ""), suggested),),
            )
        )
    if assessment.urgency is Urgency.EMERGENCY:
        # Only what to do now and why (decision 7), with what an emergency team needs first.
        signs = items(
            [
                Item(
                    flag.message,
                    (f"Answered yes: {flag.question_text}",),
                    source_names(assessment, flag.sources),
                )
                for flag in assessment.red_flags
            ]
        )
        action = Section(
            "What to do now",
            (paragraph(assessment.urgency_message, emphasis=True), signs),
            urgent=True,
        )
        history = _history(a)
        background = Section("History that bears on it", (table(("", ""), history),))
        sections = [sections[0], action, *([background] if history else []), before_procedure]
        sections.append(medicines)
    subtitle = "Pre-visit summary for the clinician"
    if info.answered_at:
        subtitle += f" - answered {readable_date(info.answered_at)}"
    return Document(
        title=questionnaire.title,
        subtitle=subtitle,
        urgency=assessment.urgency,
        sections=tuple(sections),
        # whose answers and when are in every page's header
        footer=_footer(assessment, SummaryInfo(printed_at=info.printed_at))
        + " Decision support for a conversation, not a diagnosis.",
        audience="clinician",
        header=page_header(info, answers.get("age")),
        names=name_and_stand_in(info),
    )


class DayEntry(NamedTuple):
    """One patient of a day's list, or an answer file that could not be read."""

    info: SummaryInfo
    assessment: Assessment | None
    """None for a file that could not be read."""
    questionnaire: Questionnaire | None = None
    answers: Mapping[str, AnswerValue] | None = None
    problem: str = ""


_ACTION_FLAGS = {
    "blood_thinner_before_procedure": "blood thinner",
    "opioid_benzodiazepine": "opioid with a sedative",
}
"""Medicine flags a clinic must act on before the visit, in the day list's words."""


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
    assessment, questionnaire = entry.assessment, entry.questionnaire
    if assessment is None or questionnaire is None:
        return "could not be read: " + entry.problem
    needs = []
    if assessment.red_flags:
        shorts = []
        for flag in assessment.red_flags:
            question = questionnaire.question(flag.id)
            shorts.append(question.short if question is not None and question.short else flag.id)
        needs.append("warning signs: " + ", ".join(shorts))
    needs += [_ACTION_FLAGS[f.id] for f in assessment.medication_flags if f.id in _ACTION_FLAGS]
    return "; ".join(needs) or "-"


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
            (table(("Visit", "Patient", "Urgency", "Needs action before the visit"), rows),),
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
