"""Turn answers into an assessment: warning signs, urgency, scores and recommendations."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from spinecheck.assessment.report import (
    Assessment,
    Evidence,
    MedicationFlag,
    Note,
    Recommendation,
    RedFlag,
    Withheld,
)
from spinecheck.assessment.scoring import Score, compute_scores
from spinecheck.errors import SpinecheckError
from spinecheck.medicines.matching import MedicineIndex, MedicineMatch

if TYPE_CHECKING:
    from spinecheck.medicines.doses import DailyTotal, MmeEstimate
from spinecheck.questionnaire.answering import describe_answer, safer_reading
from spinecheck.questionnaire.clinic_medicines import medicine_index
from spinecheck.questionnaire.conditions import AnswerValue, Facts, Measure, Outcome, evaluate
from spinecheck.questionnaire.model import (
    PLACEHOLDER,
    CatalogEntry,
    Gate,
    PainPhase,
    Question,
    QuestionKind,
    Questionnaire,
    Region,
    Rule,
    Urgency,
)
from spinecheck.words import words_for


def choose_region(questionnaire: Questionnaire, region: str | None = None) -> Region | None:
    """The region whose contacts text shows: the one asked for, else the questionnaire's default.

    Raises:
        SpinecheckError: the region asked for is not defined in the questionnaire.
    """
    wanted = region or questionnaire.default_region
    if wanted is None:
        return None
    found = questionnaire.regions.get(wanted.lower())
    if found is None:
        from spinecheck.errors import similar

        known = ", ".join(sorted(questionnaire.regions)) or "none defined"
        # a key, or a region's name ('canada' for the region 'ca' labelled Canada)
        names = {key: key for key in questionnaire.regions}
        names.update({r.label.lower(): key for key, r in questionnaire.regions.items()})
        close = [names[name] for name in similar(wanted.lower(), list(names))]
        raise SpinecheckError(
            f"unknown region '{wanted}'",
            hint=(f"did you mean '{close[0]}'? " if close else "")
            + f"choose one of: {known} (with --region or SPINECHECK_REGION)",
        )
    return found


def assess(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    medicines: MedicineIndex | None = None,
    region: str | None = None,
) -> Assessment:
    """Evaluate every warning sign, score, rule and gate for one patient's (checked) answers.

    The order is fixed: warning signs and the rules that raise the urgency; then every other rule;
    then the gate table, which holds back (or adds a warning to) what the rules suggested.

    Raises:
        SpinecheckError: an unknown region was asked for.
    """
    index = medicines if medicines is not None else medicine_index(questionnaire)
    contacts = choose_region(questionnaire, region)
    matches = [
        _with_dose_classes(m, index) for m in _match_medicines(questionnaire, answers, index)
    ]
    read = safer_reading(questionnaire, answers)  # 'not sure' to a warning sign reads as yes
    scores = compute_scores(questionnaire, read)
    mme, acetaminophen = _totals(matches, index)
    facts = _facts(questionnaire, read, scores, matches, index, mme, acetaminophen)

    red_flags: dict[str, RedFlag] = {}
    for question in questionnaire.questions:
        if question.warning is not None and read.get(question.id) is True:
            red_flags[question.id] = _red_flag(
                question, unsure=answers.get(question.id) is not True
            )

    def fill(text: str) -> str:
        return fill_text(text, questionnaire, answers, scores, contacts, drop_unanswered=True)

    urgency = max(
        [Urgency.ROUTINE, *(flag.urgency for flag in red_flags.values())], key=lambda u: u.rank
    )
    # Rules that raise the urgency first, so that every other rule and gate may test the final
    # urgency ('no manipulation on a same-day path'); the loader makes sure those rules never
    # test it.
    known: dict[int, Outcome] = {}  # outcomes of the rules that raise the urgency (no urgency test)
    for position, rule in enumerate(questionnaire.rules):
        if rule.urgency is not None:
            known[position] = evaluate(rule.when, facts)
            if known[position].holds and rule.urgency.rank > urgency.rank:
                urgency = rule.urgency
    facts = facts._replace(urgency=urgency)
    gates = [gate for gate in questionnaire.gates if evaluate(gate.when, facts).holds]
    held = _Held()
    specialists: dict[str, Recommendation] = {}
    options: dict[str, Recommendation] = {}
    flags: dict[str, MedicationFlag] = {}
    preparation: dict[str, Note] = {}
    messages: dict[str, Note] = {}
    contact: Rule | None = None

    for position, rule in enumerate(questionnaire.rules):
        outcome = known[position] if position in known else evaluate(rule.when, facts)
        if not outcome.holds:
            continue
        action, target = rule.action, rule.target
        if action is None or target is None:
            continue
        if held.blocks(gates, action, target, rule):
            continue
        # a reason whose every sentence quotes an unanswered question: the answers behind it
        reason = (fill(rule.reason) if rule.reason else "") or _reason(
            questionnaire, outcome, answers
        )
        if action == "red_flag":
            _raise_red_flag(questionnaire, red_flags, rule, target)
        elif action in ("specialist", "option"):
            catalog = questionnaire.specialists if action == "specialist" else questionnaire.options
            bucket = specialists if action == "specialist" else options
            item = bucket.get(target) or bucket.setdefault(
                target, _recommendation(target, catalog[target], fill)
            )
            if reason not in item.reasons:
                item.reasons.append(reason)
                item.reason_sources.append(list(rule.sources))
                item.reason_rules.append(rule.id)
            item.in_full = item.in_full or rule.prominence == "full"
            _add_unique(item.sources, rule.sources)
            for evidence in _evidence(questionnaire, outcome, answers):
                if evidence not in item.evidence:
                    item.evidence.append(evidence)
            if rule.urgency is not None and rule.text:  # why the urgency was raised
                messages.setdefault(
                    rule.id,
                    Note(
                        rule.id, fill(rule.text), urgency=rule.urgency, sources=list(rule.sources)
                    ),
                )
        elif action == "medication_flag":
            entry = questionnaire.medication_flags[target]
            flag = flags.setdefault(
                target,
                MedicationFlag(
                    id=target, label=fill(entry.label), message=fill(rule.text or entry.label)
                ),
            )
            # a flag always names what raised it: the medicines, or else the answer ('Blood
            # thinner: yes' with no name given)
            _add_unique(
                flag.medications,
                list(outcome.medications) or _answers_named(questionnaire, outcome, answers),
            )
            _add_unique(flag.sources, rule.sources)
            if reason not in flag.reasons:
                flag.reasons.append(reason)
                flag.reason_rules.append(rule.id)
        elif action in ("preparation", "message"):
            notes = preparation if action == "preparation" else messages
            if target not in notes:
                notes[target] = Note(
                    id=target, text=fill(rule.text or ""), urgency=rule.urgency,
                    sources=list(rule.sources),
                )  # fmt: skip
        elif action == "urgent_contact" and contact is None:
            contact = rule

    _add_companions(questionnaire, options, gates, held, fill)
    for kind, bucket in (("specialist", specialists), ("option", options)):
        for item in bucket.values():
            _add_gate_warnings(item, kind, gates, fill)
    for gate in gates:
        if gate.note and held.by_gate(gate.id):
            messages.setdefault(
                f"gate_{gate.id}",
                Note(id=f"gate_{gate.id}", text=fill(gate.note), sources=list(gate.sources)),
            )
    # A note that names a lower timing than the page's (a 'within days' rule under a same-day
    # heading) is left out: one page, one timing (decision 20).
    for notes in (messages, preparation):
        for key in [k for k, n in notes.items() if n.urgency and n.urgency.rank < urgency.rank]:
            del notes[key]

    for red_flag in red_flags.values():
        red_flag.message = fill(red_flag.message)
    stopped = urgency is Urgency.EMERGENCY
    if stopped:
        # The summary's one job on this path is to send the patient to emergency care: nothing
        # that reassures or suggests treatment (decision 7), in any format or audience.
        specialists.clear()
        options.clear()
        messages.clear()
        preparation.clear()

    urgency_message = questionnaire.urgency_messages.get(urgency, "")
    urgent_contact = None
    if urgency is Urgency.SAME_DAY and contact is not None and contact.urgent_contact:
        urgency_message = contact.text or urgency_message
        urgent_contact = questionnaire.urgent_contacts[contact.urgent_contact].label
    used_sources = _used_sources(
        red_flags.values(), specialists.values(), options.values(), flags.values(),
        preparation.values(), messages.values(), scores.values(),
    )  # fmt: skip
    used_sources += [s for item in (*specialists.values(), *options.values()) for s in item.sources]
    used_sources += [total.source for total in (mme, acetaminophen) if total and total.source]
    if urgent_contact and contact is not None:
        used_sources += contact.sources
    return Assessment(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        urgency=urgency,
        red_flags=sorted(red_flags.values(), key=lambda f: -f.urgency.rank),
        pain_phase=pain_phase(questionnaire, answers),
        scores=scores,
        specialists=_ordered(list(specialists.values()), contacts),
        options=_ordered(list(options.values()), contacts),
        medication_flags=list(flags.values()),
        medications=matches,
        preparation=list(preparation.values()),
        messages=list(messages.values()),
        sources={
            source_id: {
                "citation": questionnaire.sources[source_id].citation,
                "short": questionnaire.sources[source_id].short,
                "url": questionnaire.sources[source_id].url,
            }
            for source_id in dict.fromkeys(used_sources)
            if source_id in questionnaire.sources
        },
        walk_stopped=stopped,
        urgency_message=fill(urgency_message),
        region=contacts.label if contacts else None,
        language=questionnaire.language,
        region_key=(region or questionnaire.default_region or "").lower() or None
        if contacts
        else None,
        mme=mme,
        acetaminophen=acetaminophen,
        gates={gate.id: gate.label for gate in gates},
        withheld=[]
        if stopped
        else held.withheld(questionnaire, fill, specialists, options, messages, preparation),
        urgent_contact=urgent_contact,
        terms={**questionnaire.terms, **(contacts.terms if contacts is not None else {})},
    )


class _Held:
    """What the gates held back, by (kind, id), and which gates did."""

    def __init__(self) -> None:
        self.gates: dict[tuple[str, str], list[str]] = {}

    def blocks(self, gates: list[Gate], action: str, target: str, rule: Rule | None) -> bool:
        """Whether a gate that holds removes this rule's suggestion (recorded if so)."""
        exempt = set(rule.despite) if rule is not None else set()
        blocking = [
            gate.id
            for gate in gates
            if gate.removes is not None
            and target in gate.removes.ids(action)
            and gate.id not in exempt
        ]
        if blocking:
            found = self.gates.setdefault((action, target), [])
            _add_unique(found, blocking)
        return bool(blocking)

    def by_gate(self, gate_id: str) -> bool:
        """Whether this gate held anything back."""
        return any(gate_id in ids for ids in self.gates.values())

    def withheld(
        self,
        questionnaire: Questionnaire,
        fill: Callable[[str], str],
        *buckets: Mapping[str, object],
    ) -> list[Withheld]:
        """What stayed held back (another rule may have made the suggestion after all)."""
        kinds = ("specialist", "option", "message", "preparation")
        shown = {(kind, key) for kind, bucket in zip(kinds, buckets, strict=True) for key in bucket}
        catalogs = {"specialist": questionnaire.specialists, "option": questionnaire.options}
        held = []
        for (kind, key), ids in self.gates.items():
            if (kind, key) in shown:
                continue
            entry = catalogs.get(kind, {}).get(key)
            label = fill(entry.label) if entry is not None else ""
            held.append(Withheld(kind=kind, id=key, gates=ids, label=label))
        return held


