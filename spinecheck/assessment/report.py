"""The assessment a summary is made from, and its JSON form (the public contract)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from spinecheck.assessment.scoring import Score
from spinecheck.medicines.matching import MedicineMatch
from spinecheck.questionnaire.model import PainPhase, Urgency

if TYPE_CHECKING:
    from spinecheck.medicines.doses import DailyTotal, MmeEstimate


class Evidence(NamedTuple):
    """One answer that led to an item: the question and the answer in the patient's terms."""

    question: str
    text: str
    answer: str


@dataclass
class RedFlag:
    """A warning sign answered yes."""

    id: str
    urgency: Urgency
    message: str
    question_text: str
    sources: list[str] = field(default_factory=list)
    unsure: bool = False
    """True when the patient answered 'not sure' (read as yes, the safer answer)."""


@dataclass
class Recommendation:
    """A specialist or an option to discuss, with why and on what authority."""

    id: str
    label: str
    about: str | None
    reasons: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    reason_sources: list[list[str]] = field(default_factory=list)
    """The sources of each reason, in the order of `reasons` (a shortened summary cites only
    the sources of what it shows)."""
    cautions: list[str] = field(default_factory=list)
    """Sentences that travel with the suggestion wherever it is shown: its risk, a guideline that
    disagrees, and the warnings of gates that hold (a blood thinner)."""
    caution_sources: list[str] = field(default_factory=list)
    step: int | None = None
    """Its step of stepped care (options only)."""
    reason_rules: list[str] = field(default_factory=list)
    """The id of the rule behind each reason, in the order of `reasons` ('' for the reason an
    option gives for its `alongside` companion)."""
    in_full: bool = False
    """A rule that made it asks for it in full on the patient's page (`prominence: full`),
    wherever it comes in the list."""


@dataclass
class Withheld:
    """A suggestion a rule made that a gate held back, and which gates."""

    kind: str
    """'specialist', 'option', 'message' or 'preparation'."""
    id: str
    gates: list[str] = field(default_factory=list)
    label: str = ""
    """The suggestion's name as the summary would have shown it (empty for notes)."""


@dataclass
class MedicationFlag:
    """A medicine combination or condition to raise with a clinician."""

    id: str
    label: str
    message: str
    medications: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    reason_rules: list[str] = field(default_factory=list)
    """The id of the rule behind each reason, in the order of `reasons`."""


@dataclass
class Note:
    """A preparation item or a message: an id and the words to show."""

    id: str
    text: str
    urgency: Urgency | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    """Everything the summary shows, computed from one set of answers."""

    questionnaire_id: str
    questionnaire_version: str
    urgency: Urgency
    red_flags: list[RedFlag]
    pain_phase: PainPhase | None
    scores: dict[str, Score]
    specialists: list[Recommendation]
    options: list[Recommendation]
    medication_flags: list[MedicationFlag]
    medications: list[MedicineMatch]
    preparation: list[Note]
    messages: list[Note]
    sources: dict[str, dict[str, str | None]]
    walk_stopped: bool = False
    """True when an emergency warning sign ended the walk early."""
    urgency_message: str = ""
    """What to do now, at this urgency, with the region's contacts filled in."""
    region: str | None = None
    """The name of the region whose contacts are shown ('United Kingdom')."""
    region_key: str | None = None
    """Its key in the questionnaire's regions ('uk'), as answer files and --region name it."""
    mme: MmeEstimate | None = None
    """Morphine milligram equivalents a day, for the clinician (None when no opioid is taken)."""
    acetaminophen: DailyTotal | None = None
    """Acetaminophen (paracetamol) mg a day, for the clinician (None when none is taken)."""
    gates: dict[str, str] = field(default_factory=dict)
    """The gates that hold, by id, in clinical words."""
    withheld: list[Withheld] = field(default_factory=list)
    """Suggestions held back by gates."""
    urgent_contact: str | None = None
    """On a same-day path, whom to contact in clinical words (None: the region's usual)."""
    terms: dict[str, str] = field(default_factory=dict)
    """The region's words for things ('paracetamol' in the UK), for every page."""
    language: str = "en"
    """The language of every text in it (the questionnaire's it was assessed with)."""


