"""`spinecheck check` of a clinic's copy of questions.yaml (issue 28, items 1-5).

Each case is a mistake an informatics nurse adapting the file could make; the test asserts the
message a user reads: the file and line, what is wrong and the hint.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck.cli import app
from spinecheck.questionnaire import contract
from spinecheck.questionnaire.answering import check_answers
from spinecheck.questionnaire.loading import load_questionnaire, parse_questionnaire
from tests import contract as written_contract
from tests.conftest import DATA, minimal_answers
from tests.edits import edit, line_of

runner = CliRunner()

OWN_ID = 'id: spinecheck_default\nversion: "2026.11.1"'
CLINIC_ID = 'id: riverside_spine\nversion: "2026.12-riverside.1"'

WORKPLACE = """      - id: workplace_injury
        short: {en: Hurt at work, es: Lesión en el trabajo}
        kind: yes_no
        required: true
        text:
          en: Did the pain start with an injury at work?
          es: ¿Empezó el dolor con una lesión en el trabajo?
"""


def clinic(shipped: str) -> str:
    """The shipped file with the clinic's own id and version (so only the case's edit counts)."""
    return edit(shipped, OWN_ID, CLINIC_ID)


def assert_every_problem_has_a_hint(out: str) -> None:
    lines = out.splitlines()
    for index, line in enumerate(lines):
        if ".yaml:" in line and not line.startswith(" ") and ": OK (" not in line:
            assert index + 1 < len(lines), line
            assert lines[index + 1].startswith("  hint: "), line


def run_check(tmp_path: Path, text: str) -> tuple[int, str, Path]:
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr + result.stdout, path


def test_the_built_in_file_keeps_the_contract_and_check_says_only_ok():
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    assert "OK (" in result.stdout


def test_the_contract_table_agrees_with_the_contract_as_written():
    """The package's table and the tests' own reading of answers-contract.md, made apart."""
    assert list(contract.QUESTIONS) == list(written_contract.QUESTIONS)
    for qid, (kind, values, required, _) in written_contract.QUESTIONS.items():
        fixed = contract.QUESTIONS[qid]
        assert (fixed.kind.value, fixed.required) == (kind, required), qid
        if isinstance(values, list):
            assert list(fixed.values) == values, qid
        elif isinstance(values, tuple):
            assert (fixed.low, fixed.high) == values, qid
    for qid, urgency in written_contract.RED_FLAGS.items():
        assert contract.QUESTIONS[qid].urgency == urgency, qid


def test_a_renamed_contract_question_is_an_error_and_rules_point_back(tmp_path, shipped_text):
    text = edit(clinic(shipped_text), "      - id: pain_trend\n", "      - id: pain_direction\n")
    code, out, path = run_check(tmp_path, text)
    assert code == 1
    line = line_of(text, "- id: pain_direction")
    assert f"{path}:{line}:9: 'pain_direction' looks like the contract question 'pain_trend' " \
        "renamed" in out  # fmt: skip
    assert "hint: keep the id 'pain_trend'" in out
    # the rules that still test pain_trend: the hint sends the nurse back, never onwards
    assert "unknown question 'pain_trend'" in out
    assert "give the question back its id 'pain_trend'" in out
    assert "did you mean 'pain_direction'" not in out
    assert "is required: answer files saved before" not in out  # a rename, not a new question


def test_a_rename_spread_to_the_rules_is_still_an_error(tmp_path, shipped_text):
    text = edit(clinic(shipped_text), "      - id: pain_trend\n", "      - id: pain_direction\n")
    text = edit(text, "question: pain_trend,", "question: pain_direction,", -1)
    code, out, _ = run_check(tmp_path, text)
    assert code == 1
    assert "'pain_direction' looks like the contract question 'pain_trend' renamed" in out


def test_a_renamed_question_with_another_name_but_the_same_choices_is_found(tmp_path, shipped_text):
    text = edit(clinic(shipped_text), "      - id: smoking\n", "      - id: tobacco_use\n")
    code, out, _ = run_check(tmp_path, text)
    assert code == 1
    assert "'tobacco_use' looks like the contract question 'smoking' renamed" in out


def test_a_dropped_contract_question_is_an_error_at_its_section(tmp_path, shipped_text):
    start = shipped_text.index("      - id: smoking\n")
    end = shipped_text.index("\n\n", start)
    text = clinic(shipped_text[:start] + shipped_text[end + 2 :])
    code, out, path = run_check(tmp_path, text)
    assert code == 1
    line = line_of(text, "  - id: medicines\n") + 4  # its 'questions:' key
    assert f"{path}:{line}:" in out
    assert "the contract question 'smoking' is missing" in out
    assert "hint: put it back" in out


def test_a_renamed_or_dropped_choice_value_is_an_error(tmp_path, shipped_text):
    text = edit(clinic(shipped_text), "value: off_work_due_to_pain,", "value: off_work,")
    code, out, path = run_check(tmp_path, text)
    assert code == 1
    line = line_of(text, "value: off_work,")
    assert f"{path}:{line}:" in out
    assert "'off_work' looks like the contract value 'off_work_due_to_pain' of 'work_status' " \
        "renamed" in out  # fmt: skip
    # rules still testing the contract value: put the choice back, not 'did you mean off_work'
    assert "'off_work_due_to_pain' is a contract value of 'work_status': put the choice back" in out
    assert "did you mean 'off_work'" not in out
    dropped = edit(
        clinic(shipped_text),
        "          - {value: homemaker, label: {en: Looking after a home or family, es: Cuido la "
        "casa o a la familia}}\n",
        "",
    )
    code, out, _ = run_check(tmp_path, dropped)
    assert code == 1
    assert "the contract question 'work_status' has lost its value 'homemaker'" in out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # another kind: answer files hold yes/no answers
        ("          es: Entumecimiento u hormigueo\n        kind: yes_no",
         "          es: Entumecimiento u hormigueo\n        kind: text",
         "the contract question 'numbness_tingling' is yes_no, not text"),
        # a narrower range: saved answers of 9 and 10 would not fit
        ("      - id: pain_average\n", "      - id: pain_average\n        max: 8\n",
         "the range of the contract question 'pain_average' is 0 to 10, not 0 to 8"),
        # a warning sign made optional
        ("          es: Fiebre, escalofríos o sudores\n        kind: yes_no\n        required: true",
         "          es: Fiebre, escalofríos o sudores\n        kind: yes_no\n        required: new_walks",
         "the contract question 'rf_fever' must be required"),
        # a contract condition changed
        ("when: {question: pain_duration, in: [3_to_12_months, over_1_year]}",
         "when: {question: pain_duration, in: [over_1_year]}",
         "the contract fixes when 'flare_up' is asked"),
    ],
)  # fmt: skip
def test_changing_what_the_contract_fixes_is_an_error(tmp_path, shipped_text, old, new, message):
    code, out, _ = run_check(tmp_path, edit(clinic(shipped_text), old, new))
    assert code == 1
    assert message in out


def test_a_warning_sign_lowered_below_the_contract_is_an_error(tmp_path, shipped_text):
    start = shipped_text.index("      - id: rf_major_trauma\n")
    at = shipped_text.index("          urgency: emergency\n", start)
    lowered = clinic(shipped_text[:at] + "          urgency: soon\n" + shipped_text[at + 29 :])
    code, out, path = run_check(tmp_path, lowered)
    assert code == 1
    line = line_of(lowered, "          urgency: soon\n")
    assert f"{path}:{line}:11: the warning sign 'rf_major_trauma' must be at least emergency, " \
        "not soon" in out  # fmt: skip


def test_a_new_required_question_warns_and_new_walks_only_does_not(tmp_path, shipped_text):
    anchor = "      - id: work_status\n"
    text = edit(clinic(shipped_text), anchor, WORKPLACE + anchor)
    code, out, path = run_check(tmp_path, text)
    assert code == 0, out
    line = line_of(text, "- id: workplace_injury") + 3
    assert f"{path}:{line}:9: warning: the new question 'workplace_injury' is required" in out
    assert "hint: write 'required: new_walks'" in out
    assert "1 warning)" in out
    quiet = edit(text, WORKPLACE, WORKPLACE.replace("required: true", "required: new_walks"))
    code, out, _ = run_check(tmp_path, quiet)
    assert code == 0, out
    assert "warning" not in out
    # an answer file saved before the question was added is still read; a walk must answer it
    questionnaire = parse_questionnaire(quiet, "clinic.yaml")
    _, problems, missing = check_answers(questionnaire, minimal_answers(questionnaire))
    assert (problems, missing) == ([], [])
    question = questionnaire.question("workplace_injury")
    assert question is not None
    assert question.required == "new_walks"


def test_a_changed_copy_that_keeps_the_built_in_id_and_version_warns(tmp_path, shipped_text):
    text = edit(shipped_text, "en: Do you smoke?", "en: Do you smoke or vape?")
    code, out, path = run_check(tmp_path, text)
    assert code == 0, out
    assert f"{path}:6:1: warning: this file differs from the built-in questionnaire but keeps " \
        "its id 'spinecheck_default'" in out  # fmt: skip
    assert f"{path}:7:1: warning: this file differs from the built-in questionnaire but keeps " \
        "its version '2026.11.1'" in out  # fmt: skip
    # an unchanged copy is the built-in form: nothing to say
    code, out, _ = run_check(tmp_path, shipped_text)
    assert (code, "warning" in out) == (0, False)


def test_a_question_before_the_warning_signs_warns(tmp_path, shipped_text):
    anchor = "      - id: rf_saddle_numbness\n"
    text = edit(clinic(shipped_text), anchor,
                WORKPLACE.replace("required: true", "required: new_walks") + anchor)  # fmt: skip
    code, out, _ = run_check(tmp_path, text)
    assert code == 0, out
    assert (
        "warning: 'workplace_injury' is asked before the warning sign 'rf_saddle_numbness'" in out
    )
    assert "warning signs come first" in out


def test_an_unknown_question_in_an_answer_file_mentions_questions(tmp_path, questionnaire):
    _, problems, _ = check_answers(questionnaire, {"workplace_injury": True})
    assert "name that file with --questions" in (problems[0].hint or "")
    _, problems, _ = check_answers(questionnaire, {"pain_avrage": 3})
    assert "did you mean 'pain_average'?" in (problems[0].hint or "")
    assert "--questions" in (problems[0].hint or "")


RULE = """  - id: clinic_rule
    when: {when}
    specialist: physiatrist
    reason:
      en: {reason}
      es: {reason}
    sources: [nice_ng59]
