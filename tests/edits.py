"""Editing a copy of the shipped questions.yaml in a test, sure that the edit happened.

A `str.replace` whose old text is no longer in the file (the file was reworded) changes nothing,
and the test then checks the shipped file instead of its mistake: this helper fails instead.
"""

from __future__ import annotations


def edit(text: str, old: str, new: str, count: int = 1) -> str:
    """`text` with the first `count` occurrences of `old` replaced; fails when `old` is absent."""
    assert old in text, f"the edit's old text is not in the file: {old[:80]!r}"
    return text.replace(old, new, count)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line where `fragment` first appears."""
    assert fragment in text, f"{fragment[:80]!r} is not in the text"
    return text[: text.index(fragment)].count("\n") + 1
