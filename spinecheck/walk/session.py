"""One walk from start to summary: the progress file, continuing or starting over, the stop.

`run_walk` is what `spinecheck start` does; the CLI only parses its options and maps what this
returns (or raises) to exit codes.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from spinecheck.answers.progress import Progress
from spinecheck.errors import Problem, SpinecheckError, visible
from spinecheck.questionnaire.model import Questionnaire
from spinecheck.words import Words, words_for

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_EMERGENCY = 3
EXIT_INTERRUPTED = 130


class StartOptions(NamedTuple):
    """What `spinecheck start` was asked to do."""

    questions: Path | None = None
    resume: bool = False
    plain: bool = False
    save: Path | None = None
    region: str | None = None
    language: str | None = None
    from_question: str | None = None
    """A preview from this question (`--from`): earlier answers empty, nothing saved."""


def run_walk(options: StartOptions, *, stdin_is_terminal: bool) -> int:
    """Run the questionnaire and print the summary; return the exit code.

    Raises:
        SpinecheckError: a bad questionnaire, an unknown region or `--from` question, or a
            progress file that cannot be read (it is never overwritten).
    """
    from spinecheck.answers.progress import SAVE_SUFFIXES, WalkLock, default_progress_path
    from spinecheck.assessment.rules import choose_region
    from spinecheck.questionnaire.loading import load_questionnaire

    questionnaire = load_questionnaire(options.questions)
    choose_region(questionnaire, options.region)  # an unknown --region stops us before anything
    if options.language is not None:  # so does a language the questionnaire has no texts in
        load_questionnaire(options.questions, language=options.language)
    if options.from_question is not None:
        _check_previewed(questionnaire, options.from_question, options.questions)
    plain = options.plain or os.environ.get("TERM") == "dumb"
    if not plain and not stdin_is_terminal:
        sys.stderr.write(
            "spinecheck start needs a terminal to ask its questions.\n"
            "  hint: to summarise answers you already have, run "
            "'spinecheck summary ANSWERS_FILE'; for line-by-line questions over a pipe, "
            "use 'spinecheck start --plain'\n"
        )
        return EXIT_BAD_INPUT
    if options.from_question is not None:  # no save file, no lock: a preview writes nothing
        return _preview(options, questionnaire, plain=plain)
    path = options.save or default_progress_path()
    if path.suffix.lower() not in SAVE_SUFFIXES:
        raise SpinecheckError(
            "answers are saved as YAML or JSON",
            path=path,
            hint="give --save a file name ending in .yaml or .json",
        )
    lock = WalkLock(path)
    lock.acquire()  # another walk on this file, or a folder that cannot be written, stops us here
    try:
        return _run(options, questionnaire, path, plain=plain)
    finally:
        lock.release()


def _check_previewed(questionnaire: Questionnaire, wanted: str, questions: Path | None) -> None:
    """Stop at a `--from` id that is no question of the questionnaire (with a did-you-mean).

    Raises:
        SpinecheckError: no question has that id.
    """
    from spinecheck.clean import clean_line
    from spinecheck.errors import similar

    ids = [q.id for q in questionnaire.questions]
    if wanted in ids:
        return
    close = similar(wanted, ids) or similar(wanted.lower(), ids)
    where = f"in {questions}" if questions else "in the built-in questionnaire"
    raise SpinecheckError(
        f"--from: no question has the id '{clean_line(wanted)}' {where}",
        hint=f"did you mean '{close[0]}'?"
        if close
        else "give a question's id as written after 'id:' in the questionnaire file "
        "(spinecheck rules lists the ids its rules use)",
    )


def _preview(options: StartOptions, questionnaire: Questionnaire, *, plain: bool) -> int:
    """A preview (`--from ID`): the walk from that question, with nothing saved or read back.

    For clinic staff trying a question: earlier answers are left empty, no answer file is
    written or read (no lock either), the region is never asked, and no summary is made from
    answers that skip most of the questionnaire.
    """
    from spinecheck.assessment.rules import choose_region, fill_text
    from spinecheck.clean import clean
    from spinecheck.walk.logic import Outcome, Walk

    screen = sys.stdout if sys.stdout.isatty() or not sys.stderr.isatty() else sys.stderr
    asker, session = _front_end(plain, screen, questionnaire)
    language = options.language or locale_language(questionnaire) or questionnaire.language
    if language != questionnaire.language:
        from spinecheck.questionnaire.loading import load_questionnaire

        questionnaire = load_questionnaire(options.questions, language=language)
    words = asker.words = words_for(questionnaire.language)
    region = options.region or locale_region(questionnaire)  # never asked: staff are previewing
    contacts = choose_region(questionnaire, region)
    number = clean(contacts.emergency_number) if contacts else words("your local emergency number")
    place = clean(contacts.emergency) if contacts else words("the nearest emergency department")
    start = str(options.from_question)
    progress = Progress(
        current=start,
        region=region or questionnaire.default_region,
        language=questionnaire.language,
    )

    def save_nothing(current: Progress) -> None:
        """A preview keeps nothing: every save of the walk lands here."""

    walk = Walk(
        questionnaire,
        asker,
        progress,
        save_nothing,
        emergency_action=words(
            "If that is right, call {number} now, or go to {place}.", number=number, place=place
        ),
        start_at=start,
    )
    walk.fill = lambda text: fill_text(text, questionnaire, walk.progress.answers, None, contacts)
    notice = words(
        "Preview from question {id}: earlier answers are left empty, and nothing is saved (no "
        "answers are written, and saved answers are not touched).",
        id=start,
    )
    with session, _stop_on_sigterm():
        try:
            # not the keys paragraph: its "your answers are kept" is not so in a preview
            asker.welcome([notice, words("Ctrl-C ends the preview.")], stays=notice)
            outcome = walk.run()
        except (KeyboardInterrupt, EOFError):
            _stopped(screen, words("Preview stopped. Nothing was saved."))
            return EXIT_INTERRUPTED
    if outcome is Outcome.EMERGENCY:  # what the patient would be told, then the preview's end
        from spinecheck.assessment.rules import assess
        from spinecheck.render.plain import urgency_text
        from spinecheck.walk.wording import stream_width

        assessment = assess(questionnaire, walk.progress.answers, region=region)
        asker.say("\n" + urgency_text(assessment, stream_width(asker.out)))
    asker.say(
        "\n"
        + words(
            "Preview finished. Nothing was saved, and no summary is made from a preview: its "
            "earlier answers are empty."
        )
    )
    return EXIT_EMERGENCY if outcome is Outcome.EMERGENCY else EXIT_OK


def _run(options: StartOptions, questionnaire: Questionnaire, path: Path, *, plain: bool) -> int:
    """The walk itself, once its save file is known to be ours and writable."""
    from spinecheck.answers.progress import progress_text, write_private
    from spinecheck.assessment.rules import choose_region, fill_text, stops_walk
    from spinecheck.clean import clean
    from spinecheck.walk.logic import Outcome, Walk

    # Prompts and messages go to the terminal even when the summary is redirected to a file.
    screen = sys.stdout if sys.stdout.isatty() or not sys.stderr.isatty() else sys.stderr
    asker, session = _front_end(plain, screen, questionnaire)
    # Until the answers say otherwise, the words are in the language asked for or the locale's.
    asker.words = words_for(options.language or locale_language(questionnaire))
    as_json = path.suffix.lower() == ".json"
    with session, _stop_on_sigterm():
        try:
            progress, started = _open_progress(path, questionnaire, options.resume, asker)
        except (KeyboardInterrupt, EOFError):  # Ctrl-C, or the input closed
            screen.write("\n\n" + asker.words("Stopped. Nothing was changed.") + "\n")
            return EXIT_INTERRUPTED
        # The language: asked for, else the one these answers were given in (a resumed walk
        # keeps it), else this computer's locale when the questionnaire has it, else its own.
        language = options.language or (progress.language if progress.answers else None)
        language = language or locale_language(questionnaire) or questionnaire.language
        if language != questionnaire.language:
            from spinecheck.questionnaire.loading import load_questionnaire

            questionnaire = load_questionnaire(options.questions, language=language)
        progress.language = questionnaire.language
        words = asker.words = words_for(questionnaire.language)
        # The country whose numbers are shown: asked for, else the one these answers were
        # given in (a resumed walk keeps it), else this computer's locale, else the default.
        region = options.region or progress.region or locale_region(questionnaire)
        if region is None and len(questionnaire.regions) > 1:
            try:  # asked once: the answer is kept with the answers
                region = _ask_region(asker, questionnaire)
            except (KeyboardInterrupt, EOFError):  # Ctrl-C, or the input closed
                screen.write("\n\n" + words("Stopped. Nothing was saved yet.") + "\n")
                return EXIT_INTERRUPTED
        contacts = choose_region(questionnaire, region)
        progress.region = region or questionnaire.default_region
        # printed commands name the region unless it is the default (the file keeps it too)
        default = progress.region == questionnaire.default_region
        options = options._replace(region=None if default else progress.region)
        # Region text comes from the questionnaire file: cleaned like every other text shown.
        number = (
            clean(contacts.emergency_number) if contacts else words("your local emergency number")
        )
        place = clean(contacts.emergency) if contacts else words("the nearest emergency department")
        command = _resume_command(options)

        def save_progress(current: Progress) -> None:
            try:
                write_private(path, progress_text(questionnaire, current, started, as_json=as_json))
            except OSError as err:
                raise _SaveFailed(err) from err

        walk = Walk(
            questionnaire,
            asker,
            progress,
            save_progress,
            emergency_action=words(
                "If that is right, call {number} now, or go to {place}.", number=number, place=place
            ),
        )
        walk.fill = lambda text: fill_text(
            text, questionnaire, walk.progress.answers, None, contacts
        )
        whose = ""
        if contacts is not None and len(questionnaire.regions) > 1:
            others = ", ".join(k for k in sorted(questionnaire.regions) if k != progress.region)
            whose = words(
                "The phone numbers shown are for: {country}. For another country, stop (Ctrl-C) "
                "and start again with --region ({others}).",
                country=clean(contacts.label),
                others=others,
            )
        try:
            _welcome(asker, questionnaire, walk.progress, number, place, whose)
            outcome = walk.run()
        except _SaveFailed as failed:
            raise SpinecheckError(
                f"your answers could not be saved: {failed.reason}",
                path=path,
                hint="free some disk space or choose another file with --save, then run: "
                + command,
            ) from failed
        except (KeyboardInterrupt, EOFError):
            if walk.progress.answers:
                with contextlib.suppress(_SaveFailed):
                    save_progress(walk.progress)
            saved_in = words("Your answers are saved on this computer.")
            if stops_walk(questionnaire, walk.progress.answers):
                # a yes to an emergency sign stands (given, not taken back): its advice is the
                # last thing on the screen, whatever stopped the walk
                _stopped(
                    screen,
                    words("Stopped. You said yes to a warning sign that needs help now."),
                    words(
                        "Call {number} now, or go to {place}. Do not wait.",
                        number=number,
                        place=place,
                    ),
                    saved_in,
                )
                return EXIT_EMERGENCY
            if walk.progress.answers:
                advice = _urgent_advice(questionnaire, walk.progress.answers, options.region)
                then = (  # at the review, the summary is one Enter away
                    words("To check them and get your summary to bring to your visit, run:")
                    if walk.reviewing
                    else words("To continue where you stopped, run:")
                )
                stopped = words("Stopped.")
                _stopped(  # what to do today first, where the answers so far need it
                    screen,
                    *([f"{stopped} {advice}", saved_in] if advice else [f"{stopped} {saved_in}"]),
                    then,
                    command=command,
                )
            else:
                _stopped(screen, words("Stopped. Nothing was saved yet."))
            return EXIT_INTERRUPTED
        if outcome is not Outcome.EMERGENCY:
            try:
                _ask_details(
                    asker, walk.progress, save_progress, month_first=progress.region == "us"
                )
            except (KeyboardInterrupt, EOFError):
                pass  # the details are optional; every answer is already saved
            except _SaveFailed as failed:  # the answers were saved; only these details are not
                asker.say(
                    "\n"
                    + words(
                        "Your name and date of birth could not be saved: {reason}.",
                        reason=failed.reason,
                    )
                )
    return _finish(questionnaire, walk.progress, outcome is Outcome.EMERGENCY, options, path,
                   plain=plain, asker=asker)  # fmt: skip


def _details(words: Words) -> tuple[tuple[str, str, int], ...]:
    """The optional patient details the walk asks for at the end (contract 1.1)."""
    return (
        (
            "name",
            words("Your name, if you want it on your summary (so the clinic can match it to you)."),
            120,
        ),
        ("birth_date", words("Your date of birth, for example {example}."), 40),
    )


def _ask_details(
    asker: Any, progress: Progress, save: Callable[[Progress], None], *, month_first: bool
) -> None:
    """Ask for the name and date of birth (both optional) unless they were given before.

    A date of birth is read as people write it, in their country's order, read back in words,
    and checked against the age they gave (a difference is asked about once).
    """
    from spinecheck.answers.dates import (
        age_contradiction,
        birth_date_problem,
        read_typed_date,
    )
    from spinecheck.questionnaire.model import Question, QuestionKind
    from spinecheck.render.document import readable_date
    from spinecheck.walk.logic import Shown

    words: Words = asker.words
    example = words("March 3, 1970") if month_first else words("3 March 1970")
    missing = [detail for detail in _details(words) if detail[0] not in progress.patient]
    for number, (key, wording, longest) in enumerate(missing, 1):
        text = wording.replace("{example}", example)
        question = Question(
            id=f"patient_{key}", kind=QuestionKind.TEXT, text=text, max_length=longest
        )
        shown = Shown(
            question=question, text=text, help=None, choices=(), low_label=None,
            high_label=None,
            progress=words("Last part, for your clinic: question {number}.", number=number),
            intro=words("Two last questions. Both are optional: press Enter to skip.")
            if number == 1 else None,
            can_go_back=False, current=None,
        )  # fmt: skip
        doubted = None  # a date that did not fit the age, kept if it is typed again
        while True:
            value = asker.ask(shown, lambda value: None)
            if not isinstance(value, str) or not value.strip():
                break
            value = value.strip()
            if key == "birth_date":
                reading = read_typed_date(value, month_first=month_first, words=words)
                if reading.date is None:
                    asker.say("  " + reading.problem)
                    continue
                value = reading.date
                wrong = birth_date_problem(value, None, None)
                if wrong:
                    asker.say(
                        f"  {wrong[0].upper()}{wrong[1:]}. Please check it."
                        if words.language == "en"
                        else "  "
                        + words(
                            "That date of birth cannot be right (it is in the future, or more "
                            "than 130 years ago). Please check it."
                        )
                    )
                    continue
                age = progress.answers.get("age")
                years = age_contradiction(value, age, None)
                if years is not None and value != doubted:
                    doubted = value
                    asker.say(
                        "  "
                        + words(
                            "{date} would make you {years}, but you said you are {age}. Please "
                            "check it. If the date is right, type it again.",
                            date=readable_date(value, words=words),
                            years=years,
                            age=age,
                        )
                    )
                    continue
                asker.say(
                    "  " + words("Recorded: born {date}.", date=readable_date(value, words=words))
                )
            progress.patient[key] = value
            save(progress)
            break


def _urgent_advice(
    questionnaire: Questionnaire, answers: dict[str, Any], region: str | None
) -> str:
    """What to do today, when the answers so far already need a clinician today ('' if not)."""
    from spinecheck.assessment.rules import assess
    from spinecheck.clean import clean
    from spinecheck.questionnaire.model import Urgency

    assessment = assess(questionnaire, answers, region=region)
    if assessment.urgency.rank < Urgency.SAME_DAY.rank:
        return ""
    return clean(assessment.urgency_message)


def _stopped(screen: TextIO, *paragraphs: str, command: str = "") -> None:
    """The last words of a stopped walk, wrapped to the window (a cut word is unreadable).

    A command to type stays whole on its own line, so it can be copied.
    """
    from spinecheck.walk.wording import stream_width, wrap_text

    width = stream_width(screen)
    text = "\n".join(wrap_text(p, width) for p in paragraphs) + "\n"
    if command:
        text += visible(command) + "\n"
    with contextlib.suppress(OSError):  # a closed window: the answers are saved all the same
        screen.write("\n\n" + text)
        screen.flush()


class _SaveFailed(Exception):
    """Writing the progress file failed (the reason is kept for the message)."""

    def __init__(self, err: OSError) -> None:
        super().__init__(err)
        self.reason = err.strerror or str(err)


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM or SIGHUP stops the walk like Ctrl-C: answers saved, the terminal restored."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # SIGHUP: the terminal window was closed
    signals = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    try:
        previous = {number: signal.signal(number, stop) for number in signals}
    except ValueError:  # not the main thread (tests running the walk in a thread)
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _front_end(
    plain: bool, screen: TextIO, questionnaire: Questionnaire | None = None
) -> tuple[Any, Any]:
    """The asker (plain or arrow-key) and the terminal session its prompts run in.

    Medicine names are suggested from the questionnaire's medicine data (a clinic's own names
    too), else from the built-in data.
    """
    if plain:
        from spinecheck.walk.plain import PlainAsker

        return PlainAsker(sys.stdin, screen), contextlib.nullcontext()
    from spinecheck.medicines.matching import default_index
    from spinecheck.questionnaire.clinic_medicines import medicine_index
    from spinecheck.walk.arrow_keys import ArrowKeyAsker, terminal_session

    def names() -> list[str]:  # built when the medicine question comes, in the walk's language
        index = default_index() if questionnaire is None else medicine_index(questionnaire)
        return index.completions(asker.words.language)

    asker = ArrowKeyAsker(screen, names)
    return asker, terminal_session(to_stderr=screen is sys.stderr)


def _resume_command(options: StartOptions) -> str:
    parts = ["spinecheck start --resume"]
    if options.save:
        parts.append(f"--save {options.save}")
    if options.questions:
        parts.append(f"--questions {options.questions}")
    if options.region:
        parts.append(f"--region {options.region}")
    if options.plain:
        parts.append("--plain")
    return " ".join(parts)


_COUNTRY_REGIONS = {"gb": "uk"}
"""Locale countries (LANG=en_GB.UTF-8) whose region key is not their own code."""


def locale_language(questionnaire: Questionnaire) -> str | None:
    """The language this computer's locale names, when the questionnaire has texts in it.

    LANG=es_US.UTF-8 gives es; C, POSIX or a language the questionnaire lacks give None.
    """
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            break
    code = value.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].lower()
    return code if code in (questionnaire.language, *questionnaire.languages) else None


def locale_region(questionnaire: Questionnaire) -> str | None:
    """The region this computer's locale names (LC_ALL, LC_MESSAGES, LANG), if any.

    en_GB gives uk, en_US us; a country the questionnaire has no region for gives its 'other'
    region (when it has one), so a patient abroad is never shown another country's numbers. C,
    POSIX and a locale without a country give None (the questionnaire's default).
    """
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            break
    language = value.split(".", 1)[0].split("@", 1)[0]
    _, _, country = language.partition("_")
    if not country.isalpha():
        return None
    country = country.lower()
    region = _COUNTRY_REGIONS.get(country, country)
    if region in questionnaire.regions:
        return region
    return "other" if "other" in questionnaire.regions else None


def _open_progress(
    path: Path, questionnaire: Questionnaire, resume: bool, asker: Any
) -> tuple[Progress, str]:
    """The progress to continue (and when it started), asking when unfinished answers exist.

    Earlier answers are never deleted: starting over keeps them aside, and `--resume` finds the
    newest kept file again when no current one exists.
    """
    from spinecheck.answers.progress import keep_aside, kept_files, load_progress, now

    words: Words = asker.words
    if not path.exists() and resume:
        for kept in kept_files(path):
            with contextlib.suppress(SpinecheckError, OSError):
                load_progress(kept, questionnaire)
                kept.replace(path)
                asker.say(words("We found your earlier answers and continue them."))
                break
        else:
            asker.say(words("No saved answers were found, so we start from the beginning."))
    if not path.exists():
        return Progress(), now()
    try:
        saved = load_progress(path, questionnaire)
    except SpinecheckError as err:
        raise SpinecheckError(
            problems=[
                *err.problems,
                Problem(
                    "these saved answers cannot be read, so they are left exactly as they are",
                    path=str(path),
                    hint="to start over and keep them, run 'spinecheck start --save NEW.yaml', "
                    "or move the file elsewhere first",
                ),
            ]
        ) from err
    if resume or not saved.progress.answers:
        return saved.progress, saved.started
    if not saved.progress.completed:
        from spinecheck.render.document import readable_date

        # a date as people read it, in this computer's time ("3 Dec 2026, 09:30"), never ISO
        asked = (
            words(
                "You have unfinished answers from {date}. Would you like to continue them?",
                date=readable_date(saved.updated, words=words),
            )
            if saved.updated
            else words("You have unfinished answers. Would you like to continue them?")
        )
        choice = asker.choose(
            asked,
            [("continue", words("Continue where I stopped")),
             ("over", words("Start over (your earlier answers are kept)"))],
            "continue",
        )  # fmt: skip
        if choice == "continue":
            return saved.progress, saved.started
    try:
        keep_aside(path)
    except OSError as err:
        raise SpinecheckError(
            f"cannot keep the earlier answers: {err.strerror}", path=path
        ) from err
    asker.say(
        words(
            "Your earlier answers are kept (spinecheck start --resume finds them if you stop "
            "before giving a new answer)."
        )
    )
    return Progress(), now()


def _ask_region(asker: Any, questionnaire: Questionnaire) -> str:
    """Which country's numbers to show, when neither --region nor the computer says."""
    from spinecheck.clean import clean

    regions = sorted(questionnaire.regions.items(), key=lambda item: item[0] == "other")
    return str(
        asker.choose(
            asker.words(
                "Which country are you in? The phone numbers for urgent help depend on it."
            ),
            [(key, clean(contacts.label)) for key, contacts in regions],
            None,  # nothing chosen for the patient: a stray Enter picks no country
        )
    )


def _welcome(
    asker: Any,
    questionnaire: Questionnaire,
    progress: Progress,
    emergency_number: str,
    place: str,
    whose: str,
) -> None:
    from spinecheck.assessment.rules import stops_walk
    from spinecheck.walk.wording import WALK_MINUTES, welcome_text

    keys: str = asker.keys_text
    words: Words = asker.words
    paragraphs = welcome_text(
        emergency_number, place, resuming=bool(progress.answers), keys=keys,
        minutes=WALK_MINUTES, words=words,
    )  # fmt: skip
    if whose:
        paragraphs.insert(-1, whose)
    asker.welcome(paragraphs, stays=next(p for p in paragraphs if emergency_number in p))
    if progress.answers and stops_walk(questionnaire, progress.answers):
        first_yes = next(
            q.id
            for q in questionnaire.questions
            if q.warning and progress.answers.get(q.id) is True
        )
        asker.say(
            words(
                "You said yes to a warning sign that needs help now. If that is right, call "
                "{number} now. If it was a mistake, change your answer.",
                number=emergency_number,
            )
        )
        progress.current = first_yes
        progress.stopped_at_emergency = False


def _finish(
    questionnaire: Questionnaire,
    progress: Progress,
    emergency: bool,
    options: StartOptions,
    path: Path,
    *,
    plain: bool,
    asker: Any,
) -> int:
    """Print the emergency screen or the summary, and where the answers are."""
    from spinecheck.answers.files import with_answered_sex
    from spinecheck.assessment.report import SummaryInfo
    from spinecheck.assessment.rules import assess, choose_region
    from spinecheck.render.formats import Summary, document_of, paper_for
    from spinecheck.walk.wording import stream_width

    assessment = assess(questionnaire, progress.answers, region=options.region)
    if emergency:
        from spinecheck.render.plain import urgency_text

        asker.say("\n" + urgency_text(assessment, stream_width(asker.out)))
        asker.say(asker.words("Your answers are saved on this computer."))
        return EXIT_EMERGENCY
    info = SummaryInfo(  # no file name: the patient's own page names no internal files
        patient=with_answered_sex(progress.patient, progress.answers),
        printed_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    result = Summary(questionnaire, progress.answers, assessment, info)
    document = document_of(result, "patient")
    if sys.stdout.isatty() and not plain:
        from spinecheck.render.terminal import show

        show(document)
    else:
        from spinecheck.render.plain import to_text

        width = stream_width(sys.stdout) + 1 if sys.stdout.isatty() else 80
        sys.stdout.write("\n" + to_text(document, min(width, 100)))
    sys.stdout.flush()
    page = paper_for(choose_region(questionnaire, options.region))
    asker.say("\n" + _where_the_summary_is(document, path, options, page, asker.words))
    return EXIT_OK


def summary_path(path: Path, options: StartOptions) -> Path:
    """Where the walk saves the patient's summary: next to the answers, as a web page."""
    if options.save is None:  # the default folder: a name that says what it is
        return path.with_name("spine-summary.html")
    return path.with_name(f"{path.stem}-summary.html")


def _where_the_summary_is(
    document: Any, path: Path, options: StartOptions, page: str, words: Words
) -> str:
    """Save the summary (owner-only) and say, in the patient's words, what to do with it."""
    from spinecheck.answers.progress import write_private
    from spinecheck.render.html import to_html

    region = options.region  # None: the default region
    saved = summary_path(path, options)
    command = f"spinecheck summary {path}"
    command += f" --questions {options.questions}" if options.questions else ""
    command += f" --region {region}" if region else ""
    try:
        write_private(saved, to_html([document], page=page))
    except OSError as err:
        return (
            words(
                "Your summary could not be saved ({reason}). Your answers are saved on this "
                "computer. To print your summary later, run:",
                reason=err.strerror or err,
            )
            + f"\n{command} --format pdf --output summary.pdf"
        )
    return "\n".join([
        words("Your summary is saved as a web page:"),
        visible(str(saved)),
        words(
            "To print it, open that file in your web browser and choose Print. "
            "Please bring it to your visit."
        ),
    ])  # fmt: skip
