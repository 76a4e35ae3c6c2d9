"""Printing summaries: one patient's, or a day's list, in any format, to a file, a folder or stdout.

`print_summaries` is what `spinecheck summary` does. A batch keeps only what it must: each
summary's text as soon as it is drawn (streamed formats), or the summaries themselves for one
HTML or PDF document. Files that cannot be read are reported and skipped; the others are still
produced.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from spinecheck.errors import SpinecheckError, visible
from spinecheck.render.output_format import OutputFormat, PageSize

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


class PrintRequest(NamedTuple):
    """What `spinecheck summary` was asked to print."""

    answers: list[str]
    questions: Path | None = None
    output_format: OutputFormat | None = None
    output: Path | None = None
    audience: str = "patient"
    page: PageSize | None = None
    region: str | None = None
    language: str | None = None
    """The patient's summary in this language (None: the language each file was answered in)."""
    force: bool = False
    """Replace output files that already exist (otherwise they are refused)."""
    stdout_closed: bool = False
    """The command was started with standard output closed (`>&-`): nothing may go there."""


class _NothingWritten(Exception):
    """Raised inside a streamed batch to discard its output file."""


def print_summaries(request: PrintRequest) -> int:
    """Print every summary the request asks for; return the exit code.

    Raises:
        SpinecheckError: the questionnaire, the region or the list of inputs is bad, or an
            output cannot be written (answer files that cannot be read are reported, not raised).
    """
    from spinecheck.assessment.rules import choose_region
    from spinecheck.questionnaire.loading import load_questionnaire
    from spinecheck.render.formats import STREAMED, paper_for

    questionnaire = load_questionnaire(request.questions)
    if request.language is not None:  # an unknown --language stops us before anything
        load_questionnaire(request.questions, language=request.language)
    contacts = choose_region(questionnaire, request.region)
    files = expand_inputs(request.answers)
    output = request.output
    tty = sys.stdout.isatty()
    per_file = output is not None and (
        output.is_dir() or (not output.exists() and not output.suffix)
    )
    if output is not None:  # never replace an input or an earlier output, whatever else is wrong
        folders = [_resolved(Path(n)) for n in request.answers if n != "-" and Path(n).is_dir()]
        refuse_overwriting_inputs(files, output, per_file=per_file, folders=folders)
        if not per_file:
            refuse_existing(output, force=request.force)
    from_name = format_from_name(output, request.output_format) if output and not per_file else None
    chosen = OutputFormat(
        request.output_format or from_name or ("rich" if tty and output is None else "text")
    )
    paper = request.page or (paper_for(contacts))
    if chosen.binary and output is None and tty:
        sys.stderr.write(
            "error: a PDF cannot be shown on the terminal\n  hint: add --output summary.pdf\n"
        )
        return EXIT_USAGE
    if output is None:
        _check_stdout(request.stdout_closed)
    names = _NameKeeper(output, chosen, force=request.force) if output and per_file else None
    terminal = chosen is OutputFormat.RICH and output is None and tty
    day = (  # a clinic's day: a day list first, and a page for each file that cannot be read
        request.audience == "clinician" and len(files) > 1 and not per_file and not terminal
        and chosen not in (OutputFormat.JSON, OutputFormat.FHIR)
    )  # fmt: skip
    streamed = len(files) > 1 and not per_file and chosen in STREAMED and not terminal and not day
    batch = _Batch(request, questionnaire, chosen, str(paper), many=len(files) > 1)
    with contextlib.suppress(_NothingWritten), contextlib.ExitStack() as stack:
        sink = _sink(stack, output) if streamed else None
        advance = stack.enter_context(_progress(len(files)))
        for name in files:
            read = batch.read(name)
            for one in read:
                if names is not None:
                    try:  # one patient's file that cannot be written never stops the others
                        target = names.target(file_label(name, one.info))
                        write_file(target, batch.draw([one], many=False))
                        batch.index.append((batch.entry(one), target.name))
                    except SpinecheckError as err:
                        batch.written -= 1
                        batch.unwritten.append((name, err))
                elif terminal:
                    from spinecheck.render.formats import document_of
                    from spinecheck.render.terminal import show

                    show(document_of(one, request.audience))
                elif sink is not None:
                    batch.stream(sink, one)
                else:
                    batch.kept.append(one)
            if not read and day:
                batch.kept.append(batch.unreadable(name))
            elif not read and names is not None:
                batch.index.append((batch.unreadable(name), ""))
            advance()
        if sink is not None and batch.written:
            batch.end(sink)
        elif sink is not None and output is not None:
            raise _NothingWritten  # every file failed: leave no empty output file behind
    if names is not None and output is not None and batch.index and len(files) > 1:
        _write_index(batch, names, output)
    if day and batch.written:
        drawn = batch.draw_day(batch.kept)
        _deliver(drawn, output)
        if isinstance(drawn, bytes):  # a PDF: its pages, as the stack will be counted
            batch.sheets = len(re.findall(rb"/Type\s*/Page\b(?!s)", drawn))
        batch.day = True
    elif batch.written and not per_file and not terminal and not streamed:
        _deliver(batch.draw(batch.kept, many=batch.many), output)
    return _report(batch, files, output, per_file=per_file)


