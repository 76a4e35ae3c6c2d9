"""Loading questionnaire files: every error class, reported with file, line and hint."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from spinecheck.errors import SpinecheckError
from spinecheck.questionnaire.loading import load_questionnaire, parse_questionnaire, questions_file

HEADER = """\
format: 1
id: test
version: "1"
title: Test
"""


def build(body: str, extra: str = "") -> str:
    return HEADER + textwrap.dedent(body) + textwrap.dedent(extra)


SIMPLE_SECTION = """\
sections:
  - id: main
    title: Main
    questions:
      - id: hurts
        kind: yes_no
        text: Does it hurt?
      - id: where
        kind: multiple
        text: Where?
        choices:
          - {value: back, label: Back}
          - {value: neck, label: Neck}
          - {value: none, label: Nowhere, exclusive: true}
"""


def errors_of(text: str) -> SpinecheckError:
    with pytest.raises(SpinecheckError) as caught:
        parse_questionnaire(text, "q.yaml")
    return caught.value


def test_shipped_questionnaire_loads_from_the_package(questionnaire):
    assert questionnaire.id == "spinecheck_default"
    assert questions_file().is_file()


def test_minimal_questionnaire_loads():
    questionnaire = parse_questionnaire(build(SIMPLE_SECTION), "q.yaml")
    assert [q.id for q in questionnaire.questions] == ["hurts", "where"]


@pytest.mark.parametrize(
    ("body", "line", "fragment", "hint"),
    [
        pytest.param(
            SIMPLE_SECTION.replace("kind: yes_no", "kind: yes_no\n        requried: true"),
            11,
            "unknown key 'requried'",
            "did you mean 'required'?",
            id="typo-key",
        ),
        pytest.param(
            SIMPLE_SECTION.replace("kind: yes_no", "kind: yesno"),
            10,
            "'yesno' is not allowed for 'kind'",
            "expected",
            id="bad-kind",
        ),
        pytest.param(
            SIMPLE_SECTION.replace("text: Does it hurt?", "text: [1, 2]"),
            11,
            "'text'",
            None,
            id="wrong-value-kind",
        ),
        pytest.param(
            SIMPLE_SECTION.replace("id: where", "id: hurts"),
            12,
            "duplicate question id 'hurts' (first at line 9)",
            "own id",
            id="duplicate-id",
        ),
        pytest.param(
            SIMPLE_SECTION.replace("{value: neck", "{value: back"),
            17,
            "duplicate choice value 'back'",
            None,
            id="duplicate-choice",
        ),
        pytest.param(
            SIMPLE_SECTION.replace(
                "        text: Where?",
                "        text: Where?\n        when: {question: hurst, equals: true}",
            ),
            15,
            "unknown question 'hurst'",
            "did you mean 'hurts'?",
            id="unknown-question-in-condition",
        ),
        pytest.param(
            SIMPLE_SECTION.replace(
                "        text: Does it hurt?",
                "        text: Does it hurt?\n        when: {question: where, includes: back}",
            ),
            12,
            "not asked before it",
            "earlier answers",
            id="condition-names-later-question",
        ),
        pytest.param(
            SIMPLE_SECTION.replace(
                "        text: Where?",
                "        text: Where?\n        when: {question: hurts, equals: maybe}",
            ),
            15,
            "yes/no question",
            None,
            id="condition-wrong-value",
        ),
        pytest.param(
            SIMPLE_SECTION
            + "      - id: extra\n        kind: yes_no\n        text: X?\n        when: {question: where, includes: [bak]}\n",
            22,
            "'where' has no choice 'bak'",
            "did you mean 'back'?",
            id="condition-unknown-choice",
        ),
        pytest.param(
            SIMPLE_SECTION
            + "      - id: extra\n        kind: yes_no\n        text: X?\n        when: {all: [{question: hurts, equals: true}, {question: hurts, equals: false}]}\n",
            22,
            "can never be asked",
            None,
            id="unreachable",
        ),
        pytest.param(
            SIMPLE_SECTION.replace(
                "        text: Does it hurt?", "        text: Does it hurt?\n        text: Again?"
            ),
            12,
            "duplicate key 'text'",
            None,
            id="duplicate-key",
        ),
        pytest.param(
            SIMPLE_SECTION.replace("kind: yes_no", "kind: single"),
            9,
            "needs at least two choices",
            None,
            id="choices-missing",
        ),
        pytest.param(
            SIMPLE_SECTION.replace(
                "        text: Does it hurt?", "        text: Does it hurt?\n        unit: cm"
            ),
            12,
            "'unit' does not apply to a yes_no question",
            None,
            id="key-for-other-kind",
        ),
        pytest.param(
            SIMPLE_SECTION.replace(
                "        text: Where?", "        text: Where?\n        when: {question: hurts}"
            ),
            15,
            "needs an operator",
            None,
            id="condition-without-operator",
        ),
        pytest.param(
            SIMPLE_SECTION.replace("{value: neck, label: Neck}", "{value: neck, label: false}"),
            17,
            "got false",
            "quotes",
            id="yaml-false-is-boolean",
        ),
        pytest.param(
            SIMPLE_SECTION.replace("    title: Main\n", ""),
            6,
            "missing key 'title'",
            None,
            id="missing-key",
        ),
    ],
)
def test_each_error_class_reports_its_line(body, line, fragment, hint):
    err = errors_of(build(body))
    matching = [p for p in err.problems if fragment in p.message]
    assert matching, str(err)
    assert matching[0].line == line, str(err)
    assert matching[0].path == "q.yaml"
    if hint:
        assert hint in (matching[0].hint or "")


RULES = """\
specialists:
  physio: {label: Physio}
