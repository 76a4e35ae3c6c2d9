"""The content of a summary as plain data, built once and then drawn by every output format.

Each format (terminal, text, Markdown, HTML, PDF) draws the same `Document`, so what a summary
says is decided here only. Text typed by the patient stays raw here; each format escapes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from spinecheck.assessment.report import Assessment, Recommendation, SummaryInfo
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


def paragraph(text: str, *, emphasis: bool = False) -> Block:
    """A paragraph block."""
    return Block("paragraph", text=text, emphasis=emphasis)


def items(entries: list[Item]) -> Block:
    """A list block."""
    return Block("items", items=tuple(entries))


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> Block:
    """A table block."""
    return Block("table", header=header, rows=tuple(rows))


def _sources(assessment: Assessment, ids: list[str] | tuple[str, ...]) -> str:
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


def _footer(assessment: Assessment, info: SummaryInfo) -> str:
    parts = [
        f"Questionnaire {assessment.questionnaire_id} version {assessment.questionnaire_version}"
    ]
    if info.answered_at:
        parts.append(f"answered {info.answered_at}")
    if info.source:
        parts.append(f"from {info.source}")
    if assessment.region:
        parts.append(f"contacts for {assessment.region}")
    return "; ".join(parts) + "."


def urgency_section(assessment: Assessment) -> Section:
    """How soon to act, and the warning signs answered yes (first in every patient summary)."""
    blocks = (
        [paragraph(assessment.urgency_message, emphasis=True)] if assessment.urgency_message else []
    )
    if assessment.red_flags:
        blocks.append(
            items(
                [
                    Item(
                        flag.message,
                        (f"You said yes to: {' '.join(flag.question_text.split())}",),
                        _sources(assessment, flag.sources),
                    )
                    for flag in assessment.red_flags
                ]
            )
        )
    return Section(
        f"How soon to act: {URGENCY_TITLES[assessment.urgency]}",
        tuple(blocks),
        urgent=assessment.urgency is not Urgency.ROUTINE,
    )


def _recommendations(
    assessment: Assessment, questionnaire: Questionnaire, entries: list[Recommendation]
) -> Block:
    built = []
    for entry in entries:
        lines = list(entry.reasons)
        said = []
        for evidence in entry.evidence:
            question = questionnaire.question(evidence.question)
            name = question.title() if question else evidence.question
            said.append(f"{name}: {evidence.answer}")
        if said:
            lines.append("Because you said: " + "; ".join(said) + ".")
        title = entry.label + (f" - {entry.about}" if entry.about else "")
        built.append(Item(title, tuple(lines), _sources(assessment, entry.sources)))
    return items(built)


def _scores(assessment: Assessment) -> list[Item]:
    built = []
    for score in assessment.scores.values():
        if score.value is None:
            continue
        value = f"{score.value:g}" + (f" of {score.maximum:g}" if score.maximum else "")
        lines = []
        if score.band:
            lines.append(f"Range: {score.band}.")
        if score.positive is not None:
            lines.append(
                "At or above the cut-off: worth talking about with your clinician."
                if score.positive
                else "Below the cut-off."
            )
        if score.note:
            lines.append(score.note)
        if score.modelled_on:
            lines.append(f"Modelled on {score.modelled_on}.")
        built.append(
            Item(f"{score.label}: {value}", tuple(lines), _sources(assessment, score.sources))
        )
    return built


def build_patient(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    info: SummaryInfo | None = None,
) -> Document:
    """The patient's summary: what to do and how soon first, then whom to see and why."""
    info = info or SummaryInfo()
    sections = [urgency_section(assessment)]
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
                    (_recommendations(assessment, questionnaire, assessment.specialists),),
                )
            )
        if assessment.options:
            sections.append(
                Section(
                    "Options to discuss with your clinician",
                    (_recommendations(assessment, questionnaire, assessment.options),),
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
                                flag.label,
                                ("Medicines: " + ", ".join(flag.medications), flag.message),
                                _sources(assessment, flag.sources),
                            )
                            for flag in assessment.medication_flags
                        ]
                    ),
                ),
            )
        )
    unknown = [m.as_typed for m in assessment.medications if not m.recognized]
    if unknown:
        sections.append(
            Section(
                "Ask your pharmacist to check these",
                (
                    paragraph("We did not recognise these names, so we could not check them:"),
                    items([Item(name) for name in unknown]),
                ),
            )
        )
    if assessment.urgency is not Urgency.EMERGENCY:
        scores = _scores(assessment)
        if scores:
            sections.append(Section("Your scores", (items(scores),)))
        if assessment.preparation:
            sections.append(
                Section(
                    "How to prepare for your visit",
                    (items([Item(n.text, checkbox=True) for n in assessment.preparation]),),
                )
            )
    if assessment.messages:
        sections.append(
            Section("Good to know", (items([Item(n.text) for n in assessment.messages]),))
        )
    sections.append(Section("Please note", (paragraph(STANDING_NOTE),)))
    return Document(
        title=questionnaire.title,
        subtitle="Your summary to take to your visit",
        urgency=assessment.urgency,
        sections=tuple(sections),
        footer=_footer(assessment, info),
    )


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
    rows = [("Blood thinner", thinner), ("Allergies", allergies)]
    return Section(
        "Before any procedure", (table(("", ""), rows),), urgent=bool(thinners) or said == "Yes"
    )


