"""The arrow-key prompts, built on prompt_toolkit's public API (the only prompt_toolkit user).

Every prompt wraps its text to the window's width each time it is drawn, so nothing is cut
when the window is narrow or changes size. No answer is highlighted until the patient moves
to one (a stray Enter chooses nothing); an answer given before starts highlighted.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from prompt_toolkit.application import Application, create_app_session, get_app
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import CompleteEvent, WordCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.key_binding.defaults import load_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import (
    Dimension,
    Float,
    FloatContainer,
    HSplit,
    Layout,
    Window,
)
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.layout.menus import CompletionsMenu
from prompt_toolkit.layout.processors import BeforeInput
from prompt_toolkit.output import create_output
from prompt_toolkit.styles import Style

from spinecheck.clean import clean_line
from spinecheck.errors import SpinecheckError
from spinecheck.medicines.matching import split_entry
from spinecheck.questionnaire.answering import NOT_SURE
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import QuestionKind
from spinecheck.walk.logic import BACK, Back, Keep, Shown
from spinecheck.walk.wording import (
    check_typed,
    fit_width,
    keys_hint,
    problem_text,
    review_lines,
    stream_width,
    wrap,
    wrap_text,
)
from spinecheck.words import ENGLISH, Words

KEYS_HINT = (
    "How to answer: the up and down arrows move, Enter chooses, Space ticks a box. For yes or "
    "no, press y or n, then Enter. Ctrl-B goes back to the last question, ? shows help, and "
    "Ctrl-C stops (your answers are kept)."
)

STYLE = Style.from_dict(
    {
        "progress": "bold",
        "question": "bold",
        "pointer": "reverse",
        "problem": "bold",
        "answer": "bold",
    }
)

MENU_LIMIT = 20
"""Scales with more steps than this are typed as a number rather than chosen from a menu."""

_SKIP = "\x00skip"
_BACK = "\x00back"
_REMOVE = "\x00remove"

Lines = list[tuple[str, str]]
"""Lines of a prompt's text, each with its style class."""


@contextlib.contextmanager
def terminal_session(*, to_stderr: bool) -> Iterator[None]:
    """Send prompts to stderr when stdout is redirected, so the patient still sees them."""
    if to_stderr:
        with create_app_session(output=create_output(stdout=sys.stderr)):
            yield
    else:
        yield


def _width() -> int:
    return fit_width(get_app().output.get_size().columns)


def _fragments(lines: Lines) -> StyleAndTextTuples:
    fragments: StyleAndTextTuples = []
    for style, text in lines:
        fragments += [(style, text), ("", "\n")]
    return fragments[:-1]


def _header(shown: Shown, width: int) -> Lines:
    lines: Lines = []
    if shown.intro:
        lines += [("", line) for line in wrap(shown.intro, width)] + [("", "")]
    lines += [("class:progress", line) for line in wrap(shown.progress, width)]
    lines += [("class:question", line) for line in wrap(shown.text, width)]
    return lines


def _interrupt(event: KeyPressEvent) -> None:
    event.app.exit(exception=KeyboardInterrupt(), style="class:aborting")


def _common_keys(
    can_go_back: bool, say: Callable[[str], None], words: Words = ENGLISH
) -> KeyBindings:
    """Ctrl-C stops; Ctrl-B goes back (and leaves nothing of this prompt on the screen)."""
    keys = KeyBindings()
    keys.add("c-c", eager=True)(_interrupt)
    # Pasted or typed escape codes ("\x1b[31m") can read as mouse reports: never act on them.
    keys.add(Keys.Vt100MouseEvent, eager=True)(lambda event: None)

    @keys.add("c-b", eager=True)
    def _back(event: KeyPressEvent) -> None:
        if can_go_back:
            event.app.erase_when_done = True
            event.app.exit(result=_BACK)
        else:
            say(words("This is the first question."))

    return keys


def _rows() -> int:
    return max(1, get_app().output.get_size().rows)


def _line_count(fragments: StyleAndTextTuples) -> int:
    return sum(text.count("\n") for _, text, *_ in fragments) + 1 if fragments else 0


