"""FHIR in two languages (issue 27, item 5): the exported Questionnaire carries the Spanish of
every text as the standard `translation` extension and declares its languages; a
QuestionnaireResponse records the language it was answered in, and reads back in either."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck.answers.files import load_answer_files
from spinecheck.assessment.rules import assess
from spinecheck.cli import app
from spinecheck.questionnaire.fhir_ids import section_link
from spinecheck.questionnaire.loading import load_languages, parse_languages
from spinecheck.questionnaire.model import QuestionKind, Questionnaire
from spinecheck.render.fhir import (
    ADDITIONAL_LANGUAGE,
    TRANSLATION,
    UNIT,
    to_questionnaire,
    to_questionnaire_response,
)
from tests.conftest import DATA
from tests.test_fhir import REQUIRED, SAMPLES, _harness, medplum_reports

runner = CliRunner()


@pytest.fixture(scope="module")
def languages() -> dict[str, Questionnaire]:
    return load_languages()


@pytest.fixture(scope="module")
def exported(languages: dict[str, Questionnaire]) -> dict[str, Any]:
    return to_questionnaire(languages["en"], translations=[languages["es"]])


def _all(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [x for item in items for x in (item, *_all(item.get("item", [])))]


def _by_link(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in _all(resource["item"])}


def _translations(element: dict[str, Any], key: str) -> dict[str, str]:
    """The translations of `element[key]`, by language."""
    found = {}
    for extension in element.get(f"_{key}", {}).get("extension", []):
        if extension["url"] == TRANSLATION:
            parts = {part["url"]: part for part in extension["extension"]}
            assert set(parts) == {"lang", "content"}
            found[parts["lang"]["valueCode"]] = parts["content"]["valueString"]
    return found


def _flat(text: str) -> str:
    return " ".join(text.split())


def _without_translations(data: Any) -> Any:
    """A resource with every translation taken out (and shadow elements left empty by it)."""
    if isinstance(data, list):
        return [_without_translations(item) for item in data]
    if not isinstance(data, dict):
        return data
    kept = {}
    for key, value in data.items():
        if key.startswith("_"):
            others = [e for e in value.get("extension", []) if e["url"] != TRANSLATION]
            if not others:
                continue
            value = {**value, "extension": others}
        kept[key] = _without_translations(value)
    return kept


# -- the exported Questionnaire ---------------------------------------------------------------


def test_the_export_is_english_and_declares_spanish(exported):
    assert exported["language"] == "en"
    assert exported["extension"] == [{"url": ADDITIONAL_LANGUAGE, "valueCode": "es"}]
    assert list(exported)[:4] == ["resourceType", "id", "language", "extension"]


def test_every_spanish_text_is_a_translation_on_its_own_element(languages, exported):
    """Each Spanish text, taken from the Spanish model by id, is on the element it translates."""
    spanish: Questionnaire = languages["es"]
    items = _by_link(exported)
    assert _translations(exported, "title") == {"es": spanish.title}
    assert spanish.description
    assert _translations(exported, "description") == {"es": spanish.description}
    for section in spanish.sections:
        assert _translations(items[section_link(section.id)], "text") == {"es": section.title}
    for question in spanish.questions:
        item = items[question.id]
        assert _translations(item, "text") == {"es": _flat(question.text)}, question.id
        if question.help:
            help_item = items[f"{question.id}.help"]
            assert _translations(help_item, "text") == {"es": _flat(question.help)}
        options = {o["valueCoding"]["code"]: o["valueCoding"] for o in item.get("answerOption", [])}
        for choice in question.choices or ():
            assert _translations(options[choice.value], "display") == {"es": choice.label}
        if question.kind is QuestionKind.YES_NO and question.unsure:
            assert _translations(options["yes"], "display") == {"es": "Sí"}
            assert _translations(options["no"], "display") == {"es": "No"}
            assert _translations(options["not_sure"], "display") == {"es": question.unsure.label}
        if question.unit:
            (unit,) = [e["valueCoding"] for e in item["extension"] if e["url"] == UNIT]
            assert _translations(unit, "display") == {"es": question.unit}
        if question.warning is not None:  # what to do now, worked out in Spanish
            now = items[f"{question.id}.now"]
            said = assess(spanish, {question.id: True})
            message = next(f.message for f in said.red_flags if f.id == question.id)
            assert _translations(now, "text") == {"es": _flat(f"{message} {said.urgency_message}")}
    assert "Llame al 911" in _translations(items["rf_bladder_change.now"], "text")["es"]


def test_every_string_a_patient_reads_has_its_spanish(exported):
    """No text, display or title of the form is left without a Spanish version."""
    missing = []

    def walk(data: Any, inside: str) -> None:
        if isinstance(data, list):
            for item in data:
                walk(item, inside)
        elif isinstance(data, dict):
            for key, value in data.items():
                readable = key in ("title", "description", "text", "display")
                if readable and isinstance(value, str) and inside != "answerCoding":
                    if "es" not in _translations(data, key):
                        missing.append((key, value))
                walk(value, key)

    walk(exported, "")
    assert not missing
    groups = [i for i in _all(exported["item"]) if i["linkId"].endswith("-group")]
    assert groups
    assert all(_translations(g, "text")["es"].endswith(": algunas preguntas más") for g in groups)


def test_the_english_export_is_unchanged_apart_from_the_additions(languages, exported):
    alone = to_questionnaire(languages["en"])
    assert alone["language"] == "en"
    assert "extension" not in alone  # one language: nothing more to declare
    assert _without_translations({k: v for k, v in exported.items() if k != "extension"}) == alone
    # the texts themselves are the English ones, as before
    items = _by_link(exported)
    english = languages["en"]
    for question in english.questions:
        assert items[question.id]["text"] == _flat(question.text)
    assert exported["title"] == english.title


def test_translations_follow_ids_never_wording():
    """Two questions and two choices with the same English words and different Spanish each get
    their own Spanish; a language without the export's own words gets none of them."""
    text = textwrap.dedent(
        """\
        format: 1
        id: twins
        version: "1"
        title: {en: Check, es: Revisión, fr: Bilan}
        language: en
        languages: [es, fr]
        sections:
          - id: main
            title: {en: Main, es: Principal, fr: Principal}
            questions:
              - id: first
                kind: yes_no
                text: {en: Does it hurt?, es: ¿Le duele la espalda?, fr: Avez-vous mal au dos ?}
                unsure:
                  label: {en: Not sure, es: No sé, fr: Je ne sais pas}
                  clinical: unsure
              - id: second
                kind: single
                text: {en: Does it hurt?, es: ¿Le duele el cuello?, fr: Avez-vous mal au cou ?}
                choices:
                  - {value: a, label: {en: A little, es: Un poco, fr: Un peu}}
                  - {value: b, label: {en: A little, es: Algo, fr: Assez}}
        """
    )
    found = parse_languages(text, "twins.yaml")
    form = to_questionnaire(found["en"], translations=[found["es"], found["fr"]])
    assert [e["valueCode"] for e in form["extension"]] == ["es", "fr"]
    items = _by_link(form)
    assert _translations(items["first"], "text")["es"] == "¿Le duele la espalda?"
    assert _translations(items["second"], "text")["es"] == "¿Le duele el cuello?"
    options = [o["valueCoding"] for o in items["second"]["answerOption"]]
    assert [_translations(o, "display") for o in options] == [
        {"es": "Un poco", "fr": "Un peu"}, {"es": "Algo", "fr": "Assez"}
    ]  # fmt: skip
    yes, no, unsure = (o["valueCoding"] for o in items["first"]["answerOption"])
    assert _translations(yes, "display") == {"es": "Sí"}  # no French 'Yes' of ours: none
    assert _translations(no, "display") == {"es": "No"}
    assert _translations(unsure, "display") == {"es": "No sé", "fr": "Je ne sais pas"}