def _write_index(batch: _Batch, names: _NameKeeper, folder: Path) -> None:
    """A folder of HTML summaries gets index.html: the day list, each name linking its file."""
    if batch.chosen is not OutputFormat.HTML:
        return
    from spinecheck.render.day_list import build_day_list
    from spinecheck.render.html import to_html

    entries = [entry for entry, _ in batch.index]
    day = build_day_list(entries, links=[file for _, file in batch.index])
    target = folder / "index.html"
    refuse_existing(target, force=batch.request.force)
    write_file(target, to_html([day], page=batch.paper, title="Day list"))
    batch.indexed = target


def _file_time(name: str) -> str | None:
    """When a file was last changed, as ISO date-time in UTC (None for standard input)."""
    if name == "-":
        return None
    try:
        stamp = Path(name).stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")


class _Batch:
    """The summaries of one run, and how each is read and drawn."""

    def __init__(
        self, request: PrintRequest, questionnaire: Any, chosen: OutputFormat, paper: str,
        *, many: bool,
    ) -> None:  # fmt: skip
        self.request = request
        self.questionnaire = questionnaire
        self.chosen = chosen
        self.paper = paper
        self.many = many
        self.kept: list[Any] = []
        self.written = 0
        self.streamed = 0
        """How many summaries a streamed batch has written (a Bundle gives several at once)."""
        self.unwritten: list[tuple[str, SpinecheckError]] = []
        """Patients whose own file could not be written (the others still are)."""
        self.failures: list[tuple[str, SpinecheckError]] = []
        self.index: list[tuple[Any, str]] = []
        """Per-patient files written into a folder: each one's day list entry and file name."""
        self.day = False
        """A day list was written: each unreadable file has a page in the stack."""
        self.languages: dict[str, Any] = {questionnaire.language: questionnaire}
        """The questionnaire in each language a patient's summary has been asked in."""
        self.sheets = 0
        """The pages of a PDF day (0: not counted)."""
        self.indexed: Path | None = None
        """The day list written beside per-patient HTML files."""
        self.printed_at = datetime.now(UTC).isoformat(timespec="seconds")

    def read(self, name: str) -> list[Any]:
        """One file's summaries: a FHIR Bundle may hold several; [] when it cannot be read.

        The problem of a file that cannot be read is kept for the failure list.
        """
        from spinecheck.answers.files import load_answer_files

        try:
            loaded = load_answer_files(name, self.questionnaire)
        except SpinecheckError as err:
            self.failures.append((name, err))
            return []
        if len(loaded) > 1:
            self.many = True  # a Bundle of responses gives a list, like several files
        return [self._summary(name, one, len(loaded) > 1) for one in loaded]

    def _summary(self, name: str, loaded: Any, several: bool) -> Any:
        from spinecheck.answers.files import details, with_answered_sex
        from spinecheck.answers.progress import language_of
        from spinecheck.assessment.report import SummaryInfo
        from spinecheck.assessment.rules import assess
        from spinecheck.render.formats import Summary

        meta = loaded.metadata
        updated = meta.get("updated")
        source = name if name != "-" else "standard input"
        answered_in = language_of(meta) or "en"
        info = SummaryInfo(
            source=loaded.label if several else source,
            answered_at=str(updated) if updated else None,
            printed_at=self.printed_at,
            file_time=None if updated else _file_time(name),
            patient=with_answered_sex(details(meta, "patient"), loaded.answers),
            visit=details(meta, "visit"),
            notes=tuple(meta.get("read_notes") or ()),
            language=answered_in,
            answered_version=_text_or_none(meta.get("questionnaire_version")),
        )
        self.written += 1
        # the patient reads their summary in their language; the clinician page is in English
        questionnaire = self.questionnaire
        if self.request.audience == "patient":
            questionnaire = self.in_language(self.request.language or answered_in)
        return Summary(
            questionnaire,
            loaded.answers,
            # the numbers the walk showed (contract 1.2), unless --region says otherwise
            assess(questionnaire, loaded.answers, region=self.request.region or _region(meta)),
            info,
            completed=meta.get("completed") is not False,
            stopped=meta.get("stopped_at_emergency") is True,
        )

    def in_language(self, language: str) -> Any:
        """The questionnaire in `language`, or in its own when it has no such texts."""
        if language not in self.languages:
            from spinecheck.questionnaire.loading import load_questionnaire

            try:
                found = load_questionnaire(self.request.questions, language=language)
            except SpinecheckError:  # a file answered in a language this questionnaire lacks
                found = self.questionnaire
            self.languages[language] = found
        return self.languages[language]

    def draw(self, summaries: list[Any], *, many: bool) -> str | bytes:
        """The summaries drawn in the chosen format (`many`: a list or bundle, even of one).

        One patient's pages are on the paper of the region the file was answered in (a UK
        file on A4), unless --page says otherwise; a list keeps one paper for every page.
        """
        from spinecheck.render.formats import render

        page = self.paper
        if self.request.page is None and len(summaries) == 1:
            page = _paper_of(summaries[0], page)
        return render(self.chosen, summaries, audience=self.request.audience, page=page, many=many)

    def unreadable(self, name: str) -> Any:
        """The day list's entry for a file that could not be read.

        It keeps whose it is and its visit (when the file's details can be read), so it sorts
        by its visit time under its name; every problem is kept, one to a line, its hint
        joined to it.
        """
        from spinecheck.answers.files import identity
        from spinecheck.assessment.report import SummaryInfo
        from spinecheck.render.day_list import DayEntry

        lines: list[str] = []
        for line in str(self.failures[-1][1]).splitlines():
            line = " ".join(visible(line).split())
            if line.startswith("hint:") and lines:
                lines[-1] += f" ({line})"
            elif line and not line.endswith("problems found."):
                lines.append(line)
        source = name if name != "-" else "standard input"
        patient, visit = identity(name)
        info = SummaryInfo(source=source, patient=patient, visit=visit)
        return DayEntry(info, None, problem="\n".join(lines))

    def entry(self, one: Any) -> Any:
        """A summary as a day list's entry."""
        from spinecheck.render.day_list import DayEntry

        return DayEntry(one.info, one.assessment, one.questionnaire, one.answers)

    def draw_day(self, entries: list[Any]) -> str | bytes:
        """The day list, then every patient's page (or an unreadable file's) in input order."""
        from spinecheck.render.day_list import DayEntry
        from spinecheck.render.formats import Summary, render_day

        day = [
            DayEntry(e.info, e.assessment, e.questionnaire, e.answers)
            if isinstance(e, Summary)
            else e
            for e in entries
        ]
        return render_day(self.chosen, day, page=self.paper)

    def stream(self, sink: TextIO, one: Any) -> None:
        from spinecheck.render.formats import frame, piece

        before, between, _ = frame(self.chosen)
        text = piece(self.chosen, one, audience=self.request.audience)
        try:
            sink.write((before if self.streamed == 0 else between) + text)
        except OSError as err:
            raise _cannot_write(err) from err
        self.streamed += 1

    def end(self, sink: TextIO) -> None:
        from spinecheck.render.formats import frame

        try:
            sink.write(frame(self.chosen)[2])
        except OSError as err:
            raise _cannot_write(err) from err


