"""Turn answers into an assessment: warning signs, urgency, scores and recommendations."""

from __future__ import annotations

import re
from collections.abc import Mapping

from spinecheck.assessment.report import (
    Assessment,
    Evidence,
    MedicationFlag,
    Note,
    Recommendation,
    RedFlag,
)
from spinecheck.assessment.scoring import Score, compute_scores
from spinecheck.errors import SpinecheckError
from spinecheck.medicines.matching import MedicineIndex, MedicineMatch, default_index
from spinecheck.questionnaire.answering import describe_answer
from spinecheck.questionnaire.conditions import AnswerValue, Facts, Outcome, evaluate
from spinecheck.questionnaire.model import (
    PLACEHOLDER,
    PainPhase,
    QuestionKind,
    Questionnaire,
    Region,
    Rule,
    Urgency,
)


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
        known = ", ".join(sorted(questionnaire.regions)) or "none defined"
        raise SpinecheckError(
            f"unknown region '{wanted}'",
            hint=f"choose one of: {known} (with --region or SPINECHECK_REGION)",
        )
    return found


def assess(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    medicines: MedicineIndex | None = None,
    region: str | None = None,
) -> Assessment:
    """Evaluate every warning sign, score and rule for one patient's (checked) answers.

    Raises:
        SpinecheckError: an unknown region was asked for.
    """
    index = medicines if medicines is not None else default_index()
    contacts = choose_region(questionnaire, region)
    matches = _match_medicines(questionnaire, answers, index)
    scores = compute_scores(questionnaire, answers)
    facts = _facts(questionnaire, answers, scores, matches, index)

    red_flags: dict[str, RedFlag] = {}
    for question in questionnaire.questions:
        if question.warning is not None and answers.get(question.id) is True:
            red_flags[question.id] = RedFlag(
                id=question.id,
                urgency=question.warning.urgency,
                message=question.warning.message,
                question_text=question.text,
                sources=list(question.warning.sources),
            )

    def fill(text: str) -> str:
        return fill_text(text, questionnaire, answers, scores, contacts)

    urgency = max(
        [Urgency.ROUTINE, *(flag.urgency for flag in red_flags.values())], key=lambda u: u.rank
    )
    # Rules that raise the urgency first, so that every other rule may test the final urgency
    # ('no manipulation on a same-day path'); the loader makes sure those rules never test it.
    known: dict[int, Outcome] = {}  # outcomes of the rules that raise the urgency (no urgency test)
    for position, rule in enumerate(questionnaire.rules):
        if rule.urgency is not None:
            known[position] = evaluate(rule.when, facts)
            if known[position].holds and rule.urgency.rank > urgency.rank:
                urgency = rule.urgency
    facts = facts._replace(urgency=urgency)
    specialists: dict[str, Recommendation] = {}
    options: dict[str, Recommendation] = {}
    flags: dict[str, MedicationFlag] = {}
    preparation: dict[str, Note] = {}
    messages: dict[str, Note] = {}

    for position, rule in enumerate(questionnaire.rules):
        outcome = known[position] if position in known else evaluate(rule.when, facts)
        if not outcome.holds:
            continue
        if rule.urgency is not None and rule.urgency.rank > urgency.rank:
            urgency = rule.urgency
        reason = fill(rule.reason) if rule.reason else _reason(questionnaire, outcome, answers)
        action, target = rule.action, rule.target
        if action == "red_flag" and target is not None:
            _raise_red_flag(questionnaire, red_flags, rule, target)
        elif action in ("specialist", "option") and target is not None:
            catalog = questionnaire.specialists if action == "specialist" else questionnaire.options
            bucket = specialists if action == "specialist" else options
            entry = catalog[target]
            item = bucket.setdefault(
                target, Recommendation(id=target, label=entry.label, about=entry.about)
            )
            _add_unique(item.reasons, [reason])
            _add_unique(item.sources, rule.sources)
            for evidence in _evidence(questionnaire, outcome, answers):
                if evidence not in item.evidence:
                    item.evidence.append(evidence)
        elif action == "medication_flag" and target is not None:
            entry = questionnaire.medication_flags[target]
            flag = flags.setdefault(
                target,
                MedicationFlag(
                    id=target, label=entry.label, message=fill(rule.text or entry.label)
                ),
            )
            _add_unique(flag.medications, list(outcome.medications))
            _add_unique(flag.sources, rule.sources)
            _add_unique(flag.reasons, [reason])
        elif action in ("preparation", "message") and target is not None:
            notes = preparation if action == "preparation" else messages
            text = fill(rule.text or "")
            if target not in notes:
                notes[target] = Note(
                    id=target, text=text, urgency=rule.urgency, sources=list(rule.sources)
                )

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

    mme = None
    if any(m.taking and "opioid" in m.classes for m in matches):
        from spinecheck.medicines.doses import estimate_mme  # its patterns only when needed

        mme = estimate_mme(matches, index)
    used_sources = _used_sources(
        red_flags.values(), specialists.values(), options.values(), flags.values(),
        preparation.values(), messages.values(), scores.values(),
    ) + ([mme.source] if mme is not None and mme.source else [])  # fmt: skip
    return Assessment(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        urgency=urgency,
        red_flags=sorted(red_flags.values(), key=lambda f: -f.urgency.rank),
        pain_phase=pain_phase(questionnaire, answers),
        scores=scores,
        specialists=list(specialists.values()),
        options=list(options.values()),
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
            for source_id in used_sources
            if source_id in questionnaire.sources
        },
        walk_stopped=stopped,
        urgency_message=fill(questionnaire.urgency_messages.get(urgency, "")),
        region=contacts.label if contacts else None,
        mme=mme,
    )


