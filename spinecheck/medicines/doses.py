"""Daily totals, with their working, for the clinician page: opioids and acetaminophen.

Morphine milligram equivalents use CDC 2022 conversion factors (clinical-reference §6.0), from
medicines.yaml: the opioid's mg a day times its factor (fentanyl patches: mcg/hour times theirs).
Acetaminophen (paracetamol) is added up in mg a day across every product that holds it (decision
18). A line is calculated only when the strength, the number of tablets and how often they are
taken are clear from what the patient typed; otherwise it says "not calculated" and why, and the
total is shown as incomplete. Patients never see any of this (decisions 6 and 12).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from spinecheck.medicines.matching import MedicineIndex, MedicineMatch
from spinecheck.medicines.patterns import LazyPattern

TIMES = "\u00d7"
"""The multiplication sign of the working."""
_NUMBER = r"\d+(?:\.\d+)?"
_WORD_NUMBERS = {
    "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0, "seven": 7.0,
    "eight": 8.0, "ten": 10.0, "twelve": 12.0,
}  # fmt: skip
_OUD_PRODUCTS = frozenset(
    {"suboxone", "subutex", "zubsolv", "sublocade", "bunavail", "brixadi", "buvidal", "espranor",
     "methadose", "biodone", "biodone forte", "metadol-d", "diskets"}
)  # fmt: skip
"""Products made to treat opioid use disorder."""
_COUNT_WORD = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six)"

_UNITS_PER_DOSE = LazyPattern(
    rf"(?<![\d./])(?P<low>{_COUNT_WORD}|half(?: a)?|1/2)"
    rf"(?:\s*(?:-|to|or)\s*(?P<high>{_COUNT_WORD}))?\s*"
    r"(?:tablets?|tabs?|capsules?|caps?|caplets?|gelcaps?|softgels?|pills?|puffs?|sprays?|"
    r"packets?|powders?|sachets?)\b",
    re.IGNORECASE,
)
_EVERY_HOURS = LazyPattern(
    rf"\b(?:every|q)\s*(?P<low>{_NUMBER})(?:\s*(?:-|to)\s*(?P<high>{_NUMBER}))?\s*"
    r"(?:hours?|hrs?|h)\b",
    re.IGNORECASE,
)
_TIMES_A_DAY = LazyPattern(
    rf"(?<![\d./-])(?P<low>{_COUNT_WORD})(?:\s*(?:-|to)\s*(?P<high>{_COUNT_WORD}))?\s*"
    r"(?:times?|x)?\s*(?:a|per|/|each)?\s*(?:day|daily|d)\b",
    re.IGNORECASE,
)
_NAMED_TIMES = [
    (LazyPattern(r"\b(?:qid|qds|four times)\b", re.I), 4.0),
    (LazyPattern(r"\b(?:tid|tds|three times|thrice)\b", re.I), 3.0),
    (LazyPattern(r"\b(?:bid|bd|twice|two times|morning and (?:night|evening))\b", re.I), 2.0),
    (
        LazyPattern(
            r"\b(?:once|qd|od|daily|a day|every day|each day|nightly|at night|at bedtime|"
            r"qhs|nocte|mane|every morning|in the morning|each morning)\b",
            re.I,
        ),
        1.0,
    ),
]
_BARE_COUNT = LazyPattern(
    r"(?<![\d./#-])(?P<low>[1-4]|one|two|three|four|half|1/2)"
    r"(?:\s*(?:-|to|or)\s*(?P<high>[1-4]|one|two|three|four))?\s*$",
    re.IGNORECASE,
)
"""A count of tablets written just before how often, with no word for the unit ('co-codamol
30/500 two four times a day', 'Norco 10/325 2 every 6 hours')."""
_AS_NEEDED = LazyPattern(r"\b(?:prn|as needed|when needed|if needed|as required)\b", re.I)
_OTHER_INTERVAL = LazyPattern(r"\b(?:weekly|a week|per week|monthly|every other day)\b", re.I)
_STRENGTH_GROUP = LazyPattern(
    rf"(?<![\d.])(?P<numbers>{_NUMBER}(?:\s*(?:mg|mcg)?\s*[/-]\s*{_NUMBER})*)\s*"
    r"(?P<unit>mg|milligrams?|mcg/h(?:ou)?r?|mcg|micrograms?(?:/h(?:ou)?r?| an hour| per hour)?|"
    r"µg|ug)?(?![a-z])",
    re.IGNORECASE,
)
_DAILY_MAXIMUM = LazyPattern(
    rf"\b(?:max(?:imum)?(?:\s+of)?|no\s+more\s+than|not\s+more\s+than|up\s+to\s+a\s+max(?:imum)?"
    rf"\s+of|do\s+not\s+exceed|don'?t\s+exceed)\s*(?P<count>{_COUNT_WORD}|seven|eight|ten|twelve)"
    r"\s*(?:tabs?|tablets?|caplets?|caps?|capsules?|doses?|pills?|patches?)?\s*"
    r"(?:/|a|per|in|each|in\s+24\s*h(?:ours?|rs?)?)\s*(?:day|24\s*h(?:ours?|rs?)?|d)?\b",
    re.IGNORECASE,
)
"""A stated most a day ('max 4/day', 'no more than 8 a day'): it wins over the interval."""
_DAILY_MAXIMUM_MG = LazyPattern(
    r"\b(?:max(?:imum)?|no\s+more\s+than|do\s+not\s+exceed|don'?t\s+exceed)\s*"
    r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>g|grams?|mg)\s*(?:of\s+)?(?P<what>[a-z]+)?",
    re.IGNORECASE,
)
"""A stated most of one medicine a day ('do not exceed 3 g acetaminophen per day')."""
_TIMES_OF_DAY = (
    r"(?:in\s+the\s+morning|at\s+lunch(?:time)?|at\s+noon|midday|in\s+the\s+afternoon|"
    r"in\s+the\s+evening|at\s+night|at\s+bedtime|before\s+bed|mane|nocte|am|pm)\b"
)
_UNEVEN_COUNTS = LazyPattern(
    rf"(?<![\d./])(?P<count>{_COUNT_WORD}|half)\s*(?:tabs?|tablets?|caps?|capsules?)?\s*"
    + _TIMES_OF_DAY,
    re.IGNORECASE,
)
"""Tablets at named times ('2 in the morning, 1 at lunch, 2 at bedtime'): they add up."""
_UNEVEN_STRENGTHS = LazyPattern(
    rf"(?<![\d./])(?P<mg>{_NUMBER})\s*mg\s*" + _TIMES_OF_DAY, re.IGNORECASE
)
"""Strengths at named times ('30mg in the morning and 60mg at night'): they add up."""
_ROMAN = LazyPattern(
    r"\b(?P<low>i{1,3}|iv)(?:\s*-\s*(?P<high>i{1,3}|iv))?(?=\s*(?:tabs?|tablets?|caps?))", re.I
)
_HOURLY = LazyPattern(r"\b(?P<hours>\d+|two|three|four|six|eight|twelve)[- ]?hourly\b", re.I)
_FOR_ADDICTION = LazyPattern(
    r"\b(?:(?<!pain\s)clinic|otp|ort|oat|mat|moud|dosed|dosing|witnessed|supervised|"
    r"dispensed\s+daily|maintenance|addiction|opioid\s+use\s+disorder|oud|recovery|"
    r"methadone\s+program(?:me)?|take[- ]?homes?|carries)\b",
    re.IGNORECASE,
)
"""Words that say methadone or buprenorphine treats opioid use disorder: no MME (decision 18)."""
_FOR_PAIN = LazyPattern(r"\bfor\s+(?:the\s+|my\s+)?(?:back\s+|neck\s+)?pain\b", re.I)
_PATCH_COUNT = LazyPattern(r"\b(?P<count>\d|two|three|four)\s+patches\b", re.I)
_LIQUID = LazyPattern(
    r"(?<![a-z])(?:ml|mls|millilit\w*|liquid|solution|syrup|elixir|drops?)\b", re.I
)
_PATCH = LazyPattern(r"\b(?:patch|patches|transdermal)\b", re.I)


