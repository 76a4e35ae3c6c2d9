"""What the walk says at the moment an answer needs it (issue 24), for every question of its
kind in the shipped questionnaire, through a scripted asker (the walk's logic, no terminal)."""

from __future__ import annotations

from typing import Any

import pytest

from spinecheck.answers.progress import Progress
from spinecheck.assessment.rules import fill_text, stops_walk
from spinecheck.questionnaire.answering import NOT_SURE
from spinecheck.questionnaire.loading import load_questionnaire
from spinecheck.questionnaire.model import Urgency
from spinecheck.walk.logic import Outcome, Shown, Walk

QUESTIONNAIRE = load_questionnaire()
WARNINGS = [q for q in QUESTIONNAIRE.questions if q.warning is not None]
SAME_DAY = [q for q in WARNINGS if q.warning and q.warning.urgency is Urgency.SAME_DAY]


class _Stop(Exception):
    """The script ran out: the walk is stopped here."""


class Scripted:
    """Answers warning signs from a script; records what the walk says and when."""

    keys_text = ""

    def __init__(self, replies: dict[str, Any], confirm: Any = True) -> None:
        self.replies = replies
        self.confirm = confirm
        self.events: list[tuple[str, str]] = []

    def say(self, text: str) -> None:
        self.events.append(("say", text))

    def ask(self, shown: Shown, keep: Any) -> Any:
        self.events.append(("ask", shown.question.id))
        if shown.question.id not in self.replies:
            raise _Stop
        return self.replies[shown.question.id]

    def confirm_emergency(self, question_text: str, action: str, unsure: str = "") -> Any:
        self.events.append(("confirm", question_text))
        return self.confirm

    def review(self, rows: list[tuple[str, str]]) -> int | None:
        raise _Stop


def _walk(replies: dict[str, Any], **kwargs: Any) -> tuple[Scripted, Walk]:
    asker = Scripted(replies, **kwargs)
    walk = Walk(QUESTIONNAIRE, asker, Progress(), lambda progress: None)
    walk.fill = lambda text: fill_text(text, QUESTIONNAIRE, walk.progress.answers)
    return asker, walk


def test_there_are_same_day_signs_to_test():
    assert len(SAME_DAY) >= 3


@pytest.mark.parametrize(
    ("question", "answer"),
    [(q, True) for q in SAME_DAY] + [(q, NOT_SURE) for q in SAME_DAY if q.unsure is not None],
    ids=lambda value: value.id if hasattr(value, "id") else str(value),
)
def test_a_same_day_yes_is_told_what_to_do_at_once(question, answer):
    """Issue 24, item 2: the advice comes right after the yes, before the next question."""
    replies = {q.id: False for q in WARNINGS} | {question.id: answer}
    asker, walk = _walk(replies)
    with pytest.raises(_Stop):
        walk.run()
    at = asker.events.index(("ask", question.id))
    kind, text = asker.events[at + 1]
    assert kind == "say"
    assert "Speak to a clinician today" in text
    assert "You can finish these questions first" in text
    assert "{" not in text  # every placeholder filled
    assert asker.events[at + 2][0] == "ask"  # and then the walk goes on


def test_a_no_or_an_emergency_sign_gets_no_same_day_advice():
    replies = {q.id: False for q in WARNINGS}
    asker, walk = _walk(replies)
    with pytest.raises(_Stop):
        walk.run()
    assert not any("Speak to a clinician today" in text for kind, text in asker.events)
    emergency = next(q for q in WARNINGS if stops_walk(QUESTIONNAIRE, {q.id: True}))
    asker, walk = _walk({emergency.id: True})
    assert walk.run() is Outcome.EMERGENCY
    assert not any("You can finish these questions" in text for kind, text in asker.events)


@pytest.mark.parametrize(
    "question",
    [q for q in WARNINGS if stops_walk(QUESTIONNAIRE, {q.id: True})],
    ids=lambda q: q.id,
)
def test_every_emergency_sign_is_shown_as_read_back_and_back_returns_to_it(question):
    """Issue 24, items 1 and 3, for every sign that stops the walk: its prompt is marked to be
    read back (so no "Answer: Yes" stays), and BACK at the read-back asks it again."""
    from spinecheck.walk.logic import BACK

    replies = {q.id: False for q in WARNINGS} | {question.id: True}
    asker, walk = _walk(replies, confirm=BACK)
    shown = []
    original = asker.ask

    def ask(shown_now: Shown, keep: Any) -> Any:
        shown.append(shown_now)
        if len([s for s in shown if s.question.id == question.id]) > 1:
            raise _Stop  # asked again after BACK: what this test is about
        return original(shown_now, keep)

    asker.ask = ask  # type: ignore[method-assign]
    with pytest.raises(_Stop):
        walk.run()
    asked = [s for s in shown if s.question.id == question.id]
    assert len(asked) == 2
    assert asked[0].read_back
    assert asked[1].current is True  # the yes is kept until it is changed
    assert walk.progress.answers[question.id] is True


@pytest.mark.parametrize(
    ("environment", "region"),
    [
        ({"LANG": "en_GB.UTF-8"}, "uk"),
        ({"LANG": "en_US.UTF-8"}, "us"),
        ({"LANG": "fr_FR.UTF-8"}, "other"),  # a country without its own region: never 911
        ({"LANG": "de_DE@euro"}, "other"),
        ({"LANG": "C.UTF-8"}, None),  # no country: the questionnaire's default
        ({"LANG": "POSIX"}, None),
        ({}, None),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "uk"),  # LC_ALL wins
        ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "us"),
    ],
)
def test_the_region_comes_from_the_locale(monkeypatch, environment, region):
    from spinecheck.walk.session import locale_region

    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert locale_region(QUESTIONNAIRE) == region


def test_an_answer_file_keeps_its_region_for_the_summary(tmp_path):
    """Contract 1.2: `summary` uses the file's region unless --region is given."""
    from pathlib import Path

    from typer.testing import CliRunner

    from spinecheck.cli import app

    text = (Path(__file__).parent / "data" / "emergency.yaml").read_text(encoding="utf-8")
    path = tmp_path / "uk.yaml"
    path.write_text(text.replace("  format: 1\n", "  format: 1\n  region: uk\n", 1))
    runner = CliRunner()
    shown = runner.invoke(app, ["summary", str(path), "--format", "text"]).stdout
    assert "999" in shown
    assert "911" not in shown
    asked = runner.invoke(app, ["summary", str(path), "--format", "text", "--region", "us"])
    assert "911" in asked.stdout
    path.write_text(text.replace("  format: 1\n", "  format: 1\n  region: mars\n", 1))
    wrong = runner.invoke(app, ["summary", str(path)])
    assert wrong.exit_code == 1
    assert f"{path}:" in wrong.stderr
    assert "unknown region 'mars'" in wrong.stderr
