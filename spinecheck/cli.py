"""The `spinecheck` command: options and exit codes around the core (the only Typer user)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

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
        bool,
        typer.Option(
            "--plain", help="Numbered line-by-line questions, no colour (screen readers)."
        ),
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save", help="Where to keep your answers (saved after every answer).", dir_okay=False
        ),
    ] = None,
    region: RegionOption = None,
) -> None:
    """Answer the questionnaire, one question at a time, then see your summary.

    Your answers are saved after every answer. Stop at any time with Ctrl-C and continue later
    with: spinecheck start --resume
    """
    from spinecheck.loader import load_questionnaire
    from spinecheck.rules import choose_region, stops_walk
    from spinecheck.saving import (
        default_progress_path,
        keep_aside,
        load_progress,
        now,
        progress_text,
        write_private,
    )
    from spinecheck.walk import Outcome, Progress, Walk

    try:
        questionnaire = load_questionnaire(questions)
        contacts = choose_region(questionnaire, region)
    except SpinecheckError as err:
        _fail(err)
    plain = plain or os.environ.get("TERM") == "dumb"
    if not plain and not _stdin_is_terminal():
        sys.stderr.write(
            "spinecheck start needs a terminal to ask its questions.\n"
            "  hint: to summarise answers you already have, run "
            "'spinecheck summary ANSWERS_FILE'; for line-by-line questions over a pipe, "
            "use 'spinecheck start --plain'\n"
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    path = save or default_progress_path()
    # Prompts and messages go to the terminal even when the summary is redirected to a file.
    screen = sys.stdout if sys.stdout.isatty() or not sys.stderr.isatty() else sys.stderr

    progress = Progress()
    started = now()
    if path.exists():
        try:
            saved = load_progress(path, questionnaire)
        except SpinecheckError as err:
            _fail(err)  # never overwrite a file we cannot read: it may hold answers
        if resume:
            progress, started = saved.progress, saved.started
        else:
            aside = keep_aside(path)
            screen.write(
                f"Earlier answers were kept in {aside} (use --resume to continue saved answers).\n"
            )
    elif resume:
        screen.write(f"No saved answers were found in {path}, so we start from the beginning.\n")

    def save_progress(current: Progress) -> None:
        write_private(path, progress_text(questionnaire, current, started))

    emergency_number = contacts.emergency_number if contacts else "your local emergency number"
    emergency_place = contacts.emergency if contacts else "the nearest emergency department"
    if plain:
        from spinecheck.plain_prompts import PlainAsker

        asker: Any = PlainAsker(sys.stdin, screen)
        session: Any = contextlib.nullcontext()
        from spinecheck.plain_prompts import KEYS_HINT
    else:
        from spinecheck.medicines import default_index
        from spinecheck.prompts import KEYS_HINT, QuestionaryAsker, terminal_session

        asker = QuestionaryAsker(screen, default_index().completions())
        session = terminal_session(to_stderr=screen is sys.stderr)

    from spinecheck.asking import welcome_text

    asker.say(
        welcome_text(
            emergency_number, emergency_place, str(path),
            resuming=bool(progress.answers), keys=KEYS_HINT,
        )
    )  # fmt: skip
    if progress.answers and stops_walk(questionnaire, progress.answers):
        first_yes = next(
            q.id
            for q in questionnaire.questions
            if q.warning and progress.answers.get(q.id) is True
        )
        asker.say(
            "\nYou said yes to a warning sign that needs help now. If that is right, call "
            f"{emergency_number} now. If it was a mistake, change your answer."
        )
        progress.current = first_yes
        progress.stopped_at_emergency = False

    walk = Walk(questionnaire, asker, progress, save_progress)
    try:
        with session:
            outcome = walk.run()
    except (KeyboardInterrupt, EOFError):
        if walk.progress.answers:
            save_progress(walk.progress)
            resume_command = "spinecheck start --resume" + (f" --save {path}" if save else "")
            screen.write(
                f"\n\nStopped. Your answers are saved in {path}.\n"
                f"To continue where you stopped, run: {resume_command}\n"
            )
        else:
            screen.write("\n\nStopped. Nothing was saved yet.\n")
        raise typer.Exit(EXIT_INTERRUPTED) from None

    from spinecheck.render.plain import to_text
    from spinecheck.rules import assess

    assessment = assess(questionnaire, walk.progress.answers, region=region)
    if outcome is Outcome.EMERGENCY:
        asker.say("\n" + _emergency_text(assessment))
        asker.say(f"\nYour answers are saved in {path}.")
        raise typer.Exit(EXIT_EMERGENCY)
    sys.stdout.write("\n" + to_text(assessment, questionnaire))
    sys.stdout.flush()
    screen.write(
        f"\nYour answers are saved in {path}.\n"
        f"To print this summary: spinecheck summary {path} --format pdf --output summary.pdf\n"
    )


def _stdin_is_terminal() -> bool:
    """Whether a person can answer prompts (tests drive prompts through a pipe and patch this)."""
    return sys.stdin.isatty()


def _emergency_text(assessment: Any) -> str:
    """The emergency screen: what to do now, and which sign led to it."""
    lines = ["=" * 60, "GET HELP NOW", "=" * 60, assessment.urgency_message, ""]
    for flag in assessment.red_flags:
        lines.append(f"- {flag.message}")
    return "\n".join(lines)


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
