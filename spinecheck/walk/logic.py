"""The questionnaire walk as pure logic: what to ask next, going back, review, and saving.

The walk talks to the patient only through an `Asker` (the arrow-key prompts or the plain
line-by-line prompts), and saves progress through a callback after every answer, so the same
logic runs in tests, in a terminal and over a pipe. Every text the patient reads reaches the
asker through `Shown`: placeholders filled, control characters removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple, Protocol

from spinecheck.answers.progress import Progress
from spinecheck.assessment.rules import stops_walk
from spinecheck.clean import clean, cleaned
from spinecheck.questionnaire.answering import (
    NOT_SURE,
    describe_answer,
    prune_answers,
    safer_value,
    visible_questions,
)
from spinecheck.questionnaire.conditions import AnswerValue, holds
from spinecheck.questionnaire.model import Question, QuestionKind, Questionnaire, Urgency
from spinecheck.walk.wording import progress_line
from spinecheck.words import Words, words_for


class Back(Enum):
    """The patient asked to go back to the previous question."""

    BACK = "back"


BACK = Back.BACK


class Shown(NamedTuple):
    """One question as the patient sees it: every text filled in and cleaned."""

    question: Question
    """The question itself (kind, range, whether an answer is required)."""
    text: str
    help: str | None
    choices: tuple[tuple[str, str], ...]
    """(value, label) for single and multiple choice."""
    low_label: str | None
    high_label: str | None
    progress: str
    """'Part 2 of 7, Your pain: question 3.'"""
    intro: str | None
    """The section's introduction, when this is its first question."""
    can_go_back: bool
    current: AnswerValue | None
    """The answer given before, shown as the starting point."""
    read_back: bool = False
    """A yes (or 'not sure') here stops the walk, and is read back before it does: the prompt
    leaves no "Answer: Yes" on the screen, so a yes taken back is not shown as given."""

    def label(self, value: str) -> str:
        """The label of a choice value."""
        return next((label for v, label in self.choices if v == value), value)


Keep = Callable[[AnswerValue | None], None]
"""Saves part of an answer at once (each medicine as it is added), without moving on."""


class Asker(Protocol):
    """How the walk speaks with the patient."""

    words: Words
    """The walk's own words in the patient's language (set by the session once it is known)."""

    def say(self, text: str) -> None:
        """Show a paragraph (welcome, a message)."""

    def ask(self, shown: Shown, keep: Keep) -> AnswerValue | Back | None:
        """Ask one question; return the checked answer, None for skipped, or BACK."""

    def confirm_emergency(self, question_text: str, action: str, unsure: str = "") -> bool | Back:
        """Ask whether a yes to an emergency sign was meant; True stops the walk.

        `unsure` holds the words said when the answer was 'not sure', which counts as yes.
        BACK (Ctrl-B, or 'b') goes back to the question with the yes still given.
        """

    def review(self, rows: list[tuple[str, str]]) -> int | None:
        """Show every answer (title, answer); return the index of one to change, or None."""


class Outcome(Enum):
    """How a walk ended."""

    COMPLETED = "completed"
    EMERGENCY = "emergency"


def _same(text: str) -> str:
    return text