def _deliver(result: str | bytes, output: Path | None) -> None:
    if output is not None:
        write_file(output, result)
        return
    try:
        if isinstance(result, bytes):
            sys.stdout.buffer.write(result)
        else:
            sys.stdout.write(result)
        sys.stdout.flush()
    except OSError as err:
        raise _cannot_write(err) from err


def _cannot_write(err: OSError) -> SpinecheckError:
    if isinstance(err, BrokenPipeError):
        return SpinecheckError("the output was closed before the summary was written")
    return SpinecheckError(
        f"cannot write the output: {err.strerror or err}",
        hint="write it to a file with --output FILE",
    )


def _check_stdout(closed: bool) -> None:
    """Refuse to print into standard output that was closed when the command started."""
    if closed:
        raise SpinecheckError(
            "standard output is closed, so the summary has nowhere to go",
            hint="write it to a file with --output FILE",
        )


def _report(batch: _Batch, files: list[str], output: Path | None, *, per_file: bool) -> int:
    """The failure list (exit 1) or where the summaries went (exit 0)."""
    if output is not None and batch.written and batch.day:
        # what the stack holds, so the person printing it knows it is whole
        count, unread = batch.written, len(batch.failures)
        held = f"a day list and {count} patient{'s' if count != 1 else ''}"
        held += f", {unread} file{'s' if unread != 1 else ''} that could not be read" * bool(unread)
        pages = f": {batch.sheets} pages" if batch.sheets else ""
        sys.stderr.write(f"Wrote {visible(str(output))}{pages} ({held})\n")
    elif output is not None and batch.written:
        count = batch.written
        where = visible(f"{output}{'/' if per_file else ''}")
        sys.stderr.write(f"Wrote {count} summar{'y' if count == 1 else 'ies'} to {where}\n")
        if batch.indexed is not None:
            sys.stderr.write(f"The day list, linking each one: {visible(str(batch.indexed))}\n")
    for _, problem in batch.unwritten:
        sys.stderr.write(f"{problem}\n")
    if batch.unwritten:
        sys.stderr.write(f"{len(batch.unwritten)} summaries could not be written, from:\n")
        for name, _ in batch.unwritten:
            sys.stderr.write(f"  {visible(name)}\n")
    if batch.failures:
        for _, problem in batch.failures:
            sys.stderr.write(f"{problem}\n")
        sys.stderr.write(
            f"{len(batch.failures)} of {len(files)} answer files could not be read"
            + (" (each has a page in the stack saying why):\n" if batch.day else
               " and were skipped:\n")
        )  # fmt: skip
        for name, _ in batch.failures:
            sys.stderr.write(f"  {visible(name)}\n")
    return EXIT_BAD_INPUT if batch.failures or batch.unwritten else EXIT_OK


