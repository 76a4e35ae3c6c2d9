"""The FHIR names of a questionnaire: its canonical URL, its choices' code systems, its groups.

Shared by the export (`spinecheck.render.fhir`) and the reading of responses
(`spinecheck.answers.fhir_answers`), so both always agree.
"""

from __future__ import annotations

from spinecheck.questionnaire.model import Question, Questionnaire


def canonical_url(questionnaire: Questionnaire) -> str:
    """The Questionnaire's canonical URL (a URN: spinecheck has no server of its own)."""
    return f"urn:spinecheck:questionnaire:{questionnaire.id}"


def choice_system(questionnaire: Questionnaire, question: Question) -> str:
    """The code system of one question's choices."""
    return f"{canonical_url(questionnaire)}:{question.id}"


def section_link(section_id: str) -> str:
    """A section's linkId (sections and questions may share ids, linkIds may not)."""
    return f"section-{section_id}"
