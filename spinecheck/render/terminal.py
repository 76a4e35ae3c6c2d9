"""The patient summary on a terminal, with Rich (every text goes in as Text: no markup parsed)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from spinecheck.clean import clean
from spinecheck.questionnaire.model import Urgency
from spinecheck.render.document import Block, Document, Item
from spinecheck.render.ours import MADE_WITH

URGENCY_STYLES = {
    Urgency.EMERGENCY: "bold white on red",
    Urgency.SAME_DAY: "bold red",
    Urgency.SOON: "bold yellow",
    Urgency.ROUTINE: "bold green",
}


def _text(text: str, style: str = "") -> Text:
    return Text(" ".join(clean(text).split()), style=style)


class _Hanging:
    """A bullet or checkbox with its text indented beside it.

    It looks like a two-column grid but skips the grid's measuring of every cell, which made long
    summaries slow to print.
    """

    MARKER = 4
    """Columns for the marker and the space after it."""

    def __init__(self, marker: str, body: RenderableType) -> None:
        self.marker = marker
        self.body = body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.MARKER, 1)
        lines = console.render_lines(self.body, options.update_width(width), pad=False)
        indent = Segment(" " * self.MARKER)
        for number, line in enumerate(lines):
            yield Segment(self.marker.ljust(self.MARKER)) if number == 0 else indent
            yield from line
            yield Segment.line()


def _item(item: Item) -> RenderableType:
    body = [_text(item.title, "" if item.checkbox else "bold")]
    body += [_text(line) for line in item.lines]
    if item.sources:
        body.append(_text(f"{item.sources_label}: {item.sources}", "dim italic"))
    return _Hanging("[ ]" if item.checkbox else " •", Group(*body))


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
    parts: list[RenderableType] = [_text(document.header, "bold")] if document.header else []
    parts += [_text(document.title, "bold"), _text(document.subtitle, "italic")]
    for section in document.sections:
        body = Group(*(_block(b) for b in section.blocks))
        if section.urgent or section is document.sections[0]:
            style = URGENCY_STYLES[document.urgency]
            # the heading is the panel's first line, not its title: a title is cut to the
            # border's width ("How soon to act: Book an appointmen") where a line wraps
            heading = _text(section.title, style)
            parts.append(Panel(Group(heading, body), border_style=style.split()[-1]))
        else:
            parts += [Text(""), _text(section.title, "bold underline"), body]
    parts += [Text(""), _text(f"{MADE_WITH}. {document.footer}", "dim")]
    return Group(*parts)


def render(document: Document, console: Console) -> None:
    """Print the summary on a console."""
    console.print(build_renderable(document))


@contextlib.contextmanager
def progress_bar(total: int) -> Iterator[Callable[[], None]]:
    """A transient progress bar on stderr; yields the function that advances it."""
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Summaries", total=total)
        yield lambda: bar.advance(task)


READABLE_WIDTH = 100
"""The widest a summary is drawn: longer lines are hard to read (the walk keeps the same)."""


def show(document: Document) -> None:
    """Print the summary on the terminal, at its width up to READABLE_WIDTH."""
    console = Console()
    if console.width > READABLE_WIDTH:
        console = Console(width=READABLE_WIDTH)
    render(document, console)


def to_string(document: Document, width: int = 80) -> str:
    """The Rich rendering as a string, without colour (for tests and piping)."""
    import io

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, legacy_windows=False)
    render(document, console)
    return buffer.getvalue()
