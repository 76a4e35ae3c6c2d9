"""Load questions.yaml into checked models; every problem comes with its line and a hint."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from spinecheck.clean import clean, cleaned
from spinecheck.errors import Problem, SpinecheckError, similar, visible
from spinecheck.medicines.matching import default_index
from spinecheck.questionnaire import contract
from spinecheck.questionnaire.answering import show_value
from spinecheck.questionnaire.conditions import AnswerValue, Facts, evaluate, walk
from spinecheck.questionnaire.model import (
    COMPARISONS,
    PLACEHOLDER,
    Alongside,
    CatalogEntry,
    Choice,
    Condition,
    CountTrue,
    Gate,
    GateTargets,
    Instrument,
    PainPhaseRule,
    Question,
    QuestionKind,
    Questionnaire,
    Region,
    Rule,
    Section,
    Source,
    Subscale,
    Unsure,
    field_names,
)
from spinecheck.questionnaire.reading import Document, parse_yaml, read_text, show_text


def _all_keys() -> list[str]:
    """Every key any part of a questionnaire takes (for 'did you mean' hints)."""
    return sorted(
        {
            name
            for model in (
                Questionnaire, Section, Question, Choice, Condition, CountTrue, Rule, Instrument,
                CatalogEntry, Source, PainPhaseRule, Gate, GateTargets, Alongside, Unsure, Region,
            )
            for name in field_names(model)
        }
    )  # fmt: skip


_SCORABLE = (QuestionKind.YES_NO, QuestionKind.SINGLE, QuestionKind.SCALE, QuestionKind.INTEGER)


def questions_file() -> Path:
    """The built-in questions.yaml: inside the installed package, or at the repository root."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "questions.yaml"
    if packaged.is_file():
        return packaged
    # An editable install imports spinecheck from the source tree, where the file sits at the root.
    return package.parent / "questions.yaml"


def load_questionnaire(
    path: Path | str | None = None,
    *,
    language: str | None = None,
    notes: list[str] | None = None,
    strict: bool = False,
    warnings: list[Problem] | None = None,
    against_contract: bool = False,
) -> Questionnaire:
    """Read, validate and cross-check a questionnaire file (the built-in one by default).

    In `language` when given (every language shares the ids, rules and gates; only the words
    differ), else in the file's own language. Nothing is remembered between runs. The built-in
    file is used as the build checked it when its bytes are exactly those the build read
    (`spinecheck.prebuilt`); any other file, and `check` (`notes` or `strict`), is read and
    checked here. Control characters, escape sequences and bidi overrides in any text are
    removed (so none reaches a prompt or a page); with `strict` (as `spinecheck check` reads)
    each is an error instead. With `against_contract` (as `spinecheck check` reads), a renamed,
    dropped or changed contract question is an error too. What may be meant but would surprise
    (a new required question, a changed copy keeping the built-in id) goes to `warnings`.

    Raises:
        SpinecheckError: with every problem found, each with its line and a hint; or the file
            has no texts in `language`.
    """
    checking = notes is not None or strict or warnings is not None or against_contract
    if path is None and not checking:  # the built-in file, as the build checked it
        built = _prebuilt(language)
        if built is not None:
            return built
    found = load_languages(
        path, notes=notes, strict=strict, warnings=warnings, against_contract=against_contract
    )
    return in_language(found, language, str(path or questions_file()))


def load_languages(
    path: Path | str | None = None,
    *,
    notes: list[str] | None = None,
    strict: bool = False,
    warnings: list[Problem] | None = None,
    against_contract: bool = False,
) -> dict[str, Questionnaire]:
    """The questionnaire in every language it declares, its own first (see `load_questionnaire`).

    Raises:
        SpinecheckError: with every problem found, each with its line and a hint.
    """
    source = questions_file() if path is None else path
    text, label = read_text(source)
    return parse_languages(
        text, label, notes=notes, strict=strict, warnings=warnings,
        against_contract=against_contract,
    )  # fmt: skip


def in_language(
    found: Mapping[str, Questionnaire], language: str | None, label: str
) -> Questionnaire:
    """The one of `found` in `language` ('es-US' is served by 'es'); the first if None.

    Raises:
        SpinecheckError: the questionnaire has no texts in that language.
    """
    own = next(iter(found.values()))
    if language is None:
        return own
    for code in (language, language.split("-")[0]):
        if code in found:
            return found[code]
    from spinecheck.questionnaire.languages import language_name

    raise SpinecheckError(
        f"this questionnaire has no {language_name(language)} texts",
        path=label,
        hint=f"it is written in {', '.join(language_name(code) for code in found)}; "
        "choose one of those with --language",
    )


def _prebuilt(language: str | None) -> Questionnaire | None:
    from spinecheck.prebuilt import questionnaire_for

    try:
        source = questions_file().read_bytes()
    except OSError:
        return None  # reading the file says what is wrong with it
    own = questionnaire_for(source)
    if own is None:
        return None
    codes = [] if language is None else list(dict.fromkeys([language, language.split("-")[0]]))
    # a further language the build stored, else the file's own (asked for by name, or by None)
    stored = (questionnaire_for(source, code) for code in codes)
    checked = next((found for found in stored if found is not None), own)
    try:
        built: Questionnaire = msgspec.msgpack.decode(checked, type=Questionnaire)
    except msgspec.DecodeError:  # made by another model: read the file
        return None
    # a language the file lacks: reading it says so, with the languages it has
    return built if not codes or built.language in codes else None


def parse_questionnaire(
    text: str,
    label: str,
    *,
    document: Document | None = None,
    notes: list[str] | None = None,
    strict: bool = False,
    language: str | None = None,
) -> Questionnaire:
    """Validate and cross-check questionnaire text (see `load_questionnaire`).

    What a check could not do in full (it is bounded in time and size) is added to `notes`.
    """
    found = parse_languages(text, label, document=document, notes=notes, strict=strict)
    return in_language(found, language, label)


