"""FHIR R4: the questionnaire as a Questionnaire and answers as a matching QuestionnaireResponse.

Built as plain JSON data (no FHIR library at run time); the tests validate both with the
fhir.resources R4B models and check that every answer merges back into its Questionnaire item.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from spinecheck.clean import cleaned
from spinecheck.questionnaire.answering import NOT_SURE
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.fhir_ids import canonical_url, choice_system, section_link
from spinecheck.questionnaire.model import Condition, Question, QuestionKind, Questionnaire
from spinecheck.words import words_for

SDC_ENABLE_WHEN = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
RENDERING_STYLE = "http://hl7.org/fhir/StructureDefinition/rendering-style"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
"""A string in another language, on the primitive's shadow element (`_text`, `_display`)."""
ADDITIONAL_LANGUAGE = "http://hl7.org/fhir/StructureDefinition/additional-language"
"""A language the resource holds besides its `language` (FHIR extensions pack), one per code."""
UCUM_SYSTEM = "http://unitsofmeasure.org"
UCUM = {
    "years": "a", "year": "a", "cm": "cm", "kg": "kg", "mm": "mm", "minutes": "min",
    "años": "a", "año": "a", "minutos": "min",
}  # fmt: skip
"""UCUM codes for the units a questionnaire writes in words (in each language it ships)."""


def export_words(language: str) -> dict[str, str] | None:
    """The few words the export writes itself (a yes/no answer, a condition group's title).

    From `spinecheck.words`, like the walk's and the pages' own words; None for a language it
    has no words in ('es-US' takes 'es'), whose export then translates the questionnaire's
    own texts only.
    """
    words = words_for(language)
    if words.language != language.split("-")[0].lower():
        return None
    return {
        "yes": words("Yes"),
        "no": words("No"),
        NOT_SURE: words("Not sure"),
        "more": words("a few more questions"),
    }


YES_NO_UNSURE = ("yes", "no", NOT_SURE)
"""The codes of a yes/no question that also takes 'not sure'."""

_TYPES = {
    QuestionKind.YES_NO: "boolean",
    QuestionKind.SINGLE: "choice",
    QuestionKind.MULTIPLE: "choice",
    QuestionKind.SCALE: "integer",
    QuestionKind.INTEGER: "integer",
    QuestionKind.TEXT: "text",
    QuestionKind.TEXT_LIST: "string",
}


