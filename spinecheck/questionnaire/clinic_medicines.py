"""A questionnaire's own medicine file (`medicines: clinic-medicines.yaml`): found, read, checked.

The file is named relative to the questionnaire's folder and must stay inside it. It is read
like every file we read (size limits, the safe YAML loader, a line for every problem) and its
content checked like the built-in medicine data (`spinecheck.medicines.clinic`). A run with
that questionnaire then reads medicines with the clinic's names added (`medicine_index`); a
questionnaire without one uses the built-in data exactly as before.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from spinecheck.errors import Problem, SpinecheckError
from spinecheck.medicines import clinic
from spinecheck.medicines.matching import MedicineIndex, default_index
from spinecheck.questionnaire.model import Questionnaire
from spinecheck.questionnaire.reading import Document, parse_yaml, read_text

_BUILT: dict[str, MedicineIndex] = {}
"""Each clinic medicine file checked in this run, by its full path (nothing is kept on disk)."""

_WHERE_TO_PUT_IT = (
    "put the medicine file beside the questionnaire (or in a folder inside its folder) and give "
    "its name, such as medicines: clinic-medicines.yaml"
)


class _Refused(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def check_medicine_file(document: Document, label: str) -> tuple[str | None, list[Problem]]:
    """The full path of the medicine file a questionnaire names (or None), and its problems.

    A path that leaves the questionnaire's folder, or a file that is not there, is a problem at
    the questionnaire's `medicines` line; a problem inside the file is at the file's own line.
    """
    data = document.data
    value = data.get("medicines") if isinstance(data, dict) else None
    if not isinstance(value, str):
        return None, []  # none; or not text, which the questionnaire's own check reports
    try:
        path, shown = _resolve(value, label)
    except _Refused as refused:
        return None, [
            document.problem(("medicines",), refused.message, hint=refused.hint, value=True)
        ]
    try:
        _BUILT[str(path)] = _read(path, shown)
    except SpinecheckError as error:
        return str(path), error.problems
    return str(path), []


def medicine_index(questionnaire: Questionnaire) -> MedicineIndex:
    """The medicine names a run with this questionnaire reads: the built-in ones, and its own.

    Raises:
        SpinecheckError: the questionnaire's medicine file has a problem (it was checked when
            the questionnaire was loaded, so only when it changed since).
    """
    path = questionnaire.medicines
    if path is None:
        return default_index()
    found = _BUILT.get(path)
    if found is None:
        found = _BUILT[path] = _read(Path(path), path)
    return found


def _resolve(value: str, label: str) -> tuple[Path, str]:
    """The medicine file's full path, and the name its problems are reported under."""
    if label == "<stdin>":
        raise _Refused(
            "a questionnaire read from standard input cannot name a medicine file",
            "give the questionnaire as a file: its medicine file is found beside it",
        )
    written = value.strip()
    if not written:
        raise _Refused("the medicine file's name is empty", _WHERE_TO_PUT_IT)
    windows = PureWindowsPath(written)
    if PurePosixPath(written).is_absolute() or windows.is_absolute() or windows.drive:
        raise _Refused(
            f"the medicine file must be named from this questionnaire's folder, not as {written!r}",
            _WHERE_TO_PUT_IT,
        )
    if written.startswith("~") or ".." in re.split(r"[\\/]+", written):
        raise _Refused(f"{written!r} leaves this questionnaire's folder", _WHERE_TO_PUT_IT)
    folder = Path(label).parent
    shown = str(folder / written)
    try:
        home = folder.resolve()
        path = (home / written).resolve()
    except (OSError, RuntimeError) as error:  # a loop of symbolic links
        raise _Refused(
            f"the medicine file {written!r} cannot be found: {error}", _WHERE_TO_PUT_IT
        ) from None
    if not path.is_relative_to(home):
        raise _Refused(
            f"{written!r} leads outside this questionnaire's folder (a symbolic link)",
            _WHERE_TO_PUT_IT,
        )
    if path.is_dir():
        raise _Refused(f"{written!r} is a folder", "give the medicine file's name")
    if not path.is_file():
        raise _Refused(
            f"medicine file {written!r} not found",
            f"it is looked for in the questionnaire's folder ({folder.resolve()}): check the "
            "name and its spelling",
        )
    return path, shown


def _read(path: Path, shown: str) -> MedicineIndex:
    """The index with a clinic file's names, read and checked.

    Raises:
        SpinecheckError: every problem with the file, each at its line.
    """
    text, _ = read_text(path, label=shown)
    document = parse_yaml(text, shown)
    problems: list[Problem] = list(document.problems)
    problems += [
        document.problem(found.where, found.message, hint=found.hint, value=not found.at_key)
        for found in clinic.check(document.data)
    ]
    if problems:
        raise SpinecheckError(problems=sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return clinic.index_with(document.data, shown)