def test_a_translation_of_another_questionnaire_is_refused(languages):
    import msgspec

    other = msgspec.structs.replace(languages["es"], version="0")
    with pytest.raises(ValueError, match="is not a translation"):
        to_questionnaire(languages["en"], translations=[other])


def test_the_command_exports_with_translations_and_in_spanish_on_request():
    result = runner.invoke(app, ["export-questionnaire"])
    assert result.exit_code == 0, result.output
    english = json.loads(result.stdout)
    assert english["language"] == "en"
    assert _translations(english, "title")["es"].startswith("Preparación")
    result = runner.invoke(app, ["export-questionnaire", "--language", "es"])
    assert result.exit_code == 0, result.output
    spanish = json.loads(result.stdout)
    assert spanish["language"] == "es"
    assert spanish["extension"] == [{"url": ADDITIONAL_LANGUAGE, "valueCode": "en"}]
    assert spanish["title"].startswith("Preparación")
    assert _translations(spanish, "title") == {"en": english["title"]}
    age = _by_link(spanish)["age"]
    (unit,) = [e["valueCoding"] for e in age["extension"] if e["url"] == UNIT]
    assert (unit["code"], unit["display"]) == ("a", "años")  # the same UCUM code in Spanish
    # the same form in both: linkIds, codes and conditions are shared
    assert _without_ids_texts(spanish) == _without_ids_texts(english)


