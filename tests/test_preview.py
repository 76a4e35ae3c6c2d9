"""Issue 28 item 9: `spinecheck start --from QUESTION_ID`, a preview that saves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner

from spinecheck.cli import app
from tests.conftest import DATA, ROOT

runner = CliRunner()

WORK_SECTION = """\
  - id: work
    title:
      en: Your work
      es: Su trabajo
    questions:
      - id: work_injury
        short:
          en: Hurt at work
          es: Se lastimó en el trabajo
        kind: yes_no
        text:
          en: Did the pain start with an injury at work?
          es: ¿El dolor empezó con una lesión en el trabajo?
      - id: work_claim
        short:
          en: Work injury claim
          es: Reclamo por la lesión
        kind: single
        when: {question: work_injury, equals: true}
        text:
          en: Have you made a claim for that injury?
          es: ¿Presentó un reclamo por esa lesión?
        choices:
          - value: open
            label:
              en: Yes, and it is still open
              es: Sí, y sigue abierto
          - value: closed
            label:
              en: Yes, and it is closed
              es: Sí, y ya está cerrado
          - value: no_claim
            label:
              en: No claim
              es: No presenté un reclamo

"""


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    """A clinic's questionnaire: the built-in one with a new last section (a question and its
    follow-up), in a folder of its own."""
    text = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    assert text.count("\npain_phase:\n") == 1
    text = text.replace("\npain_phase:\n", "\n" + WORK_SECTION + "pain_phase:\n", 1)
    folder = tmp_path / "clinic"
    folder.mkdir()
    path = folder / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Where a walk would save (SPINECHECK_DATA_DIR) and an empty home folder."""
    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(data))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    return data, home


def nothing_written(tmp_path: Path, clinic: Path | None = None) -> None:
    """Nothing in the test's folders but the clinic's own file: no answers, no lock, no page."""
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != clinic]
    assert written == []
    assert not (tmp_path / "data").exists()


def said(result: object) -> str:
    return " ".join(result.output.split())  # type: ignore[attr-defined]


def test_a_plain_preview_asks_the_question_and_its_follow_up_and_saves_nothing(
    tmp_path, clinic, homes
):
    result = runner.invoke(
        app,
        ["start", "--plain", "--questions", str(clinic), "--from", "work_injury"],
        input="y\n1\n\n",  # yes; the follow-up: a claim still open; the review is right
    )
    assert result.exit_code == 0, result.output
    shown = said(result)
    assert (
        "Preview from question work_injury: earlier answers are left empty, and nothing is "
        "saved (no answers are written, and saved answers are not touched)." in shown
    )
    assert "Preview (nothing is saved). Part 8 of 8, Your work: question 1." in shown
    assert "Did the pain start with an injury at work?" in shown
    assert "Have you made a claim for that injury?" in shown  # opened by the preview's yes
    assert "Recorded: Yes, and it is still open" in shown
    assert "Work injury claim Yes, and it is still open" in shown  # the review, as staff see it
    assert shown.endswith(
        "Preview finished. Nothing was saved, and no summary is made from a preview: its "
        "earlier answers are empty."
    )
    # no warning sign, no earlier question was asked
    assert "numbness" not in shown
    assert "Warning signs" not in shown
    nothing_written(tmp_path, clinic)


def test_conditions_are_read_on_the_answers_given_in_the_preview(tmp_path, clinic, homes):
    result = runner.invoke(
        app,
        ["start", "--plain", "--questions", str(clinic), "--from", "work_injury"],
        input="n\n\n",  # no: the follow-up is not asked; the review is right
    )
    assert result.exit_code == 0, result.output
    shown = said(result)
    assert "Have you made a claim" not in shown
    assert "Preview finished." in shown
    nothing_written(tmp_path, clinic)


def test_the_named_question_is_shown_even_when_its_condition_is_false(tmp_path, clinic, homes):
    result = runner.invoke(
        app,
        ["start", "--plain", "--questions", str(clinic), "--from", "work_claim"],
        input="3\n\n",
    )
    assert result.exit_code == 0, result.output
    shown = said(result)
    assert "Have you made a claim for that injury?" in shown
    assert "Recorded: No claim" in shown
    assert "Did the pain start with an injury" not in shown  # earlier: never asked
    assert "This is the first question." not in shown
    nothing_written(tmp_path, clinic)


def test_a_preview_of_the_built_in_questionnaire(tmp_path, homes):
    result = runner.invoke(app, ["start", "--plain", "--from", "goals"], input="Garden again\n\n\n")
    assert result.exit_code == 0, result.output
    shown = said(result)
    assert "What would you most like to be able to do again?" in shown
    assert "What questions do you want to ask at your visit?" in shown
    assert "Recorded: Garden again" in shown
    assert "Preview finished." in shown
    assert "Your summary is saved" not in shown
    nothing_written(tmp_path)