def _name(identifier: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", identifier) if part)


def to_questionnaire(
    questionnaire: Questionnaire,
    *,
    region: str | None = None,
    translations: Iterable[Questionnaire] = (),
) -> dict[str, Any]:
    """The FHIR R4 Questionnaire resource for a questionnaire file.

    A warning sign answered yes (or 'not sure') enables a display item under it that says what
    to do now, with the region's numbers (the questionnaire's default region unless given).

    The resource is written in `questionnaire.language` (its `language`). `translations` are
    the same questionnaire read in other languages (`load_languages`): each string a patient
    reads carries their words with the standard `translation` extension on its shadow element
    (`_title`, `_text`, `_display`), put there by linkId and code, never by matching wording;
    each of their languages is declared with an `additional-language` extension.

    Raises:
        SpinecheckError: the region is not one of the questionnaire's.
        ValueError: a translation is of another questionnaire (id or version).
    """
    resource = _questionnaire_resource(questionnaire, region)
    added = []
    for other in translations:
        if other.language == questionnaire.language or other.language in added:
            continue
        if (other.id, other.version) != (questionnaire.id, questionnaire.version):
            raise ValueError(f"{other.id} {other.version} is not a translation of "
                             f"{questionnaire.id} {questionnaire.version}")  # fmt: skip
        _translate(resource, _questionnaire_resource(other, region), questionnaire, other.language)
        added.append(other.language)
    if added:
        resource["extension"] = [{"url": ADDITIONAL_LANGUAGE, "valueCode": code} for code in added]
    order = ["resourceType", "id", "language", "extension", "url", "version", "name", "title",
             "_title"]  # fmt: skip
    ordered = {key: resource[key] for key in order if key in resource}
    resource = ordered | {k: v for k, v in resource.items() if k not in ordered}
    return cleaned(resource)  # no control sequences in anything a records system files


def _questionnaire_resource(questionnaire: Questionnaire, region: str | None) -> dict[str, Any]:
    """The Questionnaire in the questionnaire's own language, without translations."""
    from spinecheck.assessment.rules import choose_region

    choose_region(questionnaire, region)  # an unknown region is refused before anything
    groups = []
    for section in questionnaire.sections:
        groups.append(
            {
                "linkId": section_link(section.id),
                "type": "group",
                "text": section.title,
                "item": [
                    _questionnaire_node(questionnaire, node)
                    for node in layout(questionnaire, section.questions)
                ],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire.id.replace("_", "-"),
        "language": questionnaire.language,
        "url": canonical_url(questionnaire),
        "version": questionnaire.version,
        "name": _name(questionnaire.id),
        "title": questionnaire.title,
        "status": "active",
        "subjectType": ["Patient"],
        "item": groups,
    }
    if questionnaire.description:
        resource["description"] = questionnaire.description
    _add_advice(groups, _advice(questionnaire, region))
    return resource


def _translate(
    resource: dict[str, Any], other: Mapping[str, Any], questionnaire: Questionnaire, language: str
) -> None:
    """Put the strings of `other` (the same form in `language`) on `resource` as translations.

    Strings are paired by what they belong to: the resource's title and description, an
    item's text by its linkId, an answer's display by its code, a unit by its item. The words
    the export writes itself (a yes/no answer, a condition group's title) are translated only
    into a language it has them in (`export_words`).
    """
    ours = export_words(language) is not None
    for key in ("title", "description"):
        if isinstance(resource.get(key), str) and isinstance(other.get(key), str):
            _add_translation(resource, key, language, other[key])
    twins = {item["linkId"]: item for item in _all_items(other.get("item", []))}
    for item in _all_items(resource["item"]):
        twin = twins.get(item["linkId"])
        if twin is None:
            continue
        question = questionnaire.question(item["linkId"])
        group_of_ours = item["type"] == "group" and not item["linkId"].startswith("section-")
        if "text" in item and "text" in twin and (ours or not group_of_ours):
            _add_translation(item, "text", language, twin["text"])
        displays = {
            option["valueCoding"]["code"]: option["valueCoding"].get("display")
            for option in twin.get("answerOption", [])
            if "valueCoding" in option
        }
        yes_no = question is not None and question.kind is QuestionKind.YES_NO
        for option in item.get("answerOption", []):
            coding = option.get("valueCoding", {})
            display = displays.get(coding.get("code"))
            theirs = not yes_no or coding.get("code") == NOT_SURE  # the file's words, not ours
            if display and "display" in coding and (ours or theirs):
                _add_translation(coding, "display", language, display)
        units = [e["valueCoding"] for e in twin.get("extension", []) if e["url"] == UNIT]
        for extension in item.get("extension", []):
            if extension["url"] == UNIT and units and "display" in units[0]:
                _add_translation(extension["valueCoding"], "display", language, units[0]["display"])


def _add_translation(element: dict[str, Any], key: str, language: str, content: str) -> None:
    """The standard translation extension on the shadow element of `element[key]`."""
    shadow = element.setdefault(f"_{key}", {})
    shadow.setdefault("extension", []).append(
        {
            "url": TRANSLATION,
            "extension": [
                {"url": "lang", "valueCode": language},
                {"url": "content", "valueString": content},
            ],
        }
    )
    if key in element:  # the shadow element right after its value, as FHIR's examples write it
        items = list(element.items())
        element.clear()
        for name, value in items:
            if name != f"_{key}":
                element[name] = value
            if name == key:
                element[f"_{key}"] = shadow


def _all_items(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every item, at any depth, in document order."""
    return [x for item in items for x in (item, *_all_items(item.get("item", [])))]


def _advice(questionnaire: Questionnaire, region: str | None) -> dict[str, str]:
    """What to do now after each warning sign's yes: its message and the urgency's advice.

    Worked out by the same assessment as a summary's (the sign's yes alone), so the form says
    what the walk and the summary say.
    """
    from spinecheck.assessment.rules import assess

    advice = {}
    for question in questionnaire.questions:
        if question.warning is None:
            continue
        assessment = assess(questionnaire, {question.id: True}, region=region)
        message = next((f.message for f in assessment.red_flags if f.id == question.id), "")
        advice[question.id] = " ".join(f"{message} {assessment.urgency_message}".split())
    return advice


def _add_advice(items: list[dict[str, Any]], advice: Mapping[str, str]) -> None:
    """Put each warning sign's advice under it, enabled by a yes (or 'not sure')."""
    for item in items:
        link = item["linkId"]
        if link in advice and item["type"] in ("boolean", "choice"):
            if item["type"] == "boolean":
                enable = [{"question": link, "operator": "=", "answerBoolean": True}]
            else:  # yes, no or not sure: 'not sure' is read as yes
                options = [o["valueCoding"] for o in item.get("answerOption", [])]
                enable = [{"question": link, "operator": "=", "answerCoding": coding}
                          for coding in options if coding["code"] in ("yes", NOT_SURE)]  # fmt: skip
            now: dict[str, Any] = {
                "linkId": f"{link}.now",
                "type": "display",
                "text": advice[link],
                "_text": {
                    "extension": [{"url": RENDERING_STYLE, "valueString": "font-weight: bold;"}]
                },
                "enableWhen": enable,
            }
            if len(enable) > 1:
                now["enableBehavior"] = "any"
            item.setdefault("item", []).append(now)
        _add_advice(item.get("item", []), advice)


EnableWhen = list[dict[str, Any]]


class Node(NamedTuple):
    """One item of the exported form: a question, or a group that only says when its items show.

    FHIR's `enableWhen` is flat: one list, all or any of it. A condition that needs "all of these
    groups of any" (pain in the back, and for 3 months or more) becomes nested groups: the outer
    group enabled by the first part, the items inside by the last. Only what nesting cannot say
    falls back to an SDC `enableWhenExpression`.
    """

    link_id: str
    question: Question | None = None
    enable: EnableWhen | None = None
    behavior: str = "any"
    children: tuple[Node, ...] = ()


def _factors(questionnaire: Questionnaire, condition: Condition) -> list[EnableWhen] | None:
    """A condition as enableWhen lists that must all hold (each met by any of its entries)."""
    simple = _enable_when(questionnaire, condition)
    if simple is not None:
        entries, behavior = simple
        return [entries] if behavior == "any" else [[entry] for entry in entries]
    if condition.form != "all":
        return None
    factors: list[EnableWhen] = []
    for child in condition.children():
        part = _factors(questionnaire, child)
        if part is None:
            return None
        factors += part
    return factors


def _plan(
    questionnaire: Questionnaire, question: Question
) -> tuple[list[EnableWhen], EnableWhen | None, str]:
    """The enableWhen of the groups around a question, its own, and its own behavior."""
    if question.when is None:
        return [], None, "any"
    factors = _factors(questionnaire, question.when)
    if factors is None:
        return [], None, "expression"
    if all(len(factor) == 1 for factor in factors):
        return [], [factor[0] for factor in factors], "all"
    return factors[:-1], factors[-1], "any"


def layout(questionnaire: Questionnaire, questions: Sequence[Question]) -> list[Node]:
    """A section's questions as exported: consecutive questions sharing a condition share groups."""
    planned = [(q, *_plan(questionnaire, q)) for q in questions]

    def tree(rows: list[tuple[Question, list[EnableWhen], EnableWhen | None, str]], level: int
             ) -> list[Node]:  # fmt: skip
        nodes: list[Node] = []
        start = 0
        while start < len(rows):
            question, groups, own, behavior = rows[start]
            if len(groups) <= level:
                nodes.append(Node(question.id, question, own, behavior))
                start += 1
                continue
            key = json.dumps(groups[level], sort_keys=True)
            end = start + 1
            while (
                end < len(rows)
                and len(rows[end][1]) > level
                and (json.dumps(rows[end][1][level], sort_keys=True) == key)
            ):
                end += 1
            suffix = "" if level == 0 else f"-{level + 1}"
            nodes.append(
                Node(
                    f"{question.id}-group{suffix}",
                    enable=groups[level],
                    children=tuple(tree(rows[start:end], level + 1)),
                )
            )
            start = end
        return nodes

    return tree(planned, 0)


def _enable(item: dict[str, Any], entries: EnableWhen, behavior: str) -> None:
    item["enableWhen"] = entries
    if len(entries) > 1:
        item["enableBehavior"] = behavior


def _questionnaire_node(questionnaire: Questionnaire, node: Node) -> dict[str, Any]:
    if node.question is not None:
        return _question_item(questionnaire, node.question, node)
    group: dict[str, Any] = {"linkId": node.link_id, "type": "group"}
    first = _first_question(node)
    if first is not None:  # every group has a title, for renderers that show one
        section = questionnaire.section_of(first.id).title
        more = (export_words(questionnaire.language) or export_words("en") or {})["more"]
        group["text"] = " ".join(f"{section}: {more}".split())
    if node.enable:
        _enable(group, node.enable, node.behavior)
    group["item"] = [_questionnaire_node(questionnaire, child) for child in node.children]
    return group


def _first_question(node: Node) -> Question | None:
    if node.question is not None:
        return node.question
    return next((q for child in node.children if (q := _first_question(child))), None)


def _question_item(questionnaire: Questionnaire, question: Question, node: Node) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question.id,
        "text": " ".join(question.text.split()),
        "type": _item_type(question),
        "required": question.required is not False,  # 'new_walks': every new walk answers it
    }
    if question.kind in (QuestionKind.MULTIPLE, QuestionKind.TEXT_LIST):
        item["repeats"] = True
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        item["answerOption"] = [
            {
                "valueCoding": _coding(questionnaire, question, choice.value),
                # 'None of these' stands alone: a renderer unticks the others (SDC)
                **({"extension": [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]}
                   if choice.exclusive else {}),
            }
            for choice in question.choices or ()
        ]  # fmt: skip
    elif question.kind is QuestionKind.YES_NO and question.unsure:
        # yes, no or not sure: a choice of three codes (not sure is read as yes)
        item["answerOption"] = [
            {"valueCoding": _coding(questionnaire, question, code)} for code in YES_NO_UNSURE
        ]
    extensions = []
    if question.kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
        low, high = question.bounds()
        extensions += [
            {"url": MIN_VALUE, "valueInteger": low},
            {"url": MAX_VALUE, "valueInteger": high},
        ]
    if question.kind is QuestionKind.SCALE:
        extensions.append(
            {
                "url": ITEM_CONTROL,
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/questionnaire-item-control",
                            "code": "slider",
                        }
                    ]
                },
            }
        )
    if question.unit:
        coding = {"display": question.unit}
        if question.unit.lower() in UCUM:
            coding = {"system": UCUM_SYSTEM, "code": UCUM[question.unit.lower()],
                      "display": question.unit}  # fmt: skip
        extensions.append({"url": UNIT, "valueCoding": coding})
    if question.kind in (QuestionKind.TEXT, QuestionKind.TEXT_LIST):
        item["maxLength"] = question.text_limit()
    if node.enable:
        _enable(item, node.enable, node.behavior)
    elif node.behavior == "expression" and question.when is not None:
        extensions.append(
            {
                "url": SDC_ENABLE_WHEN,
                "valueExpression": {
                    "language": "text/fhirpath",
                    "expression": _fhirpath(questionnaire, question.when),
                },
            }
        )
    if extensions:
        item["extension"] = extensions
    if question.help:
        item["item"] = [
            {
                "linkId": f"{question.id}.help",
                "type": "display",
                "text": " ".join(question.help.split()),
                "extension": [
                    {
                        "url": ITEM_CONTROL,
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": "http://hl7.org/fhir/questionnaire-item-control",
                                    "code": "help",
                                }
                            ]
                        },
                    }
                ],
            }
        ]
    return item


