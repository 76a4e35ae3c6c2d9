"""Frozen models of a questionnaire file (questions.yaml): questions, conditions, scores, rules.

msgspec Structs: checking a whole questionnaire takes about a millisecond, and the same types
publish the JSON Schema (`spinecheck schema`). `spinecheck.questionnaire.validation` turns their
errors into every problem of a file, each with its line.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal

from msgspec import Meta, Struct, field

Id = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""An identifier: lower-case letters, digits and underscores, starting with a letter."""

Value = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=64)]
"""A choice value as stored in answer files: lower case, digits and underscores."""


PLACEHOLDER = re.compile(r"\{(answer|score|contact|term):([a-z][a-z0-9_]*)\}")
"""Text may quote an answer as {answer:question_id}, a score as {score:score_id}, a contact of
the chosen region as {contact:emergency_number} and the region's word for a thing as
{term:acetaminophen}; nothing else in text is interpreted."""


class QuestionKind(StrEnum):
    """The kinds of question a questionnaire can ask."""

    YES_NO = "yes_no"
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    INTEGER = "integer"
    TEXT = "text"
    TEXT_LIST = "text_list"


class Urgency(StrEnum):
    """How soon to act, from most to least urgent; the highest one triggered leads a summary."""

    EMERGENCY = "emergency"
    SAME_DAY = "same_day"
    SOON = "soon"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        """Bigger is more urgent."""
        return {"emergency": 3, "same_day": 2, "soon": 1, "routine": 0}[self.value]


class PainPhase(StrEnum):
    """How long the pain has lasted, in guideline terms (acute < 4 weeks < subacute < 12 weeks)."""

    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"


def field_names(model: type[Struct]) -> list[str]:
    """The keys a model takes, as written in files."""
    import msgspec

    return [info.encode_name for info in msgspec.structs.fields(model)]


class _Model(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True, dict=True):
    """Frozen, unknown keys refused; `dict=True` lets a model remember worked-out values."""

    texts: ClassVar[frozenset[str]] = frozenset()
    """The keys whose values a patient reads: each may be one string or one per language
    (`spinecheck.questionnaire.languages`). Clinical words, ids and sources are never among them."""
    text_maps: ClassVar[frozenset[str]] = frozenset()
    """The keys holding a mapping whose every value is such a text."""


Scalar = bool | int | float | str

COMPARISONS = ("at_least", "at_most", "above", "below")
FORMS = (
    "all", "any", "not", "count_true", "question", "score", "medication_class", "measure",
    "urgency_at_least",
)  # fmt: skip
MEASURES = ("mme_per_day", "acetaminophen_mg_per_day")
"""Totals worked out from the medicine list, which conditions may compare (a total that could not
be worked out with confidence has no value, so no comparison holds)."""
"""The kinds of condition: a combination, or the subject one test is about."""
LEAF_OPERATORS = ("equals", "in", "includes", *COMPARISONS, "answered")


class CountTrue(_Model, frozen=True, kw_only=True):
    """Counts how many of several conditions hold."""

    at_least: Annotated[int, Meta(ge=1)]
    """How many of the conditions must hold."""
    of: Annotated[list[Condition], Meta(min_length=1)]
    """The conditions to count."""


