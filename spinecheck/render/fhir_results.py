"""What spinecheck works out from the answers, as FHIR R4 Observations a records system can file.

Each Observation points back to the QuestionnaireResponse it was derived from (`derivedFrom`),
carries the response's subject and time, and is coded in a code system of our own: no standard
code fits these results, and the scores are modelled on published instruments in our own
wording, so their LOINC codes would claim the validated instruments. See docs/fhir.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from spinecheck.assessment.report import Assessment
from spinecheck.assessment.scoring import meaning

RESULTS_SYSTEM = "urn:spinecheck:results"
"""What each Observation is: the urgency, a warning sign, a medicine flag or a score."""
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
    results = [
        _observation(
            response,
            ("urgency", "How soon to act"),
            {
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": URGENCY_SYSTEM,
                            "code": assessment.urgency.value,
                            "display": URGENCY_DISPLAY[assessment.urgency.value],
                        }
                    ],
                    "text": URGENCY_DISPLAY[assessment.urgency.value],
                }
            },
            note=assessment.urgency_message,
        )
    ]
    for flag in assessment.red_flags:
        results.append(
            _observation(
                response,
                ("warning-sign", "Warning sign answered yes"),
                _concept(WARNING_SIGN_SYSTEM, flag.id, flag.message),
                note=_with_sources(assessment, flag.message, flag.sources),
                key=flag.id,
            )
        )
    for medicine_flag in assessment.medication_flags:
        text = medicine_flag.message
        if medicine_flag.medications:
            text = f"{text} Medicines: {', '.join(medicine_flag.medications)}."
        results.append(
            _observation(
                response,
                ("medication-flag", "Medicine combination or condition to review"),
                _concept(MEDICATION_FLAG_SYSTEM, medicine_flag.id, medicine_flag.label),
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
                "system": "http://unitsofmeasure.org",
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
                None,
                value,
                code=_concept(SCORE_SYSTEM, score.id, score.label)["valueCodeableConcept"],
                note=_with_sources(assessment, note, list(score.sources)),
                key=score.id,
            )
        )
    return results


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {
        "valueCodeableConcept": {
            "coding": [{"system": system, "code": code, "display": display}],
            "text": display,
        }
    }


def _with_sources(assessment: Assessment, text: str, sources: list[str]) -> str:
    names = [(assessment.sources.get(s) or {}).get("short") or s for s in sources]
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        return text
    return f"{text} Sources: {', '.join(names)}.".strip()


def _observation(
    response: Mapping[str, Any],
    kind: tuple[str, str] | None,
    value: Mapping[str, Any],
    *,
    code: Mapping[str, Any] | None = None,
    note: str = "",
    key: str = "",
) -> dict[str, Any]:
    if code is None:
        assert kind is not None
        code = {
            "coding": [{"system": RESULTS_SYSTEM, "code": kind[0], "display": kind[1]}],
            "text": kind[1],
        }
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
    if "authored" in response:
        resource["effectiveDateTime"] = response["authored"]
    resource.update(value)
    resource["derivedFrom"] = [
        {"reference": f"urn:uuid:{response['id']}", "type": "QuestionnaireResponse"}
    ]
    if note:
        resource["note"] = [{"text": note}]
    return resource
