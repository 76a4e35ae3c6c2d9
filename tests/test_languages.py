"""Texts in several languages side by side: reading, checking, and the same logic in each."""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from spinecheck.errors import SpinecheckError
from spinecheck.questionnaire import languages
from spinecheck.questionnaire.loading import (
    load_languages,
    load_questionnaire,
    parse_languages,
    parse_questionnaire,
)
from spinecheck.questionnaire.model import Question, Questionnaire, Source

TWO_LANGUAGES = textwrap.dedent(
    """\
    format: 1
    id: test
    version: "1"
    title:
      en: Back pain check
      es: Revisión del dolor de espalda
    language: en
    languages: [es]
    sections:
      - id: main
        title: {en: Main, es: Principal}
        questions:
          - id: hurts
            kind: yes_no
            text:
              en: Does it hurt?
              es: ¿Le duele?
            warning:
              urgency: emergency
              message:
                en: Call {contact:emergency_number} now.
                es: Llame al {contact:emergency_number} ahora.
          - id: where
            kind: multiple
            text: {en: Where?, es: ¿Dónde?}
            choices:
              - {value: back, label: {en: Back, es: Espalda}}
              - {value: neck, label: {en: Neck, es: Cuello}}
    regions:
      us:
        label: {en: United States, es: Estados Unidos}
        emergency_number: "911"
        emergency: {en: the emergency room, es: la sala de emergencias}
        same_day: {en: your doctor, es: su médico}
        soon: {en: your doctor, es: su médico}
        crisis_line: {en: "988", es: 988 (oprima 2)}
        terms:
          family_doctor: {en: family doctor, es: médico de cabecera}
    default_region: us
    """
)


def errors_of(text: str) -> SpinecheckError:
    with pytest.raises(SpinecheckError) as caught:
        parse_questionnaire(text, "q.yaml")
    return caught.value


def test_one_file_gives_one_questionnaire_per_language_with_the_same_ids():
    found = parse_languages(TWO_LANGUAGES, "q.yaml")
    assert list(found) == ["en", "es"]
    english, spanish = found["en"], found["es"]
    assert english.question("hurts").text == "Does it hurt?"
    assert spanish.question("hurts").text == "¿Le duele?"
    assert spanish.question("where").choices[1].label == "Cuello"
    assert spanish.regions["us"].terms["family_doctor"] == "médico de cabecera"
    assert spanish.regions["us"].emergency_number == "911"
    assert spanish.language == "es"
    assert english.language == "en"
    assert [q.id for q in spanish.questions] == [q.id for q in english.questions]
    assert spanish.question("hurts").warning.urgency == english.question("hurts").warning.urgency


def test_a_language_is_asked_for_by_code_and_a_region_tag_falls_back_to_it():
    assert parse_questionnaire(TWO_LANGUAGES, "q.yaml", language="es-US").title == (
        "Revisión del dolor de espalda"
    )
    error = errors_of_language(TWO_LANGUAGES, "fr")
    assert "no French (fr) texts" in str(error)
    assert "English (en), Spanish (es)" in error.problems[0].hint


def errors_of_language(text: str, language: str) -> SpinecheckError:
    with pytest.raises(SpinecheckError) as caught:
        parse_questionnaire(text, "q.yaml", language=language)
    return caught.value


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_text_missing_in_a_declared_language_is_reported_at_its_line():
    text = re.sub(r"\n *es: ¿Le duele\?", "", TWO_LANGUAGES)
    error = errors_of(text)
    (problem,) = error.problems
    assert problem.line in (
        line_of(text, "en: Does it hurt?") - 1,
        line_of(text, "en: Does it hurt?"),
    )
    assert "no Spanish (es) version" in problem.message
    assert "'es:' beside 'en:'" in problem.hint