def _sink(stack: contextlib.ExitStack[Any], output: Path | None) -> TextIO:
    """Where a streamed batch goes: a private file written atomically, or standard output."""
    if output is None:
        return sys.stdout
    from spinecheck.answers.progress import open_private

    try:
        binary = stack.enter_context(open_private(output))
    except OSError as err:
        raise SpinecheckError(f"cannot write the file: {err.strerror}", path=output) from err
    text = io.TextIOWrapper(binary, encoding="utf-8", write_through=True)
    stack.callback(text.detach)  # flush into the file, but leave closing it to open_private
    return text


def refuse_overwriting_inputs(
    files: list[str], output: Path, *, per_file: bool, folders: Sequence[Path] = ()
) -> None:
    """Refuse an output that would destroy answers or be read back as answers.

    An output that is also an input (or a folder of inputs) would replace answers; one that
    lands as .json in a folder given as input would be read as answers the next time.

    Raises:
        SpinecheckError: the output names an input file or a folder holding inputs, or it is
            a .json file inside a folder given as input.
    """
    target = _resolved(output)
    if not per_file and target.parent in folders and target.suffix.lower() in ANSWER_ENDINGS:
        raise SpinecheckError(
            "the output would be read as answers the next time this folder is summarised",
            path=output,
            hint="write the summary outside the folder of answer files",
        )
    for name in files:
        if name == "-":
            continue
        source = _resolved(Path(name))
        if source == target or (per_file and source.parent == target):
            raise SpinecheckError(
                "the output would replace an answer file",
                path=output,
                hint=f"write the summaries somewhere else: {name} is one of the inputs",
            )


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def refuse_existing(path: Path, *, force: bool) -> None:
    """Keep an existing output file unless `--force` is given and the file is ours.

    `--force` replaces only a summary or an export this tool wrote, never an answer file or
    anything else that shares the name (issue 23).

    Devices and FIFOs (such as /dev/null) are written into, so they are never refused.

    Raises:
        SpinecheckError: the file exists and `force` is not set, or it is not ours.
    """
    if not path.is_file() or path.is_symlink():
        return
    if not force:
        raise SpinecheckError(
            "the output file already exists",
            path=path,
            hint="add --force to replace it, or choose another name",
        )
    from spinecheck.render.ours import is_our_output

    if not is_our_output(path):
        raise SpinecheckError(
            "the output file already exists and was not written by spinecheck",
            path=path,
            hint="--force replaces only summaries spinecheck wrote: choose another name, "
            "or move this file away first",
        )


