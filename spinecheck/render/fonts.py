"""Find a Unicode TrueType font for PDFs (DejaVu on Debian; common fonts elsewhere)."""

from __future__ import annotations

import bisect
import functools
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from spinecheck.errors import SpinecheckError

FONT_VARIABLE = "SPINECHECK_FONT"
"""Path of a regular .ttf to use; a bold one is looked for beside it ('-Bold')."""

_FOLDERS = {
    "dejavu": ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF",
               "/usr/share/fonts/dejavu", "C:/Windows/Fonts"],
    "liberation": ["/usr/share/fonts/truetype/liberation"],
    "noto": ["/usr/share/fonts/truetype/noto"],
}  # fmt: skip
_FILES = {
    "dejavu": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "liberation": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "noto": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
}
_CANDIDATES = [
    (f"{folder}/{_FILES[family][0]}", f"{folder}/{_FILES[family][1]}")
    for family, folders in _FOLDERS.items()
    for folder in folders
] + [
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
     "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
]  # fmt: skip


def find_fonts() -> tuple[Path, Path]:
    """The regular and bold font files to embed.

    Raises:
        SpinecheckError: no usable font was found, with what to install or set.
    """
    chosen = os.environ.get(FONT_VARIABLE)
    if chosen:
        regular = Path(chosen)
        if not regular.is_file():
            raise SpinecheckError(
                f"the font in {FONT_VARIABLE} was not found: {chosen}",
                hint="set it to the path of a .ttf file, or unset it",
            )
        bold = regular.with_name(regular.stem + "-Bold" + regular.suffix)
        return regular, bold if bold.is_file() else regular
    for regular_name, bold_name in _CANDIDATES:
        regular, bold = Path(regular_name), Path(bold_name)
        if regular.is_file():
            return regular, bold if bold.is_file() else regular
    raise SpinecheckError(
        "no Unicode font was found for the PDF",
        hint=(
            "install DejaVu fonts (Debian/Ubuntu: apt-get install fonts-dejavu-core), or set "
            f"{FONT_VARIABLE} to a .ttf file; the html format prints without one"
        ),
    )


FALLBACK_VARIABLE = "SPINECHECK_FONT_FALLBACK"
"""Font files (.ttf, .otf, .ttc), separated like PATH, tried in order for characters the body
font lacks, before the fonts this computer has."""

FONT_ENDINGS = (".ttf", ".otf", ".ttc", ".otc")
"""Font files fpdf2 can embed (outline fonts; bitmap fonts are skipped)."""

_REGULAR_STYLES = ("regular", "book", "normal", "roman", "medium")

_KNOWN_FALLBACKS = (
    # Debian/Ubuntu packages: fonts-noto-cjk, fonts-droid-fallback, fonts-noto-core, fonts-lohit-*,
    # fonts-tlwg-*, fonts-freefont-ttf
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
    # macOS
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/System/Library/Fonts/Supplemental/Devanagari Sangam MN.ttc",
    "/System/Library/Fonts/Supplemental/Ayuthaya.ttf",
    # Windows
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/YuGothR.ttc",
    "C:/Windows/Fonts/malgun.ttf",
    "C:/Windows/Fonts/Nirmala.ttf",
    "C:/Windows/Fonts/LeelawUI.ttf",
    "C:/Windows/Fonts/arial.ttf",
    "C:/Windows/Fonts/seguisym.ttf",
)
"""Where common fonts for other scripts live, for a computer without fontconfig's `fc-list`."""


class Face(NamedTuple):
    """One font: a file, and which face in it for a collection (.ttc)."""

    path: Path
    number: int = 0


def characters_in(face: Face) -> frozenset[int]:
    """The code points `face` has glyphs for (empty for a file that is no readable font)."""
    return _characters_in(str(face.path), face.number)


