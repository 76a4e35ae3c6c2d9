"""The `spinecheck` command: options and exit codes around the core (the only Typer user)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import typer.core

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


def _fail(err: SpinecheckError, then: Callable[[], None] | None = None) -> NoReturn:
    """Print a bad-input error as `file:line: message` plus hint on stderr, and exit 1.

    `then` says what else there is to say (after the errors).
    """
    sys.stderr.write(
        f"error: {err}\n" if err.path is None and len(err.problems) == 1 else f"{err}\n"
    )
    if then is not None:
        then()
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


_REGION_HELP = "Whose emergency and support numbers to show: a region the questionnaire defines."

RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        envvar="SPINECHECK_REGION",
        help=_REGION_HELP,  # --help lists the questionnaire's regions instead (_RegionsInHelp)
    ),
]

_RAW_ARGS = "spinecheck.raw_args"
"""Where a command keeps its command-line words in `ctx.meta`, for its help."""


class _RegionsInHelp(typer.core.TyperCommand):
    """A command whose --help lists the regions of the questionnaire it would use.

    Those of the `--questions FILE` on the command line when it can be read, else the built-in
    questionnaire's. The questionnaire is read only when help is shown: a command that runs
    pays nothing for this.
    """

    # Click's context and formatter types are private to Typer (typer._click): typed as Any.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta[_RAW_ARGS] = list(args)  # --help is eager: it is shown before --questions is read
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        options = [p for p in self.params if isinstance(p, typer.core.TyperOption)]
        option = next((p for p in options if p.name == "region"), None)
        if option is None:  # pragma: no cover - every command given this class has --region
            super().format_help(ctx, formatter)
            return
        before = option.help
        option.help = region_help(_questions_named(ctx.meta.get(_RAW_ARGS, [])))
        try:
            super().format_help(ctx, formatter)
        finally:
            option.help = before


def _questions_named(args: list[str]) -> str | None:
    """The file a command line gives with --questions (the last one, as Click reads it)."""
    named = None
    for index, arg in enumerate(args):
        if arg == "--":  # what follows is arguments, never options
            break
        if arg == "--questions" and index + 1 < len(args):
            named = args[index + 1]
        elif arg.startswith("--questions="):
            named = arg.partition("=")[2]
    return named or None


def region_help(questions: str | None) -> str:
    """The --region help: the regions the questionnaire defines, its default marked.

    Those of `questions` when that file can be read, else the built-in questionnaire's (and
    the help says why).
    """
    from spinecheck.clean import clean_line
    from spinecheck.questionnaire.loading import load_questionnaire

    found, note = None, ""
    if questions is not None:
        try:
            found = load_questionnaire(Path(questions))
        except SpinecheckError:
            note = (
                f" ({visible(clean_line(questions))} cannot be read: "
                "these are the built-in questionnaire's regions.)"
            )
    if found is None:
        try:
            found = load_questionnaire()
        except SpinecheckError:  # pragma: no cover - the built-in file is checked by its tests
            return _REGION_HELP
    listed = [
        f"{key} ({clean_line(region.label)}"
        + (", the default)" if key == found.default_region else ")")
        for key, region in found.regions.items()
    ]
    if not listed:
        return "Whose emergency and support numbers to show (this questionnaire defines none)."
    return "Whose emergency and support numbers to show: " + ", ".join(listed) + "." + note


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


@app.command(cls=_RegionsInHelp)
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
    from_question: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="QUESTION_ID",
            help="Preview, for clinic staff: start at this question (its id), with earlier "
            "answers left empty. Nothing is saved.",
        ),
    ] = None,
) -> None:
    """Answer the questionnaire, one question at a time, then see your summary.

    Your answers are saved after every answer. Stop at any time with Ctrl-C and continue later
    with: spinecheck start --resume

    To try a new question without walking to it: spinecheck start --questions FILE --from ID
    """
    from spinecheck.walk.session import StartOptions, run_walk

    for given, name in ((resume, "--resume"), (save is not None, "--save")):
        if from_question is not None and given:
            raise typer.BadParameter(
                f"cannot be used with {name}: a preview saves nothing and continues nothing",
                param_hint="'--from'",
            )
    options = StartOptions(
        questions=questions, resume=resume, plain=plain, save=save, region=region,
        language=language, from_question=from_question,
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


@app.command(cls=_RegionsInHelp)
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
            help="Paper size for html and pdf (default: the paper of the region, its 'paper' "
            "in the questionnaire; a4 when it sets none).",
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


@app.command("export-questionnaire", cls=_RegionsInHelp)
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
    """Check a questionnaire file and report every problem with its file and line.

    Also compares it with the answers contract: a renamed or dropped contract question or
    value is an error. Warnings (a new required question, a changed copy that keeps the
    built-in id) do not fail the check.
    """
    from spinecheck.errors import Problem
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.questionnaire.loading import questions_file as builtin

    notes: list[str] = []
    warnings: list[Problem] = []

    def say_notes_and_warnings() -> None:
        for note in notes:
            typer.echo(f"note: {visible(note)}", err=True)
        for warning in warnings:
            text = f"{warning.location()}: warning: {visible(warning.message)}"
            hint = f"\n  hint: {visible(warning.hint)}" if warning.hint else ""
            typer.echo(text + hint, err=True)

    try:
        questionnaire = load_questionnaire(
            questions_file, notes=notes, strict=True, warnings=warnings, against_contract=True
        )
    except SpinecheckError as err:
        _fail(err, then=say_notes_and_warnings)  # the errors first
    say_notes_and_warnings()
    shown = questions_file or builtin()
    counts = (len(questionnaire.questions), len(questionnaire.rules), len(questionnaire.sources))
    warned = f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    typer.echo(f"{visible(str(shown))}: OK ({counts[0]} questions, {counts[1]} rules, "
               f"{counts[2]} sources{warned})")  # fmt: skip


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