def _coding(questionnaire: Questionnaire, question: Question, value: str) -> dict[str, str]:
    choice = question.choice(value)
    display = choice.label if choice else value
    if question.kind is QuestionKind.YES_NO:
        said = export_words(questionnaire.language) or export_words("en") or {}
        unsure = question.unsure.label if question.unsure else said[NOT_SURE]
        display = {"yes": said["yes"], "no": said["no"], NOT_SURE: unsure}.get(value, value)
    return {"system": choice_system(questionnaire, question), "code": value, "display": display}


def _item_type(question: Question) -> str:
    """The FHIR item type; a yes/no question that takes 'not sure' is a choice of three."""
    if question.kind is QuestionKind.YES_NO and question.unsure:
        return "choice"
    return _TYPES[question.kind]


def _leaf_enable_when(questionnaire: Questionnaire, test: Condition) -> list[dict[str, Any]] | None:
    """EnableWhen entries for one test (several entries mean 'any of them')."""
    if test.question is None:
        return None
    target = questionnaire.question(test.question)
    if target is None:
        return None
    operators = test.operators()
    if len(operators) != 1:
        return None
    ((name, expected),) = operators.items()
    if name == "answered":
        return [{"question": target.id, "operator": "exists", "answerBoolean": bool(expected)}]
    values = expected if isinstance(expected, list) else [expected]
    if target.kind is QuestionKind.YES_NO and name == "equals":
        if target.unsure:  # a yes is 'yes' or 'not sure' (read as yes)
            codes = ["yes", NOT_SURE] if expected else ["no"]
            return [
                {
                    "question": target.id,
                    "operator": "=",
                    "answerCoding": _coding(questionnaire, target, code),
                }
                for code in codes
            ]
        return [{"question": target.id, "operator": "=", "answerBoolean": bool(expected)}]
    if target.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and name in (
        "equals",
        "in",
        "includes",
    ):
        if target.kind is QuestionKind.MULTIPLE and name == "equals":
            return None
        return [
            {
                "question": target.id,
                "operator": "=",
                "answerCoding": _coding(questionnaire, target, str(v)),
            }
            for v in values
        ]
    comparisons = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}
    if name in comparisons and target.kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
        return [
            {
                "question": target.id,
                "operator": comparisons[name],
                "answerInteger": int(float(str(expected))),
            }
        ]
    return None