class _Stack:
    """A fixed text above, a part that scrolls, a fixed text below, within the window's rows.

    The text above (the question) and below (the keys, a problem) never scroll away; the part
    between (a long list of answers) scrolls with its pointer. In a window too short for both
    fixed texts, the one below keeps at least one row free for the list.
    """

    def __init__(
        self,
        top: Callable[[], StyleAndTextTuples],
        middle: BufferControl | FormattedTextControl,
        bottom: Callable[[], StyleAndTextTuples],
    ) -> None:
        self.top, self.bottom = top, bottom
        self.windows = [
            Window(FormattedTextControl(top), wrap_lines=True, dont_extend_height=True,
                   height=lambda: Dimension.exact(self._heights()[0])),
            Window(middle, wrap_lines=True, dont_extend_height=True, height=self._middle),
            Window(FormattedTextControl(bottom), wrap_lines=True, dont_extend_height=True,
                   height=lambda: Dimension.exact(self._heights()[1])),
        ]  # fmt: skip

    def _heights(self) -> tuple[int, int]:
        rows = _rows()
        below = min(_line_count(self.bottom()), max(0, rows - 1))
        above = min(_line_count(self.top()), max(0, rows - below - 1))
        return above, below

    def _middle(self) -> Dimension:
        if get_app().is_done:
            return Dimension(min=0)
        above, below = self._heights()
        return Dimension(min=1, max=max(1, _rows() - above - below))


