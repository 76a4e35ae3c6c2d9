"""Answer files (YAML or JSON) read and checked against a questionnaire, every problem located."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from spinecheck.answers.dates import birth_date_problem, real_date, real_date_time
from spinecheck.answers.fhir_answers import Response, is_fhir, responses
from spinecheck.answers.fhir_identity import GENDERS
from spinecheck.clean import clean, clean_line
from spinecheck.errors import Problem, SpinecheckError, similar
from spinecheck.questionnaire.answering import check_answers, show_value
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import Questionnaire
from spinecheck.questionnaire.reading import Document, parse_document, read_text


class AnswerFile(NamedTuple):
    """Checked answers from one file, with its metadata block."""

    answers: dict[str, AnswerValue]
    metadata: dict[str, Any]
    label: str


def load_answers(
    path: Path | str, questionnaire: Questionnaire, *, partial: bool = False
) -> AnswerFile:
    """Read an answer file (YAML or JSON; `-` is standard input) and check it against the questions.

    Raises:
        SpinecheckError: with every problem, each naming the line, the question id and what is
            allowed; missing required answers are listed together.
    """
    text, label = read_text(path)
    return parse_answers(text, label, questionnaire, partial=partial)


def load_answer_files(path: Path | str, questionnaire: Questionnaire) -> list[AnswerFile]:
    """Every set of answers in a file: one, or each QuestionnaireResponse of a FHIR Bundle.

    Raises:
        SpinecheckError: as `load_answers`, with the problems of every response at once.
    """
    text, label = read_text(path)
    document = parse_document(text, label)
    if not is_fhir(document.data):
        return [_checked(document, questionnaire, partial=False)]
    found, problems = [], []
    for response in responses(document.data, document, questionnaire):
        try:
            found.append(_checked_response(response, document, questionnaire))
        except SpinecheckError as err:
            problems += err.problems
    if problems:
        raise SpinecheckError(problems=problems)
    return found


def parse_answers(
    text: str, label: str, questionnaire: Questionnaire, *, partial: bool = False
) -> AnswerFile:
    """Check answer-file text (see `load_answers`); `partial` allows missing required answers.

    A FHIR QuestionnaireResponse is read too (a Bundle holding one).
    """
    document = parse_document(text, label)
    if is_fhir(document.data):
        found = responses(document.data, document, questionnaire)
        if len(found) > 1:
            raise SpinecheckError(
                f"this Bundle holds {len(found)} responses, where one set of answers is needed",
                path=label,
                hint="'spinecheck summary' reads every response of a Bundle",
            )
        return _checked_response(found[0], document, questionnaire, partial=partial)
    return _checked(document, questionnaire, partial=partial)


def _checked_response(
    response: Response, document: Document, questionnaire: Questionnaire, *, partial: bool = False
) -> AnswerFile:
    """A FHIR response's answers through the same checks as an answer file's."""
    from spinecheck.assessment.rules import stops_walk

    problems = list(response.problems)
    _refuse_too_many(response.raw, questionnaire, document, response.where)
    answers, answer_problems, missing = check_answers(questionnaire, response.raw)
    wrong = {item.question for item in answer_problems}
    wrong |= {problem.question for problem in response.problems if problem.question}
    missing = [m for m in missing if m not in wrong]  # given, but wrong: said once, above
    for item in answer_problems:
        if questionnaire.question(item.question) is None:  # point at the linkId itself
            item_at = response.where.get(item.question)
            path = (*item_at, "linkId") if item_at else ()
        else:
            path = response.answer_at.get(item.question, ())
        problems.append(
            document.problem(
                path,
                f"{item.question}: {item.message}",
                hint=item.hint, value=True, question=item.question,
            )
        )  # fmt: skip
    stopped = stops_walk(questionnaire, answers)
    if stopped and missing:  # answers that end at an emergency sign: the walk's stop
        response.metadata["stopped_at_emergency"] = True
    if missing and not partial and not stopped:
        problems.append(
            Problem(
                f"missing required answers: {', '.join(missing)}"
                + (f" (in {response.label})" if response.label != document.label else ""),
                path=document.label,
                line=None,
                hint="answer them in the form before exporting the response",
            )
        )
    if problems:
        raise SpinecheckError(problems=capped(problems))
    return AnswerFile(answers=answers, metadata=response.metadata, label=response.label)


def _checked(document: Document, questionnaire: Questionnaire, *, partial: bool) -> AnswerFile:
    from spinecheck.assessment.rules import stops_walk

    label = document.label
    data = document.data
    if not isinstance(data, dict):
        raise SpinecheckError(
            "expected a mapping of question ids to answers",
            path=label,
            line=1,
            hint="write one 'question_id: answer' per line",
        )
    metadata = data.get("spinecheck") or {}
    problems: list[Problem] = list(document.problems)
    if not isinstance(metadata, dict):
        problems.append(
            document.problem(("spinecheck",), "the 'spinecheck' block must be a mapping")
        )
        metadata = {}
    else:
        problems.extend(_check_metadata(metadata, questionnaire, document))
        problems.extend(_check_details(metadata, document))
    raw = {str(k): v for k, v in data.items() if k != "spinecheck"}
    _refuse_too_many(raw, questionnaire, document, {key: (key,) for key in raw})
    answers, answer_problems, missing = check_answers(questionnaire, raw)
    wrong = {item.question for item in answer_problems}
    missing = [m for m in missing if m not in wrong]  # given, but wrong: said once, above
    for item in answer_problems:
        problems.append(
            document.problem(
                (item.question,), f"{item.question}: {item.message}", hint=item.hint, value=True,
                question=item.question,
            )
        )  # fmt: skip
    if missing and not partial and not stops_walk(questionnaire, answers):
        problems.append(
            Problem(
                f"missing required answers: {', '.join(missing)}",
                path=label,
                line=None,
                hint="answer them, or run 'spinecheck start --resume' to finish the walk",
            )
        )
    if problems:
        raise SpinecheckError(problems=capped(problems))
    return AnswerFile(answers=answers, metadata=metadata, label=label)


MAX_SHOWN = 40
"""The most problems listed for one answer file; the rest are counted in one more line."""


def capped(problems: list[Problem]) -> list[Problem]:
    """At most MAX_SHOWN problems, then one that says how many more there are."""
    if len(problems) <= MAX_SHOWN:
        return problems
    rest = len(problems) - MAX_SHOWN
    return [
        *problems[:MAX_SHOWN],
        Problem(
            f"and {rest} more problems like these ({len(problems)} in all)",
            path=problems[0].path,
            hint="fix the ones above first; is this the right file?",
        ),
    ]


def _refuse_too_many(
    raw: Mapping[str, Any],
    questionnaire: Questionnaire,
    document: Document,
    where: Mapping[str, tuple[str | int, ...]],
) -> None:
    """One message for a file with far more answers than the questionnaire has questions.

    Raises:
        SpinecheckError: at the first answer to an unknown question.
    """
    most = len(questionnaire.questions)
    if len(raw) <= most:
        return
    unknown = next((key for key in raw if questionnaire.question(key) is None), next(iter(raw)))
    raise SpinecheckError(
        problems=[
            document.problem(
                where.get(unknown, ()),
                f"this file holds {len(raw)} answers, but the questionnaire has only "
                f"{most} questions",
                hint="is this the right file? An answer file gives each question once",
            )
        ]
    )


_METADATA_KINDS: dict[str, tuple[type, ...]] = {
    "questionnaire": (str,),
    "questionnaire_version": (str,),
    "started": (str,),
    "updated": (str,),
    "completed": (bool,),
    "stopped_at_emergency": (bool,),
    "current": (str, type(None)),
    "seen": (list,),
    "region": (str,),
    "language": (str,),
}
_KIND_WORDS = {str: "text", bool: "true or false", list: "a list", type(None): "nothing"}

DETAILS: dict[str, tuple[str, ...]] = {
    "patient": ("name", "birth_date", "identifier", "sex"),
    "visit": ("date", "time", "clinician", "location"),
}
"""Contract 1.1: the optional patient and visit details of the metadata block, all text
(contract 1.2 adds the patient's sex, one of SEXES)."""

SEXES = GENDERS
"""Contract 1.2 `patient.sex`: FHIR's administrative gender codes."""
_DATES = {("patient", "birth_date"), ("visit", "date")}


def identity(path: Path | str) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    """The patient and visit details of an answer file whose answers could not be read.

    A printed stack still says whose the file is and sorts it by its visit time. The file is
    read with the same safe parser; a file that is no mapping, or cannot be parsed at all, gives
    (None, None). Standard input is not read twice.
    """
    if str(path) == "-":
        return None, None
    try:
        text, label = read_text(path)
        data = parse_document(text, label).data
    except (SpinecheckError, OSError):
        return None, None
    metadata = data.get("spinecheck") if isinstance(data, dict) else None
    if not isinstance(metadata, dict):
        return None, None
    return details(metadata, "patient"), details(metadata, "visit")


def details(metadata: dict[str, Any], block: str) -> dict[str, str] | None:
    """The checked patient or visit details of a metadata block (None when absent)."""
    found = metadata.get(block)
    if not isinstance(found, dict) or not found:
        return None
    return {  # one clean line each: no control sequence reaches a page, a terminal or a script
        key: clean_line(str(found[key]))
        for key in DETAILS[block]
        if shows_something(found.get(key))
    }


def with_answered_sex(
    patient: Mapping[str, str] | None, answers: Mapping[str, object]
) -> dict[str, str] | None:
    """The patient details with the sex the patient answered (the `sex` question).

    The answer is the patient's own word and the one the walk used, so it is the `sex` shown;
    a different `patient.sex` from the clinic's records is kept as `sex_on_record`, for the
    clinician to check (a wrong-patient file must not pass silently).
    """
    answered = answers.get("sex")
    if answered not in SEXES:
        return dict(patient) if patient else None
    merged = dict(patient or {})
    recorded = merged.get("sex")
    if answered == "unknown" and recorded:  # 'rather not say' contradicts no record
        return merged
    merged["sex"] = str(answered)
    if recorded and recorded != answered:
        merged["sex_on_record"] = recorded
    return merged


def shows_something(value: object) -> bool:
    """Whether a detail has a letter, digit, punctuation or symbol to show.

    One of only spaces, invisible characters or marks with no letter under them is not given.
    """
    if value is None:
        return False
    return any(unicodedata.category(c)[0] in "LNPS" for c in clean(str(value)))


def _check_details(metadata: dict[str, Any], document: Document) -> list[Problem]:
    problems = []
    for block, keys in DETAILS.items():
        if block not in metadata or metadata[block] is None:
            continue
        found = metadata[block]
        if not isinstance(found, dict):
            problems.append(
                document.problem(
                    ("spinecheck", block),
                    f"'{block}' in the spinecheck block must be a mapping of {', '.join(keys)}",
                    hint=f"for example: {block}: {{{keys[0]}: ...}}",
                )
            )
            continue
        for key, value in found.items():
            where = ("spinecheck", block, key)
            if key not in keys:
                close = similar(str(key), list(keys), n=1)
                problems.append(
                    document.problem(
                        where,
                        f"unknown key {show_value(key)} in '{block}'",
                        hint=f"did you mean '{close[0]}'?"
                        if close
                        else f"{block} takes " + ", ".join(keys),
                    )
                )
            elif value is not None and not isinstance(value, str):
                problems.append(
                    document.problem(
                        where,
                        f"'{block}.{key}' must be text, not {show_value(value)}",
                        hint=f'put it in quotes, for example {key}: "{value}"',
                        value=True,
                    )
                )
            elif isinstance(value, str) and (block, key) in _DATES and not real_date(value):
                problems.append(
                    document.problem(
                        where,
                        f"'{block}.{key}' is not a real date: {show_value(value)}",
                        hint="write it as YYYY-MM-DD, for example 1961-04-02",
                        value=True,
                    )
                )
            elif (block, key) == ("patient", "sex") and value not in (None, *SEXES):
                problems.append(
                    document.problem(
                        where,
                        f"'patient.sex' is not one of the codes: {show_value(value)}",
                        hint="use one of: " + ", ".join(SEXES),
                        value=True,
                    )
                )
            elif (block, key) == ("patient", "birth_date") and isinstance(value, str):
                visit = metadata.get("visit")
                wrong = birth_date_problem(
                    value,
                    visit.get("date") if isinstance(visit, dict) else None,
                    metadata.get("updated"),
                )
                if wrong:
                    problems.append(
                        document.problem(
                            where,
                            wrong,
                            hint="check the date of birth with the patient",
                            value=True,
                        )
                    )
    return problems


def _check_metadata(
    metadata: dict[str, Any], questionnaire: Questionnaire, document: Document
) -> list[Problem]:
    problems = []
    for key, kinds in _METADATA_KINDS.items():
        if key in metadata and not isinstance(metadata[key], kinds):
            wanted = " or ".join(_KIND_WORDS[kind] for kind in kinds)
            problems.append(
                document.problem(
                    ("spinecheck", key),
                    f"'{key}' in the spinecheck block must be {wanted}, "
                    f"not {show_value(metadata[key])}",
                    hint="this block is written by spinecheck; fix the value or remove the line",
                    value=True,
                )
            )
    for key in ("started", "updated"):
        if isinstance(metadata.get(key), str) and not real_date_time(metadata[key]):
            problems.append(
                document.problem(
                    ("spinecheck", key),
                    f"'{key}' is not a date and time: {show_value(metadata[key])}",
                    hint="write it as YYYY-MM-DDThh:mm:ss with its offset, "
                    "for example 2026-12-03T09:30:00+00:00",
                    value=True,
                )
            )
    region = metadata.get("region")
    if isinstance(region, str) and region.lower() not in questionnaire.regions:
        known = ", ".join(sorted(questionnaire.regions)) or "none"
        problems.append(
            document.problem(
                ("spinecheck", "region"),
                f"unknown region {show_value(region)}",
                hint=f"the questionnaire's regions are: {known}",
                value=True,
            )
        )
    written_for = metadata.get("questionnaire")
    if isinstance(written_for, str) and written_for != questionnaire.id:
        problems.append(
            document.problem(
                ("spinecheck", "questionnaire"),
                f"these answers are for questionnaire {show_value(written_for)}, "
                f"not '{questionnaire.id}'",
                hint="use --questions to name the questionnaire they were made with",
                value=True,
            )
        )
    format_version = metadata.get("format", ANSWERS_FORMAT)
    if isinstance(format_version, bool) or format_version != ANSWERS_FORMAT:
        problems.append(
            document.problem(
                ("spinecheck", "format"),
                f"unknown answers format {show_value(format_version)}",
                hint=f"this spinecheck reads format {ANSWERS_FORMAT}",
                value=True,
            )
        )
    return problems


ANSWERS_FORMAT = 1
"""The version of the answer-file format (see the answers contract)."""