class Condition(_Model, frozen=True, kw_only=True):
    """A condition as data: a combination (all/any/not/count_true) or a test of one subject.

    A test names one subject (`question`, `score` or `medication_class`) and, for questions and
    scores, one operator: `equals`, `in`, `includes`, `answered`, or comparisons (`at_least`,
    `at_most`, `above`, `below`, which may be combined to give a range).
    """

    all_: Annotated[list[Condition], Meta(min_length=1)] | None = field(default=None, name="all")
    """True when every listed condition is true."""
    any_: Annotated[list[Condition], Meta(min_length=1)] | None = field(default=None, name="any")
    """True when at least one listed condition is true."""
    not_: Condition | None = field(default=None, name="not")
    """True when the given condition is false."""
    count_true: CountTrue | None = None
    """True when at least `at_least` of the conditions in `of` are true."""
    question: Id | None = None
    """The question whose answer is tested."""
    score: Id | None = None
    """The score (instrument or subscale id) whose value is tested."""
    urgency_at_least: Urgency | None = None
    """True when the summary's urgency, from every warning sign and every rule that raises it,
    is at least this level (rules that raise the urgency may not test it)."""
    medication_class: Id | None = None
    """True when a listed medicine belongs to this class (e.g. opioid); with `at_least: n`, when
    n or more distinct medicines do (one medicine typed twice counts once)."""
    measure: Literal["mme_per_day", "acetaminophen_mg_per_day"] | None = None
    """A total worked out from the medicine list: morphine milligram equivalents a day, or mg
    of acetaminophen (paracetamol) a day; compared with at_least, at_most, above or below."""
    paired_with: list[Id] | None = None
    """With medication_class: true only when a medicine of the class is taken with a different
    medicine of one of these classes (an NSAID with another medicine that thins the blood)."""
    count: Literal["medicines", "products"] | None = None
    """With medication_class and at_least: count distinct medicines (the default) or distinct
    products, for medicines hidden in several products (acetaminophen)."""
    equals: Scalar | list[str] | None = None
    """The answer is exactly this value (for multiple choice: exactly this set)."""
    in_: Annotated[list[Scalar], Meta(min_length=1)] | None = field(default=None, name="in")
    """The answer is one of these values."""
    includes: str | list[str] | None = None
    """A multiple-choice answer includes this value (or any of these values)."""
    at_least: float | None = None
    """The number is at least this (>=)."""
    at_most: float | None = None
    """The number is at most this (<=)."""
    above: float | None = None
    """The number is more than this (>)."""
    below: float | None = None
    """The number is less than this (<)."""
    answered: bool | None = None
    """`true`: the question has an answer; `false`: it has none."""

    def __post_init__(self) -> None:
        forms = [name for name, attr in _FORM_ATTRS if getattr(self, attr) is not None]
        operators = [name for name, attr in _OPERATOR_ATTRS if getattr(self, attr) is not None]
        if len(forms) != 1:
            if not forms:
                raise ValueError("a condition needs one of: " + ", ".join(FORMS))
            raise ValueError(f"a condition takes one of {', '.join(forms)}, not several")
        form = forms[0]
        if self.count is not None and form != "medication_class":
            raise ValueError("'count' goes with a medication_class test")
        if self.paired_with is not None and form != "medication_class":
            raise ValueError("'paired_with' goes with a medication_class test")
        if form == "medication_class":
            if set(operators) - {"at_least"}:
                raise ValueError(
                    "a medication_class test takes only at_least (a count of medicines)"
                )
            return
        if form in ("all", "any", "not", "count_true", "urgency_at_least"):
            if operators:
                raise ValueError(f"'{form}' takes no {', '.join(operators)}")
            return
        if not operators:
            raise ValueError(
                f"a {form} test needs an operator: equals, in, includes, at_least, at_most, "
                "above, below or answered"
            )
        if len(operators) > 1 and not set(operators) <= set(COMPARISONS):
            raise ValueError(
                f"use one operator per test, not {', '.join(operators)}; combine tests with all/any"
            )
        if form == "score" and not set(operators) <= {*COMPARISONS, "answered"}:
            raise ValueError("a score test takes at_least, at_most, above, below or answered")
        if form == "measure" and not set(operators) <= set(COMPARISONS):
            raise ValueError("a measure test takes at_least, at_most, above or below")

    # Worked out once (cached in the instance): conditions are evaluated for every rule of every
    # answer file.
    @cached_property
    def form(self) -> str:
        """Which kind of condition this is (all, any, not, count_true or the subject tested)."""
        for name, attr in _FORM_ATTRS:
            if getattr(self, attr) is not None:
                return name
        raise AssertionError("validated conditions always have a form")  # pragma: no cover

    @cached_property
    def _operators(self) -> dict[str, Any]:
        return {
            name: getattr(self, attr)
            for name, attr in _OPERATOR_ATTRS
            if getattr(self, attr) is not None
        }

    def operators(self) -> dict[str, Any]:
        """The operators of a test, by their file names."""
        return self._operators

    @cached_property
    def _children(self) -> list[Condition]:
        if self.all_ is not None:
            return list(self.all_)
        if self.any_ is not None:
            return list(self.any_)
        if self.not_ is not None:
            return [self.not_]
        if self.count_true is not None:
            return list(self.count_true.of)
        return []

    def children(self) -> list[Condition]:
        """The directly nested conditions (empty for a test)."""
        return self._children