def _recommendation(target: str, entry: CatalogEntry, fill: Callable[[str], str]) -> Recommendation:
    item = Recommendation(
        id=target,
        label=fill(entry.label),
        about=fill(entry.about) if entry.about else None,
        step=entry.step,
    )
    if entry.caution:
        item.cautions.append(fill(entry.caution))
        _add_unique(item.caution_sources, entry.caution_sources)
        _add_unique(item.sources, entry.caution_sources)
    return item


def _add_companions(
    questionnaire: Questionnaire,
    options: dict[str, Recommendation],
    gates: list[Gate],
    held: _Held,
    fill: Callable[[str], str],
) -> None:
    """Options only ever suggested alongside another get it too, or go (NICE NG59 1.2.8)."""
    for key in list(options):
        companion = questionnaire.options[key].alongside
        if companion is None or any(k in options for k in (companion.option, *companion.or_)):
            continue
        if held.blocks(gates, "option", companion.option, None):
            del options[key]  # never instead of its companion
            held.gates.setdefault(("option", key), []).extend(
                held.gates[("option", companion.option)]
            )
            continue
        item = options[companion.option] = _recommendation(
            companion.option, questionnaire.options[companion.option], fill
        )
        item.reasons.append(fill(companion.reason))
        item.reason_sources.append(list(companion.sources))
        item.reason_rules.append("")
        _add_unique(item.sources, companion.sources)


