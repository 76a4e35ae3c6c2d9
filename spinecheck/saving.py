"""Write answer files: the contract's shape with a metadata block, atomically and owner-only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from spinecheck.conditions import AnswerValue
from spinecheck.loader import ANSWERS_FORMAT
from spinecheck.model import Questionnaire


def now() -> str:
    """The current time in UTC, ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def answers_document(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    *,
    started: str | None = None,
    updated: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The answer file as data: the `spinecheck` metadata block, then answers in question order."""
    metadata: dict[str, Any] = {
        "questionnaire": questionnaire.id,
        "questionnaire_version": questionnaire.version,
        "format": ANSWERS_FORMAT,
        "started": started or now(),
        "updated": updated or now(),
    }
    if extra:
        metadata.update(extra)
    document: dict[str, Any] = {"spinecheck": metadata}
    for question in questionnaire.questions:
        if question.id in answers:
            document[question.id] = answers[question.id]
    return document


def dump_answers(document: Mapping[str, Any]) -> str:
    """YAML text for an answer document (safe dumper, Unicode kept, order kept)."""
    return yaml.safe_dump(
        dict(document), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (temporary file, fsync, rename), owner-only (0600).

    A crash at any moment leaves either the old file or the new one, never a torn file. The
    folder is created owner-only if it does not exist.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
