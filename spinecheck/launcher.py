"""The `spinecheck` script: answers `--version` at once, everything else goes to the CLI."""

from __future__ import annotations

import sys
from typing import NoReturn


def main() -> None:
    """Run spinecheck (importing Typer only when a command needs it)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from spinecheck import __version__

        sys.stdout.write(f"spinecheck {__version__}\n")
        return
    import gc
    import os

    # Pydantic looks for plugins through importlib.metadata entry points at the first model it
    # builds (about 13 ms here); a command-line tool has none to load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Start-up (imports, loading the questionnaire) makes tens of thousands of objects that live
    # until exit and almost no garbage, so the collector's passes over them are wasted work
    # (10-20 ms here). The CLI turns it back on, with these objects frozen, once it is ready
    # (`cli._startup_over`).
    gc.disable()
    from spinecheck.cli import main as run

    try:
        run()
    except SystemExit as done:
        leave(done.code)
    leave(0)


def leave(code: object) -> NoReturn:
    """Exit with `code` once the output is flushed, skipping the interpreter's teardown.

    Freeing every object of Typer, pydantic and Rich one by one at exit took 40-50 ms, a quarter
    of a whole `summary` run; the operating system reclaims the memory at once. Every file we
    write is complete and closed before a command returns (see `saving.write_private`), and we
    start no threads or exit handlers that must run. If the output cannot be flushed (a closed
    pipe), Python's own exit handles it as usual.
    """
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): Python prints the message and exits with 1
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(status) from None
    os._exit(status)
