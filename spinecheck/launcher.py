"""The `spinecheck` script: answers `--version` at once, everything else goes to the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    """Run spinecheck (importing Typer only when a command needs it)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from spinecheck import __version__

        sys.stdout.write(f"spinecheck {__version__}\n")
        return
    from spinecheck.cli import main as run

    run()
