"""The answers contract's questions (../shared/answers-contract.md, "Questions (minimum set)").

Clinics script against these ids, kinds, values and conditions, and answer files already hold
them: a clinic's questionnaire may reword, regroup, add and reorder, but never rename or drop one.
`spinecheck check` compares a file with this table (`compare`); the built-in questions.yaml is
checked against it like any other file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from spinecheck.errors import similar
from spinecheck.questionnaire.model import Condition, Question, QuestionKind, Urgency

Shape = tuple[object, ...]
"""A condition reduced to what it means: ('all', frozenset of shapes) or ('any', ...), or a
test ('test', question, operator, frozenset of values); a one-value list equals its value."""


def _test(question: str, operator: str, *values: str) -> Shape:
    return ("test", question, operator, frozenset(values))


def _all(*shapes: Shape) -> Shape:
    return ("all", frozenset(shapes))


@dataclass(frozen=True)
class ContractQuestion:
    """One question the contract fixes."""

    id: str
    kind: QuestionKind
    values: tuple[str, ...] = ()
    """The choice values, for single and multiple choice."""
    low: int | None = None
    high: int | None = None
    """The range, for scale and integer questions."""
    required: bool = False
    when: Shape | None = None
    """When it is asked; None: of everyone."""
    warning_sign: bool = False
    urgency: Urgency | None = None
    """For a warning sign: the lowest urgency the summary may show when it is answered yes."""


_YES_NO = QuestionKind.YES_NO
_SINGLE = QuestionKind.SINGLE
_MULTIPLE = QuestionKind.MULTIPLE
_CHRONIC = _test("pain_duration", "in", "3_to_12_months", "over_1_year")
_MOOD = ("not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day")
_EMERGENCY, _SAME_DAY, _SOON = Urgency.EMERGENCY, Urgency.SAME_DAY, Urgency.SOON
_RED_FLAGS = {
    "rf_saddle_numbness": _EMERGENCY, "rf_bladder_change": _EMERGENCY,
    "rf_bowel_change": _EMERGENCY, "rf_sexual_function_change": _EMERGENCY,
    "rf_worsening_weakness": _EMERGENCY, "rf_both_legs": _SAME_DAY,
    "rf_hand_clumsiness_or_balance": _SAME_DAY, "rf_major_trauma": _EMERGENCY,
    "rf_minor_trauma_fragile_bones": _SAME_DAY, "rf_cancer_history": _SAME_DAY,
    "rf_weight_loss": _SOON, "rf_night_pain": _SOON, "rf_fever": _SAME_DAY,
    "rf_infection_risk": _SOON, "rf_belly_and_back_pain": _EMERGENCY,
    "rf_stroke_signs": _EMERGENCY,
}  # fmt: skip
_IBP = (
    "ibp_started_before_40", "ibp_gradual_onset", "ibp_better_with_exercise",
    "ibp_not_better_with_rest", "ibp_wakes_second_half_night",
)  # fmt: skip
_TRIED = "treatments_tried"

QUESTIONS: dict[str, ContractQuestion] = {
    question.id: question
    for question in (
        *(
            ContractQuestion(rf, _YES_NO, required=True, warning_sign=True, urgency=urgency)
            for rf, urgency in _RED_FLAGS.items()
        ),
        ContractQuestion(
            "pain_areas", _MULTIPLE,
            ("neck", "upper_back", "lower_back", "buttock_hip", "arm", "leg"), required=True,
        ),
        ContractQuestion(
            "pain_duration", _SINGLE,
            ("under_2_weeks", "2_to_4_weeks", "4_to_12_weeks", "3_to_12_months", "over_1_year"),
            required=True,
        ),
        ContractQuestion("pain_trend", _SINGLE, ("improving", "same", "worse"), required=True),
        ContractQuestion("flare_up", _YES_NO, when=_CHRONIC),
        ContractQuestion(
            "leg_pain_below_knee", _YES_NO,
            when=_test("pain_areas", "includes", "lower_back", "buttock_hip", "leg"),
        ),
        ContractQuestion(
            "arm_pain_below_elbow", _YES_NO,
            when=_test("pain_areas", "includes", "neck", "upper_back", "arm"),
        ),
        ContractQuestion("numbness_tingling", _YES_NO),
        *(
            ContractQuestion(scale, QuestionKind.SCALE, low=0, high=10, required=True)
            for scale in ("pain_average", "interference_enjoyment", "interference_activity")
        ),
        *(
            ContractQuestion(
                item, _YES_NO,
                when=_all(_test("pain_areas", "includes", "lower_back", "upper_back"), _CHRONIC),
            )
            for item in _IBP
        ),
        ContractQuestion(
            _TRIED, _MULTIPLE,
            ("self_care", "physical_therapy", "exercise_program", "chiropractic", "massage",
             "acupuncture", "psychological_therapy", "otc_medicines", "prescription_medicines",
             "spinal_injections", "nerve_ablation", "spinal_cord_stimulator", "spine_surgery",
             "none"),
            required=True,
        ),
        ContractQuestion(
            "physical_therapy_result", _SINGLE,
            ("helped", "helped_a_little", "did_not_help", "too_painful_to_continue"),
            when=_test(_TRIED, "includes", "physical_therapy"),
        ),
        ContractQuestion(
            "injection_result", _SINGLE, ("lasting_relief", "short_relief", "no_relief"),
            when=_test(_TRIED, "includes", "spinal_injections"),
        ),
        ContractQuestion(
            "surgery_when", _SINGLE,
            ("under_8_weeks", "8_to_12_weeks", "3_to_12_months", "over_1_year"),
            when=_test(_TRIED, "includes", "spine_surgery"),
        ),
        ContractQuestion(
            "pain_since_surgery", _SINGLE, ("better", "same", "worse"),
            when=_test(_TRIED, "includes", "spine_surgery"),
        ),
        ContractQuestion("medications", QuestionKind.TEXT_LIST),
        ContractQuestion(
            "alcohol_per_week", _SINGLE, ("none", "up_to_7", "8_to_20", "21_or_more")
        ),
        ContractQuestion("substance_concern", _SINGLE, ("no", "yes", "prefer_not_to_say")),
        ContractQuestion("smoking", _SINGLE, ("never", "former", "current")),
        ContractQuestion("age", QuestionKind.INTEGER, low=0, high=120, required=True),
        ContractQuestion(
            "conditions", _MULTIPLE,
            ("kidney_disease", "liver_disease", "stomach_ulcer_or_bleeding",
             "heart_disease_or_stroke", "high_blood_pressure", "diabetes", "osteoporosis",
             "bleeding_disorder", "sleep_apnea", "lung_disease", "pregnant", "none"),
        ),
        ContractQuestion("height_cm", QuestionKind.INTEGER, low=50, high=250),
        ContractQuestion("weight_kg", QuestionKind.INTEGER, low=20, high=350),
        ContractQuestion(
            "work_status", _SINGLE,
            ("working", "working_reduced", "off_work_due_to_pain", "unemployed", "retired",
             "student", "homemaker", "other", "prefer_not_to_say"),
        ),
        *(
            ContractQuestion(mood, _SINGLE, _MOOD)
            for mood in ("mood_low_interest", "mood_down", "mood_nervous", "mood_worry")
        ),
        ContractQuestion("goals", QuestionKind.TEXT),
        ContractQuestion("questions_for_clinician", QuestionKind.TEXT),
    )
}  # fmt: skip
"""Every contract question by id, in the contract's order."""

