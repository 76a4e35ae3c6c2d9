"""A clinic's own content is seen (issue 28, item 6).

A clinic copies the shipped questions.yaml and adds a question with a follow-up, a specialist, a
source and a rule with `prominence: full`. Its answered questions are listed on the clinician
page under "Clinic questions", its rule's reason is there in full, and the patient's page shows
the rule's suggestion in full although it comes after the first two.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck.answers.files import load_answers
from spinecheck.assessment.report import SummaryInfo
from spinecheck.assessment.rules import assess
from spinecheck.cli import app
from spinecheck.questionnaire import clinic
from spinecheck.questionnaire.loading import load_questionnaire
from spinecheck.questionnaire.model import Questionnaire
from spinecheck.render.formats import Summary, render
from spinecheck.render.output_format import OutputFormat
from spinecheck.words import words_for
from tests.conftest import DATA, ROOT

runner = CliRunner()

FIRST = "You said your pain began with an injury at work."
SECOND = "Our occupational health nurse helps with the claim and a safe return to work."
REASON = f"{FIRST} {SECOND}"

QUESTIONS = """
      - id: workplace_injury
        short: {en: Injury at work, es: Lesión en el trabajo}
        kind: yes_no
        text:
          en: Did your pain begin with an injury at work?
          es: ¿Su dolor empezó con una lesión en el trabajo?
      - id: workplace_claim
        short: {en: Workplace claim, es: Reclamo laboral}
        kind: single
        when: {question: workplace_injury, equals: true}
        text:
          en: Have you made a claim for the injury?
          es: ¿Ha hecho un reclamo por la lesión?
        choices:
          - {value: open, label: {en: Yes and it is still open, es: Sí y sigue abierto}, clinical: open claim}
          - {value: closed, label: {en: Yes and it is settled, es: Sí y ya se resolvió}}
          - {value: none, label: {en: No claim, es: No hice un reclamo}}
      - id: employer_note
        short: {en: Employer's note, es: Nota del empleador}
        kind: text
        when: {question: workplace_injury, equals: true}
        text:
          en: What did your employer say about the injury?
          es: ¿Qué le dijo su empleador sobre la lesión?
"""

SPECIALIST = """specialists:
  occupational_health: {label: {en: Our occupational health nurse, es: Nuestra enfermera de salud laboral}, about: {en: Helps people injured at work., es: Ayuda a las personas que se lesionaron en el trabajo.}}
"""

SOURCE = """sources:
  clinic_pathway:
    short: Clinic pathway 2026
    citation: Our clinic's workplace injury pathway, 2026.
"""

RULE = f"""
  - id: occupational_health_after_workplace_injury
    when: {{question: workplace_injury, equals: true}}
    specialist: occupational_health
    prominence: full
    reason:
      en: {REASON}
      es: Usted dijo que su dolor empezó con una lesión en el trabajo. Nuestra enfermera le ayuda con el reclamo.
    sources: [clinic_pathway]
"""


def _replaced(text: str, old: str, new: str) -> str:
    """`text` with its one `old` replaced; the shipped file must really have changed."""
    assert text.count(old) == 1, f"the shipped questions.yaml no longer has {old!r} once"
    changed = text.replace(old, new)
    assert changed != text
    return changed


def clinic_text(*, prominence: bool = True) -> str:
    """The shipped questions.yaml as a clinic would adapt it."""
    text = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    text = _replaced(text, "\nid: spinecheck_default\n", "\nid: my_clinic\n")
    # the new questions close the section "Your health and daily life", before "mood"
    text = _replaced(text, "\n  - id: mood\n", QUESTIONS + "\n  - id: mood\n")
    text = _replaced(text, "\nspecialists:\n", "\n" + SPECIALIST)
    text = _replaced(text, "\nsources:\n", "\n" + SOURCE)
    rule = RULE if prominence else RULE.replace("    prominence: full\n", "")
    assert (rule != RULE) is not prominence
    # the last rule: its specialist comes after the built-in ones on the page
    return _replaced(text, "\nurgency_messages:\n", rule + "\nurgency_messages:\n")


@pytest.fixture(scope="module")
def clinic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clinic") / "my-questions.yaml"
    path.write_text(clinic_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clinic_questionnaire(clinic_file: Path) -> Questionnaire:
    return load_questionnaire(clinic_file)


def answers_file(folder: Path, name: str = "injured.yaml", **extra: object) -> Path:
    """The chronic back story, for the clinic's questionnaire, with the clinic's questions."""
    answers = yaml.safe_load((DATA / "chronic_back.yaml").read_text(encoding="utf-8"))
    answers["spinecheck"]["questionnaire"] = "my_clinic"
    answers.update(extra)
    path = folder / name
    path.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True), "utf-8")
    return path


INJURED = {"workplace_injury": True, "workplace_claim": "open", "employer_note": "Fill in form 7."}


def summary(folder: Path, questions: Path, *args: str, **extra: object) -> str:
    result = runner.invoke(
        app,
        ["summary", str(answers_file(folder, **extra)), "--questions", str(questions),
         "--format", "text", *args],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def section(text: str, title: str) -> str:
    """One section of a text summary: from its underlined title to the next one."""
    found = re.search(
        rf"^{re.escape(title)}\n-+\n(.*?)(?=^\S[^\n]*\n[-=]+\n|\Z)", text, re.M | re.S
    )
    assert found, f"no section {title!r} in:\n{text}"
    return found.group(1)


def test_the_clinician_page_lists_the_clinic_questions_that_were_answered(clinic_file, tmp_path):
    page = summary(tmp_path, clinic_file, "--audience", "clinician", **INJURED)
    block = flat(section(page, "Clinic questions"))
    assert block == (
        "Injury at work: yes Workplace claim: open claim Employer's note: Fill in form 7."
    )


def test_the_block_is_absent_without_clinic_answers(clinic_file, tmp_path):
    for extra in ({}, {"workplace_injury": False}):
        page = summary(tmp_path, clinic_file, "--audience", "clinician", **extra)
        if extra:
            assert "Injury at work: no" in flat(section(page, "Clinic questions"))
        else:
            assert "Clinic questions" not in page
    # the built-in questionnaire has no clinic questions, so never the block
    result = runner.invoke(
        app, ["summary", str(DATA / "chronic_back.yaml"), "--audience", "clinician",
              "--format", "text"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Clinic questions" not in result.stdout
    assert "Clinic rules" not in result.stdout


def test_the_clinician_page_gives_the_clinic_rule_its_full_reason(clinic_file, tmp_path):
    page = summary(tmp_path, clinic_file, "--audience", "clinician", **INJURED)
    suggested = flat(section(page, "Suggested for discussion (guideline sources in brackets)"))
    assert "Our occupational health nurse (Clinic pathway 2026)" in suggested
    assert f"Clinic rules: Our occupational health nurse: {REASON} (Clinic pathway 2026)" in (
        suggested
    )
    # built-in suggestions keep one line each: the page stays one printed page
    assert "Spine surgeon (" in suggested
    assert "Spine surgeon " + "You" not in suggested


def test_the_patient_page_shows_a_full_prominence_rule_in_full(
    clinic_file, clinic_questionnaire, tmp_path
):
    answers = load_answers(answers_file(tmp_path, **INJURED), clinic_questionnaire).answers
    specialists = assess(clinic_questionnaire, answers).specialists
    position = [s.id for s in specialists].index("occupational_health")
    assert position >= 2  # not among the first two, which are always in full
    assert specialists[position].in_full
    who = section(summary(tmp_path, clinic_file, **INJURED), "Who to talk to")
    full, others = flat(who).split("Others you could ask about:")
    assert f"Our occupational health nurse - Helps people injured at work. {REASON}" in full
    assert "occupational health" not in others
    assert "A spine surgeon" in others  # the built-in ones after the first two stay brief


def test_without_prominence_the_same_rule_is_cut_to_its_first_sentence(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text(clinic_text(prominence=False), encoding="utf-8")
    who = section(summary(tmp_path, plain, **INJURED), "Who to talk to")
    full, others = flat(who).split("Others you could ask about:")
    assert "occupational health" not in full
    assert f"Our occupational health nurse {FIRST}" in others
    assert SECOND not in others


def test_prominence_works_in_every_language(clinic_file, tmp_path):
    who = section(summary(tmp_path, clinic_file, "--language", "es", **INJURED),
                  "Con quién hablar")  # fmt: skip
    full, _ = flat(who).split(words_for("es")("Others you could ask about:"))
    assert "Nuestra enfermera de salud laboral" in full
    assert "Nuestra enfermera le ayuda con el reclamo." in full


def test_the_rules_table_marks_a_full_prominence_rule(clinic_file):
    result = runner.invoke(app, ["rules", "--questions", str(clinic_file)])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "**occupational_health**" in line)
    assert "`occupational_health_after_workplace_injury`" in row
    assert "(shown in full on the patient's page)" in row


def test_prominence_is_only_for_specialists_and_options(tmp_path):
    text = clinic_text()
    bad = _replaced(
        text,
        "    specialist: occupational_health\n    prominence: full\n",
        "    preparation: occupational_health\n    text: Bring your claim number.\n"
        "    prominence: full\n",
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "prominence is for a rule that suggests a specialist or an option" in result.output
    line = bad[: bad.index("id: occupational_health_after_workplace_injury")].count("\n") + 1
    assert re.search(rf"bad\.yaml:{line}:\d+: ", result.output), result.output
    typo = _replaced(text, "prominence: full", "prominence: ful")
    path.write_text(typo, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "'ful' is not allowed for 'prominence'" in result.output
    assert "'full'" in result.output


def test_typed_text_from_a_clinic_question_cannot_drive_a_terminal(clinic_file, tmp_path):
    page = summary(
        tmp_path, clinic_file, "--audience", "clinician",
        **{**INJURED, "employer_note": "Form\x1b]8;;http://x\x07 7\u202e done"},
    )  # fmt: skip
    assert "\x1b" not in page
    assert "\u202e" not in page
    assert "Employer's note: Form 7 done" in flat(section(page, "Clinic questions"))


def _summary_of(questionnaire: Questionnaire, path: Path) -> Summary:
    loaded = load_answers(path, questionnaire)
    return Summary(
        questionnaire, loaded.answers, assess(questionnaire, loaded.answers),
        SummaryInfo(source=path.name),
    )  # fmt: skip


def test_html_and_pdf_draw_the_clinic_content(clinic_questionnaire, tmp_path):
    import io

    import pypdf

    one = _summary_of(clinic_questionnaire, answers_file(tmp_path, **INJURED))
    html = render(OutputFormat.HTML, [one], audience="clinician")
    assert isinstance(html, str)
    assert "Clinic questions" in html
    assert "Fill in form 7." in html
    assert SECOND in html
    data = render(OutputFormat.PDF, [one], audience="clinician", page="letter")
    assert isinstance(data, bytes)
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    assert "Clinic questions" in text
    assert "Workplace claim" in text
    assert SECOND in text
    # the busiest story fills its one sheet already: the clinic's lines may take a second
    assert len(reader.pages) <= 2


def test_a_day_list_reads_the_built_in_ids_once(clinic_questionnaire, tmp_path, monkeypatch):
    from spinecheck.questionnaire import loading

    calls = []
    real = loading.load_questionnaire

    def counted(*args: object, **kwargs: object) -> Questionnaire:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "load_questionnaire", counted)
    clinic.builtin_ids.cache_clear()
    one = _summary_of(clinic_questionnaire, answers_file(tmp_path, **INJURED))
    output = render(OutputFormat.TEXT, [one] * 30, audience="clinician")
    assert isinstance(output, str)
    assert output.count("Clinic questions") == 30
    assert len(calls) == 1


def test_a_clinic_rule_that_flags_a_medicine_says_why_on_the_clinician_page(tmp_path):
    flag_rule = """
  - id: opioid_after_workplace_injury
    when:
      all:
        - {question: workplace_injury, equals: true}
        - {medication_class: opioid}
    medication_flag: opioid_alcohol
    text:
      en: Tell the occupational health nurse about your opioid.
      es: Hable con la enfermera de salud laboral sobre su opioide.
    reason:
      en: An opioid after an injury at work. Check fitness for safety-critical work.
      es: Un opioide después de una lesión en el trabajo. Revise si puede hacer trabajo de riesgo.
    sources: [clinic_pathway]
"""
    path = tmp_path / "flags.yaml"
    path.write_text(
        _replaced(clinic_text(), "\nurgency_messages:\n", flag_rule + "\nurgency_messages:\n"),
        encoding="utf-8",
    )
    medicines = flat(section(summary(tmp_path, path, "--audience", "clinician", **INJURED),
                             "Medicines and flags"))  # fmt: skip
    assert (
        "Opioid with alcohol: Percocet 5/325 twice a day (FDA 2016, Clinic pathway 2026) "
        "An opioid after an injury at work. Check fitness for safety-critical work."
    ) in medicines
    # the built-in rule's own reason for the same flag is not repeated there
    assert medicines.count("Because you said") == 0