def test_a_plain_string_in_a_file_that_declares_two_languages_is_reported():
    text = TWO_LANGUAGES.replace("text: {en: Where?, es: ¿Dónde?}", "text: Where exactly?")
    (problem,) = errors_of(text).problems
    assert problem.line == line_of(text, "Where exactly?")
    assert "'Where exactly?' has no Spanish (es) version" in problem.message


def test_an_undeclared_language_key_is_reported_with_the_languages_declared():
    text = TWO_LANGUAGES.replace("es: ¿Le duele?", "es: ¿Le duele?\n          sp: ¿Duele?")
    (problem,) = errors_of(text).problems
    assert problem.line == line_of(text, "sp: ¿Duele?")
    assert "'sp' is not a language this file declares" in problem.message
    assert "en, es" in problem.hint


def test_a_translation_must_keep_the_same_placeholders():
    text = TWO_LANGUAGES.replace("Llame al {contact:emergency_number}", "Llame al 911")
    (problem,) = errors_of(text).problems
    assert problem.line == line_of(text, "Llame al 911")
    assert "fills in nothing" in problem.message
    assert "{contact:emergency_number}" in problem.message


def test_an_empty_translation_and_a_bad_language_code_are_reported():
    text = TWO_LANGUAGES.replace("es: ¿Le duele?", 'es: ""').replace(
        "languages: [es]", "languages: [es, Spanish]"
    )
    messages = [p.message for p in errors_of(text).problems]
    assert "'Spanish' is not a language code" in messages
    assert "the Spanish (es) text is empty" in messages


def test_ids_values_and_conditions_are_never_translated():
    text = TWO_LANGUAGES.replace("value: back", "value: {en: back, es: espalda}")
    error = errors_of(text)
    assert any("value" in p.message or "expected" in p.message for p in error.problems)


def test_a_one_language_file_reads_as_before():
    text = textwrap.dedent(
        """\
        format: 1
        id: test
        version: "1"
        title: Test
        sections:
          - id: main
            title: Main
            questions:
              - {id: hurts, kind: yes_no, text: Does it hurt?}
        """
    )
    found = parse_languages(text, "q.yaml")
    assert list(found) == ["en"]
    assert found["en"].question("hurts").text == "Does it hurt?"
    spanish_key = text.replace("title: Main", "title: {en: Main, es: Principal}")
    (problem,) = errors_of(spanish_key).problems
    assert "'es' is not a language this file declares" in problem.message
    assert "add 'es' to `languages:`" in problem.hint


def test_translatable_keys_are_only_words_a_patient_reads():
    """Clinical words, ids and sources stay in one language (the clinician page's).

    A question's `short` is the one name the patient reads too (the review table, "You said:"),
    so it is translated; a source's `short` is a citation tag and is not.
    """
    never = {"id", "value", "clinical", "concern", "citation", "url"}
    assert "short" in Question.texts
    assert "short" not in Source.texts
    from msgspec import inspect

    def models(info, seen):
        while isinstance(info, inspect.Metadata):
            info = info.type
        if isinstance(info, inspect.StructType) and info.cls not in seen:
            seen.add(info.cls)
            for field in info.fields:
                models(field.type, seen)
        for attr in ("types", "item_type", "value_type"):
            inner = getattr(info, attr, None)
            for part in inner if isinstance(inner, tuple) else [inner] if inner else []:
                models(part, seen)
        return seen

    for model in models(inspect.type_info(Questionnaire), set()):
        assert not (set(model.texts) | set(model.text_maps)) & never, model


def test_the_built_in_questionnaire_has_every_text_in_english_and_spanish(questionnaire):
    found = load_languages()
    assert list(found) == ["en", "es"]
    from spinecheck.questionnaire.loading import questions_file
    from spinecheck.questionnaire.reading import parse_yaml, read_text

    text, label = read_text(questions_file())
    raw = parse_yaml(text, label).data
    texts = list(languages.texts(raw, Questionnaire))
    assert len(texts) > 450
    # every text in both languages, but a number ('911'), which is the same in every language
    words = [t for t in texts if any(c.isalpha() for c in str(t.value))]
    assert all(set(t.words("en")) == {"en", "es"} for t in words), [
        t.path for t in words if set(t.words("en")) != {"en", "es"}
    ][:5]
    assert list(languages.problems(raw, Questionnaire)) == []


