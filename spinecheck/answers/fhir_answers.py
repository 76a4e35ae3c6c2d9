"""FHIR R4 QuestionnaireResponses (alone, or in a Bundle) read as answer files.

A patient who filled the exported Questionnaire in any FHIR forms renderer gets the same summary
as from the walk: each answered item becomes the answer-file value the walk would have saved, and
then goes through the very same checks, with problems located at the item's JSON line and named
by its linkId. Items are found by linkId at any depth, so a renderer that nests groups
differently (or not at all) is read the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from spinecheck.answers.dates import real_date_time
from spinecheck.answers.fhir_identity import who_and_when
from spinecheck.errors import Problem
from spinecheck.questionnaire.answering import show_value
from spinecheck.questionnaire.fhir_ids import canonical_url, choice_system
from spinecheck.questionnaire.model import QuestionKind, Questionnaire
from spinecheck.questionnaire.reading import Document

Path_ = tuple[str | int, ...]

_WANTED = {
    QuestionKind.YES_NO: ("valueBoolean",),
    QuestionKind.SINGLE: ("valueCoding",),
    QuestionKind.MULTIPLE: ("valueCoding",),
    QuestionKind.SCALE: ("valueInteger", "valueDecimal", "valueQuantity"),
    QuestionKind.INTEGER: ("valueInteger", "valueDecimal", "valueQuantity"),
    QuestionKind.TEXT: ("valueString",),
    QuestionKind.TEXT_LIST: ("valueString",),
}
"""The answer types each kind of question takes (as the exported Questionnaire's item types)."""

_JSON_KINDS: dict[str, type] = {
    "valueBoolean": bool,
    "valueInteger": int,
    "valueDecimal": float,
    "valueQuantity": float,  # its 'value'
    "valueString": str,
}
"""The JSON type FHIR gives each answer value (a number given as text is the wrong type)."""
_KIND_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
_EXAMPLES = {bool: "true", int: "40", float: "40.5"}


def _is_json_kind(value: object, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, kind)


_STATUSES = {"completed", "amended", "in-progress", "stopped"}


class Response(NamedTuple):
    """One QuestionnaireResponse as answer-file data, and where its answers are in the file."""

    raw: dict[str, Any]
    """Answers by question id, as an answer file holds them (not yet checked)."""
    metadata: dict[str, Any]
    """What the spinecheck block of an answer file would say (updated, completed, patient...)."""
    where: dict[str, Path_]
    """Each answered question's item, for locating problems of its id."""
    answer_at: dict[str, Path_]
    """Each answered question's (first) value, for locating problems of its answer."""
    label: str
    problems: list[Problem]


def is_fhir(data: object) -> bool:
    """True when parsed answer-file data is a FHIR resource rather than question ids."""
    return isinstance(data, dict) and "resourceType" in data


def responses(data: Mapping[str, Any], document: Document, questionnaire: Questionnaire
              ) -> list[Response]:  # fmt: skip
    """Every QuestionnaireResponse in a resource: itself, or each one a Bundle holds.

    Other resources in a Bundle (the Observations spinecheck derives, a Patient) are skipped.
    A resource of another type, or a Bundle holding no response, gives one Response with the
    problem.
    """
    kind = data.get("resourceType")
    if kind == "QuestionnaireResponse":
        known = _contained(data)
        return [_response(data, (), document, questionnaire, document.label, known)]
    if kind == "Bundle":
        entries = data.get("entry")
        found = []
        if isinstance(entries, list):
            known = _entries(entries)
            for index, entry in enumerate(entries):
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(resource, dict) and (
                    resource.get("resourceType") == "QuestionnaireResponse"
                ):
                    label = f"{document.label} entry {index + 1}"
                    path: Path_ = ("entry", index, "resource")
                    more = known | _contained(resource)
                    found.append(_response(resource, path, document, questionnaire, label, more))
        if found:
            return found
        problem = document.problem(
            ("entry",),
            "this Bundle holds no QuestionnaireResponse",
            hint="spinecheck reads the responses to its exported Questionnaire",
        )
        return [Response({}, {}, {}, {}, document.label, [problem])]
    problem = document.problem(
        ("resourceType",),
        f"a FHIR {show_value(kind)} is not an answer file",
        hint="give a QuestionnaireResponse, or a Bundle of them",
        value=True,
    )
    return [Response({}, {}, {}, {}, document.label, [problem])]


def _entries(entries: list[Any]) -> dict[str, Mapping[str, Any] | None]:
    """A Bundle's resources by the references that may name them: fullUrl and Type/id.

    A Type/id that two entries share (from two servers) names neither: None.
    """
    by_url: dict[str, Mapping[str, Any] | None] = {}
    by_id: dict[str, Mapping[str, Any] | None] = {}
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue
        if isinstance(entry.get("fullUrl"), str):
            by_url[entry["fullUrl"].strip()] = resource
        if isinstance(resource.get("resourceType"), str) and isinstance(resource.get("id"), str):
            key = f"{resource['resourceType']}/{resource['id']}"
            by_id[key] = None if key in by_id else resource
    return by_id | by_url


def _contained(resource: Mapping[str, Any]) -> dict[str, Mapping[str, Any] | None]:
    """A resource's contained resources by their local references ('#p1')."""
    inner = resource.get("contained")
    if not isinstance(inner, list):
        return {}
    return {f"#{r['id']}": r for r in inner if isinstance(r, dict) and isinstance(r.get("id"), str)}


def _response(
    resource: Mapping[str, Any],
    at: Path_,
    document: Document,
    questionnaire: Questionnaire,
    label: str,
    known: Mapping[str, Mapping[str, Any] | None],
) -> Response:
    problems: list[Problem] = []
    raw: dict[str, Any] = {}
    where: dict[str, Path_] = {}

    def problem(path: Path_, message: str, hint: str | None = None, *, question: str | None = None
                ) -> None:  # fmt: skip
        problems.append(
            document.problem((*at, *path), message, hint=hint, value=True, question=question)
        )

    metadata = _metadata(resource, questionnaire, problem)
    metadata.update(who_and_when(resource, known))
    items = resource.get("item", [])
    if not isinstance(items, list):
        problem(("item",), "'item' must be a list of items")
        items = []
    _read_items(items, ("item",), questionnaire, raw, where, problem)
    notes = _drop_exclusive_with_others(raw, questionnaire)
    if notes:  # said on the summary: the form allowed what the walk does not
        metadata["read_notes"] = notes
    answer_at = {}
    for link, path in where.items():
        answers = _get(resource, (*path, "answer"))
        first = answers[0] if isinstance(answers, list) and answers else None
        keys = [k for k in first if k.startswith("value")] if isinstance(first, dict) else []
        code = ("code",) if keys == ["valueCoding"] else ()  # a choice: point at its code
        answer_at[link] = (*at, *path, "answer", 0, *keys[:1], *code) if keys else (*at, *path)
    return Response(
        raw, metadata, {k: (*at, *v) for k, v in where.items()}, answer_at, label, problems
    )


def _drop_exclusive_with_others(raw: dict[str, Any], questionnaire: Questionnaire) -> list[str]:
    """'None of these' ticked with other choices (a form may allow it): keep the others.

    The answer file refuses this combination; a response from another system is read the
    safer way (what was ticked stands) instead of refused whole, and each change is returned
    as a note for the summary.
    """
    notes = []
    for question in questionnaire.questions:
        value = raw.get(question.id)
        exclusive = {c.value for c in question.choices or () if c.exclusive}
        if not exclusive or not isinstance(value, list):
            continue
        codes = [v for v in value if isinstance(v, str)]
        others = [v for v in codes if v not in exclusive]
        if others and len(others) < len(codes):
            raw[question.id] = [v for v in value if v not in exclusive]
            dropped = next(c.label for c in question.choices or () if c.value in codes
                           and c.value in exclusive)  # fmt: skip
            notes.append(
                f"{question.title()}: '{dropped}' was ticked with other answers, so the other "
                "answers were kept and it was left out"
            )
    return notes


def _get(data: Any, path: Path_) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _metadata(resource: Mapping[str, Any], questionnaire: Questionnaire, problem: Any
              ) -> dict[str, Any]:  # fmt: skip
    """The response's status, time, language and questionnaire as an answer file's metadata."""
    metadata: dict[str, Any] = {"questionnaire": questionnaire.id}
    status = resource.get("status")
    if status not in _STATUSES:
        problem(
            ("status",),
            f"a response with status {show_value(status)} cannot be summarised",
            "spinecheck reads responses that are completed, amended, in-progress or stopped",
        )
    metadata["completed"] = status != "in-progress"
    metadata["stopped_at_emergency"] = status == "stopped"
    canonical = resource.get("questionnaire")
    if canonical is not None:
        url = canonical.split("|", 1)[0] if isinstance(canonical, str) else None
        if url != canonical_url(questionnaire):
            problem(
                ("questionnaire",),
                f"this response answers the questionnaire {show_value(canonical)}, "
                f"not {show_value(canonical_url(questionnaire))}",
                "use --questions to name the questionnaire it was made with",
            )
    language = resource.get("language")
    if isinstance(language, str):
        code = response_language(language)
        if code:  # contract 1.2: the summary is in the patient's language
            metadata["language"] = code
    elif language is not None:
        problem(
            ("language",),
            f"'language' must be a language code, as text, not {show_value(language)}",
            'write it as a BCP-47 code, for example "es" or "en"',
        )
    authored = resource.get("authored")
    if authored is not None:
        if isinstance(authored, str) and real_date_time(authored):
            metadata["updated"] = authored
        elif isinstance(authored, str):
            problem(
                ("authored",),
                f"'authored' is not a date and time: {show_value(authored)}",
                "write it as YYYY-MM-DDThh:mm:ss with its offset, for example "
                "2026-12-03T09:30:00+00:00",
            )
        else:
            problem(("authored",), "'authored' must be a date and time, as text")
    return metadata


def response_language(code: str) -> str | None:
    """A response's `language` as the answer file's (contract 1.2), or None when it is none.

    Only the code is read, never the texts' wording: 'es', 'es-MX'; written 'ES' or 'es_MX'
    by another system, 'es' and 'es-MX'. What is no language code ('Spanish') is left out, as
    in an answer file, and the summary is in the questionnaire's own language.
    """
    from spinecheck.questionnaire.languages import LANGUAGE_CODE

    first, *rest = code.strip().replace("_", "-").split("-")
    tag = "-".join([first.lower(), *rest])
    return tag if LANGUAGE_CODE.match(tag) else None


def _read_items(
    items: list[Any],
    path: Path_,
    questionnaire: Questionnaire,
    raw: dict[str, Any],
    where: dict[str, Path_],
    problem: Any,
) -> None:
    for index, item in enumerate(items):
        at = (*path, index)
        if not isinstance(item, dict):
            problem(at, "each item must be an object with a linkId")
            continue
        link = item.get("linkId")
        if not isinstance(link, str):
            problem(at, "an item has no linkId", "every item names its question with 'linkId'")
            continue
        answers = item.get("answer")
        if answers is not None:
            if link in raw:
                problem(at, f"{link}: answered twice", "give each question once", question=link)
            else:
                value = _value(link, answers, at, questionnaire, problem)
                if value is not _SKIP:
                    raw[link] = value
                    where[link] = at
            if isinstance(answers, list):
                for number, answer in enumerate(answers):  # FHIR lets answers hold items
                    if isinstance(answer, dict) and isinstance(answer.get("item"), list):
                        _read_items(answer["item"], (*at, "answer", number, "item"),
                                    questionnaire, raw, where, problem)  # fmt: skip
        children = item.get("item")
        if isinstance(children, list):
            _read_items(children, (*at, "item"), questionnaire, raw, where, problem)


_SKIP = object()


def _value(link: str, answers: object, at: Path_, questionnaire: Questionnaire, problem: Any
           ) -> Any:  # fmt: skip
    """One item's answers as the answer-file value (a list for questions that take several)."""
    if not isinstance(answers, list):
        problem((*at, "answer"), f"{link}: 'answer' must be a list", question=link)
        return _SKIP
    question = questionnaire.question(link)
    if question is None:
        return [_plain(a) for a in answers]  # the answer checks say the id is unknown
    wanted = _WANTED[question.kind]
    if question.kind is QuestionKind.YES_NO and question.unsure:
        wanted = ("valueCoding", "valueBoolean")  # yes, no or not sure; or a plain boolean
    values = []
    for number, answer in enumerate(answers):
        keys = [k for k in answer if k.startswith("value")] if isinstance(answer, dict) else []
        if len(keys) != 1:
            problem((*at, "answer", number), f"{link}: each answer needs one value[x]",
                    question=link)  # fmt: skip
            return _SKIP
        key = keys[0]
        if key not in wanted:
            problem(
                (*at, "answer", number, key),
                f"{link}: expected {' or '.join(wanted)}, not {key}",
                "answer with the type the exported Questionnaire gives this item",
                question=link,
            )
            return _SKIP
        value = answer[key]
        if key == "valueQuantity":
            value = value.get("value") if isinstance(value, dict) else None
        kind = _JSON_KINDS.get(key)
        if kind is not None and not _is_json_kind(value, kind):
            problem(
                (*at, "answer", number, key),
                f"{link}: {key} must be {_KIND_NAMES[kind]}, not {show_value(value)}",
                f"write it without quotes, for example {key}: {_EXAMPLES[kind]}"
                if isinstance(value, str) and kind is not str
                else f"give {_KIND_NAMES[kind]}",
                question=link,
            )
            return _SKIP
        if key == "valueCoding":
            value = _code(link, value, (*at, "answer", number, key), questionnaire, problem)
            if value is _SKIP:
                return _SKIP
            if question.kind is QuestionKind.YES_NO:  # the three codes of a yes/no/not sure
                value = {"yes": True, "no": False}.get(value, value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        values.append(value)
    if question.kind in (QuestionKind.MULTIPLE, QuestionKind.TEXT_LIST):
        return values
    if len(values) != 1:
        problem((*at, "answer"), f"{link}: has {len(values)} answers; this question takes one",
                question=link)  # fmt: skip
        return _SKIP
    return values[0]


def _code(link: str, coding: object, at: Path_, questionnaire: Questionnaire, problem: Any
          ) -> Any:  # fmt: skip
    question = questionnaire.question(link)
    if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
        problem(at, f"{link}: a valueCoding needs a code", question=link)
        return _SKIP
    system = coding.get("system")
    if (
        question is not None
        and system is not None
        and system != choice_system(questionnaire, question)
    ):
        problem(
            (*at, "system"),
            f"{link}: the code {show_value(coding['code'])} is from {show_value(system)}",
            f"use the codes of {choice_system(questionnaire, question)}",
            question=link,
        )
        return _SKIP
    return coding["code"]


def _plain(answer: object) -> object:
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key.startswith("value"):
                return value.get("code") if isinstance(value, dict) else value
    return answer