@dataclass(frozen=True)
class MmeLine:
    """One opioid of the patient's list, with its MME a day or why there is none."""

    as_typed: str
    generic: str
    mme_per_day: float | None
    working: str
    """'oxycodone 5 mg x 4 a day x 1.5 = 30 MME/day' (with multiplication signs), or
    'oxycodone: not calculated (…)'."""
    at_most: bool = False
    """True when the figure is the most the patient could take ('1-2 tablets every 4-6 hours')."""


@dataclass(frozen=True)
class MmeEstimate:
    """The MME a day of every opioid taken, and what CDC 2022 says about the total."""

    lines: tuple[MmeLine, ...]
    threshold: float
    source: str

    @property
    def total(self) -> float | None:
        """The sum of every calculated line (None when none could be calculated)."""
        values = [line.mme_per_day for line in self.lines if line.mme_per_day is not None]
        return round(sum(values), 1) if values else None

    @property
    def complete(self) -> bool:
        """True when every opioid taken was calculated."""
        return all(line.mme_per_day is not None for line in self.lines)

    def total_text(self) -> str:
        """The total in words a clinician reads at a glance."""
        total = self.total
        if total is None:
            return "Total MME/day: not calculated (see each line)."
        missing = sum(1 for line in self.lines if line.mme_per_day is None)
        text = f"Total: {number(total)} MME/day"
        if missing:
            text += f" or more ({missing} opioid{'s' if missing > 1 else ''} not calculated)"
        elif any(line.at_most for line in self.lines):
            text += " at most"
        return text + "."

    def threshold_text(self) -> str:
        """CDC 2022's 50 MME/day point, noted whatever the total."""
        limit = number(self.threshold)
        if self.total is not None and self.total >= self.threshold:
            return (
                f"At or above {limit} MME/day: CDC 2022 asks clinicians to pause and weigh "
                "benefits and risks before any further increase."
            )
        return (
            f"CDC 2022 asks clinicians to pause and weigh benefits and risks before raising a "
            f"dose to {limit} MME/day or more."
        )

    def caveat_text(self) -> str:
        """CDC's own caveats, which travel with the figure."""
        text = (
            "An estimate of exposure from CDC 2022 factors; not for converting one opioid "
            "to another."
        )
        if any(line.generic == "methadone" for line in self.lines):
            text += " Methadone's factor varies with dose."
        return text


