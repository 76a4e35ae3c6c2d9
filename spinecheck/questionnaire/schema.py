"""The JSON Schema of questionnaire files (`spinecheck schema`), for editors and checks."""

from __future__ import annotations

from typing import Any


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that questionnaire files follow."""
    import msgspec

    from spinecheck.questionnaire.model import Questionnaire

    generated = msgspec.json.schema(Questionnaire)
    definitions = generated["$defs"]
    _allow_translations(definitions)
    document: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **definitions.pop("Questionnaire"),
        "title": "spinecheck questionnaire",
        "$defs": definitions,
    }
    return document


TRANSLATIONS = {
    "type": "object",
    "description": "The text in each language the file declares, by language code "
    "(`en: ...`, `es: ...`): every declared language needs every text.",
    "propertyNames": {"pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
    "additionalProperties": {"type": "string", "minLength": 1},
    "minProperties": 1,
}


def _allow_translations(definitions: dict[str, Any]) -> None:
    """Let every text a patient reads be one string or one per language (see `languages`)."""
    from msgspec import inspect

    from spinecheck.questionnaire.model import Questionnaire

    reference = {"$ref": "#/$defs/Translations"}
    for model in _models(inspect.type_info(Questionnaire), {}).values():
        properties = definitions.get(model.__name__, {}).get("properties", {})
        for name in model.texts:
            if name in properties:
                plain = dict(properties[name])
                kept = {k: plain.pop(k) for k in ("description", "default", "title") if k in plain}
                properties[name] = {**kept, "anyOf": [plain, reference]}
        for name in model.text_maps:
            if name in properties:
                properties[name]["additionalProperties"] = {
                    "anyOf": [{"type": "string"}, reference]
                }
    definitions["Translations"] = TRANSLATIONS


def _models(info: Any, found: dict[str, Any]) -> dict[str, Any]:
    """Every model class reachable from a msgspec type description, by name."""
    from msgspec import inspect

    while isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.StructType):
        if info.cls.__name__ in found:
            return found
        found[info.cls.__name__] = info.cls
        for field in info.fields:
            _models(field.type, found)
    elif isinstance(info, inspect.UnionType):
        for option in info.types:
            _models(option, found)
    elif isinstance(info, inspect.ListType):
        _models(info.item_type, found)
    elif isinstance(info, inspect.DictType):
        _models(info.value_type, found)
    return found
