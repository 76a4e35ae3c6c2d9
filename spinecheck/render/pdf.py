"""PDF with fpdf2 (pure Python) and an embedded Unicode font: a page or more per patient."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from spinecheck.clean import clean
from spinecheck.errors import SpinecheckError
from spinecheck.render.document import (
    Block,
    Document,
    Item,
    run_in,
    texts,
    urgency_banner,
    with_texts,
)
from spinecheck.render.fonts import Face, characters_in, fallback_fonts, find_fonts
from spinecheck.render.ours import PDF_CREATOR
from spinecheck.words import words_for

PAGE_FORMATS = {"a4": "A4", "letter": "Letter"}


Lead = Callable[[list[int]], Document]
"""Makes the page that heads a stack (the day list) from the sheet each document starts on."""

WIDEST_SHEET = 9_999_999
"""The sheet number a lead page is first measured with: no real one is wider."""


def to_pdf(documents: list[Document], *, page: str = "a4", lead: Lead | None = None) -> bytes:
    """One PDF holding every summary; each patient starts on a new page.

    Every page carries whose summary it is and "page n of m" (of that patient's pages), and in
    a stack of several also "sheet n of N" (of the whole stack); every page of an emergency
    carries a solid black EMERGENCY band. Each summary is laid out once; the footers are written
    when every page count is known.

    `lead` makes the stack's first page (the day list) from the sheet each summary starts on:
    it is measured first with the widest numbers, its sheets are kept free, and it is drawn
    onto them once the summaries are laid out.

    Raises:
        SpinecheckError: no usable font (see `find_fonts`).
    """
    title = documents[0].title if documents else "spinecheck"
    pdf = _new_pdf(page, title=title)
    measured = lead([WIDEST_SHEET] * len(documents)) if lead is not None else None
    scripts = _Scripts(pdf, documents + ([measured] if measured is not None else []))
    spans: list[tuple[Document, int, int]] = []
    if measured is not None:
        reserved = _pages_needed(measured, page)
        pdf.document = measured  # the same header whatever the numbers
        for _ in range(reserved):
            pdf.add_page()
        pdf.body_top = pdf.get_y()
    for document, shaped in scripts.drawable(documents):
        if shaped:
            _shape(pdf, on=True)
        pdf.document = document  # taken up by the next page's header
        first = pdf.page + 1
        _draw(pdf, document)
        spans.append((document, first, pdf.page))
        if shaped:
            _shape(pdf, on=False)
    if lead is not None:
        last = pdf.page
        ((real, shaped),) = scripts.drawable([lead([first for _, first, _ in spans])])
        _shape(pdf, on=shaped)
        pdf.rewriting = reserved  # page breaks move on to the next kept sheet
        pdf.page = 1
        pdf.set_xy(pdf.l_margin, pdf.body_top)
        _draw(pdf, real, new_page=False)
        pdf.rewriting = 0
        _shape(pdf, on=False)
        spans.insert(0, (real, 1, reserved))
        pdf.page = last
    sheets = pdf.page if len(spans) > 1 else 0
    for document, first, last in spans:
        _footers(pdf, document, first, last, sheets)
    return bytes(pdf.output())


def _pages_needed(document: Document, page: str) -> int:
    """How many pages `document` takes (laid out on its own, with the same fonts)."""
    scratch = _new_pdf(page)
    scripts = _Scripts(scratch, [document])
    ((drawable, shaped),) = scripts.drawable([document])
    _shape(scratch, on=shaped)
    _draw(scratch, drawable)
    return int(scratch.page)


NOT_DRAWN = "[text in a script no font on this computer can draw]"
NAME_NOT_DRAWN = "[name in a script no font on this computer can draw]"


class _Scripts:
    """Fonts for every script the summaries hold, and what to show where no font has one.

    DejaVu Sans draws Latin, Greek, Cyrillic, Hebrew and Arabic. A character it lacks (Chinese,
    Devanagari, Thai...) is drawn from a fallback font: SPINECHECK_FONT_FALLBACK's, then this
    computer's (see `fonts.fallback_fonts`). Text no font can draw is never dropped silently:
    a name becomes its identifier (or answer file) with a note, other text a note.
    """

    def __init__(self, pdf: Any, documents: list[Document]) -> None:
        everything = set().union(*(set("".join(texts(document))) for document in documents))
        body = characters_in(Face(Path(pdf.body_font)))
        missing = {c for c in everything if ord(c) not in body and _printable(c)}
        self.undrawable: set[str] = set()
        if not missing:
            return
        faces, self.undrawable = fallback_fonts(missing)
        names = []
        for number, face in enumerate(faces):
            name = f"Fallback{number}"
            try:
                pdf.add_font(name, "", str(face.path), collection_font_number=face.number)
            except Exception:  # fpdf2 and fontTools raise many kinds for a font they cannot use
                self.undrawable |= {c for c in missing if ord(c) in characters_in(face)}
                continue
            names.append(name)
        if names:
            pdf.set_fallback_fonts(names, exact_match=False)  # bold text too, in regular
        drawn = body.union(*(characters_in(face) for face in faces))
        self.undrawable |= {c for c in missing if ord(c) not in drawn}

    def drawable(self, documents: list[Document]) -> Iterator[tuple[Document, bool]]:
        """Each document with what cannot be drawn replaced, and whether it needs shaping."""
        # a run of characters no font draws (a character class would need escaping inside [ ])
        runs = re.compile(
            "(?:" + ("|".join(map(re.escape, sorted(self.undrawable))) or "(?!)") + ")+"
        )
        for document in documents:
            characters = set("".join(texts(document)))
            shaped = any(_needs_shaping(c) for c in characters)
            if not characters & self.undrawable:
                yield document, shaped
                continue
            changes = [
                (name, self._stand_in(instead))
                for name, instead in document.names
                if not self._draws(name)
            ]

            def change(text: str, changes: list[tuple[str, str]] = changes) -> str:
                for name, stand_in in changes:
                    if name in text:
                        alone = not stand_in or stand_in in text  # the identifier is there too
                        shown = NAME_NOT_DRAWN if alone else f"{stand_in} {NAME_NOT_DRAWN}"
                        text = text.replace(name, shown)
                return runs.sub(NOT_DRAWN, text)

            yield with_texts(document, change), shaped

    def _draws(self, text: str) -> bool:
        return not any(c in self.undrawable for c in text)

    def _stand_in(self, instead: tuple[str, ...]) -> str:
        """The first way to identify the patient that can be drawn (else the last, marked)."""
        return next((x for x in instead if self._draws(x)), instead[-1] if instead else "")


def _printable(character: str) -> bool:
    return not character.isspace() and unicodedata.category(character)[0] != "C"


def _needs_shaping(character: str) -> bool:
    """Right-to-left letters, or marks placed on a letter (Indic, Thai): fpdf2 must shape them."""
    return unicodedata.bidirectional(character) in ("R", "AL", "AN") or unicodedata.category(
        character
    ) in ("Mn", "Mc")


def _shape(pdf: Any, *, on: bool) -> None:
    """Turn fpdf2's text shaping (HarfBuzz) on or off.

    Paragraphs run left to right (the page is English: a right-to-left name is one run in it).
    Without uharfbuzz, text is drawn unshaped.
    """
    try:
        pdf.set_text_shaping(use_shaping_engine=on, direction="ltr" if on else None)
    except Exception:  # fpdf2 raises its own kind when uharfbuzz is not installed
        return


def _footers(pdf: Any, document: Document, first: int, last: int, sheets: int = 0) -> None:
    """Whose summary and "page n of m" at the foot of each of one summary's pages.

    In a stack (`sheets`: its number of pages) each page also says "sheet n of N", so a page
    dropped from the pile finds its place again.
    """
    who = _t(document.header or document.title)
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Body", "", 7)
    pdf.set_text_color(60, 60, 60)
    end = pdf.page
    for number, page in enumerate(range(first, last + 1), start=1):
        pdf.page = page  # fpdf2's current page: set to write on an earlier one
        pdf.set_xy(pdf.l_margin, pdf.h - 8)
        words = words_for(document.language)
        sheet = (
            " - " + words("sheet {number} of {count}", number=page, count=sheets) if sheets else ""
        )
        where = " - " + words("page {number} of {count}", number=number, count=last - first + 1)
        where += sheet
        room = pdf.w - pdf.l_margin - pdf.r_margin - pdf.get_string_width(where) - 1
        pdf.cell(0, 4, _fitted(pdf, who, room) + where, align="R")
    pdf.page = end
    pdf.set_text_color(0, 0, 0)
    pdf.set_auto_page_break(auto=True, margin=_BOTTOM)


def _fitted(pdf: Any, who: str, room: float) -> str:
    """A header shortened to fit one footer line: its last parts left out, then cut.

    The name and age come first in a header, so they are what a footer keeps.
    """
    parts = who.split(" | ")
    while len(parts) > 1 and pdf.get_string_width(" | ".join(parts)) > room:
        parts.pop()
    text = " | ".join(parts)
    while text and pdf.get_string_width(text + "…") > room:
        text = text[:-1]
    return text if text == " | ".join(parts) else text.rstrip() + "…"


_BOTTOM = 11
"""The bottom margin (mm): the footer sits in it."""


def _new_pdf(page: str, *, title: str = "spinecheck") -> Any:
    from fpdf import FPDF

    class Pages(FPDF):
        """Draws each page's header (whose it is); `to_pdf` adds the footers."""

        document: Document | None = None
        body_font: Path
        rewriting = 0
        """While a stack's lead page is drawn onto its kept sheets: the last of them."""
        body_top = 0.0

        def header(self) -> None:
            if self.document is not None:
                _page_header(self, self.document)

        def add_page(self, *args: Any, **kwargs: Any) -> None:
            if self.rewriting and self.page < self.rewriting:
                self.page += 1  # the next sheet kept for the lead page: its header is drawn
                self.set_xy(self.l_margin, self.body_top)
                return
            super().add_page(*args, **kwargs)

    regular, bold = find_fonts()
    pdf = Pages(format=PAGE_FORMATS.get(page, "A4"))
    pdf.body_font = regular
    pdf.set_creator(PDF_CREATOR)
    pdf.set_title(title)
    try:
        pdf.add_font("Body", "", str(regular))
        pdf.add_font("Body", "B", str(bold))
    except Exception as err:  # fpdf2 and fontTools raise many kinds for a file that is no font
        raise SpinecheckError(
            "the font file could not be read as a TrueType font",
            path=str(regular),
            hint="set SPINECHECK_FONT to a .ttf file, or unset it to use DejaVu Sans",
        ) from err
    pdf.set_auto_page_break(auto=True, margin=_BOTTOM)
    pdf.set_margins(14, 12, 14)
    return pdf


def _page_header(pdf: Any, document: Document) -> None:
    """Whose page this is, and on an emergency's every page a solid black EMERGENCY band."""
    pdf.set_y(6)
    if document.header:
        pdf.set_font("Body", "B", 8)
        pdf.multi_cell(0, 4, _t(document.header), new_x="LMARGIN", new_y="NEXT", align="L")
    if document.urgency.value == "emergency":
        pdf.set_fill_color(0, 0, 0)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("Body", "B", 20)
        pdf.cell(0, 11, " EMERGENCY", fill=True, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(0, 0, 0)
    pdf.set_y(max(pdf.get_y() + 2, 12))


def _banner(pdf: Any, document: Document, size: float) -> None:
    """The urgency level as a box whose weight differs by level (emergency: see the header)."""
    level = document.urgency.value
    if level in ("emergency", "routine"):
        return  # an emergency's band is in every page's header; routine needs no box
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width({"same_day": 1.4, "soon": 0.6}.get(level, 0.2))
    pdf.set_font(
        "Body", "B" if level != "routine" else "", size + (4 if level == "same_day" else 2)
    )
    pdf.cell(
        0,
        size * 0.75,
        _t(" " + urgency_banner(level, words_for(document.language))),
        border=1,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_line_width(0.2)
    pdf.set_font("Body", "", size)


def _draw(pdf: Any, document: Document, *, new_page: bool = True) -> None:
    dense = document.audience == "clinician"
    size = 7.5 if dense else 10
    line = size * (0.44 if dense else 0.46)
    if new_page:
        pdf.add_page()
    pdf.set_font("Body", "B", size + (3 if dense else 5))
    pdf.multi_cell(
        0,
        line * (1.3 if dense else 1.7),
        _t(document.title),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.set_font("Body", "", size)
    pdf.multi_cell(0, line, _t(document.subtitle), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(line * 0.5)
    _banner(pdf, document, size)
    for section in document.sections:
        pdf.ln(line * (0.25 if dense else 0.7))
        if pdf.get_y() + line * 5 > pdf.page_break_trigger:
            pdf.add_page()  # never a heading alone at the foot of a page
        pdf.set_font("Body", "B", size + 1.5)
        pdf.multi_cell(0, line * 1.3, _t(section.title), new_x="LMARGIN", new_y="NEXT", align="L")
        y = pdf.get_y()
        pdf.set_draw_color(150, 150, 150)
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("Body", "", size)
        for block in section.blocks:
            _block(pdf, block, size, line)
    pdf.ln(line)
    pdf.set_font("Body", "", size - 1.5)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(0, line, _t(document.footer), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)


def _t(text: str) -> str:
    return " ".join(clean(text).split())


def _block(pdf: Any, block: Block, size: float, line: float) -> None:
    from fpdf.fonts import FontFace

    if block.kind == "paragraph":
        if block.emphasis and pdf.get_y() + line * 4 > pdf.page_break_trigger:
            pdf.add_page()  # a bold lead-in ("Also worth asking about:") stays with what follows
        pdf.set_font("Body", "B" if block.emphasis else "", size)
        pdf.multi_cell(0, line, _t(block.text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font("Body", "", size)
        return
    if block.kind == "items":
        for item in block.items:
            _item(pdf, item, size, line)
        return
    headed = any(block.header)
    widths = block.widths or {2: (30, 70), 3: (38, 38, 24)}.get(len(block.header))
    with pdf.table(
        col_widths=widths or tuple(1 for _ in block.header),
        first_row_as_headings=headed,
        borders_layout="HORIZONTAL_LINES" if headed else "NONE",
        line_height=line,
        padding=0.3 if size < 9 else 0.6,
        text_align="LEFT",
    ) as grid:
        if headed:
            grid.row([_t(h) for h in block.header])
        for number, values in enumerate(block.rows):
            if number in block.marked:  # a solid black band with white text: seen in greyscale
                band = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=(0, 0, 0))
                row = grid.row(style=band)
            elif number in block.strong:
                row = grid.row(style=FontFace(emphasis="BOLD"))
            else:
                row = grid.row()
            for index, value in enumerate(values):
                if index == 0 and not headed:
                    pdf.set_font("Body", "B", size)
                    row.cell(_t(value))
                    pdf.set_font("Body", "", size)
                else:
                    row.cell(_t(value))


def _item(pdf: Any, item: Item, size: float, line: float) -> None:
    """A bullet whose bold title runs into its text, with the sources after the last line."""
    indent = 5.0
    pdf.set_x(pdf.l_margin)
    pdf.cell(indent, line, "☐" if item.checkbox else "•")
    margin = pdf.l_margin
    pdf.set_left_margin(margin + indent)  # write() wraps to the left margin: the item's indent
    try:
        pdf.set_font("Body", "" if item.checkbox else "B", size)
        title = _t(item.title)
        pdf.write(line, title)
        pdf.set_font("Body", "", size)
        runs = [_t(text) for text in item.lines]
        if item.sources:
            runs.append(_t(f"{item.sources_label}: {item.sources}"))
        for number, text in enumerate(runs):
            if number == len(item.lines):  # the sources, in grey, after the text they back
                pdf.set_text_color(90, 90, 90)
            pdf.write(line, (run_in(title) if number == 0 else " ") + text)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(line)
    finally:
        pdf.set_left_margin(margin)
    pdf.set_x(margin)
