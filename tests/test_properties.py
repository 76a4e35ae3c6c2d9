"""Property-based tests: random valid answers never break the engine; random edits of files give
a clean load or our error (file, line, hint), never another exception."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinecheck.answers.files import parse_answers
from spinecheck.answers.progress import answers_document, dump_answers
from spinecheck.assessment.report import SummaryInfo, to_json_dict
from spinecheck.assessment.rules import assess
from spinecheck.errors import SpinecheckError
from spinecheck.questionnaire.answering import check_answers, visible_questions
from spinecheck.questionnaire.loading import load_questionnaire, parse_questionnaire, questions_file
from spinecheck.questionnaire.model import QuestionKind
from spinecheck.render.formats import Summary, render
from spinecheck.render.output_format import OutputFormat
from tests.contract import assert_contract_json

T = TypeVar("T")
QUESTIONNAIRE = load_questionnaire()
SHIPPED = questions_file().read_text(encoding="utf-8")
MEDICINE_NAMES = ["Percocet 5/325", "Xanax", "gabapentin 300 mg", "Advil", "Coumadin", "tramadol",
                  "Zoloft", "Tylenol #3", "oxycodon", "Lyrica", "co-codamol", "Eliquis"]  # fmt: skip
FREE_TEXT = st.text(min_size=1, max_size=60).filter(lambda t: t.strip() != "")


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, object]:
    """A valid answer set, built question by question along the walk."""
    answers: dict[str, object] = {}
    for question in QUESTIONNAIRE.questions:
        if question.id not in {q.id for q in visible_questions(QUESTIONNAIRE, answers)}:
            continue
        if not question.required and draw(st.booleans()):
            continue
        kind = question.kind
        choices = [c.value for c in question.choices or ()]
        if kind is QuestionKind.YES_NO:
            value: object = (
                draw(st.booleans())
                if question.warning is None
                else draw(st.sampled_from([False] * 6 + [True]))
            )
        elif kind is QuestionKind.SINGLE:
            value = draw(st.sampled_from(choices))
        elif kind is QuestionKind.MULTIPLE:
            exclusive = [c.value for c in question.choices or () if c.exclusive]
            others = [c for c in choices if c not in exclusive]
            if exclusive and draw(st.booleans()):
                value = [exclusive[0]]
            else:
                value = draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
        elif kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
            low, high = question.bounds()
            value = draw(st.integers(min_value=low, max_value=high))
        elif kind is QuestionKind.TEXT:
            value = draw(FREE_TEXT).strip()
        else:
            value = [
                item.strip()
                for item in draw(
                    st.lists(
                        st.one_of(st.sampled_from(MEDICINE_NAMES), FREE_TEXT),
                        min_size=1,
                        max_size=6,
                    )
                )
            ]
        answers[question.id] = value
    return answers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets(), st.sampled_from(["us", "uk", "other"]))
def test_random_valid_answers_give_contract_json(answers, region):
    checked, problems, missing = check_answers(QUESTIONNAIRE, answers)
    assert problems == []
    assert missing == []
    assessment = assess(QUESTIONNAIRE, checked, region=region)
    summary = to_json_dict(assessment)
    assert_contract_json(summary)
    json.dumps(summary)
    if summary["urgency"] == "emergency":
        assert summary["specialists"] == []
        assert summary["options"] == []
    text = render(OutputFormat.TEXT, [Summary(QUESTIONNAIRE, checked, assessment, SummaryInfo())])
    assert "not a diagnosis" in " ".join(str(text).split())
    # a sentence quoting an unanswered question is left out, never filled with "(not answered)"
    said = [
        *(
            reason
            for item in [*assessment.specialists, *assessment.options]
            for reason in item.reasons
        ),
        *(reason for flag in assessment.medication_flags for reason in flag.reasons),
        *(note.text for note in [*assessment.preparation, *assessment.messages]),
    ]
    assert not [s for s in said if "(not answered)" in s or not s.strip()]


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_answers_survive_a_round_trip_through_a_file(answers):
    checked, _, _ = check_answers(QUESTIONNAIRE, answers)
    text = dump_answers(answers_document(QUESTIONNAIRE, checked))
    assert parse_answers(text, "a.yaml", QUESTIONNAIRE).answers == checked


def load_or_error(load: Callable[[], T]) -> T | SpinecheckError:
    """The loaded value, or our error; any other exception fails the test."""
    try:
        return load()
    except SpinecheckError as err:
        return err


def mutate(text: str, data: st.DataObject) -> str:
    """One random edit of the kind a person makes by mistake (or a fuzzer on purpose)."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return data.draw(st.text(max_size=30))
    index = data.draw(st.integers(0, len(lines) - 1))
    edit = data.draw(
        st.sampled_from(["delete", "duplicate", "swap", "char", "insert", "indent", "truncate"])
    )
    if edit == "delete":
        del lines[index]
    elif edit == "duplicate":
        lines.insert(index, lines[index])
    elif edit == "swap":
        other = data.draw(st.integers(0, len(lines) - 1))
        lines[index], lines[other] = lines[other], lines[index]
    elif edit == "char":
        line = lines[index]
        if line:
            at = data.draw(st.integers(0, len(line) - 1))
            lines[index] = (
                line[:at]
                + data.draw(st.sampled_from(list(":-[]{}&*!|>'\"#% \tx0")))
                + line[at + 1 :]
            )
    elif edit == "insert":
        lines.insert(index, data.draw(st.text(max_size=30)) + "\n")
    elif edit == "indent":
        lines[index] = data.draw(st.sampled_from(["", " ", "  ", "    "])) + lines[index].lstrip()
    else:
        return "".join(lines[:index])
    return "".join(lines)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edits_of_the_questionnaire_give_a_load_or_our_error(data):
    text = SHIPPED
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate(text, data)
    err = load_or_error(lambda: parse_questionnaire(text, "questions.yaml"))
    if isinstance(err, SpinecheckError):
        assert err.problems
        for problem in err.problems:
            assert problem.path == "questions.yaml"
            assert problem.message
        assert str(err).startswith("questions.yaml")


