"""The JSON Schema of questionnaire files (`spinecheck schema`), for editors and checks."""

from __future__ import annotations

from typing import Any


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that questionnaire files follow."""
    from spinecheck.questionnaire.model import Questionnaire

    document = Questionnaire.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "spinecheck questionnaire"
    return document