@dataclass
class Walk:
    """Drives one walk through a questionnaire."""

    questionnaire: Questionnaire
    asker: Asker
    progress: Progress
    save: Callable[[Progress], None]
    fill: Callable[[str], str] = _same
    """Fills placeholders such as {contact:crisis_line} in texts the patient reads."""
    emergency_action: str = "If that is right, call your local emergency number now."
    """What the emergency confirmation tells the patient to do."""
    reviewing: bool = False
    """The patient is on the review of every answer (a stop there is one Enter short of the
    summary)."""
    start_at: str | None = None
    """A preview (`spinecheck start --from ID`): the walk starts at this question and never
    asks an earlier one. It is asked whatever its condition; the questions after it are asked
    as their conditions hold on the answers given in the preview."""

    @property
    def words(self) -> Words:
        """The walk's own words, in the language of the questionnaire's texts."""
        return words_for(self.questionnaire.language)

    def run(self) -> Outcome:
        """Ask until the review is confirmed, or a confirmed emergency sign stops the walk."""
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
        if self.start_at is not None:
            return previewed_questions(self.questionnaire, self.progress.answers, self.start_at)
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
            reply = self._ask(visible, index)
            if reply is BACK:
                if index > 0:
                    self.progress.current = ids[index - 1]
                    self.save(self.progress)
                continue
            self._record(question, reply)
            self.save(self.progress)
            if self._emergency(question, reply):
                if self._confirmed(question):
                    return Outcome.EMERGENCY
                continue  # a mistake: the same question is asked again
            self._same_day_advice(question, reply)
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

    def _emergency(self, question: Question, reply: object) -> bool:
        return (
            question.warning is not None
            and safer_value(question, reply) is True  # type: ignore[arg-type]  # a checked answer
            and stops_walk(self.questionnaire, self.progress.answers)
        )

    def _same_day_advice(self, question: Question, reply: object) -> None:
        """A yes to a same-day warning sign is told what to do at once, not at the end."""
        warning = question.warning
        if warning is None or warning.urgency is not Urgency.SAME_DAY:
            return
        if safer_value(question, reply) is not True:  # type: ignore[arg-type]  # checked answer
            return
        advice = self.questionnaire.urgency_messages.get(Urgency.SAME_DAY, "")
        self.asker.say(
            self._text(f"{warning.message} {advice}")
            + " "
            + self.words(
                "You can finish these questions first, then print your summary to take with you."
            )
            + "\n"  # a blank line before the next question: the advice stands on its own
        )

    def _confirmed(self, question: Question) -> bool:
        """Ask whether the emergency yes was meant; a mistake takes the yes back."""
        unsure = ""
        if question.unsure and self.progress.answers.get(question.id) == NOT_SURE:
            unsure = self._text(question.unsure.confirm or question.unsure.label)
        meant = self.asker.confirm_emergency(
            self._text(question.text), self.emergency_action, unsure=unsure
        )
        if meant is BACK:  # back to the question, its yes kept until it is changed
            self.progress.current = question.id
            self.save(self.progress)
            return False
        if meant:
            self.progress.stopped_at_emergency = True
            self.progress.current = None
            self.save(self.progress)
            return True
        self._record(question, None)
        self.progress.seen = [s for s in self.progress.seen if s != question.id]
        self.progress.current = question.id
        self.save(self.progress)
        return False

    def _text(self, text: str) -> str:
        return clean(self.fill(text))

    def shown(self, visible: list[Question], index: int) -> Shown:
        """The question at `index` of the visible ones, as the patient sees it."""
        question = visible[index]
        section = self.questionnaire.section_of(question.id)
        in_section = [q for q in visible if self.questionnaire.section_of(q.id) is section]
        number = next(i for i, q in enumerate(in_section, 1) if q.id == question.id)
        if question.kind is QuestionKind.YES_NO:
            choices: tuple[tuple[str, str], ...] = (
                ("yes", self.words("Yes")),
                ("no", self.words("No")),
            )
            if question.unsure:
                choices += ((NOT_SURE, self._text(question.unsure.label)),)
        else:
            current = self.progress.answers.get(question.id)
            kept = current if isinstance(current, list) else [current]
            choices = tuple(  # a choice whose condition fails is not offered, unless chosen
                (c.value, self._text(c.label))
                for c in question.choices or ()
                if c.value in kept or holds(c.when, self.progress.answers)
            )
        where = progress_line(
            self._text(section.title),
            self.questionnaire.sections.index(section) + 1,
            len(self.questionnaire.sections),
            number,
            words=self.words,
        )
        if self.start_at is not None:  # said on every question: nothing here is kept
            where = self.words("Preview (nothing is saved).") + " " + where
        return Shown(
            question=question,
            text=self._text(question.text),
            help=self._text(question.help) if question.help else None,
            choices=choices,
            low_label=self._text(question.min_label) if question.min_label else None,
            high_label=self._text(question.max_label) if question.max_label else None,
            progress=where,
            intro=self._text(section.intro) if number == 1 and section.intro else None,
            can_go_back=index > 0,
            current=cleaned(self.progress.answers.get(question.id)),
            read_back=question.warning is not None
            and stops_walk(self.questionnaire, {**self.progress.answers, question.id: True}),
        )

    def _ask(self, visible: list[Question], index: int) -> AnswerValue | Back | None:
        question = visible[index]

        def keep(value: AnswerValue | None) -> None:
            self._set_answer(question, value)
            self.save(self.progress)

        return self.asker.ask(self.shown(visible, index), keep)

    def _set_answer(self, question: Question, value: AnswerValue | None) -> None:
        """Set (or clear) one answer; answers to questions no longer asked are dropped."""
        answers = dict(self.progress.answers)
        if value is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = value
        if self.start_at is not None:
            asked = {q.id for q in previewed_questions(self.questionnaire, answers, self.start_at)}
            self.progress.answers = {k: v for k, v in answers.items() if k in asked}
        else:
            self.progress.answers = prune_answers(self.questionnaire, answers)

    def _record(self, question: Question, value: AnswerValue | None) -> None:
        self._set_answer(question, value)
        if question.id not in self.progress.seen:
            self.progress.seen.append(question.id)
        asked = {q.id for q in self._visible()}
        self.progress.seen = [s for s in self.progress.seen if s in asked]

    def _review(self) -> bool | Outcome:
        """Show the answers; True once confirmed, False after a change that opens new questions."""
        while True:
            visible = self._visible()
            rows = [
                (self._text(q.title()),
                 clean(describe_answer(q, self.progress.answers[q.id], words=self.words))
                 if q.id in self.progress.answers else self.words("(skipped)"))
                for q in visible
            ]  # fmt: skip
            self.reviewing = True
            choice = self.asker.review(rows)
            self.reviewing = False
            if choice is None:
                return True
            question = visible[choice]
            while True:  # asked again after an emergency yes that was a mistake
                reply = self._ask(visible, choice)
                if reply is BACK:
                    break
                self._record(question, reply)
                self.save(self.progress)
                if not self._emergency(question, reply):
                    self._same_day_advice(question, reply)
                    break
                if self._confirmed(question):
                    return Outcome.EMERGENCY
            if reply is BACK:
                continue
            self.progress.current = None
            following = self._next_unseen()
            if following is not None:
                self.progress.current = following
                return False


def previewed_questions(
    questionnaire: Questionnaire, answers: dict[str, AnswerValue], start: str
) -> list[Question]:
    """The questions a preview from `start` asks, in order, given the answers given in it.

    `start` is always asked; no earlier question is. Each later one is asked when its condition
    holds on the preview's answers (as `visible_questions` reads them: an answer to a question
    no longer asked opens nothing).
    """
    questions = questionnaire.questions
    first = next(i for i, q in enumerate(questions) if q.id == start)
    asked: list[Question] = []
    effective: dict[str, AnswerValue] = {}
    for question in questions[first:]:
        if question.id == start or holds(question.when, effective):
            asked.append(question)
            if question.id in answers:
                effective[question.id] = safer_value(question, answers[question.id])
    return asked
