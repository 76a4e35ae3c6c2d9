"""What an urgent page must never say, written from decisions 7 and 20 of the clinical reference."""

from __future__ import annotations

import re

from spinecheck.questionnaire.model import Urgency

REASSURANCE = (
    r"most new back pain", r"gets? (?:a lot )?better", r"keep moving", r"pain diary",
    r"heat wrap", r"heating pad", r"nothing to worry", r"self-limiting", r"within a month",
    r"keep up your normal activities",
)  # fmt: skip
"""Decision 7 and 20: no reassurance on a same-day or emergency page."""

LATER_THAN_TODAY = (
    r"within (?:a few|the next few|two|2) (?:days|weeks)", r"next few days", r"within days",
    r"book an appointment", r"(?<!how )\bsoon\b", r"next week", r"1 to 2 weeks", r"within weeks",
)  # fmt: skip
"""Timings later than today: never under a same-day or emergency heading."""

LATER_THAN_NOW = (*LATER_THAN_TODAY, r"\btoday\b")
"""Timings later than now: never under an emergency heading."""


def later_timing_or_reassurance(page: str, urgency: Urgency) -> list[str]:
    """The phrases of `page` that contradict its urgency (empty when it keeps to it)."""
    if urgency.rank < Urgency.SAME_DAY.rank:
        return []
    text = " ".join(page.lower().split())
    banned = (*REASSURANCE, *(LATER_THAN_NOW if urgency is Urgency.EMERGENCY else LATER_THAN_TODAY))
    return [found.group(0) for pattern in banned for found in re.finditer(pattern, text)]
