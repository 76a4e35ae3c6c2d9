"""The clinical logic of a questionnaire on one page, for a clinician to review (issue 21).

`spinecheck rules` prints it, and `docs/clinical-rules.md` holds it for the built-in
questionnaire (a test keeps the two the same). It shows the gate table, then each suggestion with
the rules that make it, the gates that hold it back or add a warning, and the sources; then what
raises the urgency, the same-day contacts and the medicine flags.
"""

from __future__ import annotations

from spinecheck.medicines.matching import default_index
from spinecheck.questionnaire.model import Condition, GateTargets, Questionnaire, Rule

_OPERATORS = {
    "equals": "is", "in": "is one of", "includes": "includes", "at_least": ">=",
    "at_most": "<=", "above": ">", "below": "<",
}  # fmt: skip


def describe(condition: Condition, questionnaire: Questionnaire) -> str:
    """A condition in words: 'Began after a fall or injury is yes and Average pain >= 7'."""
    form = condition.form
    children = [describe(child, questionnaire) for child in condition.children()]
    if form in ("all", "any"):
        joined = (" and " if form == "all" else " or ").join(children)
        return f"({joined})" if len(children) > 1 else joined
    if form == "not":
        return f"not {children[0]}"
    if form == "count_true":
        assert condition.count_true is not None
        return f"at least {condition.count_true.at_least} of: {'; '.join(children)}"
    if form == "urgency_at_least":
        level = condition.urgency_at_least
        assert level is not None
        return f"urgency at least {level.value.replace('_', ' ')}"
    if form == "medication_class":
        labels = default_index().class_labels
        name = labels.get(condition.medication_class or "", condition.medication_class or "")
        text = f"takes {name}"
        if condition.at_least and condition.at_least > 1:
            text = f"takes {condition.at_least:g} or more of: {name}"
        if condition.paired_with:
            others = ", ".join(labels.get(c, c) for c in condition.paired_with)
            text += f", with a different {others}"
        return text
    subject = condition.measure or condition.score or ""
    if form == "question":
        question = questionnaire.question(condition.question or "")
        subject = question.title() if question else condition.question or ""
    tests = []
    for name, expected in condition.operators().items():
        if name == "answered":
            tests.append(f"{subject} {'answered' if expected else 'not answered'}")
            continue
        shown = _values(condition, expected, questionnaire)
        tests.append(f"{subject} {_OPERATORS[name]} {shown}")
    return " and ".join(tests)


def _values(condition: Condition, expected: object, questionnaire: Questionnaire) -> str:
    values = expected if isinstance(expected, list) else [expected]
    question = questionnaire.question(condition.question or "")
    shown = []
    for value in values:
        if isinstance(value, bool):
            shown.append("yes" if value else "no")
        elif question is not None and isinstance(value, str) and question.choice(value):
            choice = question.choice(value)
            assert choice is not None
            shown.append(choice.clinical or choice.label)
        elif isinstance(value, float) and value.is_integer():
            shown.append(str(int(value)))
        else:
            shown.append(str(value))
    return ", ".join(shown) if len(shown) == 1 else "(" + ", ".join(shown) + ")"


def _ids(targets: GateTargets | None, plural: str) -> list[str]:
    return list(getattr(targets, plural)) if targets is not None else []


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _sources(questionnaire: Questionnaire, ids: list[str]) -> str:
    return ", ".join(
        (questionnaire.sources[s].short or s) if s in questionnaire.sources else s for s in ids
    )


def _made_by(questionnaire: Questionnaire, kind: str, key: str) -> list[Rule]:
    return [rule for rule in questionnaire.rules if rule.action == kind and rule.target == key]