def _enable_when(
    questionnaire: Questionnaire, condition: Condition
) -> tuple[list[dict[str, Any]], str] | None:
    """EnableWhen and enableBehavior when the condition fits FHIR's flat form, else None."""
    form = condition.form
    if form == "question":
        entries = _leaf_enable_when(questionnaire, condition)
        return (entries, "any") if entries else None
    if form in ("all", "any"):
        collected: list[dict[str, Any]] = []
        for child in condition.children():
            entries = _leaf_enable_when(questionnaire, child) if child.form == "question" else None
            if entries is None or (form == "all" and len(entries) > 1):
                return None
            collected += entries
        return collected, form
    return None


def _fhirpath(questionnaire: Questionnaire, condition: Condition) -> str:
    """A FHIRPath expression for any condition (SDC enableWhenExpression)."""
    form = condition.form
    children = condition.children()
    if form in ("all", "any"):
        joiner = " and " if form == "all" else " or "
        return "(" + joiner.join(_fhirpath(questionnaire, c) for c in children) + ")"
    if form == "not":
        return f"({_fhirpath(questionnaire, children[0])}).not()"
    if form == "count_true":
        assert condition.count_true is not None
        parts = " | ".join(
            f"iif({_fhirpath(questionnaire, c)}, '{i}', {{}})" for i, c in enumerate(children)
        )
        return f"(({parts}).count() >= {condition.count_true.at_least})"
    if form != "question" or condition.question is None:
        return "true"  # scores and medicines are not visible to a form renderer: always ask
    answer = f"%resource.repeat(item).where(linkId={_literal(condition.question)}).answer.value"
    target = questionnaire.question(condition.question)
    tests = []
    for name, expected in condition.operators().items():
        if name == "answered":
            tests.append(f"{answer}.exists()" if expected else f"{answer}.empty()")
            continue
        values = expected if isinstance(expected, list) else [expected]
        if target is not None and target.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            # FHIRPath has no list literal but {}: a union of literals is the set to meet
            codes = " | ".join(_literal(str(v)) for v in values)
            tests.append(f"{answer}.code.intersect({codes}).exists()")
        elif name in ("equals", "in"):
            literals = " | ".join(
                _literal(v) if isinstance(v, str) else str(v).lower() for v in values
            )
            tests.append(f"{answer}.intersect({literals}).exists()")
        else:
            symbol = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}[name]
            tests.append(f"({answer} {symbol} {expected:g})")
    return "(" + " and ".join(tests) + ")"