class SummaryInfo(NamedTuple):
    """Where the answers came from, for headers and footers."""

    source: str = ""
    """The answer file's name."""
    answered_at: str | None = None
    """When the answers were last updated (from the file's metadata)."""
    patient: Mapping[str, str] | None = None
    """Contract 1.1 patient details (name, birth_date, identifier), as given."""
    visit: Mapping[str, str] | None = None
    """Contract 1.1 visit details (date, time, clinician, location), as given."""
    printed_at: str | None = None
    """When this summary was made (ISO date-time), for the footer of what is printed."""
    notes: tuple[str, ...] = ()
    """How the answers were read where they could not be taken as given (a FHIR response that
    ticked 'None of these' with other choices): said on every page made from them."""
    language: str = "en"
    """The language the patient answered in (contract 1.2), for the clinician page."""
    file_time: str | None = None
    """When the answer file was last changed (ISO date-time): FHIR's `authored` when the
    answers do not say when they were given."""
    answered_version: str | None = None
    """The questionnaire version the answers were given with (from the file's metadata)."""


def to_json_dict(assessment: Assessment, info: SummaryInfo | None = None) -> dict[str, Any]:
    """The JSON summary exactly as the answers contract fixes it (plus a few added keys)."""
    info = info or SummaryInfo()
    return {
        "patient": dict(info.patient) if info.patient else None,
        "visit": dict(info.visit) if info.visit else None,
        "source": info.source or None,
        "urgency": assessment.urgency.value,
        "urgency_message": assessment.urgency_message,
        "red_flags": [
            {
                "id": flag.id,
                "urgency": flag.urgency.value,
                "message": flag.message,
                "sources": flag.sources,
                "answer": "not_sure" if flag.unsure else True,
            }
            for flag in assessment.red_flags
        ],
        "pain_phase": assessment.pain_phase.value if assessment.pain_phase else None,
        "scores": {score_id: _score(score) for score_id, score in assessment.scores.items()},
        "specialists": [_recommendation(item) for item in assessment.specialists],
        "options": [_recommendation(item) for item in assessment.options],
        "medication_flags": [
            {
                "id": flag.id,
                "medications": flag.medications,
                "message": flag.message,
                "sources": flag.sources,
            }
            for flag in assessment.medication_flags
        ],
        "medications": [
            {
                "as_typed": match.as_typed,
                "recognized": match.recognized,
                "generic_names": list(match.generic_names),
                "classes": list(match.classes),
                "read_as": match.matched_name,
                "spelling_corrected": match.fuzzy,
                "taking": match.taking,
                "entry": match.entry or match.as_typed,
                "check_with_patient": match.check,
                "allergy": match.allergy,
                "partly_recognized": match.partly,
            }
            for match in assessment.medications
        ],
        "mme": _mme(assessment.mme),
        "acetaminophen": _daily_total(assessment.acetaminophen),
        "gates": dict(assessment.gates),
        "withheld": [
            {"kind": item.kind, "id": item.id, "gates": item.gates} for item in assessment.withheld
        ],
        "urgent_contact": assessment.urgent_contact,
        "preparation": [{"id": item.id, "text": item.text} for item in assessment.preparation],
        "messages": [
            {
                "id": item.id,
                "text": item.text,
                "urgency": item.urgency.value if item.urgency else None,
                "sources": item.sources,
            }
            for item in assessment.messages
        ],
        "questionnaire": {
            "id": assessment.questionnaire_id,
            "version": assessment.questionnaire_version,
        },
        "walk_stopped": assessment.walk_stopped,
        "language": assessment.language,  # contract 1.2: the language of the texts above
        "region": assessment.region_key,  # contract 1.2: the key ('uk'), as files name it
        "region_name": assessment.region,
        "sources": assessment.sources,
    }


def _score(score: Score) -> dict[str, Any]:
    return {
        "value": score.value,
        "positive": score.positive,
        "band": score.band,
        "label": score.label,
        "maximum": score.maximum,
        "modelled_on": score.modelled_on,
        "items": list(score.items),
        "sources": list(score.sources),
    }


def _recommendation(item: Recommendation) -> dict[str, Any]:
    return {
        "id": item.id,
        "label": item.label,
        "reasons": item.reasons,
        "sources": item.sources,
        "because": [{"question": e.question, "answer": e.answer} for e in item.evidence],
        "cautions": item.cautions,
    }


def _mme(estimate: MmeEstimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "total_per_day": estimate.total,
        "complete": estimate.complete,
        "threshold_per_day": estimate.threshold,
        "source": estimate.source,
        "lines": [
            {
                "as_typed": line.as_typed,
                "generic_name": line.generic,
                "mme_per_day": line.mme_per_day,
                "working": line.working,
            }
            for line in estimate.lines
        ],
    }


def _daily_total(total: DailyTotal | None) -> dict[str, Any] | None:
    if total is None:
        return None
    return {
        "total_mg_per_day": total.total,
        "complete": total.complete,
        "limit_mg_per_day": total.limit,
        "lines": [
            {
                "as_typed": line.as_typed,
                "mg_per_day": line.per_day,
                "working": line.working,
            }
            for line in total.lines
        ],
    }
