"""Plain prompts: numbered, line by line, no colour or cursor moves (screen readers and pipes)."""

from __future__ import annotations

from typing import TextIO

from spinecheck.clean import clean, clean_line
from spinecheck.errors import SpinecheckError
from spinecheck.medicines.matching import split_entry
from spinecheck.questionnaire.answering import NOT_SURE, describe_answer
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import QuestionKind
from spinecheck.walk.logic import BACK, Back, Keep, Shown
from spinecheck.walk.wording import (
    check_typed,
    plain_hint,
    problem_text,
    review_lines,
    stream_width,
    wrap_text,
    yes_no_request,
)

BACK_WORDS = {"b", "back"}
HELP_WORDS = {"?", "h", "help"}
REMOVE_WORDS = {"remove", "r"}
YES_WORDS = {"y", "yes"}
NO_WORDS = {"n", "no"}
UNSURE_WORDS = {"s", "not sure", "unsure", "don't know", "dont know"}

KEYS_HINT = (
    "How to answer: type your answer and press Enter. Type b to go back, and ? for help where "
    "a question has it. Press Ctrl-C to stop; your answers are kept."
)


class PlainAsker:
    """Asks each question as numbered text and reads one line per answer."""

    keys_text = KEYS_HINT
    """The keys paragraph of the welcome screen."""

    def __init__(self, stdin: TextIO, out: TextIO) -> None:
        self.stdin = stdin
        self.out = _Cleaning(out)

    @property
    def width(self) -> int:
        """The width to wrap to: the terminal's, or COLUMNS (80) over a pipe."""
        return stream_width(self.out.stream)

    def welcome(self, paragraphs: list[str], stays: str) -> None:
        """The first screen: each line is read in turn, so nothing waits for a key."""
        del stays  # in a plain walk every line stays where it was written
        self.say("\n\n".join(paragraphs) + "\n")

    def say(self, text: str) -> None:
        """Print a paragraph, wrapped to the window."""
        self.out.write(wrap_text(text, self.width) + "\n")
        self.out.flush()

    def _read(self, prompt: str) -> str:
        # wrapped by words like every other line: a narrow window never splits a word
        if len(prompt) >= self.width:
            *before, last = wrap_text(prompt.rstrip(), self.width).split("\n")
            prompt = "".join(line + "\n" for line in before) + last + " "
        self.out.write(prompt)
        self.out.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError("input closed")
        return clean_line(line)

    def ask(self, shown: Shown, keep: Keep) -> AnswerValue | Back | None:
        """Ask one question until it gets a valid answer, a skip, or 'b' to go back."""
        question = shown.question
        if shown.intro:
            self.say("\n" + shown.intro)
        self.say(f"\n{shown.progress}")
        self.say(shown.text)
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for number, (_, label) in enumerate(shown.choices, 1):
                self.say(f"  {number}) {label}")
        if question.kind is QuestionKind.TEXT_LIST:
            return self._ask_list(shown, keep)
        extras = ["b = back"] if shown.can_go_back else []
        if shown.help:
            extras.append("? = help")
        if shown.current is not None:
            extras.append("Enter = keep the current answer")
            self.say(f"  Current answer: {describe_answer(question, shown.current)}")
        elif not question.required:
            extras.append("Enter = skip")
        hint = plain_hint(question, shown.low_label, shown.high_label)
        prompt = f"{hint} ({', '.join(extras)}): " if extras else f"{hint}: "
        while True:
            line = self._read(prompt)
            word = line.lower()
            moved = self._back_or_help(word, shown)
            if moved is BACK:
                return BACK
            if moved:
                continue
            if not line and shown.current is not None:
                return shown.current
            if not line and question.kind is QuestionKind.YES_NO and question.required:
                self.say("  " + yes_no_request(question))
                continue
            try:
                value = check_typed(question, self._to_value(shown, line))
            except SpinecheckError as err:
                self.say("  " + problem_text(question, err))
                continue
            # what was recorded, read back: dictation and typing slips are caught here
            self.say("  Recorded: " + (describe_answer(question, value) if value is not None
                                       else "skipped"))  # fmt: skip
            return value

    def _back_or_help(self, word: str, shown: Shown) -> Back | bool:
        """What 'b' or '?' asked for: BACK, True (help or a message was shown), or False."""
        if word in BACK_WORDS:
            if shown.can_go_back:
                return BACK
            self.say("  This is the first question.")
            return True
        if word in HELP_WORDS:
            self.say(
                wrap_text(shown.help or "There is no extra help for this question.", self.width)
            )
            return True
        return False

    @staticmethod
    def _to_value(shown: Shown, line: str) -> object:
        """Map typed numbers and words to values; everything else is checked as typed."""
        kind = shown.question.kind
        if not line:
            return None
        if kind is QuestionKind.YES_NO:
            word = _spoken(line)
            if shown.question.unsure and word in UNSURE_WORDS:
                return NOT_SURE
            return True if word in YES_WORDS else False if word in NO_WORDS else line
        if kind is QuestionKind.SINGLE:
            return _choice(shown, line)
        if kind is QuestionKind.MULTIPLE:
            return [_choice(shown, part.strip()) for part in line.split(",") if part.strip()]
        return line

    def _ask_list(self, shown: Shown, keep: Keep) -> AnswerValue | Back | None:
        question = shown.question
        items: list[str] = list(shown.current) if isinstance(shown.current, list) else []
        if items:
            self.say("  Your list so far: " + "; ".join(items))
        self.say(
            "  "
            + plain_hint(question, None, None)
            + ". Type remove to take off the last one"
            + (", b to go back" if shown.can_go_back else "")
            + (", ? for help" if shown.help else "")
            + "."
        )
        while True:
            line = self._read(f"  {len(items) + 1}: ")
            word = line.lower()
            moved = self._back_or_help(word, shown)
            if moved is BACK:
                return BACK
            if moved:
                continue
            if word in REMOVE_WORDS:
                if items:
                    self.say(f"  Removed: {items.pop()}")
                    keep(list(items) or None)
                else:
                    self.say("  The list is empty.")
                continue
            if not line:
                break
            entries = split_entry(line)
            if len(entries) > 1:
                self.say(f"  We read this as {len(entries)} medicines:")
                for number, entry in enumerate(entries, 1):
                    self.say(f"    {number}. {entry}")
                answer = self._read("  Add them as separate entries? (y = yes, n = keep as one): ")
                if answer.lower() in NO_WORDS:
                    entries = [line]
            for entry in entries:
                if len(items) >= question.item_limit():
                    self.say(f"  The list is full ({question.item_limit()} entries).")
                    break
                if len(entry) > question.text_limit():
                    self.say(f"  That is too long: at most {question.text_limit()} characters.")
                    continue
                items.append(entry)
            keep(list(items) or None)
            self.say("  Your list: " + "; ".join(items))
        return check_typed(question, items or None)

    def confirm_emergency(self, question_text: str, action: str, unsure: str = "") -> bool | Back:
        """Read back the emergency yes (or 'not sure') and ask whether it was meant.

        'b' goes back to the question.
        """
        said = "not sure" if unsure else "yes"
        self.say(wrap_text(f"\nYou answered {said} to: {question_text}", self.width))
        if unsure:
            self.say(wrap_text(unsure, self.width))
        self.say(wrap_text(action, self.width))
        while True:
            line = self._read(
                "Type y if that is right, or n if it was a mistake (to answer again): "
            ).lower()
            line = _spoken(line)
            if line in YES_WORDS:
                return True
            if line in NO_WORDS:
                self.say("  Your yes is taken back. The question again:")
                return False
            if line in BACK_WORDS:
                return BACK
            self.say("  Please type y or n (or b to go back to the question).")

    def choose(self, text: str, options: list[tuple[str, str]], default: str | None) -> str:
        """Ask the patient to pick one of a few options (Enter takes the default, if any)."""
        self.say(text)
        for number, (_, label) in enumerate(options, 1):
            self.say(f"  {number}) {label}")
        first = next((n for n, (v, _) in enumerate(options, 1) if v == default), None)
        while True:
            line = self._read(f"Type a number (Enter = {first}): " if first else "Type a number: ")
            if not line and default is not None:
                return default
            if line.isdigit() and 1 <= int(line) <= len(options):
                return options[int(line) - 1][0]
            self.say(f"  Please type a number from 1 to {len(options)}.")

    def review(self, rows: list[tuple[str, str]]) -> int | None:
        """Show every answer; return the index of one to change, or None when all is right."""
        self.out.write("\n" + "\n".join(review_lines(rows, self.width)) + "\n")
        while True:
            line = self._read(
                "Type a number to change that answer, or press Enter if all is right: "
            )
            if not line:
                return None
            if line.isdigit() and 1 <= int(line) <= len(rows):
                return int(line) - 1
            self.say(f"  Please type a number from 1 to {len(rows)}, or press Enter.")


class _Cleaning:
    """The screen, through which no control character or escape sequence passes.

    One gate for every line the plain walk writes, whatever its text came from (the
    questionnaire, saved answers, the keyboard).
    """

    def __init__(self, out: TextIO) -> None:
        self.stream = out

    def write(self, text: str) -> int:
        return self.stream.write(clean(text))

    def flush(self) -> None:
        self.stream.flush()

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()


def _choice(shown: Shown, typed: str) -> str:
    if typed.isdigit() and 1 <= int(typed) <= len(shown.choices):
        return shown.choices[int(typed) - 1][0]
    for value, label in shown.choices:
        if typed.lower() in (value, label.lower()):
            return value
    return typed


def _spoken(line: str) -> str:
    """A one-word reply as dictation types it ('No.', 'yes,', ' Yes! '): the word alone."""
    return line.strip().strip(".,;:!?").strip().lower()
