"""Plain prompts: numbered, line by line, no colour or cursor moves (screen readers and pipes)."""

from __future__ import annotations

from typing import TextIO

from spinecheck.asking import check_typed, kind_hint, review_table, scale_label, wrap
from spinecheck.conditions import AnswerValue
from spinecheck.engine import allowed
from spinecheck.errors import SpinecheckError
from spinecheck.model import Question, QuestionKind
from spinecheck.render.plain import clean
from spinecheck.walk import BACK, Back, Position

BACK_WORDS = {"b", "back"}
HELP_WORDS = {"?", "h", "help"}


KEYS_HINT = (
    "How to answer: type the number of your answer and press Enter. Type b to go back, "
    "? for help. Press Ctrl-C to stop; your answers are kept."
)


class PlainAsker:
    """Asks each question as numbered text and reads one line per answer."""

    def __init__(self, stdin: TextIO, out: TextIO) -> None:
        self.stdin = stdin
        self.out = out

    def say(self, text: str) -> None:
        """Print a paragraph."""
        self.out.write(text + "\n")
        self.out.flush()

    def _read(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError("input closed")
        return line.rstrip("\r\n")

    def ask(
        self, question: Question, position: Position, current: AnswerValue | None
    ) -> AnswerValue | Back | None:
        """Ask one question until it gets a valid answer, a skip, or 'b' to go back."""
        self.say(wrap(question.text))
        options = self._options(question)
        for number, label in enumerate(options, 1):
            self.say(f"  {number}) {label}")
        extras = ["b = back"] + (["? = help"] if question.help else [])
        if not question.required:
            extras.append("Enter = skip")
        if current is not None:
            extras.append("Enter = keep the current answer")
            self.say(f"  Current answer: {clean(_show_current(question, current))}")
        if question.kind is QuestionKind.TEXT_LIST:
            return self._ask_list(question, position, current)
        while True:
            line = self._read(f"{kind_hint(question)} ({', '.join(extras)}): ").strip()
            if line.lower() in BACK_WORDS:
                if position.can_go_back:
                    return BACK
                self.say("This is the first question.")
                continue
            if line.lower() in HELP_WORDS:
                self.say(wrap(question.help or "No extra help for this question.", "  "))
                continue
            if not line and current is not None:
                return current
            try:
                return check_typed(question, self._to_value(question, options, line))
            except SpinecheckError as err:
                self.say(f"  {err.message}. Allowed: {allowed(question)}.")

    def _options(self, question: Question) -> list[str]:
        if question.kind is QuestionKind.YES_NO:
            return ["Yes", "No"]
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            return [c.label for c in question.choices or ()]
        if question.kind is QuestionKind.SCALE:
            low, high = question.bounds()
            return [] if not (question.min_label or question.max_label) else [
                scale_label(question, low), scale_label(question, high)
            ]  # fmt: skip
        return []

    def _to_value(self, question: Question, options: list[str], line: str) -> object:
        """Map typed numbers to choice values; everything else is checked as typed."""
        kind = question.kind
        if not line:
            return None
        if kind is QuestionKind.YES_NO:
            return {"1": True, "2": False}.get(line, line)
        if kind is QuestionKind.SINGLE:
            return self._choice(question, line)
        if kind is QuestionKind.MULTIPLE:
            return [
                self._choice(question, part.strip()) for part in line.split(",") if part.strip()
            ]
        return line

    @staticmethod
    def _choice(question: Question, typed: str) -> str:
        choices = question.choices or []
        if typed.isdigit() and 1 <= int(typed) <= len(choices):
            return choices[int(typed) - 1].value
        for choice in choices:
            if typed.lower() in (choice.value, choice.label.lower()):
                return choice.value
        return typed

    def _ask_list(
        self, question: Question, position: Position, current: AnswerValue | None
    ) -> AnswerValue | Back | None:
        items: list[str] = []
        if isinstance(current, list) and current:
            line = self._read("Press Enter to keep this list, or type 'new' to start again: ")
            if line.strip().lower() in BACK_WORDS and position.can_go_back:
                return BACK
            if line.strip().lower() != "new":
                return current
        self.say(kind_hint(question) + ". Type b to go back.")
        while len(items) < question.item_limit():
            line = self._read(f"  {len(items) + 1}: ").strip()
            if line.lower() in BACK_WORDS:
                if items:
                    self.say(f"  Removed: {clean(items.pop())}")
                    continue
                if position.can_go_back:
                    return BACK
                continue
            if line.lower() in HELP_WORDS:
                self.say(wrap(question.help or "No extra help for this question.", "  "))
                continue
            if not line:
                break
            if len(line) > question.text_limit():
                self.say(f"  That is too long: at most {question.text_limit()} characters.")
                continue
            items.append(line)
        return check_typed(question, items or None)

    def review(self, rows: list[tuple[Question, str]]) -> int | None:
        """Show every answer; return the index of one to change, or None when all is right."""
        self.say("\n" + review_table(rows))
        while True:
            line = self._read(
                "Type a number to change that answer, or press Enter if all is right: "
            ).strip()
            if not line:
                return None
            if line.isdigit() and 1 <= int(line) <= len(rows):
                return int(line) - 1
            self.say(f"  Type a number from 1 to {len(rows)}, or press Enter.")


def _show_current(question: Question, value: AnswerValue) -> str:
    from spinecheck.engine import describe_answer

    return describe_answer(question, value)
