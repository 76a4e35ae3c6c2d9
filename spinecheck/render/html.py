"""HTML: one self-contained file with a print stylesheet (no scripts, no outside assets)."""

from __future__ import annotations

from html import escape as _escape
from urllib.parse import quote

from spinecheck.clean import clean
from spinecheck.render.document import Block, Document, Item, run_in, urgency_banner
from spinecheck.render.ours import HTML_GENERATOR
from spinecheck.words import words_for

PAGE_SIZES = {"a4": "A4", "letter": "letter"}

STYLE = """
@page { size: %(page)s; margin: 12mm 14mm; }
@page dense { size: %(page)s; margin: 9mm 11mm; }
article.clinician { page: dense; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 11pt;
       line-height: 1.4; color: #111; margin: 0 auto; max-width: 48rem; padding: 1rem; }
body.clinician { font-size: 8pt; line-height: 1.2; max-width: 60rem; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
h2 { font-size: 1.15em; margin: 1.1em 0 .3em; border-bottom: 1px solid #999; }
.clinician h2 { margin-top: .6em; }
.clinician p { margin: .2em 0; }
.clinician li { margin: .1em 0; }
.clinician section.urgent { padding: .1em .6em .3em; margin: .5em 0; }
h2 { page-break-after: avoid; break-after: avoid; }
.subtitle, footer { color: #444; }
footer { margin-top: 1.5em; font-size: .85em; border-top: 1px solid #999; padding-top: .4em; }
section.urgent { border: 3px solid #000; padding: .2em .8em .6em; margin: .8em 0; }
section.urgent h2 { border: 0; }
.who { font-weight: bold; font-size: .95em; border-bottom: 1px solid #000; padding: .1em 0; }
.banner { margin: .4em 0; padding: .25em .6em; font-weight: bold; }
.banner.emergency { background: #000; color: #fff; font-size: 2em; letter-spacing: .06em; }
tr.strong td { font-weight: bold; }
tr.band td { background: #000; color: #fff; font-weight: bold;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.banner.same_day { border: 5px solid #000; font-size: 1.4em; }
.banner.soon { border: 2px dashed #000; font-size: 1.15em; }
.banner.routine { border: 1px solid #888; font-weight: normal; }
table.page, table.page > thead > tr > td, table.page > tbody > tr > td { padding: 0; margin: 0; }
table.page > thead > tr > td { padding-bottom: .3em; }
.emphasis { font-weight: bold; }
ul { margin: .2em 0 .4em; padding-left: 1.3em; }
li { margin: .25em 0; }
li.check { list-style: "\\2610  "; }
.sources { color: #555; font-size: .9em; font-style: italic; }
table { border-collapse: collapse; margin: .2em 0 .4em; width: 100%%; }
th, td { text-align: left; vertical-align: top; padding: .1em .5em .1em 0; }
th { border-bottom: 1px solid #999; }
td.key { font-weight: bold; width: 14em; }
article { page-break-after: always; break-after: page; }
article:last-of-type { page-break-after: auto; break-after: auto; }
li, tr, section.urgent, table:not(.page) { page-break-inside: avoid; break-inside: avoid; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; line-height: 1.3; }
  body.clinician { font-size: 8pt; line-height: 1.2; }
  h2 { margin: .8em 0 .25em; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def escape(text: str) -> str:
    """HTML-escape text (quotes too) after removing terminal control characters."""
    return _escape(clean(text), quote=True)


def _item(item: Item) -> str:
    """A bullet whose bold title runs into its text, the sources after it (as on the PDF)."""
    parts = [f"<strong>{escape(item.title)}</strong>" if not item.checkbox else escape(item.title)]
    joiner = run_in(item.title)
    for line in item.lines:
        parts.append(f'{escape(joiner)}<span class="line">{escape(line)}</span>')
        joiner = " "
    if item.sources:
        parts.append(
            f' <span class="sources">{escape(item.sources_label)}: {escape(item.sources)}</span>'
        )
    css = ' class="check"' if item.checkbox else ""
    return f"<li{css}>{''.join(parts)}</li>"


def _block(block: Block) -> str:
    if block.kind == "paragraph":
        css = ' class="emphasis"' if block.emphasis else ""
        return f"<p{css}>{escape(block.text)}</p>"
    if block.kind == "items":
        return "<ul>" + "".join(_item(i) for i in block.items) + "</ul>"
    rows = []
    if any(block.header):
        rows.append("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in block.header) + "</tr>")
        linked = block.header.index("Patient") if "Patient" in block.header else -1
        for number, row in enumerate(block.rows):
            band = (
                ' class="band"' if number in block.marked
                else ' class="strong"' if number in block.strong else ""
            )  # fmt: skip
            href = block.links[number] if number < len(block.links) else ""
            cells = [
                f'<a href="{escape(quote(href))}">{escape(c)}</a>' if i == linked and href
                else escape(c)
                for i, c in enumerate(row)
            ]  # fmt: skip
            rows.append(f"<tr{band}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    else:
        for key, value in block.rows:
            rows.append(f'<tr><td class="key">{escape(key)}</td><td>{escape(value)}</td></tr>')
    return "<table>" + "".join(rows) + "</table>"


def _banner(document: Document) -> str:
    level = document.urgency.value
    banner = escape(urgency_banner(level, words_for(document.language)))
    return f'<div class="banner {level}" role="alert">{banner}</div>'


def _article(document: Document, page_language: str = "en") -> str:
    # A table's head repeats at the top of every printed page: whose page it is, and an
    # emergency's banner, are on each one.
    emergency = document.urgency.value == "emergency"
    # a summary in another language than the page's says its own (screen readers, hyphens)
    own = f' lang="{escape(document.language)}"' if document.language != page_language else ""
    head = f'<div class="who">{escape(document.header)}</div>' if document.header else ""
    head += _banner(document) if emergency else ""
    parts = [
        f'<article class="{escape(document.audience)}"{own}>',
        f'<table class="page"><thead><tr><td>{head}</td></tr></thead><tbody><tr><td>',
        f"<h1>{escape(document.title)}</h1>",
        f'<p class="subtitle">{escape(document.subtitle)}</p>',
    ]
    if not emergency and document.urgency.value != "routine":  # routine needs no box
        parts.append(_banner(document))
    for section in document.sections:
        css = ' class="urgent"' if section.urgent else ""
        parts.append(f"<section{css}><h2>{escape(section.title)}</h2>")
        parts += [_block(b) for b in section.blocks]
        parts.append("</section>")
    parts.append(f"<footer>{escape(document.footer)}</footer>")
    parts.append("</td></tr></tbody></table></article>")
    return "\n".join(parts)


def to_html(documents: list[Document], *, page: str = "a4", title: str | None = None) -> str:
    """One HTML file holding every summary, a printed page (or more) per patient."""
    body_class = "clinician" if documents and documents[0].audience == "clinician" else "patient"
    heading = title or (documents[0].title if documents else "spinecheck")
    # the page's language is its summaries' when they share one (a day list mixes them: each
    # article says its own)
    languages = {d.language for d in documents} or {"en"}
    language = languages.pop() if len(languages) == 1 else "en"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"{HTML_GENERATOR}\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        f"<title>{escape(heading)}</title>\n"
        f"<style>{STYLE % {'page': PAGE_SIZES.get(page, 'A4')}}</style>\n"
        f'</head>\n<body class="{body_class}">\n'
        + "\n".join(_article(d, language) for d in documents)
        + "\n</body>\n</html>\n"
    )
