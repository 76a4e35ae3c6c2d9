"""Write answer files: the contract's shape with a metadata block, atomically and owner-only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from spinecheck.answers.files import ANSWERS_FORMAT, load_answers
from spinecheck.errors import SpinecheckError
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import Questionnaire

DATA_DIR_VARIABLE = "SPINECHECK_DATA_DIR"
"""Set this to keep progress files somewhere else than the platform's user data folder."""


def default_progress_path() -> Path:
    """Where the walk keeps its progress unless --save says otherwise."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override) / "progress.yaml"
    from platformdirs import user_data_path

    return user_data_path("spinecheck", appauthor=False) / "progress.yaml"


@dataclass
class Progress:
    """Answers so far and where the walk stands; saved after every answer."""

    answers: dict[str, AnswerValue] = field(default_factory=dict)
    current: str | None = None
    """The question to ask next (None: start at the first unanswered one)."""
    seen: list[str] = field(default_factory=list)
    """Questions the patient has been shown (answered or skipped)."""
    completed: bool = False
    stopped_at_emergency: bool = False


@dataclass(frozen=True)
class SavedProgress:
    """A progress file as read back."""

    progress: Progress
    started: str
    updated: str | None


def progress_text(questionnaire: Questionnaire, progress: Progress, started: str) -> str:
    """The progress file: an answer file (contract shape) whose metadata says where the walk is."""
    extra: dict[str, Any] = {
        "completed": progress.completed,
        "current": progress.current,
        "seen": list(progress.seen),
    }
    if progress.stopped_at_emergency:
        extra["stopped_at_emergency"] = True
    return dump_answers(
        answers_document(questionnaire, progress.answers, started=started, extra=extra)
    )


def load_progress(path: Path, questionnaire: Questionnaire) -> SavedProgress:
    """Read a progress file back (answers may be incomplete).

    Raises:
        SpinecheckError: the file is not a valid answer file for this questionnaire.
    """
    loaded = load_answers(path, questionnaire, partial=True)
    meta = loaded.metadata
    current = meta.get("current")
    seen = meta.get("seen")
    if current is not None and (
        not isinstance(current, str) or questionnaire.question(current) is None
    ):
        raise SpinecheckError(
            f"the saved position '{current}' is not a question", path=path,
            hint="remove the 'current' line from the spinecheck block",
        )  # fmt: skip
    progress = Progress(
        answers=dict(loaded.answers),
        current=current,
        seen=[s for s in seen if isinstance(s, str)]
        if isinstance(seen, list)
        else list(loaded.answers),
        completed=meta.get("completed") is True,
        stopped_at_emergency=meta.get("stopped_at_emergency") is True,
    )
    started = meta.get("started")
    updated = meta.get("updated")
    return SavedProgress(
        progress=progress,
        started=started if isinstance(started, str) else now(),
        updated=updated if isinstance(updated, str) else None,
    )


def keep_aside(path: Path) -> Path:
    """Rename an old progress file out of the way (never delete answers); return its new path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.stem}-{stamp}{path.suffix}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.stem}-{stamp}-{counter}{path.suffix}")
        counter += 1
    path.replace(target)
    return target


def kept_files(path: Path) -> list[Path]:
    """Progress files kept aside by `keep_aside` beside `path`, newest first."""
    try:
        found = [p for p in path.parent.glob(f"{path.stem}-*{path.suffix}") if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


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


class _AnswerDumper(yaml.SafeDumper):
    """Writes risky text double-quoted, where every character is escaped and reads back exactly.

    Risky is text that plain YAML would fold or trim: line breaks, NEL, control characters and
    spaces at either end.
    """


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    risky = text != text.strip() or any(
        ch in "\n\r\x85\u2028\u2029\ufeff" or not ch.isprintable() for ch in text
    )
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"' if risky else None)


_AnswerDumper.add_representer(str, _represent_text)


def dump_answers(document: Mapping[str, Any]) -> str:
    """YAML text for an answer document (safe, Unicode and order kept, exact round trip)."""
    return yaml.dump(
        dict(document),
        Dumper=_AnswerDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def write_private(path: Path, text: str | bytes) -> None:
    """Write `text` to `path` atomically (temporary file, fsync, rename), owner-only (0600).

    A crash at any moment leaves either the old file or the new one, never a torn file. The
    folder is created owner-only if it does not exist.
    """
    with open_private(path) as stream:
        stream.write(text.encode("utf-8") if isinstance(text, str) else text)


@contextlib.contextmanager
def open_private(path: Path) -> Iterator[BinaryIO]:
    """A binary stream that becomes `path` (0600) only when the block ends without an error."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    for leftover in folder.glob(f".{path.name}.*.tmp"):  # from a process killed mid-write
        with contextlib.suppress(OSError):
            leftover.unlink()
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
