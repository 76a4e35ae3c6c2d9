"""The `spinecheck` command: options and exit codes around the core (the only Typer user)."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from spinecheck import __version__
from spinecheck.errors import SpinecheckError
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


def _startup_over() -> None:
    """Start-up is over: collect garbage again, leaving out what start-up made (see launcher)."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


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
    from spinecheck.walk.session import StartOptions, run_walk

    _startup_over()
    options = StartOptions(
        questions=questions, resume=resume, plain=plain, save=save, region=region
    )
    try:
        code = run_walk(options, stdin_is_terminal=_stdin_is_terminal())
    except SpinecheckError as err:
        _fail(err)
    if code:
        raise typer.Exit(code)


def _stdin_is_terminal() -> bool:
    """Whether a person can answer prompts (tests drive prompts through a pipe and patch this)."""
    return sys.stdin.isatty()


FormatOption = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", help="Output format (default: rich on a terminal, else text)."),
]


@app.command()
def summary(
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
) -> None:
    """Print summaries from answer files: one patient, or a whole day's list.

    Examples:
      spinecheck summary answers.yaml

      spinecheck summary answers.yaml --format json

      spinecheck summary todays-answers/ --audience clinician --output day.pdf

      spinecheck summary todays-answers/ --format html --output summaries/
    """
    from spinecheck.answers.files import load_answers
    from spinecheck.assessment.report import SummaryInfo
    from spinecheck.assessment.rules import assess, choose_region
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.render.formats import STREAMED, Summary, frame, piece, render

    try:
        questionnaire = load_questionnaire(questions, remember=True)
        contacts = choose_region(questionnaire, region)
        files = _expand(answers)
    except SpinecheckError as err:
        _fail(err)
    chosen = OutputFormat(
        output_format or ("rich" if sys.stdout.isatty() and output is None else "text")
    )
    paper = page or (
        "letter" if contacts is not None and contacts.label == "United States" else "a4"
    )
    per_file = output is not None and (output.is_dir() or not output.suffix)
    if chosen.binary and output is None and sys.stdout.isatty():
        sys.stderr.write(
            "error: a PDF cannot be shown on the terminal\n  hint: add --output summary.pdf\n"
        )
        raise typer.Exit(2)

    many = len(files) > 1
    terminal = chosen is OutputFormat.RICH and output is None and sys.stdout.isatty()
    # A batch keeps only what it must: each summary's text as soon as it is drawn (streamed
    # formats), or the summaries themselves for one HTML or PDF document.
    streamed = many and not per_file and chosen in STREAMED and not terminal
    kept: list[Summary] = []
    written = 0
    failures: list[tuple[str, SpinecheckError]] = []
    before, between, after = frame(chosen)
    with contextlib.suppress(_NothingWritten), contextlib.ExitStack() as stack:
        sink = _sink(stack, output) if streamed else None
        advance = stack.enter_context(_progress(len(files)))
        for number, name in enumerate(files):
            if number == 1:
                _startup_over()  # after the first file, which loaded the renderer it needed
            try:
                loaded = load_answers(name, questionnaire)
            except SpinecheckError as err:
                failures.append((name, err))
                advance()
                continue
            meta = loaded.metadata
            updated = meta.get("updated")
            info = SummaryInfo(
                source=Path(name).name if name != "-" else "standard input",
                answered_at=str(updated) if updated else None,
            )
            one = Summary(
                questionnaire,
                loaded.answers,
                assess(questionnaire, loaded.answers, region=region),
                info,
                completed=meta.get("completed") is not False,
            )
            written += 1
            if per_file and output is not None:
                _write(
                    output / f"{_stem(name)}.{chosen.extension}",
                    _render(render, chosen, [one], audience, paper, many=False),
                )
            elif terminal:
                from rich.console import Console

                from spinecheck.render.formats import document_of
                from spinecheck.render.terminal import render as draw

                draw(document_of(one, audience.value), Console())
            elif sink is not None:
                start = before if written == 1 else between
                sink.write(start + piece(chosen, one, audience=audience.value))
            else:
                kept.append(one)
            advance()
        if sink is not None and written:
            sink.write(after)
        elif sink is not None and output is not None:
            raise _NothingWritten  # every file failed: leave no empty output file behind

    if written and not per_file and not terminal and not streamed:
        result = _render(render, chosen, kept, audience, paper, many=many)
        if output is not None:
            _write(output, result)
        elif isinstance(result, bytes):
            sys.stdout.buffer.write(result)
            sys.stdout.flush()
        else:
            sys.stdout.write(result)
    if failures:
        for _, problem in failures:
            sys.stderr.write(f"{problem}\n")
        sys.stderr.write(
            f"{len(failures)} of {len(files)} answer files could not be read and were skipped:\n"
        )
        for name, _ in failures:
            sys.stderr.write(f"  {name}\n")
        raise typer.Exit(EXIT_BAD_INPUT)
    if output is not None:
        count = written
        where = f"{output}{'/' if per_file else ''}"
        sys.stderr.write(f"Wrote {count} summar{'y' if count == 1 else 'ies'} to {where}\n")


