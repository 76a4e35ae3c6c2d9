"""Scoring the blind medicine-line challenge set (issue 22) the way a pharmacist checks a reading.

Kept apart from the test so the same scoring can be run against an older checkout:
`python -m tests.medicine_lines` prints the score of whatever spinecheck is importable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CHALLENGE = Path(__file__).parent / "data" / "medicine-lines.yaml"


def load() -> dict[str, Any]:
    """The challenge set: `lines` and `regimens`."""
    data = yaml.safe_load(CHALLENGE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


IGNORED = {"caffeine"}
"""Ingredients that raise no flag and differ between countries' versions of one product (Canada's
Tylenol No. 3 has caffeine, the US one does not): not scored."""

DISAGREEMENTS = {
    "Naproxen 500 mg (sometimes, when ibuprofen doesn't work)":
        "issue 22 names this line: ibuprofen is only mentioned, not taken; the reviewer reads it "
        "as taken. We follow the issue, and mark the ibuprofen for checking with the patient.",
    "Sominex": "UK Sominex is promethazine, US Sominex diphenhydramine; we read the US product "
        "(both are sedating antihistamines, so the same flags are raised).",
    "Norgesic 2 tabs tds": "US Norgesic has aspirin, Australian and Canadian Norgesic paracetamol; "
        "we read the US product (orphenadrine either way).",
    "Suboxen": "two slips in a seven-letter word: never guessed (one slip is the limit at that "
        "length, so that 'Xanax' is never read into ordinary words); shown as not recognised.",
}  # fmt: skip
"""Lines where we read differently from the blind reviewer on purpose, and why."""


def line_misses(case: dict[str, Any], matches: list[Any]) -> list[str]:
    """What a reading of one line got wrong (empty when a pharmacist would agree)."""
    misses = []
    expected = case.get("medicines") or []
    known = [m for m in expected if m.get("generic")]
    want_taken = {m["generic"] for m in known if m["taken"]} - IGNORED
    want_not = {m["generic"] for m in known if not m["taken"]} - IGNORED
    taken = {g for m in matches if getattr(m, "taking", True) for g in m.generic_names} - IGNORED
    not_taken = {g for m in matches if not getattr(m, "taking", True) for g in m.generic_names}
    if not expected and not case.get("none"):
        # vitamins and supplements: kept as recognised 'other' medicines, which raise no flag
        taken -= {g for m in matches if set(m.classes) <= {"other"} for g in m.generic_names}
    if case.get("none") and any(m.recognized for m in matches):
        misses.append("means no medicines")
    if taken != want_taken:
        misses.append(f"taken {sorted(taken)}, expected {sorted(want_taken)}")
    if not want_not <= not_taken:
        misses.append(f"not taken {sorted(not_taken)}, expected {sorted(want_not)}")
    if case.get("class_only"):
        classes = {c for m in matches for c in m.classes}
        if case["class_only"] not in classes:
            misses.append(f"class {case['class_only']} not read")
    if case.get("partly") and not any(
        getattr(m, "partly", False) or not m.recognized for m in matches
    ):
        misses.append("not marked partly recognised")
    if case.get("unsure") and not any(getattr(m, "check", False) for m in matches):
        misses.append("not marked to check with the patient")
    if case.get("allergy") and not any(getattr(m, "allergy", False) for m in matches):
        misses.append("the allergy is not recorded")
    if "nsaid_aspirin" in case:
        aspirin = [m for m in matches if "aspirin" in m.generic_names]
        is_nsaid = any("nsaid" in m.classes for m in aspirin)
        if aspirin and is_nsaid != case["nsaid_aspirin"]:
            misses.append(f"aspirin read as {'an NSAID' if is_nsaid else 'low dose'}")
    return misses


def regimen_misses(case: dict[str, Any], mme: Any, acetaminophen: Any) -> list[str]:
    """What the daily totals of one regimen got wrong."""
    misses = []
    want = case.get("mme")
    got = mme.total if mme is not None and mme.complete else None
    if want == 0:
        got = 0 if mme is None else got
    if (want is None) != (got is None) or (
        want is not None and got is not None and abs(want - got) > 0.6
    ):
        misses.append(f"MME {got}, expected {want}")
    if "acetaminophen_mg" in case:
        want_apap = case["acetaminophen_mg"]
        got_apap = (
            acetaminophen.total if acetaminophen is not None and acetaminophen.complete else None
        )
        if (want_apap is None) != (got_apap is None) or (
            want_apap is not None and got_apap is not None and abs(want_apap - got_apap) > 1
        ):
            misses.append(f"acetaminophen {got_apap} mg, expected {want_apap}")
    return misses


def score(
    data: dict[str, Any] | None = None, disagreements: dict[str, str] | None = None
) -> tuple[int, int, int, int, list[str]]:
    """(lines right, lines, regimens right, regimens, every miss) for the current code.

    `data` is a challenge set (this one by default) and `disagreements` the lines, or regimens
    (their lines joined by ' | '), read differently on purpose and left out.
    """
    from spinecheck.medicines.doses import daily_total, dose_classes, estimate_mme
    from spinecheck.medicines.matching import default_index

    index = default_index()
    data = load() if data is None else data
    disagreements = DISAGREEMENTS if disagreements is None else disagreements
    report: list[str] = []
    right_lines = 0
    for case in data["lines"]:
        if case["line"] in disagreements:
            continue
        matches = [
            m._replace(classes=(*m.classes, *dose_classes(m, index)))
            for m in index.match_entry(case["line"])
        ]
        misses = line_misses(case, matches)
        right_lines += not misses
        report += [f"line {case['line']!r}: " + "; ".join(misses)] if misses else []
    right_regimens = 0
    regimens = [c for c in data["regimens"] if " | ".join(c["lines"]) not in disagreements]
    for case in regimens:
        matches = index.match_all(case["lines"])
        mme = estimate_mme(matches, index)
        misses = regimen_misses(case, mme, daily_total(matches, index))
        right_regimens += not misses
        report += [f"regimen {case['lines']!r}: " + "; ".join(misses)] if misses else []
    lines = sum(case["line"] not in disagreements for case in data["lines"])
    return right_lines, lines, right_regimens, len(regimens), report


if __name__ == "__main__":
    lines_ok, lines, regimens_ok, regimens, report = score()
    print("\n".join(report))
    print(f"lines {lines_ok}/{lines}, regimens {regimens_ok}/{regimens}")
