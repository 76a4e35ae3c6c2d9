"""The patient's summary: what to do and when, whom to see and why, in plain words."""

from __future__ import annotations

import re
from collections.abc import Mapping

from spinecheck.assessment.report import Assessment, Recommendation, SummaryInfo
from spinecheck.assessment.scoring import meaning
from spinecheck.questionnaire.answering import describe_answer
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import PainPhase, Questionnaire, Urgency
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
    source_names,
    table,
    urgency_section,
)
from spinecheck.words import Words, words_for

STANDING_NOTE = (
    "This summary helps you prepare for a conversation with a clinician. It is not a diagnosis "
    "and does not replace medical advice. If a warning sign starts, get help quickly."
)


def _answer(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], qid: str) -> str:
    question = questionnaire.question(qid)
    if question is None or qid not in answers:
        return ""
    return describe_answer(question, answers[qid], words=words_for(questionnaire.language))


FULL_RECOMMENDATIONS = 2
"""How many specialists, and how many options, a patient's summary explains in full. The rest
get their first reason and the answers behind it, so a typical summary prints on two pages while
every recommendation still names its reason and its source. A rule with `prominence: full`
raises its suggestion into the full list, wherever it comes."""


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


def _phase(phase: PainPhase | None, words: Words) -> str:
    """The pain's phase in the patient's words ('(chronic)'), or ''."""
    if phase is PainPhase.ACUTE:
        return " " + words("(acute)")
    if phase is PainPhase.SUBACUTE:
        return " " + words("(subacute)")
    if phase is PainPhase.CHRONIC:
        return " " + words("(chronic)")
    return ""


def _recommendations(
    assessment: Assessment,
    questionnaire: Questionnaire,
    entries: list[Recommendation],
    others: str,
) -> tuple[Block, ...]:
    """The first few in full (every reason, one paragraph); the rest as their first reason.

    A suggestion a rule asks for in full (`prominence: full`) joins the first, in its order.
    """
    words = words_for(questionnaire.language)
    full, brief = [], []
    in_full: list[Recommendation] = []
    rest: list[Recommendation] = []
    for position, entry in enumerate(entries):
        (in_full if position < FULL_RECOMMENDATIONS or entry.in_full else rest).append(entry)
    if len(rest) < 2:  # one left over is shown in full: a list of one is no shorter
        in_full, rest = entries, []
    for entry in in_full:
        reasons = " ".join(entry.reasons)
        said = _you_said(questionnaire, entry, reasons, lead=words("Because you said:"))
        title = entry.label + (f" - {entry.about}" if entry.about else "")
        text = " ".join(x for x in (reasons, *entry.cautions, said) if x)
        full.append(Item(title, (text,) if text else (), source_names(assessment, entry.sources)))
    for entry in rest:
        # the first sentence of the first reason, and every caution whole (a risk, a guideline
        # that disagrees, a blood-thinner warning); only the sources of what is shown are cited
        reason = _first_sentence(entry.reasons[0]) if entry.reasons else ""
        # a reason that starts from the patient ("Your answers match...") needs no answers after it
        about_you = re.match(r"(Your?|Usted|Su|Sus)\b", reason) is not None
        said = "" if about_you else _you_said(questionnaire, entry, reason, lead=words("You said:"))
        text = " ".join(x for x in (reason, *entry.cautions, said) if x)
        cited = [*(entry.reason_sources[0] if entry.reason_sources else entry.sources),
                 *entry.caution_sources]  # fmt: skip
        brief.append(Item(entry.label, (text,) if text else (), source_names(assessment, cited)))
    blocks = [items(full)]
    if brief:
        blocks += [paragraph(others, emphasis=True), items(brief)]
    return tuple(blocks)


