"""A patient at a real terminal: the installed `spinecheck` command in a pseudo-terminal.

What the patient sees is read from the screen of a terminal emulator (pyte) fed the command's
real output, at the window's size, so a cut or hidden word fails the test.
"""

from __future__ import annotations

import itertools
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from spinecheck.questionnaire.loading import load_questionnaire
from spinecheck.questionnaire.model import Question, QuestionKind, Questionnaire

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

DOWN, ENTER, SPACE, CTRL_C = "\x1b[B", "\r", " ", "\x03"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


def spinecheck_command() -> str:
    found = Path(sys.executable).with_name("spinecheck")
    if found.exists():
        return str(found)
    on_path = shutil.which("spinecheck")
    if on_path is None:
        pytest.skip("the spinecheck command is not installed")
    return on_path


class Terminal:
    """The command in a pseudo-terminal, and the screen a terminal of that size shows."""

    def __init__(
        self,
        tmp_path: Path,
        *args: str,
        columns: int = 100,
        rows: int = 40,
        lang: str = "en_US.UTF-8",
        through_welcome: bool = True,
    ) -> None:
        env = {"TERM": "xterm", "PATH": "/usr/bin:/bin", "SPINECHECK_DATA_DIR": str(tmp_path),
               "LANG": lang, "HOME": str(tmp_path),
               # pexpect answers no cursor-position requests; without this each prompt waits.
               "PROMPT_TOOLKIT_NO_CPR": "1"}  # fmt: skip
        self.child = pexpect.spawn(
            spinecheck_command(), list(args), encoding="utf-8", dimensions=(rows, columns),
            env=env, timeout=20,
        )  # fmt: skip
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.columns = columns
        self.through_welcome = through_welcome

    def _pump(self, wait: float) -> None:
        try:
            self.stream.feed(self.child.read_nonblocking(100_000, timeout=wait))
        except (pexpect.TIMEOUT, pexpect.EOF):  # nothing more yet, or the command has ended
            pass

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def words(self) -> str:
        """The screen's text with lines joined, as a patient reads it."""
        return " ".join(" ".join(self.lines()).split())

    def wait_for(self, text: str, timeout: float = 20) -> str:
        """Wait until `text` (spaces normalised) is on the screen; return the screen's words.

        A welcome screen on the way is read to its end with Enter (as a patient does), unless
        the test reads the welcome itself (`through_welcome=False`).
        """
        wanted = " ".join(text.split())
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self._pump(0.05)
            if wanted in self.words():
                return self.words()
            bottom = " ".join(" ".join(self.lines()).split())[-80:]
            if self.through_welcome and re.search(
                r"Press Enter to (start the questions|see the next page)\.( PageUp: page before\.)?$",
                bottom,
            ):
                self.send(ENTER)
                self.settle(0.2)
                continue
            if not self.child.isalive():
                self._pump(0.2)
                if wanted in self.words():
                    return self.words()
                break
        raise AssertionError(
            f"{text!r} never appeared; the screen shows:\n" + "\n".join(self.lines())
        )

    def settle(self, wait: float = 0.3) -> None:
        """Read whatever the command draws within `wait` seconds."""
        end = time.monotonic() + wait
        while time.monotonic() < end:
            self._pump(0.05)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF, timeout=20)
        self.child.close()
        return self.child.exitstatus

    def assert_fits(self) -> None:
        for line in self.lines():
            assert len(line) <= self.columns


def saved(tmp_path: Path) -> dict:
    return yaml.safe_load((tmp_path / "progress.yaml").read_text())


def test_enter_on_a_warning_sign_answers_nothing(tmp_path):
    terminal = Terminal(tmp_path, columns=80)
    terminal.wait_for("Warning signs: question 1.")
    terminal.send(ENTER)
    screen = terminal.wait_for(
        "Nothing is chosen yet. Press y for yes, n for no, or s if you are not sure, then Enter."
    )
    assert "question 1." in screen
    assert "You answered yes" not in screen
    assert "Answer: Yes" not in screen
    terminal.send("n" + ENTER)
    terminal.wait_for("Warning signs: question 2.")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["rf_saddle_numbness"] is False