_ATTRS = {"all": "all_", "any": "any_", "not": "not_", "in": "in_"}
"""File names that are Python words, and the attributes that hold them."""


def _attr(name: str) -> str:
    return _ATTRS.get(name, name)


_FORM_ATTRS = tuple((name, _attr(name)) for name in FORMS)
_OPERATOR_ATTRS = tuple((name, _attr(name)) for name in LEAF_OPERATORS)
"""Each form and operator with its attribute, worked out once (every condition checks them)."""


class Choice(_Model, frozen=True, kw_only=True):
    """One answer option of a single- or multiple-choice question."""

    texts = frozenset({"label", "help"})

    value: Value
    """What answer files store (stable: clinics script against it)."""
    label: Annotated[str, Meta(min_length=1)]
    """What the patient reads."""
    help: str | None = None
    """A short explanation shown on request."""
    score: int | None = None
    """Points this choice adds to a scored instrument."""
    exclusive: bool = False
    """Choosing this clears every other choice (for 'none of these')."""
    clinical: str | None = None
    """The answer as the clinician page words it ('smokes' for 'I smoke now')."""
    when: Condition | None = None
    """Offer this choice only when the condition holds on earlier answers ('I am pregnant'
    is not offered to someone who answered male). A file that has the value anyway keeps it:
    a choice is hidden from the walk, never dropped from answers."""


class WarningSign(_Model, frozen=True, kw_only=True):
    """Makes a yes/no question a warning sign: a yes raises the urgency and shows the message."""

    texts = frozenset({"message"})

    urgency: Urgency
    """The lowest urgency a yes triggers (rules may raise it)."""
    message: Annotated[str, Meta(min_length=1)]
    """What to do, in plain words."""
    sources: list[Id] = field(default_factory=list)
    """Ids from `sources`."""
    clinical: str | None = None
    """The sign in clinical words for the clinician page ('saddle numbness')."""
    concern: str | None = None
    """What the sign may point to, in clinical words ('possible cauda equina syndrome')."""


class Unsure(_Model, frozen=True, kw_only=True):
    """A third answer to a yes/no question, stored as `not_sure` and read the safer way (as yes)."""

    texts = frozenset({"label", "confirm"})

    label: Annotated[str, Meta(min_length=1)]
    """What the patient reads ('I am not sure')."""
    clinical: str | None = None
    """The answer in clinical words ('unsure')."""
    confirm: str | None = None
    """What the emergency confirmation says when this is the answer to a warning sign."""


class Question(_Model, frozen=True, kw_only=True):
    """One question; `kind` decides which of the other keys apply."""

    texts = frozenset({"text", "short", "help", "min_label", "max_label", "unit"})

    id: Id
    """Stable id used in answer files and conditions."""
    kind: QuestionKind
    """yes_no, single, multiple, scale, integer, text or text_list."""
    text: Annotated[str, Meta(min_length=1)]
    """The question as the patient reads it."""
    short: Annotated[str, Meta(max_length=60)] | None = None
    """A few words naming the question, for the review table and the clinician summary."""
    help: str | None = None
    """A short explanation shown on request."""
    required: bool | Literal["new_walks"] = False
    """Whether an answer must be given (when the question is asked at all). `new_walks`: every
    new walk must answer it, but answer files saved before it was added (which lack it) are
    still read; use it for a question added to a questionnaire already in use."""
    when: Condition | None = None
    """Ask only when this condition holds; may only name questions asked earlier."""
    choices: list[Choice] | None = None
    """For single and multiple: the options."""
    min: int | None = None
    """For integer and scale: the smallest allowed number (scale default 0)."""
    max: int | None = None
    """For integer and scale: the largest allowed number (scale default 10)."""
    min_label: str | None = None
    """For scale: what the lowest number means."""
    max_label: str | None = None
    """For scale: what the highest number means."""
    unit: str | None = None
    """For integer: the unit, such as 'years' or 'kg'."""
    max_length: Annotated[int, Meta(ge=1, le=10_000)] | None = None
    """For text and text_list: the most characters one answer may have."""
    max_items: Annotated[int, Meta(ge=1, le=500)] | None = None
    """For text_list: the most entries."""
    warning: WarningSign | None = None
    """For yes_no: makes the question a warning sign."""
    unsure: Unsure | None = None
    """For yes_no: also accept 'not sure' (stored as `not_sure`), which every condition and
    warning sign reads as yes (the safer answer)."""
    autocomplete: Literal["medicines"] | None = None
    """For text_list: suggest names while typing, and match them against medicine data."""

    def bounds(self) -> tuple[int, int]:
        """The allowed range of a scale or integer question."""
        if self.kind is QuestionKind.SCALE:
            low = 0 if self.min is None else self.min
            return low, 10 if self.max is None else self.max
        return (-(10**9) if self.min is None else self.min, 10**9 if self.max is None else self.max)

    def text_limit(self) -> int:
        """The most characters of one text answer."""
        return self.max_length or 500

    def item_limit(self) -> int:
        """The most entries of a text_list answer."""
        return self.max_items or 50

    def title(self) -> str:
        """The short name if there is one, else the question text cut to 45 characters."""
        if self.short:
            return self.short
        text = " ".join(self.text.split())
        return text if len(text) <= 45 else text[:42].rstrip() + "..."

    def choice(self, value: str) -> Choice | None:
        """The choice with this value, if any."""
        for choice in self.choices or ():
            if choice.value == value:
                return choice
        return None