@functools.cache
def _characters_in(path: str, number: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    try:
        with TTFont(path, fontNumber=number, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # fontTools raises many kinds for a file that is no font
        return frozenset()


def configured_fallbacks() -> list[Face]:
    """The fonts named in SPINECHECK_FONT_FALLBACK, in order.

    Raises:
        SpinecheckError: a named file is missing or is no font fpdf2 can embed.
    """
    faces = []
    for entry in os.environ.get(FALLBACK_VARIABLE, "").split(os.pathsep):
        if not entry.strip():
            continue
        path = Path(entry.strip())
        if not path.is_file() or path.suffix.lower() not in FONT_ENDINGS:
            raise SpinecheckError(
                f"a font in {FALLBACK_VARIABLE} was not found or is no font file: {entry}",
                hint=f"list .ttf, .otf or .ttc files separated by '{os.pathsep}', or unset it",
            )
        faces.append(Face(path))
    return faces


def system_fallbacks() -> list[tuple[Face, Callable[[int], bool]]]:
    """This computer's outline fonts, regular styles first, each with a test of its coverage.

    fontconfig (`fc-list`, one call) says which characters each font has without opening it;
    without it, a short list of well-known font files is opened as needed.
    """
    listed = _fc_list()
    if listed is None:
        known = [Face(Path(name)) for name in _KNOWN_FALLBACKS if Path(name).is_file()]
        return [(face, _opens_to_test(face)) for face in known]
    return listed


def _opens_to_test(face: Face) -> Callable[[int], bool]:
    return lambda point: point in characters_in(face)


@functools.cache
def _fc_list() -> list[tuple[Face, Callable[[int], bool]]] | None:
    program = shutil.which("fc-list")
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, "--format", "%{file}\t%{index}\t%{style}\t%{charset}\n"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    regular: list[tuple[Face, Callable[[int], bool]]] = []
    other: list[tuple[Face, Callable[[int], bool]]] = []
    for line in done.stdout.splitlines():
        fields = line.split("\t")
        if len(fields) != 4 or not fields[0].lower().endswith(FONT_ENDINGS):
            continue
        path, index, style, charset = fields
        try:
            number = int(index or 0)
            ranges = _ranges(charset)
        except ValueError:
            continue
        styles = style.lower()
        plain = any(word in styles for word in _REGULAR_STYLES) and not any(
            word in styles for word in ("bold", "italic", "oblique")
        )
        (regular if plain else other).append((Face(Path(path), number), _in_ranges(ranges)))
    return regular + other


def _ranges(charset: str) -> list[tuple[int, int]]:
    """A charset as fc-list prints it ('20-7e a0-17f 192'): sorted (first, last) pairs."""
    ranges = []
    for part in charset.split():
        first, _, last = part.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return sorted(ranges)


def _in_ranges(ranges: list[tuple[int, int]]) -> Callable[[int], bool]:
    starts = [first for first, _ in ranges]

    def has(point: int) -> bool:
        at = bisect.bisect_right(starts, point) - 1
        return at >= 0 and ranges[at][0] <= point <= ranges[at][1]

    return has


def fallback_fonts(missing: set[str]) -> tuple[list[Face], set[str]]:
    """Fonts that draw the characters in `missing` (configured ones first), and those none draws.

    A font is taken only for a character still missing, so a summary in Latin script embeds
    nothing more, and each script adds one font.

    Raises:
        SpinecheckError: a font in SPINECHECK_FONT_FALLBACK is missing (see `configured_fallbacks`).
    """
    left = {ord(character) for character in missing}
    chosen: list[Face] = []
    for face in configured_fallbacks():
        has = characters_in(face)
        if left & has:
            chosen.append(face)
            left -= has
    if left:
        candidates = system_fallbacks()
        for point in sorted(left):
            if point not in left:
                continue  # drawn by a font taken for an earlier character
            for face, may_have in candidates:
                has = characters_in(face) if may_have(point) else frozenset()
                if point in has:
                    chosen.append(face)
                    left -= has
                    break
    return chosen, {chr(point) for point in left}
