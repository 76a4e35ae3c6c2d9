"""The questionnaire walk as pure logic: what to ask next, going back, review, and saving.

The walk talks to the patient only through an `Asker` (the questionary prompts or the plain
line-by-line prompts), and saves progress through a callback after every answer, so the same
logic runs in tests, in a terminal and over a pipe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from spinecheck.conditions import AnswerValue
from spinecheck.engine import describe_answer, prune_answers, visible_questions
from spinecheck.model import Question, Questionnaire, Section
from spinecheck.rules import stops_walk


class Back(Enum):
    """The patient asked to go back to the previous question."""

    BACK = "back"


BACK = Back.BACK


@dataclass(frozen=True)
class Position:
    """Where a question stands in the walk, for the progress line."""

    section: Section
    number_in_section: int
    section_total: int
    number: int
    total: int
    first_in_section: bool
    can_go_back: bool


@dataclass
class Progress:
    """Answers so far and where the walk stands; saved after every answer."""

    answers: dict[str, AnswerValue] = field(default_factory=dict)
    current: str | None = None
    """The question to ask next (None: start at the first unanswered one)."""
    seen: list[str] = field(default_factory=list)
    """Questions the patient has been shown (answered or skipped)."""
    completed: bool = False
    stopped_at_emergency: bool = False


class Asker(Protocol):
    """How the walk speaks with the patient."""

    def say(self, text: str) -> None:
        """Show a paragraph (welcome, a section's introduction, a message)."""

    def ask(
        self, question: Question, position: Position, current: AnswerValue | None
    ) -> AnswerValue | Back | None:
        """Ask one question; return the checked answer, None for skipped, or BACK."""

    def review(self, rows: list[tuple[Question, str]]) -> int | None:
        """Show every answer; return the index of one to change, or None to confirm."""


class Outcome(Enum):
    """How a walk ended."""

    COMPLETED = "completed"
    EMERGENCY = "emergency"


@dataclass
class Walk:
    """Drives one walk through a questionnaire."""

    questionnaire: Questionnaire
    asker: Asker
    progress: Progress
    save: Callable[[Progress], None]

    def run(self) -> Outcome:
        """Ask until the review is confirmed or an emergency warning sign stops the walk."""
        only_unseen = False
        while True:
            outcome = self._ask_pending(only_unseen=only_unseen)
            only_unseen = True  # after a change on the review screen, ask only what it opened
            if outcome is Outcome.EMERGENCY:
                return outcome
            reviewed = self._review()
            if reviewed is Outcome.EMERGENCY:
                return reviewed
            if reviewed is True:
                self.progress.completed = True
                self.progress.current = None
                self.save(self.progress)
                return Outcome.COMPLETED

    def _visible(self) -> list[Question]:
        return visible_questions(self.questionnaire, self.progress.answers)

    def _next_unseen(self) -> str | None:
        for question in self._visible():
            if question.id not in self.progress.seen and question.id not in self.progress.answers:
                return question.id
        return None

    def _ask_pending(self, *, only_unseen: bool = False) -> Outcome | None:
        """Ask from the current question onwards until every visible question has been seen.

        Walking forward shows each following question (with its answer kept); after a change on
        the review screen only the questions that change opened are asked.
        """
        if self.progress.current is None:
            self.progress.current = self._next_unseen()
        while self.progress.current is not None:
            visible = self._visible()
            ids = [q.id for q in visible]
            if self.progress.current not in ids:
                self.progress.current = self._next_unseen()
                continue
            index = ids.index(self.progress.current)
            question = visible[index]
            reply = self._ask(question, self._position(visible, index))
            if reply is BACK:
                if index > 0:
                    self.progress.current = ids[index - 1]
                    self.save(self.progress)
                continue
            self._record(question, reply)
            if question.warning is not None and reply is True:
                if stops_walk(self.questionnaire, self.progress.answers):
                    self.progress.stopped_at_emergency = True
                    self.progress.current = None
                    self.save(self.progress)
                    return Outcome.EMERGENCY
            visible = self._visible()
            ids = [q.id for q in visible]
            position = ids.index(question.id) if question.id in ids else index
            following = ids[position + 1 :]
            if only_unseen:
                following = [
                    i for i in following
                    if i not in self.progress.seen and i not in self.progress.answers
                ]  # fmt: skip
            self.progress.current = following[0] if following else self._next_unseen()
            self.save(self.progress)
        return None

    def _ask(self, question: Question, position: Position) -> AnswerValue | Back | None:
        """Show where the patient is (and a new section's introduction), then ask."""
        from spinecheck.asking import progress_line, wrap

        if position.first_in_section and position.section.intro:
            self.asker.say("\n" + wrap(position.section.intro))
        self.asker.say(f"\n{progress_line(position)}")
        return self.asker.ask(question, position, self.progress.answers.get(question.id))

    def _record(self, question: Question, value: AnswerValue | None) -> None:
        answers = dict(self.progress.answers)
        if value is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = value
        # Answers to questions that are no longer asked are dropped (a changed answer closed them).
        self.progress.answers = prune_answers(self.questionnaire, answers)
        if question.id not in self.progress.seen:
            self.progress.seen.append(question.id)
        asked = {q.id for q in self._visible()}
        self.progress.seen = [s for s in self.progress.seen if s in asked]

    def _position(self, visible: list[Question], index: int) -> Position:
        question = visible[index]
        section = self.questionnaire.section_of(question.id)
        in_section = [q for q in visible if self.questionnaire.section_of(q.id) is section]
        number_in_section = next(i for i, q in enumerate(in_section, 1) if q.id == question.id)
        return Position(
            section=section,
            number_in_section=number_in_section,
            section_total=len(in_section),
            number=index + 1,
            total=len(visible),
            first_in_section=number_in_section == 1,
            can_go_back=index > 0,
        )

    def _review(self) -> bool | Outcome:
        """Show the answers; True once confirmed, False after a change that opens new questions."""
        while True:
            visible = self._visible()
            rows = [
                (q, describe_answer(q, self.progress.answers[q.id]) if q.id in self.progress.answers
                 else "(skipped)")
                for q in visible
            ]  # fmt: skip
            choice = self.asker.review(rows)
            if choice is None:
                return True
            question = visible[choice]
            reply = self._ask(question, self._position(visible, choice))
            if reply is BACK:
                continue
            self._record(question, reply)
            self.save(self.progress)
            if question.warning is not None and reply is True:
                if stops_walk(self.questionnaire, self.progress.answers):
                    self.progress.stopped_at_emergency = True
                    self.save(self.progress)
                    return Outcome.EMERGENCY
            following = self._next_unseen()
            if following is not None:
                self.progress.current = following
                return False
