"""Every summary format behind one function: choose a format, get the text or bytes to write."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, assert_never

from spinecheck.conditions import AnswerValue
from spinecheck.model import Questionnaire
from spinecheck.output_format import OutputFormat
from spinecheck.report import Assessment, to_json_dict

if TYPE_CHECKING:
    from spinecheck.render.document import Document, SummaryInfo

__all__ = ["OutputFormat", "Summary", "document_of", "render"]


@dataclass(frozen=True)
class Summary:
    """Everything one patient's summary is made from."""

    questionnaire: Questionnaire
    answers: Mapping[str, AnswerValue]
    assessment: Assessment
    info: SummaryInfo
    completed: bool = True


def document_of(summary: Summary, audience: str) -> Document:
    """The drawable document for one summary and audience."""
    from spinecheck.render.document import build_clinician, build_patient

    build = build_clinician if audience == "clinician" else build_patient
    return build(summary.assessment, summary.questionnaire, summary.answers, summary.info)


def render(
    output_format: OutputFormat,
    summaries: list[Summary],
    *,
    audience: str = "patient",
    page: str = "a4",
    width: int = 80,
    many: bool | None = None,
) -> str | bytes:
    """All summaries in one output: a list, a bundle, or a document with a page per patient.

    JSON and FHIR give one object for one input file and a list (a Bundle) for several; `many`
    says which, so the shape does not depend on how many files could be read.
    """
    several = len(summaries) > 1 if many is None else many
    if output_format is OutputFormat.JSON:
        payloads = [to_json_dict(s.assessment) for s in summaries]
        return _json_list(payloads) if several else _json(payloads[0])
    if output_format is OutputFormat.FHIR:
        from spinecheck.render.fhir import to_bundle, to_questionnaire_response

        responses = [
            to_questionnaire_response(
                s.questionnaire, s.answers, authored=s.info.answered_at, completed=s.completed
            )
            for s in summaries
        ]
        if not several:
            return _json(responses[0])
        bundle = to_bundle([])
        entries = ",\n".join(_compact({"resource": r}) for r in responses)
        head = _compact(bundle)[: -len("[]}")]
        return head + "[\n" + entries + "\n]}\n"
    documents = [document_of(s, audience) for s in summaries]
    if output_format is OutputFormat.TEXT:
        from spinecheck.render.plain import to_text

        return "\f\n".join(to_text(d) for d in documents)
    if output_format is OutputFormat.MARKDOWN:
        from spinecheck.render.markdown import to_markdown

        return "\n\n---\n\n".join(to_markdown(d) for d in documents)
    if output_format is OutputFormat.HTML:
        from spinecheck.render.html import to_html

        return to_html(documents, page=page)
    if output_format is OutputFormat.PDF:
        from spinecheck.render.pdf import to_pdf

        return to_pdf(documents, page=page)
    if output_format is OutputFormat.RICH:
        from spinecheck.render.terminal import to_string

        return "\f\n".join(to_string(d, width=width) for d in documents)
    assert_never(output_format)


def _json(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _compact(payload: Any) -> str:
    # Without indent the json module uses its C encoder: much faster for batches.
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _json_list(payloads: list[Any]) -> str:
    """A JSON list with one summary per line (fast to write, easy to read line by line)."""
    return "[\n" + ",\n".join(_compact(p) for p in payloads) + "\n]\n"