class _Paged:
    """Lines longer than the window, shown a page at a time (PageUp and PageDown move)."""

    def __init__(self, lines: Callable[[int], Lines]) -> None:
        self.lines = lines
        self.page = 0

    def view(self, width: int, height: int) -> tuple[Lines, int, int]:
        """The lines of the current page, its number and the number of pages.

        A page ends at a paragraph's end (a blank line) when one is in its lower half, so a
        paragraph is read whole where it can be.
        """
        every = self.lines(width)
        height = max(1, height)
        starts: list[int] = []
        start = 0
        while start < len(every) or not starts:
            while start < len(every) - 1 and not every[start][1].strip():
                start += 1  # a page never starts with a blank line
            starts.append(start)
            end = start + height
            if end < len(every):
                blanks = [i for i in range(start + height // 2, end) if not every[i][1].strip()]
                end = blanks[-1] + 1 if blanks else end
            start = end
        self.page = max(0, min(self.page, len(starts) - 1))  # the window may have grown
        first = starts[self.page]
        last = starts[self.page + 1] if self.page + 1 < len(starts) else len(every)
        return every[first:last], self.page + 1, len(starts)

    def move(self, step: int) -> None:
        self.page = max(0, self.page + step)  # the end is kept by view()


def _page_words(page: int, pages: int, what: str, words: Words = ENGLISH) -> str:
    if pages == 1:
        return ""
    more = words("PageDown: next page.") + " " if page < pages else ""
    back = words("PageUp: page before.") if page > 1 else ""
    where = words("Page {page} of {pages} of {what}.", page=page, pages=pages, what=what)
    return f"{where} {more}{back}".strip()


_MORE = "More answers are above or below: use the arrows to see them all."


class _Menu:
    """One list of answers to move through: a single choice, or boxes to tick."""

    def __init__(
        self,
        header: Callable[[int], Lines],
        options: list[tuple[Any, str]],
        *,
        multiple: bool = False,
        pointer: int | None = None,
        ticked: list[Any] | None = None,
        exclusive: frozenset[Any] = frozenset(),
        letters: dict[str, int] | None = None,
        hint: str = "",
        help_text: str | None = None,
        can_go_back: bool = False,
        check: Callable[[list[Any]], str | None] | None = None,
        nothing_chosen: str = "",
        erase: bool = False,
        erase_for: frozenset[Any] = frozenset(),
        numbers: dict[int, int] | None = None,
        words: Words = ENGLISH,
    ) -> None:
        self.header = header
        self.words = words
        self.options = options
        self.numbers = numbers or {}
        """Numbers that can be typed, and the option each moves to (a scale)."""
        self.digits = ""
        self.erase_for = erase_for
        """Answers that leave nothing of the prompt on the screen (an emergency yes, read back
        next: if it was a mistake, no "Answer: Yes" stays behind)."""
        self.multiple = multiple
        self.pointer = pointer
        self.ticked = list(ticked or [])
        self.exclusive = exclusive
        self.letters = letters or {}
        self.hint = hint
        self.help_text = help_text
        self.can_go_back = can_go_back
        self.check = check
        self.nothing_chosen = nothing_chosen or words(
            "Use the up and down arrows to choose an answer, then press Enter."
        )
        self.erase = erase
        self.message = ""
        self.showing_help = False
        self.answered: str | None = None

    def say(self, text: str) -> None:
        self.message = text

    def _top(self) -> StyleAndTextTuples:
        """The question (and, once answered, the answer): it never scrolls away."""
        width = _width()
        lines = self.header(width)
        if get_app().is_done and self.answered is not None:
            lines += [("class:answer", line) for line in wrap(self.answered, width, "  ")]
        return _fragments(lines)

    def _choices(self) -> StyleAndTextTuples:
        """The answers to move through; a list longer than the window scrolls with the pointer."""
        if get_app().is_done:
            return []
        width = _width()
        fragments: StyleAndTextTuples = []
        for index, (value, label) in enumerate(self.options):
            pointed = index == self.pointer
            marker = "> " if pointed else "  "
            if self.multiple and value != _SKIP:
                marker += "[x] " if value in self.ticked else "[ ] "
            rows = wrap(label, width, marker, " " * len(marker))
            style = "class:pointer" if pointed else ""
            if pointed:
                fragments.append(("[SetCursorPosition]", ""))
            for row in rows:
                fragments += [(style, row), ("", "\n")]
        return fragments[:-1]

    def _bottom(self) -> StyleAndTextTuples:
        """The keys to use, help and any problem: always in view below the answers."""
        if get_app().is_done:
            return []
        width = _width()
        extra: Lines = [("class:hint", line) for line in wrap(self.hint, width)]
        room = _rows() - _line_count(self._top()) - len(extra) - 1
        if _line_count(self._choices()) > room:  # some answers are out of sight: say so
            extra = [("class:hint", line) for line in wrap(self.words(_MORE), width)] + extra
        if self.showing_help:
            extra += [("", line) for line in wrap(self.help_text or "", width, "  ")]
        if self.message:
            extra += [("class:problem", line) for line in wrap(self.message, width)]
        return _fragments(extra)

    def _move(self, step: int) -> None:
        # From nothing highlighted, Down and End count from just above the first answer, Up and
        # Home from just below the last.
        start = self.pointer
        if start is None:
            start = -1 if step > 0 else len(self.options)
        self.pointer = max(0, min(len(self.options) - 1, start + step))
        self.message = ""

    def _toggle(self) -> None:
        if self.pointer is None:
            self.message = self.words("Use the up and down arrows to move to an answer first.")
            return
        value = self.options[self.pointer][0]
        if value == _SKIP:
            return
        if value in self.ticked:
            self.ticked.remove(value)
        elif value in self.exclusive:
            self.ticked = [value]
        else:
            self.ticked = [v for v in self.ticked if v not in self.exclusive] + [value]
        self.message = ""

    def run(self) -> Any:
        keys = _common_keys(self.can_go_back, self.say, self.words)
        keys.add("up")(lambda event: self._move(-1))
        keys.add("down")(lambda event: self._move(1))
        keys.add("pageup")(lambda event: self._move(-5))
        keys.add("pagedown")(lambda event: self._move(5))
        keys.add("home")(lambda event: self._move(-len(self.options)))
        keys.add("end")(lambda event: self._move(len(self.options)))
        if self.multiple:
            keys.add(" ")(lambda event: self._toggle())
        for letter, index in self.letters.items():

            def choose(event: KeyPressEvent, index: int = index) -> None:
                self.pointer = index
                self.message = ""

            keys.add(letter)(choose)
            keys.add(letter.upper())(choose)

        for digit in "0123456789" if self.numbers else "":

            def typed(event: KeyPressEvent, digit: str = digit) -> None:
                both = self.digits + digit
                if self.digits and int(both) in self.numbers:  # '1' then '0': 10
                    self.pointer, self.digits = self.numbers[int(both)], ""
                elif int(digit) in self.numbers:
                    self.pointer, self.digits = self.numbers[int(digit)], digit
                self.message = ""

            keys.add(digit)(typed)

        @keys.add("?")
        def _help(event: KeyPressEvent) -> None:
            if self.help_text:
                self.showing_help = not self.showing_help
            else:
                self.message = self.words("There is no extra help for this question.")

        @keys.add("enter")
        def _enter(event: KeyPressEvent) -> None:
            pointed = None if self.pointer is None else self.options[self.pointer]
            if self.multiple and (pointed is None or pointed[0] != _SKIP):
                problem = self.check(self.ticked) if self.check else None
                if problem:
                    self.message = problem
                    return
                if not self.ticked:  # nothing ticked is not an answer ("no allergies"): ask
                    skip = any(value == _SKIP for value, _ in self.options)
                    self.message = (
                        self.words(
                            "Nothing is ticked yet. Tick what fits with Space, or move to "
                            "'Skip this question' and press Enter."
                        )
                        if skip
                        else self.words("Nothing is ticked yet. Tick what fits with Space.")
                    )
                    return
                labels = [label for value, label in self.options if value in self.ticked]
                self.answered = self.words("Answer: {answer}", answer="; ".join(labels))
                event.app.exit(result=list(self.ticked))
                return
            if pointed is None:
                self.message = self.nothing_chosen
                return
            self.answered = self.words("Answer: {answer}", answer=pointed[1])
            if pointed[0] in self.erase_for:
                event.app.erase_when_done = True
            event.app.exit(result=pointed[0])

        # Unbound keys are ignored (typed letters, pasted text): they never choose an answer.
        keys.add(Keys.Any)(lambda event: None)
        choices = FormattedTextControl(self._choices, focusable=True, show_cursor=False)
        stack = _Stack(self._top, choices, self._bottom)
        application: Application[Any] = Application(
            layout=Layout(HSplit(stack.windows), focused_element=stack.windows[1]),
            key_bindings=merge_key_bindings([load_key_bindings(), keys]),
            style=STYLE,
            full_screen=False,
            mouse_support=False,
            erase_when_done=self.erase,
        )
        return application.run()


class _Entry:
    """One line of typed text, with its question above and any problem below."""

    def __init__(
        self,
        header: Callable[[int], Lines],
        *,
        hint: str,
        default: str = "",
        help_text: str | None = None,
        can_go_back: bool = False,
        check: Callable[[str], str | None] | None = None,
        completions: list[str] | None = None,
        remove: bool = False,
        erase: bool = False,
        paste_joiner: str = " ",
        pages: _Paged | None = None,
        pages_of: str = "",
        words: Words = ENGLISH,
    ) -> None:
        self.header = header
        self.words = words
        self.pages = pages
        """Lines shown above the question a page at a time (the review of every answer)."""
        self.pages_of = pages_of
        self.hint = hint
        self.help_text = help_text
        self.can_go_back = can_go_back
        self.check = check
        self.message = ""
        self.showing_help = False
        self.remove = remove
        self.erase = erase
        self.paste_joiner = paste_joiner
        self.completer = (
            WordCompleter(completions, ignore_case=True, sentence=True) if completions else None
        )
        completer = self.completer
        self.asked_about: str | None = None
        self.buffer = Buffer(
            document=None, multiline=False, completer=completer, complete_while_typing=True
        )
        self.buffer.text = default
        self.buffer.cursor_position = len(default)

    def say(self, text: str) -> None:
        self.message = text

    def _take_suggestion(self) -> bool:
        """Before Enter keeps typed text, what the suggestions shown say; False: ask first.

        One name shown for what was typed ('pregab': pregabalin) is taken, as it was shown.
        Several shown ('oxy') ask to pick one; Enter again keeps what was typed.
        """
        text = self.buffer.text
        if self.completer is None or not text.strip():
            return True
        event = CompleteEvent(completion_requested=True)
        found = self.completer.get_completions(Document(text, len(text)), event)  # all of it
        names = list({c.text.lower(): c.text for c in found}.values())  # one of each name
        if any(name.lower() == text.strip().lower() for name in names):
            return True  # typed in full
        if len(names) == 1:
            self.buffer.text = names[0]
            self.buffer.cursor_position = len(names[0])
            return True
        if len(names) > 1 and self.asked_about != text:
            self.asked_about = text
            shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
            self.message = self.words(
                "Several medicines start like that ({names}). Use the down arrow to pick one, "
                "or press Enter again to keep what you typed.",
                names=shown,
            )
            return False
        return True

    def _above(self) -> StyleAndTextTuples:
        width = _width()
        lines = self.header(width)
        if get_app().is_done:
            return _fragments(lines)
        hint = self.hint
        if self.pages is not None:
            below = _line_count(self._below())
            longest = _page_words(10, 11, self.pages_of, self.words)
            fixed = len(lines) + len(wrap(f"{longest} {hint}", width))
            shown, page, pages = self.pages.view(width, _rows() - fixed - below - 1)
            where = _page_words(page, pages, self.pages_of, self.words)
            hint = " ".join(x for x in (where, hint) if x)
            lines = shown + lines
        lines += [("class:hint", line) for line in wrap(hint, width)] if hint else []
        return _fragments(lines)

    def _below(self) -> StyleAndTextTuples:
        if get_app().is_done:
            return []
        width = _width()
        lines: Lines = []
        if self.showing_help:
            lines += [("", line) for line in wrap(self.help_text or "", width, "  ")]
        if self.message:
            lines += [("class:problem", line) for line in wrap(self.message, width)]
        return _fragments(lines)

    def run(self) -> str:
        keys = _common_keys(self.can_go_back, self.say, self.words)

        @keys.add("enter")
        def _enter(event: KeyPressEvent) -> None:
            state = self.buffer.complete_state
            picked = state is not None and state.current_completion is not None
            self.buffer.complete_state = None  # a picked suggestion is in the text already
            if not picked and not self._take_suggestion():
                return
            text = self.buffer.text
            problem = self.check(text) if self.check else None
            if problem:
                self.message = problem
                return
            event.app.erase_when_done = self.erase
            event.app.exit(result=text)

        @keys.add("?", filter=Condition(lambda: not self.buffer.text))
        def _help(event: KeyPressEvent) -> None:
            if self.help_text:
                self.showing_help = not self.showing_help
            else:
                self.message = self.words("There is no extra help for this question.")

        @keys.add(Keys.BracketedPaste)
        def _paste(event: KeyPressEvent) -> None:
            # Pasted text never brings control characters or escape codes into the answer.
            parts = [clean_line(part) for part in event.data.replace("\r", "\n").split("\n")]
            self.buffer.insert_text(self.paste_joiner.join(p for p in parts if p))

        if self.pages is not None:
            paged = self.pages
            keys.add("pageup")(lambda event: paged.move(-1))
            keys.add("pagedown")(lambda event: paged.move(1))

        if self.remove:

            @keys.add("c-x", eager=True)
            def _remove(event: KeyPressEvent) -> None:
                event.app.erase_when_done = True
                event.app.exit(result=_REMOVE)

        above = Window(FormattedTextControl(self._above), wrap_lines=True, dont_extend_height=True)
        line = Window(
            BufferControl(self.buffer, input_processors=[BeforeInput("> ")]),
            wrap_lines=True,
            dont_extend_height=True,
        )
        below = Window(FormattedTextControl(self._below), wrap_lines=True, dont_extend_height=True)
        root = FloatContainer(
            HSplit([above, line, below]),
            floats=[Float(xcursor=True, ycursor=True, content=CompletionsMenu(max_height=6))],
        )
        application: Application[str] = Application(
            layout=Layout(root, focused_element=line),
            key_bindings=merge_key_bindings([load_key_bindings(), keys]),
            style=STYLE,
            full_screen=False,
            mouse_support=False,
        )
        return application.run()


class ArrowKeyAsker:
    """Arrow-key menus, boxes to tick and text lines, with Ctrl-B to go back and ? for help."""

    def __init__(self, out: TextIO, completions: list[str] | Callable[[], list[str]]) -> None:
        self.out = out
        self._completions = completions
        self.words: Words = ENGLISH
        """The walk's own words, in the patient's language (set once it is known)."""

    @property
    def keys_text(self) -> str:
        """The keys paragraph of the welcome screen."""
        return self.words(KEYS_HINT)

    @property
    def completions(self) -> list[str]:
        """The medicine names offered as they are typed.

        A function given instead is called on first use: the medicine index is built when the
        medicine question comes, not at start-up.
        """
        if callable(self._completions):
            self._completions = self._completions()
        return self._completions

    def say(self, text: str) -> None:
        """Print a paragraph between prompts, wrapped to the window."""
        self.out.write(wrap_text(text, stream_width(self.out)) + "\n")
        self.out.flush()

    def welcome(self, paragraphs: list[str], stays: str) -> None:
        """Show the first screen, a page at a time, until Enter is pressed on its last page.

        Nothing is asked before the patient has had the time to read it all (at 40x20 it is
        two pages); afterwards only `stays` (what to do in an emergency) is left on screen.
        """
        words = self.words
        text = _Paged(
            lambda width: [("", line) for line in wrap_text("\n\n".join(paragraphs), width)
                           .split("\n")]
        )  # fmt: skip
        at_end = False

        def page() -> tuple[Lines, Lines]:
            """The page shown, and the keys under it."""
            nonlocal at_end
            width = _width()
            longest = " ".join([
                words("Page {page} of {pages}.", page=10, pages=10),
                words("Press Enter to see the next page."),
                words("PageUp: page before."),
            ])  # fmt: skip
            shown, number, pages = text.view(width, _rows() - len(wrap(longest, width)))
            at_end = number == pages
            hint = (
                words("Page {page} of {pages}.", page=number, pages=pages) + " "
                if pages > 1
                else ""
            )
            hint += (
                words("Press Enter to start the questions.")
                if at_end
                else words("Press Enter to see the next page.")
            )
            hint += " " + words("PageUp: page before.") if number > 1 else ""
            return shown, [("class:hint", line) for line in wrap(hint, width)]

        def body() -> StyleAndTextTuples:
            if get_app().is_done:
                return _fragments([("", line) for line in wrap(stays, _width())])
            return _fragments(page()[0])

        def bottom() -> StyleAndTextTuples:
            return [] if get_app().is_done else _fragments(page()[1])

        keys = _common_keys(False, lambda text: None, words)

        @keys.add("enter")
        def _enter(event: KeyPressEvent) -> None:
            if at_end:
                event.app.exit(result=None)
            else:
                text.move(1)

        keys.add("pagedown")(lambda event: text.move(1))
        keys.add(" ")(lambda event: text.move(1))
        keys.add("pageup")(lambda event: text.move(-1))
        keys.add(Keys.Any)(lambda event: None)  # a typed letter does nothing
        layout = HSplit([
            Window(FormattedTextControl(body, focusable=True, show_cursor=False),
                   wrap_lines=True, dont_extend_height=True),
            Window(FormattedTextControl(bottom), wrap_lines=True, dont_extend_height=True),
        ])  # fmt: skip
        application: Application[None] = Application(
            layout=Layout(layout),
            key_bindings=merge_key_bindings([load_key_bindings(), keys]),
            style=STYLE,
            full_screen=False,
            mouse_support=False,
        )
        application.run()

    def ask(self, shown: Shown, keep: Keep) -> AnswerValue | Back | None:
        """Ask one question until it gets a valid answer, a skip, or Ctrl-B."""
        question = shown.question
        kind = question.kind
        words = self.words
        hint = keys_hint(
            question, can_go_back=shown.can_go_back, has_help=bool(shown.help), words=words
        )

        def header(width: int) -> Lines:
            return _header(shown, width)

        if kind is QuestionKind.TEXT_LIST:
            return self._ask_list(shown, keep, hint)
        low, high = question.bounds() if kind is QuestionKind.SCALE else (0, 0)
        if high - low > MENU_LIMIT:  # a scale too long for a menu is typed as a number
            hint = words(
                "Type a whole number from {low} to {high}, then press Enter.", low=low, high=high
            )
        if kind in (QuestionKind.TEXT, QuestionKind.INTEGER) or high - low > MENU_LIMIT:

            def check(text: str) -> str | None:
                try:
                    check_typed(question, text)
                except SpinecheckError as err:
                    return problem_text(question, err, words)
                return None

            typed = _Entry(
                header,
                hint=hint,
                default="" if shown.current is None else str(shown.current),
                help_text=shown.help,
                can_go_back=shown.can_go_back,
                check=check,
                words=words,
            ).run()
            if typed == _BACK:
                return BACK
            value = check_typed(question, typed)
            if value is not None and question.unit and str(value) != typed.strip():
                # '5 ft 6' is read as 168 cm
                self.say("  " + words("Recorded: {answer}", answer=f"{value} {question.unit}"))
            return value
        options: list[tuple[Any, str]]
        letters: dict[str, int] = {}
        numbers: dict[int, int] = {}
        current: Any = shown.current
        if kind is QuestionKind.YES_NO:
            options = [(True, words("Yes")), (False, words("No"))]
            letters = {words.yes_key: 0, words.no_key: 1}
            if question.unsure:  # 'not sure' is read as yes (decision 15)
                options.append((NOT_SURE, shown.choices[-1][1]))
                if words.unsure_key:  # Spanish has none: 's' is sí, and the arrows reach it
                    letters[words.unsure_key] = 2
        elif kind is QuestionKind.SCALE:
            low, high = question.bounds()
            options = [(n, _scale_label(shown, n, low, high)) for n in range(low, high + 1)]
            # a typed number moves to it ('7', or '1' then '0' for 10); Enter still chooses
            numbers = {n: i for i, n in enumerate(range(low, high + 1))}
        else:
            options = list(shown.choices)
        if not question.required:  # skipping is a choice of its own, never an empty Enter
            options.append((_SKIP, words("Skip this question")))
        pointer = next((i for i, (v, _) in enumerate(options) if v == current), None)
        multiple = kind is QuestionKind.MULTIPLE

        def check_ticks(values: list[Any]) -> str | None:
            try:
                check_typed(question, values or None)
            except SpinecheckError as err:
                return problem_text(question, err, words)
            return None

        reply = _Menu(
            header,
            options,
            multiple=multiple,
            pointer=pointer if not multiple else None,
            ticked=list(current) if multiple and isinstance(current, list) else None,
            exclusive=frozenset(c.value for c in question.choices or () if c.exclusive),
            letters=letters,
            hint=hint,
            help_text=shown.help,
            can_go_back=shown.can_go_back,
            check=check_ticks,
            erase_for=frozenset((True, NOT_SURE)) if shown.read_back else frozenset(),
            numbers=numbers,
            nothing_chosen=(
                words("Nothing is chosen yet.")
                + " "
                + keys_hint(question, can_go_back=False, has_help=False, words=words)
                if kind is QuestionKind.YES_NO
                else words("Nothing is chosen yet. Use the up and down arrows, then press Enter.")
            ),
            words=words,
        ).run()
        if reply == _BACK:
            return BACK
        if reply == _SKIP:
            return None
        if multiple:
            return check_typed(question, reply or None)
        return check_typed(question, reply)

    def _ask_list(self, shown: Shown, keep: Keep, hint: str) -> AnswerValue | Back | None:
        """A list typed one entry at a time; each entry is saved as soon as it is added."""
        question = shown.question
        words = self.words
        items: list[str] = list(shown.current) if isinstance(shown.current, list) else []
        note = ""

        def header(width: int) -> Lines:
            lines = _header(shown, width)
            listed = "; ".join(items) if items else words("(none yet)")
            mine = words("Your list: {items}", items=listed)
            lines += [("", line) for line in wrap(mine, width, "  ", "    ")]
            if note:
                lines += [("", line) for line in wrap(note, width, "  ")]
            return lines

        def check(text: str) -> str | None:
            for entry in split_entry(text):
                if len(entry) > question.text_limit():
                    return words(
                        "That is too long. Please use at most {limit} letters.",
                        limit=question.text_limit(),
                    )
            return None

        while True:
            typed = _Entry(
                header,
                hint=hint,
                help_text=shown.help,
                can_go_back=shown.can_go_back,
                check=check,
                completions=self.completions,
                remove=True,
                erase=True,
                paste_joiner="; ",
                words=words,
            ).run()
            if typed == _BACK:
                return BACK
            if typed == _REMOVE:
                note = (
                    words("Removed: {item}", item=items.pop())
                    if items
                    else words("The list is empty.")
                )
                keep(list(items) or None)
                continue
            if not typed.strip():
                break
            entries = split_entry(typed)
            if len(entries) > 1 and not self._confirm_split(entries):
                entries = [clean_line(typed)]
            room = question.item_limit() - len(items)
            items += [clean_line(entry) for entry in entries[:room]]
            note = words("Added: {items}", items="; ".join(entries[:room]))
            if len(entries) > room:
                note += ". " + words(
                    "The list is full ({limit} entries).", limit=question.item_limit()
                )
            keep(list(items) or None)
        self.say(
            words("Your medicines: {items}", items="; ".join(items) if items else words("none"))
        )
        return check_typed(question, items or None)

    def _confirm_split(self, entries: list[str]) -> bool:
        def header(width: int) -> Lines:
            lines: Lines = [
                ("class:question", words("We read this as {count} medicines:", count=len(entries)))
            ]
            for number, entry in enumerate(entries, 1):
                lines += [("", line) for line in wrap(f"{number}. {entry}", width, "  ", "     ")]
            return lines

        words = self.words
        reply = _Menu(
            header,
            [(True, words("Yes, add them as separate medicines")),
             (False, words("No, keep it as one entry"))],
            pointer=0,
            letters={words.yes_key: 0, words.no_key: 1},
            hint=words("Press y or n, then Enter."),
            words=words,
        ).run()  # fmt: skip
        return reply is True or reply == _BACK

    def confirm_emergency(self, question_text: str, action: str, unsure: str = "") -> bool | Back:
        """Read back the emergency yes (or 'not sure'); only a confirmed answer stops the walk.

        Ctrl-B goes back to the question.
        """
        words = self.words
        said = words("not sure") if unsure else words("yes")
        answered = words("You answered {said} to: {question}", said=said, question=question_text)

        def header(width: int) -> Lines:
            lines: Lines = [
                ("class:question", line) for line in wrap(words("Please check:"), width)
            ]
            lines += [("", line) for line in wrap(answered, width)]
            if unsure:
                lines += [("", line) for line in wrap(unsure, width)]
            lines += [("class:question", line) for line in wrap(action, width)]
            return lines

        reply = _Menu(
            header,
            [(True, words("Yes, that is right")),
             (False, words("No, that was a mistake: let me answer again"))],
            letters={words.yes_key: 0, words.no_key: 1},
            hint=words("Press y or n, then Enter. Ctrl-B: back to the question."),
            nothing_chosen=words("Press y if that is right, or n if it was a mistake, then Enter."),
            erase=True,
            can_go_back=True,
            words=words,
        ).run()  # fmt: skip
        return BACK if reply == _BACK else reply is True

    def choose(self, text: str, options: list[tuple[str, str]], default: str | None) -> str:
        """Ask the patient to pick one of a few options (the default starts highlighted).

        Without a default nothing is highlighted, so Enter alone chooses nothing.
        """

        def header(width: int) -> Lines:
            return [("class:question", line) for line in wrap(text, width)]

        pointer = next((i for i, (v, _) in enumerate(options) if v == default), None)
        while True:
            reply = _Menu(
                header,
                list(options),
                pointer=pointer,
                hint=self.words("Up and down arrows choose. Enter."),
                words=self.words,
            ).run()
            if reply != _BACK:
                return str(reply)
            if default is not None:
                return default

    def review(self, rows: list[tuple[str, str]]) -> int | None:
        """Show every answer, a page at a time; return the index of one to change, or None."""
        words = self.words
        table = _Paged(lambda width: [("", line) for line in review_lines(rows, width, words)])

        def check(text: str) -> str | None:
            text = text.strip()
            if not text or (text.isdigit() and 1 <= int(text) <= len(rows)):
                return None
            return words(
                "Please type a number from 1 to {count}, or press Enter if all is right.",
                count=len(rows),
            )

        def header(width: int) -> Lines:
            return [
                ("class:question", line)
                for line in wrap(
                    words("Type a number to change that answer, or press Enter if all is right."),
                    width,
                )
            ]

        typed = _Entry(
            header, hint="", check=check, can_go_back=True, pages=table,
            pages_of=words("your answers"), erase=True, words=words,
        ).run()  # fmt: skip
        if typed == _BACK:
            return len(rows) - 1
        typed = typed.strip()
        return int(typed) - 1 if typed else None


def _scale_label(shown: Shown, number: int, low: int, high: int) -> str:
    if number == low and shown.low_label:
        return f"{number} - {shown.low_label}"
    if number == high and shown.high_label:
        return f"{number} - {shown.high_label}"
    return str(number)