def test_an_emergency_yes_is_confirmed_before_the_walk_stops(tmp_path):
    terminal = Terminal(tmp_path, columns=60)
    terminal.wait_for("question 1.")
    terminal.send("y" + ENTER)
    screen = terminal.wait_for("If that is right, call 911 now")
    assert "You answered yes to: Since the pain started, does the skin between your legs" in screen
    terminal.send(ENTER)  # a stray Enter confirms nothing
    terminal.wait_for("Press y if that is right, or n if it was a mistake")
    terminal.send("n" + ENTER)  # a mistake: the question is asked again
    terminal.wait_for("Since the pain started, does the skin between your legs")
    terminal.settle()
    assert "If that is right" not in terminal.words().split("question 1.")[-1]
    terminal.send("y" + ENTER)
    terminal.wait_for("If that is right, call 911 now")
    terminal.send("y" + ENTER)
    screen = terminal.wait_for("Your answers are saved on this computer")
    assert "Call 911 now" in screen
    assert terminal.finish() == 3
    answers = saved(tmp_path)
    assert answers["rf_saddle_numbness"] is True
    assert answers["spinecheck"]["stopped_at_emergency"] is True
    terminal.assert_fits()


CTRL_B = "\x02"


def at_the_emergency_read_back(tmp_path: Path) -> Terminal:
    """A walk at 40x20 whose first answer is yes to saddle numbness, now read back."""
    terminal = Terminal(tmp_path, columns=40, rows=20)
    terminal.wait_for("question 1.")
    terminal.send("y" + ENTER)
    terminal.wait_for("If that is right, call 911 now")
    return terminal


def test_ctrl_c_at_the_emergency_read_back_repeats_the_advice_and_exits_3(tmp_path):
    """Issue 24, item 1: the yes stands until it is taken back, so its advice is the last
    thing on the screen and the exit code says emergency."""
    terminal = at_the_emergency_read_back(tmp_path)
    terminal.send(CTRL_C)
    screen = terminal.wait_for("Call 911 now, or go to the nearest emergency department")
    assert "You said yes to a warning sign that needs help now" in screen
    assert "To continue where you stopped" not in screen
    assert terminal.finish() == 3
    assert saved(tmp_path)["rf_saddle_numbness"] is True
    terminal.assert_fits()


@pytest.mark.parametrize("stop", ["SIGHUP", "SIGTERM"])  # the window closed; the walk killed
def test_a_walk_ended_at_the_emergency_read_back_exits_3_with_the_yes_saved(tmp_path, stop):
    import signal

    terminal = at_the_emergency_read_back(tmp_path)
    terminal.child.kill(getattr(signal, stop))
    assert terminal.finish() == 3
    assert saved(tmp_path)["rf_saddle_numbness"] is True


def test_ctrl_b_on_the_emergency_read_back_goes_back_to_the_question(tmp_path):
    terminal = at_the_emergency_read_back(tmp_path)
    terminal.send(CTRL_B)
    terminal.wait_for("Warning signs: question 1.")
    terminal.settle()
    assert "This is the first question" not in terminal.words()
    assert "If that is right" not in terminal.words()
    terminal.send("n" + ENTER)  # the question, answered again
    terminal.wait_for("question 2.")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["rf_saddle_numbness"] is False


def test_a_yes_taken_back_leaves_no_answer_yes_on_the_screen(tmp_path):
    """Issue 24, item 3: after "No, that was a mistake" nothing on the screen says Yes."""
    terminal = at_the_emergency_read_back(tmp_path)
    terminal.send("n" + ENTER)
    terminal.wait_for("Warning signs: question 1.")
    terminal.settle()
    assert "Answer: Yes" not in terminal.words()
    terminal.send("n" + ENTER)
    terminal.wait_for("question 2.")
    assert "Answer: Yes" not in terminal.words()
    assert "Answer: No" in terminal.words()  # an answer that stands is still shown
    terminal.send(CTRL_C)
    assert terminal.finish() == 130


