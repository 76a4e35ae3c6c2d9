"""Recognise medicines as patients type them (brand or generic, with doses) from a data file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from spinecheck.errors import SpinecheckError

_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?)*\s*"
    r"(?:mg|mcg|µg|ug|g|ml|mls|%|units?|iu|mcg/h|mcg/hr|micrograms?|milligrams?)?\b",
    re.IGNORECASE,
)
_NOISE = {
    # forms and release types
    "er", "xr", "sr", "cr", "la", "ir", "xl", "dr", "ec", "od", "mr", "pr", "cd", "xt",
    "tablet", "tablets", "tab", "tabs", "capsule", "capsules", "cap", "caps", "pill", "pills",
    "patch", "patches", "gel", "cream", "ointment", "spray", "nasal", "liquid", "syrup",
    "solution", "injection", "inj", "drops", "lozenge", "film", "sublingual", "oral", "topical",
    "extended", "release", "immediate", "controlled", "modified", "delayed", "slow",
    # how often and how much
    "once", "twice", "three", "four", "times", "a", "an", "per", "day", "daily", "days", "week",
    "weekly", "night", "nightly", "morning", "evening", "bedtime", "at", "as", "needed", "prn",
    "bid", "tid", "qid", "qd", "qhs", "every", "hours", "hour", "h", "hrs", "x", "of", "and",
    "with", "for", "when", "take", "takes", "taking", "mg", "mcg", "ml", "dose", "doses",
    "up", "to", "or", "the", "my", "in", "on", "each", "side", "pain", "strength", "extra",
    "maximum", "max", "regular", "generic", "brand", "otc",
}  # fmt: skip


class Medicine(NamedTuple):
    """One generic medicine and what it is."""

    generic: str
    classes: tuple[str, ...]


class MedicineMatch(NamedTuple):
    """What one line of the patient's medicine list was recognised as."""

    as_typed: str
    recognized: bool
    generic_names: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    matched_name: str | None = None
    """The brand or generic name found in the text."""
    fuzzy: bool = False
    """True when the name was recognised despite a spelling slip ('oxycodon' as 'oxycodone')."""
    taking: bool = True
    """False for an entry that says it is not taken ('allergic to codeine', 'stopped tramadol'):
    it is kept and shown, but never counted as taken."""


