"""The clinician's page: who and why, warning signs, history, medicines and scores.

Made to be taken in within 30 seconds; built from the blocks in `document.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from spinecheck.assessment.actions import needs_action, needs_action_text
from spinecheck.assessment.report import Assessment, SummaryInfo
from spinecheck.medicines.matching import MedicineMatch
from spinecheck.questionnaire.answering import describe_answer
from spinecheck.questionnaire.clinic import clinic_questions, clinic_rules
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.languages import language_in_words
from spinecheck.questionnaire.model import Questionnaire, Urgency
from spinecheck.render.document import (
    Block,
    Document,
    Item,
    Section,
    items,
    name_and_stand_in,
    on_pages,
    page_footer,
    page_header,
    paragraph,
    readable_date,
    source_names,
    table,
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
    missing = [name.lower() for name, value in rows if value == "not asked"]
    rows = [row for row in rows if row[1] != "not asked"]
    if len(missing) > 1:  # what was not asked is one line, not a row each
        rows.append(("Not asked", ", ".join(missing)))
    elif missing:
        rows.append((missing[0].capitalize(), "not asked"))
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
    positives = (found[:1].upper() + found[1:] + ".") if found else NO_SIGNS
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
    if not a("pain_areas") and not a("pain_duration"):
        return "Pain history not asked" + (" (the walk stopped at a warning sign)." if
                                           assessment.walk_stopped else ".")  # fmt: skip
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


def _age_and_sex(answers: Mapping[str, AnswerValue], info: SummaryInfo) -> str:
    """'52, female': the age answered and the sex given (contract 1.2), either may be absent."""
    patient = info.patient or {}
    sex = patient.get("sex", "")
    sex = "" if sex == "unknown" else "another sex" if sex == "other" else sex
    if patient.get("sex_on_record"):  # the records say otherwise: said where it is read
        sex = f"{sex or 'sex not given'} (records say {patient['sex_on_record']}: check)"
    age = answers.get("age")
    parts = [f"age {age}" if isinstance(age, int) else "", sex]
    return ", ".join(part for part in parts if part)


def _clinic_questions(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> list[tuple[str, str]]:
    """The clinic's own questions that were answered, by short name.

    Warning signs and the medicine list have their own places on the page.
    """
    return [
        (question.title(), describe_answer(question, answers[question.id], clinical=True))
        for question in clinic_questions(questionnaire)
        if question.id in answers and question.warning is None and not question.autocomplete
    ]


def _clinic_reasons(assessment: Assessment, own_rules: frozenset[str]) -> str:
    """Each suggestion a clinic's own rules made, with their reasons in full and sources."""
    found = []
    for entry in (*assessment.specialists, *assessment.options):
        picked = [
            (reason, sources)
            for reason, sources, rule in zip(
                entry.reasons, entry.reason_sources, entry.reason_rules, strict=True
            )
            if rule in own_rules
        ]
        if picked:
            cited = source_names(assessment, [s for _, sources in picked for s in sources])
            reasons = " ".join(reason for reason, _ in picked)
            found.append(f"{_clinical_label(entry.label)}: {reasons} ({cited})")
    return "; ".join(found)


NO_SIGNS = "No warning signs."

NEEDS_ACTION = "Needs action before the visit"
"""The heading of the clinician page's action list, and of the day list's column."""


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
    actions = needs_action(assessment, questionnaire)  # the day list's column says exactly these
    sections = [
        Section(
            f"Urgency: {assessment.urgency.value.replace('_', ' ').upper()}",
            (
                *(
                    (paragraph(f"{NEEDS_ACTION}: {needs_action_text(actions)}.", emphasis=True),)
                    if actions
                    else ()
                ),
                *(paragraph(f"Read with a change: {note}.", emphasis=True) for note in info.notes),
                # "No warning signs." runs into what was denied: one line less, nothing lost
                *(
                    (paragraph(positives, emphasis=True), paragraph(negatives))
                    if positives != NO_SIGNS and negatives
                    else (paragraph(f"{positives} {negatives}".strip(), emphasis=not negatives),)
                ),
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
            (table(("", ""), [r for r in pain_rows if r[1].strip(" /-")]),),
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
    # grouped by class (opioids first, as the medicine index orders them; names not
    # recognised last), and only the medicines a flag names in bold: a list of 12 read in 30 s
    rank = {c: i for i, c in enumerate(labels)}
    grouped = sorted(
        assessment.medications,
        key=lambda m: min((rank[c] for c in m.classes if c in rank), default=len(rank)),
    )
    flagged = {name for flag in assessment.medication_flags for name in flag.medications}
    medicine_rows = [
        (
            m.as_typed,
            _read_as(m, region_word),
            ", ".join(labels.get(c, c) for c in m.classes if c != "other") or "-",
        )
        for m in grouped
    ]
    strong = frozenset(i for i, m in enumerate(grouped) if m.as_typed in flagged)
    blocks: list[Block] = []
    if medicine_rows:
        blocks.append(table(("As typed", "Recognised as", "Classes"), medicine_rows, strong=strong))
    else:
        blocks.append(paragraph("No medicines listed."))
    own_rules = clinic_rules(questionnaire)
    if assessment.medication_flags:
        blocks.append(
            items(
                [
                    Item(
                        f"{region_word(f.label)}: {', '.join(f.medications)} "
                        f"({source_names(assessment, f.sources)})",
                        # why a clinic's own rule raised it, in full
                        tuple(
                            reason
                            for reason, rule in zip(f.reasons, f.reason_rules, strict=True)
                            if rule in own_rules
                        ),
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
    clinic = _clinic_questions(questionnaire, answers)
    if clinic:
        sections.append(Section("Clinic questions", (table(("", ""), clinic),)))

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
    why = _clinic_reasons(assessment, own_rules)
    if why:  # a clinic's own rule says why in full: the built-in ones are in `spinecheck rules`
        suggested.append(("Clinic rules", why))
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
        sections = [
            sections[0],
            action,
            *([background] if history else []),
            before_procedure,
        ]
        sections.append(medicines)
    # the top lines say who and why: the header gives name, age and sex, and visit; the first
    # line under the title the presenting complaint (kept on an emergency page too)
    subtitle = _presenting_complaint(assessment, a)
    if info.answered_at:
        subtitle += f" Pre-visit summary, answered {readable_date(info.answered_at)}."
    if info.language and info.language.split("-")[0] != questionnaire.language:
        # the page is in the questionnaire's own language; what the patient typed is not
        subtitle += (
            f" Patient answered in {language_in_words(info.language)}: typed text is shown as "
            "the patient wrote it."
        )
    return Document(
        title=questionnaire.title,
        subtitle=subtitle,
        urgency=assessment.urgency,
        sections=tuple(sections),
        # whose answers and when are in every page's header
        footer=page_footer(
            assessment,
            SummaryInfo(printed_at=info.printed_at, answered_version=info.answered_version),
        )
        + " Decision support for a conversation, not a diagnosis.",
        audience="clinician",
        header=page_header(info, answers.get("age"), who=_age_and_sex(answers, info)),
        names=name_and_stand_in(info),
    )
