"""The `spinecheck` script: answers `--version` at once, everything else goes to the CLI."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    """Run spinecheck (importing Typer only when a command needs it).

    Typed bytes that are not UTF-8 and output that cannot be encoded (PYTHONIOENCODING=ascii)
    are replaced, never a crash; output that cannot be written (a closed pipe, a full disk)
    ends the command with a message.
    """
    stdout_closed = sys.stdout is None
    if sys.stdout is None:  # started with standard output closed: give it somewhere harmless
        sys.stdout = Path(os.devnull).open("w", encoding="utf-8")  # lives until exit
    if sys.stderr is None:
        sys.stderr = Path(os.devnull).open("w", encoding="utf-8")  # lives until exit
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    if sys.argv[1:] in (["--version"], ["-V"]):
        from spinecheck import __version__

        sys.stdout.write(f"spinecheck {__version__}\n")
        return
    from spinecheck.cli import main as run

    try:
        run(stdout_closed=stdout_closed)
    except SystemExit as done:
        _flush_or_fail()
        raise done
    _flush_or_fail()


def _flush_or_fail() -> None:
    """Flush standard output now, so a write that fails is reported instead of ignored."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`spinecheck summary ... | head`): Python's documented way out.
        _silence_stdout()
        raise SystemExit(1) from None
    except OSError as err:
        _silence_stdout()
        sys.stderr.write(f"error: cannot write the output: {err.strerror or err}\n")
        raise SystemExit(1) from None


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
