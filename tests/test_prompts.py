"""The interactive prompts, driven with keystrokes through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
import stat

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner

from spinecheck.cli import app
from spinecheck.model import Section
from spinecheck.prompts import QuestionaryAsker
from spinecheck.walk import BACK, Position

DOWN, UP, ENTER, SPACE, CTRL_C, CTRL_B = "\x1b[B", "\x1b[A", "\r", " ", "\x03", "\x02"


@pytest.fixture
def keys():
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


@pytest.fixture
def asker():
    return QuestionaryAsker(io.StringIO(), ["Percocet", "Percodan", "gabapentin"])


def position(can_go_back: bool = True) -> Position:
    section = Section(
        id="s", title="Section", questions=[{"id": "x", "kind": "yes_no", "text": "X?"}]
    )
    return Position(section, 1, 1, 2, 2, first_in_section=False, can_go_back=can_go_back)


def ask(asker, questionnaire, question_id, current=None, **kwargs):
    return asker.ask(questionnaire.question(question_id), position(**kwargs), current)


def test_yes_no(keys, asker, questionnaire):
    keys.send_text(DOWN + ENTER)
    assert ask(asker, questionnaire, "rf_fever") is False
    keys.send_text(ENTER)
    assert ask(asker, questionnaire, "rf_fever") is True


def test_current_answer_is_the_default(keys, asker, questionnaire):
    keys.send_text(ENTER)
    assert ask(asker, questionnaire, "rf_fever", current=False) is False


def test_single_choice(keys, asker, questionnaire):
    keys.send_text(DOWN + DOWN + ENTER)
    assert ask(asker, questionnaire, "pain_trend") == "worse"


def test_optional_single_choice_can_be_skipped(keys, asker, questionnaire):
    keys.send_text(UP + ENTER)  # the last entry is "Skip this question"
    assert ask(asker, questionnaire, "smoking") is None


def test_scale_shows_its_end_labels(keys, questionnaire):
    out = io.StringIO()
    keys.send_text(DOWN * 7 + ENTER)
    assert (
        QuestionaryAsker(out, []).ask(questionnaire.question("pain_average"), position(), None) == 7
    )


def test_checkbox(keys, asker, questionnaire):
    keys.send_text(SPACE + DOWN + DOWN + SPACE + ENTER)
    assert ask(asker, questionnaire, "pain_areas") == ["neck", "lower_back"]


def test_exclusive_none_clears_the_others_and_the_reverse(keys, asker, questionnaire):
    none_index = 13
    keys.send_text(SPACE + DOWN + SPACE + DOWN * (none_index - 1) + SPACE + ENTER)
    assert ask(asker, questionnaire, "treatments_tried") == ["none"]
    keys.send_text(DOWN * none_index + SPACE + UP * none_index + SPACE + ENTER)
    assert ask(asker, questionnaire, "treatments_tried") == ["self_care"]


def test_required_checkbox_needs_a_tick(keys, asker, questionnaire):
    keys.send_text(ENTER + SPACE + ENTER)  # Enter alone is refused with a message
    assert ask(asker, questionnaire, "pain_areas") == ["neck"]


def test_integer_validation_then_answer(keys, asker, questionnaire):
    keys.send_text("200\r" + "\x7f" * 3 + "64\r")
    assert ask(asker, questionnaire, "age") == 64


def test_optional_integer_skipped(keys, asker, questionnaire):
    keys.send_text(ENTER)
    assert ask(asker, questionnaire, "height_cm") is None


def test_text_is_kept_as_typed(keys, asker, questionnaire):
    keys.send_text("Walk the dog [red]again[/] <b>\r")
    assert ask(asker, questionnaire, "goals") == "Walk the dog [red]again[/] <b>"


def test_medicine_list_one_at_a_time(keys, asker, questionnaire):
    keys.send_text("Percocet 5/325\r" + "gabapentin 300 mg\r" + ENTER)
    assert ask(asker, questionnaire, "medications") == ["Percocet 5/325", "gabapentin 300 mg"]


def test_medicine_list_kept_when_revisited(keys, asker, questionnaire):
    keys.send_text(ENTER)
    assert ask(asker, questionnaire, "medications", current=["Advil"]) == ["Advil"]


def test_ctrl_b_goes_back(keys, asker, questionnaire):
    keys.send_text(CTRL_B)
    assert ask(asker, questionnaire, "pain_trend") is BACK
    keys.send_text(CTRL_B)
    assert ask(asker, questionnaire, "goals") is BACK


def test_ctrl_b_on_the_first_question_stays(keys, asker, questionnaire):
    keys.send_text(CTRL_B + DOWN + ENTER)
    assert ask(asker, questionnaire, "rf_fever", can_go_back=False) is False
    assert "first question" in asker.out.getvalue()


def test_help_on_request(keys, asker, questionnaire):
    keys.send_text("?" + ENTER)
    assert ask(asker, questionnaire, "rf_saddle_numbness") is True
    assert "wipe after using the toilet" in asker.out.getvalue()


def test_ctrl_c_raises_keyboard_interrupt(keys, asker, questionnaire):
    keys.send_text(CTRL_C)
    with pytest.raises(KeyboardInterrupt):
        ask(asker, questionnaire, "rf_fever")


def test_closed_input_raises_eof(keys, asker, questionnaire):
    keys.close()
    with pytest.raises(EOFError):
        ask(asker, questionnaire, "rf_fever")


# -- whole walks through the command, in-process ----------------------------------------------

NO = DOWN + ENTER
RED_FLAGS_NO = NO * 16
ROUTINE_REST = (
    SPACE + ENTER  # pain_areas: neck
    + ENTER  # pain_duration: under 2 weeks
    + ENTER  # pain_trend: getting better
    + NO  # arm_pain_below_elbow
    + NO  # numbness_tingling
    + DOWN * 4 + ENTER  # pain_average 4
    + DOWN * 3 + ENTER  # interference_enjoyment 3
    + DOWN * 2 + ENTER  # interference_activity 2
    + DOWN * 13 + SPACE + ENTER  # treatments_tried: none
    + "Advil 200 mg\r" + ENTER  # medications
    + ENTER  # alcohol: none
    + ENTER  # substance_concern: no
    + ENTER  # smoking: never
    + "52\r"  # age
    + DOWN * 11 + SPACE + ENTER  # conditions: none
    + "170\r" + "80\r"  # height, weight
    + ENTER  # work status: working
    + ENTER * 4  # mood: not at all
    + "Garden again\r" + ENTER  # goals, questions (skipped)
)  # fmt: skip


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr("spinecheck.cli._stdin_is_terminal", lambda: True)
    return tmp_path / "data"


def run_start(keys, text, *args):
    keys.send_text(text)
    keys.close()
    return CliRunner().invoke(app, ["start", *args], catch_exceptions=False)


def saved(data_dir):
    return yaml.safe_load((data_dir / "progress.yaml").read_text())


def test_whole_walk_with_back_and_review_change(keys, data_dir, monkeypatch):
    script = (
        RED_FLAGS_NO[: len(NO) * 3]
        + CTRL_B  # back to rf_bowel_change
        + ENTER  # its pointer is on the kept answer (No)
        + RED_FLAGS_NO[len(NO) * 3 :]
        + ROUTINE_REST
        + "25\r"  # review: change treatments_tried (row 25)
        + SPACE  # untick 'none' ... the pointer starts on the first choice
    )
    result = run_start(keys, script)
    # The scripted review change is incomplete on purpose: the pipe closes, like Ctrl-D.
    assert result.exit_code == 130
    assert "Your answers are saved in" in result.output
    answers = saved(data_dir)
    assert answers["rf_bowel_change"] is False
    assert answers["pain_areas"] == ["neck"]
    assert answers["medications"] == ["Advil 200 mg"]
    assert answers["goals"] == "Garden again"
    assert "questions_for_clinician" not in answers
    assert stat.S_IMODE((data_dir / "progress.yaml").stat().st_mode) == 0o600


def test_ctrl_c_then_resume_loses_nothing(keys, data_dir, monkeypatch):
    keys.send_text(NO * 5 + CTRL_C)
    result = CliRunner().invoke(app, ["start"], catch_exceptions=False)
    assert result.exit_code == 130
    assert "spinecheck start --resume" in result.output
    first = saved(data_dir)
    assert [k for k in first if k.startswith("rf_")] == [
        "rf_saddle_numbness", "rf_bladder_change", "rf_bowel_change",
        "rf_sexual_function_change", "rf_worsening_weakness",
    ]  # fmt: skip
    assert stat.S_IMODE((data_dir / "progress.yaml").stat().st_mode) == 0o600


def test_resume_finishes_the_walk_and_prints_the_summary(keys, data_dir, monkeypatch):
    data_dir.mkdir(parents=True)
    (data_dir / "progress.yaml").write_text(
        yaml.safe_dump(
            {
                "spinecheck": {
                    "questionnaire": "spinecheck_default",
                    "format": 1,
                    "current": "rf_sexual_function_change",
                    "seen": ["rf_saddle_numbness", "rf_bladder_change", "rf_bowel_change"],
                },
                "rf_saddle_numbness": False,
                "rf_bladder_change": False,
                "rf_bowel_change": False,
            }
        )
    )
    result = run_start(keys, NO * 13 + ROUTINE_REST + ENTER, "--resume")
    assert result.exit_code == 0, result.output
    assert "We continue where you stopped" in result.output
    assert "not a diagnosis" in " ".join(result.stdout.split())
    final = saved(data_dir)
    assert final["spinecheck"]["completed"] is True
    assert final["rf_saddle_numbness"] is False
    assert final["age"] == 52


def test_emergency_sign_stops_the_walk_with_exit_3(keys, data_dir, monkeypatch):
    result = run_start(keys, NO + ENTER)  # yes to bladder trouble
    assert result.exit_code == 3
    assert "Call 911 now" in result.output
    assert "Do not drive yourself" in result.output
    assert "You said yes to: Do you have new trouble starting to pee" in result.output
    assert saved(data_dir)["rf_bladder_change"] is True


def test_changing_an_answer_drops_answers_no_longer_asked(keys, data_dir, monkeypatch):
    walk = (
        RED_FLAGS_NO
        + SPACE + ENTER + ENTER + ENTER  # neck, under 2 weeks, better
        + ENTER  # arm pain below elbow: yes
        + CTRL_B  # back to it ...
        + CTRL_B  # ... and back to pain_trend
        + CTRL_B  # ... and pain_duration
        + CTRL_B  # ... and pain_areas: untick neck, tick lower back
        + SPACE + DOWN + DOWN + SPACE + ENTER
    )  # fmt: skip
    result = run_start(keys, walk)
    assert result.exit_code == 130
    answers = saved(data_dir)
    assert answers["pain_areas"] == ["lower_back"]
    assert "arm_pain_below_elbow" not in answers


def test_plain_mode_through_a_pipe(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    lines = ["2"] * 16 + ["3", "1", "1", "2", "2", "4", "3", "2", "14", "", "", "", "", "52",
                          "12", "", "", "", "", "", "", "", "", ""]  # fmt: skip
    lines += ["", ""]  # review: confirm
    result = CliRunner().invoke(app, ["start"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "Warning signs - question 1 of 16" in result.output
    assert "1) Yes" in result.output
    final = saved(data_dir)
    assert final["spinecheck"]["completed"] is True
    assert final["pain_areas"] == ["lower_back"]
    assert final["treatments_tried"] == ["none"]
    assert final["conditions"] == ["none"]


def test_plain_mode_back_and_help(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    result = CliRunner().invoke(app, ["start"], input="?\n2\nb\n1\n")
    assert result.exit_code == 3  # bladder trouble: yes, after going back
    assert "wipe after using the toilet" in result.output
    assert "GET HELP NOW" in result.output


def test_plain_mode_says_what_is_allowed(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    result = CliRunner().invoke(app, ["start"], input="maybe\n")
    assert "Allowed: true or false" in result.output


def test_review_changes_an_answer_then_confirms(keys, data_dir):
    script = RED_FLAGS_NO + ROUTINE_REST + "19\r" + DOWN + DOWN + ENTER + ENTER
    result = run_start(keys, script)
    assert result.exit_code == 0, result.output
    assert "Please check your answers" in result.output
    final = saved(data_dir)
    assert final["pain_trend"] == "worse"
    assert final["spinecheck"]["completed"] is True
    assert "Your answers are saved in" in result.output
    assert "spinecheck summary" in result.output


def test_review_change_that_opens_a_question_asks_it(keys, data_dir):
    # Change treatments_tried (row 25) from 'none' to physical therapy: its result is asked next.
    script = (
        RED_FLAGS_NO + ROUTINE_REST
        + "25\r" + DOWN * 13 + SPACE + UP * 12 + SPACE + ENTER  # untick none, tick physical therapy
        + DOWN + ENTER  # physical_therapy_result: helped a little
        + ENTER  # confirm the review
    )  # fmt: skip
    result = run_start(keys, script)
    assert result.exit_code == 0, result.output
    final = saved(data_dir)
    assert final["treatments_tried"] == ["physical_therapy"]
    assert final["physical_therapy_result"] == "helped_a_little"


def test_prompts_go_to_the_terminal_when_stdout_is_redirected(tmp_path, monkeypatch):
    """With stdout redirected, the prompt session writes to stderr (the terminal), not stdout."""
    import sys

    from prompt_toolkit.application.current import get_app_session

    from spinecheck.prompts import terminal_session

    stderr = (tmp_path / "stderr").open("w")
    monkeypatch.setattr(sys, "stderr", stderr)
    with terminal_session(to_stderr=True):
        output = get_app_session().output
        assert output.fileno() == stderr.fileno()
    with terminal_session(to_stderr=False):
        assert get_app_session().output is not output


def test_plain_mode_over_a_real_pipe(tmp_path):
    """`spinecheck start --plain` reads numbered answers from a pipe; the summary goes to stdout."""
    import subprocess
    import sys
    from pathlib import Path

    command = Path(sys.executable).with_name("spinecheck")
    lines = ["2"] * 16 + ["1", "1", "1", "2", "2", "3", "2", "2", "14", "", "", "", "", "30",
                          "12", "", "", "", "", "", "", "", "", "", ""]  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "SPINECHECK_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(command), "start", "--plain"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    assert "How soon to act" in result.stdout
    assert "\x1b" not in result.stdout
    saved = yaml.safe_load((tmp_path / "progress.yaml").read_text())
    assert saved["pain_areas"] == ["neck"]
    assert saved["age"] == 30


def test_summary_does_not_import_the_prompt_libraries():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from spinecheck.cli import app\n"
        "sys.argv = ['spinecheck', 'summary', 'tests/data/chronic_back.yaml', '--format', 'json']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('questionary' in sys.modules, 'prompt_toolkit' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stderr.strip().endswith("False False")
