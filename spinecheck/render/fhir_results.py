"""What spinecheck works out from the answers, as FHIR R4 Observations a records system can file.

Each Observation points back to the QuestionnaireResponse it was derived from (`derivedFrom`),
carries the response's subject and time, and is coded in a code system of our own: no standard
code fits these results, and the scores are modelled on published instruments in our own
wording, so their LOINC codes would claim the validated instruments. See docs/fhir.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from spinecheck.assessment.report import Assessment
from spinecheck.assessment.scoring import meaning
from spinecheck.clean import cleaned
from spinecheck.render.document import source_names
from spinecheck.render.fhir import UCUM_SYSTEM
from spinecheck.render.ours import RESULTS_SYSTEM  # what each Observation is: the urgency, ...

URGENCY_SYSTEM = "urn:spinecheck:urgency"
WARNING_SIGN_SYSTEM = "urn:spinecheck:warning-sign"
MEDICATION_FLAG_SYSTEM = "urn:spinecheck:medication-flag"
SCORE_SYSTEM = "urn:spinecheck:score"
CATEGORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
URGENCY_DISPLAY = {
    "emergency": "Emergency: get help now",
    "same_day": "Same day: speak to a clinician today",
    "soon": "Soon: within the next few days",
    "routine": "Routine",
}


def derived_results(assessment: Assessment, response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The urgency, each warning sign, each medicine flag and each score, as Observations."""
    level = assessment.urgency.value
    results = [
        _observation(
            response,
            _result("urgency", "How soon to act"),
            {"valueCodeableConcept": _concept(URGENCY_SYSTEM, level, URGENCY_DISPLAY[level])},
            note=assessment.urgency_message,
        )
    ]
    for flag in assessment.red_flags:
        results.append(
            _observation(
                response,
                _result("warning-sign", "Warning sign answered yes"),
                {"valueCodeableConcept": _concept(WARNING_SIGN_SYSTEM, flag.id, flag.message)},
                note=_with_sources(assessment, flag.message, flag.sources),
                key=flag.id,
            )
        )
    for medicine_flag in assessment.medication_flags:
        text = medicine_flag.message
        if medicine_flag.medications:
            text = f"{text} Medicines: {', '.join(medicine_flag.medications)}."
        concept = _concept(MEDICATION_FLAG_SYSTEM, medicine_flag.id, medicine_flag.label)
        results.append(
            _observation(
                response,
                _result("medication-flag", "Medicine combination or condition to review"),
                {"valueCodeableConcept": concept},
                note=_with_sources(assessment, text, medicine_flag.sources),
                key=medicine_flag.id,
            )
        )
    for score in assessment.scores.values():
        if score.value is None:
            continue
        value: dict[str, Any] = {
            "valueQuantity": {
                "value": _number(score.value),
                "unit": "score",
                "system": UCUM_SYSTEM,
                "code": "{score}",
            }
        }
        if meaning(score):
            value["interpretation"] = [{"text": meaning(score)}]
        if score.maximum:
            value["referenceRange"] = [
                {
                    "low": {"value": 0},
                    "high": {"value": _number(score.maximum)},
                    "text": "possible range",
                }
            ]
        note = f"Modelled on {score.modelled_on}." if score.modelled_on else ""
        results.append(
            _observation(
                response,
                _concept(SCORE_SYSTEM, score.id, score.label),
                value,
                note=_with_sources(assessment, note, score.sources),
                key=score.id,
            )
        )
    # medicine names and patient details are as typed: no control sequences in a record system
    return [cleaned(result) for result in results]


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    """A CodeableConcept of one coding, its display also as text."""
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _result(code: str, display: str) -> dict[str, Any]:
    """What an Observation is, in our results code system."""
    return _concept(RESULTS_SYSTEM, code, display)


def _with_sources(assessment: Assessment, text: str, sources: Sequence[str]) -> str:
    names = source_names(assessment, tuple(sources))
    return f"{text} Sources: {names}.".strip() if names else text


def _observation(
    response: Mapping[str, Any],
    code: Mapping[str, Any],
    value: Mapping[str, Any],
    *,
    note: str = "",
    key: str = "",
) -> dict[str, Any]:
    name = f"{response['id']}|{code['coding'][0]['code']}|{key}"
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:spinecheck:result:" + name)),
        "status": "final",
        "category": [CATEGORY],
        "code": dict(code),
    }
    if "subject" in response:
        resource["subject"] = response["subject"]
    if "encounter" in response:
        resource["encounter"] = response["encounter"]
    if "authored" in response:
        resource["effectiveDateTime"] = response["authored"]
    resource.update(value)
    resource["derivedFrom"] = [
        {"reference": f"urn:uuid:{response['id']}", "type": "QuestionnaireResponse"}
    ]
    if note:
        resource["note"] = [{"text": note}]
    return resource