def _without_ids_texts(resource: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (item["linkId"], item["type"],
         tuple(o["valueCoding"]["code"] for o in item.get("answerOption", [])))
        for item in _all(resource["item"])
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["--language", "fr"], 1, "this questionnaire has no French (fr) texts"),
        (["--language"], 2, "requires an argument"),
        (["--region", "mars", "--language", "es"], 1, "unknown region 'mars'"),
    ],
)
def test_export_exit_codes_hold(args, code, said):
    result = runner.invoke(app, ["export-questionnaire", *args])
    assert result.exit_code == code
    assert said in result.output
    assert "Traceback" not in result.output


# -- QuestionnaireResponses in both languages ------------------------------------------------


def _answer_file(tmp_path: Path, sample: str, language: str | None) -> Path:
    path = DATA / sample
    data = (
        json.loads(path.read_text("utf-8"))
        if sample.endswith(".json")
        else yaml.safe_load(path.read_text("utf-8"))
    )
    if language is not None:
        data["spinecheck"]["language"] = language
    out = tmp_path / f"{Path(sample).stem}-{language}.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return out


def _region(sample: str) -> list[str]:
    return ["--region", "uk"] if sample == "neck_uk.json" else []


@pytest.mark.parametrize("language", ["es", "en", None])
@pytest.mark.parametrize("sample", SAMPLES)
def test_a_response_records_its_language_and_reads_back_the_same(tmp_path, sample, language):
    """Answer file -> FHIR -> summary gives the same JSON summary, language included."""
    answers = _answer_file(tmp_path, sample, language)
    first = runner.invoke(app, ["summary", str(answers), "--format", "json", *_region(sample)])
    assert first.exit_code == 0, first.output
    fhir = runner.invoke(app, ["summary", str(answers), "--format", "fhir"])
    assert fhir.exit_code == 0, fhir.output
    response = json.loads(fhir.stdout)["entry"][0]["resource"]
    assert response["language"] == (language or "en")
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response, ensure_ascii=False), encoding="utf-8")
    again = runner.invoke(app, ["summary", str(path), "--format", "json", *_region(sample)])
    assert again.exit_code == 0, again.output
    before, after = json.loads(first.stdout), json.loads(again.stdout)
    assert before.pop("source") != after.pop("source")
    assert before == after
    assert after["language"] == (language or "en")


