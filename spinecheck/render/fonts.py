"""Find a Unicode TrueType font for PDFs (DejaVu on Debian; common fonts elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

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