WARNING_SIGNS = tuple(_RED_FLAGS)
"""The contract's warning signs, asked before anything else."""


def shape(condition: Condition) -> Shape:
    """What a condition means, without its spelling ('includes: x' and 'includes: [x]' agree)."""
    form = condition.form
    if form in ("all", "any"):
        return (form, frozenset(shape(child) for child in condition.children()))
    if form == "not":
        return ("not", shape(condition.children()[0]))
    if condition.question is None:  # scores, medicines, totals, urgency: kept as written
        return ("other", repr(condition))
    tests = []
    for operator, expected in condition.operators().items():
        values = expected if isinstance(expected, list) else [expected]
        name = "in" if operator == "equals" and not isinstance(expected, list) else operator
        tests.append(("test", condition.question, name, frozenset(map(str, values))))
    return tests[0] if len(tests) == 1 else ("all", frozenset(tests))


def show_shape(found: Shape) -> str:
    """A condition shape in the file's own words, for a hint."""
    if found[0] in ("all", "any"):
        parts = sorted(show_shape(part) for part in found[1])  # type: ignore[attr-defined]
        return f"{found[0]}: [" + "; ".join(parts) + "]"
    if found[0] == "test":
        _, question, operator, values = found
        listed = ", ".join(sorted(values))  # type: ignore[call-overload]
        return f"question: {question}, {operator}: [{listed}]"
    return str(found)