class Section(_Model, frozen=True, kw_only=True):
    """A group of questions shown under one heading."""

    texts = frozenset({"title", "intro"})

    id: Id
    """Stable id of the section: lower-case letters, digits and underscores."""
    title: Annotated[str, Meta(min_length=1)]
    """The heading the patient sees."""
    intro: str | None = None
    """A sentence or two shown before the first question of the section."""
    questions: Annotated[list[Question], Meta(min_length=1)]
    """The questions of the section, in the order they are asked (at least one)."""


class Band(_Model, frozen=True, kw_only=True):
    """A labelled range of a score, such as 3-5 'mild'."""

    texts = frozenset({"label"})

    min: float
    """The lowest value in the band (included)."""
    max: float
    """The highest value in the band (included)."""
    label: str
    """What a value in the band is called in summaries, such as 'mild'."""


class Subscale(_Model, frozen=True, kw_only=True):
    """A part of an instrument scored on its own, with its own cut-off."""

    texts = frozenset({"label"})

    id: Id
    """Stable id of the subscale, which conditions test as `score`."""
    label: str
    """What the subscale is called in summaries."""
    items: Annotated[list[Id], Meta(min_length=1)]
    """Question ids, scored as an instrument's `items` are."""
    method: Literal["sum", "mean"] = "sum"
    """How item values combine: `sum` (the default) or `mean`."""
    decimals: Annotated[int, Meta(ge=0, le=3)] = 1
    """How many decimal places the value is rounded to (0 to 3, default 1)."""
    positive_at: float | None = None
    """A value at or above this is a positive screen."""
    bands: list[Band] = field(default_factory=list)
    """Labelled ranges of the value, such as 3-5 'mild'."""


class Instrument(_Model, frozen=True, kw_only=True):
    """A scored group of questions (our own wording, scored in the manner of a published tool)."""

    texts = frozenset({"label", "note", "modelled_on"})

    id: Id
    """Stable id of the score, which conditions test as `score`."""
    label: str
    """What the score is called in summaries."""
    modelled_on: str | None = None
    """The published instrument whose structure and scoring this follows (never its wording)."""
    note: str | None = None
    """What the score means and how not to read it."""
    items: Annotated[list[Id], Meta(min_length=1)]
    """Question ids; yes/no count 1 for yes, choices count their `score`, numbers count as is."""
    method: Literal["sum", "mean"] = "sum"
    """How item values combine: `sum` (the default) or `mean`."""
    decimals: Annotated[int, Meta(ge=0, le=3)] = 1
    """How many decimal places the score is rounded to (0 to 3, default 1)."""
    positive_at: float | None = None
    """A value at or above this is a positive screen."""
    bands: list[Band] = field(default_factory=list)
    """Labelled ranges of the score, such as 3-5 'mild'."""
    subscales: list[Subscale] = field(default_factory=list)
    """Parts of the instrument scored on their own, each with its own cut-off."""
    sources: list[Id] = field(default_factory=list)
    """Ids from `sources` behind the score."""