def parse_languages(
    text: str,
    label: str,
    *,
    document: Document | None = None,
    notes: list[str] | None = None,
    strict: bool = False,
    warnings: list[Problem] | None = None,
    against_contract: bool = False,
) -> dict[str, Questionnaire]:
    """The questionnaire text checked, in every language it declares (its own first)."""
    from spinecheck.questionnaire import languages

    document = document or parse_yaml(text, label)
    if not isinstance(document.data, dict):
        raise SpinecheckError(
            "expected a mapping at the top of the file",
            path=label,
            line=1,
            hint="a questionnaire starts with keys such as id, version, title and sections",
        )
    problems: list[Problem] = list(document.problems)
    if _MAY_HOLD_CONTROLS.search(text):  # raw, or written as a YAML escape such as "\e"
        unsafe = list(_unsafe_texts(document.data, ()))
        if strict:
            problems += [
                document.problem(
                    where,
                    f"this text holds {visible(found)}, which a terminal would obey",
                    hint="remove control characters, escape sequences and direction marks: "
                    "spinecheck removes them before showing the text",
                    value=True,
                )
                for where, found in unsafe
            ]
        if unsafe:
            document = dataclasses.replace(document, data=cleaned(document.data))
    raw = document.data
    codes = languages.declared(raw)
    many = len(codes) > 1 or any(
        isinstance(found.value, dict) for found in languages.texts(raw, Questionnaire)
    )
    if many:
        problems += [
            document.problem(where, message, hint=hint, value=not at_key)
            for where, message, hint, at_key in languages.problems(raw, Questionnaire)
        ]
        document = dataclasses.replace(
            document, data=languages.in_language(raw, Questionnaire, codes[0], codes[0])
        )
    try:
        questionnaire = msgspec.convert(document.data, Questionnaire)
        invalid_ids: set[str] = set()
    except msgspec.ValidationError:
        from spinecheck.questionnaire.validation import problems_of

        for found in problems_of(document.data, Questionnaire, _all_keys()):
            problems.append(
                document.problem(found.path, found.message, hint=found.hint, value=not found.at_key)
            )
        questionnaire, invalid_ids = _salvage(document)
    checker = _Checker(
        questionnaire, document, invalid_ids, text, contract=against_contract, raw=raw
    )
    problems.extend(checker.run())
    if notes is not None:
        notes.extend(checker.notes)
    if warnings is not None:
        warnings.extend(checker.warnings)
    from spinecheck.questionnaire.clinic_medicines import check_medicine_file

    medicine_file, in_medicine_file = check_medicine_file(document, label)  # its own lines
    if problems or in_medicine_file:
        raise SpinecheckError(problems=_sorted_unique(problems) + in_medicine_file)
    by_language = {questionnaire.language: questionnaire}
    for code in codes[1:]:
        picked = languages.in_language(raw, Questionnaire, code, codes[0])
        try:
            by_language[code] = msgspec.convert(picked, Questionnaire)
        except msgspec.ValidationError as error:  # pragma: no cover - the checks above say why
            raise SpinecheckError(
                f"the {languages.language_name(code)} texts do not fit: {visible(str(error))}",
                path=label,
                hint="check the texts of that language",
            ) from None
    if medicine_file is not None:  # the full path, for the runs that read medicines with it
        by_language = {
            code: msgspec.structs.replace(found, medicines=medicine_file)
            for code, found in by_language.items()
        }
    return by_language


