"""Baseline B: the smallest Typer app with one command that does nothing."""

import typer

app = typer.Typer()


@app.command()
def nothing() -> None:
    """Do nothing."""


@app.command()
def other() -> None:
    """A second command, so Typer parses a subcommand as spinecheck does."""


if __name__ == "__main__":
    app()
