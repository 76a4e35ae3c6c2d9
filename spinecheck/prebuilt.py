"""The built-in questionnaire and medicine data, checked when the wheel was built.

Like a `.pyc` file, not a cache: the build (`hatch_build.py`) reads `questions.yaml` and
`medicines.yaml` through the very same loader and checks as a run does, and writes the result
into the wheel as `prebuilt.msgpack`, with the SHA-256 of each file it was made from and the
spinecheck version. A run uses it only when the built-in file it is about to read has that
hash and the version matches; otherwise (an edited file, an editable install without it, a
damaged artefact) the file is read and checked as always. Nothing here is ever written at run
time. A clinic's own `--questions` file and `spinecheck check` always read and check the file.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import msgspec

from spinecheck import __version__

ARTEFACT = "prebuilt.msgpack"
"""Its name, in the package folder beside `__init__.py`."""


class Prebuilt(msgspec.Struct, frozen=True, kw_only=True):
    """What the build checked, and what it was made from.

    Each part stays encoded until the layer that owns it decodes it (the questionnaire loader
    into its models, the medicine matcher into its data): this module sits below both.
    """

    version: str
    questions_sha256: str
    questionnaire: msgspec.Raw
    """In the file's own language."""
    translations: dict[str, msgspec.Raw] = {}
    """In each further language the file declares, by language code."""
    medicines_sha256: str
    medicines: msgspec.Raw


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def _artefact() -> Prebuilt | None:
    path = Path(__file__).resolve().parent / ARTEFACT
    try:
        found = msgspec.msgpack.decode(path.read_bytes(), type=Prebuilt)
    except (OSError, msgspec.DecodeError):  # none (an editable install), or damaged
        return None
    return found if found.version == __version__ else None


def questionnaire_for(source: bytes, language: str | None = None) -> msgspec.Raw | None:
    """The checked questionnaire made from exactly these bytes, if the build made it (encoded).

    In `language` when given and the file has it; None otherwise.
    """
    found = _artefact()
    if found is None or found.questions_sha256 != digest(source):
        return None
    if language is None:
        return found.questionnaire
    return found.translations.get(language)


def medicines_for(source: bytes) -> msgspec.Raw | None:
    """The medicine data made from exactly these bytes, if the build made it (encoded)."""
    found = _artefact()
    if found is None or found.medicines_sha256 != digest(source):
        return None
    return found.medicines
