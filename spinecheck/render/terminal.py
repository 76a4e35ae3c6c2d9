"""The patient summary on a terminal, with Rich (every text goes in as Text: no markup parsed)."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinecheck.model import Urgency
from spinecheck.render.document import Block, Document, Item
from spinecheck.render.plain import clean

URGENCY_STYLES = {
    Urgency.EMERGENCY: "bold white on red",
    Urgency.SAME_DAY: "bold red",
    Urgency.SOON: "bold yellow",
    Urgency.ROUTINE: "bold green",
}


def _text(text: str, style: str = "") -> Text:
    return Text(" ".join(clean(text).split()), style=style)


def _item(item: Item) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, no_wrap=True)
    grid.add_column()
    body = [_text(item.title, "" if item.checkbox else "bold")]
    body += [_text(line) for line in item.lines]
    if item.sources:
        body.append(_text(f"Sources: {item.sources}", "dim italic"))
    grid.add_row(Text("[ ]" if item.checkbox else " •"), Group(*body))
    return grid


def _block(block: Block) -> RenderableType:
    if block.kind == "paragraph":
        return _text(block.text, "bold" if block.emphasis else "")
    if block.kind == "items":
        return Group(*(_item(i) for i in block.items))
    headed = any(block.header)
    grid = Table(show_header=headed, box=None, padding=(0, 2, 0, 0), header_style="bold")
    for index, name in enumerate(block.header):
        grid.add_column(clean(name), style="bold" if not headed and index == 0 else "")
    for row in block.rows:
        grid.add_row(*(_text(cell) for cell in row))
    return grid


def build_renderable(document: Document) -> RenderableType:
    """The summary as one Rich renderable (never printed here)."""
    parts: list[RenderableType] = [
        _text(document.title, "bold"),
        _text(document.subtitle, "italic"),
    ]
    for section in document.sections:
        body = Group(*(_block(b) for b in section.blocks))
        if section.urgent or section is document.sections[0]:
            style = URGENCY_STYLES[document.urgency]
            parts.append(
                Panel(body, title=_text(section.title, style), border_style=style.split()[-1])
            )
        else:
            parts += [Text(""), _text(section.title, "bold underline"), body]
    parts += [Text(""), _text(document.footer, "dim")]
    return Group(*parts)


def render(document: Document, console: Console) -> None:
    """Print the summary on a console."""
    console.print(build_renderable(document))


def to_string(document: Document, width: int = 80) -> str:
    """The Rich rendering as a string, without colour (for tests and piping)."""
    import io

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, legacy_windows=False)
    render(document, console)
    return buffer.getvalue()