def test_a_same_day_yes_is_told_at_once_and_again_on_ctrl_c(tmp_path):
    """Issue 24, item 2, at 40x20: new symptoms in both legs (question 6) is same-day."""
    terminal = Terminal(tmp_path, columns=40, rows=20)
    for number in range(1, 6):
        terminal.wait_for(f"question {number}.")
        terminal.send("n" + ENTER)
    terminal.wait_for("question 6.")
    terminal.send("y" + ENTER)
    screen = terminal.wait_for("You can finish these questions first")
    assert "Speak to a clinician today" in screen
    terminal.wait_for("question 7.")
    terminal.assert_fits()
    terminal.send(CTRL_C)
    screen = terminal.wait_for("To continue where you stopped")
    assert "Stopped. Speak to a clinician today" in screen
    assert terminal.finish() == 130
    terminal.assert_fits()


def test_a_uk_patient_who_stops_and_resumes_is_never_told_911(tmp_path):
    """Issue 24, item 4: the locale gives the region, the progress file keeps it, and the
    resumed walk, its printed commands and the summary all use it."""
    terminal = Terminal(tmp_path, columns=40, rows=20, lang="en_GB.UTF-8")
    screen = terminal.wait_for("question 1.")
    terminal.send("n" + ENTER)
    terminal.wait_for("question 2.")
    terminal.send(CTRL_C)
    screen = terminal.wait_for("--region uk")
    assert terminal.finish() == 130
    assert saved(tmp_path)["spinecheck"]["region"] == "uk"
    resumed = Terminal(tmp_path, "start", "--resume", columns=40, rows=40)  # a C locale now
    screen = resumed.wait_for("question 2.")
    assert "call 999" in screen  # the welcome's emergency line
    assert "911" not in screen
    resumed.send("y" + ENTER)  # bladder trouble: the read-back names the UK number
    screen = resumed.wait_for("If that is right, call 999 now")
    assert "911" not in screen
    resumed.send("y" + ENTER)
    screen = resumed.wait_for("Your answers are saved on this computer")
    assert "999" in screen
    assert "911" not in screen
    assert resumed.finish() == 3


def test_every_warning_sign_question_fits_50_columns(tmp_path):
    questionnaire = load_questionnaire()
    signs = [q for q in questionnaire.questions if q.warning is not None]
    terminal = Terminal(tmp_path, columns=50, rows=30)
    for number, question in enumerate(signs, 1):
        terminal.wait_for(f"question {number}.")
        terminal.wait_for(question.text)  # every word, in order, none cut off
        terminal.wait_for(
            "Press y for yes, n for no, or s if you are not sure, then Enter."
            if question.unsure
            else "Press y for yes or n for no, then Enter."
        )
        terminal.assert_fits()
        terminal.send("n" + ENTER)
    terminal.wait_for("Part 2 of 7, Your pain: question 1.")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130


def _answer_for(kind: QuestionKind, text: str) -> str:
    if kind is QuestionKind.YES_NO:
        return "n" + ENTER
    if kind in (QuestionKind.SINGLE, QuestionKind.SCALE):
        return DOWN + ENTER
    if kind is QuestionKind.MULTIPLE:
        return DOWN + SPACE + ENTER
    if kind is QuestionKind.INTEGER:
        return ("170" if "tall" in text else "70" if "weigh" in text else "40") + ENTER
    return ENTER


def walk_to_the_review(
    terminal: Terminal,
    questionnaire: Questionnaire,
    *,
    progress: str,
    review: str,
    answer: Callable[[Question], str],
) -> list[tuple[Question, str, str]]:
    """Answer every question the walk shows until its review of every answer.

    Each question is found by its progress line (the `progress` pattern) followed by its whole
    text, every word on screen; each screen is checked to fit. Returns (question, progress line,
    screen) for each question, in order.
    """
    order = [q.id for q in questionnaire.questions]
    walked: list[tuple[Question, str, str]] = []
    while True:
        found = None
        end = time.monotonic() + 20
        while time.monotonic() < end:
            terminal.settle(0.05)
            words = terminal.words()
            if review in words:
                return walked
            shown = re.findall(progress, words)
            if not shown:
                continue
            current = words[words.rfind(shown[-1]) :]
            found = next(
                (q for q in questionnaire.questions
                 if current.startswith(shown[-1] + " " + " ".join(q.text.split()))),
                None,
            )  # fmt: skip
            # Between one prompt leaving the screen and the next being drawn, an earlier
            # answered question can be the last one on screen: only a question after the
            # last one answered is the next (a walk that really went back then times out).
            last = walked[-1][0].id if walked else None
            if found is not None and (last is None or order.index(found.id) > order.index(last)):
                break
            found = None
        assert found is not None, f"no next question after {walked[-1][0].id if walked else None}"
        walked.append((found, shown[-1], terminal.words()))
        terminal.assert_fits()
        terminal.send(answer(found))