def test_the_spanish_questionnaire_is_the_english_one_with_other_words(questionnaire):
    spanish = load_questionnaire(language="es")
    assert spanish.language == "es"
    assert spanish.rules == [] or [r.id for r in spanish.rules] == [
        r.id for r in questionnaire.rules
    ]
    assert [r.when for r in spanish.rules] == [r.when for r in questionnaire.rules]
    assert spanish.gates == [] or [g.when for g in spanish.gates] == [
        g.when for g in questionnaire.gates
    ]
    for english_q, spanish_q in zip(questionnaire.questions, spanish.questions, strict=True):
        assert (english_q.id, english_q.kind, english_q.when, english_q.required) == (
            spanish_q.id,
            spanish_q.kind,
            spanish_q.when,
            spanish_q.required,
        )
        assert [c.value for c in english_q.choices or ()] == [
            c.value for c in spanish_q.choices or ()
        ]


# -- the language chosen, recorded and used -------------------------------------------------


def _answered_in(tmp_path, language: str | None):
    import yaml

    from tests.conftest import DATA

    data = yaml.safe_load((DATA / "chronic_back.yaml").read_text(encoding="utf-8"))
    if language:
        data["spinecheck"]["language"] = language
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_file_answered_in_spanish_gives_a_spanish_patient_summary_and_an_english_clinician_page(
    tmp_path,
):
    import json

    from typer.testing import CliRunner

    from spinecheck.cli import app

    runner = CliRunner()
    path = _answered_in(tmp_path, "es")
    patient = runner.invoke(app, ["summary", str(path), "--format", "text"])
    assert patient.exit_code == 0
    assert "Preparación para su cita" in patient.stdout
    assert "reumatólogo" in patient.stdout
    clinician = runner.invoke(
        app, ["summary", str(path), "--format", "text", "--audience", "clinician"]
    )
    assert clinician.exit_code == 0
    assert "reumatólogo" not in clinician.stdout
    data = json.loads(runner.invoke(app, ["summary", str(path), "--format", "json"]).stdout)
    assert data["language"] == "es"
    english = runner.invoke(app, ["summary", str(path), "--format", "json", "--language", "en"])
    assert json.loads(english.stdout)["language"] == "en"
    # the same clinical result in either language: ids, urgency, flags
    same = ("urgency", "red_flags", "pain_phase")
    assert {k: data[k] for k in same} == {k: json.loads(english.stdout)[k] for k in same}
    assert [s["id"] for s in data["specialists"]] == [
        s["id"] for s in json.loads(english.stdout)["specialists"]
    ]


def test_an_unknown_language_is_refused_before_anything_is_printed(tmp_path):
    from typer.testing import CliRunner

    from spinecheck.cli import app

    result = CliRunner().invoke(
        app, ["summary", str(_answered_in(tmp_path, None)), "--language", "fr"]
    )
    assert result.exit_code == 1
    assert "no French (fr) texts" in result.stderr
    assert result.stdout == ""


def test_the_walk_asks_in_the_locale_language_and_records_it(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from spinecheck.cli import app

    monkeypatch.setenv("LANG", "es_US.UTF-8")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(tmp_path / "data"))
    save = tmp_path / "walk.yaml"
    result = CliRunner().invoke(
        app, ["start", "--plain", "--save", str(save)], input="\n" + "n\n" * 3
    )
    assert "¿Tiene algún problema nuevo para empezar a orinar" in result.stdout
    assert "language: es" in save.read_text(encoding="utf-8")


# -- the Spanish patient's summary in every format ------------------------------------------