@dataclass
class MedicineIndex:
    """Names (generic and brand) mapped to the generic medicines they contain."""

    class_labels: dict[str, str] = field(default_factory=dict)
    medicines: dict[str, Medicine] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Normalised name → generic names."""
    display: dict[str, str] = field(default_factory=dict)
    """Normalised name → the name as written in the data file (for autocomplete)."""
    _matched: dict[str, MedicineMatch] = field(default_factory=dict, repr=False)

    @cached_property
    def _shapes(self) -> list[tuple[str, int, frozenset[str]]]:
        """Each name's length and letters, for ruling names out before fuzzy matching."""
        return [(name, len(name), frozenset(name)) for name in self.names]

    @cached_property
    def longest_name(self) -> int:
        """The most words in one known name (matching tries longer phrases first)."""
        return max((len(name.split()) for name in self.names), default=1)

    def match(self, typed: str) -> MedicineMatch:
        """Recognise one entry such as 'Percocet 5/325 twice a day' (remembered per text)."""
        known = self._matched.get(typed)
        if known is None:
            known = self._matched[typed] = self._match(typed)
        return known

    def _match(self, typed: str) -> MedicineMatch:
        """Every medicine an entry names ('Norco and Valium' is two), or the closest one."""
        words = _split_glued(normalise(typed).split())
        found: list[str] = []
        start = 0
        while start < len(words):
            name = self._name_at(words, start)
            if name is None:
                start += 1
                continue
            found.append(name)
            start += len(name.split())
        taking = not _NOT_TAKEN.search(typed)
        if found:
            return self._found(typed, found, taking=taking)
        for size in (2, 1):
            for begin in range(len(words) - size + 1):
                candidate = " ".join(words[begin : begin + size])
                if size == 1 and candidate in _ordinary_words():
                    continue  # an ordinary word is never read as a medicine
                close = self._close_name(candidate)
                if close is not None:
                    return self._found(typed, [close], fuzzy=True, taking=taking)
        return MedicineMatch(as_typed=typed, recognized=False, taking=taking)

    def _name_at(self, words: list[str], start: int) -> str | None:
        """The longest known name starting at `words[start]` (a hyphenated pair counts too)."""
        for size in range(min(self.longest_name, len(words) - start), 0, -1):
            candidate = " ".join(words[start : start + size])
            if candidate in self.names:
                return candidate
        return None

    def _close_name(self, candidate: str) -> str | None:
        """The one known name within a small spelling slip of `candidate`, if it is unambiguous.

        Short words are never guessed (one letter turns 'some' into 'soma'); a slip may not be
        read as a name whose medicines differ from another equally close name's.
        """
        letters = len(candidate.replace(" ", ""))
        if letters < 5:
            return None
        allowed = 1 if letters < 8 else 2
        # Cheap exact bounds first, so most names never reach the fuzzy matcher: an edit changes
        # the length by at most 1, the set of letters by at most 2 and the letter counts by at
        # most 2 (a swap of neighbours changes none of them).
        size = len(candidate)
        letters_used = frozenset(candidate)
        bag = Counter(candidate)
        possible = [
            name
            for name, length, used in self._shapes
            if abs(length - size) <= allowed
            and len(used ^ letters_used) <= 2 * allowed
            and _count_edits(bag, Counter(name)) <= allowed
        ]
        if not possible:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        found = process.extract(
            candidate,
            possible,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=allowed,
            limit=10,
        )
        if not found:
            return None
        best = min(distance for _, distance, _ in found)
        nearest = {name for name, distance, _ in found if distance == best}
        if len({self.names[name] for name in nearest}) > 1:
            return None  # two different medicines are equally close: do not guess
        return sorted(nearest)[0]

    def _found(
        self, typed: str, names: list[str], *, fuzzy: bool = False, taking: bool = True
    ) -> MedicineMatch:
        generics: dict[str, None] = {}
        for name in names:
            generics.update(dict.fromkeys(self.names[name]))
        classes: dict[str, None] = {}
        for generic in generics:
            classes.update(dict.fromkeys(self.medicines[generic].classes))
        return MedicineMatch(
            as_typed=typed,
            recognized=True,
            generic_names=tuple(generics),
            classes=tuple(classes),
            matched_name=", ".join(dict.fromkeys(self.display.get(n, n) for n in names)),
            fuzzy=fuzzy,
            taking=taking,
        )

    def match_all(self, typed: Iterable[str]) -> list[MedicineMatch]:
        """Recognise every entry, keeping the patient's order."""
        return [self.match(entry) for entry in typed]

    def completions(self) -> list[str]:
        """Every brand and generic name, for autocomplete while typing."""
        return sorted(set(self.display.values()), key=str.lower)


_NOT_TAKEN = re.compile(
    r"\b(?:allerg\w*|stopped|stop(?:ped)? taking|no longer|used to|not taking|don'?t take|"
    r"do not take|quit|discontinued|reaction to|intolerant|intolerance|never took)\b",
    re.IGNORECASE,
)
"""Words that say an entry is not (or no longer) taken."""


def _split_glued(words: list[str]) -> list[str]:
    """Split names glued to doses or to each other ('tramadol50', 'hydrocodone-acetaminophen').

    Names with a hyphen of their own, such as co-codamol, stay whole.
    """
    split: list[str] = []
    for word in words:
        glued = re.fullmatch(r"([a-z]{3,})[0-9][0-9a-z./-]*", word)
        if glued and not word.startswith("num"):  # 'num3' is Tylenol #3's number
            split.append(glued.group(1))
        elif "-" in word and not _HYPHENATED_NAME.fullmatch(word):
            split += [part for part in word.split("-") if part and not part.isdigit()]
        else:
            split.append(word)
    return split


