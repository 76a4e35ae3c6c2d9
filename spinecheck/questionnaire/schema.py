"""The JSON Schema of questionnaire files (`spinecheck schema`), for editors and checks.

Every key carries a `description` (shown by editors on hover): a model's class docstring
describes its definition, and the docstring written under a field describes its key. Python
keeps no field docstrings at run time, so they are read from the source of
`spinecheck.questionnaire.model` (shipped in the wheel), and only when the schema is printed.
"""

from __future__ import annotations

import functools
from typing import Any


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that questionnaire files follow."""
    import msgspec
    from msgspec import inspect

    from spinecheck.questionnaire.model import Questionnaire

    generated = msgspec.json.schema(Questionnaire)
    definitions = generated["$defs"]
    models = _models(inspect.type_info(Questionnaire), {})
    _describe(definitions, models)
    _allow_translations(definitions, models)
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
    "propertyNames": {
        "description": "A language code declared by `language` or `languages` (`es`, `pt-BR`).",
        "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    },
    "additionalProperties": {
        "description": "The text in the language this key names.",
        "type": "string",
        "minLength": 1,
    },
    "minProperties": 1,
}


def prose(docstring: str) -> str:
    """A docstring as one line per paragraph: the source's line breaks are only wrapping."""
    import inspect

    paragraphs = inspect.cleandoc(docstring).split("\n\n")
    return "\n\n".join(" ".join(part.split()) for part in paragraphs if part.strip())


@functools.cache
def field_docstrings() -> dict[str, dict[str, str]]:
    """The docstring written right after each field of each class in the model's source.

    By class name, then attribute name. Empty if the source cannot be read (the schema is then
    printed without key descriptions rather than not at all).
    """
    import ast
    import inspect

    from spinecheck.questionnaire import model

    try:
        source = inspect.getsource(model)
    except (OSError, TypeError):  # pragma: no cover - an install without .py files
        return {}
    found: dict[str, dict[str, str]] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        docs = found.setdefault(node.name, {})
        for statement, following in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
                and following.value.value.strip()
            ):
                docs[statement.target.id] = prose(following.value.value)
    return found


def _describe(definitions: dict[str, Any], models: dict[str, Any]) -> None:
    """Give each model's definition its class docstring and each of its keys its field's."""
    import msgspec

    docstrings = field_docstrings()
    for definition in definitions.values():
        if isinstance(definition.get("description"), str):
            definition["description"] = prose(definition["description"])
    for name, model in models.items():
        properties = definitions.get(name, {}).get("properties", {})
        for info in msgspec.structs.fields(model):
            schema = properties.get(info.encode_name)
            if schema is None or schema.get("description"):
                continue  # a `Meta(description=...)` on the type is kept
            for owner in model.__mro__:
                text = docstrings.get(owner.__name__, {}).get(info.name)
                if text:
                    schema["description"] = text
                    break


def _allow_translations(definitions: dict[str, Any], models: dict[str, Any]) -> None:
    """Let every text a patient reads be one string or one per language (see `languages`).

    The key's description stays on the key, beside the choice of one string or translations.
    """
    reference = {"$ref": "#/$defs/Translations"}
    for model in models.values():
        properties = definitions.get(model.__name__, {}).get("properties", {})
        for name in model.texts:
            if name in properties:
                plain = dict(properties[name])
                kept = {k: plain.pop(k) for k in ("description", "default", "title") if k in plain}
                properties[name] = {**kept, "anyOf": [plain, reference]}
        for name in model.text_maps:
            if name in properties:
                properties[name]["additionalProperties"] = {
                    "description": "The text for this key: one string, or one per language.",
                    "anyOf": [{"type": "string"}, reference],
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