class Rule(_Model, frozen=True, kw_only=True):
    """When `when` holds, add one item to the summary (and raise the urgency if given)."""

    texts = frozenset({"text", "reason"})

    id: Id
    """Stable id of the rule, shown in the rules table."""
    when: Condition
    """The condition on the answers under which the rule adds its item."""
    urgency: Urgency | None = None
    """Raise the summary's urgency to at least this."""
    red_flag: Id | None = None
    """A warning-sign question id: raises that sign's urgency (use with `urgency`)."""
    specialist: Id | None = None
    """An id from `specialists`."""
    option: Id | None = None
    """An id from `options`."""
    medication_flag: Id | None = None
    """An id from `medication_flags`."""
    preparation: Id | None = None
    """A preparation checklist item."""
    message: Id | None = None
    """A general message shown in the summary."""
    text: str | None = None
    """The words shown for a red flag, medication flag, preparation item or message."""
    reason: str | None = None
    """Why, in words that may quote answers as {answer:question_id} or {score:score_id}."""
    urgent_contact: Id | None = None
    """An id from `urgent_contacts`: on a same-day page, whom `text` tells the patient to contact
    (the first such rule that holds replaces the region's same-day contact)."""
    sources: list[Id] = field(default_factory=list)
    """Ids from `sources`; every recommendation names at least one."""
    despite: list[Id] = field(default_factory=list)
    """Gate ids this rule's suggestion is made in spite of (a referral that is itself the urgent
    pathway, such as a spine surgeon for signs of cord compression). Listed in the rules table."""
    prominence: Literal["full"] | None = None
    """`full`: the patient's page shows this rule's specialist or option in full (every reason),
    wherever it comes in the list. Otherwise the first two are shown in full and the rest by the
    first sentence of their first reason."""

    def __post_init__(self) -> None:
        actions = self.actions()
        if len(actions) > 1:
            raise ValueError(f"a rule does one thing; this one has {', '.join(actions)}")
        if self.prominence is not None and actions not in (["specialist"], ["option"]):
            raise ValueError("prominence is for a rule that suggests a specialist or an option")
        if not actions and self.urgency is None:
            raise ValueError(
                "a rule needs one of: red_flag, specialist, option, medication_flag, preparation, "
                "message (or at least an urgency)"
            )

    def actions(self) -> list[str]:
        """The action keys this rule sets (one after validation, or none for urgency-only)."""
        return [name for name in RULE_ACTIONS if getattr(self, name) is not None]

    @cached_property
    def action(self) -> str | None:
        """The one action key, or None for an urgency-only rule (worked out once per rule)."""
        actions = self.actions()
        return actions[0] if actions else None

    @cached_property
    def target(self) -> str | None:
        """The id the action names."""
        return None if self.action is None else str(getattr(self, self.action))


RULE_ACTIONS = (
    "red_flag", "specialist", "option", "medication_flag", "preparation", "message",
    "urgent_contact",
)  # fmt: skip


class CatalogEntry(_Model, frozen=True, kw_only=True):
    """A specialist, option or medication flag that rules may name."""

    texts = frozenset({"label", "about", "caution"})

    label: str
    """The name patients read."""
    about: str | None = None
    """One plain sentence on what it is."""
    caution: str | None = None
    """A sentence that travels with the suggestion wherever it is shown, never cut (a risk, or
    a guideline that disagrees)."""
    caution_sources: list[Id] = field(default_factory=list)
    """Ids from `sources` behind the caution."""
    step: Annotated[int, Meta(ge=1, le=9)] | None = None
    """For options: the step of stepped care (1 self-care, 2 exercise and physiotherapy, ...);
    options are listed by step, so exercise comes before procedures."""
    alongside: Alongside | None = None
    """For options: only ever suggested together with another option (psychological therapy
    alongside exercise, NICE NG59)."""


