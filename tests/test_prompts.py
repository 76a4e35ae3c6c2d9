"""The interactive prompts, driven with keystrokes through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
import stat
from typing import Any

import pyte
import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output
from typer.testing import CliRunner

from spinecheck.answers.progress import Progress
from spinecheck.cli import app
from spinecheck.walk.arrow_keys import ArrowKeyAsker
from spinecheck.walk.logic import BACK, Walk
from tests.conftest import ROOT

DOWN, UP, ENTER, SPACE, CTRL_C, CTRL_B, CTRL_X = (
    "\x1b[B",
    "\x1b[A",
    "\r",
    " ",
    "\x03",
    "\x02",
    "\x18",
)
YES, NO = "y\r", "n\r"


def pick(index: int) -> str:
    """Move to the choice at `index` (nothing is highlighted at first) and choose it."""
    return DOWN * (index + 1) + ENTER


@pytest.fixture
def keys():
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


class Screen:
    """What a terminal of a given size shows, from the prompts' real escape codes (pyte)."""

    def __init__(self, pipe, buffer: io.StringIO, columns: int, rows: int) -> None:
        self.pipe, self.buffer = pipe, buffer
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)

    def seen(self) -> str:
        """Every word the prompts drew so far, including messages later drawn over."""
        from spinecheck.clean import clean

        return " ".join(clean(self.buffer.getvalue()).split())

    def text(self) -> str:
        self.stream.feed(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()
        return "\n".join(line.rstrip() for line in self.screen.display)


def later(pipe, text: str, delay: float = 0.3, *, screen: Any = None) -> None:
    """Type `text` once the prompt has drawn what the earlier keys did.

    With the `screen`, waits until its output has stopped changing (so a loaded machine never
    gets the keys early); without it, waits `delay` seconds.
    """
    import threading
    import time

    def settle_then_type() -> None:
        time.sleep(delay)
        if screen is not None:
            end, size = time.monotonic() + 10, -1
            while time.monotonic() < end and (
                len(screen.buffer.getvalue()) != size or size <= 0  # nothing drawn yet
            ):
                size = len(screen.buffer.getvalue())
                time.sleep(0.2)
        pipe.send_text(text)

    threading.Thread(target=settle_then_type, daemon=True).start()


@pytest.fixture
def screen():
    buffer = io.StringIO()
    output = Vt100_Output(buffer, lambda: Size(rows=40, columns=60), term="xterm")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        yield Screen(pipe, buffer, 60, 40)


@pytest.fixture
def asker():
    return ArrowKeyAsker(io.StringIO(), ["Percocet", "Percodan", "gabapentin"])


def shown(questionnaire, question_id, current=None, can_go_back=True):
    question = questionnaire.question(question_id)
    answers = {} if current is None else {question_id: current}
    walk = Walk(questionnaire, None, Progress(answers=answers), lambda progress: None)
    return walk.shown([question], 0)._replace(can_go_back=can_go_back, current=current)


def ask(asker, questionnaire, question_id, current=None, keep=None, **kwargs):
    return asker.ask(shown(questionnaire, question_id, current, **kwargs), keep or (lambda v: None))


def test_yes_no(keys, asker, questionnaire):
    keys.send_text(NO)
    assert ask(asker, questionnaire, "rf_fever") is False
    keys.send_text(YES)
    assert ask(asker, questionnaire, "rf_fever") is True


def test_enter_alone_chooses_nothing_on_a_yes_no_question(keys, asker, questionnaire):
    keys.send_text(ENTER + ENTER + NO)  # stray Enters, then a real answer
    assert ask(asker, questionnaire, "rf_saddle_numbness") is False


def test_enter_alone_says_press_y_or_n(screen, asker, questionnaire):
    screen.pipe.send_text(ENTER)
    later(screen.pipe, screen=screen, text=NO)
    assert ask(asker, questionnaire, "rf_saddle_numbness") is False
    said = "Nothing is chosen yet. Press y for yes, n for no, or s if you are not sure, then Enter."
    assert said in screen.seen()


def test_arrows_then_enter_answer_a_yes_no_question(keys, asker, questionnaire):
    keys.send_text(DOWN + DOWN + ENTER)
    assert ask(asker, questionnaire, "rf_fever") is False


def test_current_answer_is_the_default(keys, asker, questionnaire):
    keys.send_text(ENTER)
    assert ask(asker, questionnaire, "rf_fever", current=False) is False


def test_a_follow_up_starts_on_its_saved_answer(keys, asker, questionnaire):
    keys.send_text(ENTER)
    assert ask(asker, questionnaire, "physical_therapy_result", current="did_not_help") == (
        "did_not_help"
    )


def test_single_choice(keys, asker, questionnaire):
    keys.send_text(pick(2))
    assert ask(asker, questionnaire, "pain_trend") == "worse"


def test_single_choice_has_nothing_highlighted_at_first(keys, asker, questionnaire):
    keys.send_text(ENTER + pick(1))
    assert ask(asker, questionnaire, "pain_trend") == "same"


def test_end_and_home_work_before_anything_is_highlighted(keys, asker, questionnaire):
    keys.send_text("\x1b[4~" + ENTER)  # End, as tmux and many terminals send it
    assert ask(asker, questionnaire, "pain_duration") == "over_1_year"
    keys.send_text("\x1b[1~" + ENTER)  # Home
    assert ask(asker, questionnaire, "pain_duration") == "under_2_weeks"


def test_home_and_end_in_long_lists(keys, asker, questionnaire):
    keys.send_text(DOWN + "\x1b[F" + ENTER)  # End
    assert ask(asker, questionnaire, "pain_average") == 10
    keys.send_text(DOWN * 5 + "\x1b[H" + ENTER)  # Home
    assert ask(asker, questionnaire, "pain_average") == 0


def test_optional_single_choice_can_be_skipped(keys, asker, questionnaire):
    keys.send_text(UP + ENTER)  # the last entry is "Skip this question"
    assert ask(asker, questionnaire, "smoking") is None


def test_scale_shows_its_end_labels(screen, asker, questionnaire):
    screen.pipe.send_text(pick(7))
    assert ask(asker, questionnaire, "pain_average") == 7
    assert "0 - no pain" in screen.seen()
    assert "10 - pain as bad as you can imagine" in screen.seen()


def test_checkbox(keys, asker, questionnaire):
    keys.send_text(DOWN + SPACE + DOWN + DOWN + SPACE + ENTER)
    assert ask(asker, questionnaire, "pain_areas") == ["neck", "lower_back"]


def test_exclusive_none_clears_the_others_and_the_reverse(keys, asker, questionnaire):
    keys.send_text(DOWN + SPACE + DOWN + SPACE + DOWN * 12 + SPACE + ENTER)
    assert ask(asker, questionnaire, "treatments_tried") == ["none"]
    keys.send_text(DOWN * 14 + SPACE + UP * 13 + SPACE + ENTER)
    assert ask(asker, questionnaire, "treatments_tried") == ["self_care"]


def test_required_checkbox_needs_a_tick(keys, asker, questionnaire):
    keys.send_text(ENTER + DOWN + SPACE + ENTER)  # Enter alone is refused with a message
    assert ask(asker, questionnaire, "pain_areas") == ["neck"]


def test_empty_selection_mentions_none_only_where_there_is_one(screen, asker, questionnaire):
    screen.pipe.send_text(ENTER)
    later(screen.pipe, screen=screen, text=DOWN + SPACE + ENTER)
    ask(asker, questionnaire, "pain_areas")
    assert "Please choose at least one." in screen.seen()
    assert "None of these" not in screen.seen()
    screen.pipe.send_text(ENTER)
    later(screen.pipe, screen=screen, text=DOWN * 14 + SPACE + ENTER)
    ask(asker, questionnaire, "treatments_tried")
    assert "or the 'None of these' choice" in screen.seen()


def test_integer_validation_then_answer(keys, asker, questionnaire):
    keys.send_text("200\r" + "\x7f" * 3 + "64\r")
    assert ask(asker, questionnaire, "age") == 64


def test_units_patients_use(keys, asker, questionnaire):
    keys.send_text("5 ft 7\r")
    assert ask(asker, questionnaire, "height_cm") == 170
    keys.send_text("176 lb\r")
    assert ask(asker, questionnaire, "weight_kg") == 80
    keys.send_text("34 years\r")
    assert ask(asker, questionnaire, "age") == 34


def test_optional_integer_skipped(keys, asker, questionnaire):
    keys.send_text(ENTER)
    assert ask(asker, questionnaire, "height_cm") is None


def test_text_is_kept_as_typed(keys, asker, questionnaire):
    keys.send_text("Walk the dog [red]again[/] <b>\r")
    assert ask(asker, questionnaire, "goals") == "Walk the dog [red]again[/] <b>"


def test_pasted_escape_codes_never_crash_and_are_not_kept(keys, asker, questionnaire):
    keys.send_text("Walk \x1b[31mRED\x1b[0m now\x07\r")
    assert ask(asker, questionnaire, "goals") == "Walk RED now"
    keys.send_text("\x1b[200~Swim \x1b[31mfast\x1b]0;title\x07\x1b]52;c;eA==\x07\x1b[201~\r")
    assert ask(asker, questionnaire, "goals") == "Swim fast"


def test_medicine_list_one_at_a_time(keys, asker, questionnaire):
    kept = []
    keys.send_text("Percocet 5/325\r" + "gabapentin 300 mg\r" + ENTER)
    answer = ask(asker, questionnaire, "medications", keep=kept.append)
    assert answer == ["Percocet 5/325", "gabapentin 300 mg"]
    assert kept == [["Percocet 5/325"], ["Percocet 5/325", "gabapentin 300 mg"]]


def test_medicines_on_one_line_become_separate_entries(keys, asker, questionnaire):
    keys.send_text("Percocet 5/325, Xanax 0.5mg, gabapentin 300mg\r" + ENTER + ENTER)
    assert ask(asker, questionnaire, "medications") == [
        "Percocet 5/325", "Xanax 0.5mg", "gabapentin 300mg",
    ]  # fmt: skip


def test_split_can_be_refused(keys, asker, questionnaire):
    keys.send_text("Tylenol, extra strength\r" + NO + ENTER)
    assert ask(asker, questionnaire, "medications") == ["Tylenol, extra strength"]


def test_a_pasted_block_becomes_separate_entries(keys, asker, questionnaire):
    keys.send_text("\x1b[200~Percocet 5/325\nXanax 0.5mg\r\ngabapentin\x1b[201~\r" + ENTER + ENTER)
    assert ask(asker, questionnaire, "medications") == [
        "Percocet 5/325",
        "Xanax 0.5mg",
        "gabapentin",
    ]


def test_ctrl_x_removes_the_last_medicine_and_ctrl_b_goes_back(keys, asker, questionnaire):
    kept = []
    keys.send_text("Advil\r" + "Valium\r" + CTRL_X + CTRL_B)
    assert ask(asker, questionnaire, "medications", keep=kept.append) is BACK
    assert kept[-1] == ["Advil"]


def test_medicine_list_kept_when_revisited(keys, asker, questionnaire):
    keys.send_text(ENTER)
    assert ask(asker, questionnaire, "medications", current=["Advil"]) == ["Advil"]


def test_ctrl_b_goes_back(keys, asker, questionnaire):
    keys.send_text(CTRL_B)
    assert ask(asker, questionnaire, "pain_trend") is BACK
    keys.send_text(CTRL_B)
    assert ask(asker, questionnaire, "goals") is BACK


def test_ctrl_b_on_the_first_question_stays(screen, asker, questionnaire):
    screen.pipe.send_text(CTRL_B)
    later(screen.pipe, screen=screen, text=NO)
    assert ask(asker, questionnaire, "rf_fever", can_go_back=False) is False
    assert "This is the first question." in screen.seen()


def test_help_on_request(screen, asker, questionnaire):
    screen.pipe.send_text("?")
    later(screen.pipe, screen=screen, text=YES)
    assert ask(asker, questionnaire, "rf_saddle_numbness") is True
    assert "wipe after using the toilet" in screen.seen()


def test_going_back_leaves_no_prompt_on_the_screen(screen, asker, questionnaire):
    screen.pipe.send_text(CTRL_B)
    assert ask(asker, questionnaire, "pain_trend") is BACK
    assert "Over the last two weeks" not in screen.text()


def test_an_answered_question_stays_with_its_answer(screen, asker, questionnaire):
    screen.pipe.send_text(pick(2))
    ask(asker, questionnaire, "pain_trend")
    text = screen.text()
    assert "Answer: Getting worse" in text
    assert "About the same" not in text


def test_emergency_confirmation(keys, asker):
    keys.send_text(ENTER + YES)  # Enter alone confirms nothing
    assert asker.confirm_emergency("Do you have new trouble?", "Call 911 now.") is True
    keys.send_text(NO)
    assert asker.confirm_emergency("Do you have new trouble?", "Call 911 now.") is False


def test_ctrl_c_raises_keyboard_interrupt(keys, asker, questionnaire):
    keys.send_text(CTRL_C)
    with pytest.raises(KeyboardInterrupt):
        ask(asker, questionnaire, "rf_fever")


def test_closed_input_raises_eof(keys, asker, questionnaire):
    keys.close()
    with pytest.raises(EOFError):
        ask(asker, questionnaire, "rf_fever")


# -- whole walks through the command, in-process ----------------------------------------------

RED_FLAGS_NO = NO * 16
END = "\x1b[F"
ROUTINE_REST = (
    DOWN + SPACE + ENTER  # pain_areas: neck
    + pick(0)  # pain_duration: under 2 weeks
    + pick(0)  # pain_trend: getting better
    + NO  # fall_or_injury
    + NO  # first_episode
    + NO  # arm_pain_below_elbow
    + NO  # numbness_tingling
    + pick(3)  # pain_side: in the middle
    + pick(4)  # pain_average 4
    + pick(3)  # interference_enjoyment 3
    + pick(2)  # interference_activity 2
    + DOWN * 14 + SPACE + ENTER  # treatments_tried: none
    + END + ENTER + NO  # scans_done ('Skip this question'), nerve_tests_done: no
    + "Advil 200 mg\r" + ENTER  # medications
    + pick(1) + END + ENTER  # blood_thinner: no; allergies ('Skip this question')
    + pick(0)  # alcohol: none
    + pick(0)  # substance_concern: no
    + pick(0)  # smoking: never
    + "52\r"  # age
    + END + ENTER  # sex ('Skip this question')
    + DOWN * 15 + SPACE + ENTER  # conditions: none
    + "170\r" + "80\r"  # height, weight
    + pick(0)  # work status: working
    + pick(0) * 4  # mood: not at all
    + "Garden again\r" + ENTER  # goals, questions (skipped)
)  # fmt: skip


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr("spinecheck.cli._stdin_is_terminal", lambda: True)
    return tmp_path / "data"


def run_start(keys, text, *args):
    keys.send_text(ENTER + text)  # Enter: the welcome has been read
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
        + "28\r"  # review: change treatments_tried (row 28)
        + SPACE  # nothing is pointed at yet: Space ticks nothing
    )
    result = run_start(keys, script)
    # The scripted review change is incomplete on purpose: the pipe closes, like Ctrl-D.
    assert result.exit_code == 130
    assert "Your answers are saved on this computer." in result.output
    assert "To continue where you stopped, run:" in result.output  # in a question, not the review
    answers = saved(data_dir)
    assert answers["rf_bowel_change"] is False
    assert answers["pain_areas"] == ["neck"]
    assert answers["medications"] == ["Advil 200 mg"]
    assert answers["goals"] == "Garden again"
    assert "questions_for_clinician" not in answers
    assert stat.S_IMODE((data_dir / "progress.yaml").stat().st_mode) == 0o600


