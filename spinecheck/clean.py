"""Cleaning untrusted text (typed, pasted or read from a file) before a terminal shows it."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar, cast

_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI sequences (colours, cursor moves)
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC sequences (titles, hyperlinks, clipboard)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM and APC strings
    r"|\x1b[@-_]?"  # other escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the same sequences started by their one-character C1 forms
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|[\x90\x98\x9e\x9f][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0/C1 controls except tab and newline
    r"|[\u202a-\u202e\u2066-\u2069]"  # bidirectional overrides that reorder what is shown
    r"|[\u200e\u200f\u061c]"  # bidirectional marks
)

_BIDI_OVERRIDES = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Remove terminal control sequences and bidi overrides; what remains is shown as is."""
    return _CONTROL.sub("", text)


def clean_line(text: str) -> str:
    """Clean typed or pasted text for a one-line answer: no controls, single spaces.

    Lone surrogates (from bytes that were not UTF-8) become U+FFFD, so whatever is kept can be
    written and read back.
    """
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    return " ".join(clean(text).split())


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any, *, indent: int | None = None) -> str:
    """`data` as JSON that is safe on a terminal and in any reader: the one JSON writer.

    Text stays readable (not ASCII-escaped), but C1 controls (U+0080-U+009F), DEL and the line
    and paragraph separators are written as backslash-u escapes, as the encoder does for C0
    controls, and bidi overrides are removed. Such characters only stand inside strings, so
    one pass over the text does what cleaning every value would, at C speed.
    """
    if indent is None:  # without indent the json module uses its C encoder: much faster
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(_json_escape, text) if _JSON_UNSAFE.search(text) else text


def _json_escape(found: re.Match[str]) -> str:
    character = found.group()
    return "" if _BIDI_OVERRIDES.match(character) else f"\\u{ord(character):04x}"


_Data = TypeVar("_Data")


def cleaned(data: _Data) -> _Data:
    """Data with `clean` applied to every text in it (keys too); all else as it was.

    For FHIR, whose resources a records system files and shows: no text in them, typed or read
    from a file, keeps control sequences or bidi overrides.
    """
    found: Any = data
    if isinstance(found, str):
        found = clean(found)
    elif isinstance(found, dict):
        found = {cleaned(key): cleaned(value) for key, value in found.items()}
    elif isinstance(found, list):
        found = [cleaned(value) for value in found]
    return cast("_Data", found)