class _NothingWritten(Exception):
    """Raised inside a streamed batch to discard its output file."""


def _sink(stack: contextlib.ExitStack[Any], output: Path | None) -> Any:
    """Where a streamed batch goes: a private file written atomically, or standard output."""
    if output is None:
        return sys.stdout
    from spinecheck.answers.progress import open_private

    try:
        binary = stack.enter_context(open_private(output))
    except OSError as err:
        _fail(SpinecheckError(f"cannot write the file: {err.strerror}", path=output))
    text = io.TextIOWrapper(binary, encoding="utf-8", write_through=True)
    stack.callback(text.detach)  # flush into the file, but leave closing it to open_private
    return text


def _render(
    render: Any, chosen: Any, summaries: list[Any], audience: Audience, page: str, *, many: bool
) -> str | bytes:
    try:
        result: str | bytes = render(
            chosen, summaries, audience=audience.value, page=page, many=many
        )
    except SpinecheckError as err:
        _fail(err)
    return result


def _write(path: Path, content: str | bytes) -> None:
    from spinecheck.answers.progress import write_private

    try:
        write_private(path, content)
    except OSError as err:
        _fail(SpinecheckError(f"cannot write the file: {err.strerror}", path=path))


def _stem(name: str) -> str:
    if name == "-":
        return "stdin"
    stem = Path(name).name
    for ending in (".yaml", ".yml", ".json"):
        if stem.endswith(ending):
            return stem[: -len(ending)]
    return stem


def _expand(names: list[str]) -> list[str]:
    """Answer files from the arguments, folders opened to their .yaml, .yml and .json files."""
    files: list[str] = []
    for name in names:
        path = Path(name)
        if name != "-" and path.is_dir():
            found = sorted(
                str(p)
                for p in path.iterdir()
                if p.suffix in (".yaml", ".yml", ".json") and p.is_file()
            )
            if not found:
                raise SpinecheckError(
                    "no answer files (.yaml, .yml, .json) in this folder", path=name
                )
            files += found
        else:
            files.append(name)
    return files


@contextlib.contextmanager
def _progress(total: int) -> Any:
    """A progress bar on the terminal for batches (stderr, so stdout stays clean)."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Summaries", total=total)
        yield lambda: bar.advance(task)


@app.command("export-questionnaire")
def export_questionnaire(
    questions: QuestionsOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
) -> None:
    """Print the questionnaire as a FHIR R4 Questionnaire (JSON), to match --format fhir answers."""
    _startup_over()
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.render.fhir import to_questionnaire

    try:
        questionnaire = load_questionnaire(questions)
    except SpinecheckError as err:
        _fail(err)
    text = json.dumps(to_questionnaire(questionnaire), indent=2, ensure_ascii=False) + "\n"
    if output is not None:
        _write(output, text)
    else:
        sys.stdout.write(text)


@app.command()
def check(
    questions_file: Annotated[
        Path | None,
        typer.Argument(help="The questionnaire file (default: the built-in one).", dir_okay=False),
    ] = None,
) -> None:
    """Check a questionnaire file and report every problem with its file and line."""
    _startup_over()
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.questionnaire.loading import questions_file as builtin

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
    _startup_over()
    from spinecheck.questionnaire.model import Questionnaire

    document = Questionnaire.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "spinecheck questionnaire"
    typer.echo(json.dumps(document, indent=2))


def main() -> None:
    """Entry point of the `spinecheck` script."""
    app(prog_name="spinecheck")
