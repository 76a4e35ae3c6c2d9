"""The `spinecheck` script: answers `--version` at once, everything else goes to the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    """Run spinecheck (importing Typer only when a command needs it)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from spinecheck import __version__

        sys.stdout.write(f"spinecheck {__version__}\n")
        return
    import gc
    import os

    # Start-up (imports, loading the questionnaire) makes tens of thousands of objects that live
    # until exit and almost no garbage, so the collector's passes over them are wasted work
    # (10-20 ms here). The CLI turns it back on, with these objects frozen, once it is ready
    # (`cli._startup_over`).
    gc.disable()

    # Pydantic looks for plugins through importlib.metadata entry points at the first model it
    # builds (about 13 ms here); a command-line tool has none to load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from spinecheck.cli import main as run

    run()
