"""The interactive prompts (the only questionary and prompt_toolkit user)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import questionary
from prompt_toolkit.application import create_app_session
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.output import create_output
from questionary import Choice
from questionary.prompts.common import InquirerControl

from spinecheck.asking import (
    check_typed,
    question_text,
    review_table,
    scale_label,
    validation_message,
    wrap,
)
from spinecheck.conditions import AnswerValue
from spinecheck.errors import SpinecheckError
from spinecheck.model import Question, QuestionKind
from spinecheck.render.plain import clean
from spinecheck.walk import BACK, Back, Position

_BACK = "\x00back"
_HELP = "\x00help"
_SKIP = "\x00skip"  # questionary uses the title as value when a choice's value is None

KEYS_HINT = (
    "How to answer: arrow keys move, Enter chooses, Space ticks a box. Ctrl-B goes back to the "
    "last question, ? shows help, Ctrl-C stops (your answers are kept)."
)
STYLE = questionary.Style(
    [("qmark", "bold"), ("question", "bold"), ("pointer", "bold"), ("highlighted", "bold")]
)


@contextlib.contextmanager
def terminal_session(*, to_stderr: bool) -> Iterator[None]:
    """Send prompts to stderr when stdout is redirected, so the patient still sees them."""
    if to_stderr:
        with create_app_session(output=create_output(stdout=sys.stderr)):
            yield
    else:
        yield


class QuestionaryAsker:
    """Arrow-key menus, checkboxes and text boxes, with Ctrl-B to go back and ? for help."""

    def __init__(self, out: TextIO, completions: list[str]) -> None:
        self.out = out
        self.completions = completions

    def say(self, text: str) -> None:
        """Print a paragraph between prompts."""
        self.out.write(text + "\n")
        self.out.flush()

    def ask(
        self, question: Question, position: Position, current: AnswerValue | None
    ) -> AnswerValue | Back | None:
        """Ask one question until it gets a valid answer, a skip, or Ctrl-B."""
        while True:
            reply = self._ask_kind(question, current)
            if reply == _HELP:
                self.say(wrap(question.help or "No extra help for this question.", "  "))
                continue
            if reply == _BACK:
                if not position.can_go_back:
                    self.say("  This is the first question.")
                    continue
                return BACK
            return reply  # type: ignore[no-any-return]  # checked by _ask_kind

    def review(self, rows: list[tuple[Question, str]]) -> int | None:
        """Show every answer; return the index of one to change, or None when all is right."""
        self.say("\n" + review_table(rows))

        def valid(text: str) -> bool | str:
            text = text.strip()
            if not text:
                return True
            if text.isdigit() and 1 <= int(text) <= len(rows):
                return True
            return f"Type a number from 1 to {len(rows)}, or press Enter if all is right"

        answer = _run(
            questionary.text(
                "Type a number to change that answer, or press Enter if all is right:",
                validate=valid,
                style=STYLE,
            )
        )
        if answer == _BACK or not str(answer).strip():
            return None if answer != _BACK else len(rows) - 1
        return int(str(answer).strip()) - 1

    # -- one prompt per kind ----------------------------------------------------------------

    def _ask_kind(self, question: Question, current: AnswerValue | None) -> Any:
        kind = question.kind
        message = question_text(question)
        if kind is QuestionKind.YES_NO:
            choices = [Choice("Yes", value=True), Choice("No", value=False)]
            return self._select(question, message, choices, current)
        if kind is QuestionKind.SINGLE:
            choices = [Choice(c.label, value=c.value) for c in question.choices or ()]
            return self._select(question, message, choices, current)
        if kind is QuestionKind.SCALE:
            low, high = question.bounds()
            choices = [Choice(scale_label(question, n), value=n) for n in range(low, high + 1)]
            return self._select(question, message, choices, current)
        if kind is QuestionKind.MULTIPLE:
            return self._checkbox(question, message, current)
        if kind is QuestionKind.TEXT_LIST:
            return self._text_list(question, message, current)
        return self._text(question, message, current)

    def _select(
        self, question: Question, message: str, choices: list[Choice], current: AnswerValue | None
    ) -> Any:
        default = next((c for c in choices if c.value == current), None)
        if not question.required:
            choices = [*choices, Choice("Skip this question", value=_SKIP)]
        prompt = questionary.select(
            message,
            choices=choices,
            default=default,
            style=STYLE,
            instruction="(arrows, Enter. Ctrl-B: back)",
        )
        reply = _run(prompt, help_key=True)
        return None if reply == _SKIP else reply

    def _checkbox(self, question: Question, message: str, current: AnswerValue | None) -> Any:
        selected = set(current) if isinstance(current, list) else set()
        options = question.choices or []
        choices = [Choice(c.label, value=c.value, checked=c.value in selected) for c in options]
        exclusive = {c.value for c in options if c.exclusive}

        def valid(values: list[str]) -> bool | str:
            if not values and question.required:
                return "Choose at least one (Space to tick), or the 'none' choice"
            try:
                check_typed(question, values)
            except SpinecheckError as err:
                return err.message
            return True

        prompt = questionary.checkbox(
            message,
            choices=choices,
            validate=valid,
            style=STYLE,
            instruction="(Space ticks, Enter when done. Ctrl-B: back)",
        )
        if exclusive:
            _make_exclusive(prompt, exclusive)
        values = _run(prompt, help_key=True)
        if values in (_BACK, _HELP):
            return values
        return check_typed(question, list(values)) if values else None

    def _text(self, question: Question, message: str, current: AnswerValue | None) -> Any:
        hint = "" if question.required else "  (Enter to skip)"
        unit = f" ({question.unit})" if question.unit else ""
        text = _run(
            questionary.text(
                f"{message}{unit}{hint}",
                default="" if current is None else str(current),
                validate=lambda typed: validation_message(question, typed),
                style=STYLE,
            )
        )
        if text in (_BACK,) or str(text).strip() == "?":
            return _HELP if text != _BACK else _BACK
        return check_typed(question, str(text))

    def _text_list(self, question: Question, message: str, current: AnswerValue | None) -> Any:
        items: list[str] = list(current) if isinstance(current, list) else []
        self.say(message)
        if items:
            self.say("  Your list so far: " + "; ".join(clean(i) for i in items))
            keep = _run(
                questionary.select(
                    "What would you like to do?",
                    choices=[
                        Choice("Keep this list", value="keep"),
                        Choice("Add more", value="add"),
                        Choice("Clear it and start again", value="clear"),
                    ],
                    style=STYLE,
                ),
                help_key=True,
            )
            if keep in (_BACK, _HELP):
                return keep
            if keep == "keep":
                return check_typed(question, items)
            if keep == "clear":
                items = []
        while len(items) < question.item_limit():
            label = "Add one (or press Enter when done):" if items else "Add one (Enter if none):"
            entry = _run(
                questionary.autocomplete(
                    label,
                    choices=self.completions,
                    validate=lambda typed: _entry_ok(question, typed),
                    style=STYLE,
                    match_middle=False,
                )
            )
            if entry == _BACK:
                if items:
                    removed = items.pop()
                    self.say(f"  Removed: {clean(removed)}")
                    continue
                return _BACK
            if str(entry).strip() == "?":
                return _HELP
            if not str(entry).strip():
                break
            items.append(str(entry).strip())
            self.say("  Added. Your list: " + "; ".join(clean(i) for i in items))
        return check_typed(question, items) if items else check_typed(question, None)


def _entry_ok(question: Question, typed: str) -> bool | str:
    if len(typed.strip()) > question.text_limit():
        return f"That is too long: at most {question.text_limit()} characters"
    return True


def _run(prompt: questionary.Question, *, help_key: bool = False) -> Any:
    """Run a prompt with Ctrl-B (back) and, in menus, ? (help) added; Ctrl-C raises."""
    keys = KeyBindings()

    @keys.add("c-b", eager=True)
    def _back(event: Any) -> None:
        event.app.exit(result=_BACK)

    if help_key:

        @keys.add("?", eager=True)
        def _help(event: Any) -> None:
            event.app.exit(result=_HELP)

    application = prompt.application
    application.key_bindings = merge_key_bindings(
        [application.key_bindings, keys] if application.key_bindings else [keys]
    )
    return prompt.unsafe_ask()


def _make_exclusive(prompt: questionary.Question, exclusive: set[str]) -> None:
    """Ticking 'none' clears the other ticks, and ticking another clears 'none'."""
    control = next(
        (
            window.content
            for window in prompt.application.layout.find_all_windows()
            if isinstance(window.content, InquirerControl)
        ),
        None,
    )
    if control is None:  # pragma: no cover - questionary changed its layout
        return
    keys = KeyBindings()

    @keys.add(" ", eager=True)
    def _toggle(event: Any) -> None:
        pointed = control.get_pointed_at().value
        if pointed in control.selected_options:
            control.selected_options.remove(pointed)
        elif pointed in exclusive:
            control.selected_options = [pointed]
        else:
            control.selected_options = [
                v for v in control.selected_options if v not in exclusive
            ] + [pointed]

    application = prompt.application
    current = application.key_bindings
    application.key_bindings = merge_key_bindings([current, keys] if current else [keys])