def test_ctrl_c_then_resume_loses_nothing(keys, data_dir, monkeypatch):
    keys.send_text(ENTER + NO * 5 + CTRL_C)
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
    assert "not a diagnosis" in " ".join(result.stdout.split())
    final = saved(data_dir)
    assert final["spinecheck"]["completed"] is True
    assert final["rf_saddle_numbness"] is False
    assert final["age"] == 52


def test_emergency_sign_stops_the_walk_with_exit_3(keys, data_dir, monkeypatch):
    result = run_start(keys, NO + YES + YES)  # yes to bladder trouble, and yes, that is right
    assert result.exit_code == 3
    assert "Call 911 now" in result.output
    assert "Do not drive yourself" in result.output
    assert "You said yes to: Do you have new trouble starting to pee" in result.output
    assert saved(data_dir)["rf_bladder_change"] is True


def test_an_emergency_yes_that_was_a_mistake_is_asked_again(keys, data_dir, monkeypatch):
    result = run_start(keys, NO + YES + NO + NO)  # yes by mistake, "no, a mistake", then no
    assert result.exit_code == 130  # the script ends here, like Ctrl-D
    answers = saved(data_dir)
    assert answers["rf_bladder_change"] is False
    assert answers["spinecheck"].get("stopped_at_emergency") is not True