def test_a_spanish_response_is_in_spanish_with_the_same_codes(languages, tmp_path):
    spanish_file = _answer_file(tmp_path, "chronic_back.yaml", "es")
    english_file = _answer_file(tmp_path, "chronic_back.yaml", "en")
    responses = {}
    for language, path in (("es", spanish_file), ("en", english_file)):
        fhir = runner.invoke(app, ["summary", str(path), "--format", "fhir"])
        responses[language] = json.loads(fhir.stdout)["entry"][0]["resource"]
    items = {language: _by_link(r) for language, r in responses.items()}
    spanish = languages["es"]
    assert items["es"]["section-pain"]["text"] == spanish.section_of("pain_areas").title
    assert items["es"]["pain_areas"]["text"] == _flat(spanish.question("pain_areas").text)
    (area, *_) = items["es"]["pain_areas"]["answer"]
    choice = spanish.question("pain_areas").choice(area["valueCoding"]["code"])
    assert choice is not None
    assert area["valueCoding"]["display"] == choice.label
    assert items["es"]["rf_saddle_numbness"]["answer"][0]["valueCoding"]["display"] == "No"

    def codes(response: dict[str, Any]) -> list[Any]:
        return [
            (item["linkId"], [a.get("valueCoding", {}).get("code", a) for a in item["answer"]])
            for item in _all(response["item"]) if "answer" in item
        ]  # fmt: skip

    assert codes(responses["es"]) == codes(responses["en"])
    assert responses["es"]["id"] != responses["en"]["id"]  # different texts: another resource


def test_a_spanish_display_never_changes_the_code_read(languages, tmp_path):
    """Only codes are read: a display in any words, even one that says the opposite."""
    spanish = languages["es"]
    response = to_questionnaire_response(spanish, {"rf_saddle_numbness": "no"} | _rest(spanish))
    item = _by_link(response)["rf_saddle_numbness"]
    item["answer"][0]["valueCoding"]["display"] = "Sí"  # says yes, coded no
    areas = _by_link(response)["pain_areas"]
    areas["answer"][0]["valueCoding"]["display"] = "Cuello"  # says neck, coded otherwise
    path = tmp_path / "misleading.json"
    path.write_text(json.dumps(response, ensure_ascii=False), encoding="utf-8")
    (back,) = load_answer_files(path, spanish)
    assert back.answers["rf_saddle_numbness"] is False
    assert back.answers["pain_areas"] == _rest(spanish)["pain_areas"]
    assert back.metadata["language"] == "es"


def _rest(questionnaire: Questionnaire) -> dict[str, Any]:
    from spinecheck.questionnaire.answering import check_answers
    from tests.conftest import minimal_answers

    answers, problems, _ = check_answers(questionnaire, minimal_answers(questionnaire))
    assert not problems
    return dict(answers)


def test_a_spanish_response_gives_a_spanish_patient_summary(tmp_path):
    answers = _answer_file(tmp_path, "chronic_back.yaml", "es")
    fhir = runner.invoke(app, ["summary", str(answers), "--format", "fhir"])
    path = tmp_path / "bundle.json"
    path.write_text(fhir.stdout, encoding="utf-8")
    page = runner.invoke(app, ["summary", str(path), "--format", "text"])
    assert page.exit_code == 0, page.output
    assert "Preparación para su cita" in page.stdout
    english = runner.invoke(app, ["summary", str(path), "--format", "json", "--language", "en"])
    assert json.loads(english.stdout)["language"] == "en"  # --language still wins


@pytest.mark.parametrize(
    ("written", "read"),
    [("es", "es"), ("es-MX", "es-MX"), ("ES", "es"), ("es_MX", "es-MX"), ("en", "en"),
     ("Spanish", None), (None, None)],
)  # fmt: skip
def test_a_responses_language_is_read_as_a_code(languages, tmp_path, written, read):
    response = to_questionnaire_response(languages["en"], _rest(languages["en"]))
    response.pop("language")
    if written is not None:
        response["language"] = written
    path = tmp_path / "r.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    (back,) = load_answer_files(path, languages["en"])
    assert back.metadata.get("language") == read


def test_a_language_that_is_no_text_is_an_error_with_its_line(languages, tmp_path):
    response = to_questionnaire_response(languages["en"], _rest(languages["en"]))
    response["language"] = 5
    path = tmp_path / "r.json"
    path.write_text(json.dumps(response, indent=2), encoding="utf-8")
    result = runner.invoke(app, ["summary", str(path), "--format", "json"])
    assert result.exit_code == 1
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if '"language"' in text
    )
    assert f"{path}:{line}:" in result.stderr
    assert "'language' must be a language code" in result.stderr
    assert "Traceback" not in result.output