def test_saved_answers_are_left_exactly_as_they_were(tmp_path, homes):
    data, _ = homes
    data.mkdir()
    saved = data / "progress.yaml"
    saved.write_bytes((DATA / "chronic_back.yaml").read_bytes())
    before = (saved.read_bytes(), saved.stat().st_mtime_ns)
    result = runner.invoke(app, ["start", "--plain", "--from", "goals"], input="\n\n\n")
    assert result.exit_code == 0, result.output
    assert "unfinished answers" not in result.output  # nothing is offered to continue
    assert (saved.read_bytes(), saved.stat().st_mtime_ns) == before
    assert sorted(p.name for p in data.iterdir()) == ["progress.yaml"]  # no lock, no copy


def test_stopping_a_preview_saves_nothing(tmp_path, clinic, homes):
    result = runner.invoke(
        app, ["start", "--plain", "--questions", str(clinic), "--from", "work_injury"], input="y\n"
    )  # the input ends at the follow-up, as Ctrl-D does
    assert result.exit_code == 130
    assert said(result).endswith("Preview stopped. Nothing was saved.")
    assert "Your answers are saved" not in result.output
    nothing_written(tmp_path, clinic)


def test_an_emergency_sign_in_a_preview_says_what_the_patient_would_hear(tmp_path, homes):
    result = runner.invoke(
        app, ["start", "--plain", "--from", "rf_saddle_numbness"], input="y\ny\n"
    )
    assert result.exit_code == 3
    shown = said(result)
    assert "call 911 now" in shown.lower()
    assert "Your answers are saved" not in shown
    assert shown.endswith("its earlier answers are empty.")
    nothing_written(tmp_path)


def test_a_preview_speaks_the_patients_language(tmp_path, clinic, homes):
    result = runner.invoke(
        app,
        ["start", "--plain", "--questions", str(clinic), "--from", "work_injury",
         "--language", "es"],
        input="n\n\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = said(result)
    assert "Vista previa (no se guarda nada)." in shown
    assert "¿El dolor empezó con una lesión en el trabajo?" in shown
    assert "Terminó la vista previa." in shown


def test_an_unknown_question_id_gets_did_you_mean(clinic, homes):
    result = runner.invoke(
        app, ["start", "--plain", "--questions", str(clinic), "--from", "work_injry"], input=""
    )
    assert result.exit_code == 1
    assert f"no question has the id 'work_injry' in {clinic}" in result.stderr
    assert "hint: did you mean 'work_injury'?" in result.stderr
    built_in = runner.invoke(app, ["start", "--plain", "--from", "nothing_like_it"], input="")
    assert built_in.exit_code == 1
    assert "in the built-in questionnaire" in built_in.stderr
    assert "hint: give a question's id as written after 'id:'" in built_in.stderr


@pytest.mark.parametrize("other", [["--resume"], ["--save", "answers.yaml"]])
def test_from_cannot_go_with_resume_or_save(tmp_path, homes, other):
    result = runner.invoke(app, ["start", "--plain", "--from", "goals", *other], input="")
    assert result.exit_code == 2
    assert "Invalid value for '--from': cannot be used with" in result.stderr
    nothing_written(tmp_path)


# The arrow-key front end: the same preview through prompt_toolkit's pipe input.

ENTER = "\r"


@pytest.fixture
def keys():
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


def test_an_arrow_key_preview_saves_nothing(tmp_path, clinic, homes, keys, monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr("spinecheck.cli._stdin_is_terminal", lambda: True)
    # Enter: the preview notice is read; y, Enter: yes; Down, Enter: a claim still open;
    # Enter: the review is right
    keys.send_text(ENTER + "y" + ENTER + "\x1b[B" + ENTER + ENTER)
    keys.close()
    result = CliRunner().invoke(
        app, ["start", "--questions", str(clinic), "--from", "work_injury"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Preview finished. Nothing was saved" in said(result)
    nothing_written(tmp_path, clinic)


def test_an_arrow_key_preview_in_a_narrow_terminal(tmp_path):
    """At 50 columns in a real pseudo-terminal: every line fits, and nothing is written."""
    from tests.test_end_to_end import Terminal

    folder = tmp_path / "home"
    folder.mkdir()
    terminal = Terminal(folder, "start", "--from", "goals", columns=50, rows=20,
                        through_welcome=False)  # fmt: skip
    screen = terminal.wait_for("Press Enter to start the questions.")
    assert "Preview from question goals: earlier answers are left empty, and nothing is saved" in (
        screen
    )
    terminal.assert_fits()
    terminal.send(ENTER)
    screen = terminal.wait_for("What would you most like to be able to do again?")
    assert "Preview (nothing is saved). Part 7 of 7, Your goals and questions: question 1." in (
        screen
    )
    terminal.assert_fits()
    terminal.send("Walk the dog" + ENTER)
    terminal.wait_for("What questions do you want to ask at your visit?")
    terminal.send(ENTER)  # skipped
    terminal.wait_for("Type a number to change that answer")
    terminal.send(ENTER)
    terminal.wait_for("Preview finished. Nothing was saved")
    terminal.assert_fits()
    assert terminal.finish() == 0
    assert list(folder.rglob("*")) == []