sources:
  nice: {citation: NICE}
rules:
  - id: r1
    when: {question: hurts, equals: true}
    specialist: physio
    reason: Because you said {answer:hurts}.
    sources: [nice]
"""


def test_rules_load():
    questionnaire = parse_questionnaire(build(SIMPLE_SECTION, RULES), "q.yaml")
    assert questionnaire.rules[0].target == "physio"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (("specialist: physio", "specialist: physia"), "unknown specialist 'physia'"),
        (("sources: [nice]", "sources: [nise]"), "unknown source 'nise'"),
        (("{answer:hurts}", "{answer:hurst}"), "unknown question 'hurst'"),
        (("    sources: [nice]\n", ""), "recommends without 'sources'"),
        (("specialist: physio", "specialist: physio\n    option: rest"), "a rule does one thing"),
        (("specialist: physio", "red_flag: hurts"), "not a warning-sign question"),
        (
            ("{question: hurts, equals: true}", "{medication_class: opiod}"),
            "unknown medicine class",
        ),
        (("{question: hurts, equals: true}", "{score: nothing, at_least: 1}"), "unknown score"),
    ],
)
def test_rule_cross_references(change, fragment):
    err = errors_of(build(SIMPLE_SECTION, RULES.replace(*change)))
    assert any(fragment in p.message for p in err.problems), str(err)
    assert all(p.line is not None for p in err.problems)


def test_ten_mistakes_in_a_copy_of_the_shipped_file_are_all_reported(shipped_text, tmp_path):
    mistakes = [
        # (text to find, replacement, marker on the reported line, fragment of the message)
        ("      - id: rf_saddle_numbness\n        short:\n          en: Numbness between the legs\n          es: Entumecimiento entre las piernas\n        kind: yes_no\n        required: true",
         "      - id: rf_saddle_numbness\n        short:\n          en: Numbness between the legs\n          es: Entumecimiento entre las piernas\n        kind: yes_no\n        requried: true",
         "requried: true", "unknown key 'requried'"),
        ("      - id: rf_bladder_change\n        short:\n          en: New bladder trouble\n          es: Problema nuevo de la vejiga\n        kind: yes_no",
         "      - id: rf_bladder_change\n        short:\n          en: New bladder trouble\n          es: Problema nuevo de la vejiga\n        kind: yesno",
         "kind: yesno", "'yesno' is not allowed"),
        ("          - {value: homemaker, label: {en: Looking after a home or family",
         "          - {value: student, label: {en: Looking after a home or family",
         "{value: student, label: {en: Looking after a home or family", "duplicate choice value 'student'"),
        ("        when: {question: pain_duration, in: [3_to_12_months, over_1_year]}\n        text:\n          en: Is this a flare-up",
         "        when: {question: pain_duraton, in: [3_to_12_months, over_1_year]}\n        text:\n          en: Is this a flare-up",
         "pain_duraton", "unknown question 'pain_duraton'"),
        ("        when: {question: pain_areas, includes: [lower_back, buttock_hip, leg]}",
         "        when: {question: pain_areas, includes: [lower_back, buttock_hip, legg]}",
         "legg]", "has no choice 'legg'"),
        ("      - id: numbness_tingling\n        short:\n          en: Numbness or pins and needles\n          es: Entumecimiento u hormigueo\n        kind: yes_no\n",
         "      - id: numbness_tingling\n        short:\n          en: Numbness or pins and needles\n          es: Entumecimiento u hormigueo\n        kind: yes_no\n        when: {question: age, at_least: 18}\n",
         "when: {question: age, at_least: 18}", "not asked before it"),
        ("    sources: [asas_2009]", "    sources: [asas_2090]", "sources: [asas_2090]",
         "unknown source 'asas_2090'"),
        ("    specialist: physiatrist", "    specialist: physiatrst", "specialist: physiatrst",
         "unknown specialist 'physiatrst'"),
        ("        max_items: 40", "        max_items: forty", "max_items: forty", "'max_items'"),
        ("      - id: goals\n        short:\n          en: Your goal\n          es: Su meta\n        kind: text\n",
         "      - id: goals\n        short:\n          en: Your goal\n          es: Su meta\n        kind: text\n        when: {all: [{question: age, below: 10}, {question: age, above: 20}]}\n",
         "{question: age, below: 10}", "can never be asked"),
    ]  # fmt: skip
    text = shipped_text
    for find, replace, _, _ in mistakes:
        assert text.count(find) == 1, find
        text = text.replace(find, replace)
    lines = text.splitlines()
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpinecheckError) as caught:
        load_questionnaire(path)
    problems = caught.value.problems
    for _, _, marker, fragment in mistakes:
        expected_line = next(i for i, line in enumerate(lines, 1) if marker in line)
        found = [p for p in problems if fragment in p.message]
        assert found, f"{fragment!r} not reported in:\n{caught.value}"
        assert found[0].line == expected_line, f"{fragment}: {found[0]}"
        assert found[0].path == str(path)
    assert len(problems) == 10, str(caught.value)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"\xff\xfeb\x00a\x00d\x00", "UTF-16"),
        (b"id: x\x00y\n", "binary data"),
        (b"id: caf\xe9\n", "not valid UTF-8"),
        (b"x" * 1_000_001, "larger than 1 MB"),
        (b"- just\n- a list\n", "expected a mapping"),
        (b"id: [unclosed\n", "YAML syntax error"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path, content, fragment):
    path = tmp_path / "q.yaml"
    path.write_bytes(content)
    with pytest.raises(SpinecheckError) as caught:
        load_questionnaire(path)
    assert fragment in str(caught.value)


def test_syntax_error_reports_line(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("id: test\ntitle: [unclosed\nversion: 1\n")
    with pytest.raises(SpinecheckError) as caught:
        load_questionnaire(path)
    assert caught.value.line in (2, 3, 4)
    assert str(caught.value).startswith(f"{path}:")


def test_missing_file():
    with pytest.raises(SpinecheckError, match="file not found"):
        load_questionnaire(Path("/nonexistent/q.yaml"))


def test_byte_order_mark_and_crlf_are_accepted(tmp_path):
    text = build(SIMPLE_SECTION).replace("\n", "\r\n")
    path = tmp_path / "q.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_questionnaire(path).id == "test"


def test_alias_bomb_is_refused(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    previous = "a"
    for name in "bcdefghij":
        bomb += f"{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
        previous = name
    path = tmp_path / "q.yaml"
    path.write_text(bomb)
    with pytest.raises(SpinecheckError, match="too many values"):
        load_questionnaire(path)


def test_python_tags_are_not_executed(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("id: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(SpinecheckError, match="YAML"):
        load_questionnaire(path)


def test_loading_remembers_nothing_between_runs(shipped_text, tmp_path, monkeypatch):
    """No cache can change a result: loading writes nothing and reads nothing but the file."""
    monkeypatch.setenv("SPINECHECK_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "questions.yaml"
    path.write_text(shipped_text, encoding="utf-8")
    load_questionnaire(path)
    from spinecheck.medicines.matching import default_index

    default_index()
    assert not (tmp_path / "cache").exists()
    path.write_text(shipped_text.replace("urgency: emergency", "urgency: emergncy", 1))
    with pytest.raises(SpinecheckError):
        load_questionnaire(path)  # an edited file is always checked again


def test_yaml_1_2_rules_read_words_and_numbers_as_written():
    """YAML 1.1 read `no` as false, `070` as 56 and `9:30` as 570; files here use YAML 1.2."""
    from spinecheck.questionnaire.reading import parse_yaml

    data = parse_yaml("a: no\nb: 070\nc: 9:30\nd: 0x26\ne: yes\nf: 1.5\ng: true\nh: ~\n", "x").data
    assert data == {"a": "no", "b": 70, "c": "9:30", "d": "0x26", "e": "yes", "f": 1.5,
                    "g": True, "h": None}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: !!int abc\n", "is not a valid !!int value"),
        ("a: !!bool maybe\n", "is not a valid !!bool value"),
        ("a: !!float x\n", "is not a valid !!float value"),
        ("a: !!set {x: null}\n", "tags that make objects are not allowed"),
        ("a: !!timestamp 2026-02-30\n", "tags that make objects are not allowed"),
        ("a: !!python/object:os.system x\n", "tags that make objects are not allowed"),
        ("&a [*a]\n", "refers to itself"),
        ("? [1, 2]\n: x\n", "a key must be plain text"),
    ],
)
def test_yaml_tags_and_odd_nodes_are_refused_with_their_line(text, fragment):
    from spinecheck.questionnaire.reading import parse_yaml

    with pytest.raises(SpinecheckError) as caught:
        parse_yaml(text, "x.yaml")
    assert fragment in caught.value.message
    assert caught.value.line == 1
