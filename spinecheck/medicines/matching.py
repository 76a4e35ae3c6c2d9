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
    r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?)*\s*"
    r"(?:mg|mcg|µg|ug|g|ml|mls|%|units?|iu|mcg/h|mcg/hr|micrograms?|milligrams?)?\b",
    re.IGNORECASE,
)
_NOISE = {
    # forms and release types
    "er", "xr", "sr", "cr", "la", "ir", "xl", "dr", "ec", "od", "mr", "pr", "cd", "xt", "sa",
    "tablet", "tablets", "tab", "tabs", "capsule", "capsules", "cap", "caps", "pill", "pills",
    "patch", "patches", "gel", "cream", "ointment", "spray", "nasal", "liquid", "syrup",
    "solution", "injection", "inj", "drops", "lozenge", "film", "sublingual", "oral", "topical",
    "extended", "release", "immediate", "controlled", "modified", "delayed", "slow",
    # salts written on pharmacy labels
    "hcl", "hydrochloride", "sulfate", "sulphate", "tartrate", "bitartrate", "citrate",
    "sodium", "phosphate", "besylate", "succinate", "maleate", "mesylate", "hyclate",
    # how often and how much
    "once", "twice", "three", "four", "times", "a", "an", "per", "day", "daily", "days", "week",
    "weekly", "night", "nightly", "morning", "evening", "bedtime", "at", "as", "needed", "prn",
    "bid", "tid", "qid", "qd", "qhs", "every", "hours", "hour", "h", "hrs", "x", "of", "and",
    "with", "w", "for", "when", "take", "takes", "taking", "mg", "mcg", "ml", "dose", "doses",
    "up", "to", "or", "the", "my", "in", "on", "each", "side", "pain", "strength", "extra",
    "maximum", "max", "regular", "generic", "brand", "otc", "one", "two", "half", "bd", "tds",
    "qds", "mane", "nocte", "five", "six", "seven", "eight", "nine", "ten", "twelve", "packet",
    "packets", "sachet", "sachets", "caplet", "caplets", "tablespoon", "teaspoon",
}  # fmt: skip


class Medicine(NamedTuple):
    """One generic medicine and what it is."""

    generic: str
    classes: tuple[str, ...]


class MedicineMatch(NamedTuple):
    """What one medicine of the patient's list was recognised as."""

    as_typed: str
    """The part of the entry that names this medicine ('Valium' of 'Norco and Valium')."""
    recognized: bool
    generic_names: tuple[str, ...] = ()
    """Every generic medicine named, in the order written (a combination gives all its parts)."""
    classes: tuple[str, ...] = ()
    matched_name: str | None = None
    """The brand or generic name found in the text."""
    fuzzy: bool = False
    """True when the name was recognised despite a spelling slip ('oxycodon' as 'oxycodone')."""
    taking: bool = True
    """False for an entry that says it is not taken ('allergic to codeine', 'stopped tramadol'):
    it is kept and shown, but never counted as taken."""
    entry: str = ""
    """The whole entry as the patient typed it, when it named more than this medicine."""
    names: tuple[str, ...] = ()
    """The names found, normalised, in the order written (for reading each one's strength)."""


@dataclass
class MmeData:
    """Morphine milligram equivalent conversion data (CDC 2022, clinical-reference §6.0)."""

    source: str = ""
    threshold: float = 50
    factors: dict[str, float] = field(default_factory=dict)
    per_mcg_hour: dict[str, float] = field(default_factory=dict)
    patches: frozenset[str] = frozenset()
    unit_strengths: dict[str, tuple[float, float]] = field(default_factory=dict)
    fixed_strengths: dict[str, dict[str, float]] = field(default_factory=dict)
    acetaminophen_source: str = ""
    """The source of the acetaminophen limits (decision 18)."""
    acetaminophen_limits: tuple[float, float] = (4000.0, 3000.0)
    """The most mg a day for most adults, and for older adults, liver disease or heavy drinking."""


