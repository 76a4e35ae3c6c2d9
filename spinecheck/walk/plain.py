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
from spinecheck.words import ENGLISH, Words

BACK_WORDS = {"b", "back", "atrás", "atras", "volver"}
HELP_WORDS = {"?", "h", "help", "ayuda"}
REMOVE_WORDS = {"remove", "r", "quitar", "borrar"}

KEYS_HINT = (
    "How to answer: type your answer and press Enter. Type b to go back, and ? for help where "
    "a question has it. Press Ctrl-C to stop; your answers are kept."
)


class PlainAsker:
    """Asks each question as numbered text and reads one line per answer."""

    def __init__(self, stdin: TextIO, out: TextIO) -> None:
        self.stdin = stdin
        self.out = _Cleaning(out)
        self.words: Words = ENGLISH
        """The walk's own words, in the patient's language (set once it is known)."""

    @property
    def keys_text(self) -> str:
        """The keys paragraph of the welcome screen."""
        return self.words(KEYS_HINT)

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
        words = self.words
        extras = [words("b = back")] if shown.can_go_back else []
        if shown.help:
            extras.append(words("? = help"))
        if shown.current is not None:
            extras.append(words("Enter = keep the current answer"))
            self.say(
                "  "
                + words(
                    "Current answer: {answer}",
                    answer=describe_answer(question, shown.current, words=words),
                )
            )
        elif not question.required:
            extras.append(words("Enter = skip"))
        hint = plain_hint(question, shown.low_label, shown.high_label, words=words)
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
                self.say("  " + yes_no_request(question, words))
                continue
            try:
                value = check_typed(question, self._to_value(shown, line, words))
            except SpinecheckError as err:
                self.say("  " + problem_text(question, err, words))
                continue
            # what was recorded, read back: dictation and typing slips are caught here
            self.say("  " + words(
                "Recorded: {answer}",
                answer=describe_answer(question, value, words=words) if value is not None
                else words("skipped"),
            ))  # fmt: skip
            return value

    def _back_or_help(self, word: str, shown: Shown) -> Back | bool:
        """What 'b' or '?' asked for: BACK, True (help or a message was shown), or False."""
        if word in BACK_WORDS:
            if shown.can_go_back:
                return BACK
            self.say("  " + self.words("This is the first question."))
            return True
        if word in HELP_WORDS:
            self.say(
                wrap_text(
                    shown.help or self.words("There is no extra help for this question."),
                    self.width,
                )
            )
            return True
        return False

    @staticmethod
    def _to_value(shown: Shown, line: str, words: Words = ENGLISH) -> object:
        """Map typed numbers and words to values; everything else is checked as typed."""
        kind = shown.question.kind
        if not line:
            return None
        if kind is QuestionKind.YES_NO:
            word = _spoken(line)
            if shown.question.unsure and word in words.unsure:
                return NOT_SURE
            return True if word in words.yes else False if word in words.no else line
        if kind is QuestionKind.SINGLE:
            return _choice(shown, line)
        if kind is QuestionKind.MULTIPLE:
            return [_choice(shown, part.strip()) for part in line.split(",") if part.strip()]
        return line

    def _ask_list(self, shown: Shown, keep: Keep) -> AnswerValue | Back | None:
        question = shown.question
        words = self.words
        items: list[str] = list(shown.current) if isinstance(shown.current, list) else []
        if items:
            self.say("  " + words("Your list so far: {items}", items="; ".join(items)))
        self.say(
            "  "
            + plain_hint(question, None, None, words=words)
            + words(". Type remove to take off the last one")
            + (words(", b to go back") if shown.can_go_back else "")
            + (words(", ? for help") if shown.help else "")
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
                    self.say("  " + words("Removed: {item}", item=items.pop()))
                    keep(list(items) or None)
                else:
                    self.say("  " + words("The list is empty."))
                continue
            if not line:
                break
            entries = split_entry(line)
            if len(entries) > 1:
                self.say("  " + words("We read this as {count} medicines:", count=len(entries)))
                for number, entry in enumerate(entries, 1):
                    self.say(f"    {number}. {entry}")
                answer = self._read(
                    "  " + words("Add them as separate entries? (y = yes, n = keep as one): ")
                )
                if _spoken(answer) in words.no:
                    entries = [line]
            for entry in entries:
                if len(items) >= question.item_limit():
                    self.say(
                        "  "
                        + words("The list is full ({limit} entries).", limit=question.item_limit())
                    )
                    break
                if len(entry) > question.text_limit():
                    self.say(
                        "  "
                        + words(
                            "That is too long: at most {limit} characters.",
                            limit=question.text_limit(),
                        )
                    )
                    continue
                items.append(entry)
            keep(list(items) or None)
            self.say("  " + words("Your list: {items}", items="; ".join(items)))
        return check_typed(question, items or None)

    def confirm_emergency(self, question_text: str, action: str, unsure: str = "") -> bool | Back:
        """Read back the emergency yes (or 'not sure') and ask whether it was meant.

        'b' goes back to the question.
        """
        words = self.words
        said = words("not sure") if unsure else words("yes")
        self.say(
            wrap_text(
                "\n"
                + words("You answered {said} to: {question}", said=said, question=question_text),
                self.width,
            )
        )
        if unsure:
            self.say(wrap_text(unsure, self.width))
        self.say(wrap_text(action, self.width))
        while True:
            line = _spoken(
                self._read(
                    words("Type y if that is right, or n if it was a mistake (to answer again): ")
                )
            )
            if line in words.yes:
                return True
            if line in words.no:
                self.say("  " + words("Your yes is taken back. The question again:"))
                return False
            if line in BACK_WORDS:
                return BACK
            self.say("  " + words("Please type y or n (or b to go back to the question)."))

    def choose(self, text: str, options: list[tuple[str, str]], default: str | None) -> str:
        """Ask the patient to pick one of a few options (Enter takes the default, if any)."""
        self.say(text)
        for number, (_, label) in enumerate(options, 1):
            self.say(f"  {number}) {label}")
        first = next((n for n, (v, _) in enumerate(options, 1) if v == default), None)
        while True:
            line = self._read(
                self.words("Type a number (Enter = {first}): ", first=first)
                if first
                else self.words("Type a number: ")
            )
            if not line and default is not None:
                return default
            if line.isdigit() and 1 <= int(line) <= len(options):
                return options[int(line) - 1][0]
            self.say(
                "  " + self.words("Please type a number from 1 to {count}.", count=len(options))
            )

    def review(self, rows: list[tuple[str, str]]) -> int | None:
        """Show every answer; return the index of one to change, or None when all is right."""
        words = self.words
        self.out.write("\n" + "\n".join(review_lines(rows, self.width, words)) + "\n")
        while True:
            line = self._read(
                words("Type a number to change that answer, or press Enter if all is right: ")
            )
            if not line:
                return None
            if line.isdigit() and 1 <= int(line) <= len(rows):
                return int(line) - 1
            self.say(
                "  "
                + words("Please type a number from 1 to {count}, or press Enter.", count=len(rows))
            )


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