@dataclass(frozen=True)
class Finding:
    """One way a file departs from the contract, located by a path in the file."""

    path: tuple[str | int, ...]
    message: str
    hint: str
    warning: bool = False


def _renamed_from(
    new: Question,
    missing: list[ContractQuestion],
    taken: set[str],
    neighbours: tuple[str | None, str | None],
    builtin_neighbours: Mapping[str, tuple[str | None, str | None]],
) -> ContractQuestion | None:
    """The missing contract question a new one most likely replaces, if any.

    Of the same kind, and with a look-alike id, mostly the same choice values, the same
    condition, or the same place (the question before or after it is the one before or after
    the contract question in the built-in file).
    """
    kin = [c for c in missing if c.kind is new.kind and c.id not in taken]
    close = similar(new.id, [c.id for c in kin], n=1, cutoff=0.6)
    if close:
        return QUESTIONS[close[0]]
    values = {choice.value for choice in new.choices or ()}
    for candidate in kin:
        if values and len(values & set(candidate.values)) * 2 >= len(candidate.values):
            return candidate
    when = None if new.when is None else shape(new.when)
    for candidate in kin:
        if when is not None and when == candidate.when:
            return candidate
    for candidate in kin:
        before, after = builtin_neighbours.get(candidate.id, (None, None))
        if (before is not None and before == neighbours[0]) or (
            after is not None and after == neighbours[1]
        ):
            return candidate
    return None


def compare(
    questions: Mapping[str, tuple[tuple[str | int, ...], Question]],
    known: set[str],
    section_paths: Mapping[str, tuple[str | int, ...]],
    builtin_sections: Mapping[str, str],
    builtin_values: Mapping[str, set[str]],
    builtin_order: list[str],
) -> Iterator[Finding]:
    """How a file's questions depart from the contract.

    `questions`: the file's questions by id, with their paths; `known`: ids the built-in
    questionnaire has beyond the contract (never taken for renames); `section_paths`: the file's
    sections by id; `builtin_sections`: the built-in section of each question id;
    `builtin_values`: the built-in choice values of each question; `builtin_order`: the built-in
    question ids in the order asked.
    """
    missing = [c for c in QUESTIONS.values() if c.id not in questions]
    new = [q for qid, (_, q) in questions.items() if qid not in QUESTIONS and qid not in known]
    taken: set[str] = set()
    renames: set[str] = set()
    order = list(questions)
    around = {qid: _around(order, i) for i, qid in enumerate(order)}
    builtin_around = {qid: _around(builtin_order, i) for i, qid in enumerate(builtin_order)}
    for question in new:
        old = _renamed_from(question, missing, taken, around[question.id], builtin_around)
        if old is not None:
            taken.add(old.id)
            renames.add(question.id)
            yield Finding(
                (*questions[question.id][0], "id"),
                f"'{question.id}' looks like the contract question '{old.id}' renamed",
                f"keep the id '{old.id}': answer files, the JSON summary and the rules use it "
                "(its wording, help and place may change)",
            )
    gone = [c for c in missing if c.id not in taken]
    if len(gone) > len(QUESTIONS) // 2:
        shown = ", ".join(c.id for c in gone[:6]) + (", ..." if len(gone) > 6 else "")
        yield Finding(
            ("sections",),
            f"{len(gone)} of the contract's {len(QUESTIONS)} questions are missing ({shown})",
            "start from the built-in questions.yaml and add to it: answer files, the JSON "
            "summary and the rules rely on every contract question",
        )
        gone = []
    for old in gone:
        section = builtin_sections.get(old.id)
        yield Finding(
            section_paths.get(section, ("sections",)) if section else ("sections",),
            f"the contract question '{old.id}' is missing",
            "put it back (reword it freely): answer files, the JSON summary and the rules use "
            "it; see docs/questionnaire-format.md, 'Contract ids'",
        )
    for qid, (path, question) in questions.items():
        fixed = QUESTIONS.get(qid)
        if fixed is not None:
            yield from _compare_one(fixed, path, question, builtin_values.get(qid, set()))
        elif question.required is True and qid not in known and qid not in renames:
            yield Finding(
                (*path, "required"),
                f"the new question '{qid}' is required: answer files saved before it was added "
                "do not have it, and 'spinecheck summary' would refuse them as missing an answer",
                "write 'required: new_walks' to require it in every new walk while older "
                "answer files stay readable, or leave it optional",
                warning=True,
            )