"""


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ("{all: [{question: rf_fever, equals: true}, {question: rf_fever, equals: false}]}",
         "rule 'clinic_rule' can never apply: no answers to 'rf_fever' make its condition true"),
        ("{question: pain_average, at_least: 11}",
         "'at_least: 11' is never true: 'pain_average' goes from 0 to 10"),
        ("{question: age, below: 0}", "'below: 0' is never true: 'age' goes from 0 to 120"),
        # a single choice holds one value: it cannot be two at once
        ("{all: [{question: pain_trend, equals: worse}, {question: pain_trend, in: [same, improving]}]}",
         "rule 'clinic_rule' can never apply"),
        # a test of a medicine class does not hide a contradiction beside it
        ("{all: [{medication_class: opioid}, {question: rf_fever, equals: true}, "
         "{not: {question: rf_fever, answered: true}}]}",
         "rule 'clinic_rule' can never apply"),
        # a follow-up asked only when the answer it follows says otherwise
        ("{all: [{question: treatments_tried, includes: [none]}, "
         "{question: physical_therapy_result, equals: helped}]}",
         "rule 'clinic_rule' can never apply"),
    ],
)  # fmt: skip
def test_rules_that_can_never_apply_are_errors(tmp_path, shipped_text, when, fragment):
    rule = RULE.format(when=when, reason="Because.")
    code, out, _ = run_check(tmp_path, edit(clinic(shipped_text), "rules:\n", "rules:\n" + rule))
    assert code == 1
    assert fragment in out
    assert_every_problem_has_a_hint(out)


def test_a_gate_that_can_never_apply_is_an_error(tmp_path, shipped_text):
    text = edit(
        clinic(shipped_text),
        "gates:\n",
        "gates:\n  - id: clinic_gate\n    label: never\n"
        "    when: {question: interference_activity, above: 10}\n"
        "    removes: {options: [massage]}\n    sources: [nice_ng59]\n",
    )
    code, out, _ = run_check(tmp_path, text)
    assert code == 1
    assert "'above: 10' is never true: 'interference_activity' goes from 0 to 10" in out


def test_a_reason_quoting_an_optional_answer_says_what_is_printed(tmp_path, shipped_text):
    rule = RULE.format(when="{question: pain_average, at_least: 9}",
                       reason="'Your work: {answer:work_status}.'")  # fmt: skip
    code, out, _ = run_check(tmp_path, edit(clinic(shipped_text), "rules:\n", "rules:\n" + rule))
    assert code == 0, out
    assert "warning: rule 'clinic_rule' quotes 'work_status', which may be unanswered when the " \
        "rule applies: then the whole reason is left out and the answers that made the rule " \
        "apply are listed" in out  # fmt: skip
    assert "{question: work_status, answered: true}" in out
    # tested in the rule: always there, nothing to say
    sure = RULE.format(
        when="{all: [{question: pain_average, at_least: 9}, {question: work_status, answered: true}]}",
        reason="'Your work: {answer:work_status}.'",
    )
    code, out, _ = run_check(tmp_path, edit(clinic(shipped_text), "rules:\n", "rules:\n" + sure))
    assert code == 0, out
    assert "clinic_rule" not in out


def test_the_summary_never_prints_not_answered_inside_a_reason(shipped_text):
    from spinecheck.assessment.rules import assess

    rule = RULE.format(when="{question: pain_average, at_least: 9}",
                       reason="'You rated your pain {answer:pain_average}. Your work: "
                              "{answer:work_status}.'")  # fmt: skip
    questionnaire = parse_questionnaire(
        edit(clinic(shipped_text), "rules:\n", "rules:\n" + rule), "clinic.yaml"
    )
    answers, _, _ = check_answers(questionnaire, minimal_answers(questionnaire, pain_average=9))
    found = next(s for s in assess(questionnaire, answers).specialists if s.id == "physiatrist")
    assert "You rated your pain 9 out of 10." in found.reasons
    assert not any("not answered" in reason for reason in found.reasons)


# -- regions ------------------------------------------------------------------------------------

CANADA = """  ca:
    label: {en: Canada, es: Canadá}
    emergency_number: "911"
    emergency: {en: the nearest emergency department, es: la sala de emergencias más cercana}
    same_day: {en: "call your family doctor's office, or 811", es: "llame a su médico o al 811"}
    soon: {en: call your family doctor's office, es: llame a su médico}
    crisis_line: {en: the 9-8-8 Suicide Crisis Helpline (call or text 988), es: la línea 988}
"""


@pytest.mark.parametrize(
    ("region", "default", "expected", "absent"),
    [
        # one key missing: one error, with what the key is for
        (CANADA.replace("    soon: {en: call your family doctor's office, es: llame a su médico}\n", ""),
         "ca", ["missing key 'soon'", "hint: add 'soon:', whom to contact"],
         ["default_region 'ca' is not defined"]),
        # a misspelt key: did you mean, and not 'missing' as well
        (CANADA.replace("    crisis_line:", "    crisis_lines:"), "us",
         ["unknown key 'crisis_lines'", "hint: did you mean 'crisis_line'?"],
         ["missing key 'crisis_line'"]),
        # a default region that is misspelt
        (CANADA, "canada", ["default_region 'canada' is not defined under 'regions'",
                            "hint: did you mean 'ca'?"], []),
        # a region's own word for a term the file does not define
        (CANADA + "    terms: {famly_doctor: {en: family doctor, es: médico de familia}}\n"
         + "    last: [chiropractr]\n", "ca",
         ["warning: region 'ca' names the term 'famly_doctor', which is not under 'terms'",
          "hint: did you mean 'family_doctor'?"], []),
        # a region's list of what comes last names a suggestion that does not exist
        (CANADA + "    last: [spinal_manipulaton]\n", "ca",
         ["'spinal_manipulaton' is no specialist or option",
          "hint: did you mean 'spinal_manipulation'?"], []),
    ],
)  # fmt: skip
def test_region_mistakes_get_one_clear_message_each(
    tmp_path, shipped_text, region, default, expected, absent
):
    text = edit(clinic(shipped_text), "regions:\n", "regions:\n" + region)
    text = edit(text, "default_region: us", f"default_region: {default}")
    code, out, _ = run_check(tmp_path, text)
    assert code == 1
    for fragment in expected:
        assert fragment in out
    for fragment in absent:
        assert fragment not in out
    assert_every_problem_has_a_hint(out)


def test_a_clinic_region_and_question_check_clean(tmp_path, shipped_text):
    """The clinic of the issue: a Canadian region and a new optional question check OK."""
    text = edit(clinic(shipped_text), "regions:\n", "regions:\n" + CANADA)
    anchor = "      - id: work_status\n"
    text = edit(text, anchor, WORKPLACE.replace("        required: true\n", "") + anchor)
    code, out, _ = run_check(tmp_path, text)
    assert code == 0, out
    assert "warning" not in out
    assert load_questionnaire(tmp_path / "clinic.yaml").regions["ca"].label == "Canada"


# -- a blind reviewer's edits ---------------------------------------------------------------------

BLIND = yaml.safe_load((DATA / "clinic-edits-blind.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", BLIND, ids=[case["name"] for case in BLIND])
def test_a_blind_reviewers_clinic_edits_are_judged_as_expected(tmp_path, shipped_text, case):
    text = shipped_text
    for step in case["edits"]:
        text = edit(text, step["old"], step["new"])
    code, out, _ = run_check(tmp_path, text)
    # the built-in id kept by a changed copy is a warning of its own (case f1 is about it)
    others = [
        line
        for line in out.splitlines()
        if ": warning: " in line and "differs from the built-in" not in line
    ]
    if case["expect"] == "error":
        assert code == 1, out
    elif case["expect"] == "warning":
        assert code == 0, out
        assert others or case["name"].startswith("f1"), out
        assert ": warning: " in out
    else:
        assert (code, others) == (0, []), out
    for word in case["words"]:
        assert word.lower() in out.lower(), word
    assert_every_problem_has_a_hint(out)


@pytest.mark.parametrize("goal", ["Walk the dog. Sleep through the night!", "\x00", "{answer:x}"])
def test_what_a_patient_typed_never_decides_what_is_left_out(questionnaire, goal):
    """Sentences are those of the text as written: a typed answer with full stops, or with a
    character the summary uses for nothing, is quoted whole."""
    from spinecheck.assessment.rules import assess

    answers, _, _ = check_answers(questionnaire, minimal_answers(questionnaire, goals=goal))
    notes = {note.id: note.text for note in assess(questionnaire, answers).preparation}
    said = next(text for text in notes.values() if "your goal" in text)
    assert said.endswith(": " + answers["goals"] + ".") or answers["goals"] in said


def test_an_unanswered_follow_up_leaves_out_only_its_own_sentence(questionnaire):
    from spinecheck.assessment.rules import assess

    answers = minimal_answers(
        questionnaire, treatments_tried=["spine_surgery"], surgery_when="over_1_year"
    )
    checked, problems, _ = check_answers(questionnaire, answers)
    assert problems == []
    notes = [note.text for note in assess(questionnaire, checked).preparation]
    surgery = next(text for text in notes if "spine surgery" in text)
    assert surgery.startswith("Bring details of your spine surgery (more than a year ago):")
    assert surgery.endswith("and how your pain changed.")
    assert "not answered" not in surgery


INTERPRETER = """      - id: interpreter_language
        short: {en: Interpreter language, es: Idioma del intérprete}
        kind: text
        text:
          en: If you need an interpreter, for which language?
          es: Si necesita un intérprete, ¿para qué idioma?
"""
PREPARE = """  - id: prepare_interpreter
    when: {question: pain_average, at_least: 0}
    preparation: interpreter
    text:
      en: 'Tell the clinic when you book. We will have an interpreter for {answer:interpreter_language}.'
      es: 'Avise a la clínica al pedir la cita. Tendremos un intérprete de {answer:interpreter_language}.'
"""


def interpreter_clinic(shipped_text: str) -> str:
    anchor = "      - id: work_status\n"
    text = edit(clinic(shipped_text), anchor, INTERPRETER + anchor)
    return edit(text, "rules:\n", "rules:\n" + PREPARE)


def test_a_typed_answer_keeps_its_capitals_inside_a_sentence(shipped_text):
    from spinecheck.assessment.rules import assess

    questionnaire = parse_questionnaire(interpreter_clinic(shipped_text), "clinic.yaml")
    answers = minimal_answers(questionnaire, interpreter_language="Punjabi")
    checked, _, _ = check_answers(questionnaire, answers)
    notes = {note.id: note.text for note in assess(questionnaire, checked).preparation}
    assert notes["interpreter"].endswith("We will have an interpreter for Punjabi.")


def test_a_clinic_text_that_may_lose_a_sentence_gets_a_note(tmp_path, shipped_text):
    code, out, _ = run_check(tmp_path, interpreter_clinic(shipped_text))
    assert code == 0, out
    assert "note: " in out
    assert (
        "rule 'prepare_interpreter' quotes 'interpreter_language', which may be unanswered" in out
    )
    assert "that sentence is left out ('We will have an interpreter for" in out
    # the built-in file's own rules, unchanged, are not the clinic's to hear about
    assert "prepare_surgery" not in out


def test_a_wrong_test_in_a_condition_is_said_once_not_as_never_asked(tmp_path, shipped_text):
    old = "when: {question: leg_pain_below_knee, equals: true}"
    code, out, _ = run_check(tmp_path, edit(clinic(shipped_text), old, old.replace("true", "yes")))
    assert code == 1
    assert "'leg_pain_below_knee' is a yes/no question: test it with true or false" in out
    assert "can never be asked" not in out


def test_the_clinician_footer_says_which_version_the_patient_answered(tmp_path, shipped_text):
    """Answers given with 2026.12-1 and printed with 2026.12-2: the audit needs both."""
    questions = tmp_path / "clinic.yaml"
    questions.write_text(edit(clinic(shipped_text), '"2026.12-riverside.1"', '"2026.12-2"'))
    answers = (DATA / "chronic_back.yaml").read_text(encoding="utf-8")
    answers = edit(answers, "questionnaire: spinecheck_default", "questionnaire: riverside_spine")
    answers = edit(
        answers, 'questionnaire_version: "2026.11.1"', 'questionnaire_version: "2026.12-1"'
    )
    path = tmp_path / "answers.yaml"
    path.write_text(answers, encoding="utf-8")
    result = runner.invoke(
        app,
        ["summary", str(path), "--questions", str(questions), "--audience", "clinician",
         "--format", "text"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert (
        "Questionnaire riverside_spine version 2026.12-2 (answered with version 2026.12-1)" in said
    )