def stops_walk(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether these answers include a warning sign of emergency urgency (the walk ends there)."""
    for question in questionnaire.questions:
        warning = question.warning
        if warning is not None and answers.get(question.id) is True:
            if warning.urgency is Urgency.EMERGENCY:
                return True
    facts = Facts(answers=answers)
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
) -> Facts:
    """What the rules may test; medicines are counted as distinct medicines, not lines."""
    by_class: dict[str, list[str]] = {}
    generics: dict[str, set[str]] = {}
    products: dict[str, set[str]] = {}
    for match in matches:
        if not match.taking:
            continue  # 'allergic to codeine', 'stopped tramadol': shown, never counted as taken
        for generic in match.generic_names:
            for medicine_class in index.medicines[generic].classes:
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
        medication_products={key: len(value) for key, value in products.items()},
        medication_questions=tuple(q.id for q in questionnaire.medicine_questions()),
    )


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
    said = [f"{e.text} {e.answer}" for e in _evidence(questionnaire, outcome, answers)]
    if outcome.medications:
        said.append("medicines: " + ", ".join(outcome.medications))
    return "Because you said: " + "; ".join(said) if said else "From your answers."


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
            answer = describe_answer(question, answers[question_id])
        found.append(Evidence(question=question_id, text=question.text, answer=answer))
    return found


def fill_text(
    text: str,
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    scores: Mapping[str, Score] | None = None,
    contacts: Region | None = None,
) -> str:
    """Replace {answer:id}, {score:id} and {contact:key} in text (substitution, not templating)."""

    def replace(match: re.Match[str]) -> str:
        kind, key = match.group(1), match.group(2)
        if kind == "answer":
            question = questionnaire.question(key)
            if question is None or key not in answers:
                return "(not answered)"
            answer = answers[key]
            if question.kind is QuestionKind.MULTIPLE and isinstance(answer, list):
                # Each label mid-sentence: "you tried physical therapy, prescription medicines".
                labels = [describe_answer(question, [item]) for item in answer]
                first = _mid_sentence(labels[0], text, match.start()) if labels else ""
                return ", ".join([first, *(_lower_first(label) for label in labels[1:])])
            return _mid_sentence(describe_answer(question, answer), text, match.start())
        if kind == "contact":
            value = getattr(contacts, key, None) if contacts is not None else None
            return str(value) if isinstance(value, str) else "your local emergency number"
        score = (scores or {}).get(key)
        if score is None or score.value is None:
            return "(not scored)"
        value = score.value
        return str(int(value)) if float(value).is_integer() else f"{value:.1f}"

    return PLACEHOLDER.sub(replace, text)


def _mid_sentence(value: str, text: str, start: int) -> str:
    """'More than a year' reads 'more than a year' mid-sentence (acronyms such as 'CBT' stay)."""
    before = text[:start].rstrip()
    at_start = not before or before[-1] in ".!?:"
    return value if at_start else _lower_first(value)


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