def _add_gate_warnings(
    item: Recommendation, kind: str, gates: list[Gate], fill: Callable[[str], str]
) -> None:
    for gate in gates:
        if gate.warns is not None and gate.warning and item.id in gate.warns.ids(kind):
            warning = fill(gate.warning)
            if warning not in item.cautions:
                item.cautions.append(warning)
            _add_unique(item.caution_sources, gate.sources)
            _add_unique(item.sources, gate.sources)


def _ordered(items: list[Recommendation], region: Region | None) -> list[Recommendation]:
    """By step of stepped care (rule order within a step); the region's 'last' go last."""
    last = region.last if region is not None else []
    return sorted(
        items,
        key=lambda item: (item.id in last, item.step if item.step is not None else 5),
    )


def _red_flag(question: Question, *, unsure: bool) -> RedFlag:
    assert question.warning is not None
    message = question.warning.message
    if unsure and question.unsure is not None and question.unsure.confirm:
        message = question.unsure.confirm + " " + message
    return RedFlag(
        id=question.id,
        urgency=question.warning.urgency,
        message=message,
        question_text=question.text,
        sources=list(question.warning.sources),
        unsure=unsure,
    )


def _totals(
    matches: list[MedicineMatch], index: MedicineIndex
) -> tuple[MmeEstimate | None, DailyTotal | None]:
    """Morphine milligram equivalents and acetaminophen a day, when either is taken."""
    taken = {generic for m in matches if m.taking for generic in m.generic_names}
    opioids = any("opioid" in index.medicines[g].classes for g in taken) or any(
        m.taking and "opioid" in m.classes for m in matches
    )
    if not opioids and "acetaminophen" not in taken:
        return None, None
    from spinecheck.medicines.doses import daily_total, estimate_mme  # patterns only when needed

    return (estimate_mme(matches, index) if opioids else None), daily_total(matches, index)


