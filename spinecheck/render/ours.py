"""What marks a file as a summary spinecheck wrote, and the test for it.

`--force` replaces only such files (never an answer file or anything else that shares the
name), and a folder of answer files skips them, so no patient is read twice (issue 23). Each
format carries a marker: the PDF's creator, the HTML's generator, the footer of text and
Markdown, the JSON summary's own keys, and the FHIR Observations coded in our results system.
Light on purpose: the summary command imports it before any renderer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

MADE_WITH = "Made with spinecheck"
"""Starts the footer of every text, Markdown, HTML and PDF summary (a name, in every language)."""
PDF_CREATOR = "spinecheck"
HTML_GENERATOR = '<meta name="generator" content="spinecheck">'
RESULTS_SYSTEM = "urn:spinecheck:results"
"""The code system of the Observations a FHIR summary carries (see render/fhir_results.py)."""
QUESTIONNAIRE_URL = "urn:spinecheck:questionnaire:"
"""How `export-questionnaire` names what it writes (see questionnaire/fhir_ids.py)."""
SUMMARY_KEYS = frozenset({"urgency", "urgency_message", "red_flags", "specialists", "options"})
"""Keys every JSON summary has (contract), which no answer file has."""

_FOOTER = re.compile(rb"(?m)^\*?" + re.escape(MADE_WITH.encode()) + rb"\. ")
"""The footer as text and Markdown start it: at the start of a line, which in an answer file
(YAML or JSON) only a key or a bracket can be, so no answer text is ever mistaken for it."""
_MARKS = re.compile(rb'"red_flags"|urn:spinecheck:(?:results|questionnaire:)')
"""Seen in the first part of every JSON summary, FHIR summary and export (so answer files
are not parsed twice)."""
_LOOK = 1 << 20
"""How much of each end of a file is read for a marker (a day's PDF puts its creator last)."""
_JSON_LIMIT = 64 << 20
"""A JSON or FHIR file bigger than this is not parsed to look for a marker (then it is not ours)."""


def is_our_output(path: Path) -> bool:
    """Whether `path` holds a summary (any format) or a Questionnaire export this tool wrote.

    Never raises: a file that cannot be read is not ours, so it is never replaced.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(_LOOK)
            if size > 2 * _LOOK:
                stream.seek(size - _LOOK)
            tail = stream.read() if size > _LOOK else b""
    except OSError:
        return False
    ends = head + tail
    if head.startswith(b"%PDF-"):
        return f"/Creator ({PDF_CREATOR})".encode() in ends
    if head.startswith(b"<!DOCTYPE html>"):
        return HTML_GENERATOR.encode() in head[:1024]
    if _FOOTER.search(ends):  # text and Markdown: a line that starts with the marker
        return True
    if head.lstrip()[:1] in (b"{", b"[") and size <= _JSON_LIMIT and _MARKS.search(head):
        return _json_summary(path)
    return False


def _json_summary(path: Path) -> bool:
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return is_our_document(document)


def is_our_document(document: Any) -> bool:
    """Whether parsed JSON is a summary or an export of ours.

    That is our JSON summary (one or a list), our FHIR summary Bundle (it carries our results
    as Observations) or our exported Questionnaire.
    """
    if isinstance(document, list):
        return bool(document) and all(_json_one(one) for one in document)
    if _json_one(document):
        return True
    if isinstance(document, dict) and document.get("resourceType") == "Questionnaire":
        return str(document.get("url", "")).startswith(QUESTIONNAIRE_URL)
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        return False
    for entry in document.get("entry") or ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Observation":
            code = resource.get("code")
            codings = code.get("coding") if isinstance(code, dict) else None
            for coding in codings if isinstance(codings, list) else ():
                if isinstance(coding, dict) and coding.get("system") == RESULTS_SYSTEM:
                    return True
    return False


def _json_one(document: Any) -> bool:
    return isinstance(document, dict) and SUMMARY_KEYS <= document.keys()
