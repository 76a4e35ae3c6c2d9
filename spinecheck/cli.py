"""The `spinecheck` command: options and exit codes around the core (the only Typer user)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from spinecheck import __version__
from spinecheck.errors import SpinecheckError

app = typer.Typer(
    name="spinecheck",
    help="Prepare for a back or neck pain visit: a questionnaire and a summary to take along.",
    add_completion=False,
    pretty_exceptions_show_locals=False,  # answers are health data: never print them in a traceback
    rich_markup_mode=None,
    no_args_is_help=False,
)

EXIT_BAD_INPUT = 1
EXIT_EMERGENCY = 3
EXIT_INTERRUPTED = 130


class OutputFormat(StrEnum):
    """The summary formats."""

    RICH = "rich"
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    JSON = "json"
    FHIR = "fhir"


class Audience(StrEnum):
    """Who the summary is for."""

    PATIENT = "patient"
    CLINICIAN = "clinician"


def _fail(err: SpinecheckError) -> NoReturn:
    """Print a bad-input error as `file:line: message` plus hint on stderr, and exit 1."""
    sys.stderr.write(
        f"error: {err}\n" if err.path is None and len(err.problems) == 1 else f"{err}\n"
    )
    raise typer.Exit(EXIT_BAD_INPUT)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spinecheck {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Prepare for a back or neck pain visit: answer questions, get a summary to take along.

    Run without a command to start the questionnaire.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(start)


RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        envvar="SPINECHECK_REGION",
        help="Whose emergency and support numbers to show: us (default), uk or other.",
    ),
]

QuestionsOption = Annotated[
    Path | None,
    typer.Option(
        "--questions",
        help="A questionnaire file to use instead of the built-in one.",
        dir_okay=False,
    ),
]


@app.command()
def start(
    questions: QuestionsOption = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue where you stopped.")] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Numbered line-by-line questions, no colour.")
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save", help="Where to keep your answers (saved after every answer).", dir_okay=False
        ),
    ] = None,
) -> None:
    """Answer the questionnaire, one question at a time, then see your summary."""
    from spinecheck.loader import load_questionnaire

    try:
        load_questionnaire(questions)
    except SpinecheckError as err:
        _fail(err)
    if not sys.stdin.isatty():
        sys.stderr.write(
            "spinecheck start needs a terminal to ask questions.\n"
            "  hint: to summarise answers you already have, run "
            "'spinecheck summary ANSWERS_FILE'\n"
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    sys.stderr.write("The interactive questionnaire is not available in this version yet.\n")
    raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def summary(
    answers: Annotated[
        list[str],
        typer.Argument(
            help="Answer files (YAML or JSON); '-' reads standard input.", metavar="ANSWERS..."
        ),
    ],
    questions: QuestionsOption = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format", "-f", help="Output format (default: rich on a terminal, else text)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the screen."),
    ] = None,
    audience: Annotated[
        Audience, typer.Option("--audience", help="Who the summary is for.")
    ] = Audience.PATIENT,
    region: RegionOption = None,
) -> None:
    """Print summaries from answer files.

    Example: spinecheck summary answers.yaml --format json
    """
    from spinecheck.loader import load_answers, load_questionnaire
    from spinecheck.report import to_json_dict
    from spinecheck.rules import assess, choose_region

    try:
        questionnaire = load_questionnaire(questions)
        choose_region(questionnaire, region)
    except SpinecheckError as err:
        _fail(err)
    chosen = output_format or (OutputFormat.RICH if sys.stdout.isatty() else OutputFormat.TEXT)
    if chosen in (OutputFormat.PDF, OutputFormat.FHIR):
        sys.stderr.write(f"error: the {chosen.value} format is not available in this version yet\n")
        raise typer.Exit(2)
    rendered: list[str] = []
    documents: list[dict[str, object]] = []
    failures: list[SpinecheckError] = []
    for name in answers:
        try:
            answer_file = load_answers(name, questionnaire)
        except SpinecheckError as err:
            failures.append(err)
            sys.stderr.write(f"{err}\n")
            continue
        assessment = assess(questionnaire, answer_file.answers, region=region)
        if chosen is OutputFormat.JSON:
            documents.append(to_json_dict(assessment))
        else:
            from spinecheck.render.plain import to_text

            rendered.append(to_text(assessment, questionnaire))
    if chosen is OutputFormat.JSON:
        payload: object = documents[0] if len(answers) == 1 and documents else documents
        text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n" if documents else ""
    else:
        text = "\f\n".join(rendered)
    if text:
        if output is not None:
            from spinecheck.saving import write_private

            write_private(output, text)
        else:
            sys.stdout.write(text)
    if failures:
        sys.stderr.write(f"{len(failures)} of {len(answers)} answer files could not be read.\n")
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def check(
    questions_file: Annotated[
        Path | None,
        typer.Argument(help="The questionnaire file (default: the built-in one).", dir_okay=False),
    ] = None,
) -> None:
    """Check a questionnaire file and report every problem with its file and line."""
    from spinecheck.loader import load_questionnaire
    from spinecheck.loader import questions_file as builtin

    try:
        questionnaire = load_questionnaire(questions_file)
    except SpinecheckError as err:
        _fail(err)
    shown = questions_file or builtin()
    typer.echo(
        f"{shown}: OK ({len(questionnaire.questions)} questions, {len(questionnaire.rules)} rules, "
        f"{len(questionnaire.sources)} sources)"
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of questionnaire files (for editor autocomplete and checks)."""
    from spinecheck.model import Questionnaire

    document = Questionnaire.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "spinecheck questionnaire"
    typer.echo(json.dumps(document, indent=2))


def main() -> None:
    """Entry point of the `spinecheck` script."""
    app(prog_name="spinecheck")
