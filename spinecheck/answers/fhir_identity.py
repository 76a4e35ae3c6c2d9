"""Whose answers and which visit, read from the FHIR resources a response points to.

A records system sends a Bundle holding the `Patient`, the `Encounter` and the
QuestionnaireResponse (or a response with them `contained`). The response's `subject` and
`encounter` references are resolved against those resources, so the summary keeps the
patient's name, birth date, identifier and sex, and the visit's date, time, clinician and
location: the same details an answer file's `patient` and `visit` blocks give (contract 1.1).

Without a resolvable reference, `subject`'s own identifier and display are used; without an
`encounter` reference, the one Encounter of that patient in the Bundle is. What cannot be read
as the contract's details (a birth date of only a year, a time without a date) is left out,
never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from spinecheck.answers.dates import real_date

GENDERS = ("female", "male", "other", "unknown")
"""FHIR's administrative gender codes: the same as contract 1.2's `patient.sex`."""


def who_and_when(
    response: Mapping[str, Any], known: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, str]]:
    """The `patient` and `visit` metadata of a response (each left out when nothing is found)."""
    found: dict[str, dict[str, str]] = {}
    subject = response.get("subject")
    subject = subject if isinstance(subject, dict) else {}
    patient_resource = _resolve(subject, known, "Patient")
    patient = _patient(patient_resource) if patient_resource else {}
    identifier = subject.get("identifier")
    if "identifier" not in patient and isinstance(identifier, dict):
        if _text(identifier.get("value")):
            patient["identifier"] = identifier["value"].strip()
    if "name" not in patient and _text(subject.get("display")):
        patient["name"] = subject["display"].strip()
    if patient:
        found["patient"] = patient
    encounter = response.get("encounter")
    encounter_resource = _resolve(encounter, known, "Encounter")
    if encounter_resource is None and patient_resource is not None:
        encounter_resource = _only_encounter_of(patient_resource, known)
    visit = _visit(encounter_resource) if encounter_resource else {}
    if visit:
        found["visit"] = visit
    return found


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _resolve(
    ref: object, known: Mapping[str, Mapping[str, Any]], kind: str
) -> Mapping[str, Any] | None:
    if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
        return None
    target = known.get(ref["reference"])
    if target is None:  # an absolute URL ending in Type/id names the entry Type/id
        parts = ref["reference"].rstrip("/").split("/")
        target = known.get("/".join(parts[-2:])) if len(parts) >= 2 else None
    return target if target is not None and target.get("resourceType") == kind else None


def _patient(resource: Mapping[str, Any]) -> dict[str, str]:
    patient: dict[str, str] = {}
    identifiers = [i for i in _list(resource.get("identifier")) if _text(i.get("value"))]
    if identifiers:
        patient["identifier"] = identifiers[0]["value"].strip()
    name = _name(_list(resource.get("name")))
    if name:
        patient["name"] = name
    born = resource.get("birthDate")
    if isinstance(born, str) and real_date(born):  # a year alone is not a date of birth
        patient["birth_date"] = born
    if resource.get("gender") in GENDERS:
        patient["sex"] = resource["gender"]
    return patient


def _name(names: list[Mapping[str, Any]]) -> str:
    """The official name (else the first) as it is written: its text, or given and family."""
    ordered = sorted(names, key=lambda n: n.get("use") != "official")
    for name in ordered:
        if _text(name.get("text")):
            return " ".join(name["text"].split())
        given = _strings(name.get("given"))
        family = name.get("family") if _text(name.get("family")) else ""
        whole = " ".join([*given, str(family or "")]).split()
        if whole:
            return " ".join(whole)
    return ""


def _visit(resource: Mapping[str, Any]) -> dict[str, str]:
    visit: dict[str, str] = {}
    period = resource.get("period")
    start = period.get("start") if isinstance(period, dict) else None
    if isinstance(start, str):
        visit.update(_date_and_time(start))
    for participant in _list(resource.get("participant")):
        individual = participant.get("individual")
        if isinstance(individual, dict) and _text(individual.get("display")):
            visit["clinician"] = individual["display"].strip()
            break
    for place in _list(resource.get("location")):
        location = place.get("location")
        if isinstance(location, dict) and _text(location.get("display")):
            visit["location"] = location["display"].strip()
            break
    return visit


def _date_and_time(start: str) -> dict[str, str]:
    """A FHIR date or date-time as the contract's visit date and time (this computer's clock)."""
    if real_date(start):
        return {"date": start}
    try:
        moment = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        return {}
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return {"date": moment.date().isoformat(), "time": moment.strftime("%H:%M")}


def _only_encounter_of(
    patient: Mapping[str, Any], known: Mapping[str, Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The Bundle's one Encounter whose subject is this patient (none when there are several)."""
    found = {
        id(resource): resource
        for resource in known.values()
        if resource.get("resourceType") == "Encounter"
        and _resolve(resource.get("subject"), known, "Patient") is patient
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _list(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [v.strip() for v in value if _text(v)] if isinstance(value, list) else []
