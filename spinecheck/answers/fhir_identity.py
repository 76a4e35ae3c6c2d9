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

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from spinecheck.answers.dates import real_date
from spinecheck.clean import clean_line

GENDERS = ("female", "male", "other", "unknown")
"""FHIR's administrative gender codes: the same as contract 1.2's `patient.sex`."""


def who_and_when(
    response: Mapping[str, Any], known: Mapping[str, Mapping[str, Any] | None]
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
            patient["identifier"] = _line(identifier["value"])
    if "name" not in patient and _text(subject.get("display")):
        patient["name"] = _line(subject["display"])
    patient = {key: value for key, value in patient.items() if value}
    if patient:
        found["patient"] = patient
    encounter = response.get("encounter")
    encounter_resource = _resolve(encounter, known, "Encounter")
    if encounter_resource is None and patient_resource is not None:
        encounter_resource = _only_encounter_of(patient_resource, known)
    if encounter_resource is not None and not _same_patient(
        encounter_resource, patient_resource, subject, known
    ):
        encounter_resource = None  # another patient's visit is never mixed into this one
    visit = _visit(encounter_resource, known) if encounter_resource else {}
    if visit:
        found["visit"] = visit
    return found


def _same_patient(
    encounter: Mapping[str, Any],
    patient: Mapping[str, Any] | None,
    subject: Mapping[str, Any],
    known: Mapping[str, Mapping[str, Any] | None],
) -> bool:
    """Whether an Encounter is of the response's patient (one with no subject is taken as so)."""
    theirs = encounter.get("subject")
    if not isinstance(theirs, dict) or not theirs.get("reference"):
        return True
    resolved = _resolve(theirs, known, "Patient")
    if resolved is not None or patient is not None:
        return resolved is patient
    return str(theirs.get("reference")) == str(subject.get("reference"))


def _line(text: object) -> str:
    """Text from another system as one clean line: no control sequences, single spaces."""
    return clean_line(str(text))


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _resolve(
    ref: object, known: Mapping[str, Mapping[str, Any] | None], kind: str
) -> Mapping[str, Any] | None:
    """The resource a reference names in the Bundle: by its fullUrl, else by Type/id.

    A version (`Patient/45/_history/3`) names the same entry. An absolute URL whose fullUrl is
    not in the Bundle names the entry Type/id only when one entry has that Type/id: two servers'
    `Patient/7` are two people, and neither is guessed.
    """
    if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
        return None
    name = re.sub(r"/_history/[^/]*$", "", ref["reference"].strip())
    target = known.get(name)
    if target is None and not name.startswith("#"):
        parts = name.rstrip("/").split("/")
        target = known.get("/".join(parts[-2:])) if len(parts) >= 2 else None
    return target if target is not None and target.get("resourceType") == kind else None


def _patient(resource: Mapping[str, Any]) -> dict[str, str]:
    patient: dict[str, str] = {}
    identifier = _identifier(_list(resource.get("identifier")))
    if identifier:
        patient["identifier"] = identifier
    name = _name([n for n in _list(resource.get("name")) if _current(n)])
    if name:
        patient["name"] = name
    born = resource.get("birthDate")
    if isinstance(born, str) and real_date(born):  # a year alone is not a date of birth
        patient["birth_date"] = born
    if resource.get("gender") in GENDERS:
        patient["sex"] = resource["gender"]
    return patient


def _types(entry: Mapping[str, Any]) -> set[str]:
    """The codes of an identifier's or a participant's type (one concept, or a list of them)."""
    found = entry.get("type")
    concepts = found if isinstance(found, list) else [found]
    return {
        str(coding.get("code"))
        for concept in concepts
        if isinstance(concept, dict)
        for coding in _list(concept.get("coding"))
    }


def _identifier(identifiers: list[Mapping[str, Any]]) -> str:
    """The medical record number when one is marked, else the first identifier with a value.

    A social security number is never taken: it does not belong on a printed page.
    """
    usable = [
        i for i in identifiers
        if _text(i.get("value")) and _current(i) and "SS" not in _types(i)
        and "us-ssn" not in str(i.get("system", "")) and i.get("use") != "old"
    ]  # fmt: skip
    chosen = next((i for i in usable if "MR" in _types(i)), usable[0] if usable else None)
    return _line(chosen["value"]) if chosen else ""


def _current(entry: Mapping[str, Any]) -> bool:
    """False for a name or identifier whose period ended before today, or marked old."""
    if entry.get("use") == "old":
        return False
    period = entry.get("period")
    end = period.get("end") if isinstance(period, dict) else None
    return not (isinstance(end, str) and end[:10] < date.today().isoformat())


def _name(names: list[Mapping[str, Any]]) -> str:
    """The official name (else the usual, else the first) as written.

    Its text, or else its given and family names (prefixes and suffixes left out).
    """
    rank = {"official": 0, "usual": 1}
    for name in sorted(names, key=lambda n: rank.get(str(n.get("use")), 2)):
        if _text(name.get("text")):
            return _line(name["text"])
        family = name.get("family") if _text(name.get("family")) else ""
        whole = _line(" ".join([*_strings(name.get("given")), str(family or "")]))
        if whole:
            return whole
    return ""


CLINICIANS = {"PPRF", "SPRF", "ATND", "PART", "CON", "ADM", "DIS", "REF", "CALLBCK"}
"""HL7 participation types of a clinician (the person seen), never an interpreter or escort."""


def _visit(resource: Mapping[str, Any], known: Mapping[str, Mapping[str, Any] | None]
           ) -> dict[str, str]:  # fmt: skip
    visit: dict[str, str] = {}
    period = resource.get("period")
    start = period.get("start") if isinstance(period, dict) else None
    if isinstance(start, str):
        visit.update(_date_and_time(start))
    clinician = _clinician(_list(resource.get("participant")), known)
    if clinician:
        visit["clinician"] = clinician
    for place in _list(resource.get("location")):
        if place.get("status") == "completed" and len(_list(resource.get("location"))) > 1:
            continue  # where the patient was before, not where the visit is
        location = place.get("location")
        found = _resolve(location, known, "Location")
        named = found.get("name") if found else None
        words = (
            named
            if _text(named)
            else location.get("display")
            if isinstance(location, dict)
            else None
        )
        if _text(words):
            visit["location"] = _line(str(words))
            break
    return visit


def _clinician(participants: list[Mapping[str, Any]],
               known: Mapping[str, Mapping[str, Any] | None]) -> str:  # fmt: skip
    """The first clinician taking part, by role when roles are given.

    Named by the Practitioner the Bundle holds, else by the reference's display.
    """
    typed = [p for p in participants if _types(p)]
    chosen = [p for p in typed if _types(p) & CLINICIANS] if typed else participants
    for participant in chosen:
        individual = participant.get("individual")
        if not isinstance(individual, dict):
            continue
        practitioner = _resolve(individual, known, "Practitioner")
        name = _name(_list(practitioner.get("name"))) if practitioner else ""
        if name or _text(individual.get("display")):
            return name or _line(individual["display"])
    return ""


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
    patient: Mapping[str, Any], known: Mapping[str, Mapping[str, Any] | None]
) -> Mapping[str, Any] | None:
    """The Bundle's one Encounter whose subject is this patient (none when there are several)."""
    found = {
        id(resource): resource
        for resource in known.values()
        if resource is not None
        and resource.get("resourceType") == "Encounter"
        and _resolve(resource.get("subject"), known, "Patient") is patient
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _list(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [v.strip() for v in value if _text(v)] if isinstance(value, list) else []