def _around(order: list[str], index: int) -> tuple[str | None, str | None]:
    """The ids just before and just after a position."""
    return (
        order[index - 1] if index > 0 else None,
        order[index + 1] if index + 1 < len(order) else None,
    )


def _compare_one(
    fixed: ContractQuestion,
    path: tuple[str | int, ...],
    question: Question,
    builtin_values: set[str],
) -> Iterator[Finding]:
    if question.kind is not fixed.kind:
        yield Finding(
            (*path, "kind"),
            f"the contract question '{fixed.id}' is {fixed.kind.value}, not {question.kind.value}",
            f"keep 'kind: {fixed.kind.value}': answer files hold {fixed.kind.value} answers; "
            "add a new question with its own id for a new kind",
        )
        return
    if fixed.values:
        yield from _compare_values(fixed, path, question, builtin_values)
    if fixed.urgency is not None:
        sign = question.warning
        if sign is None:
            yield Finding(
                (*path, "id"),
                f"the contract question '{fixed.id}' is a warning sign, and this file gives it "
                "no 'warning'",
                f"give it back its 'warning' (urgency: {fixed.urgency.value} at least, and what "
                "to do now)",
            )
        elif sign.urgency.rank < fixed.urgency.rank:
            yield Finding(
                (*path, "warning", "urgency"),
                f"the warning sign '{fixed.id}' must be at least {fixed.urgency.value}, not "
                f"{sign.urgency.value}",
                "the contract fixes the lowest urgency of each warning sign: red flags always "
                "win; raise it, never lower it",
            )
    if fixed.low is not None and fixed.high is not None:
        low, high = question.bounds()
        if low > fixed.low or high < fixed.high:
            yield Finding(
                (*path, "min" if low > fixed.low else "max"),
                f"the range of the contract question '{fixed.id}' is {fixed.low} to "
                f"{fixed.high}, not {low:g} to {high:g}",
                "answers already saved may use the whole range: keep it",
            )
    if fixed.required and question.required is not True:
        yield Finding(
            (*path, "required") if question.required is not False else (*path, "id"),
            f"the contract question '{fixed.id}' must be required",
            "write 'required: true'"
            + (": a patient must answer every warning sign" if fixed.warning_sign else ""),
        )
    elif not fixed.required and question.required:
        yield Finding(
            (*path, "required"),
            f"the contract question '{fixed.id}' is optional in the contract, but required here: "
            "answer files without it would be refused",
            "write 'required: new_walks' to require it in new walks only, or leave it optional",
            warning=True,
        )
    found = None if question.when is None else shape(question.when)
    if found != fixed.when:
        wanted = (
            "no 'when' (it is asked of everyone)"
            if fixed.when is None
            else ("when: " + show_shape(fixed.when))
        )
        yield Finding(
            (*path, "when") if question.when is not None else (*path, "id"),
            f"the contract fixes when '{fixed.id}' is asked, and this file changes it",
            f"answer files rely on it; write {wanted}",
        )


def _compare_values(
    fixed: ContractQuestion,
    path: tuple[str | int, ...],
    question: Question,
    builtin_values: set[str],
) -> Iterator[Finding]:
    choices = question.choices or []
    present = {choice.value for choice in choices}
    missing = [value for value in fixed.values if value not in present]
    if not missing:
        return
    where = {choice.value: index for index, choice in enumerate(choices)}
    new = [
        c.value for c in choices if c.value not in fixed.values and c.value not in builtin_values
    ]
    for value in list(missing):
        # a look-alike, or the one new value in the place of the one lost ('on_sick_leave'
        # where 'off_work_due_to_pain' was)
        close = (
            similar(value, new, n=1, cutoff=0.5)
            or [
                other
                for other in new
                if len(new) == len(missing) == 1 or where[other] == fixed.values.index(value)
            ][:1]
        )
        if close:
            new.remove(close[0])
            missing.remove(value)
            yield Finding(
                (*path, "choices", where[close[0]], "value"),
                f"'{close[0]}' looks like the contract value '{value}' of '{fixed.id}' renamed",
                f"keep the value '{value}' (change its label freely): answer files and the "
                "rules use it",
            )
    for value in missing:
        yield Finding(
            (*path, "choices"),
            f"the contract question '{fixed.id}' has lost its value '{value}'",
            f"put the choice '{value}' back (reword its label freely): answer files and the "
            "rules use it",
        )
