"""Answer files: YAML and JSON, every problem with its line, and writing them back safely."""

from __future__ import annotations

import json
import stat

import pytest
import yaml

from spinecheck.answers.files import load_answers, parse_answers
from spinecheck.answers.progress import answers_document, dump_answers, write_private
from spinecheck.errors import SpinecheckError
from tests.conftest import DATA, minimal_answers


def test_sample_file_loads(questionnaire):
    loaded = load_answers(DATA / "chronic_back.yaml", questionnaire)
    assert loaded.answers["pain_duration"] == "over_1_year"
    assert loaded.answers["substance_concern"] == "no"
    assert loaded.metadata["questionnaire"] == "spinecheck_default"


def test_every_problem_names_line_question_and_what_is_allowed(questionnaire):
    text = yaml.safe_dump(minimal_answers(questionnaire), sort_keys=False)
    text = text.replace("pain_trend: improving", "pain_trend: wrose")
    text = text.replace("age: 45", "age: 450")
    text += "pain_averag: 3\nflare_up: true\n"
    lines = text.splitlines()
    with pytest.raises(SpinecheckError) as caught:
        parse_answers(text, "answers.yaml", questionnaire)
    problems = {p.question: p for p in caught.value.problems}
    for question_id, marker, fragment, hint in [
        (
            "pain_trend",
            "pain_trend: wrose",
            "not one of the choices",
            "allowed: improving (Getting better), same (About the same)",
        ),
        ("age", "age: 450", "outside the allowed range 0 to 120", "0 to 120"),
        ("pain_averag", "pain_averag: 3", "unknown question id", "did you mean 'pain_average'?"),
        ("flare_up", "flare_up: true", "only asked when", "remove this answer"),
    ]:
        problem = problems[question_id]
        assert problem.line == next(i for i, line in enumerate(lines, 1) if line.startswith(marker))
        assert problem.path == "answers.yaml"
        assert question_id in problem.message
        assert fragment in problem.message
        assert hint in (problem.hint or "")


def test_missing_required_answers_are_listed_together(questionnaire):
    answers = minimal_answers(questionnaire)
    del answers["age"], answers["pain_average"], answers["rf_fever"]
    with pytest.raises(SpinecheckError) as caught:
        parse_answers(yaml.safe_dump(answers), "a.yaml", questionnaire)
    message = str(caught.value)
    assert "missing required answers: rf_fever, pain_average, age" in message


def test_emergency_sign_makes_a_short_file_complete(questionnaire):
    text = "rf_saddle_numbness: false\nrf_bladder_change: true\n"
    loaded = parse_answers(text, "a.yaml", questionnaire)
    assert loaded.answers == {"rf_saddle_numbness": False, "rf_bladder_change": True}


def test_same_day_sign_does_not_excuse_missing_answers(questionnaire):
    with pytest.raises(SpinecheckError, match="missing required answers"):
        parse_answers("rf_fever: true\n", "a.yaml", questionnaire)


def test_json_answers_with_lines(questionnaire):
    answers = minimal_answers(questionnaire, pain_trend="sideways")
    text = json.dumps(answers, indent=2)
    with pytest.raises(SpinecheckError) as caught:
        parse_answers(text, "a.json", questionnaire)
    problem = caught.value.problems[0]
    assert problem.question == "pain_trend"
    assert problem.line == next(
        i for i, line in enumerate(text.splitlines(), 1) if '"pain_trend"' in line
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "JSON syntax error"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("age: 1\nage: 2\n", "duplicate key 'age'"),
        ("- a\n- b\n", "expected a mapping"),
        ("spinecheck: [1]\n", "must be a mapping"),
        ("spinecheck: {questionnaire: other_clinic}\n", "not 'spinecheck_default'"),
        ("spinecheck: {format: 9}\n", "unknown answers format 9"),
    ],
)
def test_bad_answer_files(questionnaire, text, fragment):
    with pytest.raises(SpinecheckError) as caught:
        parse_answers(text, "a.yaml" if not text.startswith("{") else "a.json", questionnaire)
    assert fragment in str(caught.value)


def test_stdin(questionnaire, monkeypatch):
    import io
    import sys

    text = yaml.safe_dump(minimal_answers(questionnaire))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    loaded = load_answers("-", questionnaire)
    assert loaded.label == "<stdin>"
    assert loaded.answers["age"] == 45


def test_written_answers_read_back_identically(questionnaire, tmp_path):
    answers = minimal_answers(questionnaire, goals="Gärtnern, 走る [red]x[/] <b>")
    answers.pop("pain_trend")
    answers["pain_trend"] = "same"
    document = answers_document(questionnaire, answers, started="2026-11-28T10:00:00+00:00")
    path = tmp_path / "sub" / "answers.yaml"
    write_private(path, dump_answers(document))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = load_answers(path, questionnaire)
    assert loaded.answers == {k: answers[k] for k in loaded.answers}
    assert set(loaded.answers) == set(answers)
    assert loaded.metadata["questionnaire_version"] == questionnaire.version
    assert loaded.metadata["started"] == "2026-11-28T10:00:00+00:00"
    assert next(iter(document)) == "spinecheck"


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "answers.yaml"
    write_private(path, "age: 40\n")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        write_private(path, "age: 41\n")
    assert path.read_text() == "age: 40\n"
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]
