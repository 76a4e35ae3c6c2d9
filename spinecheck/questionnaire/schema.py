"""The JSON Schema of questionnaire files (`spinecheck schema`), for editors and checks."""

from __future__ import annotations

from typing import Any


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that questionnaire files follow."""
    import msgspec

    from spinecheck.questionnaire.model import Questionnaire

    generated = msgspec.json.schema(Questionnaire)
    definitions = generated["$defs"]
    document: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **definitions.pop("Questionnaire"),
        "title": "spinecheck questionnaire",
        "$defs": definitions,
    }
    return document