@pytest.fixture(scope="module")
def sample_answers() -> str:
    from tests.conftest import DATA

    return (DATA / "after_surgery.yaml").read_text(encoding="utf-8")


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_random_edits_of_an_answer_file_give_a_load_or_our_error(sample_answers, data):
    text = sample_answers
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate(text, data)
    loaded = load_or_error(lambda: parse_answers(text, "answers.yaml", QUESTIONNAIRE))
    if isinstance(loaded, SpinecheckError):
        for problem in loaded.problems:
            assert problem.path == "answers.yaml"
            assert problem.message
        return
    assert_contract_json(to_json_dict(assess(QUESTIONNAIRE, loaded.answers)))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([q.id for q in QUESTIONNAIRE.questions] + ["other", "spinecheck"]),
                       st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                                    max_leaves=8),
                       max_size=12))  # fmt: skip
def test_any_json_shaped_answers_give_our_error_or_a_summary(raw):
    text = json.dumps(raw)
    loaded = load_or_error(lambda: parse_answers(text, "answers.json", QUESTIONNAIRE))
    if isinstance(loaded, SpinecheckError):
        assert all(problem.message for problem in loaded.problems)
        return
    assert_contract_json(to_json_dict(assess(QUESTIONNAIRE, loaded.answers)))


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab cdé  \t\n\x1b[1m" + "x" * 5), max_size=300),
    st.sampled_from([("  - ", "    "), ("  [ ] ", "      "), ("      ", "      "), ("  ", "    ")]),
    st.integers(min_value=10, max_value=80),
)
def test_fast_wrapping_gives_the_same_lines_as_word_by_word_wrapping(text, prefixes, width):
    from spinecheck.render.plain import _wrap, _wrap_cutting, clean

    first, rest = prefixes
    lines = _wrap(text, first, rest, width)
    assert list(lines) == _wrap_cutting(clean(text).split(), first, rest, width)
    assert all(len(line) <= width for line in lines[1:])


# -- issue 12: numbers are what was written, and whatever the walk saves reads back ----------------


@settings(max_examples=200, deadline=None)
@given(
    number=st.integers(min_value=0, max_value=10**12),
    zeros=st.integers(min_value=0, max_value=3),
    sign=st.sampled_from(["", "-", "+"]),
)
def test_decimal_numbers_read_as_written_whatever_their_leading_zeros(number, zeros, sign):
    from spinecheck.questionnaire.reading import parse_yaml

    written = f"{sign}{'0' * zeros}{number}"
    value = parse_yaml(f"x: {written}\n", "n.yaml").data["x"]
    assert value == (-number if sign == "-" else number)
    assert isinstance(value, int)
    assert not isinstance(value, bool)


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.from_regex(
            r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?", fullmatch=True
        ),  # times, sexagesimal in 1.1
        st.from_regex(r"0[xob][0-9a-f]{1,6}", fullmatch=True),  # hex, binary, octal forms
        st.sampled_from(["yes", "no", "on", "off", "y", "n", "Yes", "NO", "2026-12-03", "1_000"]),
    )
)
def test_yaml_1_1_forms_stay_text(text):
    from spinecheck.questionnaire.reading import parse_yaml

    assert parse_yaml(f"x: {text}\n", "t.yaml").data["x"] == text


TYPED_TEXT = st.lists(
    st.text(min_size=1, max_size=8)
    | st.sampled_from(
        ["\x1b[31m", "\x1b]0;t\x07", "\u202e", "\x85", "\u2028", "\udc80", "\n", "\t", "\x00"]
    ),
    min_size=1,
    max_size=6,
).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets(), typed=st.lists(TYPED_TEXT, min_size=1, max_size=4), goal=TYPED_TEXT)
def test_whatever_the_walk_saves_the_walk_and_summary_read_back(
    tmp_path_factory, answers, typed, goal
):
    """Text as a patient might type or paste it goes through the walk's own cleaning and saving."""
    from spinecheck.answers.files import load_answers
    from spinecheck.answers.progress import Progress, load_progress, progress_text, write_private
    from spinecheck.walk.wording import check_typed

    medicines = QUESTIONNAIRE.question("medications")
    goals = QUESTIONNAIRE.question("goals")
    assert medicines is not None
    assert goals is not None
    walked = dict(answers)
    try:
        cleaned = check_typed(medicines, typed)
        if cleaned is not None:
            walked["medications"] = cleaned
        text = check_typed(goals, goal)
        if text is not None:
            walked["goals"] = text
    except SpinecheckError:
        return  # refused when typed: nothing is saved
    folder = tmp_path_factory.mktemp("walk")
    for name, as_json in (("progress.yaml", False), ("progress.json", True)):
        path = folder / name
        progress = Progress(answers=walked, current=None, seen=list(walked))
        write_private(
            path,
            progress_text(QUESTIONNAIRE, progress, "2026-12-01T10:00:00+00:00", as_json=as_json),
        )
        assert load_progress(path, QUESTIONNAIRE).progress.answers == walked
        assert load_answers(path, QUESTIONNAIRE, partial=True).answers == walked
