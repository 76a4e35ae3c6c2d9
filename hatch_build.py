"""Build hook: the built-in questionnaire and medicine data, checked once, into the wheel.

Reads `questions.yaml` and `spinecheck/medicines/medicines.yaml` with spinecheck's own loader and
checks (a problem fails the build) and adds `spinecheck/prebuilt.msgpack` to the wheel: the same
kind of artefact as a `.pyc` file (see `spinecheck/prebuilt.py`). An editable install gets none;
spinecheck then reads and checks the files at run time, as it always can.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrebuiltHook(BuildHookInterface):  # type: ignore[misc]  # hatchling has no type hints
    """Adds the pre-checked data to a (non-editable) wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Check the data and add the artefact (a wheel only; an editable install reads files)."""
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root))
        try:
            from spinecheck.prebuild import make
            from spinecheck.prebuilt import ARTEFACT

            data = make(
                root / "questions.yaml", root / "spinecheck" / "medicines" / "medicines.yaml"
            )
        finally:
            sys.path.remove(str(root))
        folder = Path(tempfile.mkdtemp(prefix="spinecheck-build-"))
        artefact = folder / ARTEFACT
        artefact.write_bytes(data)
        build_data["force_include"][str(artefact)] = f"spinecheck/{ARTEFACT}"
