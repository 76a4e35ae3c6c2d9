"""Making the build's artefact (`spinecheck.prebuilt`): used by `hatch_build.py` and the tests."""

from __future__ import annotations

from pathlib import Path

import msgspec

from spinecheck import __version__
from spinecheck.prebuilt import Prebuilt, digest


def make(questions: Path, medicines: Path) -> bytes:
    """The artefact for these two files: each read and checked exactly as a run would.

    Raises:
        SpinecheckError: a file has a problem (the build fails, as it should).
    """
    from spinecheck.medicines.matching import build_index, medicine_data
    from spinecheck.questionnaire.loading import load_languages

    own, *others = load_languages(questions, notes=[]).values()  # read and checked, never prebuilt
    medicine_bytes = medicines.read_bytes()
    data = medicine_data(medicine_bytes)  # read exactly as a run without the artefact reads it
    build_index(data)  # the same checks as a run's
    return msgspec.msgpack.encode(
        Prebuilt(
            version=__version__,
            questions_sha256=digest(questions.read_bytes()),
            questionnaire=msgspec.Raw(msgspec.msgpack.encode(own)),
            translations={
                other.language: msgspec.Raw(msgspec.msgpack.encode(other)) for other in others
            },
            medicines_sha256=digest(medicine_bytes),
            medicines=msgspec.Raw(msgspec.msgpack.encode(data)),
        )
    )
