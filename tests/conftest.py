"""Shared fixtures: the shipped questionnaire, sample answers, a stable terminal environment."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from spinecheck.questionnaire.loading import load_questionnaire, questions_file
from spinecheck.questionnaire.model import Questionnaire

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent

# Summaries show times in the machine's local time; goldens are written in UTC.
os.environ["TZ"] = "UTC"
time.tzset()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The blind medicine challenge set's score, printed at the end of every run (issue 22)."""
    if not terminalreporter.stats.get("passed") and not terminalreporter.stats.get("failed"):
        return
    from tests.medicine_lines import DISAGREEMENTS, score

    right, lines, right_regimens, regimens, _ = score()
    terminalreporter.write_line(
        f"medicine challenge set: {right}/{lines} lines read right, {right_regimens}/{regimens} "
        f"regimens with the right MME and acetaminophen totals ({len(DISAGREEMENTS)} lines where "
        "we read differently on purpose, see tests/medicine_lines.py)"
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with tests/golden/NAME, or rewrite it with --update-goldens."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, text: str) -> None:
        path = Path(__file__).parent / "golden" / name
        if update or not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not update:
                pytest.fail(f"golden file {name} was missing and has been written; check it in")
        assert text == path.read_text(encoding="utf-8"), f"differs from tests/golden/{name}"

    return check


@pytest.fixture(autouse=True)
def stable_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("SPINECHECK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    # walks show US numbers unless a test says otherwise (without a country they ask for one)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture(scope="session")
def shipped_text() -> str:
    return questions_file().read_text(encoding="utf-8")


def no_red_flags(questionnaire: Questionnaire) -> dict[str, Any]:
    return {q.id: False for q in questionnaire.questions if q.warning is not None}


def minimal_answers(questionnaire: Questionnaire, **overrides: Any) -> dict[str, Any]:
    """A complete, routine set of answers (every required question answered)."""
    answers: dict[str, Any] = {
        **no_red_flags(questionnaire),
        "pain_areas": ["neck"],
        "pain_duration": "under_2_weeks",
        "pain_trend": "improving",
        "pain_average": 3,
        "interference_enjoyment": 2,
        "interference_activity": 2,
        "treatments_tried": ["none"],
        "age": 45,
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def write_answers(path: Path, answers: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    return path