def test_exit_codes_hold_for_spanish_responses(tmp_path):
    """Contract exit codes: an emergency is 0 for summary; a wrong code is 1 with its line."""
    answers = _answer_file(tmp_path, "emergency.yaml", "es")
    fhir = runner.invoke(app, ["summary", str(answers), "--format", "fhir"])
    bundle = json.loads(fhir.stdout)
    path = tmp_path / "emergency.json"
    path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["summary", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["urgency"] == "emergency"
    assert json.loads(result.stdout)["language"] == "es"
    response = bundle["entry"][0]["resource"]
    coding = next(a["valueCoding"] for i in _all(response["item"]) for a in i.get("answer", [])
                  if "valueCoding" in a)  # fmt: skip
    coding["code"] = "sí"
    path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["summary", str(path), "--format", "json"])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1)
                if '"code": "sí"' in text)  # fmt: skip
    assert f"{path}:{line}:" in result.stderr
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["summary", str(path), "--format", "nonsense"])
    assert result.exit_code == 2


# -- independent FHIR software -------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory, exported) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fhir-languages")
    found = {"questionnaire": folder / "questionnaire.json"}
    found["questionnaire"].write_text(json.dumps(exported, ensure_ascii=False), "utf-8")
    spanish = runner.invoke(app, ["export-questionnaire", "--language", "es"]).stdout
    found["questionnaire-es"] = folder / "questionnaire-es.json"
    found["questionnaire-es"].write_text(spanish, "utf-8")
    for language in ("es", "en"):
        for sample in SAMPLES:
            answers = _answer_file(folder, sample, language)
            result = runner.invoke(app, ["summary", str(answers), "--format", "fhir"])
            name = f"{Path(sample).stem}-{language}"
            found[f"{name}.bundle"] = folder / f"{name}.bundle.json"
            found[f"{name}.bundle"].write_text(result.stdout, "utf-8")
            found[name] = folder / f"{name}.response.json"
            response = json.loads(result.stdout)["entry"][0]["resource"]
            found[name].write_text(json.dumps(response, ensure_ascii=False), "utf-8")
    return found


def test_the_fhir_models_accept_both_exports_and_the_spanish_bundles(files):
    pytest.importorskip("fhir.resources")
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

    for name in ("questionnaire", "questionnaire-es"):
        FhirQuestionnaire.model_validate(json.loads(files[name].read_text("utf-8")))
    for sample in SAMPLES:
        Bundle.model_validate(
            json.loads(files[f"{Path(sample).stem}-es.bundle"].read_text("utf-8"))
        )


def test_medplum_finds_no_error_in_either_language(files):
    assert len(medplum_reports(list(files.values()))) == len(files)


def _lforms(questionnaire: Path, response: Path, out: Path) -> dict[str, Any]:
    script = _harness("lforms-check", "lforms-harness", "LFORMS_HARNESS_DIR")
    if not Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")).exists():
        if REQUIRED:
            pytest.fail("chromium is not installed")
        pytest.skip("chromium is not installed")
    run = subprocess.run(
        ["node", str(script), str(questionnaire), str(response), "--out", str(out), "--strict",
         "--timeout", "120"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report: dict[str, Any] = json.loads(run.stdout)
    report["exit"] = run.returncode
    return report


@pytest.mark.parametrize(
    ("form", "response"),
    [("questionnaire", "chronic_back-en"), ("questionnaire", "emergency-en"),
     ("questionnaire-es", "chronic_back-es"), ("questionnaire-es", "emergency-es")],
)  # fmt: skip
def test_lhc_forms_renders_each_language_with_every_answer_visible(files, tmp_path, form, response):
    """The translated form renders as before (LHC-Forms 40.1.3 reads no translations: it shows
    the base language); the Spanish export shows Spanish, with a Spanish response merged in."""
    report = _lforms(files[form], files[response], tmp_path)
    assert report["ok"], (report.get("stage"), report.get("error"))
    assert report["page_errors"] == []
    assert report["console_errors"] == []
    assert report["answers_missing"] == []
    assert report["lforms_export_answered"] == report["response_answered"] > 0
    assert report["exit"] == 0
    if form == "questionnaire-es":
        assert report["form_title"].startswith("Preparación para su cita")
        assert report["first_titles"][0] == "Señales de alarma"
