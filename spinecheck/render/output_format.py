"""The names of the summary formats (kept apart so the CLI can list them without importing them)."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """The summary formats (`--format`)."""

    RICH = "rich"
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    JSON = "json"
    FHIR = "fhir"

    @property
    def extension(self) -> str:
        """The file name ending for one summary in this format."""
        return {
            "rich": "txt", "text": "txt", "markdown": "md", "html": "html", "pdf": "pdf",
            "json": "json", "fhir": "fhir.json",
        }[self.value]  # fmt: skip

    @property
    def binary(self) -> bool:
        """Whether the output is bytes (PDF)."""
        return self is OutputFormat.PDF


class PageSize(StrEnum):
    """Paper sizes for html and pdf."""

    LETTER = "letter"
    A4 = "a4"