def _literal(text: str) -> str:
    """A FHIRPath string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def to_questionnaire_response(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    *,
    authored: str | None = None,
    completed: bool = True,
    stopped: bool = False,
    patient: Mapping[str, str] | None = None,
    source: str | None = None,
    subject: Mapping[str, Any] | None = None,
    encounter: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The answers as a FHIR R4 QuestionnaireResponse shaped like the Questionnaire's items.

    `subject` and `encounter` are references to the Bundle's Patient and Encounter; without a
    `subject`, contract 1.1's patient details become a logical reference carrying the
    identifier and the name. The answer file's path becomes the response's `identifier`, so a
    script can match a Bundle's entries to its inputs. The `id` is stable: the same file and
    answers give the same id. `status` is `stopped` when the walk stopped at an emergency sign,
    `in-progress` for unfinished answers.

    `language` (contract 1.2) is the questionnaire's: the language of the items' texts and the
    answers' displays, the one the patient answered in when the summary is theirs. The codes
    are the same in every language, and only they are read back.
    """
    groups = []
    for section in questionnaire.sections:
        items = _response_items(questionnaire, layout(questionnaire, section.questions), answers)
        if items:
            groups.append(
                {"linkId": section_link(section.id), "text": section.title, "item": items}
            )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{canonical_url(questionnaire)}|{questionnaire.version}",
        "status": "stopped" if stopped else "completed" if completed else "in-progress",
        "item": groups,
    }
    resource = {  # the language after the id: it is not part of it (texts and answers are)
        "resourceType": "QuestionnaireResponse",
        "id": _stable_id(resource, source),
        "language": questionnaire.language,
    } | {k: v for k, v in resource.items() if k != "resourceType"}
    if authored:
        resource["authored"] = authored
    if source:
        resource["identifier"] = {"system": ANSWER_FILE_SYSTEM, "value": source}
    subject = subject or _subject(patient or {})
    if subject:
        resource["subject"] = dict(subject)
    if encounter:
        resource["encounter"] = dict(encounter)
    return cleaned(resource)  # no control sequences in anything a records system files