def _scores(assessment: Assessment, words: Words) -> tuple[Block, ...]:
    """One row per score with its range or cut-off, then what the scores are modelled on."""
    rows = []
    notes: list[str] = []  # a note shared by sub-scores of one instrument is given once
    for score in assessment.scores.values():
        if score.value is None:
            continue
        value = (
            words("{value} of {maximum}", value=f"{score.value:g}", maximum=f"{score.maximum:g}")
            if score.maximum
            else f"{score.value:g}"
        )
        if meaning(score, words):
            value += f" ({meaning(score, words)})"
        rows.append((score.label, value, source_names(assessment, score.sources)))
        modelled = (
            words("Modelled on {instrument}.", instrument=score.modelled_on)
            if score.modelled_on
            else ""
        )
        for note in (score.note, modelled):
            if note and note not in notes:
                notes.append(note)
    if not rows:
        return ()
    notes_block = (paragraph(" ".join(notes)),) if notes else ()
    header = (words("Score"), words("Result"), words("Sources"))
    return (table(header, rows), *notes_block)


def build_patient(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    info: SummaryInfo | None = None,
) -> Document:
    """The patient's summary: what to do and how soon first, then whom to see and why."""
    info = on_pages(info or SummaryInfo())
    words = words_for(questionnaire.language)
    sections = [urgency_section(assessment, words)]
    support = [n for n in assessment.messages if n.id == "mood_support"]
    if support:  # the crisis line stands out, right after how soon to act
        sections.append(
            Section(words("If you are struggling"), (paragraph(support[0].text),), urgent=True)
        )
    if assessment.urgency is not Urgency.EMERGENCY:
        brief = [
            (title, value)
            for title, value in (
                (words("Where"), _answer(questionnaire, answers, "pain_areas")),
                (words("How long"), _answer(questionnaire, answers, "pain_duration")
                 + _phase(assessment.pain_phase, words)),
                (words("Lately"), _answer(questionnaire, answers, "pain_trend")),
                (words("Average pain"), _answer(questionnaire, answers, "pain_average")),
            )
            if value
        ]  # fmt: skip
        if brief:
            sections.append(Section(words("Your pain in brief"), (table(("", ""), brief),)))
        if assessment.specialists:
            sections.append(
                Section(
                    words("Who to talk to"),
                    _recommendations(
                        assessment,
                        questionnaire,
                        assessment.specialists,
                        words("Others you could ask about:"),
                    ),
                )
            )
        if assessment.options:
            sections.append(
                Section(
                    words("Options to discuss with your clinician"),
                    _recommendations(
                        assessment,
                        questionnaire,
                        assessment.options,
                        words("More options to ask about:"),
                    ),
                )
            )
    if assessment.medication_flags:
        sections.append(
            Section(
                words("Medicines to raise with a clinician"),
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
                words("Ask your pharmacist to check these"),
                (
                    paragraph(
                        words(
                            "We could not read all of these names, so we could not check them all:"
                        )
                    ),
                    items([Item(name) for name in unknown]),
                ),
            )
        )
    if assessment.urgency is not Urgency.EMERGENCY:
        scores = _scores(assessment, words)
        if scores:
            sections.append(Section(words("Your scores"), scores))
        if assessment.preparation:
            sections.append(
                Section(
                    words("How to prepare for your visit"),
                    (items([Item(n.text, checkbox=True) for n in assessment.preparation]),),
                )
            )
    notes = [n for n in assessment.messages if n.id != "mood_support" and n.urgency is None]
    if notes:  # plain paragraphs: only what must stand out is bold
        sections.append(Section(words("Good to know"), tuple(paragraph(n.text) for n in notes)))
    read = tuple(
        paragraph(words("How your answers were read: {note}.", note=note)) for note in info.notes
    )
    sections.append(Section(words("Please note"), (paragraph(words(STANDING_NOTE)), *read)))
    document = Document(
        title=questionnaire.title,
        subtitle=words("Your summary to take to your visit"),
        urgency=assessment.urgency,
        sections=tuple(sections),
        footer=page_footer(assessment, info, for_patient=True, words=words),
        header=page_header(info, answers.get("age"), words=words),
        names=name_and_stand_in(info),
        language=words.language,
    )
    if words.language == "en":
        return document
    label = words("Sources")
    return document._replace(
        sections=tuple(
            section._replace(
                blocks=tuple(
                    block._replace(
                        items=tuple(i._replace(sources_label=label) for i in block.items)
                    )
                    for block in section.blocks
                )
            )
            for section in document.sections
        )
    )