def test_plain_stop_at_the_emergency_read_back_repeats_the_advice(data_dir, monkeypatch):
    """Issue 24, item 1, over a pipe: the input ends at the read-back; the yes stands."""
    monkeypatch.setenv("TERM", "dumb")
    result = CliRunner().invoke(app, ["start"], input="n\ny\n")
    assert result.exit_code == 3
    assert "Call 911 now, or go to the nearest emergency department" in result.output
    assert saved(data_dir)["rf_bladder_change"] is True


def test_plain_b_at_the_emergency_read_back_asks_the_question_again(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    result = CliRunner().invoke(app, ["start"], input="n\ny\nb\nn\n")
    after = result.output.split("Type y if that is right")[-1]
    assert "Do you have new trouble starting to pee" in after  # the question again
    assert result.exit_code == 130  # the input ends at question 3: no yes stands
    assert saved(data_dir)["rf_bladder_change"] is False


def test_changing_an_answer_drops_answers_no_longer_asked(keys, data_dir, monkeypatch):
    walk = (
        RED_FLAGS_NO
        + DOWN + SPACE + ENTER + pick(0) + pick(0)  # neck, under 2 weeks, better
        + NO  # first episode: no
        + YES  # arm pain below elbow: yes
        + CTRL_B  # back to it ...
        + CTRL_B  # ... and back to first_episode
        + CTRL_B  # ... and back to pain_trend
        + CTRL_B  # ... and pain_duration
        + CTRL_B  # ... and pain_areas: untick neck, tick lower back
        + DOWN + SPACE + DOWN + DOWN + SPACE + ENTER
    )  # fmt: skip
    result = run_start(keys, walk)
    assert result.exit_code == 130
    answers = saved(data_dir)
    assert answers["pain_areas"] == ["lower_back"]
    assert "arm_pain_below_elbow" not in answers


def test_plain_mode_through_a_pipe(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    lines = ["n"] * 16 + ["3", "1", "1", "n", "n", "n", "n", "", "4", "3", "2", "14", "", "", "", "", "", "", "", "", "52", "",
                          "15", "", "", "", "", "", "", "", "", ""]  # fmt: skip
    lines += ["", ""]  # review: confirm
    result = CliRunner().invoke(app, ["start"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "Warning signs: question 1." in result.output
    assert "Type y for yes or n for no" in result.output
    assert "\n  1) Neck\n" in result.output  # choices keep their indent
    final = saved(data_dir)
    assert final["spinecheck"]["completed"] is True
    assert final["pain_areas"] == ["lower_back"]
    assert final["treatments_tried"] == ["none"]
    assert final["conditions"] == ["none"]


def test_plain_mode_back_and_help(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    result = CliRunner().invoke(app, ["start"], input="?\nn\nb\ny\ny\n")
    assert result.exit_code == 3  # numbness: yes after going back, and confirmed
    assert "wipe after using the toilet" in result.output
    assert "GET HELP NOW" in result.output


def test_plain_mode_says_what_is_allowed(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    result = CliRunner().invoke(app, ["start"], input="maybe\n\n")
    # the first warning sign also takes 'not sure' (read as yes, decision 15)
    said = "Please answer y for yes, n for no, or s if you are not sure."
    assert result.output.count(said) == 2  # 'maybe', then Enter alone
    assert "true or false" not in result.output
    assert "'maybe'" not in result.output


def test_review_changes_an_answer_then_confirms(keys, data_dir):
    script = RED_FLAGS_NO + ROUTINE_REST + "19\r" + DOWN + DOWN + ENTER + ENTER
    result = run_start(keys, script)
    assert result.exit_code == 0, result.output
    final = saved(data_dir)
    assert final["pain_trend"] == "worse"
    assert final["spinecheck"]["completed"] is True
    assert "Please bring it to your visit." in " ".join(result.output.split())
    assert (data_dir / "spine-summary.html").exists()


def test_review_change_that_opens_a_question_asks_it(keys, data_dir):
    # Change treatments_tried (row 28) from 'none' to physical therapy: its result is asked next.
    script = (
        RED_FLAGS_NO + ROUTINE_REST
        + "28\r" + DOWN * 14 + SPACE + UP * 12 + SPACE + ENTER  # untick none, tick physical therapy
        + pick(1)  # physical_therapy_result: helped a little
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

    from spinecheck.walk.arrow_keys import terminal_session

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
    lines = ["", "2"]  # no locale: asked for the country (Enter alone chooses none): the UK
    lines += ["n"] * 16 + ["1", "1", "1", "n", "n", "n", "n", "", "3", "2", "2", "14", "", "", "", "", "", "", "", "", "30", "",
                          "15", "", "", "", "", "", "", "", "", "", ""]  # fmt: skip
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
    assert saved["spinecheck"]["region"] == "uk"  # asked once, and kept
    assert (
        result.stderr.count("Which country are you in?")
        + result.stdout.count("Which country are you in?")
        == 1
    )
    assert "Please type a number from 1 to 3." in result.stdout + result.stderr
    assert "999" in result.stdout
    assert "911" not in result.stdout


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


# -- words a patient understands ----------------------------------------------------------------


@pytest.mark.parametrize("region", ["us", "uk", "other"])
def test_every_text_the_walk_shows_has_its_placeholders_filled(questionnaire, region):
    """Walk every section (every question, with answers that open every branch)."""
    import re

    from spinecheck.assessment.rules import choose_region, fill_text

    contacts = choose_region(questionnaire, region)
    progress = Progress()
    walk = Walk(questionnaire, None, progress, lambda p: None)
    walk.fill = lambda text: fill_text(text, questionnaire, progress.answers, None, contacts)
    questions = questionnaire.questions
    texts = []
    for index in range(len(questions)):
        shown_question = walk.shown(questions, index)
        texts += [shown_question.text, shown_question.help or "", shown_question.intro or "",
                  shown_question.progress, shown_question.low_label or "",
                  shown_question.high_label or "", *(label for _, label in shown_question.choices)]  # fmt: skip
    unfilled = [t for t in texts if re.search(r"\{[a-z_]*:?[a-z_]*\}", t)]
    assert not unfilled
    assert any(contacts.crisis_line in t for t in texts)  # the mood section names the line


def test_the_mood_section_names_the_crisis_line_in_a_walk(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    lines = ["n"] * 16 + ["1", "1", "1", "n", "n", "n", "n", "", "3", "2", "2", "14", "", "", "", "", "", "", "", "", "30", "",
                          "15", "", "", "", ""]  # fmt: skip
    result = CliRunner().invoke(app, ["start", "--region", "uk"], input="\n".join(lines) + "\n")
    assert "Samaritans on 116 123" in result.output
    assert "{contact:" not in result.output


def test_reasons_quote_choices_in_lower_case_mid_sentence(questionnaire):
    from spinecheck.assessment.rules import fill_text

    text = fill_text(
        "You tried {answer:treatments_tried}.", questionnaire,
        {"treatments_tried": ["physical_therapy", "otc_medicines", "psychological_therapy"]},
    )  # fmt: skip
    assert text == (
        "You tried physical therapy (physiotherapy), medicines from a shop without a "
        "prescription, talking therapy for pain (such as CBT)."
    )


def test_plain_scale_asks_for_the_number_itself(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    lines = ["n"] * 16 + ["1", "1", "1", "n", "n", "n", "n", "", "11", "2"]
    result = CliRunner().invoke(app, ["start"], input="\n".join(lines) + "\n")
    output = " ".join(result.output.split())
    assert "Type a number from 0 (no pain) to 10 (pain as bad as you can imagine)" in output
    assert "1) 0" not in output
    assert "Please type a whole number from 0 to 10." in output  # "11" is refused in plain words


def test_plain_units_and_help_mentioned_only_where_it_exists(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    result = CliRunner().invoke(app, ["start"], input="n\n")
    first_prompt = result.output.split("Since the pain started")[1]
    assert "? = help" in first_prompt.split("\n\n")[0]
    second = result.output.split("Do you have new trouble starting to pee")[1]
    assert "? = help" not in second.split(":")[0]


def test_odd_digits_typed_at_a_number_prompt_get_a_message_not_a_crash(
    screen, asker, questionnaire
):
    screen.pipe.send_text("²\r")
    later(screen.pipe, screen=screen, text="\x7f" + "--38\r" + "\x7f" * 4 + "38\r")
    assert ask(asker, questionnaire, "age") == 38
    assert "Please type a whole number from 0 to 120" in screen.seen()


def test_plain_optional_yes_no_is_skipped_with_enter(data_dir, monkeypatch):
    """'Enter = skip' is true for an optional yes/no question (the nerve-test question)."""
    monkeypatch.setenv("TERM", "dumb")
    lines = ["n"] * 16 + ["1", "1", "1", "n", "n", "n", "n", "", "3", "2", "2", "14", "", ""]
    result = CliRunner().invoke(app, ["start"], input="\n".join(lines) + "\n")
    output = result.output.split("Have you had a nerve test")[1]
    assert "Please type y for yes or n for no." not in output
    assert "Which medicines do you take?" in output
    assert "nerve_tests_done" not in saved(data_dir)


def test_the_walk_ends_by_asking_for_name_and_birth_date_both_optional(data_dir, monkeypatch):
    """Contract 1.1: the details go to the metadata block (never answers) and head the summary."""
    monkeypatch.setenv("TERM", "dumb")
    lines = ["n"] * 16 + ["3", "1", "1", "n", "n", "n", "n", "", "4", "3", "2", "14", "", "", "", "",
                          "", "", "", "", "52", "", "15", "", "", "", "", "", "", "", "", ""]  # fmt: skip
    lines += [""]  # review: confirm
    # a date that does not exist is refused; one that does not fit the age (52) is asked
    # about once, and kept when typed again (in any form)
    lines += ["Ana Muñoz", "1961-02-30", "1961-04-02", "2 April 1961"]
    result = CliRunner().invoke(app, ["start"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "Last part, for your clinic: question 1." in result.output
    assert "That is not a date in the calendar." in result.output
    assert "you said you are 52. Please check it." in " ".join(result.output.split())
    final = saved(data_dir)
    assert final["spinecheck"]["patient"] == {"name": "Ana Muñoz", "birth_date": "1961-04-02"}
    assert "patient_name" not in final
    assert "Ana Muñoz | born 2 Apr 1961" in result.stdout


def test_skipping_name_and_birth_date_leaves_no_details(data_dir, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    lines = ["n"] * 16 + ["3", "1", "1", "n", "n", "n", "n", "", "4", "3", "2", "14", "", "", "", "",
                          "", "", "", "", "52", "", "15", "", "", "", "", "", "", "", "", "", "", ""]  # fmt: skip
    lines += ["", ""]  # name and date of birth: skipped
    result = CliRunner().invoke(app, ["start"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "patient" not in saved(data_dir)["spinecheck"]


def test_enter_takes_the_one_medicine_name_shown(keys, questionnaire):
    """Issue 24, item 5: 'pregab' with 'pregabalin' shown saves pregabalin, so the opioid and
    pregabalin warning is not lost to a half-typed name."""
    from spinecheck.medicines.matching import default_index

    asker = ArrowKeyAsker(io.StringIO(), default_index().completions())
    keys.send_text("pregab\r" + ENTER)
    answer = ask(asker, questionnaire, "medications")
    assert [entry.lower() for entry in answer] == ["pregabalin"]


def test_enter_with_several_names_shown_asks_then_keeps_what_was_typed(keys, questionnaire):
    asker = ArrowKeyAsker(io.StringIO(), ["Percocet", "Percodan", "gabapentin"])
    keys.send_text("Perc\r" + "\r" + ENTER)  # asked once; Enter again keeps 'Perc'
    assert ask(asker, questionnaire, "medications") == ["Perc"]


def test_every_name_with_a_unique_start_is_completed_from_its_first_letters():
    """The class, over the whole medicine index: any name whose first six letters start no
    other name is saved whole when those six letters and Enter are typed."""
    from spinecheck.medicines.matching import default_index
    from spinecheck.walk.arrow_keys import _Entry

    names = default_index().completions()
    lowered = sorted({name.lower() for name in names})
    tried = 0
    for name in names:
        start = name[:6]
        if len(name) <= 6 or sum(n.startswith(start.lower()) for n in lowered) != 1:
            continue
        entry = _Entry(lambda width: [], hint="", completions=names)
        entry.buffer.text = start
        assert entry._take_suggestion()
        assert entry.buffer.text.lower() == name.lower()
        tried += 1
    assert tried > 100


def test_a_tick_box_question_with_nothing_ticked_does_not_move_on(screen, asker, questionnaire):
    """Issue 24, item 6: Enter with nothing ticked is no answer ('no allergies' is ticked, not
    assumed); skipping is its own choice."""
    screen.pipe.send_text(ENTER)
    later(screen.pipe, screen=screen, text=END + ENTER)  # End: 'Skip this question'
    assert ask(asker, questionnaire, "allergies") is None
    assert "Nothing is ticked yet" in screen.seen()
    assert "Skip this question" in screen.seen()


@pytest.mark.parametrize(("typed", "value"), [("7", 7), ("10", 10), ("0", 0), ("3", 3)])
def test_a_typed_number_moves_to_it_on_a_0_to_10_scale(keys, asker, questionnaire, typed, value):
    """Issue 24, item 7: digits jump ('1' then '0' is 10); Enter still chooses."""
    keys.send_text(typed + ENTER)
    assert ask(asker, questionnaire, "pain_average") == value


@pytest.mark.parametrize(
    ("typed", "value"),
    [("No.", False), ("yes,", True), (" Yes! ", True), ("NO", False), ("n.", False)],
)
def test_plain_mode_reads_dictated_yes_and_no_and_says_what_it_recorded(
    questionnaire, typed, value
):
    from spinecheck.walk.plain import PlainAsker

    out = io.StringIO()
    plain = PlainAsker(io.StringIO(typed + "\n"), out)
    assert ask(plain, questionnaire, "fall_or_injury") is value
    assert f"Recorded: {'yes' if value else 'no'}" in out.getvalue()


def test_the_summary_keeps_a_readable_width_on_a_wide_terminal(monkeypatch, capsys, questionnaire):
    """Issue 24, item 14: at 200 columns the rich summary is drawn at most 100 wide."""
    from spinecheck.assessment.rules import assess
    from spinecheck.render.patient_page import build_patient
    from spinecheck.render.terminal import READABLE_WIDTH, show

    monkeypatch.setenv("COLUMNS", "200")
    answers = yaml.safe_load((ROOT / "tests" / "data" / "chronic_back.yaml").read_text())
    answers.pop("spinecheck")
    show(build_patient(assess(questionnaire, answers), questionnaire, answers))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 20
    assert max(len(line) for line in lines) <= READABLE_WIDTH


@pytest.mark.parametrize("typed", ["", "\n\n"])
def test_input_closed_at_the_country_question_stops_cleanly(tmp_path, typed):
    """No locale country: the country is asked; input that ends there stops with 130."""
    import subprocess
    import sys
    from pathlib import Path

    command = Path(sys.executable).with_name("spinecheck")
    env = {"PATH": "/usr/bin:/bin", "SPINECHECK_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(command), "start", "--plain"],
        input=typed, capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 130, result.stderr
    assert "Which country are you in?" in result.stdout
    assert "Stopped. Nothing was saved yet." in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Aborted" not in result.stderr
    assert not (tmp_path / "progress.yaml").exists()


def test_the_medicine_names_are_loaded_only_when_the_medicine_question_comes(keys, questionnaire):
    """Issue 26: the walk's start does not build the medicine index; the medicine question does."""
    calls: list[int] = []

    def names() -> list[str]:
        calls.append(1)
        return ["pregabalin", "Percocet"]

    asker = ArrowKeyAsker(io.StringIO(), names)
    keys.send_text(NO)
    assert ask(asker, questionnaire, "rf_fever") is False
    assert calls == []
    keys.send_text("pregab\r" + ENTER)
    assert [entry.lower() for entry in ask(asker, questionnaire, "medications")] == ["pregabalin"]
    assert calls == [1]