@pytest.mark.parametrize("columns", [40, 50, 80, 120])
def test_every_question_is_whole_at_any_width(tmp_path, columns):
    """Walk the whole questionnaire; each question's every word is on screen, in order."""
    questionnaire = load_questionnaire()
    terminal = Terminal(tmp_path, columns=columns, rows=40)
    terminal.wait_for("Part 1 of 7")  # past the welcome
    walked = walk_to_the_review(
        terminal,
        questionnaire,
        progress=r"Part \d+ of \d+, [^:]+: question \d+\.",
        review="Type a number to change that answer",
        answer=lambda question: _answer_for(question.kind, question.text),
    )
    asked = [question.id for question, _, _ in walked]
    places = [tuple(map(int, re.findall(r"\d+", shown))) for _, shown, _ in walked]
    terminal.wait_for("Type a number to change that answer")
    terminal.send(ENTER)
    terminal.wait_for("Your name, if you want it on your summary")  # optional: skipped
    terminal.assert_fits()
    terminal.send(ENTER)
    terminal.wait_for("Your date of birth")
    terminal.send(ENTER)
    # the end says where the summary is, how to print it, and to bring it; it is owner-only
    screen = terminal.wait_for("Please bring it to your visit.")
    assert "open that file in your web browser and choose Print" in screen
    page = tmp_path / "spine-summary.html"
    assert str(page) in terminal.words().replace(" ", "") or str(page) in screen
    assert page.stat().st_mode & 0o777 == 0o600
    assert "Your summary to take to your visit" in page.read_text()
    assert "progress.yaml" not in screen  # no internal file names
    assert terminal.finish() == 0
    assert len(asked) >= 35
    # the progress line never jumps: the parts never change in number, never go back, and
    # within a part each question is one more than the last
    assert {parts for _, parts, _ in places} == {len(questionnaire.sections)}
    for (part, _, number), (next_part, _, next_number) in itertools.pairwise(places):
        assert (next_part, next_number) in {(part, number + 1)} | {
            (later, 1) for later in range(part + 1, len(questionnaire.sections) + 1)
        }
    assert {"rf_saddle_numbness", "pain_areas", "medications", "age", "goals"} <= set(asked)


