"""Every summary format behind one function: choose a format, get the text or bytes to write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from spinecheck.assessment.report import Assessment, SummaryInfo, to_json_dict
from spinecheck.clean import json_text
from spinecheck.questionnaire.conditions import AnswerValue
from spinecheck.questionnaire.model import Questionnaire, Region
from spinecheck.render.output_format import OutputFormat

if TYPE_CHECKING:
    from spinecheck.render.document import Document

__all__ = [
    "STREAMED",
    "OutputFormat",
    "Summary",
    "combine",
    "document_of",
    "frame",
    "piece",
    "render",
]


class Summary(NamedTuple):
    """Everything one patient's summary is made from."""

    questionnaire: Questionnaire
    answers: Mapping[str, AnswerValue]
    assessment: Assessment
    info: SummaryInfo
    completed: bool = True
    stopped: bool = False
    """The walk stopped at an emergency warning sign (FHIR status 'stopped')."""


def document_of(summary: Summary, audience: str) -> Document:
    """The drawable document for one summary and audience."""
    from spinecheck.render.clinician_page import build_clinician
    from spinecheck.render.patient_page import build_patient

    build = build_clinician if audience == "clinician" else build_patient
    return build(summary.assessment, summary.questionnaire, summary.answers, summary.info)


STREAMED = frozenset(
    {
        OutputFormat.JSON,
        OutputFormat.FHIR,
        OutputFormat.TEXT,
        OutputFormat.MARKDOWN,
        OutputFormat.RICH,
    }
)
"""Formats whose batch output is each summary's piece joined, so a batch keeps only text."""


def frame(output_format: OutputFormat) -> tuple[str, str, str]:
    """What goes before, between and after the pieces of a streamed batch."""
    if output_format is OutputFormat.JSON:
        return "[\n", ",\n", "\n]\n"
    if output_format is OutputFormat.FHIR:
        import uuid

        from spinecheck.render.fhir import bundle_timestamp

        head = f'{{"resourceType":"Bundle","id":"{uuid.uuid4()}","type":"collection",'
        return head + f'"timestamp":"{bundle_timestamp()}","entry":[\n', ",\n", "\n]}\n"
    if output_format is OutputFormat.MARKDOWN:
        return "", "\n\n---\n\n", ""
    return "", "\f\n", ""


def piece(output_format: OutputFormat, summary: Summary, *, audience: str = "patient",
          width: int = 80) -> str:  # fmt: skip
    """One summary as it stands inside a batch (compact JSON, or a drawn document)."""
    if output_format is OutputFormat.JSON:
        return _compact(to_json_dict(summary.assessment, summary.info))
    if output_format is OutputFormat.FHIR:
        return ",\n".join(_compact(entry) for entry in _fhir_entries(summary))
    document = document_of(summary, audience)
    if output_format is OutputFormat.TEXT:
        from spinecheck.render.plain import to_text

        return to_text(document)
    if output_format is OutputFormat.MARKDOWN:
        from spinecheck.render.markdown import to_markdown

        return to_markdown(document)
    if output_format is OutputFormat.RICH:
        from spinecheck.render.terminal import to_string

        return to_string(document, width=width)
    raise ValueError(f"{output_format} is drawn as one document, not in pieces")


def combine(output_format: OutputFormat, pieces: list[str]) -> str:
    """Join batch pieces: a JSON list, a FHIR Bundle, or documents one after another."""
    before, between, after = frame(output_format)
    return before + between.join(pieces) + after


def _fhir_entries(summary: Summary) -> list[dict[str, Any]]:
    """The response and what was derived from it, as Bundle entries."""
    from spinecheck.render.fhir import bundle_entry, to_questionnaire_response
    from spinecheck.render.fhir_identity import encounter_resource, patient_resource, reference
    from spinecheck.render.fhir_results import derived_results

    info = summary.info
    source = info.source or None
    patient = patient_resource(info.patient, source)
    encounter = encounter_resource(info.visit, patient, source)
    response = to_questionnaire_response(
        summary.questionnaire,
        summary.answers,
        authored=info.answered_at or info.file_time,
        completed=summary.completed,
        stopped=summary.stopped,
        source=source,
        subject=reference(patient) if patient else None,
        encounter=reference(encounter) if encounter else None,
    )
    # the response stays first (scripts read entry[0]); whose and which visit, then results
    found = (response, patient, encounter, *derived_results(summary.assessment, response))
    return [bundle_entry(resource) for resource in found if resource is not None]


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
    if not several and output_format is OutputFormat.JSON:
        return _json(to_json_dict(summaries[0].assessment, summaries[0].info))
    if not several and output_format is OutputFormat.FHIR:
        from spinecheck.render.fhir import bundle

        return _json(bundle(_fhir_entries(summaries[0])))
    if output_format in STREAMED:
        return combine(
            output_format,
            [piece(output_format, s, audience=audience, width=width) for s in summaries],
        )
    documents = [document_of(s, audience) for s in summaries]
    if output_format is OutputFormat.HTML:
        from spinecheck.render.html import to_html

        return to_html(documents, page=page)
    if output_format is OutputFormat.PDF:
        from spinecheck.render.pdf import to_pdf

        return to_pdf(documents, page=page)
    raise AssertionError(f"unhandled format {output_format}")  # pragma: no cover


def _json(payload: Any) -> str:
    return json_text(payload, indent=2) + "\n"


def _compact(payload: Any) -> str:
    return json_text(payload)


def paper_for(contacts: Region | None) -> str:
    """The paper a region prints on (its `paper`: letter in the US and Canada); A4 without one."""
    return contacts.paper if contacts is not None else "a4"


def render_day(
    output_format: OutputFormat,
    entries: list[Any],
    *,
    page: str = "a4",
    width: int = 80,
) -> str | bytes:
    """A clinic's day: the day list, then each patient's clinician page in the list's order.

    A file that could not be read (a `DayEntry` without an assessment) gets a page in its place.
    In a PDF the day list gives the sheet each patient's pages start on.
    """
    from spinecheck.render.clinician_page import build_clinician
    from spinecheck.render.day_list import build_day_list, day_order, unreadable_page

    ordered = day_order(entries)
    pages = [
        build_clinician(entry.assessment, entry.questionnaire, entry.answers or {}, entry.info)
        if entry.assessment is not None and entry.questionnaire is not None
        else unreadable_page(entry)
        for entry in ordered
    ]
    if output_format is OutputFormat.PDF:
        from spinecheck.render.pdf import to_pdf

        return to_pdf(pages, page=page, lead=lambda sheets: build_day_list(ordered, sheets))
    return draw_documents(output_format, [build_day_list(ordered), *pages], page=page, width=width)


def draw_documents(
    output_format: OutputFormat, documents: list[Document], *, page: str = "a4", width: int = 80
) -> str | bytes:
    """Drawn documents in one output (a document per patient or page)."""
    if output_format is OutputFormat.HTML:
        from spinecheck.render.html import to_html

        return to_html(documents, page=page)
    if output_format is OutputFormat.PDF:
        from spinecheck.render.pdf import to_pdf

        return to_pdf(documents, page=page)
    if output_format is OutputFormat.MARKDOWN:
        from spinecheck.render.markdown import to_markdown

        return combine(output_format, [to_markdown(d) for d in documents])
    if output_format is OutputFormat.RICH:
        from spinecheck.render.terminal import to_string

        return combine(output_format, [to_string(d, width=width) for d in documents])
    from spinecheck.render.plain import to_text

    return combine(OutputFormat.TEXT, [to_text(d) for d in documents])
