"""Write answer files: the contract's shape with a metadata block, atomically and owner-only."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from spinecheck.answers.files import ANSWERS_FORMAT, details, load_answers
from spinecheck.errors import SpinecheckError, visible
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import Questionnaire
from spinecheck.questionnaire.reading import plain_reads_as_text

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
    patient: dict[str, str] = field(default_factory=dict)
    """Contract 1.1 patient details given in the walk (name, birth_date); never answers."""
    region: str | None = None
    """Contract 1.2: the region whose numbers the walk showed, kept for resume and summary."""
    language: str = "en"
    """Contract 1.2: the language the walk was asked in (a BCP-47 code)."""


@dataclass(frozen=True)
class SavedProgress:
    """A progress file as read back."""

    progress: Progress
    started: str
    updated: str | None


SAVE_SUFFIXES = (".yaml", ".yml", ".json")
"""The kinds of file the walk can save to (and read back)."""


def progress_text(
    questionnaire: Questionnaire, progress: Progress, started: str, *, as_json: bool = False
) -> str:
    """The progress file: an answer file (contract shape) whose metadata says where the walk is.

    YAML, or JSON when `as_json` (for a `--save` path ending in .json).
    """
    extra: dict[str, Any] = {
        "completed": progress.completed,
        "current": progress.current,
        "seen": list(progress.seen),
    }
    if progress.stopped_at_emergency:
        extra["stopped_at_emergency"] = True
    if progress.region:
        extra["region"] = progress.region
    extra["language"] = progress.language  # contract 1.2
    if progress.patient:
        extra["patient"] = dict(progress.patient)
    document = answers_document(questionnaire, progress.answers, started=started, extra=extra)
    if as_json:
        from spinecheck.clean import json_text

        return json_text(document, indent=2) + "\n"
    return dump_answers(document)


def language_of(metadata: dict[str, Any]) -> str | None:
    """The language an answer file says it was answered in (contract 1.2), if it says one."""
    from spinecheck.questionnaire.languages import LANGUAGE_CODE

    code = metadata.get("language")
    return code if isinstance(code, str) and LANGUAGE_CODE.match(code) else None


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
        patient=details(meta, "patient") or {},
        region=meta.get("region") if isinstance(meta.get("region"), str) else None,
        language=language_of(meta) or "en",
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


@lru_cache(maxsize=1)
def _answer_dumper() -> type[Any]:
    """PyYAML's safe dumper, writing risky text double-quoted.

    Made on first use: PyYAML is imported only when answers are written. Risky is text that
    plain YAML would fold or trim (line breaks, NEL, control characters and spaces at either
    end) or that YAML 1.2 reads as a number, true/false or null; double-quoted, every character
    is escaped and reads back exactly.
    """
    import yaml

    class AnswerDumper(yaml.SafeDumper):
        pass

    def represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
        risky = (
            text != text.strip()
            or any(ch in "\n\r\x85\u2028\u2029\ufeff" or not ch.isprintable() for ch in text)
            or not plain_reads_as_text(text)  # '0E0' is a number in YAML 1.2, not in 1.1
        )
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"' if risky else None)

    AnswerDumper.add_representer(str, represent_text)
    return AnswerDumper


def dump_answers(document: Mapping[str, Any]) -> str:
    """YAML text for an answer document (safe, Unicode and order kept, exact round trip)."""
    import yaml

    return yaml.dump(
        dict(document),
        Dumper=_answer_dumper(),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def write_private(path: Path, text: str | bytes) -> None:
    """Write `text` to `path` atomically (temporary file, fsync, rename), owner-only (0600).

    A crash at any moment leaves either the old file or the new one, never a torn file. Missing
    folders are created owner-only at every level. A path that is a device or a FIFO (such as
    /dev/null) is written into, never replaced; a symbolic link is refused.
    """
    with open_private(path) as stream:
        stream.write(text.encode("utf-8") if isinstance(text, str) else text)


def make_private_folders(folder: Path) -> None:
    """Create `folder` and every missing parent owner-only (0700)."""
    missing = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for level in reversed(missing):
        with contextlib.suppress(FileExistsError):
            level.mkdir(mode=0o700)


def check_replaceable(path: Path) -> None:
    """Refuse to write through a symbolic link (it would replace the link, not its file).

    Raises:
        OSError: the path is a symbolic link.
    """
    if path.is_symlink():
        raise OSError(errno.ELOOP, "is a symbolic link; give the path of the file itself")


NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
"""Flags that make `os.open` refuse a symbolic link as the last part of a path (ELOOP)."""


@contextlib.contextmanager
def open_private(path: Path) -> Iterator[BinaryIO]:
    """A binary stream that becomes `path` (0600) only when the block ends without an error.

    The new file is made under a fresh temporary name (O_EXCL: never through a link) and
    renamed over `path`, which replaces a link rather than following it; a device or a FIFO
    is opened without following links and written into.
    """
    check_replaceable(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = 0
    if mode and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        handle = os.open(path, os.O_WRONLY | NO_FOLLOW)
        if stat.S_ISREG(os.fstat(handle).st_mode):  # changed under us into a file: refuse
            os.close(handle)
            raise OSError(errno.EEXIST, "changed while it was being opened; try again")
        with os.fdopen(handle, "wb") as special:  # a device or a FIFO: written into
            yield special
        return
    folder = path.parent
    make_private_folders(folder)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{_short(path.name)}.{os.getpid()}-", suffix=".tmp", dir=folder
    )
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
    _remove_leftovers(folder, path.name)
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _short(name: str) -> str:
    """A file's name cut to 180 bytes, for the names made from it (a temporary file, a lock).

    So they stay within the 255 bytes file systems allow whenever the name itself does.
    """
    data = os.fsencode(name)
    return os.fsdecode(data[:180]) if len(data) > 180 else name


def _remove_leftovers(folder: Path, name: str) -> None:
    """Remove temporary files of writers that were killed mid-write (never a live one's)."""
    prefix = f".{_short(name)}."
    for leftover in folder.glob(f"{glob.escape(prefix)}*-*.tmp"):
        pid_text = leftover.name[len(prefix) :].split("-", 1)[0]
        if not pid_text.isdecimal() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class WalkLock:
    """Keeps a second walk off a progress file while one is using it (an advisory lock).

    Taking it also proves, before the first question, that the save folder can be written. The
    lock file is opened without following a link, and used only if it is a plain file of this
    user's with no other name (a planted link is never truncated through).
    """

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(f".{_short(path.name)}.lock")
        self.answers = path
        self.handle: int | None = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            SpinecheckError: another walk holds it, the lock file cannot be used, or the
                folder cannot be written.
        """
        try:
            make_private_folders(self.path.parent)
        except OSError as err:
            raise _unwritable(self.path.parent, err) from err
        try:
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT | NO_FOLLOW, 0o600)
        except OSError as err:
            if not os.path.lexists(self.path):  # the folder, not the lock, is the trouble
                raise _unwritable(self.path.parent, err) from err
            raise self._unusable(_lock_problem(self.path, err)) from err
        problem = _not_a_lock(os.fstat(handle))
        if problem:
            os.close(handle)
            raise self._unusable(problem)
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - no advisory locks on this system
            pass
        except OSError as err:
            os.close(handle)
            raise SpinecheckError(
                "these answers are open in another spinecheck walk",
                path=self.answers,
                hint="finish or stop the other walk first, or keep these answers elsewhere "
                "with --save OTHER.yaml",
            ) from err
        try:
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()}\n".encode())
            os.fsync(handle)
        except OSError as err:
            os.close(handle)
            raise _unwritable(self.path.parent, err) from err
        self.handle = handle

    def _unusable(self, problem: str) -> SpinecheckError:
        return SpinecheckError(
            f"the lock file {visible(str(self.path))} cannot be used: {problem}",
            path=self.answers,
            hint=f"if no other walk is running, remove {visible(str(self.path))} and start "
            "again, or keep these answers elsewhere with --save OTHER.yaml",
        )

    def release(self) -> None:
        """Let other walks use the file again."""
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None


def _lock_problem(path: Path, err: OSError) -> str:
    """Why a lock file could not be opened, in words (the real cause, not a guess)."""
    if err.errno == errno.ELOOP or path.is_symlink():
        return "it is a symbolic link, which spinecheck never writes through"
    if err.errno in (errno.EACCES, errno.EPERM):
        try:
            owner = path.stat().st_uid
        except OSError:
            owner = os.getuid()
        if owner != os.getuid():
            return "it belongs to another user"
        return "you may not open it (permission denied)"
    if err.errno == errno.EISDIR:
        return "it is a folder"
    return err.strerror or str(err)


def _not_a_lock(status: os.stat_result) -> str:
    """What makes an opened lock file unsafe to write ('' when it is fine)."""
    if not stat.S_ISREG(status.st_mode):
        return "it is not a plain file"
    if status.st_uid != os.getuid():
        return "it belongs to another user"
    if status.st_nlink > 1:
        return "it is another file's second name (a hard link), which spinecheck never writes"
    return ""


def _unwritable(folder: Path, err: OSError) -> SpinecheckError:
    reason = err.strerror or str(err)
    return SpinecheckError(
        f"your answers cannot be saved here: {reason}",
        path=folder,
        hint="choose a folder you can write to with --save FILE, or free some disk space",
    )
