"""PDF with fpdf2 (pure Python) and an embedded Unicode font: a page or more per patient."""

from __future__ import annotations

from typing import Any

from spinecheck.clean import clean
from spinecheck.errors import SpinecheckError
from spinecheck.render.document import Block, Document, Item
from spinecheck.render.fonts import find_fonts

PAGE_FORMATS = {"a4": "A4", "letter": "Letter"}


def to_pdf(documents: list[Document], *, page: str = "a4") -> bytes:
    """One PDF holding every summary; each patient starts on a new page.

    Raises:
        SpinecheckError: no usable font (see `find_fonts`).
    """
    from fpdf import FPDF

    regular, bold = find_fonts()
    pdf = FPDF(format=PAGE_FORMATS.get(page, "A4"))
    pdf.set_creator("spinecheck")
    pdf.set_title(documents[0].title if documents else "spinecheck")
    try:
        pdf.add_font("Body", "", str(regular))
        pdf.add_font("Body", "B", str(bold))
    except Exception as err:  # fpdf2 and fontTools raise many kinds for a file that is no font
        raise SpinecheckError(
            "the font file could not be read as a TrueType font",
            path=str(regular),
            hint="set SPINECHECK_FONT to a .ttf file, or unset it to use DejaVu Sans",
        ) from err
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(14, 12, 14)
    for document in documents:
        _draw(pdf, document)
    return bytes(pdf.output())


def _draw(pdf: Any, document: Document) -> None:
    dense = document.audience == "clinician"
    size = 8.0 if dense else 10.5
    line = size * (0.44 if dense else 0.48)
    pdf.add_page()
    pdf.set_font("Body", "B", size + 5)
    pdf.multi_cell(0, line * 1.7, _t(document.title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("Body", "", size)
    pdf.multi_cell(0, line, _t(document.subtitle), new_x="LMARGIN", new_y="NEXT", align="L")
    for section in document.sections:
        pdf.ln(line * (0.5 if dense else 0.9))
        pdf.set_font("Body", "B", size + 1.5)
        if section.urgent:
            pdf.set_text_color(170, 0, 0)
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
    if block.kind == "paragraph":
        pdf.set_font("Body", "B" if block.emphasis else "", size)
        pdf.multi_cell(0, line, _t(block.text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font("Body", "", size)
        return
    if block.kind == "items":
        for item in block.items:
            _item(pdf, item, size, line)
        return
    headed = any(block.header)
    widths = (30, 70) if not headed else (38, 34, 28)
    with pdf.table(
        col_widths=widths[: len(block.header)],
        first_row_as_headings=headed,
        borders_layout="HORIZONTAL_LINES" if headed else "NONE",
        line_height=line,
        padding=0.3 if size < 9 else 0.6,
        text_align="LEFT",
    ) as grid:
        if headed:
            grid.row([_t(h) for h in block.header])
        for values in block.rows:
            row = grid.row()
            for index, value in enumerate(values):
                if index == 0 and not headed:
                    pdf.set_font("Body", "B", size)
                    row.cell(_t(value))
                    pdf.set_font("Body", "", size)
                else:
                    row.cell(_t(value))


def _item(pdf: Any, item: Item, size: float, line: float) -> None:
    indent = 5.0
    pdf.set_x(pdf.l_margin)
    pdf.cell(indent, line, "☐" if item.checkbox else "•")
    pdf.set_font("Body", "" if item.checkbox else "B", size)
    pdf.multi_cell(0, line, _t(item.title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("Body", "", size)
    for text in item.lines:
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, line, _t(text), new_x="LMARGIN", new_y="NEXT", align="L")
    if item.sources:
        pdf.set_x(pdf.l_margin + indent)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(
            0, line, _t(f"Sources: {item.sources}"), new_x="LMARGIN", new_y="NEXT", align="L"
        )
        pdf.set_text_color(0, 0, 0)