def _progress_at(tmp_path: Path, current: str, answers: dict) -> None:
    questionnaire = load_questionnaire()
    document = {"spinecheck": {"questionnaire": questionnaire.id, "format": 1,
                               "current": current, "seen": list(answers)}}  # fmt: skip
    for question in questionnaire.questions:
        if question.warning is not None:
            document[question.id] = False
    document.update(answers)
    (tmp_path / "progress.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


BEFORE_MEDICINES = {
    "pain_areas": ["neck"], "pain_duration": "under_2_weeks", "pain_trend": "improving",
    "pain_average": 3, "interference_enjoyment": 2, "interference_activity": 2,
    "treatments_tried": ["none"],
}  # fmt: skip


@pytest.mark.parametrize("mode", [[], ["--plain"]])
def test_ctrl_c_in_the_medicine_list_keeps_every_medicine_added(tmp_path, mode):
    _progress_at(tmp_path, "medications", BEFORE_MEDICINES)
    terminal = Terminal(tmp_path, "start", "--resume", *mode, columns=80)
    terminal.wait_for("Which medicines do you take?")
    terminal.send("Advil 200 mg" + ENTER)
    terminal.wait_for("Advil 200 mg")
    terminal.send("Valium 5 mg" + ENTER)
    terminal.wait_for("Valium 5 mg")
    terminal.settle()
    terminal.send(CTRL_C)
    terminal.wait_for("spinecheck start --resume")
    assert terminal.finish() == 130
    assert saved(tmp_path)["medications"] == ["Advil 200 mg", "Valium 5 mg"]


def test_a_pasted_medicine_block_becomes_separate_entries(tmp_path):
    _progress_at(tmp_path, "medications", BEFORE_MEDICINES)
    terminal = Terminal(tmp_path, "start", "--resume", columns=60)
    terminal.wait_for("Which medicines do you take?")
    terminal.send(PASTE_START + "Percocet 5/325\nXanax 0.5mg\ngabapentin 300mg" + PASTE_END)
    terminal.send(ENTER)
    screen = terminal.wait_for("We read this as 3 medicines:")
    assert "1. Percocet 5/325" in screen
    assert "3. gabapentin 300mg" in screen
    terminal.send(ENTER)  # yes, separate medicines (the safer reading starts highlighted)
    terminal.wait_for("Your list: Percocet 5/325; Xanax 0.5mg; gabapentin 300mg")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["medications"] == ["Percocet 5/325", "Xanax 0.5mg", "gabapentin 300mg"]


def test_pasted_escape_codes_are_not_kept_and_never_crash(tmp_path):
    _progress_at(tmp_path, "goals", {**BEFORE_MEDICINES, "age": 40})
    terminal = Terminal(tmp_path, "start", "--resume", columns=80)
    terminal.wait_for("What would you most like to be able to do again?")
    terminal.send(
        PASTE_START + "Walk \x1b[31mRED\x1b]0;pwned\x07\x1b]52;c;eA==\x07 dog" + PASTE_END
    )
    terminal.send("\x1b[31mx\x1b[0m" + ENTER)
    terminal.wait_for("What questions do you want to ask")
    screen = terminal.words()
    assert "Traceback" not in screen
    assert "Unhandled exception" not in screen
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["goals"] == "Walk RED dogx"


def test_start_then_resume_loses_nothing(tmp_path):
    _progress_at(tmp_path, "pain_trend", {"pain_areas": ["neck"]})
    terminal = Terminal(tmp_path, "start", columns=80)
    terminal.wait_for("You have unfinished answers")
    terminal.wait_for("Continue where I stopped")
    terminal.send(DOWN + ENTER)  # start over
    terminal.wait_for("spinecheck start --resume finds them")
    (kept,) = tmp_path.glob("progress-*.yaml")
    assert "progress" not in terminal.words()  # the kept file's name is for the clinic
    terminal.wait_for("Warning signs: question 1.")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert yaml.safe_load(kept.read_text())["pain_areas"] == ["neck"]

    again = Terminal(tmp_path, "start", "--resume", columns=80)
    again.wait_for("We found your earlier answers")
    again.wait_for("Over the last two weeks, is the pain getting better")
    again.send(CTRL_C)
    assert again.finish() == 130
    assert saved(tmp_path)["pain_areas"] == ["neck"]


def test_continue_is_the_default_when_answers_are_unfinished(tmp_path):
    _progress_at(tmp_path, "pain_trend", {"pain_areas": ["neck"]})
    terminal = Terminal(tmp_path, "start", columns=80)
    terminal.wait_for("Continue where I stopped")
    terminal.send(ENTER)
    terminal.wait_for("Welcome back to spinecheck")
    terminal.wait_for("Over the last two weeks, is the pain getting better")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["pain_areas"] == ["neck"]


def test_ctrl_c_in_a_real_terminal_saves_and_exits_130(tmp_path):
    terminal = Terminal(tmp_path)
    terminal.wait_for("question 1.")
    terminal.send("n" + ENTER)
    terminal.wait_for("question 2.")
    terminal.send(CTRL_C)
    terminal.wait_for("spinecheck start --resume")
    assert terminal.finish() == 130
    assert saved(tmp_path)["rf_saddle_numbness"] is False


# -- issue 24: the walk at its edges, at 40x20 where the width matters --------------------------

PAGE_UP, PAGE_DOWN, END_KEY, HOME_KEY = "\x1b[5~", "\x1b[6~", "\x1b[F", "\x1b[H"
DATA = Path(__file__).parent / "data"


def _finished_answers(tmp_path: Path, source: str = "chronic_back.yaml") -> dict:
    """A story's answers as an unfinished walk whose every question was seen: it opens on the
    review."""
    document = yaml.safe_load((DATA / source).read_text())
    every = [q.id for q in load_questionnaire().questions]  # seen: unanswered ones are skipped
    meta = {"questionnaire": "spinecheck_default", "format": 1, "seen": every}
    answers = {k: v for k, v in document.items() if k not in ("spinecheck", "patient", "visit")}
    (tmp_path / "progress.yaml").write_text(
        yaml.safe_dump({"spinecheck": meta, **answers}, sort_keys=False)
    )
    return answers


def test_the_welcome_waits_for_enter_and_is_read_whole_at_40x20(tmp_path):
    """Item 9: the welcome (with the emergency number) is read a page at a time before
    question 1, and its emergency line stays above question 1."""
    terminal = Terminal(tmp_path, columns=40, rows=20, through_welcome=False)
    first = terminal.wait_for("Press Enter to see the next page.")
    assert "Page 1 of 2" in first
    assert "Welcome to spinecheck" in first
    assert "call 911" in first
    terminal.settle(1.0)
    assert "question 1." not in terminal.words()  # nothing is asked while it is read
    terminal.assert_fits()
    terminal.send(ENTER)
    second = terminal.wait_for("Press Enter to start the questions.")
    terminal.assert_fits()
    read = first + " " + second
    for words in ("They are not a diagnosis", "Most people take about",
                  "Each answer is saved as you go", "Do not wait to finish these questions",
                  "The phone numbers shown are for: United States", "Ctrl-C stops"):  # fmt: skip
        assert words in read
    terminal.send(ENTER)
    screen = terminal.wait_for("Part 1 of 7, Warning signs: question 1.")
    assert "If you need help now, call 911" in screen  # stays above the question
    terminal.send(CTRL_C)
    assert terminal.finish() == 130


def test_a_long_tick_list_scrolls_under_its_question_at_40x20(tmp_path):
    """Item 9: the question and its key hint stay on screen; the list scrolls."""
    _progress_at(tmp_path, "conditions", {**BEFORE_MEDICINES, "medications": ["Advil"]})
    terminal = Terminal(tmp_path, "start", "--resume", columns=40, rows=20)
    terminal.wait_for("Do you have any of these health problems?")
    for key in (END_KEY, HOME_KEY, END_KEY):
        terminal.send(key)
        terminal.settle(0.5)
        screen = terminal.words()
        assert "Do you have any of these health problems?" in screen
        assert "Space ticks a box. Enter when done." in screen
        assert "More answers are above or below: use the arrows to see them all." in screen
        assert ("Skip this question" in screen) == (key == END_KEY)
        terminal.assert_fits()
    terminal.send(CTRL_C)
    assert terminal.finish() == 130


def test_the_review_pages_and_a_stop_there_says_how_to_get_the_summary(tmp_path):
    """Items 9 and 13: the review shows a page at a time (PageDown, PageUp) under its question;
    Ctrl-C there says how to get the summary later."""
    _finished_answers(tmp_path)
    terminal = Terminal(tmp_path, "start", "--resume", columns=40, rows=20)
    first = terminal.wait_for("of your answers.")
    pages = int(re.search(r"Page 1 of (\d+) of your answers", first).group(1))  # type: ignore[union-attr]
    assert pages >= 4
    assert f"Page 1 of {pages} of your answers. PageDown: next page." in first  # whole
    assert "Please check your answers" in first
    assert "Type a number to change that answer" in first
    terminal.send(PAGE_DOWN)
    second = terminal.wait_for(f"Page 2 of {pages} of your answers")
    assert "Type a number to change that answer" in second
    assert "Please check your answers" not in second
    terminal.assert_fits()
    terminal.send(PAGE_UP)
    terminal.wait_for("Please check your answers")
    terminal.send(CTRL_C)
    screen = terminal.wait_for("spinecheck start --resume")
    assert "To check them and get your summary to bring to your visit, run:" in screen
    assert terminal.finish() == 130


def test_the_end_reads_a_date_of_birth_checks_it_and_says_where_the_summary_is(tmp_path):
    """Items 8 and 13 at 40x20: a month-first date for a US patient, a date that does not fit
    the age asked about once, and the last screen says where the summary is and to bring it."""
    _finished_answers(tmp_path)  # age 38
    terminal = Terminal(tmp_path, "start", "--resume", columns=40, rows=20)
    terminal.wait_for("Type a number to change that answer")
    terminal.send(ENTER)
    terminal.wait_for("Your name, if you want it on your summary")
    terminal.send("Ann Lee" + ENTER)
    screen = terminal.wait_for("Your date of birth, for example March 3, 1970.")
    terminal.assert_fits()
    terminal.send("03/04/1970" + ENTER)
    screen = terminal.wait_for("If the date is right, type it again.")
    assert "4 Mar 1970 would make you" in screen
    assert "but you said you are 38" in screen
    terminal.send("03/04/1970" + ENTER)
    terminal.wait_for("Recorded: born 4 Mar 1970.")
    screen = terminal.wait_for("Please bring it to your visit.")
    assert "To print it, open that file in your web browser and choose Print." in screen
    assert terminal.finish() == 0
    assert saved(tmp_path)["spinecheck"]["patient"] == {
        "name": "Ann Lee",
        "birth_date": "1970-03-04",
    }
    page = (tmp_path / "spine-summary.html").read_text()
    assert "Ann Lee" in page
    assert "born 4 Mar 1970 (age 56, but 38 was answered: check)" in page or "but 38" in page
    assert "spinecheck_default" not in page  # no internal ids on the patient's page
    assert "progress.yaml" not in page


def test_enter_takes_the_medicine_name_shown_at_40x20(tmp_path):
    """Item 5: 'pregab' with 'pregabalin' shown saves 'pregabalin'."""
    _progress_at(tmp_path, "medications", BEFORE_MEDICINES)
    terminal = Terminal(tmp_path, "start", "--resume", columns=40, rows=20)
    terminal.wait_for("Which medicines do you take?")
    terminal.send("pregab")
    terminal.wait_for("pregabalin")
    terminal.send(ENTER)
    terminal.wait_for("Added: pregabalin")
    terminal.send(ENTER)  # the list is done
    terminal.wait_for("Your medicines: pregabalin")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["medications"] == ["pregabalin"]


def test_enter_with_nothing_ticked_does_not_move_on_at_40x20(tmp_path):
    """Item 6: a tick list asks for a choice or an explicit skip."""
    _progress_at(tmp_path, "pain_areas", {})
    terminal = Terminal(tmp_path, "start", "--resume", columns=40, rows=20)
    terminal.wait_for("Part 2 of 7, Your pain: question 1.")
    terminal.send(ENTER)
    screen = terminal.wait_for("Please choose at least one.")
    assert "Part 2 of 7, Your pain: question 1." in screen
    assert "question 2." not in screen
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert "pain_areas" not in saved(tmp_path)


def test_digits_move_on_a_scale_and_plain_mode_reads_dictation(tmp_path):
    """Item 7: '1' then '0' is 10 on a 0-10 scale; 'No.' as dictation types it is no."""
    _progress_at(tmp_path, "pain_average", {"pain_areas": ["neck"], "pain_duration":
                 "under_2_weeks", "pain_trend": "improving"})  # fmt: skip
    terminal = Terminal(tmp_path, "start", "--resume", columns=40, rows=20)
    terminal.wait_for("Type a number or use the up and down arrows")
    terminal.send("10")
    terminal.settle(0.3)
    terminal.send(ENTER)
    terminal.wait_for("Answer: 10")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["pain_average"] == 10

    plain = Terminal(tmp_path / "plain", "start", "--plain", columns=40, rows=20)
    plain.wait_for("Type y for yes, n for no, or s if you are not sure")
    plain.send("No." + ENTER)
    plain.wait_for("Recorded: no")
    plain.send(CTRL_C)
    assert plain.finish() == 130
    assert saved(tmp_path / "plain")["rf_saddle_numbness"] is False


def test_no_internal_words_on_the_continue_question_or_the_start_over(tmp_path):
    """Item 11: a readable date, no ISO time stamp, no file name."""
    _progress_at(tmp_path, "pain_trend", {"pain_areas": ["neck"]})
    path = tmp_path / "progress.yaml"
    document = yaml.safe_load(path.read_text())
    document["spinecheck"]["updated"] = "2026-12-03T05:31:30+00:00"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    terminal = Terminal(tmp_path, "start", columns=40, rows=20)
    screen = terminal.wait_for("Continue where I stopped")
    assert re.search(r"from \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d", screen)
    assert not re.search(r"\d{4}-\d\d-\d\dT", screen)
    terminal.send(DOWN + ENTER)
    screen = terminal.wait_for("Press Enter to")
    assert ".yaml" not in screen
    assert "progress" not in screen
    assert "spinecheck_default" not in screen
    terminal.send(CTRL_C)
    assert terminal.finish() == 130


@pytest.mark.parametrize("columns", [40, 200])
def test_the_summary_keeps_its_headings_whole_and_a_readable_width(tmp_path, columns):
    """Items 9, 11 and 14: at 40 columns no heading is cut; at 200 no line is wider than 100;
    a score band reads as a range ('minimal range', never 'none range')."""
    story = yaml.safe_load((DATA / "chronic_back.yaml").read_text())
    story.update(rf_night_pain=True, mood_low_interest="not_at_all", mood_down="not_at_all",
                 mood_nervous="not_at_all", mood_worry="not_at_all")  # fmt: skip
    path = tmp_path / "story.yaml"
    path.write_text(yaml.safe_dump(story, sort_keys=False))
    terminal = Terminal(tmp_path, "summary", str(path), columns=columns, rows=400)
    terminal.wait_for("contacts for United States.")
    terminal.settle()
    words = " ".join(re.sub("[│╭╮╰╯─]", " ", terminal.words()).split())  # read inside the boxes
    assert terminal.finish() == 0
    assert "How soon to act: Book an appointment within days" in words
    assert "minimal" in words  # (a narrow table cell may wrap "range" apart)
    assert "none range" not in words
    assert max(len(line) for line in terminal.lines()) <= min(columns, 100)


def test_a_height_in_feet_is_asked_for_and_read_back_in_centimetres(tmp_path):
    """Item 7: the keys say which units are understood, and a converted number is read back."""
    _progress_at(tmp_path, "height_cm", {**BEFORE_MEDICINES, "medications": ["Advil"], "age": 78})
    terminal = Terminal(tmp_path, "start", "--resume", columns=40, rows=20)
    terminal.wait_for("or feet and inches (like 5 ft 7)")
    terminal.send("5 ft 6" + ENTER)
    terminal.wait_for("Recorded: 168 cm")
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["height_cm"] == 168


UP_KEY = "\x1b[A"
BEFORE_SEX = {**BEFORE_MEDICINES, "medications": ["Advil"], "blood_thinner": "no",
              "alcohol_per_week": "none", "substance_concern": "no", "smoking": "never",
              "age": 34}  # fmt: skip


def test_sex_is_asked_with_nothing_chosen_and_male_hides_pregnancy_at_40x20(tmp_path):
    """Issue 25, item 9, in a real terminal: no answer is chosen in advance; after 'Male' the
    health problems do not offer 'I am pregnant'; back, 'Female', and they do."""
    _progress_at(tmp_path, "sex", BEFORE_SEX)
    terminal = Terminal(tmp_path, "start", "--resume", columns=40, rows=20)
    screen = terminal.wait_for("What is your sex?")
    assert "I would rather not say" in screen
    assert not re.search(r">\s*(Female|Male|Another|I would rather)", screen)  # none chosen
    terminal.send(DOWN + DOWN)
    terminal.settle(0.3)
    terminal.send(ENTER)
    terminal.wait_for("Do you have any of these health problems?")
    terminal.send(END_KEY)
    terminal.settle(0.5)
    assert "I am pregnant" not in terminal.words()
    assert "None of these" in terminal.words()
    terminal.send(CTRL_B)
    terminal.wait_for("What is your sex?")
    terminal.settle(0.3)
    terminal.send(UP_KEY)
    terminal.settle(0.3)
    terminal.send(ENTER)
    terminal.wait_for("Do you have any of these health problems?")
    terminal.send(END_KEY)
    terminal.settle(0.5)
    assert "I am pregnant" in terminal.words()
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["sex"] == "female"


def test_sex_in_plain_mode_at_50_columns(tmp_path):
    _progress_at(tmp_path, "sex", BEFORE_SEX)
    terminal = Terminal(tmp_path, "start", "--resume", "--plain", columns=50)
    terminal.wait_for("What is your sex?")
    terminal.send("2" + ENTER)
    screen = terminal.wait_for("Do you have any of these health problems?")
    terminal.settle(0.5)
    assert "I am pregnant" not in terminal.words()
    assert "None of these" in terminal.words()
    assert "Recorded: Male" in " ".join(screen.split())
    terminal.send(CTRL_C)
    assert terminal.finish() == 130
    assert saved(tmp_path)["sex"] == "male"
