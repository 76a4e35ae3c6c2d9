"""The `spinecheck` command: options and exit codes around the core (the only Typer user)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from spinecheck import __version__
from spinecheck.errors import SpinecheckError, visible
from spinecheck.render.output_format import OutputFormat, PageSize

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

LanguageOption = Annotated[
    str | None,
    typer.Option(
        "--language",
        envvar="SPINECHECK_LANGUAGE",
        help="The language to ask and answer in: en or es (default: the computer's, from LANG). "
        "The clinician page is always in English.",
    ),
]

QuestionsOption = Annotated[
    Path | None,
    typer.Option(
        "--questions",
        help="A questionnaire file to use instead of the built-in one.",
    ),
]


@app.command()
def start(
    questions: QuestionsOption = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue where you stopped.")] = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain", help="Numbered line-by-line questions, no colour (screen readers)."
        ),
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Where to keep your answers (saved after every answer)."),
    ] = None,
    region: RegionOption = None,
    language: LanguageOption = None,
) -> None:
    """Answer the questionnaire, one question at a time, then see your summary.

    Your answers are saved after every answer. Stop at any time with Ctrl-C and continue later
    with: spinecheck start --resume
    """
    from spinecheck.walk.session import StartOptions, run_walk

    options = StartOptions(
        questions=questions, resume=resume, plain=plain, save=save, region=region,
        language=language,
    )  # fmt: skip
    try:
        code = run_walk(options, stdin_is_terminal=_stdin_is_terminal())
    except SpinecheckError as err:
        _fail(err)
    if code:
        raise typer.Exit(code)


def _stdin_is_terminal() -> bool:
    """Whether a person can answer prompts (tests drive prompts through a pipe and patch this)."""
    return sys.stdin.isatty()


ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace output files that already exist.")
]

FormatOption = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", help="Output format (default: rich on a terminal, else text)."),
]


@app.command()
def summary(
    ctx: typer.Context,
    answers: Annotated[
        list[str],
        typer.Argument(
            help="Answer files (YAML or JSON) or folders of them; '-' reads standard input.",
            metavar="ANSWERS...",
        ),
    ],
    questions: QuestionsOption = None,
    output_format: FormatOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="A file for all summaries (day.pdf, day.html), or a folder for one file each.",
        ),
    ] = None,
    audience: Annotated[
        Audience, typer.Option("--audience", help="Who the summary is for.")
    ] = Audience.PATIENT,
    page: Annotated[
        PageSize | None,
        typer.Option(
            "--page",
            help="Paper size for html and pdf (default: letter for the US region, else a4).",
        ),
    ] = None,
    region: RegionOption = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="The patient's summary in this language (en or es; default: the language each "
            "file was answered in). The clinician page is always in English.",
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Print summaries from answer files: one patient, or a whole day's list.

    Examples:
      spinecheck summary answers.yaml

      spinecheck summary answers.yaml --format json

      spinecheck summary todays-answers/ --audience clinician --output day.pdf

      spinecheck summary todays-answers/ --format html --output summaries/
    """
    from spinecheck.printing import PrintRequest, print_summaries

    request = PrintRequest(
        answers=answers, questions=questions, output_format=output_format, output=output,
        audience=audience.value, page=page, region=region, language=language, force=force,
        stdout_closed=bool((ctx.obj or {}).get("stdout_closed")),
    )  # fmt: skip
    try:
        code = print_summaries(request)
    except SpinecheckError as err:
        _fail(err)
    if code:
        raise typer.Exit(code)


@app.command("export-questionnaire")
def export_questionnaire(
    questions: QuestionsOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    force: ForceOption = False,
    region: RegionOption = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="The language the Questionnaire is written in (default: the questionnaire "
            "file's own, en); its other languages are translations on every text.",
        ),
    ] = None,
) -> None:
    """Print the questionnaire as a FHIR R4 Questionnaire (JSON), to match --format fhir answers.

    A warning sign answered yes shows what to do now, with the region's numbers. Every text
    carries its translations into the questionnaire's other languages (Spanish).
    """
    from spinecheck.clean import json_text
    from spinecheck.printing import refuse_existing, write_file
    from spinecheck.questionnaire.loading import in_language, load_languages, questions_file
    from spinecheck.render.fhir import to_questionnaire

    try:
        found = load_languages(questions)
        written = in_language(found, language, str(questions or questions_file()))
        others = [other for other in found.values() if other is not written]
        resource = to_questionnaire(written, region=region, translations=others)
        text = json_text(resource, indent=2) + "\n"
    except SpinecheckError as err:
        _fail(err)
    if output is not None:
        try:
            refuse_existing(output, force=force)
            write_file(output, text)
        except SpinecheckError as err:
            _fail(err)
    else:
        sys.stdout.write(text)


@app.command()
def check(
    questions_file: Annotated[
        Path | None,
        typer.Argument(help="The questionnaire file (default: the built-in one)."),
    ] = None,
) -> None:
    """Check a questionnaire file and report every problem with its file and line."""
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.questionnaire.loading import questions_file as builtin

    notes: list[str] = []
    try:
        questionnaire = load_questionnaire(questions_file, notes=notes, strict=True)
    except SpinecheckError as err:
        _fail(err)
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    shown = questions_file or builtin()
    counts = (len(questionnaire.questions), len(questionnaire.rules), len(questionnaire.sources))
    typer.echo(f"{visible(str(shown))}: OK ({counts[0]} questions, {counts[1]} rules, "
               f"{counts[2]} sources)")  # fmt: skip


@app.command()
def rules(
    questions: QuestionsOption = None,
) -> None:
    """Print the clinical logic for review: the gate table, each suggestion and its gates."""
    from spinecheck.clean import clean
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.render.rules_table import to_markdown

    try:
        questionnaire = load_questionnaire(questions)
    except SpinecheckError as err:
        _fail(err)
    sys.stdout.write(clean(to_markdown(questionnaire)))


@app.command()
def schema() -> None:
    """Print the JSON Schema of questionnaire files (for editor autocomplete and checks)."""
    from spinecheck.questionnaire.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


def main(*, stdout_closed: bool = False) -> None:
    """Entry point of the `spinecheck` script.

    `stdout_closed`: the launcher found standard output closed at start (it knows; the commands
    are told through Click's context object).
    """
    app(prog_name="spinecheck", obj={"stdout_closed": stdout_closed})
