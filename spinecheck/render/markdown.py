"""Markdown: the summary for notes, wikis and emails (every text escaped)."""

from __future__ import annotations

import re

from spinecheck.clean import clean
from spinecheck.render.document import Block, Document, Item

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def escape(text: str) -> str:
    """Escape Markdown (and inline HTML) so patient text is shown exactly as typed."""
    return _SPECIAL.sub(r"\\\1", " ".join(clean(text).split()))


def _item(item: Item) -> list[str]:
    lines = [("- [ ] " if item.checkbox else "- ") + escape(item.title)]
    lines += [f"  - {escape(line)}" for line in item.lines]
    if item.sources:
        lines.append(f"  - *Sources: {escape(item.sources)}*")
    return lines


def _block(block: Block, urgent: bool) -> list[str]:
    if block.kind == "paragraph":
        text = escape(block.text)
        return [f"**{text}**" if block.emphasis or urgent else text, ""]
    if block.kind == "items":
        return [line for item in block.items for line in _item(item)] + [""]
    header = block.header if any(block.header) else ("", "")
    lines = ["| " + " | ".join(escape(h) or " " for h in header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in header) + "|")
    for row in block.rows:
        first, *rest = row
        cells = [f"**{escape(first)}**" if not any(block.header) else escape(first)]
        lines.append("| " + " | ".join(cells + [escape(c) for c in rest]) + " |")
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
    lines += ["---", "", f"*{escape(document.footer)}*"]
    return "\n".join(lines).rstrip() + "\n"
