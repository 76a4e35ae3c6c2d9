"""A plain-text summary (80 columns, no escape codes) and the cleaning of untrusted text."""

from __future__ import annotations

import re
import textwrap

from spinecheck.model import Questionnaire, Urgency
from spinecheck.report import Assessment

WIDTH = 80

_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI sequences (colours, cursor moves)
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC sequences (titles, hyperlinks)
    r"|\x1b[@-_]?"  # other escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0/C1 controls except tab and newline
)

URGENCY_HEADINGS = {
    Urgency.EMERGENCY: "EMERGENCY: get help now",
    Urgency.SAME_DAY: "Speak to a clinician today",
    Urgency.SOON: "Book an appointment within days",
    Urgency.ROUTINE: "No warning signs found",
}


def clean(text: str) -> str:
    """Remove terminal control sequences from text a patient typed; what remains is shown as is."""
    return _CONTROL.sub("", text)


def to_text(assessment: Assessment, questionnaire: Questionnaire) -> str:
    """The patient summary as plain text, wrapped at 80 columns."""
    out: list[str] = []

    def heading(title: str) -> None:
        out.extend(["", title, "-" * len(title)])

    def para(text: str, indent: str = "", first: str | None = None) -> None:
        out.extend(
            textwrap.wrap(
                clean(text),
                WIDTH,
                initial_indent=first if first is not None else indent,
                subsequent_indent=indent,
            )
            or [indent.rstrip()]
        )

    out.append(clean(questionnaire.title))
    out.append("=" * min(WIDTH, len(out[0])))
    para(
        "This summary helps you prepare for a conversation with a clinician. It is not a diagnosis."
    )
    heading("How soon to act: " + URGENCY_HEADINGS[assessment.urgency])
    if assessment.urgency_message:
        para(assessment.urgency_message)
    for flag in assessment.red_flags:
        para(f"{flag.message} ({flag.urgency.value.replace('_', ' ')})", "    ", "  - ")
    if assessment.pain_phase is not None:
        heading("Your pain")
        para(
            f"Phase: {assessment.pain_phase.value} "
            "(acute under 4 weeks, subacute 4 to 12, chronic over 12)."
        )
    for title, items in (
        ("Who to talk to", assessment.specialists),
        ("Options to discuss", assessment.options),
    ):
        if not items:
            continue
        heading(title)
        for item in items:
            para(item.label, "    ", "  - ")
            for reason in item.reasons:
                para(reason, "      ")
            para("Sources: " + _sources(assessment, item.sources), "      ")
    if assessment.medication_flags:
        heading("Medicine combinations to raise with a clinician")
        for medication_flag in assessment.medication_flags:
            medicines = ", ".join(medication_flag.medications)
            para(f"{medication_flag.label}: {medicines}", "    ", "  - ")
            para(medication_flag.message, "      ")
            para("Sources: " + _sources(assessment, medication_flag.sources), "      ")
    unrecognised = [m.as_typed for m in assessment.medications if not m.recognized]
    if unrecognised:
        heading("Ask your pharmacist to check these")
        for name in unrecognised:
            para(name, "    ", "  - ")
    scored = [s for s in assessment.scores.values() if s.value is not None]
    if scored:
        heading("Scores")
        for score in scored:
            value = f"{score.value:g}" + (f" of {score.maximum:g}" if score.maximum else "")
            extra = " (positive screen: talk to your clinician)" if score.positive else ""
            band = f", {score.band}" if score.band else ""
            para(f"{score.label}: {value}{band}{extra}", "    ", "  - ")
            if score.modelled_on:
                para(f"Modelled on {score.modelled_on}.", "      ")
    if assessment.preparation:
        heading("How to prepare")
        for note in assessment.preparation:
            para(note.text, "      ", "  [ ] ")
    if assessment.messages:
        heading("Good to know")
        for note in assessment.messages:
            para(note.text, "    ", "  - ")
    return "\n".join(out).rstrip() + "\n"


def _sources(assessment: Assessment, ids: list[str]) -> str:
    names = []
    for source_id in ids:
        source = assessment.sources.get(source_id, {})
        names.append(source.get("short") or source_id)
    return ", ".join(n for n in names if n)