class Alongside(_Model, frozen=True, kw_only=True):
    """The option a suggestion is always made together with, and why."""

    texts = frozenset({"reason"})

    option: Id
    """The option added when none of `option` and `or_` is suggested already."""
    or_: list[Id] = field(default_factory=list, name="or")
    """Other options that count as the companion (physical therapy for exercise)."""
    reason: str
    """Why the companion is suggested too."""
    sources: list[Id] = field(default_factory=list)
    """Ids from `sources` behind making the two suggestions together."""


class GateTargets(_Model, frozen=True, kw_only=True):
    """What a gate applies to, by kind and id."""

    specialists: list[Id] = field(default_factory=list)
    """Ids from `specialists`."""
    options: list[Id] = field(default_factory=list)
    """Ids from `options`."""
    messages: list[Id] = field(default_factory=list)
    """Message ids that rules add (`message`)."""
    preparation: list[Id] = field(default_factory=list)
    """Preparation item ids that rules add (`preparation`)."""

    def ids(self, kind: str) -> list[str]:
        """The ids of one kind ('specialist', 'option', 'message' or 'preparation')."""
        return {
            "specialist": self.specialists,
            "option": self.options,
            "message": self.messages,
            "preparation": self.preparation,
        }.get(kind, [])


class Gate(_Model, frozen=True, kw_only=True):
    """When suggestions must not be made, or must carry a warning: one row of the gate table.

    Gates are checked in one place, after every rule: a suggestion a gate `removes` is not made
    (unless the rule says `despite` that gate), and one it `warns` carries its `warning`.
    """

    texts = frozenset({"note", "warning"})

    id: Id
    """Stable id of the gate, which a rule's `despite` may name."""
    label: str
    """The gate in clinical words, for the rules table and the clinician page."""
    when: Condition
    """The gate holds when this does."""
    removes: GateTargets | None = None
    """The suggestions not made while the gate holds, by kind and id."""
    warns: GateTargets | None = None
    """The suggestions that carry `warning` while the gate holds, by kind and id."""
    warning: str | None = None
    """With `warns`: the words each warned suggestion carries."""
    note: str | None = None
    """Shown to the patient once when the gate held back a suggestion."""
    sources: list[Id] = field(default_factory=list)
    """Ids from `sources` behind the gate."""


class Source(_Model, frozen=True, kw_only=True):
    """A citation that rules and scores name by id."""

    citation: str
    """The full reference."""
    short: str | None = None
    """A short tag for printed summaries, such as 'ACP 2017'."""
    url: str | None = None
    """A web address where the source can be read."""


class PainPhaseRule(_Model, frozen=True, kw_only=True):
    """Which answers of a duration question mean acute, subacute or chronic pain."""

    question: Id
    """The id of the single-choice question that asks how long the pain has lasted."""
    values: dict[Value, PainPhase]
    """Each choice value of that question mapped to `acute`, `subacute` or `chronic`."""


class Region(_Model, frozen=True, kw_only=True):
    """Who to contact, and how, in one country or service area: the one place numbers live."""

    # a number is the same in every language ("911"); words such as "your local emergency
    # number" are not
    texts = frozenset({"label", "emergency_number", "emergency", "same_day", "soon", "crisis_line"})
    text_maps = frozenset({"terms"})

    label: str
    """The name of the region, such as 'United States'."""
    emergency_number: str
    """The number to call in an emergency, such as 911."""
    emergency: str
    """Where to go in an emergency, in plain words."""
    same_day: str
    """Whom to contact for help the same day."""
    soon: str
    """Whom to contact for an appointment within days."""
    crisis_line: str
    """A free support line for people who are struggling."""
    terms: dict[Id, str] = field(default_factory=dict)
    """This region's words for things named in text as {term:key} ('paracetamol', 'GP')."""
    last: list[Id] = field(default_factory=list)
    """Specialists and options listed last in this region (what its guideline advises against)."""
    paper: Literal["letter", "a4"] = "a4"
    """The paper summaries print on here (html and pdf): letter (the US, Canada) or a4 (the
    default); `--page` overrides it."""