SPANISH_PAGE = ("Su resumen para llevar a su cita", "Qué tan pronto actuar", "Con quién hablar")
ENGLISH_PAGE = ("Your summary to take to your visit", "How soon to act", "Who to talk to")


def _pdf_text(data: bytes) -> str:
    import io

    import pypdf

    return " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages
    )


@pytest.mark.parametrize("output_format", ["rich", "text", "markdown", "html", "pdf"])
def test_a_spanish_patient_summary_in_every_format(tmp_path, output_format):
    """Issue 27 item 3: headings, reasons, the pain in brief and accents, in each format."""
    from typer.testing import CliRunner

    from spinecheck.cli import app

    out = tmp_path / f"summary.{'md' if output_format == 'markdown' else output_format}"
    args = ["summary", str(_answered_in(tmp_path, "es")), "--format", output_format]
    result = CliRunner().invoke(app, [*args, "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    text = _pdf_text(data) if output_format == "pdf" else data.decode("utf-8")
    text = " ".join(text.split())
    for heading in SPANISH_PAGE:  # urgent headings are in capitals in text
        assert heading.casefold() in text.casefold()
    for heading in ENGLISH_PAGE:
        assert heading.casefold() not in text.casefold()
    assert "Fuentes" in text  # the renderers' own word before the sources
    assert "Dolor promedio" in text  # the pain in brief
    assert re.search(r"[áéíóúñ¿]", text)  # accents drawn (the PDF's font has them)
    if output_format == "html":
        assert '<html lang="es">' in text


def test_a_day_list_mixes_languages_and_each_page_says_its_own(tmp_path):
    """Issue 27 item 3: a Spanish and an English patient in one HTML file; the clinician pages
    are English and say which patient answered in Spanish."""
    from typer.testing import CliRunner

    from spinecheck.cli import app

    spanish = _answered_in(tmp_path, "es")
    (tmp_path / "en").mkdir()
    english = _answered_in(tmp_path / "en", None)
    out = tmp_path / "day.html"
    runner = CliRunner()
    result = runner.invoke(app, ["summary", str(spanish), str(english), "--output", str(out),
                                 "--format", "html"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page  # the page's first summary sets its language...
    assert 'lang="es"' in page  # ...and the Spanish one says its own
    assert "Su resumen para llevar a su cita" in page
    assert "Your summary to take to your visit" in page
    clinician = tmp_path / "clinic.html"
    result = runner.invoke(app, ["summary", str(spanish), str(english), "--output", str(clinician),
                                 "--format", "html", "--audience", "clinician"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pages = clinician.read_text(encoding="utf-8")
    assert pages.count("Patient answered in Spanish") == 1
    assert "Su resumen" not in pages


@pytest.mark.parametrize("region", ["us", "uk", "other"])
def test_every_region_speaks_spanish_in_a_spanish_summary(tmp_path, region):
    """The region's words ('your local emergency number' in 'other') are translated too; its
    numbers are the same in every language and need no translation."""
    from typer.testing import CliRunner

    from spinecheck.cli import app
    from tests.conftest import DATA

    path = tmp_path / "e.yaml"
    data = yaml.safe_load((DATA / "emergency.yaml").read_text(encoding="utf-8"))
    data["spinecheck"]["language"] = "es"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["summary", str(path), "--format", "text", "--region", region])
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split()).casefold()
    assert "llame al" in text
    for english in ("your local", "the nearest", " call ", "emergency department"):
        assert english not in text


def test_a_number_needs_no_translation_but_words_do():
    data = {
        "languages": ["es"],
        "regions": {"us": {"emergency_number": "911"}, "x": {"emergency_number": "your number"}},
    }
    found = [(path, message) for path, message, _, _ in languages.problems(data, Questionnaire)]
    assert found == [
        (("regions", "x", "emergency_number"), "'your number' has no Spanish (es) version")
    ]
