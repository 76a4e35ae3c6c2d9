"""Remember work done on our data files, keyed by the hash of their exact text.

Entries hold plain JSON data (never code): a file's text names its entry, so a changed file is
simply not found, and an entry that cannot be read or does not fit is ignored by its caller.
Entries live in the user cache folder (or SPINECHECK_CACHE_DIR), readable by the owner only.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

CACHE_DIR_VARIABLE = "SPINECHECK_CACHE_DIR"
"""Where to remember checked files (default: the user cache folder)."""


def entry(kind: str, text: str) -> Path:
    """The cache file for this kind of data made from exactly this text."""
    import hashlib

    from spinecheck import __version__

    folder = os.environ.get(CACHE_DIR_VARIABLE)
    if folder is None:
        from platformdirs import user_cache_path

        base = user_cache_path("spinecheck", appauthor=False)
    else:
        base = Path(folder)
    # The version and kind are part of the key: entries of another format are simply not found.
    digest = hashlib.sha256(f"{__version__}\0{kind}\0{text}".encode()).hexdigest()
    return base / "checked" / digest


def remember(path: Path, data: Any) -> None:
    """Store `data` as JSON when it survives the trip exactly, else an empty marker."""
    import json

    try:
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        exact = json.loads(encoded) == data
    except (TypeError, ValueError):
        exact = False
    with contextlib.suppress(OSError):  # a cache: never a reason to fail
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        handle = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(encoded if exact else "")
        temporary.replace(path)


def recall(path: Path) -> Any:
    """The data remembered in `path`, or None (missing, empty, unreadable or not JSON)."""
    import json

    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if text else None
    except (OSError, ValueError):
        return None