class _NameKeeper:
    """Per-patient file names, unique within a run, never replacing an earlier run's files."""

    def __init__(self, folder: Path, chosen: OutputFormat, *, force: bool) -> None:
        self.folder = folder
        self.chosen = chosen
        self.force = force
        self.used: set[str] = {"index"}  # index.html is the day list of a folder of pages

    def target(self, base: str) -> Path:
        candidate, number = base, 1
        while candidate.lower() in self.used:
            number += 1
            candidate = f"{base}-{number}"
        self.used.add(candidate.lower())
        path = self.folder / f"{candidate}.{self.chosen.extension}"
        refuse_existing(path, force=self.force)
        return path


def write_file(path: Path, content: str | bytes) -> None:
    """Write one output file owner-only and atomically, with a clean error if it cannot be."""
    from spinecheck.answers.progress import write_private

    try:
        write_private(path, content)
    except OSError as err:
        raise SpinecheckError(f"cannot write the file: {err.strerror}", path=path) from err


_NAME_FORMATS: dict[str, tuple[OutputFormat, ...]] = {
    ".fhir.json": (OutputFormat.FHIR,),
    ".pdf": (OutputFormat.PDF,),
    ".html": (OutputFormat.HTML,),
    ".htm": (OutputFormat.HTML,),
    ".md": (OutputFormat.MARKDOWN,),
    ".markdown": (OutputFormat.MARKDOWN,),
    ".txt": (OutputFormat.TEXT, OutputFormat.RICH),
    ".text": (OutputFormat.TEXT,),
    ".rich": (OutputFormat.RICH,),
    ".fhir": (OutputFormat.FHIR,),
    ".json": (OutputFormat.JSON, OutputFormat.FHIR),
}
"""The formats an output file's name may end in, the first being the one it implies."""


