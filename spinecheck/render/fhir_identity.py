"""Whose answers and which visit, as FHIR R4 `Patient` and `Encounter` resources.

A records system files a QuestionnaireResponse under a patient and a visit. Contract 1.1's
patient details (name, birth date, identifier; contract 1.2's sex) become a `Patient`, the
visit details (date, time, clinician, location) an `Encounter`, and the response points to
them with `subject` and `encounter` (`urn:uuid:` references to the Bundle's own entries). The
ids are stable: the same details in the same answer file give the same ids, and each answer
file of a batch has its own entries (a records system matches patients by identifier).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any

from spinecheck.answers.fhir_identity import GENDERS
from spinecheck.clean import cleaned

ENCOUNTER_CLASS = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "AMB",
    "display": "ambulatory",
}
"""A clinic visit: HL7's ActCode for an ambulatory encounter (Encounter.class is required)."""


def _stable(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:spinecheck:{kind}:" + "|".join(parts)))


def patient_resource(
    patient: Mapping[str, str] | None, source: str | None
) -> dict[str, Any] | None:
    """The patient details as a `Patient`, or None when none are given."""
    patient = patient or {}
    if not any(patient.get(key) for key in ("name", "birth_date", "identifier", "sex")):
        return None
    details = (patient.get(k, "") for k in ("identifier", "name", "birth_date", "sex"))
    key = _stable("patient", *details, source or "")
    resource: dict[str, Any] = {"resourceType": "Patient", "id": key}
    if patient.get("identifier"):
        resource["identifier"] = [{"value": patient["identifier"]}]
    if patient.get("name"):
        resource["name"] = [{"text": patient["name"]}]
    if patient.get("sex") in GENDERS:
        resource["gender"] = patient["sex"]
    if patient.get("birth_date"):
        resource["birthDate"] = patient["birth_date"]
    return cleaned(resource)


def encounter_resource(
    visit: Mapping[str, str] | None, patient: Mapping[str, Any] | None, source: str | None
) -> dict[str, Any] | None:
    """The visit details as a planned `Encounter` of the patient, or None when none are given.

    A visit date with a time becomes a date-time with this computer's offset at that date
    (FHIR needs an offset with a time; the clinic's own clock is the one its times are in).
    A time without a date, or one that is not a clock time ('9.30am'), cannot be a FHIR
    date-time: it is kept in the Encounter's text.
    """
    visit = visit or {}
    if not any(visit.get(key) for key in ("date", "time", "clinician", "location")):
        return None
    parts = (patient or {}).get("id", ""), *(visit.get(k, "") for k in ("date", "time")), source
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": _stable("encounter", *(str(part or "") for part in parts)),
        "status": "planned",
        "class": dict(ENCOUNTER_CLASS),
    }
    if patient is not None:
        resource["subject"] = reference(patient)
    start = visit_start(visit.get("date", ""), visit.get("time", ""))
    if start:
        resource["period"] = {"start": start}
    if visit.get("time") and "T" not in start:  # a time FHIR cannot take is kept in words
        resource["text"] = {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">Visit at {escape(visit["time"])}'
            "</div>",
        }
    if visit.get("clinician"):
        resource["participant"] = [{"individual": {"display": visit["clinician"]}}]
    if visit.get("location"):
        resource["location"] = [{"location": {"display": visit["location"]}}]
    return cleaned(resource)


def visit_start(date: str, time: str) -> str:
    """'2026-12-03' with '09:30' as '2026-12-03T09:30:00+00:00' (this computer's offset)."""
    if not date:
        return ""
    if not time:
        return date
    try:
        moment = datetime.fromisoformat(f"{date}T{time}")
    except ValueError:
        return date
    return moment.astimezone().isoformat(timespec="seconds")


def reference(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A reference to a Bundle entry, with the identifier and name a reader can match on."""
    found: dict[str, Any] = {"reference": f"urn:uuid:{resource['id']}"}
    if resource.get("resourceType") == "Patient":
        if resource.get("identifier"):
            found["identifier"] = dict(resource["identifier"][0])
        if resource.get("name"):
            found["display"] = resource["name"][0]["text"]
    return found