def to_markdown(questionnaire: Questionnaire) -> str:
    """The whole review page as Markdown (tables a clinician reads top to bottom)."""
    lines = [
        f"# Clinical rules: {questionnaire.title} ({questionnaire.id} {questionnaire.version})",
        "",
        "Written by `spinecheck rules` from the questionnaire; do not edit by hand. Decision",
        "support for a conversation, never a diagnosis.",
        "",
        "## Gates: when a suggestion must not be made",
        "",
        "A gate that holds removes the suggestions it lists, whatever rule would make them (or,",
        "for a warning, adds its words to them). Checked in one place, after every rule. An",
        "emergency removes every suggestion: the summary says only what to do now.",
        "",
        "| gate | holds when | removes | adds a warning to | sources |",
        "| --- | --- | --- | --- | --- |",
    ]
    for gate in questionnaire.gates:
        removes = gate.removes
        warns = gate.warns
        removed = (
            "; ".join(
                f"{kind}: {', '.join(getattr(removes, kind))}"
                for kind in ("specialists", "options", "messages", "preparation")
                if getattr(removes, kind)
            )
            if removes
            else ""
        )
        warned = ", ".join([*warns.specialists, *warns.options]) if warns else ""
        if warned and gate.warning:
            warned += f' ("{gate.warning}")'
        lines.append(
            f"| **{_cell(gate.label)}** (`{gate.id}`) | {_cell(describe(gate.when, questionnaire))}"
            f" | {_cell(removed) or '-'} | {_cell(warned) or '-'} | "
            f"{_sources(questionnaire, gate.sources)} |"
        )
    lines += ["", "## Suggestions, what makes them, and their gates", ""]
    lines += ["| suggestion | made when (rule) | held back by | warned by | sources |"]
    lines += ["| --- | --- | --- | --- | --- |"]
    for kind, catalog in (
        ("specialist", questionnaire.specialists),
        ("option", questionnaire.options),
    ):
        plural = kind + "s"
        for key, entry in catalog.items():
            rules = _made_by(questionnaire, kind, key)
            made = "<br>".join(
                f"`{rule.id}`: {_cell(describe(rule.when, questionnaire))}"
                + (f" (despite {', '.join(rule.despite)})" if rule.despite else "")
                + (" (shown in full on the patient's page)" if rule.prominence == "full" else "")
                for rule in rules
            )
            held = ", ".join(
                f"`{g.id}`"
                for g in questionnaire.gates
                if g.removes and key in getattr(g.removes, plural)
            )
            warned = ", ".join(
                f"`{g.id}`"
                for g in questionnaire.gates
                if g.warns and key in getattr(g.warns, plural)
            )
            sources = list(dict.fromkeys(s for rule in rules for s in rule.sources))
            sources += [s for s in entry.caution_sources if s not in sources]
            caution = f" Caution: {_cell(entry.caution)}" if entry.caution else ""
            lines.append(
                f"| {kind}: **{key}**{caution} | {made or 'never'} | {held or '-'} | "
                f"{warned or '-'} | {_sources(questionnaire, sources)} |"
            )
    lines += ["", "## What raises the urgency", "", "| warning sign or rule | urgency | sources |"]
    lines += ["| --- | --- | --- |"]
    for question in questionnaire.questions:
        if question.warning is not None:
            sign = question.warning.clinical or question.title()
            unsure = " (or not sure)" if question.unsure else ""
            lines.append(
                f"| sign `{question.id}`: {_cell(sign)}{unsure} | "
                f"{question.warning.urgency.value} | "
                f"{_sources(questionnaire, question.warning.sources)} |"
            )
    for rule in questionnaire.rules:
        if rule.urgency is not None:
            lines.append(
                f"| rule `{rule.id}`: {_cell(describe(rule.when, questionnaire))} | "
                f"{rule.urgency.value} | {_sources(questionnaire, rule.sources)} |"
            )
    lines += ["", "## Whom a same-day page names (the first that holds)", ""]
    lines += ["| contact | when | sources |", "| --- | --- | --- |"]
    for rule in questionnaire.rules:
        if rule.urgent_contact:
            entry = questionnaire.urgent_contacts[rule.urgent_contact]
            lines.append(
                f"| {_cell(entry.label)} | {_cell(describe(rule.when, questionnaire))} | "
                f"{_sources(questionnaire, rule.sources)} |"
            )
    lines += ["| the region's urgent care (otherwise) | - | - |", ""]
    lines += ["## Medicine flags", "", "| flag | raised when (rule) | sources |"]
    lines += ["| --- | --- | --- |"]
    for key in questionnaire.medication_flags:
        for rule in _made_by(questionnaire, "medication_flag", key):
            lines.append(
                f"| **{key}** | `{rule.id}`: {_cell(describe(rule.when, questionnaire))} | "
                f"{_sources(questionnaire, rule.sources)} |"
            )
    return "\n".join(lines) + "\n"
