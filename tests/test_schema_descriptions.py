"""`spinecheck schema`: every key has a description from the model's docstrings (editor hover help)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import msgspec
import pytest
import yaml

from spinecheck.questionnaire import model, schema
from spinecheck.questionnaire.schema import field_docstrings, json_schema, prose


@pytest.fixture(scope="module")
def printed() -> dict[str, Any]:
    """The schema as `spinecheck schema` prints it (JSON, read back)."""
    document: dict[str, Any] = json.loads(json.dumps(json_schema()))
    return document


def test_the_schema_command_prints_the_described_schema(printed):
    from typer.testing import CliRunner

    from spinecheck.cli import app

    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == printed
    assert '"description": "The region used unless another is chosen' in result.stdout


def keys_without_description(node: Any, path: str = "") -> list[str]:
    """Every key under `properties`, at any depth, whose schema has no description."""
    missing: list[str] = []
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for key, value in properties.items():
                description = value.get("description") if isinstance(value, dict) else None
                if not (isinstance(description, str) and description.strip()):
                    missing.append(f"{path}.{key}".lstrip("."))
        for key, value in node.items():
            if key == "$defs":
                for name, definition in value.items():
                    missing += keys_without_description(definition, name)
            elif key == "properties" and isinstance(value, dict):
                for name, inner in value.items():
                    missing += keys_without_description(inner, f"{path}.{name}".lstrip("."))
            elif isinstance(value, dict | list):
                missing += keys_without_description(value, path)
    elif isinstance(node, list):
        for item in node:
            missing += keys_without_description(item, path)
    return missing


def models() -> dict[str, type[msgspec.Struct]]:
    return schema._models(msgspec.inspect.type_info(model.Questionnaire), {})


def uses_translations(node: dict[str, Any]) -> bool:
    return {"$ref": "#/$defs/Translations"} in node.get("anyOf", [])


def test_every_key_at_every_level_has_a_description(printed):
    assert len(printed["properties"]) > 15
    assert keys_without_description(printed) == []


def test_every_model_field_has_a_docstring():
    docstrings = field_docstrings()
    lacking = [
        f"{name}.{info.name}"
        for name, cls in models().items()
        for info in msgspec.structs.fields(cls)
        if not docstrings.get(name, {}).get(info.name)
    ]
    assert lacking == [], "write a docstring under each of these fields in model.py"


def test_a_field_without_a_docstring_is_named(monkeypatch):
    real = field_docstrings()
    real["Questionnaire"].pop("default_region")
    real["Condition"].pop("in_")
    monkeypatch.setattr(schema, "field_docstrings", lambda: real)
    assert sorted(keys_without_description(json_schema())) == [
        "Condition.in",
        "default_region",
    ]


def test_descriptions_are_the_docstrings(printed):
    definitions = printed["$defs"]
    assert printed["properties"]["default_region"]["description"] == (
        "The region used unless another is chosen (--region or SPINECHECK_REGION)."
    )
    # a key whose file name is a Python word (`in`, held in `in_`)
    assert definitions["Condition"]["properties"]["in"]["description"] == (
        "The answer is one of these values."
    )
    assert definitions["Choice"]["properties"]["exclusive"]["description"] == (
        "Choosing this clears every other choice (for 'none of these')."
    )
    # a docstring wrapped over two source lines reads as one line
    unsure = definitions["Question"]["properties"]["unsure"]["description"]
    assert unsure.startswith("For yes_no: also accept 'not sure' (stored as `not_sure`), which")
    assert "\n" not in unsure
    assert unsure == prose(field_docstrings()["Question"]["unsure"])


def test_each_definition_is_described_by_its_class_docstring(printed):
    definitions = printed["$defs"]
    undescribed = [name for name, d in definitions.items() if not d.get("description")]
    assert undescribed == []
    assert printed["description"] == "A whole questionnaire file."
    for name, cls in models().items():
        if name != "Questionnaire":
            assert definitions[name]["description"] == prose(cls.__doc__ or ""), name
    # paragraphs stay apart; lines within one are joined
    condition = definitions["Condition"]["description"]
    assert condition.startswith("A condition as data: a combination (all/any/not/count_true)")
    assert condition.count("\n") == 2
    assert "for questions and scores, one operator" in condition


def test_translated_texts_keep_their_description_beside_both_shapes(printed):
    question = printed["$defs"]["Question"]["properties"]
    assert uses_translations(question["text"])
    assert question["text"]["description"] == "The question as the patient reads it."
    assert question["text"]["anyOf"][0] == {"type": "string", "minLength": 1}
    assert uses_translations(printed["properties"]["title"])
    assert printed["properties"]["title"]["description"]
    translated = [
        f"{name}.{key}"
        for name, definition in [("Questionnaire", printed), *printed["$defs"].items()]
        for key, value in definition.get("properties", {}).items()
        if uses_translations(value)
    ]
    assert "Choice.label" in translated
    assert "Region.emergency" in translated
    # maps of texts (`urgency_messages: {emergency: ...}`) and each language of a text
    for name, definition, key in [
        ("Questionnaire", printed, "urgency_messages"),
        ("Region", printed["$defs"]["Region"], "terms"),
    ]:
        values = definition["properties"][key]["additionalProperties"]
        assert uses_translations(values), name
        assert values["description"]
    translations = printed["$defs"]["Translations"]
    assert translations["description"]
    assert translations["additionalProperties"]["description"]
    assert translations["propertyNames"]["description"]


def test_the_printed_schema_is_valid_and_accepts_the_translated_questionnaire(
    printed, shipped_text
):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(printed)
    data = yaml.safe_load(shipped_text)
    assert data["languages"]  # the shipped file uses the translated shape: {en: ..., es: ...}
    jsonschema.Draft202012Validator(printed).validate(data)
    data["sections"][0]["questions"][0]["text"] = {"en": "Hello", "es": ""}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(printed).validate(data)


def test_only_the_schema_command_reads_the_docstrings():
    code = (
        "import sys\n"
        "from spinecheck.cli import app\n"
        "from spinecheck.questionnaire.loading import load_questionnaire\n"
        "load_questionnaire()\n"
        "print('spinecheck.questionnaire.schema' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