_HYPHENATED_NAME = re.compile(r"co-[a-z]+")
"""UK names such as co-codamol and co-dydramol, written with their hyphen."""


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """English words within a spelling slip of a medicine name: never read as one."""
    text = (Path(__file__).resolve().parents[1] / "data" / "ordinary-words.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _count_edits(first: Counter[str], second: Counter[str]) -> int:
    """A lower bound on the edits between two words, from their letter counts alone."""
    return (sum(((first - second) + (second - first)).values()) + 1) // 2


def normalise(text: str) -> str:
    """Lower case, doses, forms and frequencies removed: 'Norco 10/325mg ER' → 'norco'."""
    lowered = _number_names(text.lower())
    lowered = _DOSE.sub(" ", lowered)
    lowered = re.sub(r"[^\w\s'-]", " ", lowered)
    words = [w.strip("'-") for w in lowered.split()]
    return " ".join(w for w in words if w and w not in _NOISE and not w.isdigit())


def _number_names(text: str) -> str:
    """Keep the number of products named by number ('Tylenol #3', 'Tylenol 3') as a word."""
    text = re.sub(r"(?:#|\bno\.?)\s*(\d)\b", r" num\1 ", text)
    return re.sub(
        r"(?<=[a-z])\s+([1-4])(?=\s*$|\s+(?!times\b|x\b|tab|pill|cap|a\s+day|daily|per\b)[a-z])",
        r" num\1",
        text,
    )


def _name_key(name: str) -> str:
    """Data-file names are normalised like typed text, but keep their digits ('tylenol 3')."""
    lowered = re.sub(r"[^\w\s'-]", " ", _number_names(name.lower()))
    return " ".join(lowered.split())


def build_index(data: Any, label: str = "medicines.yaml") -> MedicineIndex:
    """Build the index from the data file's structure (classes, medicines, combinations)."""
    if not isinstance(data, dict):
        raise SpinecheckError("expected a mapping", path=label)
    index = MedicineIndex()
    index.class_labels = {str(k): str(v) for k, v in (data.get("classes") or {}).items()}
    for generic, entry in (data.get("medicines") or {}).items():
        classes = tuple(entry.get("classes") or ())
        unknown = [c for c in classes if c not in index.class_labels]
        if unknown:
            raise SpinecheckError(f"{generic}: unknown class {unknown[0]!r}", path=label)
        index.medicines[generic] = Medicine(generic=generic, classes=classes)
        for name in [generic, *(entry.get("names") or ())]:
            _add_name(index, str(name), (generic,))
    for brand, components in (data.get("combinations") or {}).items():
        missing = [c for c in components if c not in index.medicines]
        if missing:
            raise SpinecheckError(f"{brand}: unknown medicine {missing[0]!r}", path=label)
        _add_name(index, str(brand), tuple(components))
    return index


def _add_name(index: MedicineIndex, name: str, generics: tuple[str, ...]) -> None:
    key = _name_key(name)
    if key in index.names:
        index.names[key] = tuple(dict.fromkeys([*index.names[key], *generics]))
    else:
        index.names[key] = generics
    index.display.setdefault(key, name)


@lru_cache(maxsize=1)
def default_index() -> MedicineIndex:
    """The medicine data shipped with spinecheck, read once per run (never remembered on disk)."""
    import yaml

    data_file = Path(__file__).resolve().parents[1] / "data" / "medicines.yaml"
    text = data_file.read_text(encoding="utf-8")
    # Our own file, checked by the tests (duplicates included), so the fast plain loader will do.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        return build_index(loader.get_single_data())
    finally:
        loader.dispose()


_ENTRY_BREAK = re.compile(r"\s*(?:[\n\r;]+|,(?!\d{3}\b)|\s\+\s)\s*")
"""Where one typed or pasted entry holds several medicines: line breaks, semicolons, commas
(not the comma of '1,000 mg') and ' + '."""


def split_entry(text: str) -> list[str]:
    """The medicines one typed or pasted entry names, each as typed ('A, B' gives two)."""
    return [part.strip() for part in _ENTRY_BREAK.split(text) if part.strip()]