def _with_dose_classes(match: MedicineMatch, index: MedicineIndex) -> MedicineMatch:
    """Aspirin at pain doses is also an NSAID (decision 17)."""
    if "aspirin" not in match.generic_names:
        return match
    from spinecheck.medicines.doses import dose_classes

    extra = [c for c in dose_classes(match, index) if c not in match.classes]
    return match._replace(classes=(*match.classes, *extra)) if extra else match


def stops_walk(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether these answers include a warning sign of emergency urgency (the walk ends there)."""
    read = safer_reading(questionnaire, answers)
    for question in questionnaire.questions:
        warning = question.warning
        if warning is not None and read.get(question.id) is True:
            if warning.urgency is Urgency.EMERGENCY:
                return True
    facts = Facts(answers=read)
    for rule in questionnaire.rules:
        if rule.action == "red_flag" and rule.urgency is Urgency.EMERGENCY:
            if evaluate(rule.when, facts).holds:
                return True
    return False


def pain_phase(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> PainPhase | None:
    """Acute, subacute or chronic, from the duration answer (None when not answered)."""
    rule = questionnaire.pain_phase
    if rule is None:
        return None
    value = answers.get(rule.question)
    return rule.values.get(str(value)) if isinstance(value, str) else None


def _match_medicines(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], index: MedicineIndex
) -> list[MedicineMatch]:
    matches: list[MedicineMatch] = []
    for question in questionnaire.medicine_questions():
        typed = answers.get(question.id)
        if isinstance(typed, list):
            matches.extend(index.match_all(typed))
    return matches


def _facts(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    scores: Mapping[str, Score],
    matches: list[MedicineMatch],
    index: MedicineIndex,
    mme: MmeEstimate | None,
    acetaminophen: DailyTotal | None,
) -> Facts:
    """What the rules may test; medicines are counted as distinct medicines, not lines."""
    by_class: dict[str, list[str]] = {}
    generics: dict[str, set[str]] = {}
    products: dict[str, set[str]] = {}
    for match in matches:
        if not match.taking:
            continue  # 'allergic to codeine', 'stopped tramadol': shown, never counted as taken
        extra = [c for c in match.classes if c not in _classes_of(match, index)]
        # a name between medicines of one class counts as one medicine of that class
        named = match.generic_names or (f"? {match.matched_name or match.as_typed}",)
        for generic in named:
            own = index.medicines[generic].classes if generic in index.medicines else ()
            dose_class = generic == "aspirin" or generic not in index.medicines
            for medicine_class in (*own, *(extra if dose_class else ())):
                generics.setdefault(medicine_class, set()).add(generic)
                products.setdefault(medicine_class, set()).add(
                    (match.matched_name or match.as_typed).lower()
                )
                typed = by_class.setdefault(medicine_class, [])
                if match.as_typed not in typed:
                    typed.append(match.as_typed)
    return Facts(
        answers=answers,
        scores={score_id: score.value for score_id, score in scores.items()},
        score_items={score_id: score.items for score_id, score in scores.items()},
        medication_classes={key: tuple(value) for key, value in by_class.items()},
        medication_counts={key: len(value) for key, value in generics.items()},
        medication_generics={key: frozenset(value) for key, value in generics.items()},
        medication_products={key: len(value) for key, value in products.items()},
        medication_questions=tuple(q.id for q in questionnaire.medicine_questions()),
        measures={
            "mme_per_day": Measure(None)
            if mme is None
            else Measure(mme.total, mme.complete, tuple(line.as_typed for line in mme.lines)),
            "acetaminophen_mg_per_day": Measure(None)
            if acetaminophen is None
            else Measure(
                acetaminophen.total,
                acetaminophen.complete,
                tuple(line.as_typed for line in acetaminophen.lines),
            ),
        },
    )


def _classes_of(match: MedicineMatch, index: MedicineIndex) -> set[str]:
    return {c for generic in match.generic_names for c in index.medicines[generic].classes}


def _raise_red_flag(
    questionnaire: Questionnaire, red_flags: dict[str, RedFlag], rule: Rule, target: str
) -> None:
    question = questionnaire.question(target)
    assert question is not None
    assert question.warning is not None
    flag = red_flags.get(target)
    if flag is None:
        flag = red_flags[target] = RedFlag(
            id=target,
            urgency=question.warning.urgency,
            message=question.warning.message,
            question_text=question.text,
            sources=list(question.warning.sources),
        )
    if rule.urgency is not None and rule.urgency.rank > flag.urgency.rank:
        flag.urgency = rule.urgency
        if rule.text:
            flag.message = rule.text
    _add_unique(flag.sources, rule.sources)


def _reason(
    questionnaire: Questionnaire, outcome: Outcome, answers: Mapping[str, AnswerValue]
) -> str:
    """A reason built from the answers that made a rule hold (for rules without `reason`)."""
    words = words_for(questionnaire.language)
    said = [f"{e.text} {e.answer}" for e in _evidence(questionnaire, outcome, answers)]
    if outcome.medications:
        said.append(words("medicines: {names}", names=", ".join(outcome.medications)))
    if not said:
        return words("From your answers.")
    return words("Because you said: {answers}", answers="; ".join(said))


def _answers_named(
    questionnaire: Questionnaire, outcome: Outcome, answers: Mapping[str, AnswerValue]
) -> list[str]:
    named = []
    for evidence in _evidence(questionnaire, outcome, answers):
        question = questionnaire.question(evidence.question)
        named.append(f"{question.title() if question else evidence.question}: {evidence.answer}")
    return named


def _evidence(
    questionnaire: Questionnaire, outcome: Outcome, answers: Mapping[str, AnswerValue]
) -> list[Evidence]:
    found = []
    for question_id in outcome.questions:
        question = questionnaire.question(question_id)
        if question is None or question_id not in answers:
            continue
        if question.kind is QuestionKind.TEXT_LIST and outcome.medications:
            answer = ", ".join(outcome.medications)
        else:
            answer = describe_answer(
                question, answers[question_id], words=words_for(questionnaire.language)
            )
        found.append(Evidence(question=question_id, text=question.text, answer=answer))
    return found


def fill_text(
    text: str,
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    scores: Mapping[str, Score] | None = None,
    contacts: Region | None = None,
    *,
    drop_unanswered: bool = False,
) -> str:
    """Replace {answer:id}, {score:id} and {contact:key} in text (substitution, not templating).

    With `drop_unanswered` (reasons and messages of a summary), a sentence that quotes an
    unanswered question is left out, never printed with "(not answered)" inside it; else the
    gap reads "(not answered)".
    """
    if "{" not in text:
        return text
    words = words_for(questionnaire.language)

    def unanswered(match: re.Match[str]) -> bool:
        key = match.group(2)
        return match.group(1) == "answer" and (
            questionnaire.question(key) is None or key not in answers
        )

    if drop_unanswered:  # sentences of the text as written: an answer's own words never count
        text = " ".join(
            sentence
            for sentence in sentences(text)
            if not any(unanswered(match) for match in PLACEHOLDER.finditer(sentence))
        )

    def replace(match: re.Match[str]) -> str:
        kind, key = match.group(1), match.group(2)
        if kind == "answer":
            question = questionnaire.question(key)
            if question is None or key not in answers:
                return words("(not answered)")
            answer = answers[key]
            if question.kind is QuestionKind.MULTIPLE and isinstance(answer, list):
                # Each label mid-sentence: "you tried physical therapy, prescription medicines".
                labels = [describe_answer(question, [item], words=words) for item in answer]
                first = _mid_sentence(labels[0], text, match.start()) if labels else ""
                return ", ".join([first, *(_lower_first(label) for label in labels[1:])])
            described = describe_answer(question, answer, words=words)
            if question.kind in (QuestionKind.TEXT, QuestionKind.TEXT_LIST):
                return described  # as the patient typed it ('Punjabi' keeps its capital)
            return _mid_sentence(described, text, match.start())
        if kind == "contact":
            value = getattr(contacts, key, None) if contacts is not None else None
            return str(value) if isinstance(value, str) else words("your local emergency number")
        if kind == "term":
            own = contacts.terms.get(key) if contacts is not None else None
            word = own or questionnaire.terms.get(key, key.replace("_", " "))
            at_start = _at_start(text, match.start())
            return word[:1].upper() + word[1:] if at_start else _lower_first(word)
        score = (scores or {}).get(key)
        if score is None or score.value is None:
            return words("(not scored)")
        value = score.value
        return str(int(value)) if float(value).is_integer() else f"{value:.1f}"

    return PLACEHOLDER.sub(replace, text)


def sentences(text: str) -> list[str]:
    """A text's sentences, each with its closing mark ('Two. Sentences!' has two)."""
    return [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part]


def _mid_sentence(value: str, text: str, start: int) -> str:
    """'More than a year' reads 'more than a year' mid-sentence (acronyms such as 'CBT' stay)."""
    return value if _at_start(text, start) else _lower_first(value)


def _at_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:"


def _lower_first(value: str) -> str:
    """'Medicines from a shop' reads 'medicines from a shop' (acronyms such as 'CBT' stay)."""
    if len(value) < 2 or value[1].isupper():
        return value
    return value[0].lower() + value[1:]


def _add_unique(target: list[str], items: list[str] | tuple[str, ...]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _used_sources(*groups: object) -> list[str]:
    used: dict[str, None] = {}
    for group in groups:
        for item in group:  # type: ignore[attr-defined]  # each group is an iterable of items
            used.update(dict.fromkeys(getattr(item, "sources", ())))
    return list(used)