def build_clinician(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    info: SummaryInfo | None = None,
) -> Document:
    """The clinician's pre-visit page: dense, every answer that matters, on one printed page."""
    info = info or SummaryInfo()

    def a(qid: str) -> str:
        return _answer(questionnaire, answers, qid)

    flags = "; ".join(f"{f.id} ({f.urgency.value})" for f in assessment.red_flags) or "none"
    sections = [
        Section(
            f"Urgency: {assessment.urgency.value.replace('_', ' ').upper()}",
            (
                paragraph(f"Warning signs answered yes: {flags}.", emphasis=True),
                *(
                    paragraph(
                        f"Urgency raised ({note.urgency.value.replace('_', ' ')}): {note.text}"
                    )
                    for note in assessment.messages
                    if note.urgency is not None
                ),
            ),
            urgent=assessment.urgency is not Urgency.ROUTINE,
        )
    ]
    before_procedure = _before_any_procedure(assessment, a)
    sections.append(before_procedure)
    ibp = [q for q in questionnaire.questions if q.id.startswith("ibp_") and q.id in answers]
    phase = f" ({assessment.pain_phase.value})" if assessment.pain_phase else ""
    radiation = [a("leg_pain_below_knee") or "not asked", a("arm_pain_below_elbow") or "not asked"]
    trio = ("pain_average", "interference_enjoyment", "interference_activity")
    pain_rows = [
        ("Areas", a("pain_areas")),
        ("Duration", a("pain_duration") + phase),
        ("Trend", a("pain_trend")),
        ("Flare-up", a("flare_up")),
        ("Below knee / elbow", " / ".join(radiation)),
        ("Numbness/tingling", a("numbness_tingling")),
        ("Worst / side", " / ".join(x for x in (a("worst_pain"), a("pain_side")) if x)),
        ("Walking before leg pain stops", a("walking_distance")),
        ("Pain avg / enjoyment / activity", " / ".join(str(answers.get(q, "-")) for q in trio)),
    ]
    pain = assessment.scores.get("pain_interference")
    if pain is not None and pain.value is not None:
        pain_rows.append(
            ("Pain/interference score", f"{pain.value:g} of 10 (mean of 3; PEG-style)")
        )
    if ibp:
        count = sum(1 for q in ibp if answers.get(q.id) is True)
        pain_rows.append(("Inflammatory features", f"{count} of 5 (ASAS: 4 or more)"))
    sections.append(
        Section("Pain", (table(("", ""), [r for r in pain_rows if r[1].strip(" /-")]),))
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

    medicine_rows = [
        (
            m.as_typed,
            (
                ", ".join(m.generic_names)
                + (" (spelling corrected)" if m.fuzzy else "")
                + ("" if m.taking else " - NOT TAKEN")
            )
            if m.recognized
            else "NOT RECOGNISED - check",
            ", ".join(m.classes),
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
                    Item(f"{f.id}: {', '.join(f.medications)} ({_sources(assessment, f.sources)})")
                    for f in assessment.medication_flags
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
                        _sources(assessment, [estimate.source]),
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
        (title, "; ".join(r.label for r in entries))
        for title, entries in (
            ("Specialists", assessment.specialists),
            ("Options", assessment.options),
        )
        if entries
    ]
    if suggested:
        sections.append(
            Section(
                "Suggested for discussion (reasons and sources: see the patient summary)",
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
                    _sources(assessment, flag.sources),
                )
                for flag in assessment.red_flags
            ]
        )
        action = Section(
            "What to do now",
            (paragraph(assessment.urgency_message, emphasis=True), signs),
            urgent=True,
        )
        sections = [sections[0], action, before_procedure, medicines]
    subtitle = "Pre-visit summary for the clinician"
    if info.answered_at:
        subtitle += f" - answered {info.answered_at}"
    return Document(
        title=questionnaire.title,
        subtitle=subtitle,
        urgency=assessment.urgency,
        sections=tuple(sections),
        footer=_footer(assessment, info) + " Decision support for a conversation, not a diagnosis.",
        audience="clinician",
    )