def estimate_mme(matches: list[MedicineMatch], index: MedicineIndex) -> MmeEstimate | None:
    """The MME a day of every opioid the patient takes (None when no opioid is taken)."""
    lines: list[MmeLine] = []
    for match in matches:
        if not match.taking:
            continue
        for generic in match.generic_names:
            if "opioid" in index.medicines[generic].classes:
                lines.append(_line(match, generic, index))
        if not match.generic_names and "opioid" in match.classes:  # 'hydrocodeine'
            lines.append(
                _not_calculated(
                    match, "opioid", f"the name could be {match.matched_name}: which is not clear"
                )
            )
    if not lines:
        return None
    return MmeEstimate(lines=tuple(lines), threshold=index.mme.threshold, source=index.mme.source)


@dataclass(frozen=True)
class DoseLine:
    """One product of the patient's list, with the mg a day of one medicine in it, or why not."""

    as_typed: str
    per_day: float | None
    working: str
    at_most: bool = False


@dataclass(frozen=True)
class DailyTotal:
    """One medicine added up across every product that holds it (acetaminophen, decision 18)."""

    generic: str
    lines: tuple[DoseLine, ...]
    limit: float
    """The most a day the label allows for most adults (mg)."""
    lower_limit: float
    """The lower limit for older adults, liver disease or heavy drinking (mg)."""
    source: str = ""

    @property
    def total(self) -> float | None:
        """The sum of every calculated line (None when none could be calculated)."""
        values = [line.per_day for line in self.lines if line.per_day is not None]
        return round(sum(values), 1) if values else None

    @property
    def complete(self) -> bool:
        """True when every product was calculated."""
        return all(line.per_day is not None for line in self.lines)

    def total_text(self) -> str:
        """The total in words: 'Total: 4,000 mg/day.' or what could not be added."""
        total = self.total
        if total is None:
            return f"Total {self.generic}: not calculated (see each line)."
        missing = sum(1 for line in self.lines if line.per_day is None)
        text = f"Total {self.generic}: {total:,.0f} mg/day"
        if missing:
            text += f" or more ({missing} product{'s' if missing > 1 else ''} not calculated)"
        elif any(line.at_most for line in self.lines):
            text += " at most"
        return text + "."

    def limit_text(self) -> str:
        """The limits, noted whatever the total."""
        return (
            f"Limit {self.limit:,.0f} mg/day ({self.lower_limit:,.0f} over 65, liver disease or "
            "3+ drinks a day)."
        )


def daily_total(
    matches: list[MedicineMatch], index: MedicineIndex, generic: str = "acetaminophen"
) -> DailyTotal | None:
    """The mg a day of one medicine across every product taken (None when none holds it)."""
    lines: list[DoseLine] = []
    for match in matches:
        if not match.taking or generic not in match.generic_names:
            continue
        daily = _daily(match, generic, index)
        if isinstance(daily, str):
            lines.append(DoseLine(match.as_typed, None, f"{generic}: not calculated ({daily})"))
            continue
        amount = round(daily.strength * daily.units_a_day, 1)
        working = f" {TIMES} ".join(daily.steps(generic)) + f" = {amount:,.0f} mg/day"
        if daily.at_most:
            working += " (the most the directions allow)"
        lines.append(DoseLine(match.as_typed, amount, working, at_most=daily.at_most))
    if not lines:
        return None
    limit, lower = index.mme.acetaminophen_limits
    return DailyTotal(generic, tuple(lines), limit, lower, index.mme.acetaminophen_source)


LOW_DOSE_ASPIRIN = LazyPattern(r"\b(?:low[- ]dose|baby|mini|junior)\b", re.IGNORECASE)


def dose_classes(match: MedicineMatch, index: MedicineIndex) -> tuple[str, ...]:
    """Classes one entry has because of its dose or product (decision 17).

    Aspirin at pain doses (300 mg and up, and products made for pain such as Excedrin, BC and
    Goody's) is also an NSAID; 75-81 mg ('low dose', 'baby') is an antiplatelet only. Aspirin
    whose dose is not given is read the safer way, as a possible NSAID.
    """
    if "aspirin" not in match.generic_names or not match.taking:
        return ()
    if any(name in index.aspirin_products["pain"] for name in match.names):
        return ("nsaid",)
    if LOW_DOSE_ASPIRIN.search(match.as_typed) or any(
        name in index.aspirin_products["low"] for name in match.names
    ):
        return ()
    strength = _strength(match, "aspirin", match.dose_text or match.as_typed, index)
    if isinstance(strength, str):  # 'aspirin 81 daily': a bare number of a known strength
        bare = [float(n) for n in re.findall(r"(?<![\d./])(\d{2,4})(?![\d./])", match.as_typed)]
        known = [n for n in bare if 75 <= n <= 100 or 300 <= n <= 1000]
        strength = known[0] if len(known) == 1 else strength
    if isinstance(strength, float):
        return ("nsaid",) if strength >= 300 else ()
    return ("nsaid",)