def format_from_name(output: Path, asked: OutputFormat | None) -> OutputFormat:
    """The format an output file's name implies, checked against `--format` if given.

    Raises:
        SpinecheckError: the name's ending is unknown, or contradicts `--format`.
    """
    name = output.name.lower()
    ending = next((e for e in _NAME_FORMATS if name.endswith(e)), output.suffix.lower())
    allowed = _NAME_FORMATS.get(ending)
    if not ending:  # a name without an ending (a device such as /dev/null): as asked
        return asked or OutputFormat.TEXT
    if allowed is None:
        raise SpinecheckError(
            f"the output name ends in {visible(ending or 'nothing')}, which is no summary format",
            path=output,
            hint="end it in .pdf, .html, .md, .txt or .json (or give a folder for one file each)",
        )
    if asked is not None and asked not in allowed:
        raise SpinecheckError(
            f"the output name ends in {ending}, but --format is {asked.value}",
            path=output,
            hint=f"use --format {allowed[0].value}, or end the name in .{asked.extension}",
        )
    return asked or allowed[0]


def file_label(name: str, info: Any) -> str:
    """A per-patient file's name: the patient's identifier or name if given, else the file's.

    Every one is cleaned the same way (the file's own name too) and cut to NAME_BYTES bytes.
    """
    patient = getattr(info, "patient", None) or {}
    for value in (patient.get("identifier"), patient.get("name"), stem(name)):
        safe = _safe_name(value or "")
        if safe:
            return safe
    return "answers"


NAME_BYTES = 120
"""The most bytes of a per-patient file name's base: with '-2', the ending and the temporary
name's prefix and suffix, every name stays under the 255 bytes file systems allow."""


def _safe_name(value: str) -> str:
    from spinecheck.clean import clean

    return _within_bytes(re.sub(r"[^\w.-]+", "-", clean(value)).strip("-."), NAME_BYTES)


def _within_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore").rstrip("-.")


def stem(name: str) -> str:
    """The name a per-patient output file takes from its answer file."""
    if name == "-":
        return "stdin"
    base = Path(name).name
    for ending in (".yaml", ".yml", ".json"):
        if base.endswith(ending):
            return base[: -len(ending)]
    return base


ANSWER_ENDINGS = (".yaml", ".yml", ".json")
"""The endings of the files a folder of answers is opened to."""


def expand_inputs(names: list[str]) -> list[str]:
    """Answer files from the arguments, folders opened to their .yaml, .yml and .json files.

    A summary or export spinecheck wrote into such a folder is skipped with a note, so no
    patient is read twice (a file named on its own is read as given).
    """
    files: list[str] = []
    for name in names:
        path = Path(name)
        if name != "-" and path.is_dir():
            try:
                found = sorted(
                    p for p in path.iterdir() if p.suffix in ANSWER_ENDINGS and p.is_file()
                )
            except OSError as err:
                raise SpinecheckError(
                    f"cannot read the folder: {err.strerror or err}",
                    path=name,
                    hint="check that you may open this folder",
                ) from err
            answers = [str(p) for p in found if not _ours(p)]
            for skipped in sorted(set(map(str, found)) - set(answers)):
                sys.stderr.write(
                    f"note: {visible(skipped)} is a summary spinecheck wrote, not answers: "
                    "skipped\n"
                )
            if not answers:
                raise SpinecheckError(
                    "no answer files (.yaml, .yml, .json) in this folder", path=name
                )
            files += answers
        else:
            files.append(name)
    return files


def _ours(path: Path) -> bool:
    """Whether a file found in a folder of answers is a summary or export of our own."""
    if path.suffix != ".json":  # spinecheck writes no YAML but answers
        return False
    from spinecheck.render.ours import is_our_output

    return is_our_output(path)


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Any]:
    """A progress bar on the terminal for batches (stderr, so stdout stays clean)."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from spinecheck.render.terminal import progress_bar

    with progress_bar(total) as advance:
        yield advance


def _text_or_none(value: object) -> str | None:
    return str(value) if isinstance(value, str | int | float) and str(value) else None


def _paper_of(summary: Any, otherwise: str) -> str:
    """The paper of the region a summary's contacts come from, else `otherwise`."""
    key = summary.assessment.region_key
    region = summary.questionnaire.regions.get(key) if key else None
    return str(region.paper) if region is not None else otherwise


def _region(metadata: dict[str, Any]) -> str | None:
    """The region an answer file was answered in (contract 1.2), if it says."""
    region = metadata.get("region")
    return region.lower() if isinstance(region, str) else None
