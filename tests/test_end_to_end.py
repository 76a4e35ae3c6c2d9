"""A patient at a real terminal: the installed `spinecheck` command in a pseudo-terminal."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml

pexpect = pytest.importorskip("pexpect")

DOWN, ENTER, SPACE = "\x1b[B", "\r", " "


def spinecheck_command() -> str:
    found = Path(sys.executable).with_name("spinecheck")
    if found.exists():
        return str(found)
    on_path = shutil.which("spinecheck")
    if on_path is None:
        pytest.skip("the spinecheck command is not installed")
    return on_path


def spawn(tmp_path: Path, *args: str):
    env = {"TERM": "xterm", "PATH": "/usr/bin:/bin", "SPINECHECK_DATA_DIR": str(tmp_path),
           "LANG": "C.UTF-8", "HOME": str(tmp_path),
           # pexpect answers no cursor-position requests; without this each prompt waits for one.
           "PROMPT_TOOLKIT_NO_CPR": "1"}  # fmt: skip
    return pexpect.spawn(
        spinecheck_command(), list(args), encoding="utf-8", dimensions=(40, 100), env=env,
        timeout=20,
    )  # fmt: skip


def answer(child, keys: str) -> None:
    """Wait for the next question's progress line (plain text we print), then type."""
    child.expect(r"question \d+ of \d+")
    child.send(keys)


def test_a_patient_completes_a_walk(tmp_path):
    child = spawn(tmp_path)
    child.expect_exact("Welcome to spinecheck")
    child.expect_exact("call 911")
    for _ in range(16):  # warning signs: no
        answer(child, DOWN + ENTER)
    answer(child, SPACE + DOWN + DOWN + SPACE + ENTER)  # neck and lower back
    answer(child, DOWN * 4 + ENTER)  # more than a year
    answer(child, DOWN + ENTER)  # about the same
    answer(child, DOWN + ENTER)  # not a flare-up
    answer(child, DOWN + ENTER)  # no leg pain below the knee
    answer(child, DOWN + ENTER)  # no arm pain below the elbow
    answer(child, DOWN + ENTER)  # no numbness
    answer(child, DOWN * 6 + ENTER)  # pain 6
    answer(child, DOWN * 5 + ENTER)  # enjoyment 5
    answer(child, DOWN * 7 + ENTER)  # activity 7
    for _ in range(5):  # inflammatory back pain questions: no
        answer(child, DOWN + ENTER)
    answer(child, DOWN + SPACE + ENTER)  # physical therapy
    answer(child, DOWN * 3 + ENTER)  # too painful to continue
    answer(child, "Percocet 5/325 twice a day\r")
    child.expect_exact("Added.")
    child.send("Xanax 0.5 mg\r")
    child.expect_exact("Added.")
    child.send(ENTER)
    answer(child, ENTER)  # alcohol: none
    answer(child, ENTER)  # substance concern: no
    answer(child, ENTER)  # never smoked
    answer(child, "47\r")
    answer(child, DOWN * 11 + SPACE + ENTER)  # conditions: none
    answer(child, ENTER)  # height skipped
    answer(child, ENTER)  # weight skipped
    answer(child, DOWN + ENTER)  # working less because of pain
    for _ in range(4):
        answer(child, ENTER)  # mood: not at all
    answer(child, "Play with my kids\r")
    answer(child, ENTER)  # no questions
    child.expect_exact("Please check your answers")
    child.send(ENTER)
    child.expect_exact("Who to talk to")
    child.expect_exact("Opioid with a sedative")
    child.expect_exact("Your answers are saved in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    saved = yaml.safe_load((tmp_path / "progress.yaml").read_text())
    assert saved["spinecheck"]["completed"] is True
    assert saved["physical_therapy_result"] == "too_painful_to_continue"
    assert saved["medications"] == ["Percocet 5/325 twice a day", "Xanax 0.5 mg"]
    assert saved["goals"] == "Play with my kids"
    assert (tmp_path / "progress.yaml").stat().st_mode & 0o777 == 0o600


def test_ctrl_c_in_a_real_terminal_saves_and_exits_130(tmp_path):
    child = spawn(tmp_path)
    answer(child, DOWN + ENTER)
    child.expect_exact("question 2 of 16")
    child.sendcontrol("c")
    child.expect_exact("spinecheck start --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = yaml.safe_load((tmp_path / "progress.yaml").read_text())
    assert saved["rf_saddle_numbness"] is False
