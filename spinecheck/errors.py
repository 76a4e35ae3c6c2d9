"""The one user-facing error type: a problem in a file or an option that the user can fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

_INVISIBLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def visible(text: str) -> str:
    r"""Text from a file or keyboard made safe for a terminal, as escapes (\x1b, \u202e).

    Control characters, bidi marks and broken characters are shown, never sent to the screen.
    """
    return _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class Problem(NamedTuple):
    """One thing wrong with an input, located as precisely as we know."""

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    question: str | None = None

    def location(self) -> str:
        """Return `path:line:column` (as much of it as is known), the compiler format."""
        if self.path is None:
            return ""
        where = visible(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        where = self.location()
        message = visible(self.message)
        text = f"{where}: {message}" if where else message
        if self.hint:
            text += f"\n  hint: {visible(self.hint)}"
        return text


class SpinecheckError(Exception):
    """Bad input (questionnaire, answers or options): one or more problems, each with file and line.

    Build it from a single message, or from a list of `Problem`s when a file has several.
    """

    def __init__(
        self,
        message: str = "",
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        question: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        if problems is None:
            problems = [
                Problem(
                    message,
                    path=None if path is None else str(path),
                    line=line,
                    column=column,
                    hint=hint,
                    question=question,
                )
            ]
        if not problems:
            raise ValueError("SpinecheckError needs at least one problem")
        self.problems: list[Problem] = problems
        super().__init__(str(self))

    @property
    def first(self) -> Problem:
        """The first problem (the only one for single-message errors)."""
        return self.problems[0]

    @property
    def message(self) -> str:
        """The first problem's message."""
        return self.first.message

    @property
    def path(self) -> str | None:
        """The file of the first problem, if known."""
        return self.first.path

    @property
    def line(self) -> int | None:
        """The 1-based line of the first problem, if known."""
        return self.first.line

    @property
    def hint(self) -> str | None:
        """The first problem's hint."""
        return self.first.hint

    def __str__(self) -> str:
        text = "\n".join(str(problem) for problem in self.problems)
        if len(self.problems) > 1:
            text += f"\n{len(self.problems)} problems found."
        return text


def similar(word: str, options: list[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The known names closest to a misspelt one, for 'did you mean' hints (difflib, lazily)."""
    import difflib

    return difflib.get_close_matches(word, options, n=n, cutoff=cutoff)
