"""Plain text: 80 columns, no escape codes, for any printer; and cleaning of untrusted text."""

from __future__ import annotations

import textwrap
from functools import lru_cache

from spinecheck.assessment.report import Assessment
from spinecheck.clean import clean
from spinecheck.render.document import (
    Block,
    Document,
    Item,
    Section,
    urgency_banner,
    urgency_section,
)
from spinecheck.render.ours import MADE_WITH
from spinecheck.words import words_for

WIDTH = 80


@lru_cache(maxsize=4096)
def _wrap(text: str, first: str, rest: str, width: int = WIDTH) -> tuple[str, ...]:
    """Greedy word wrap (textwrap is several times slower, and batches wrap a lot of text).

    Remembered: a day's summaries repeat the same reasons and advice for many patients.
    """
    words = clean(text).split()
    if not words:
        return (first.rstrip(),)
    if max(map(len, words)) > width - len(rest):
        return tuple(_wrap_cutting(words, first, rest, width))
    # No word is longer than a line: break each line at its last space that fits.
    joined = " ".join(words)
    lines: list[str] = []
    prefix = first
    while len(prefix) + len(joined) > width:
        cut = joined.rfind(" ", 0, width - len(prefix) + 1)
        if cut < 0:  # a first word longer than a wider first prefix leaves: it stays whole
            cut = joined.find(" ")
            if cut < 0:
                break
        lines.append(prefix + joined[:cut])
        joined = joined[cut + 1 :]
        prefix = rest
    lines.append(prefix + joined)
    return tuple(lines)


def _wrap_cutting(words: list[str], first: str, rest: str, width: int) -> list[str]:
    """Word by word, cutting words longer than a whole line (pasted links, hostile text)."""
    lines: list[str] = []
    line, empty = first, True
    for word in words:
        while len(word) > width - len(rest):  # a word longer than a whole line is cut
            room = width - len(line) - (0 if empty else 1)
            if room > 0:
                line += ("" if empty else " ") + word[:room]
                word = word[room:]
            lines.append(line)
            line, empty = rest, True
        if empty:
            line, empty = line + word, False
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = rest + word
    if not empty:
        lines.append(line)
    return lines or [first.rstrip()]


def _item(item: Item, width: int = WIDTH) -> list[str]:
    first, rest = ("  [ ] ", "      ") if item.checkbox else ("  - ", "    ")
    lines = list(_wrap(item.title, first, rest, width))
    for line in item.lines:
        lines += _wrap(line, "      ", "      ", width)
    if item.sources:
        lines += _wrap(f"{item.sources_label}: {item.sources}", "      ", "      ", width)
    return lines


def _table(block: Block, page: int = WIDTH) -> list[str]:
    if not any(block.header):
        width = min(max((len(r[0]) for r in block.rows), default=0) + 2, 34, page // 2)
        lines: list[str] = []
        for key, value in block.rows:
            label = f"{clean(key)}:".ljust(width)
            lines += _wrap(value, "  " + label, " " * (width + 2), page)
        return lines
    columns = len(block.header)
    widths = [
        max(len(clean(row[i])) for row in (block.header, *block.rows)) for i in range(columns)
    ]
    budget = page - 2 - 2 * (columns - 1)
    while sum(widths) > budget:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    lines = []
    for number, row in enumerate((block.header, *block.rows), -1):
        if number in block.strong:  # no bold in plain text: a star marks the row
            row = ("* " + row[0], *row[1:])
        cells = [textwrap.wrap(clean(cell), widths[i]) or [""] for i, cell in enumerate(row)]
        for n in range(max(len(c) for c in cells)):
            parts = [(c[n] if n < len(c) else "").ljust(widths[i]) for i, c in enumerate(cells)]
            lines.append(("  " + "  ".join(parts)).rstrip())
        if row is block.header:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def _section(section: Section, width: int = WIDTH) -> list[str]:
    title = clean(section.title)
    if section.urgent:
        title = f"!! {title.upper()} !!"
    wrapped = _wrap(title, "", "", width)
    rule = ("=" if section.urgent else "-") * max(len(line) for line in wrapped)
    lines = ["", *wrapped, rule]
    for block in section.blocks:
        if block.kind == "paragraph":
            text = block.text.upper() if block.emphasis and section.urgent else block.text
            lines += _wrap(text, "", "", width)
        elif block.kind == "items":
            for item in block.items:
                lines += _item(item, width)
        else:
            lines += _table(block, width)
    return lines


def to_text(document: Document, width: int = WIDTH) -> str:
    """The summary as plain text wrapped at `width` (80 columns for printing)."""
    title = clean(document.title)
    lines = [*_wrap(document.header, "", "", width)] if document.header else []
    if document.urgency.value == "emergency":  # the heaviest mark plain text can print
        band = "#" * width
        shout = " ".join(urgency_banner("emergency", words_for(document.language)))
        lines += [band, "###" + shout.center(width - 6) + "###", band]
    lines += [title, "=" * min(len(title), width), *_wrap(document.subtitle, "", "", width)]
    for section in document.sections:
        lines += _section(section, width)
    lines += ["", *_wrap(f"{MADE_WITH}. {document.footer}", "", "", width)]
    return "\n".join(lines).rstrip() + "\n"


def urgency_text(assessment: Assessment, width: int = WIDTH) -> str:
    """The summary's first section alone (the emergency screen that stops the walk).

    Its message stays in ordinary letters on screen, which are easier to read than capitals.
    """
    section = urgency_section(assessment)
    calm = section._replace(blocks=tuple(b._replace(emphasis=False) for b in section.blocks))
    return "\n".join(_section(calm, width)).strip("\n") + "\n"