def number(value: float) -> str:
    """30.0 → '30', 37.5 → '37.5', 0.15 → '0.15'."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _not_calculated(match: MedicineMatch, generic: str, reason: str) -> MmeLine:
    return MmeLine(match.as_typed, generic, None, f"{generic}: not calculated ({reason})")


class _Daily(NamedTuple):
    """One medicine of one entry: its strength and how many a day, as written."""

    strength: float
    units: float
    units_most: float
    per_day: float
    per_day_most: float
    as_needed: bool
    cap: float | None = None
    """The most tablets a day the directions allow, when they say so ('max 4/day')."""

    @property
    def units_a_day(self) -> float:
        """Tablets a day at most: the dose times how often, or the stated maximum if lower."""
        units = self.units_most * self.per_day_most
        return min(units, self.cap) if self.cap is not None else units

    @property
    def at_most(self) -> bool:
        """True when the directions give a range and the most is used."""
        return self.units_most != self.units or self.per_day_most != self.per_day or self.as_needed

    def steps(self, generic: str) -> list[str]:
        """'oxycodone 5 mg', '2 per dose', '4 a day' (the working before any factor)."""
        steps = [f"{generic} {number(self.strength)} mg"]
        if self.cap is not None and self.cap < self.units_most * self.per_day_most:
            return [*steps, f"{number(self.cap)} a day (the stated most)"]
        if self.units_most != 1:
            steps.append(f"{number(self.units_most)} per dose")
        steps.append(f"{number(self.per_day_most)} a day")
        return steps


def _daily(match: MedicineMatch, generic: str, index: MedicineIndex) -> _Daily | str:
    """How much of one medicine an entry says is taken a day, or why that is not clear."""
    text = _plain_directions(match.dose_text or match.as_typed)
    as_needed = bool(_AS_NEEDED.search(text))
    uneven = _uneven(text)
    if uneven is not None:
        return uneven if isinstance(uneven, str) else uneven._replace(as_needed=as_needed)
    text, cap = _daily_maximum(text)
    if _LIQUID.search(text):
        per_ml = next(
            (
                index.mme.per_ml[name][generic]
                for name in match.names
                if generic in index.mme.per_ml.get(name, {})
            ),
            None,
        )
        return _liquid(text, as_needed, per_ml)
    remaining, per_day, per_day_most, how_often = _how_often(text)
    if per_day is None:
        return how_often
    remaining, units, units_most = _units_per_dose(remaining)
    strength = _strength(match, generic, remaining, index)
    if (
        isinstance(strength, str)
        and strength.endswith("comes in")
        and per_day_most == 1.0
        and generic in index.mme.daily_doses
    ):
        # 'methadone 90mg daily': more than any one tablet, taken once a day: the day's dose
        day = re.search(rf"(?<![\d.])({_NUMBER})\s*(?:mg|milligrams?)\b", remaining, re.I)
        if day and units_most == 1.0:
            return _Daily(float(day.group(1)), 1.0, 1.0, 1.0, 1.0, as_needed)
    if isinstance(strength, str):
        return strength
    if isinstance(cap, tuple):  # 'do not exceed 3 g acetaminophen': as tablets of this product
        amount, what = cap
        other = _strength(match, what, remaining, index) if what in match.generic_names else None
        cap = amount // other if isinstance(other, float) and other else None
    return _Daily(strength, units, units_most, per_day, per_day_most, as_needed, cap)


def _grams(found: re.Match[str]) -> str:
    return f"{number(float(found.group(1)) * 1000)} mg"


def _every_hours(found: re.Match[str]) -> str:
    high = found.group("high")
    return f"every {found.group('low')}{'-' + high if high else ''} hours"


_SPANISH_DIRECTIONS: tuple[tuple[LazyPattern, str | Callable[[re.Match[str]], str]], ...] = tuple(
    (LazyPattern(pattern, re.IGNORECASE), english)
    for pattern, english in (
        # strengths: a decimal comma ('37,5 mg', '0,25 mg'), grams ('Tafirol 1 g'), Spanish units
        (r"(?<=\d),(?=\d{1,2}\s*(?:mg|mcg|µg|ug|g|ml|/))", "."),
        (r"(?<![\d./])(\d+(?:\.\d+)?)\s*(?:g|gr|grs|grams?|gramos?)\b(?!\s*/)", _grams),
        (r"\bmiligramos?\b", "mg"),
        (r"\bmicrogramos?\b", "mcg"),
        (r"(?<=mcg)\s*(?:/\s*|por\s+)hora\b", "/hr"),
        (r"\bmililitros?\b", "ml"),
        # how long, which says nothing about how much a day ('por 5 días')
        (r"\b(?:por|durante)\s+\d+\s+(?:d[ií]as|semanas|meses)\b", " "),
        # not every day
        (
            r"\bcada\s+tercer\s+d[ií]a\b|\bd[ií]a\s+(?:de\s+)?por\s+medio\b|"
            r"\bun\s+d[ií]a\s+s[ií]\s+y\s+(?:otro|un\s+d[ií]a)\s+no\b",
            "every other day",
        ),
        (r"\b(?:cada|a\s+la|por)\s+semana\b|\bsemanal(?:mente)?\b", "weekly"),
        (r"\b(?:cada|al|por)\s+mes\b|\bmensual(?:mente)?\b", "monthly"),
        # times of day
        (
            r"\b(?:(?:en|por)\s+la\s+)?ma[ñn]ana\s+y\s+(?:(?:en|por)\s+la\s+)?noche\b",
            "morning and night",
        ),
        (
            r"\b(?:cada|todas\s+las)\s+ma[ñn]anas?\b|\b(?:en|por)\s+las?\s+ma[ñn]anas?\b|"
            r"\bal\s+(?:despertar|levantarse)\b|\ben\s+ayunas\b",
            "in the morning",
        ),
        (r"\bal\s+mediod[ií]a\b", "at noon"),
        (r"\b(?:en|por)\s+las?\s+tardes?\b", "in the afternoon"),
        (
            r"\b(?:cada|todas\s+las)\s+noches?\b|\b(?:en|por)\s+las?\s+noches?\b|"
            r"\bantes\s+de\s+(?:dormir|acostarse)\b|\bal\s+acostarse\b",
            "at night",
        ),
        # how often
        (
            r"\bc\s*/\s*(?P<low>\d+)(?:\s*(?:-|a)\s*(?P<high>\d+))?\s*(?:h|hr|hrs|horas?)?\b",
            _every_hours,
        ),
        (r"\b(?:una|1)\s+vez\s+(?:al|por|cada)\s+d[ií]a\b|\buna\s+vez\s+diari[ao]\b", "once a day"),
        (r"\btodos\s+los\s+d[ií]as\b|\bcada\s+d[ií]a\b", "every day"),
        (r"\b(?:al|por|cada|x|a\s+el)\s+d[ií]a\b", "a day"),
        (r"\ben\s+24\s*(?:horas|hrs?|h)\b", "in 24 hours"),
        (r"\bdiari(?:o|a|os|as|amente)\b", "daily"),
        (r"\bcada\b", "every"),
        (r"\bhoras?\b", "hours"),
        (r"\bveces\b", "times"),
        (r"\bvez\b", "time"),
        (r"(?<=\d)\s+a\s+(?=\d)", "-"),
        (r"(?<=\d)\s+o\s+(?=\d)", " or "),
        # how much at most
        (r"\bno\s+(?:tomar\s+|tome\s+|tomo\s+|usar\s+)?m[aá]s\s+de\b", "no more than"),
        (r"\b(?:sin|no)\s+exceder(?:\s+de)?\b", "do not exceed"),
        (r"\bm[aá]x(?:imo)?(?:\s+de)?(?!\w)", "max"),
        (r"\bhasta\b", "up to"),
        (r"\bde\s+(?=paracetamol|acetaminof)", "of "),
        (r"\bacetaminof[eé]no?\b", "acetaminophen"),
        # when needed
        (
            r"\bsi\s+(?:hay|tiene|tengo|hubiera)\s+dolor\b|"
            r"\ben\s+caso\s+de\s+(?:dolor|necesidad)\b|"
            r"\bseg[uú]n\s+(?:sea\s+)?necesari[oa]\b|\bcuando\s+(?:sea\s+necesario|lo\s+necesit\w+|"
            r"(?:hay|tengo)\s+dolor|me\s+duele\w*)|\bpor\s+raz[oó]n\s+necesaria\b|"
            r"\bsi\s+(?:es\s+necesario|lo\s+necesit\w+)|\ben\s+caso\s+necesario\b",
            "as needed",
        ),
        # forms and counts
        (r"\b(?:tabletas?|comprimidos?|c[aá]psulas?|pastillas?|grageas?)(?!\w)", "tablets"),
        (r"\bsobres?\b", "sachets"),
        (r"\bparches\b", "patches"),
        (r"\bparche\b", "patch"),
        (r"\bgotas\b", "drops"),
        (r"\bjarabe\b", "syrup"),
        (r"\b(?:soluci[oó]n|suspensión)(?!\w)", "liquid"),  # not English 'suspension'
        (r"\b(?:una|uno|un)\b", "one"),
        (r"\bdos\b", "two"),
        (r"\btres\b", "three"),
        (r"\bcuatro\b", "four"),
        (r"\bcinco\b", "five"),
        (r"\bseis\b", "six"),
        (r"\bocho\b", "eight"),
        (r"\bdiez\b", "ten"),
        (r"\bdoce\b", "twelve"),
        (r"\bmedi[ao]\b", "half"),
        (r"\b(?:tomar|tome|tomo|toma|tomarse)\b", "take"),
        # what it is for (methadone for pain or for opioid use disorder)
        (r"\bpara\s+(?:el\s+|mi\s+)?dolor\b", "for pain"),
        (r"\bcl[ií]nica\s+del?\s+dolor\b", "pain clinic"),
        (r"\bcl[ií]nica\b", "clinic"),
        (r"\badicci[oó]n\b", "addiction"),
        (r"\bmantenimiento\b", "maintenance"),
        (r"\bprograma\s+de\s+metadona\b", "methadone program"),
    )
)
"""Directions written in Spanish, in the English the dose reader reads (issue 27): 'TOMAR 1
TABLETA CADA 8 HORAS' is 'take 1 tablets every 8 hours', 'dos veces al día' 'two times a day',
'c/8h' 'every 8 hours', '1 a 2 tabletas' '1-2 tablets', 'si hay dolor' 'as needed'. Words of
neither language are left as they are, so an English line reads exactly as before."""


def _spanish_directions(text: str) -> str:
    """`text` with its Spanish directions in English (English text is left as it is)."""
    for pattern, english in _SPANISH_DIRECTIONS:
        text = pattern.sub(english, text)
    return text


_MIXED_NUMBER = LazyPattern(
    r"(?<![\d./])(?P<whole>\d+|one|two|three|four)(?:\s+|-)(?:and\s+a\s+half|and\s+half|"
    r"y\s+half|1/2(?![\d/]))|(?<![\d./])(?P<glyph>\d+)?\s*½",
    re.IGNORECASE,
)
"""A count with a half: '1 1/2', '1½', 'one and a half', '1 y media' (after the Spanish is
read: '1 y half'). Without this '1 1/2 tablets' was read as half a tablet."""


def _decimal(found: re.Match[str]) -> str:
    """A mixed number as a decimal ('1 1/2' as '1.5'; '½' alone as 'half')."""
    whole = found.group("whole") or found.group("glyph")
    if whole is None:
        return " half"
    return f"{_count(whole) + 0.5:g}"


def _plain_directions(text: str) -> str:
    """Directions in one form: 'i-ii tabs' as '1-2 tabs', 'four-hourly' as 'every 4 hours'.

    Spanish directions are read in English first ('cada 8 horas' as 'every 8 hours').
    """
    text = _spanish_directions(text)
    text = _MIXED_NUMBER.sub(_decimal, text)
    roman = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}

    def arabic(found: re.Match[str]) -> str:
        low = roman[found.group("low").lower()]
        high = found.group("high")
        return low + (f"-{roman[high.lower()]}" if high else "")

    text = _ROMAN.sub(arabic, text)
    return _HOURLY.sub(lambda m: f"every {_count(m.group('hours'))} hours", text)


def _daily_maximum(text: str) -> tuple[str, float | tuple[float, str] | None]:
    """The text without a stated most a day, and that most (tablets, or mg of one medicine)."""
    if found := _DAILY_MAXIMUM.search(text):
        return text[: found.start()] + " " + text[found.end() :], _count(found.group("count"))
    if found := _DAILY_MAXIMUM_MG.search(text):
        amount = float(found.group("amount")) * (1 if found.group("unit").lower() == "mg" else 1000)
        what = (found.group("what") or "").lower()
        what = "acetaminophen" if what in ("paracetamol", "apap", "tylenol") else what
        return text[: found.start()] + " " + text[found.end() :], (amount, what)
    return text, None


def _uneven(text: str) -> _Daily | str | None:
    """Doses that differ by time of day, added up; None when the directions are not of that kind.

    '2 in the morning, 1 at lunch, 2 at bedtime' is 5 tablets a day; '30mg in the morning and 60mg
    at night' is 90 mg a day.
    """
    strengths = list(_UNEVEN_STRENGTHS.finditer(text))
    if len(strengths) >= 2:
        total = sum(float(m.group("mg")) for m in strengths)
        return _Daily(total, 1.0, 1.0, 1.0, 1.0, False)
    counts = list(_UNEVEN_COUNTS.finditer(text))
    if len(counts) < 2:
        return None
    units = sum(_count(m.group("count")) for m in counts)
    rest = text
    for found in reversed(counts):
        rest = rest[: found.start()] + " " + rest[found.end() :]
    strengths_left = [
        g for g in _STRENGTH_GROUP.finditer(rest) if g.group("unit") or "/" in g.group("numbers")
    ]
    if len(strengths_left) != 1 or not (strengths_left[0].group("unit") or "mg").lower().startswith(
        "mg"
    ):
        return "the strength of each tablet is not clear"
    numbers = re.findall(_NUMBER, strengths_left[0].group("numbers"))
    if len(numbers) != 1:
        return "the strength of each tablet is not clear"
    return _Daily(float(numbers[0]), 1.0, 1.0, units, units, False)


def _liquid(text: str, as_needed: bool, known: float | None = None) -> _Daily | str:
    """A liquid's mg a dose, or why it is not clear.

    From its strength (mg per mL, typed or known for the product) and the mL of each dose.
    """
    strength = re.search(
        rf"(?P<mg>{_NUMBER})\s*mg\s*(?:/|per|in)\s*(?P<ml>{_NUMBER})?\s*ml\b", text, re.I
    )
    if strength is None and known is None:
        return "a liquid: its strength in mg per mL is not given"
    rest = text if strength is None else text[: strength.start()] + " " + text[strength.end() :]
    volume = re.search(
        rf"(?<![\d./])(?P<low>{_NUMBER})(?:\s*(?:-|to)\s*(?P<high>{_NUMBER}))?\s*(?:ml|mls)\b",
        rest,
        re.I,
    )
    if volume is None:
        return "a liquid: the amount of each dose is not clear"
    per_ml = (
        float(strength.group("mg")) / float(strength.group("ml") or 1)
        if strength is not None
        else float(known or 0)
    )
    rest = rest[: volume.start()] + " " + rest[volume.end() :]
    _, per_day, per_day_most, how_often = _how_often(rest)
    if per_day is None:
        return how_often
    low = float(volume.group("low")) * per_ml
    high = float(volume.group("high") or volume.group("low")) * per_ml
    return _Daily(high, 1.0, 1.0, per_day, per_day_most, as_needed or low != high)


def _line(match: MedicineMatch, generic: str, index: MedicineIndex) -> MmeLine:
    data = index.mme
    typed = match.dose_text or match.as_typed
    text = _plain_directions(typed)
    patch = bool(_PATCH.search(text)) or any(name in data.patches for name in match.names)
    if generic in data.per_mcg_hour:
        if not patch:
            return _not_calculated(
                match, generic, "the CDC factor is for patches; this does not say it is a patch"
            )
        return _patch_line(match, generic, index)
    factor = data.factors.get(generic)
    if "opioid_use_disorder_medicine" in index.medicines[generic].classes:
        addiction = _FOR_ADDICTION.search(text) and not _FOR_PAIN.search(text)
        if addiction or any(n in _OUD_PRODUCTS for n in match.names):
            return _not_calculated(
                match, generic, "treatment for opioid use disorder: CDC gives no MME for it"
            )
        if generic == "methadone" and not _FOR_PAIN.search(text):
            _, per_day, _, _ = _how_often(text)
            if per_day == 1.0:
                return _not_calculated(
                    match, generic,
                    "once-daily methadone is usually treatment for opioid use disorder; "
                    "calculated only when it says it is for pain",
                )  # fmt: skip
    if factor is None:
        return _not_calculated(match, generic, "no CDC 2022 conversion factor")
    daily = _daily(match, generic, index)
    if isinstance(daily, str):
        return _not_calculated(match, generic, daily)
    mme = round(daily.strength * daily.units_a_day * factor, 1)
    working = f" {TIMES} ".join([*daily.steps(generic), number(factor)])
    working += f" = {number(mme)} MME/day"
    if daily.at_most:
        working += " (the most the directions allow)"
    return MmeLine(typed, generic, mme, working, at_most=daily.at_most)


def _patch_line(match: MedicineMatch, generic: str, index: MedicineIndex) -> MmeLine:
    text = _EVERY_HOURS.sub(
        " ", _plain_directions(match.dose_text or match.as_typed)
    )  # 'every 72 hours' is when it is changed
    text = re.sub(r"\bevery\s+\d+\s+days?\b", " ", text, flags=re.IGNORECASE)
    found = [
        m
        for m in _STRENGTH_GROUP.finditer(text)
        if "/" not in m.group("numbers") and "-" not in m.group("numbers")
    ]
    rates = [
        float(m.group("numbers"))
        for m in found
        if (m.group("unit") or "").lower().startswith(("mcg", "micro", "µg", "ug"))
        or not m.group("unit")
    ]
    rates = [rate for rate in rates if _in_range(rate, generic, index)]
    if len(set(rates)) != 1:
        return _not_calculated(
            match, generic, "the patch strength in mcg/hour is not clear" if not rates else
            "more than one strength"
        )  # fmt: skip
    rate = rates[0]
    factor = index.mme.per_mcg_hour[generic]
    count = _PATCH_COUNT.search(text)  # 'wearing 2 patches'
    patches = _count(count.group("count")) if count else 1.0
    mme = round(rate * patches * factor, 1)
    worn = f" {TIMES} {number(patches)} patches" if patches != 1 else ""
    working = (
        f"{generic} patch {number(rate)} mcg/hour{worn} {TIMES} {number(factor)} = "
        f"{number(mme)} MME/day"
    )
    return MmeLine(match.as_typed, generic, mme, working)


def _how_often(text: str) -> tuple[str, float | None, float, str]:
    """(text without the frequency, doses a day, the most a day, why unclear when None).

    A bare count just before the frequency ('two four times a day') is kept as 'N tablets', so
    it is read as the tablets of each dose.
    """
    if _OTHER_INTERVAL.search(text):
        return text, None, 0.0, "not taken every day in a way we can count"
    if found := _EVERY_HOURS.search(text):
        low = float(found.group("low"))
        high = float(found.group("high") or low)
        if min(low, high) <= 0 or 24 % min(low, high):
            return text, None, 0.0, "how often it is taken is not clear"
        remaining = _cut(text, found.start(), found.end())
        return remaining, 24 / max(low, high), 24 / min(low, high), ""
    if found := re.search(r"\bup to\s+" + _TIMES_A_DAY.pattern, text, re.IGNORECASE):
        most = _count(found.group("high") or found.group("low"))
        remaining = _cut(text, found.start(), found.end())
        return remaining, 1.0, most, ""
    if found := _TIMES_A_DAY.search(text):
        low = _count(found.group("low"))
        high = _count(found.group("high") or found.group("low"))
        if not 0 < low <= high <= 24:
            return text, None, 0.0, "how often it is taken is not clear"
        remaining = _cut(text, found.start(), found.end())
        return remaining, low, high, ""
    for pattern, times in _NAMED_TIMES:
        if found := pattern.search(text):
            remaining = _cut(text, found.start(), found.end())
            return remaining, times, times, ""
    if _AS_NEEDED.search(text):
        return text, None, 0.0, "taken as needed, and how often is not given"
    return text, None, 0.0, "how often it is taken is not given"


def _cut(text: str, start: int, end: int) -> str:
    """The text without the frequency at [start, end); a bare count before it becomes tablets."""
    before = text[:start]
    bare = _BARE_COUNT.search(before)
    # only after a strength or 'take': 'Tylenol 3 twice a day' names the product, not 3 tablets
    if bare and re.search(r"(?:\d\s*(?:mg|g)?|\btakes?)\s*$", before[: bare.start()], re.I):
        before = before[: bare.start()] + " " + bare.group(0).strip() + " tablets"
    return before + " " + text[end:]


def _units_per_dose(text: str) -> tuple[str, float, float]:
    """(text without the count, tablets a dose, the most tablets a dose): one when not given."""
    found = _UNITS_PER_DOSE.search(text)
    if not found:
        return text, 1.0, 1.0
    low = _count(found.group("low"))
    high = _count(found.group("high") or found.group("low"))
    return text[: found.start()] + " " + text[found.end() :], low, high


def _count(word: str) -> float:
    word = word.lower().strip()
    if word.startswith("half") or word == "1/2":
        return 0.5
    return _WORD_NUMBERS.get(word) or float(word)


def _strength(match: MedicineMatch, generic: str, text: str, index: MedicineIndex) -> float | str:
    """The opioid's mg in one tablet, or why it is not clear."""
    groups = list(_STRENGTH_GROUP.finditer(text))
    groups = [g for g in groups if g.group("unit") or re.search(r"[/-]", g.group("numbers"))]
    if not groups:
        for name in match.names:  # 'Tylenol #3': the name gives the strength
            fixed = index.mme.fixed_strengths.get(name, {})
            if generic in fixed:
                return fixed[generic]
        for words, strength in index.mme.strength_words.get(generic, {}).items():
            if re.search(rf"\b{re.escape(words)}\b", text, re.I):  # 'Tylenol Extra Strength'
                return strength
        standard = index.mme.bare_strengths.get(generic, ())
        bare_numbers = [float(n) for n in re.findall(r"(?<![\w.])(\d+)(?![\w.])", text)]
        if len(bare_numbers) == 1 and bare_numbers[0] in standard:  # 'Tylenol 500'
            return bare_numbers[0]
        bare = re.search(r"(?<![\w.])\d", text)
        return "the strength has no unit such as mg" if bare else "the strength is not given"
    if len(groups) > 1:
        # 'Tylenol #3 (codeine 30 mg / acetaminophen 300 mg)': each number fits one component
        return _one_strength_of_many(match, generic, groups, index)
    group = groups[0]
    unit = (group.group("unit") or "mg").lower()
    if not unit.startswith(("mg", "milligram")):
        return "the strength is not in mg"
    numbers = [float(n) for n in re.findall(_NUMBER, group.group("numbers"))]
    components = [g for name in match.names for g in index.names[name]]
    components = list(dict.fromkeys(components))
    others = [c for c in components if c != generic]
    fits = [
        n
        for n in numbers
        if _in_range(n, generic, index) and not any(_in_range(n, other, index) for other in others)
    ]
    if len(fits) == 1:
        return fits[0]
    if len(numbers) == len(components) and _in_range(
        numbers[components.index(generic)], generic, index
    ):
        return numbers[components.index(generic)]
    if len(numbers) == 1 and not _in_range(numbers[0], generic, index):
        return f"{number(numbers[0])} mg is not a strength {generic} comes in"
    return f"which number is the {generic} strength is not clear"


def _one_strength_of_many(
    match: MedicineMatch, generic: str, groups: list[re.Match[str]], index: MedicineIndex
) -> float | str:
    """The one number of several strengths that can only be this medicine's, or why not."""
    if any(not (g.group("unit") or "mg").lower().startswith(("mg", "milligram")) for g in groups):
        return "more than one strength"
    numbers = {float(n) for g in groups for n in re.findall(_NUMBER, g.group("numbers"))}
    others = [c for name in match.names for c in index.names[name] if c != generic]
    fits = [
        n
        for n in numbers
        if _in_range(n, generic, index) and not any(_in_range(n, other, index) for other in others)
    ]
    return fits[0] if len(fits) == 1 and others else "more than one strength"


def _in_range(value: float, generic: str, index: MedicineIndex) -> bool:
    low, high = index.mme.unit_strengths.get(generic, (0.0, float("inf")))
    return low <= value <= high
