"""Markdown: the summary for notes, wikis and emails (every text escaped)."""

from __future__ import annotations

import re

from spinecheck.clean import clean
from spinecheck.render.document import Block, Document, Item
from spinecheck.render.ours import MADE_WITH

_INLINE = re.compile(r"[\\`*\[\]<>~]|&(?=#?\w+;)|(?<!\w)_|_(?!\w)")
"""What can start markup anywhere in a line: code, emphasis, links, HTML, entities. An underscore
inside a word ("after_surgery") starts nothing and is left alone."""

_BLOCK_START = re.compile(r"^(?:[#>=]|[-+](?=\s|$)|\d+(?=[.)](?:\s|$)))")
"""What can start a heading, quote, list or underline, but only at the start of a line."""


def cell(text: str) -> str:
    """Escape text for a table cell, where a pipe would end the cell."""
    return escape(text).replace("|", "\\|")


def escape(text: str) -> str:
    """Escape Markdown (and inline HTML) so patient text is shown exactly as typed.

    Only what would be read as markup is escaped, so a summary pasted as plain text reads
    cleanly: full stops, hyphens, brackets and pluses mid-line stay as typed.
    """
    flat = _INLINE.sub(lambda found: "\\" + found.group(0), " ".join(clean(text).split()))
    start = _BLOCK_START.match(flat)
    if start is None:
        return flat
    if start.group(0).isdigit():  # "1. " or "1) " would start a numbered list
        end = start.end()
        return flat[:end] + "\\" + flat[end:]
    return "\\" + flat


def _item(item: Item) -> list[str]:
    lines = [("- [ ] " if item.checkbox else "- ") + escape(item.title)]
    lines += [f"  - {escape(line)}" for line in item.lines]
    if item.sources:
        lines.append(f"  - *{escape(item.sources_label)}: {escape(item.sources)}*")
    return lines


def _block(block: Block, urgent: bool) -> list[str]:
    if block.kind == "paragraph":
        text = escape(block.text)
        return [f"**{text}**" if block.emphasis or urgent else text, ""]
    if block.kind == "items":
        return [line for item in block.items for line in _item(item)] + [""]
    if not any(block.header):  # a table with no heads reads as a list of "label: value"
        return [
            f"- **{escape(first)}:** " + "; ".join(escape(c) for c in rest if c)
            for first, *rest in block.rows
        ] + [""]
    lines = ["| " + " | ".join(cell(h) for h in block.header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in block.header) + "|")
    for number, row in enumerate(block.rows):
        bold = number in block.strong or number in block.marked
        lines.append("| " + " | ".join(f"**{cell(c)}**" if bold and c else cell(c) for c in row)
                     + " |")  # fmt: skip
    return [*lines, ""]


def to_markdown(document: Document) -> str:
    """The summary as Markdown."""
    lines = [f"**{escape(document.header)}**", ""] if document.header else []
    if document.urgency.value == "emergency":
        lines += ["> # EMERGENCY", ""]
    lines += [f"# {escape(document.title)}", "", f"*{escape(document.subtitle)}*", ""]
    for section in document.sections:
        marker = "⚠ " if section.urgent else ""
        lines += [f"## {marker}{escape(section.title)}", ""]
        for block in section.blocks:
            lines += _block(block, section.urgent)
    lines += ["---", "", f"*{MADE_WITH}. {escape(document.footer)}*"]
    return "\n".join(lines).rstrip() + "\n"