def _response_items(
    questionnaire: Questionnaire, nodes: Sequence[Node], answers: Mapping[str, AnswerValue]
) -> list[dict[str, Any]]:
    """The answered items, nested in the same groups as the Questionnaire's."""
    items = []
    for node in nodes:
        if node.question is None:
            inner = _response_items(questionnaire, node.children, answers)
            if inner:
                items.append({"linkId": node.link_id, "item": inner})
        elif node.question.id in answers:
            question = node.question
            items.append(
                {
                    "linkId": question.id,
                    "text": " ".join(question.text.split()),
                    "answer": _answers(questionnaire, question, answers[question.id]),
                }
            )
    return items


ANSWER_FILE_SYSTEM = "urn:spinecheck:answer-file"
"""The identifier system naming the answer file a QuestionnaireResponse was made from."""


def _subject(patient: Mapping[str, str]) -> dict[str, Any] | None:
    subject: dict[str, Any] = {}
    if patient.get("identifier"):
        subject["identifier"] = {"value": patient["identifier"]}
    if patient.get("name"):
        subject["display"] = patient["name"]
    return subject or None


def _answers(
    questionnaire: Questionnaire, question: Question, value: AnswerValue
) -> list[dict[str, Any]]:
    kind = question.kind
    if kind is QuestionKind.YES_NO:
        if question.unsure:
            code = NOT_SURE if value == NOT_SURE else "yes" if value is True else "no"
            return [{"valueCoding": _coding(questionnaire, question, code)}]
        return [{"valueBoolean": bool(value)}]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        values = value if isinstance(value, list) else [str(value)]
        return [{"valueCoding": _coding(questionnaire, question, v)} for v in values]
    if kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
        return [{"valueInteger": int(value)}]  # type: ignore[arg-type]  # checked as int
    if kind is QuestionKind.TEXT_LIST:
        values = value if isinstance(value, list) else [str(value)]
        return [{"valueString": v} for v in values]
    return [{"valueString": str(value)}]


def bundle_timestamp() -> str:
    """When a Bundle is made (now, in UTC)."""
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def bundle(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A collection Bundle of entries; its id follows from theirs, so it is stable too."""
    ids = "|".join(str(entry["resource"].get("id", "")) for entry in entries)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:spinecheck:bundle:" + ids)),
        "type": "collection",
        "timestamp": bundle_timestamp(),
        "entry": entries,
    }


def bundle_entry(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A Bundle entry with the `fullUrl` the FHIR validator asks for."""
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": dict(resource)}


def _stable_id(resource: Mapping[str, Any], source: str | None) -> str:
    """A UUID that stays the same for the same answer file and answers."""
    digest = json.dumps([source or "", resource], sort_keys=True, ensure_ascii=False)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:spinecheck:response:" + digest))