class Questionnaire(_Model, frozen=True, kw_only=True):
    """A whole questionnaire file."""

    texts = frozenset({"title", "description"})
    text_maps = frozenset({"urgency_messages", "terms"})

    format: Literal[1] = 1
    """The questionnaire format version (1)."""
    id: Id
    """Stable id written into answer files."""
    version: Annotated[str, Meta(min_length=1)]
    """The clinic's own version of its questions, written into answer files."""
    title: str
    """The name of the questionnaire, shown at the top of the walk and of summaries."""
    description: str | None = None
    """One or two sentences on what the questionnaire is for."""
    language: str = "en"
    """The language of plain-string texts (a BCP-47 code); in a questionnaire read for one
    language, that language."""
    languages: list[str] = field(default_factory=list)
    """Further languages every patient-facing text is written in, beside `language`
    (`text: {en: ..., es: ...}`); `spinecheck check` reports any text missing in one."""
    sections: Annotated[list[Section], Meta(min_length=1)]
    """The questions, in groups under headings, in the order they are asked."""
    pain_phase: PainPhaseRule | None = None
    """How the answer to a duration question maps to acute, subacute or chronic pain."""
    instruments: list[Instrument] = field(default_factory=list)
    """Scores worked out from the answers, which summaries show and rules may test."""
    specialists: dict[Id, CatalogEntry] = field(default_factory=dict)
    """Specialists rules may suggest talking to, by id."""
    options: dict[Id, CatalogEntry] = field(default_factory=dict)
    """Treatments rules may suggest discussing, by id."""
    medication_flags: dict[Id, CatalogEntry] = field(default_factory=dict)
    """Cautions about medicines (or combinations) that rules may raise, by id."""
    rules: list[Rule] = field(default_factory=list)
    """When the answers show X, suggest Y, because Z, according to sources S."""
    sources: dict[Id, Source] = field(default_factory=dict)
    """Citations that rules, warning signs, scores and gates name by id."""
    urgency_messages: dict[Urgency, str] = field(default_factory=dict)
    """What to do at each urgency; may use {contact:KEY} from the chosen region."""
    regions: dict[Id, Region] = field(default_factory=dict)
    """Contacts and numbers by region; text uses them as {contact:emergency_number} and so on."""
    default_region: Id | None = None
    """The region used unless another is chosen (--region or SPINECHECK_REGION)."""
    terms: dict[Id, str] = field(default_factory=dict)
    """Words for things named in text as {term:key}, unless the region has its own."""
    gates: list[Gate] = field(default_factory=list)
    """When suggestions must not be made (the gate table), checked after every rule."""
    urgent_contacts: dict[Id, CatalogEntry] = field(default_factory=dict)
    """Whom a same-day page sends the patient to, named by rules (`urgent_contact`)."""
    medicines: str | None = None
    """The clinic's own medicine names and brands: a YAML file named from this file's folder
    (`clinic-medicines.yaml`), checked like the built-in medicine data and added to it for the
    walk's suggestions and the summaries. Once loaded, the file's full path."""

    @cached_property
    def _index(
        self,
    ) -> tuple[list[Question], dict[str, Question], dict[str, int], dict[str, Section]]:
        """The questions in order, by id, their positions and sections (built once)."""
        questions: list[Question] = []
        by_id: dict[str, Question] = {}
        order: dict[str, int] = {}
        section_of: dict[str, Section] = {}
        for section in self.sections:
            for question in section.questions:
                if question is None:  # only in the partial model the loader builds to report errors
                    continue
                questions.append(question)
                by_id.setdefault(question.id, question)
                order.setdefault(question.id, len(order))
                section_of.setdefault(question.id, section)
        return questions, by_id, order, section_of

    @property
    def questions(self) -> list[Question]:
        """Every question, in the order asked."""
        return self._index[0]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if any."""
        return self._index[1].get(question_id)

    def order(self, question_id: str) -> int:
        """The position of a question in the walk (0-based)."""
        return self._index[2][question_id]

    def section_of(self, question_id: str) -> Section:
        """The section holding a question."""
        return self._index[3][question_id]

    def scores(self) -> dict[str, Instrument | Subscale]:
        """Every instrument and subscale by id."""
        found: dict[str, Instrument | Subscale] = {}
        for instrument in self.instruments:
            found[instrument.id] = instrument
            for subscale in instrument.subscales:
                found[subscale.id] = subscale
        return found

    def medicine_questions(self) -> list[Question]:
        """The questions whose answers are lists of medicines."""
        return [q for q in self.questions if q.autocomplete == "medicines"]