@dataclass
class MedicineIndex:
    """Names (generic and brand) mapped to the generic medicines they contain."""

    class_labels: dict[str, str] = field(default_factory=dict)
    medicines: dict[str, Medicine] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Normalised name → generic names."""
    display: dict[str, str] = field(default_factory=dict)
    """Normalised name → the name as written in the data file (for autocomplete)."""
    product_words: frozenset[str] = frozenset()
    aspirin_products: dict[str, frozenset[str]] = field(
        default_factory=lambda: {"pain": frozenset(), "low": frozenset()}
    )
    """Products whose aspirin is at pain doses ('pain': Excedrin, BC) or low dose ('low')."""
    """Words of product names ('ultra', 'plus') that are never read as a medicine."""
    mme: MmeData = field(default_factory=MmeData)
    _matched: dict[str, MedicineMatch] = field(default_factory=dict, repr=False)
    _entries: dict[str, tuple[MedicineMatch, ...]] = field(default_factory=dict, repr=False)

    @cached_property
    def _shapes(self) -> dict[int, list[tuple[str, frozenset[str], Counter[str]]]]:
        """Each name's letters by its length, for ruling names out before fuzzy matching."""
        shapes: dict[int, list[tuple[str, frozenset[str], Counter[str]]]] = {}
        for name in self.names:
            shapes.setdefault(len(name), []).append((name, frozenset(name), Counter(name)))
        return shapes

    @cached_property
    def longest_name(self) -> int:
        """The most words in one known name (matching tries longer phrases first)."""
        return max((len(name.split()) for name in self.names), default=1)

    def match(self, typed: str) -> MedicineMatch:
        """Every medicine one text names ('Percocet 5/325 twice a day'), remembered per text."""
        known = self._matched.get(typed)
        if known is None:
            known = self._matched[typed] = self._match(typed)
        return known

    def match_entry(self, typed: str) -> tuple[MedicineMatch, ...]:
        """One entry of the patient's list, one match per medicine it names.

        'Norco and Valium' gives two matches and 'stopped tramadol, now Norco' gives a
        tramadol that is not taken and a Norco that is. Words that only say how or when
        ('with food', 'and at night') stay with the medicine before them, and a name that
        spans a joining word ('Tylenol with codeine') stays whole.
        """
        known = self._entries.get(typed)
        if known is None:
            known = self._entries[typed] = self._match_entry(typed)
        return known

    def _match_entry(self, typed: str) -> tuple[MedicineMatch, ...]:
        whole = self.match(typed)
        if not whole.recognized:
            return (whole,)  # nothing known in it: kept whole, exactly as typed
        parts: list[tuple[str, str]] = []  # (text, how it was joined to the part before)
        for joiner, kind, text in _pieces(typed):
            if parts and self._belongs_to(parts[-1][0], joiner, kind, text):
                parts[-1] = (parts[-1][0] + joiner + text, parts[-1][1])
            else:
                parts.append((text, kind))
        matches: list[MedicineMatch] = []
        for text, kind in parts:
            match = self.match(text)
            if (
                matches
                and kind == "weak"
                and match.taking
                and not matches[-1].taking
                and not _SAYS_TAKEN.search(text)
            ):
                match = match._replace(taking=False)  # 'allergic to codeine and morphine'
            matches.append(match._replace(entry=typed))
        return tuple(matches)

    def _belongs_to(self, before: str, joiner: str, kind: str, text: str) -> bool:
        """Whether a piece of an entry goes with the piece before it rather than standing alone."""
        if not normalise(text):
            return True  # only a dose or a time: '…, 1 tablet every 6 hours'
        if kind != "weak":
            return False
        if not self.match(text).recognized:
            return True  # 'ibuprofen with food'
        whole = self.match(before + joiner + text).names
        return bool(set(whole) - set(self.match(before).names) - set(self.match(text).names))

    def _match(self, typed: str) -> MedicineMatch:
        """Every medicine a text names, exactly or despite a spelling slip."""
        words = _split_glued(normalise(typed).split())
        found: list[tuple[int, str, bool]] = []  # (position, name, spelling corrected)
        loose: list[list[tuple[int, str]]] = [[]]  # runs of words that are not a known name
        start = 0
        while start < len(words):
            name = self._name_at(words, start)
            if name is None:
                loose[-1].append((start, words[start]))
                start += 1
                continue
            found.append((start, name, False))
            loose.append([])
            start += len(name.split())
        for run in loose:
            found += self._slips(run)
        taking = not (_NOT_TAKEN.search(typed) or _LEADING_NO.search(typed))
        if not found:
            return MedicineMatch(as_typed=typed, recognized=False, taking=taking)
        found.sort()
        names = [name for _, name, _ in found]
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
            fuzzy=any(fuzzy for _, _, fuzzy in found),
            taking=taking,
            names=tuple(names),
        )

    def _slips(self, run: list[tuple[int, str]]) -> list[tuple[int, str, bool]]:
        """Names within a spelling slip of the words left over, trying word pairs first."""
        found: list[tuple[int, str, bool]] = []
        index = 0
        while index < len(run):
            position, word = run[index]
            if index + 1 < len(run) and run[index + 1][0] == position + 1:
                following = run[index + 1][1]
                if self._could_be_name(word, alone=False) and self._could_be_name(
                    following, alone=False
                ):
                    close = self._close_name(f"{word} {following}")
                    if close is not None and " " in close:
                        found.append((position, close, True))
                        index += 2
                        continue
            if self._could_be_name(word, alone=True):
                close = self._close_name(word)
                if close is not None:
                    found.append((position, close, True))
            index += 1
        return found

    def _could_be_name(self, word: str, *, alone: bool) -> bool:
        """Whether a leftover word could be a misspelt medicine name.

        Never a word that only says how or when, a word of a known product ('ultra'), or an
        English word close to a medicine's name ('restored' is not Restoril).
        """
        if not word.replace("'", "").isalpha() or word in _NOISE or word in self.product_words:
            return False
        return not alone or (len(word) >= 5 and word not in _ordinary_words())

    def _name_at(self, words: list[str], start: int) -> str | None:
        """The longest known name starting at `words[start]` (a hyphenated pair counts too)."""
        for size in range(min(self.longest_name, len(words) - start), 0, -1):
            candidate = " ".join(words[start : start + size])
            if candidate in self.names:
                return candidate
        return None

    def _close_name(self, candidate: str) -> str | None:
        """The one known name clearly closest to `candidate` despite a small spelling slip.

        Short words are never guessed (one letter turns 'some' into 'soma'). The closest name
        must be clearly better than any name of a different medicine: closer by at least one
        edit in ten letters (one edit for words of up to ten letters, two for longer ones), so
        'valum' is Valium and 'ibuprophen' ibuprofen, but a word halfway between two medicines
        is neither.
        """
        letters = len(candidate.replace(" ", ""))
        if letters < 5:
            return None
        allowed = 1 if letters < 8 else 2
        margin = max(1, -(-len(candidate) // 10))
        reach = allowed + margin - 1  # how far a rival could be and still be too close
        # Exact bounds first, so most words never need the fuzzy matcher (or its import): an
        # edit changes the length by at most one, the set of letters by at most two and the
        # letter counts by at most two (a swap of neighbours changes none of them).
        size, used, bag = len(candidate), frozenset(candidate), Counter(candidate)
        possible = [
            name
            for length in range(size - reach, size + reach + 1)
            for name, letters, counts in self._shapes.get(length, ())
            if len(letters ^ used) <= 2 * reach and _count_edits(bag, counts) <= reach
        ]
        if not possible:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

        # Levenshtein is much faster and counts a swap of neighbours as two edits, so it
        # cheaply rules out every name that cannot be within `reach` swaps, slips or gaps.
        near = process.extract(
            candidate, possible, scorer=Levenshtein.distance, score_cutoff=2 * reach, limit=None
        )
        found = process.extract(
            candidate,
            [name for name, _, _ in near],
            scorer=DamerauLevenshtein.distance,
            score_cutoff=reach,
            limit=None,
        )
        if not found:
            return None
        best = min(distance for _, distance, _ in found)
        if best > allowed:
            return None
        nearest = sorted(name for name, distance, _ in found if distance == best)
        medicines = self.names[nearest[0]]
        if any(
            set(self.names[name]) != set(medicines) and distance < best + margin
            for name, distance, _ in found
        ):
            return None  # another medicine is nearly as close: do not guess
        return nearest[0]

    def match_all(self, typed: Iterable[str]) -> list[MedicineMatch]:
        """Recognise every entry, one match per medicine, keeping the patient's order."""
        return [match for entry in typed for match in self.match_entry(entry)]

    def completions(self) -> list[str]:
        """Every brand and generic name, for autocomplete while typing."""
        return sorted(set(self.display.values()), key=str.lower)


_NOT_TAKEN = re.compile(
    r"\ballerg(?:y|ies)\s*(?:to\b|[:(-])|"
    r"\b(?:allergic|stopped(?! working| helping)|stop(?:ped)? taking|no longer|"
    r"used to (?:take|be on|have)|not taking|don'?t take|do not take|quit|discontinued|"
    r"reaction to|intolerant|intolerance|never took|previously|formerly|was on|came off|"
    r"weaned off|gave up)\b",
    re.IGNORECASE,
)
"""Words that say an entry is not (or no longer) taken. 'Benadryl for allergies' and 'Seroquel
used to help me sleep' are taken: only 'allergic', 'allergy to' or 'allergies:' and 'used to
take' count."""

_LEADING_NO = re.compile(
    r"^\W*no\s+(?!side|problems?|issues?|effects?|changes?|more than)[a-z]", re.I
)
"""'No aspirin' at the start of an entry ('Percocet, no side effects' is still taken)."""

_SAYS_TAKEN = re.compile(r"\d|\b(?:now|still|take|takes|taking|started|currently|on)\b", re.I)
"""Words that say a medicine after a 'not taken' one is taken ('… and now Norco 5/325')."""

_PIECE_BREAK = re.compile(
    r"(\s*(?:[\n\r;]+|,(?!\d{3}\b)|\s\+\s)\s*)|(\s+(?:and|&|or|with|w/|plus)\s+)", re.IGNORECASE
)
"""Where an entry may name another medicine: line breaks, semicolons, commas (not the comma
of '1,000 mg') and ' + ' always do; 'and', 'or', 'with' and 'plus' may ('Nurofen Plus' is one)."""


def _pieces(text: str) -> list[tuple[str, str, str]]:
    """An entry cut at every possible break: (the joining text, its kind, the piece)."""
    pieces: list[tuple[str, str, str]] = []
    joiner, kind, start = "", "start", 0
    for found in _PIECE_BREAK.finditer(text):
        piece = text[start : found.start()]
        if piece.strip():
            pieces.append((joiner, kind, piece.strip()))
            joiner, kind = found.group(0), "strong" if found.group(1) else "weak"
        else:
            joiner += found.group(0)
        start = found.end()
    if text[start:].strip():
        pieces.append((joiner, kind, text[start:].strip()))
    return pieces


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


_HYPHENATED_NAME = re.compile(r"co-[a-z]+|[a-z]+-(?:seltzer|seals|trimeton|tryptophan)")
"""Names written with their hyphen, such as co-codamol, Alka-Seltzer and Chlor-Trimeton."""


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """English words within a spelling slip of a medicine name: never read as one."""
    text = (Path(__file__).resolve().parent / "ordinary-words.txt").read_text(encoding="utf-8")
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

    def numbered(found: re.Match[str]) -> str:
        if found.group(1) in _COUNTING_WORDS:  # 'every 4 hours', 'take 2 tablets'
            return found.group(0)
        return f"{found.group(1)} num{found.group(2)}"

    return re.sub(
        r"\b([a-z]+)\s+([1-4])(?=\s*$|\s+(?!times\b|x\b|tab|pill|cap|a\s+day|daily|per\b)[a-z])",
        numbered,
        text,
    )


_COUNTING_WORDS = frozenset(
    {"every", "q", "take", "takes", "taking", "for", "x", "up", "to", "or", "and", "about", "than"}
)
"""Words after which a number counts tablets or hours, never names a product ('every 4 hours')."""


def name_key(name: str) -> str:
    """A name from the data file, normalised like typed text but keeping its digits."""
    lowered = re.sub(r"[^\w\s'-]", " ", _number_names(name.lower()))
    words = [w.strip("'-") for w in lowered.split()]
    return " ".join(w for w in words if w and w not in _NOISE)


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
            _add_name(index, str(name), (generic,), label)
    for brand, components in (data.get("combinations") or {}).items():
        missing = [c for c in components if c not in index.medicines]
        if missing:
            raise SpinecheckError(f"{brand}: unknown medicine {missing[0]!r}", path=label)
        _add_name(index, str(brand), tuple(components), label)
    index.product_words = frozenset(str(w).lower() for w in data.get("product_words") or ())
    for dose, products in (data.get("aspirin_products") or {}).items():
        keys = frozenset(name_key(str(name)) for name in products or ())
        unknown = sorted(key for key in keys if key not in index.names)
        if dose not in ("pain", "low") or unknown:
            raise SpinecheckError(f"aspirin_products: unknown {dose} or {unknown}", path=label)
        index.aspirin_products[dose] = keys
    index.mme = _mme_data(data.get("mme") or {}, index, label)
    return index


def _mme_data(data: dict[str, Any], index: MedicineIndex, label: str) -> MmeData:
    def known(generic: str) -> str:
        if generic not in index.medicines:
            raise SpinecheckError(f"mme: unknown medicine {generic!r}", path=label)
        return generic

    fixed: dict[str, dict[str, float]] = {}
    for product, strengths in (data.get("fixed_strengths") or {}).items():
        key = name_key(str(product))
        if key not in index.names:
            raise SpinecheckError(f"mme: unknown product {product!r}", path=label)
        fixed[key] = {known(g): float(s) for g, s in strengths.items()}
    limits = data.get("acetaminophen") or {}
    return MmeData(
        acetaminophen_source=str(limits.get("source", "")),
        acetaminophen_limits=(
            float(limits.get("limit", 4000)),
            float(limits.get("lower_limit", 3000)),
        ),
        source=str(data.get("source", "")),
        threshold=float(data.get("threshold", 50)),
        factors={known(g): float(f) for g, f in (data.get("factors") or {}).items()},
        per_mcg_hour={known(g): float(f) for g, f in (data.get("per_mcg_hour") or {}).items()},
        patches=frozenset(name_key(str(p)) for p in data.get("patches") or ()),
        unit_strengths={
            known(g): (float(low), float(high))
            for g, (low, high) in (data.get("unit_strengths") or {}).items()
        },
        fixed_strengths=fixed,
    )


def _add_name(index: MedicineIndex, name: str, generics: tuple[str, ...], label: str) -> None:
    key = name_key(name)
    if not key:
        raise SpinecheckError(
            f"{name!r} is only words that say how a medicine is taken", path=label
        )
    if key in index.names:
        index.names[key] = tuple(dict.fromkeys([*index.names[key], *generics]))
    else:
        index.names[key] = generics
    index.display.setdefault(key, name)


@lru_cache(maxsize=1)
def default_index() -> MedicineIndex:
    """The medicine data shipped with spinecheck, read once per run (never remembered on disk)."""
    import yaml

    data_file = Path(__file__).resolve().parent / "medicines.yaml"
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