_MAY_HOLD_CONTROLS = re.compile(
    r"\\|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)
"""A backslash (a YAML escape) or a character `clean` removes: only then is every text looked at."""


def _unsafe_texts(data: Any, where: tuple[str | int, ...]) -> Iterator[tuple[Any, str]]:
    """Each text (key or value) in `data` that `clean` would change, with its path.

    With each comes the first character that `clean` removes, for the message.
    """
    if isinstance(data, str):
        if clean(data) != data:
            yield where, next((ch for ch in data if not clean(ch)), data)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and clean(key) != key:
                yield (*where, key), next((ch for ch in key if not clean(ch)), key)
            yield from _unsafe_texts(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _unsafe_texts(value, (*where, index))


def _sorted_unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int | None, str]] = set()
    unique = []
    for problem in problems:
        key = (problem.line, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return sorted(unique, key=lambda p: (p.line or 0, p.column or 0))


def _try(model: type[Any], data: Any) -> Any:
    try:
        return msgspec.convert(data, model)
    except msgspec.ValidationError:
        return None


def _salvage(document: Document) -> tuple[Questionnaire, set[str]]:
    """Keep the valid parts of an invalid file so cross-references can still be checked."""
    data: dict[str, Any] = document.data
    invalid_ids: set[str] = set()
    sections = []
    for raw_section in _as_list(data.get("sections")):
        if not isinstance(raw_section, dict):
            continue
        questions = []
        for raw_question in _as_list(raw_section.get("questions")):
            question = _try(Question, raw_question)
            if question is None and isinstance(raw_question, dict):
                if isinstance(raw_question.get("id"), str):
                    invalid_ids.add(raw_question["id"])
            questions.append(question)
        # Built without checks: a question that did not fit stands as None in its place.
        sections.append(
            Section(
                id=str(raw_section.get("id", "")),
                title=str(raw_section.get("title", "")),
                questions=questions,
            )
        )

    def valid_list(key: str, model: type[Any]) -> list[Any]:
        return [_try(model, item) for item in _as_list(data.get(key))]

    def valid_map(key: str, model: type[Any]) -> dict[str, Any]:
        raw = data.get(key)
        if not isinstance(raw, dict):
            return {}
        return {str(k): _try(model, v) for k, v in raw.items()}

    default_region = data.get("default_region")
    questionnaire = Questionnaire(
        id=str(data.get("id", "")),
        version=str(data.get("version", "")),
        title=str(data.get("title", "")),
        sections=sections,
        pain_phase=_try(PainPhaseRule, data.get("pain_phase")) if data.get("pain_phase") else None,
        instruments=valid_list("instruments", Instrument),
        specialists=valid_map("specialists", CatalogEntry),
        options=valid_map("options", CatalogEntry),
        medication_flags=valid_map("medication_flags", CatalogEntry),
        rules=valid_list("rules", Rule),
        sources=valid_map("sources", Source),
        regions={k: v for k, v in valid_map("regions", Region).items() if v is not None},
        default_region=default_region if isinstance(default_region, str) else None,
        gates=valid_list("gates", Gate),
        urgent_contacts=valid_map("urgent_contacts", CatalogEntry),
        terms={str(k): str(v) for k, v in (data.get("terms") or {}).items()}
        if isinstance(data.get("terms"), dict)
        else {},
    )
    return questionnaire, invalid_ids


_CODE_TERMS = frozenset({"acetaminophen_name"})
"""Terms the clinician page reads itself (it has its own word when neither file gives one)."""


def _first_few(names: list[str], most: int = 5) -> str:
    return ", ".join(names[:most]) + (", ..." if len(names) > most else "")


def _did_you_mean(word: str, known: list[str], otherwise: str) -> str:
    close = similar(word, known, n=1)
    return f"did you mean '{close[0]}'?" if close else otherwise


def _never_met(operator: str, threshold: float, low: float, high: float) -> bool:
    """Whether a comparison cannot hold for any number from `low` to `high`."""
    return {
        "at_least": threshold > high,
        "above": threshold >= high,
        "at_most": threshold < low,
        "below": threshold <= low,
    }.get(operator, False)


def _contract_values(question_id: str) -> tuple[str, ...]:
    fixed = contract.QUESTIONS.get(question_id)
    return fixed.values if fixed else ()


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass
class _Checker:
    """Cross-reference checks that a schema cannot express, each located in the file."""

    questionnaire: Questionnaire
    document: Document
    invalid_ids: set[str]
    document_text: str = ""
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the checks could not do in full (said by `spinecheck check`)."""
    contract: bool = False
    """Compare the file with the answers contract and the built-in file (`spinecheck check`)."""
    warnings: list[Problem] = field(default_factory=list)
    """What may be meant but would surprise (said by `spinecheck check`; not errors)."""
    paths: dict[str, tuple[str | int, ...]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    flagged: list[tuple[str | int, ...]] = field(default_factory=list)
    """Where each problem was found (a rule with a problem in it is not searched again)."""
    unreachable: set[str] = field(default_factory=set)
    """Questions that can never be asked (found by `_check_unreachable`)."""
    raw: Any = None
    """The file as read, every language in it (to tell a changed copy of the built-in file)."""
    builtin: Questionnaire | None = None

    def run(self) -> list[Problem]:
        self._index_questions()
        self._check_questions()
        self._check_instruments()
        self._check_pain_phase()
        self._check_rules()
        self._check_gates()
        self._check_catalogs()
        self._check_texts()
        self._check_unreachable()
        self._check_rules_reachable()
        self._check_quoted_answers()
        if self.contract:
            self._check_contract()
        self._check_warning_signs_first()
        return self.problems

    def add(self, path: tuple[str | int, ...], message: str, hint: str) -> None:
        """A problem at `path`, with its hint: every message says what to do."""
        self.problems.append(self.document.problem(path, message, hint=hint))
        self.flagged.append(path)

    def warn(self, path: tuple[str | int, ...], message: str, hint: str) -> None:
        self.warnings.append(self.document.problem(path, message, hint=hint))

    # -- questions --------------------------------------------------------------------------

    def _questions(self) -> Iterator[tuple[tuple[str | int, ...], Question]]:
        for s_index, section in enumerate(self.questionnaire.sections):
            for q_index, question in enumerate(section.questions):
                if question is not None:
                    yield ("sections", s_index, "questions", q_index), question

    def _index_questions(self) -> None:
        section_ids: set[str] = set()
        for s_index, section in enumerate(self.questionnaire.sections):
            if section.id in section_ids:
                self.add(("sections", s_index, "id"), f"duplicate section id '{section.id}'",
                         "every section needs its own id")  # fmt: skip
            section_ids.add(section.id)
        for path, question in self._questions():
            if question.id == "spinecheck":
                hint = "answer files keep their metadata under 'spinecheck': choose another id"
                self.add((*path, "id"), "the id 'spinecheck' is reserved", hint)
            if question.id in self.paths:
                first = self.document.locate((*self.paths[question.id], "id"))
                where = f" (first at line {first.line})" if first else ""
                self.add(
                    (*path, "id"),
                    f"duplicate question id '{question.id}'{where}",
                    "every question needs its own id",
                )
                continue
            self.paths[question.id] = path
            self.order[question.id] = len(self.order)

    def _check_questions(self) -> None:
        for path, question in self._questions():
            self._check_kind_keys(path, question)
            if question.when is not None:
                self._check_condition(question.when, (*path, "when"), before=question.id)
            for index, choice in enumerate(question.choices or ()):
                if choice.when is not None:  # like a question's: earlier answers only
                    where = (*path, "choices", index, "when")
                    self._check_condition(choice.when, where, before=question.id)
            if question.warning is not None:
                self._check_sources(question.warning.sources, (*path, "warning", "sources"))

    def _check_kind_keys(self, path: tuple[str | int, ...], q: Question) -> None:
        kind = q.kind
        allowed = {
            "choices": (QuestionKind.SINGLE, QuestionKind.MULTIPLE),
            "min": (QuestionKind.SCALE, QuestionKind.INTEGER),
            "max": (QuestionKind.SCALE, QuestionKind.INTEGER),
            "min_label": (QuestionKind.SCALE,),
            "max_label": (QuestionKind.SCALE,),
            "unit": (QuestionKind.INTEGER,),
            "max_length": (QuestionKind.TEXT, QuestionKind.TEXT_LIST),
            "max_items": (QuestionKind.TEXT_LIST,),
            "warning": (QuestionKind.YES_NO,),
            "autocomplete": (QuestionKind.TEXT_LIST,),
            "unsure": (QuestionKind.YES_NO,),
        }
        for key, kinds in allowed.items():
            if getattr(q, key) is not None and kind not in kinds:
                self.add(
                    (*path, key),
                    f"'{key}' does not apply to a {kind.value} question",
                    f"'{key}' is for {', '.join(k.value for k in kinds)} questions; remove it",
                )
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            choices = q.choices or []
            if len(choices) < 2:
                self.add(
                    (*path, "choices") if q.choices is not None else path,
                    f"a {kind.value} question needs at least two choices",
                    "add a 'choices' list of {value, label} entries",
                )
            seen: set[str] = set()
            for index, choice in enumerate(choices):
                if choice.value in seen:
                    self.add(
                        (*path, "choices", index, "value"),
                        f"duplicate choice value '{choice.value}' in '{q.id}'",
                        "each choice of a question needs its own value",
                    )
                seen.add(choice.value)
                if choice.exclusive and kind is not QuestionKind.MULTIPLE:
                    self.add(
                        (*path, "choices", index, "exclusive"),
                        "'exclusive' only applies to multiple-choice questions",
                        "remove it: a single choice is always one value",
                    )
        if kind is QuestionKind.INTEGER and (q.min is None or q.max is None):
            self.add(
                path, f"integer question '{q.id}' needs 'min' and 'max'", "e.g. min: 0, max: 120"
            )
        if q.min is not None and q.max is not None and q.min > q.max:
            self.add((*path, "min"), f"'min' ({q.min}) is larger than 'max' ({q.max})",
                     "swap them: 'min' is the lowest answer allowed")  # fmt: skip

    # -- conditions -------------------------------------------------------------------------

    def _check_condition(
        self, condition: Condition, path: tuple[str | int, ...], *, before: str | None
    ) -> None:
        """Check every test in a condition; `before` is the question it guards (if any)."""
        stack: list[tuple[Condition, tuple[str | int, ...]]] = [(condition, path)]
        while stack:
            current, where = stack.pop()
            form = current.form
            if form in ("all", "any"):
                key = form
                for index, child in enumerate(current.children()):
                    stack.append((child, (*where, key, index)))
                continue
            if form == "not":
                stack.append((current.children()[0], (*where, "not")))
                continue
            if form == "count_true":
                for index, child in enumerate(current.children()):
                    stack.append((child, (*where, "count_true", "of", index)))
                continue
            if form == "urgency_at_least":
                if before is not None:
                    self.add(
                        (*where, "urgency_at_least"),
                        "a question's 'when' cannot test the urgency",
                        "the urgency is known only once every answer is in",
                    )
            elif form == "measure":
                if before is not None:
                    self.add(
                        (*where, "measure"),
                        "a question's 'when' cannot test a medicine total",
                        "totals are worked out once every answer is in",
                    )
            elif form == "medication_class":
                self._check_medication_test(current, where, before)
            elif form == "score":
                self._check_score_test(current, where, before)
            else:
                self._check_question_test(current, where, before)

    def _check_question_test(
        self, test: Condition, where: tuple[str | int, ...], before: str | None
    ) -> None:
        target_id = test.question
        assert target_id is not None
        target = self.questionnaire.question(target_id) if target_id in self.paths else None
        if target is None:
            if target_id not in self.invalid_ids:
                self._unknown_question(target_id, (*where, "question"))
            return
        if before is not None and self.order.get(target_id, -1) >= self.order.get(before, 0):
            message = (
                f"condition of '{before}' names '{target_id}', which is not asked before it"
                if target_id != before
                else f"the condition of '{target_id}' names the question itself"
            )
            self.add((*where, "question"), message, "a condition may only use earlier answers")
        for name, expected in test.operators().items():
            self._check_operator(target, name, expected, (*where, name))

    def _check_operator(
        self, q: Question, name: str, expected: object, where: tuple[str | int, ...]
    ) -> None:
        kind = q.kind
        if name == "answered":
            return
        if name in COMPARISONS:
            if kind not in (QuestionKind.SCALE, QuestionKind.INTEGER):
                self.add(
                    where,
                    f"'{name}' compares numbers, but '{q.id}' is a {kind.value} question",
                    "use 'equals' or 'in' with its values",
                )
            elif not _finite(expected):
                self.add(where, f"'{name}' needs an ordinary number, not {show_value(expected)}",
                         "write a number such as 3 or 7.5")  # fmt: skip
            elif isinstance(expected, int | float) and _never_met(name, expected, *q.bounds()):
                low, high = q.bounds()
                self.add(where, f"'{name}: {expected:g}' is never true: '{q.id}' goes from "
                         f"{low:g} to {high:g}", "use a threshold inside that range")  # fmt: skip
            return
        if name == "includes":
            if kind is not QuestionKind.MULTIPLE:
                self.add(
                    where,
                    f"'includes' is for multiple-choice questions; '{q.id}' is {kind.value}",
                    "use 'equals' or 'in'",
                )
                return
            values = expected if isinstance(expected, list) else [expected]
            self._check_values(q, values, where)
            return
        values = expected if name == "in" and isinstance(expected, list) else [expected]
        if kind is QuestionKind.YES_NO:
            if any(not isinstance(v, bool) for v in values):
                self.add(where, f"'{q.id}' is a yes/no question: test it with true or false",
                         "e.g. {question: " + q.id + ", equals: true}")  # fmt: skip
        elif kind is QuestionKind.SINGLE:
            self._check_values(q, values, where)
        elif kind is QuestionKind.MULTIPLE:
            if name == "equals" and isinstance(expected, list):
                self._check_values(q, expected, where)
            else:
                self.add(
                    where,
                    f"'{q.id}' is a multiple-choice question: test it with 'includes'",
                    "e.g. includes: [lower_back, leg]",
                )
        elif kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
            low, high = q.bounds()
            for value in values:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    self.add(where, f"'{q.id}' takes numbers, not {show_value(value)}",
                             "write a number such as 3")  # fmt: skip
                elif not low <= value <= high:
                    self.add(where, f"{value} is outside the range of '{q.id}' ({low} to {high})",
                             "use a number inside that range")  # fmt: skip

    def _check_values(self, q: Question, values: list[Any], where: tuple[str | int, ...]) -> None:
        known = [c.value for c in q.choices or ()]
        for value in values:
            text = value if isinstance(value, str) else ("yes" if value is True else "no")
            if isinstance(value, bool) and text in known:
                self.add(where, f"{str(value).lower()} is read as a yes/no, not the value '{text}'",
                         f"quote it: '{text}'")  # fmt: skip
            elif text not in known and text in _contract_values(q.id):
                self.add(where, f"'{q.id}' has no choice '{text}'",
                         f"'{text}' is a contract value of '{q.id}': put the choice back "
                         "rather than changing what uses it")  # fmt: skip
            elif text not in known:
                close = similar(text, known, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add(
                    where,
                    f"'{q.id}' has no choice '{text}'",
                    hint + "allowed: " + ", ".join(known),
                )

    def _unknown_question(self, target_id: str, where: tuple[str | int, ...]) -> None:
        if target_id in contract.QUESTIONS:  # renamed or dropped: the question must come back
            hint = (
                f"'{target_id}' is a contract question id: give the question back its id "
                f"'{target_id}' rather than changing what uses it"
            )
        else:
            close = similar(target_id, list(self.paths), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "check the question id"
        self.add(where, f"unknown question '{target_id}'", hint)

    def _check_score_test(
        self, test: Condition, where: tuple[str | int, ...], before: str | None
    ) -> None:
        scores = self._score_items()
        assert test.score is not None
        for name, expected in test.operators().items():
            if name in COMPARISONS and not _finite(expected):
                self.add((*where, name), f"'{name}' needs an ordinary number, not "
                         f"{show_value(expected)}", "write a number such as 3 or 7.5")  # fmt: skip
        if test.score not in scores:
            close = similar(test.score, list(scores), n=1)
            hint = (
                f"did you mean '{close[0]}'?" if close else "scores are instrument or subscale ids"
            )
            self.add((*where, "score"), f"unknown score '{test.score}'", hint)
            return
        if before is not None:
            later = [i for i in scores[test.score] if self.order.get(i, -1) >= self.order[before]]
            if later:
                self.add(
                    (*where, "score"),
                    f"score '{test.score}' uses '{later[0]}', which is not asked before '{before}'",
                    "a condition may only use earlier answers",
                )

    def _check_medication_test(
        self, test: Condition, where: tuple[str | int, ...], before: str | None
    ) -> None:
        classes = default_index().class_labels
        assert test.medication_class is not None
        for index, partner in enumerate(test.paired_with or ()):
            if partner not in classes:
                hint = _did_you_mean(
                    partner, list(classes), "see spinecheck/medicines/medicines.yaml"
                )
                self.add(
                    (*where, "paired_with", index), f"unknown medicine class '{partner}'", hint
                )
        if test.medication_class not in classes:
            close = similar(test.medication_class, list(classes), n=1)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else "see spinecheck/medicines/medicines.yaml"
            )
            self.add(
                (*where, "medication_class"),
                f"unknown medicine class '{test.medication_class}'",
                hint,
            )
        medicine_questions = self.questionnaire.medicine_questions()
        if not medicine_questions and not self.invalid_ids:
            self.add(
                (*where, "medication_class"),
                "no question collects medicines (a text_list with autocomplete: medicines)",
                "add one (the built-in 'medications' question), or remove this test",
            )
        elif before is not None and all(
            self.order.get(q.id, -1) >= self.order[before] for q in medicine_questions
        ):
            self.add(
                (*where, "medication_class"),
                f"the medicine list is not asked before '{before}'",
                "a condition may only use earlier answers: move the question after it",
            )

    def _score_items(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for instrument in self.questionnaire.instruments:
            if instrument is None:
                continue
            found[instrument.id] = list(instrument.items)
            for subscale in instrument.subscales:
                found[subscale.id] = list(subscale.items)
        return found

    # -- instruments, rules, sources --------------------------------------------------------

    def _check_instruments(self) -> None:
        seen: set[str] = set()
        for index, instrument in enumerate(self.questionnaire.instruments):
            if instrument is None:
                continue
            path: tuple[str | int, ...] = ("instruments", index)
            scales: list[tuple[Instrument | Subscale, tuple[str | int, ...]]] = [
                (instrument, path),
                *((sub, (*path, "subscales", i)) for i, sub in enumerate(instrument.subscales)),
            ]
            for scale, scale_path in scales:
                if scale.id in seen:
                    self.add((*scale_path, "id"), f"duplicate score id '{scale.id}'",
                             "every instrument and subscale needs its own id")  # fmt: skip
                seen.add(scale.id)
                for item_index, item in enumerate(scale.items):
                    self._check_item(item, (*scale_path, "items", item_index))
            self._check_sources(instrument.sources, (*path, "sources"))

    def _check_item(self, item: str, where: tuple[str | int, ...]) -> None:
        question = self.questionnaire.question(item) if item in self.paths else None
        if question is None:
            if item not in self.invalid_ids:
                self._unknown_question(item, where)
            return
        if question.kind not in _SCORABLE:
            self.add(where, f"'{item}' is a {question.kind.value} question and cannot be scored",
                     "score yes/no, single-choice, scale or integer questions")  # fmt: skip
        elif question.kind is QuestionKind.SINGLE and any(
            c.score is None for c in question.choices or ()
        ):
            self.add(
                where,
                f"'{item}' is scored, but not all of its choices have a 'score'",
                "give every choice a score: 0, 1, 2 ...",
            )

    def _check_pain_phase(self) -> None:
        rule = self.questionnaire.pain_phase
        if rule is None:
            return
        question = (
            self.questionnaire.question(rule.question) if rule.question in self.paths else None
        )
        if question is None:
            if rule.question not in self.invalid_ids:
                self._unknown_question(rule.question, ("pain_phase", "question"))
            return
        if question.kind is not QuestionKind.SINGLE:
            hint = "name the question of how long the pain has lasted (pain_duration)"
            self.add(("pain_phase", "question"), "pain_phase needs a single-choice question", hint)
            return
        known = {c.value for c in question.choices or ()}
        for value in rule.values:
            if value not in known:
                self.add(
                    ("pain_phase", "values", value),
                    f"'{rule.question}' has no choice '{value}'",
                    "allowed: " + ", ".join(sorted(known)),
                )
        for value in sorted(known - set(rule.values)):
            self.add(("pain_phase", "values"), f"pain_phase gives no phase for '{value}'",
                         "give every choice a phase: acute, subacute or chronic")  # fmt: skip

    def _check_rules(self) -> None:
        seen: set[str] = set()
        catalogs: dict[str, Mapping[str, Any]] = {
            "specialist": self.questionnaire.specialists,
            "option": self.questionnaire.options,
            "medication_flag": self.questionnaire.medication_flags,
            "urgent_contact": self.questionnaire.urgent_contacts,
        }
        gate_ids = {gate.id for gate in self.questionnaire.gates if gate is not None}
        for index, rule in enumerate(self.questionnaire.rules):
            if rule is None:
                continue
            path: tuple[str | int, ...] = ("rules", index)
            if rule.id in seen:
                self.add(
                    (*path, "id"), f"duplicate rule id '{rule.id}'", "every rule needs its own id"
                )
            seen.add(rule.id)
            self._check_condition(rule.when, (*path, "when"), before=None)
            if rule.urgency is not None and any(
                c.form == "urgency_at_least" for c in walk(rule.when)
            ):
                self.add(
                    (*path, "when"),
                    f"rule '{rule.id}' raises the urgency, so it cannot test it",
                    "test the warning-sign answers instead",
                )
            self._check_sources(rule.sources, (*path, "sources"))
            action, target = rule.action, rule.target
            if action in catalogs and target is not None and target not in catalogs[action]:
                plural = action + "s"
                close = similar(target, list(catalogs[action]), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"add it under '{plural}'"
                self.add((*path, action), f"unknown {action.replace('_', ' ')} '{target}'", hint)
            if action == "red_flag" and target is not None:
                question = self.questionnaire.question(target) if target in self.paths else None
                if target not in self.invalid_ids and (
                    question is None or question.warning is None
                ):
                    self.add((*path, "red_flag"), f"'{target}' is not a warning-sign question",
                             "red_flag names a yes/no question that has a 'warning'")  # fmt: skip
            if action in ("specialist", "option") and rule.urgency is not None and not rule.text:
                self.add(path, f"rule '{rule.id}' raises the urgency without 'text'",
                         "say in 'text' why, for the top of the summary")  # fmt: skip
            if action in ("preparation", "message", "urgent_contact") and not rule.text:
                self.add(path, f"a {action.replace('_', ' ')} rule needs 'text'",
                         "'text' is the words the summary shows for it")  # fmt: skip
            for g_index, gate_id in enumerate(rule.despite):
                if gate_id not in gate_ids:
                    close = similar(gate_id, sorted(gate_ids), n=1)
                    hint = f"did you mean '{close[0]}'?" if close else "add it under 'gates'"
                    self.add((*path, "despite", g_index), f"unknown gate '{gate_id}'", hint)
            if action in ("specialist", "option", "medication_flag") and not rule.sources:
                self.add(path, f"rule '{rule.id}' recommends without 'sources'",
                         "every recommendation names the guideline behind it")  # fmt: skip
            for key in ("reason", "text"):
                self._check_placeholders(getattr(rule, key), (*path, key))

    def _check_gates(self) -> None:
        """Each gate: a unique id, targets that exist, a warning when it warns, and sources."""
        seen: set[str] = set()
        kinds: dict[str, set[str]] = {
            "specialists": set(self.questionnaire.specialists),
            "options": set(self.questionnaire.options),
            "messages": {r.message for r in self.questionnaire.rules if r and r.message},
            "preparation": {r.preparation for r in self.questionnaire.rules if r and r.preparation},
        }
        for index, gate in enumerate(self.questionnaire.gates):
            if gate is None:
                continue
            path: tuple[str | int, ...] = ("gates", index)
            if gate.id in seen:
                self.add(
                    (*path, "id"), f"duplicate gate id '{gate.id}'", "every gate needs its own id"
                )
            seen.add(gate.id)
            self._check_condition(gate.when, (*path, "when"), before=None)
            if gate.removes is None and gate.warns is None:
                self.add(
                    path,
                    f"gate '{gate.id}' neither removes nor warns",
                    "give it 'removes' or 'warns' with the suggestions it applies to",
                )
            if gate.warns is not None and not gate.warning:
                self.add(path, f"gate '{gate.id}' warns without a 'warning'",
                         "'warning' is the sentence shown beside what it warns about")  # fmt: skip
            if not gate.sources:
                self.add(path, f"gate '{gate.id}' has no 'sources'",
                         "every gate names the guideline behind it")  # fmt: skip
            self._check_sources(gate.sources, (*path, "sources"))
            for effect in ("removes", "warns"):
                targets = getattr(gate, effect)
                if targets is None:
                    continue
                for kind, known in kinds.items():
                    for t_index, target in enumerate(getattr(targets, kind)):
                        if target not in known:
                            hint = _did_you_mean(target, sorted(known), f"name one of the "
                                                 f"{kind} this file defines")  # fmt: skip
                            self.add((*path, effect, kind, t_index),
                                     f"unknown {kind.rstrip('s')} '{target}'", hint)  # fmt: skip

    def _check_catalogs(self) -> None:
        """Cautions, companions and region orderings name things that exist."""
        options = self.questionnaire.options
        for catalog in ("specialists", "options", "medication_flags", "urgent_contacts"):
            for key, entry in getattr(self.questionnaire, catalog).items():
                if entry is None:
                    continue
                path: tuple[str | int, ...] = (catalog, key)
                self._check_sources(entry.caution_sources, (*path, "caution_sources"))
                if entry.caution and not entry.caution_sources:
                    self.add(path, f"the caution of '{key}' names no 'caution_sources'",
                         "add 'caution_sources' with the guideline behind it")  # fmt: skip
                for field_name in ("label", "about", "caution"):
                    self._check_placeholders(getattr(entry, field_name), (*path, field_name))
                companion = entry.alongside
                if companion is None:
                    continue
                if catalog != "options":
                    self.add((*path, "alongside"), "'alongside' is for options", "remove it here")
                for name in (companion.option, *companion.or_):
                    if name not in options or name == key:
                        self.add((*path, "alongside"), f"'alongside' names '{name}', not "
                                 "another option", _did_you_mean(name, sorted(options),
                                 "name another option of this file"))  # fmt: skip
                self._check_sources(companion.sources, (*path, "alongside", "sources"))
                self._check_placeholders(companion.reason, (*path, "alongside", "reason"))
        suggestions = set(self.questionnaire.specialists) | set(options)
        for name, region in self.questionnaire.regions.items():
            for index, target in enumerate(region.last):
                if target not in suggestions:
                    close = similar(target, sorted(suggestions), n=1)
                    self.add(("regions", name, "last", index),
                             f"'{target}' is no specialist or option",
                             f"did you mean '{close[0]}'?" if close else "name a specialist or "
                             "an option this file defines")  # fmt: skip

    def _check_placeholders(self, text: str | None, where: tuple[str | int, ...]) -> None:
        if not text or "{" not in text:
            return
        scores = self._score_items()
        for match in PLACEHOLDER.finditer(text):
            kind, key = match.group(1), match.group(2)
            if kind == "answer" and key not in self.paths and key not in self.invalid_ids:
                self._unknown_question(key, where)
            if kind == "score" and key not in scores:
                hint = _did_you_mean(key, list(scores), "scores are instrument or subscale ids")
                self.add(where, f"unknown score '{key}' in {{score:{key}}}", hint)
            if kind == "term" and key not in self.questionnaire.terms:
                self.add(where, f"unknown term '{key}' in {{term:{key}}}",
                         "define it under 'terms' (regions may give their own word)")  # fmt: skip
            if kind == "contact" and key not in field_names(Region):
                self.add(
                    where,
                    f"unknown contact '{key}' in {{contact:{key}}}",
                    "use one of: " + ", ".join(field_names(Region)),
                )

    def _check_texts(self) -> None:
        """Placeholders in every text a patient reads, and the region settings."""
        for s_index, section in enumerate(self.questionnaire.sections):
            self._check_placeholders(section.intro, ("sections", s_index, "intro"))
        for path, question in self._questions():
            self._check_placeholders(question.text, (*path, "text"))
            self._check_placeholders(question.help, (*path, "help"))
            if question.warning is not None:
                self._check_placeholders(question.warning.message, (*path, "warning", "message"))
        for urgency, text in self.questionnaire.urgency_messages.items():
            self._check_placeholders(text, ("urgency_messages", urgency.value))
        default = self.questionnaire.default_region
        raw_regions = self.document.data.get("regions")
        # a region that did not fit is reported where it is wrong, not again here
        named = list(raw_regions) if isinstance(raw_regions, dict) else []
        if default is not None and default not in named:
            # a key, or a region's name ('canada' for the region 'ca' labelled Canada)
            names = {str(key): str(key) for key in named}
            names |= {r.label.lower(): key for key, r in self.questionnaire.regions.items()}
            close = [names[name] for name in similar(default.lower(), list(names), n=1)]
            self.add(
                ("default_region",),
                f"default_region '{default}' is not defined under 'regions'",
                (f"did you mean '{close[0]}'? " if close else "add it under regions, or ")
                + "choose one of: "
                + (", ".join(map(str, named)) or "(none defined)"),
            )
        for name, region in self.questionnaire.regions.items():
            for term in region.terms:
                if term not in self.questionnaire.terms and term not in _CODE_TERMS:
                    close = similar(term, list(self.questionnaire.terms), n=1)
                    self.warn(  # harmless, but no text can use it: most likely misspelt
                        ("regions", name, "terms", term),
                        f"region '{name}' names the term '{term}', which is not under 'terms'",
                        (f"did you mean '{close[0]}'?" if close else "define it under 'terms'")
                        + " (text uses a term as {term:key}, with the file's word unless the "
                        "region has its own)",
                    )
        uses_contacts = "{contact:" in self.document_text
        if uses_contacts and default is None:
            self.add((), "text uses {contact:...} but no default_region is set",
                     "set default_region to one of the regions")  # fmt: skip

    def _check_sources(self, sources: list[str], where: tuple[str | int, ...]) -> None:
        known = self.questionnaire.sources
        for index, source in enumerate(sources):
            if source not in known:
                close = similar(source, list(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "add it under 'sources'"
                self.add((*where, index), f"unknown source '{source}'", hint)

    # -- reachability -----------------------------------------------------------------------

    def _check_unreachable(self) -> None:
        """Questions no answers can reach, within a budget of time and of tried answers."""
        import time

        unreachable = self.unreachable
        deadline = time.monotonic() + REACHABILITY_SECONDS
        skipped: list[str] = []
        for path, question in self._questions():
            if question.when is None or self.paths.get(question.id) != path:
                continue
            where = (*path, "when")
            if any(flagged[: len(where)] == where for flagged in self.flagged):
                continue  # what is wrong with its condition was said
            if time.monotonic() > deadline:
                skipped.append(question.id)
                continue
            found = _satisfiable(
                question.when, self.questionnaire, unreachable, self.paths, deadline
            )
            if found is None:
                skipped.append(question.id)
            elif not found:
                unreachable.add(question.id)
                self.add(
                    (*path, "when"),
                    f"question '{question.id}' can never be asked: its condition is never true",
                    "check the values it tests and the questions it depends on",
                )
        self._note_limited("every question can be asked", skipped)

    def _note_limited(self, what: str, skipped: list[str]) -> None:
        """Say which conditions were too large to search (a note: the check is bounded)."""
        if skipped:
            self.notes.append(
                f"the check that {what} was limited: {len(skipped)} condition(s) were too large "
                f"to search in full ({_first_few(skipped)})"
            )

    def _check_rules_reachable(self) -> None:
        """Rules and gates whose condition no answers can make true (like questions')."""
        import time

        deadline = time.monotonic() + REACHABILITY_SECONDS
        skipped: list[str] = []
        checked = [
            (("rules", index), "rule", rule.id, rule.when)
            for index, rule in enumerate(self.questionnaire.rules)
            if rule is not None
        ] + [
            (("gates", index), "gate", gate.id, gate.when)
            for index, gate in enumerate(self.questionnaire.gates)
            if gate is not None
        ]
        for path, kind, name, when in checked:
            if any(flagged[: len(path)] == path for flagged in self.flagged):
                continue  # already said what is wrong with it
            if any(test.question in self.unreachable for test in walk(when)):
                continue  # a question it needs can never be asked: that was said
            found = _satisfiable(when, self.questionnaire, self.unreachable, self.paths, deadline)
            if found is None:
                skipped.append(name)
            elif not found:
                tested = dict.fromkeys(f"'{t.question}'" for t in walk(when) if t.question)
                self.add(
                    (*path, "when"),
                    f"{kind} '{name}' can never apply: no answers to {_first_few(list(tested), 4)}"
                    " make its condition true",
                    "check the values and thresholds it tests (a scale's range, the choices a "
                    "question has, tests that contradict each other) and the questions it uses",
                )
        self._note_limited("every rule can apply", skipped)

    def _check_quoted_answers(self) -> None:
        """Rule texts quoting an answer that may be missing when the rule applies.

        The check says what the summary prints then (the sentence is left out).
        """
        for index, rule in enumerate(self.questionnaire.rules):
            if rule is None:
                continue
            for key in ("reason", "text"):
                text = getattr(rule, key)
                if not text or "{answer:" not in text:
                    continue
                for match in PLACEHOLDER.finditer(text):
                    if match.group(1) == "answer":
                        self._warn_if_unanswered(rule, index, key, text, match.group(2))

    def _warn_if_unanswered(self, rule: Rule, index: int, key: str, text: str, qid: str) -> None:
        question = self.questionnaire.question(qid) if qid in self.paths else None
        if question is None or (question.required is True and question.when is None):
            return
        missing = Condition(all_=[rule.when, Condition(question=qid, answered=False)])
        found = _satisfiable(missing, self.questionnaire, self.unreachable, self.paths)
        if found is False:
            return
        parts = [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p]
        dropped = [p for p in parts if "{answer:" + qid + "}" in p]
        kept = len(parts) > len(dropped)
        then = (
            f"that sentence is left out ({show_text(dropped[0])})"
            if kept
            else "the whole "
            + key
            + " is left out"
            + (" and the answers that made the rule apply are listed" if key == "reason" else "")
        )
        message = (
            f"rule '{rule.id}' quotes '{qid}', which may be unanswered when the rule applies: "
            f"then {then}"
        )
        if kept:  # the rest may read well: worth knowing, not a warning
            if self._own_rule(rule, key):
                self.notes.append(str(self.document.problem(("rules", index, key), message)))
            return
        self.warn(
            ("rules", index, key),
            message,
            f"to quote it every time, add {{question: {qid}, answered: true}} to the rule's "
            "'when'; or give that answer a sentence of its own, which is left out when it is "
            "unanswered",
        )

    def _builtin(self) -> Questionnaire:
        """The built-in questionnaire (read once per check), to compare a clinic's copy with."""
        if self.builtin is None:
            self.builtin = load_questionnaire()
        return self.builtin

    def _own_rule(self, rule: Rule, key: str) -> bool:
        """Whether a rule's text is the clinic's own (not the built-in file's, unchanged)."""
        if not self.contract:
            return True
        same = next((r for r in self._builtin().rules if r.id == rule.id), None)
        return same is None or getattr(same, key) != getattr(rule, key)

    # -- the contract and the built-in file -------------------------------------------------

    def _check_contract(self) -> None:
        """Contract ids, kinds, values and conditions kept; a changed copy says it is changed."""
        builtin = self._builtin()
        own = {q.id for q in builtin.questions} - set(contract.QUESTIONS)
        questions = {
            question.id: (path, question)
            for path, question in self._questions()
            if self.paths.get(question.id) == path
        }
        sections = {
            section.id: ("sections", index, "questions")
            for index, section in enumerate(self.questionnaire.sections)
        }
        findings = contract.compare(
            questions,
            own,
            sections,
            {q.id: builtin.section_of(q.id).id for q in builtin.questions},
            {q.id: {c.value for c in q.choices or ()} for q in builtin.questions},
            [q.id for q in builtin.questions],
        )
        for found in findings:
            (self.warn if found.warning else self.add)(found.path, found.message, found.hint)
        q = self.questionnaire
        if q.id == builtin.id or q.version == builtin.version:
            if self.raw is not None and self.raw != _builtin_raw():
                self._warn_builtin_identity(builtin)

    def _warn_builtin_identity(self, builtin: Questionnaire) -> None:
        q = self.questionnaire
        if q.id == builtin.id:
            self.warn(
                ("id",),
                f"this file differs from the built-in questionnaire but keeps its id '{q.id}'",
                "give it your clinic's own id (e.g. id: riverside_spine): answer files and the "
                "FHIR export name the questionnaire by id, and would claim to be the built-in form",
            )
        if q.version == builtin.version:
            self.warn(
                ("version",),
                f"this file differs from the built-in questionnaire but keeps its version "
                f"'{q.version}'",
                'give it a version of its own (e.g. version: "2026.12-riverside.1") and change '
                "it with every edit, so each answer file says which questions it answered",
            )

    def _check_warning_signs_first(self) -> None:
        """Warning signs come before anything else (the contract: an emergency is found first)."""
        ordered = [
            (path, question)
            for path, question in self._questions()
            if self.paths.get(question.id) == path
        ]
        signs = [
            index
            for index, (_, question) in enumerate(ordered)
            if question.id in contract.WARNING_SIGNS or question.warning is not None
        ]
        if not signs:
            return
        for index, (path, question) in enumerate(ordered[: signs[-1]]):
            if index in signs:
                continue
            later = next(ordered[i][1].id for i in signs if i > index)
            self.warn(
                (*path, "id"),
                f"'{question.id}' is asked before the warning sign '{later}'",
                "warning signs come first, so an emergency is found before anything else: move "
                f"'{question.id}' after them (or, if it is a warning sign, give it a 'warning')",
            )
            return


def _builtin_raw() -> Any:
    """The built-in file as read (every language), to tell a copy that was changed."""
    text, label = read_text(questions_file())
    return parse_yaml(text, label).data


REACHABILITY_SECONDS = 1.0
"""The most time the search for questions that can never be asked may take."""

REACHABILITY_TRIES = 5_000
"""The most answer combinations tried for one condition."""


_FREE = "\x00free"
"""The prefix of the stand-in questions a reachability search gives tests it cannot answer
itself (scores, medicines, totals, urgency): each may be true or false."""


def _abstracted(condition: Condition) -> Condition:
    """The condition with each test of something other than a question made a free stand-in.

    Each stand-in is a yes/no that may be true or false, so the questions' part can still be
    searched.
    """
    counter = itertools.count()

    def rebuilt(current: Condition) -> Condition:
        form = current.form
        if form == "all":
            return Condition(all_=[rebuilt(child) for child in current.children()])
        if form == "any":
            return Condition(any_=[rebuilt(child) for child in current.children()])
        if form == "not":
            return Condition(not_=rebuilt(current.children()[0]))
        if form == "count_true" and current.count_true is not None:
            of = [rebuilt(child) for child in current.children()]
            return Condition(count_true=CountTrue(at_least=current.count_true.at_least, of=of))
        if current.question is not None:
            return current
        return Condition(question=f"{_FREE}{next(counter)}", equals=True)

    return rebuilt(condition)


def _with_follow_ups(condition: Condition, questionnaire: Questionnaire) -> Condition:
    """The condition, with each question it tests answered only when that question is asked.

    A follow-up's answer means the answer it follows: `physical_therapy_result` is answered
    only when `treatments_tried` includes physical therapy.
    """
    guards: list[Condition] = []
    seen: set[str] = set()
    pending = [t.question for t in walk(condition) if t.question is not None]
    while pending:
        qid = pending.pop()
        if qid in seen:
            continue
        seen.add(qid)
        question = questionnaire.question(qid)
        if question is None or question.when is None:
            continue
        unanswered = Condition(question=qid, answered=False)
        guards.append(Condition(any_=[unanswered, question.when]))
        pending += [t.question for t in walk(question.when) if t.question is not None]
    return Condition(all_=[condition, *guards]) if guards else condition


def _satisfiable(
    condition: Condition,
    questionnaire: Questionnaire,
    unreachable: set[str],
    known: Mapping[str, object],
    deadline: float = math.inf,
) -> bool | None:
    """Whether some answers to the questions a condition tests make it true (a bounded search).

    Tests of scores, medicines, totals and the urgency are taken as free: each may be true or
    false. None when the search would be too large, or runs past `deadline` (time.monotonic):
    the deadline is checked at every step, so no single condition can hold the check up.

    A follow-up is answered only when its own condition holds: once the condition alone can be
    true, it is searched again with that added (a larger search; when that one is too large,
    the condition is taken as reachable).
    """
    if any(t.question is None and not t.children() for t in walk(condition)):
        condition = _abstracted(condition)
    alone = _searched(condition, questionnaire, unreachable, known, deadline)
    guarded = _with_follow_ups(condition, questionnaire)
    if alone is not True or guarded is condition:
        return alone
    found = _searched(guarded, questionnaire, unreachable, known, deadline)
    return True if found is None else found


def _searched(
    condition: Condition,
    questionnaire: Questionnaire,
    unreachable: set[str],
    known: Mapping[str, object],
    deadline: float,
) -> bool | None:
    import time

    tests = walk(condition)
    by_question: dict[str, list[Condition]] = {}
    for test in tests:
        if test.question is not None:
            by_question.setdefault(test.question, []).append(test)
    candidates: dict[str, list[AnswerValue | None]] = {}
    for qid, related in by_question.items():
        if qid.startswith(_FREE):
            candidates[qid] = [None, True]
            continue
        if qid not in known:
            return True  # an unknown question was reported already
        question = questionnaire.question(qid)
        if question is None:
            return True
        if time.monotonic() > deadline:
            return None
        found: list[AnswerValue | None] = (
            [None] if qid in unreachable else _candidates(question, related)
        )
        candidates[qid] = _distinct(qid, found, related)
    return _search(condition, candidates, deadline)


def _search(
    condition: Condition, candidates: Mapping[str, list[AnswerValue | None]], deadline: float
) -> bool | None:
    """Whether some answers make `condition` true (None: too many to try, or past the deadline).

    An `any` can hold when one of its parts can, an `all` when each group of its parts that
    share no question can; the rest is tried answer by answer.
    """
    import time

    form = condition.form
    results: list[bool | None] = []
    if form == "any":
        for child in condition.children():
            found = _search(child, candidates, deadline)
            if found is True:
                return True
            if found is None and time.monotonic() > deadline:
                return None
            results.append(found)
        return None if None in results else False
    if form == "all":
        for group in _unlinked(condition.children()):
            found = (
                _search(group[0], candidates, deadline)
                if len(group) == 1
                else _tried(Condition(all_=group), candidates, deadline)
            )
            if found is False:
                return False
            if found is None and time.monotonic() > deadline:
                return None
            results.append(found)
        return None if None in results else True
    return _tried(condition, candidates, deadline)


def _unlinked(parts: list[Condition]) -> list[list[Condition]]:
    """The parts of an `all` in groups that share no question (each can be searched alone)."""
    groups: list[tuple[set[str], list[Condition]]] = []
    for part in parts:
        uses = {t.question for t in walk(part) if t.question is not None}
        linked = [group for group in groups if group[0] & uses]
        merged: tuple[set[str], list[Condition]] = (set(uses), [])
        for group in linked:
            merged[0].update(group[0])
            merged[1].extend(group[1])
            groups.remove(group)
        merged[1].append(part)
        groups.append(merged)
    return [group[1] for group in groups]


def _tried(
    condition: Condition, candidates: Mapping[str, list[AnswerValue | None]], deadline: float
) -> bool | None:
    import time

    ids = list(dict.fromkeys(t.question for t in walk(condition) if t.question is not None))
    total = math.prod(len(candidates[i]) for i in ids)
    if total > REACHABILITY_TRIES:
        return None  # too many to try: not searched
    for combo in itertools.product(*(candidates[i] for i in ids)):
        if time.monotonic() > deadline:
            return None
        answers = {i: v for i, v in zip(ids, combo, strict=True) if v is not None}
        if evaluate(condition, Facts(answers=answers)).holds:
            return True
    return False


def _distinct(
    qid: str, candidates: list[AnswerValue | None], tests: list[Condition]
) -> list[AnswerValue | None]:
    """One answer for each way the tests of a question can come out.

    The condition depends on nothing else, and this keeps the search small.
    """
    kept: dict[tuple[bool, ...], AnswerValue | None] = {}
    for value in candidates:
        facts = Facts(answers={} if value is None else {qid: value})
        outcome = tuple(evaluate(test, facts).holds for test in tests)
        kept.setdefault(outcome, value)
    return list(kept.values())


def _candidates(question: Question, tests: list[Condition]) -> list[AnswerValue | None]:
    values: list[AnswerValue | None] = [None]
    kind = question.kind
    mentioned: list[Any] = []
    for test in tests:
        for name, expected in test.operators().items():
            if name == "answered":
                continue
            if isinstance(expected, list):
                mentioned.extend(expected)
            else:
                mentioned.append(expected)
    if kind is QuestionKind.YES_NO:
        values += [True, False]
    elif kind is QuestionKind.SINGLE:
        values += [c.value for c in question.choices or ()]
    elif kind is QuestionKind.MULTIPLE:
        choice_values = [c.value for c in question.choices or ()]
        pool = [v for v in dict.fromkeys(mentioned) if v in choice_values][:10]
        others = [v for v in choice_values if v not in pool][:1]
        pool += others
        alone = {c.value for c in question.choices or () if c.exclusive}  # 'none' of the above
        for size in range(1, len(pool) + 1):
            for subset in itertools.combinations(pool, size):
                if size == 1 or not alone & set(subset):
                    values.append(list(subset))
    elif kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
        low, high = question.bounds()
        points = {low, high}
        for value in mentioned:
            if isinstance(value, int | float) and not isinstance(value, bool):
                points |= {math.floor(value) - 1, math.floor(value), math.ceil(value) + 1}
                points.add(math.ceil(value))
        values += sorted(p for p in points if low <= p <= high)
    elif kind is QuestionKind.TEXT:
        values += ["x", *(v for v in mentioned if isinstance(v, str))]
    else:
        values += [["x"]]
    return values
