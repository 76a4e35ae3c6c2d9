"""Recognise medicines as patients type them (brand or generic, with doses) from a data file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from spinecheck.errors import SpinecheckError
from spinecheck.medicines.patterns import LazyPattern

_DOSE = LazyPattern(
    r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?)*\s*"
    r"(?:mg|mcg|µg|ug|g|ml|mls|%|units?|iu|mcg/h|mcg/hr|micrograms?|milligrams?)?\b",
    re.IGNORECASE,
)
_DECIMAL_COMMA = r"(?!(?<=\d,)\d{1,2}\s*(?:mg|mcg|µg|ug|g|ml|/))"
"""Not the comma of a strength written with a decimal comma ('37,5 mg', '0,25 mg', '37,5/325')."""
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
    "up", "to", "or", "the", "my", "in", "on", "each", "side", "pain", "strength",
    "maximum", "max", "regular", "generic", "brand", "otc", "one", "two", "half", "bd", "tds",
    "qds", "mane", "nocte", "five", "six", "seven", "eight", "nine", "ten", "twelve", "packet",
    "packets", "sachet", "sachets", "caplet", "caplets", "tablespoon", "teaspoon",
    "more", "than", "exceed", "exceeding", "no", "not", "do", "dont", "don't", "limit",
    "lunch", "lunchtime", "noon", "midday", "afternoon", "breakfast", "dinner", "supper", "bed",
    "hourly", "usually", "sometimes", "occasionally", "approx", "approximately", "about",
    # the same in Spanish (issue 27): forms, salts, how often and how much, and the small words
    # around them ('TOMAR 1 TABLETA CADA 8 HORAS', 'naproxeno sódico', 'sulfato de morfina')
    "tableta", "tabletas", "comprimido", "comprimidos", "cápsula", "cápsulas", "capsula",
    "capsulas", "pastilla", "pastillas", "gragea", "grageas", "parche", "parches", "gotas",
    "jarabe", "solución", "solucion", "suspensión", "inyección", "inyeccion", "inyectable",
    "ampolleta", "ampolletas", "ampolla", "ampollas", "crema", "pomada", "ungüento", "supositorio",
    "supositorios", "sobres", "vía", "via", "tópico", "topico", "liberación", "liberacion",
    "prolongada", "inmediata", "recubierta", "recubiertas", "efervescente", "efervescentes",
    "clorhidrato", "hidrocloruro", "sulfato", "tartrato", "bitartrato", "citrato", "fosfato",
    "besilato", "maleato", "mesilato", "succinato", "sódico", "sodico", "sódica", "sodica",
    "potásico", "potasico", "potásica", "potasica", "magnésico", "magnesico", "trometamina",
    "trometamol", "monohidratado",
    "cada", "hora", "horas", "día", "dia", "días", "dias", "diario", "diaria", "diarios", "diarias",
    "diariamente", "al", "por", "vez", "veces", "una", "un", "uno", "dos", "tres", "cuatro",
    "cinco", "seis", "siete", "ocho", "nueve", "diez", "doce", "media", "medio", "mañana",
    "manana", "mañanas", "noche", "noches", "tarde", "tardes", "mediodía", "mediodia", "dormir",
    "acostarse", "desayuno", "comida", "comidas", "cena", "alimentos", "ayunas", "semana",
    "semanal", "mensual", "antes", "después", "despues", "según", "segun", "sea", "necesario",
    "necesaria", "si", "hay", "cuando", "dolor", "dolores", "tomar", "tome", "tomo", "toma",
    "tomando", "máximo", "maximo", "máx", "más", "mas", "exceder", "sin", "de", "del", "el",
    "los", "las", "lo", "mi", "mis", "en", "con", "y", "o", "para", "dosis", "miligramos",
    "gramos", "aproximadamente", "aprox", "vo", "genérico", "generico", "marca", "unos",
    "unas", "normalmente", "ocasiones",
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
    check: bool = False
    """True when the entry's reading is not certain (a 'stopped' that may belong to another
    name, a name only mentioned in brackets): counted as taken, marked 'check with the patient'."""
    allergy: bool = False
    """True for a medicine named as an allergy or a reaction: recorded, never taken."""
    partly: bool = False
    """True when another word of the entry looks like a medicine name that was not recognised:
    'partly recognised, ask your pharmacist'."""
    dose_text: str = ""
    """The text its dose is read from, when that is not all of `as_typed` ('was on 5mg' left
    out of 'oxycodone 10mg q6h (was on 5mg)')."""


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
    strength_words: dict[str, dict[str, float]] = field(default_factory=dict)
    """Words that give a product's strength ('extra strength': 500 mg of acetaminophen)."""
    bare_strengths: dict[str, tuple[float, ...]] = field(default_factory=dict)
    daily_doses: frozenset[str] = frozenset()
    """Medicines often written as one day's dose of a liquid ('methadone 90mg daily')."""
    per_ml: dict[str, dict[str, float]] = field(default_factory=dict)
    """Liquids whose name gives their strength: mg per mL of each medicine."""
    """Strengths so standard that a number without a unit is read as mg ('Tylenol 500')."""
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
    phrases: dict[str, re.Pattern[str]] = field(default_factory=dict)
    """Names with a word that elsewhere only says when ('Night Nurse'), kept whole as one word."""
    abbreviations: frozenset[str] = frozenset()
    """Pharmacy-label short forms of generic names ('apap', 'oxycod'): parts of one product."""
    spanish_generics: frozenset[str] = frozenset()
    """Generic names in Spanish ('oxicodona', 'apixabán'): read like the generic, never as a brand
    ('HIDROCODONA/PARACETAMOL' is one product)."""
    said_in_spanish: frozenset[str] = frozenset()
    """English generic names that have a Spanish one ('oxycodone'): not offered in Spanish."""
    only_spanish: frozenset[str] = frozenset()
    """Spanish generic names no English name shares ('oxicodona', not 'tramadol'): not offered
    in English."""
    name_stems: frozenset[str] = frozenset()
    """Endings shared by families of medicines ('azepam', 'parin'): an unknown word ending so
    looks like a medicine's name."""
    aspirin_products: dict[str, frozenset[str]] = field(
        default_factory=lambda: {"pain": frozenset(), "low": frozenset()}
    )
    """Products whose aspirin is at pain doses ('pain': Excedrin, BC) or low dose ('low')."""
    """Words of product names ('ultra', 'plus') that are never read as a medicine."""
    mme: MmeData = field(default_factory=MmeData)
    _matched: dict[str, MedicineMatch] = field(default_factory=dict, repr=False)
    _entries: dict[str, tuple[MedicineMatch, ...]] = field(default_factory=dict, repr=False)
    _closest: dict[str, str | None] = field(default_factory=dict, repr=False)

    @cached_property
    def _shapes(self) -> dict[int, list[tuple[str, frozenset[str], Counter[str]]]]:
        """Each name's letters by its length, for ruling names out before fuzzy matching."""
        shapes: dict[int, list[tuple[str, frozenset[str], Counter[str]]]] = {}
        for name in self.names:
            if len(name.replace(" ", "")) < 5:
                continue  # a short brand is never a slip's target: 'Somac' is not Soma
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
        if _NONE_ENTRY.match(typed):
            return ()  # 'none', 'nothing', 'no medicines': no medicine at all
        whole = self.match(typed)
        if not whole.recognized:
            return (whole,)  # nothing known in it: kept whole, exactly as typed
        allergy = bool(_ALLERGY_HEADER.match(typed))  # 'Allergies: morphine, codeine'
        parts: list[tuple[str, str]] = []  # (text, how it was joined to the part before)
        for joiner, kind, text in _pieces(typed):
            if parts and self._belongs_to(parts[-1][0], joiner, kind, text):
                parts[-1] = (parts[-1][0] + joiner + text, parts[-1][1])
            else:
                parts.append((text, kind))
        matches: list[MedicineMatch] = []
        carried: str | None = None  # a cue still open at the end of the part before
        last: list[int] = []  # the positions in `matches` of the part before
        for text, kind in parts:
            allergy = allergy and not (matches and _SAYS_TAKEN.search(text))  # '... Take Tylenol.'
            found, back = self._scoped(text)
            if _HELD.search(text):  # 'Xarelto (stopped 3 days ago for my injection)'
                found = [m if m.allergy else m._replace(taking=True, check=True) for m in found]
                back = None
            for match in found:  # 'Tylenol #3 - allergic to the codeine in it'
                if match.allergy and last:
                    for position in last:
                        before = matches[position]
                        if before.taking and set(match.generic_names) < set(before.generic_names):
                            matches[position] = before._replace(taking=False, allergy=True)
            if back and last:
                # 'tried Lyrica, stopped', 'Aleve daily, stopped when I started Xarelto'
                for position in last:
                    matches[position] = matches[position]._replace(
                        taking=False, check=False, allergy=back == "allergy"
                    )
            here: list[int] = []
            for match in found:
                if allergy:
                    match = match._replace(taking=False, allergy=True, check=False)
                elif carried and kind == "weak" and match.taking and not _SAYS_TAKEN.search(text):
                    # 'allergic to codeine and morphine', 'intolerant of NSAIDs - naproxen'
                    match = match._replace(taking=False, allergy=carried == "allergy", check=False)
                here.append(len(matches))
                matches.append(match._replace(entry=typed))
            if not found and not back and _could_be_a_name(_CUE.sub(" ", text)):
                # 'Norco + Xylorin 10mg': a part we do not know is kept, never dropped
                here.append(len(matches))
                matches.append(MedicineMatch(as_typed=text, recognized=False, entry=typed))
            last = here or last
            carried = _open_cue(text) or (
                carried if kind == "weak" and not _SAYS_TAKEN.search(text) else None
            )
        if _RESUMED.search(typed):  # 'stopped, then went back on it': the later word wins
            matches = [
                m if m.taking or m.allergy else m._replace(taking=True, check=True) for m in matches
            ]
        return tuple(matches)

    def _scoped(self, text: str) -> tuple[list[MedicineMatch], str | None]:
        """One part of an entry, each 'not taken' word scoped to the name it governs.

        'methadone 80mg (weaned off oxycodone)' is a methadone that is taken and an oxycodone that
        is not; 'oxycodone 10mg q6h (was on 5mg)' is an oxycodone taken at 10 mg. A cue that
        governs no known name but another word that could be one leaves the rest taken, marked
        for checking (decision 19). A name only mentioned in brackets ('naproxen (when ibuprofen
        does not work)') is not taken, and is marked for checking. Also returned: the kind of a
        cue at the start of the part that governs no name here, which governs the part before.
        """
        spans = _governed(text)
        uncertain = bool(_UNCERTAIN.search(text))
        if not spans:
            if not self.match(text).recognized:
                return [], None
            return [self.match(text)._replace(taking=True, check=uncertain)], None
        outside = self.match(_blank(text, spans))
        found: list[MedicineMatch] = []
        blanked: list[tuple[int, int, str]] = []
        unsure, back = uncertain, None
        for start, end, kind in spans:
            governed = self.match(text[start:end])
            if kind == "mention":  # brackets: a name of the product's own, or only mentioned
                if not governed.recognized or set(governed.generic_names) <= set(
                    outside.generic_names
                ):
                    continue  # 'Percocet (5/325)', 'Tylenol #3 (codeine 30 mg / ...)'
            blanked.append((start, end, kind))
            if not governed.recognized:
                if start == 0 and not _could_be_a_name(_CUE.sub(" ", text[start:end])):
                    back = back or kind  # 'stopped when I started Xarelto': the part before
                else:
                    unsure = unsure or _could_be_a_name(text[start:end])
                continue
            here = governed._replace(
                as_typed=text, taking=False, check=kind == "mention", allergy=kind == "allergy"
            )
            same = [n for n, m in enumerate(found) if m.generic_names == here.generic_names]
            if same:  # two cues govern one name ('Tomaba Tafil … ya lo dejé'): one medicine
                if here.allergy:
                    found[same[0]] = here  # an allergy says more
                continue
            found.append(here)
        rest = _blank(text, blanked)
        taken = self.match(rest)
        if taken.recognized:
            barred = {g for m in found if not m.check for g in m.generic_names}
            if barred and barred < set(taken.generic_names) and any(m.allergy for m in found):
                # 'Tylenol #3 - allergic to the codeine in it': the product is not taken either
                found.insert(0, taken._replace(as_typed=text, taking=False, allergy=True))
            else:
                found.insert(
                    0, taken._replace(as_typed=text, taking=True, check=unsure, dose_text=rest)
                )
        return found, back

    def _belongs_to(self, before: str, joiner: str, kind: str, text: str) -> bool:
        """Whether a piece of an entry goes with the piece before it rather than standing alone."""
        if not normalise(text) or _DIRECTIONS.match(text):
            return True  # only a dose or a time: '…, 1 tablet every 6 hours'
        if kind != "weak":
            return False
        if not self.match(text).recognized:
            return True  # 'ibuprofen with food'
        if joiner == "/":  # 'OXYCOD/APAP' is one product; 'Tylenol/Norco' two brands
            return not (self._brands_only(before) and self._brands_only(text))
        whole = self.match(before + joiner + text).names
        return bool(set(whole) - set(self.match(before).names) - set(self.match(text).names))

    def _brands_only(self, text: str) -> bool:
        """Whether every name in a text is a brand (no generic, Spanish generic or abbreviation)."""
        names = self.match(text).names
        return bool(names) and all(
            name not in self.medicines
            and name not in self.abbreviations
            and name not in self.spanish_generics
            for name in names
        )

    def _match(self, typed: str) -> MedicineMatch:
        """Every medicine a text names, exactly or despite a spelling slip."""
        for key, phrase in self.phrases.items():
            typed_words = phrase.sub(key, typed)
            if typed_words != typed:
                typed = typed_words
        words = _split_glued(normalise(typed).split(), self.names)
        found: list[tuple[int, str, bool]] = []  # (position, name, spelling corrected)
        loose: list[list[tuple[int, str]]] = [[]]  # runs of words that are not a known name
        start = 0
        while start < len(words):
            name = self._name_at(words, start)
            if name is None:
                loose[-1].append((start, words[start]))
                start += 1
                continue
            if whole := self._slip_before(loose[-1], start, name):
                # 'Ddolo-Neurobión' is Dolo-Neurobión, never Qdolo and Neurobión
                found.append((start - 1, whole, True))
                loose[-1].pop()
            else:
                found.append((start, name, False))
            loose.append([])
            start += len(name.split())
        for run in loose:
            found += self._slips(run)
        spelled = {position for position, _, _ in found}
        partly = any(
            self._name_like(word, typed)
            for run in loose
            for position, word in run
            if position not in spelled
        )
        taking = not (_NOT_TAKEN.search(typed) or _LEADING_NO.search(typed))
        if not found:
            return MedicineMatch(as_typed=typed, recognized=False, taking=taking)
        found.sort()
        names = [name for _, name, _ in found if not name.startswith(CLASS_ONLY)]
        unsure = [name[len(CLASS_ONLY) :].split("|") for _, name, _ in found if name not in names]
        generics: dict[str, None] = {}
        for name in names:
            generics.update(dict.fromkeys(self.names[name]))
        classes: dict[str, None] = {}
        for generic in generics:
            classes.update(dict.fromkeys(self.medicines[generic].classes))
        shown = [self.display.get(n, n) for n in names]
        for candidates in unsure:  # only the class is known: 'hydrocodone or dihydrocodeine'
            classes.update(dict.fromkeys(self._shared_classes(candidates)))
            shown.append(" or ".join(self.display.get(n, n) for n in candidates))
        return MedicineMatch(
            as_typed=typed,
            recognized=True,
            generic_names=tuple(generics),
            classes=tuple(classes),
            matched_name=", ".join(dict.fromkeys(shown)),
            fuzzy=any(fuzzy for _, _, fuzzy in found),
            taking=taking,
            names=tuple(names),
            partly=partly,
        )

    def _slip_before(self, run: list[tuple[int, str]], start: int, name: str) -> str | None:
        """A longer name that a slip just before a name belongs to, if any.

        'ddolo neurobión' is Dolo-Neurobión with a letter doubled: its first word is a slip of
        the product's own, never a medicine of its own (Qdolo) beside Neurobión.
        """
        if not run or run[-1][0] != start - 1 or not self._could_be_name(run[-1][1], alone=False):
            return None
        whole = self._close_name(f"{run[-1][1]} {name}")
        if whole is None or whole.startswith(CLASS_ONLY) or not whole.endswith(" " + name):
            return None
        return whole

    def _name_like(self, word: str, typed: str) -> bool:
        """Whether a word left over looks like a medicine's name that we do not know.

        A capitalised word that does not start the entry ('Tramadol and Zelfrex'), or a word
        ending like a family of medicines ('-azepam', '-parin'), that is no ordinary word.
        """
        if (
            len(word) < 5
            or not word.isalpha()
            or word in _NOISE
            or word in _FILLER
            or word in self.product_words
            or word in _ordinary_words()
        ):
            return False
        if any(word.endswith(stem) for stem in self.name_stems):
            return True
        raw = re.findall(r"[^\W\d_]+", typed)
        return any(
            token.lower() == word and token[0].isupper() and position > 0
            for position, token in enumerate(raw)
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
                    if close is not None and (" " in close or "-" in close):
                        found.append((position, close, True))
                        index += 2
                        continue
            if self._could_be_name(word, alone=True):
                close = self._blend(word) or self._close_name(word)
                if close is not None:
                    found.append((position, close, True))
            index += 1
        return found

    def _could_be_name(self, word: str, *, alone: bool) -> bool:
        """Whether a leftover word could be a misspelt medicine name.

        Never a word that only says how or when, a word of a known product ('ultra'), or an
        English word close to a medicine's name ('restored' is not Restoril).
        """
        if (
            not word.replace("'", "").replace("-", "").isalpha()
            or word in _NOISE
            or word in self.product_words
        ):
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
        """The one known name clearly closest to `candidate` (remembered per word)."""
        if candidate not in self._closest:
            self._closest[candidate] = self._find_close_name(candidate)
        return self._closest[candidate]

    def _find_close_name(self, candidate: str) -> str | None:
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
            return self._sounds_like(candidate)
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
            return self._sounds_like(candidate)
        best = min(distance for _, distance, _ in found)
        if best > allowed:
            return self._sounds_like(candidate)
        nearest = sorted(name for name, distance, _ in found if distance == best)
        if best >= 2:  # two slips: the first letter must still be right ('Resparin' is not heparin)
            nearest = [name for name in nearest if name[0] == candidate[0]]
            if not nearest:
                return None
        medicines = self.names[nearest[0]]
        rivals = [
            name
            for name, distance, _ in found
            if set(self.names[name]) != set(medicines) and distance < best + margin
        ]
        if rivals:
            # another medicine is nearly as close: do not guess which, but when all of them are
            # of one class, that much is known ('hydrocodeine': an opioid)
            shared = self._shared_classes([nearest[0], *rivals])
            if shared:
                return CLASS_ONLY + "|".join(sorted({nearest[0], *rivals}))
            return self._sounds_like(candidate)  # 'Baclophen': near others, but said as baclofen
        return nearest[0]

    def _blend(self, word: str) -> str | None:
        """A word made of two medicines' names, or the end of two of them: only the class.

        'Hydromorphine' (hydromorphone or morphine), 'Oxycodeine', 'Pregabapentin' and
        'Triptyline' (amitriptyline or nortriptyline) could each be either, and the factors
        differ (decision 18: no number when unsure), so only the shared class is read.
        """
        if len(word) < 7:
            return None
        generics = self._long_generics
        candidates = set()
        for generic in generics:
            if generic in word and generic != word:
                rest = word.replace(generic, "", 1)
                others = {
                    other for other in generics if len(rest) >= 3 and other != generic
                    and (other.startswith(rest) or other.endswith(rest))
                    and self._shared_classes([generic, other])
                }  # fmt: skip
                if others:
                    candidates |= {generic, *others}
        if len(candidates) < 2:
            ends = {g for g in generics if g.endswith(word) and g != word}
            candidates = ends if len(ends) >= 2 else set()
        if len(candidates) >= 2 and self._shared_classes(sorted(candidates)):
            return CLASS_ONLY + "|".join(sorted(candidates))
        return None

    @cached_property
    def _long_generics(self) -> list[str]:
        """Generic names long enough to be part of a blend ('hydro' + 'morphine')."""
        return [g for g in self.medicines if len(g) >= 6 and " " not in g]

    def _sounds_like(self, candidate: str) -> str | None:
        """A name spelt by ear from its right first letter, when no spelling slip is close.

        'Plavics' is Plavix, 'Baclophen' baclofen and 'Xeralto' Xarelto.
        """
        heard = _sound(candidate)
        sounds = [
            name
            for length in range(len(candidate) - 2, len(candidate) + 3)
            for name, _, _ in self._shapes.get(length, ())
            if name[0] == candidate[0] and len(name) >= 6 and _sound(name) == heard
        ]
        if sounds and len({self.names[name] for name in sounds}) == 1:
            return sounds[0]
        return None

    def _shared_classes(self, names: list[str]) -> tuple[str, ...]:
        """The classes (other than 'other') every medicine of these names has."""
        sets = [
            {c for g in self.names[name] for c in self.medicines[g].classes} - {"other"}
            for name in names
        ]
        return tuple(sorted(set.intersection(*sets))) if sets else ()

    def match_all(self, typed: Iterable[str]) -> list[MedicineMatch]:
        """Recognise every entry, one match per medicine, keeping the patient's order."""
        return [match for entry in typed for match in self.match_entry(entry)]

    def completions(self, language: str = "en") -> list[str]:
        """Every brand and generic name, for autocomplete while typing, in `language`.

        A generic is offered in one language only ('pregab' offers pregabalin in English and
        pregabalina in Spanish, never both); brands are offered in every language.
        """
        left_out = self.said_in_spanish if language == "es" else self.only_spanish
        return sorted(
            {shown for key, shown in self.display.items() if key not in left_out}, key=str.lower
        )


_NOT_TAKEN = LazyPattern(
    r"\ballerg(?:y|ies)\s*(?:to\b|[:(-])|"
    r"\b(?:allergic|stopped(?! working| helping)|stop(?:ped)? taking|no longer|"
    r"used to (?:take|be on|have)|not taking|don'?t take|do not take|quit|discontinued|"
    r"reaction to|intolerant|intolerance|never took|previously|formerly|was on|came off|"
    r"weaned off|gave up)\b|"
    # Spanish: 'alérgico a', 'ya no tomo', 'dejé de tomar', 'no tomo', 'suspendí', 'tomaba'
    r"\b(?:al[eé]rgic[oa]s?|alergias?\s*(?:a|al)\b|alergias?\s*[:(-]|ya\s+no\s+(?:me\s+)?"
    r"(?:l[oa]s?\s+)?(?:tomo|uso|pongo)|dej[eé]\s+de\s+(?:tomar|usar)|"
    # 'casi no tomo' is 'I hardly take': still taken
    r"(?<!casi\s)no\s+(?:me\s+)?(?:l[oa]s?\s+)?(?:tomo|uso)(?!\s+m[aá]s)|"
    r"suspend(?:[ií]|ieron|ido|ida)|tomaba|usaba|me\s+(?:l[oa]s?\s+)?quitaron|nunca\s+"
    r"(?:he\s+tomado|tom[eé]))(?!\w)",
    re.IGNORECASE,
)
"""Words that say an entry is not (or no longer) taken, in English or Spanish. 'Benadryl for
allergies' and 'Seroquel used to help me sleep' are taken: only 'allergic', 'allergy to' or
'allergies:' and 'used to take' count."""

_LEADING_NO = LazyPattern(
    r"^\W*no\s+(?!side|problems?|issues?|effects?|changes?|more than|m[aá]s\s+de|me\s+acuerdo|"
    r"s[eé]\b|recuerdo|(?:me\s+)?(?:l[oa]s?\s+)?(?:tomo|uso|estoy|he\s+tomado|tom[eé])\b)"
    r"[^\W\d_]",
    re.I,
)
"""'No aspirin' or 'no tomo aspirina' at the start of an entry ('Percocet, no side effects' is still
taken; 'no más de 4 al día' is a limit)."""

_SAYS_TAKEN = LazyPattern(
    r"\d|\b(?:now|still|take|takes|taking|started|currently|on|switched|changed|moved|replaced|"
    r"ahora|todav[ií]a|aún|sigo|sigue|tomo|toma|tomando|empec[eé]|empez[oó]|comenc[eé]|"
    r"actualmente|estoy)(?!\w)",
    re.I,
)
"""Words that say a medicine after a 'not taken' one is taken ('… and now Norco 5/325', '… y
ahora tomo Norco')."""

_PIECE_BREAK = LazyPattern(
    r"(\s*(?:[\n\r;|]+|,(?!\d{3}\b)" + _DECIMAL_COMMA + r"|\s\+\s|\.(?=\s+[A-Za-z]))\s*)"
    r"|(\s+(?:and|&|or|with|w/|plus|-|/|\u2013|y|o|ni|con)\s+|(?<=[a-z])[&/](?=[a-z]))",
    re.IGNORECASE,
)
"""Where an entry may name another medicine: line breaks, semicolons, bars, commas (not the
comma of '1,000 mg' or '37,5 mg') and ' + ' always do; 'and', 'or', 'with', 'plus', '&', a spaced
dash or a spaced slash may ('Nurofen Plus' is one product, 'Tylenol / Norco' two), and so may
Spanish 'y', 'o', 'ni' and 'con'. Never inside brackets, and never the slash of a strength
('5/325') or of a label's joined names ('OXYCOD/APAP')."""


def _pieces(text: str) -> list[tuple[str, str, str]]:
    """An entry cut at every possible break: (the joining text, its kind, the piece)."""
    pieces: list[tuple[str, str, str]] = []
    joiner, kind, start = "", "start", 0
    for found in _PIECE_BREAK.finditer(text):
        if _in_brackets(text, found.start()):
            continue  # 'naproxen (sometimes, when ibuprofen does not work)' is one entry
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


def _in_brackets(text: str, at: int) -> bool:
    """Whether position `at` is inside round or square brackets."""
    depth = 0
    for char in text[:at]:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
    return depth > 0


_DIRECTIONS = LazyPattern(
    r"^\W*(?:do\s+not\s+exceed|don'?t\s+exceed|no\s+more\s+than|not\s+more\s+than|"
    r"max(?:imum)?\b|up\s+to\b|at\s+most\b|"
    r"(?:no|sin)\s+exceder|no\s+(?:tomar\s+|tome\s+|tomo\s+)?m[aá]s\s+de|m[aá]x(?:imo)?(?!\w)|"
    r"hasta\b)",
    re.IGNORECASE,
)
"""A piece that only says how much at most ('…, do not exceed 3 g acetaminophen a day', '…, no
más de 4 al día')."""

_NONE_ENTRY = LazyPattern(
    r"^\W*(?:none|nothing|nil|n/?a|no(?:ne| regular)? (?:medicines?|medications?|meds|pills|"
    r"tablets|drugs)(?: at all)?|i (?:do not|don'?t) take any(?:thing| medicines?)?|"
    r"not taking any(?:thing| medicines?)?|"
    r"ningun[oa]|ningún|nada|ning[uú]n\s+medicamento|ninguna\s+medicina|sin\s+medicamentos|"
    r"no\s+tomo\s+(?:nada|ning[uú]n[oa]?(?:\s+(?:medicamento|medicina|pastilla)s?)?|"
    r"medicamentos|medicinas|pastillas))\W*$",
    re.IGNORECASE,
)
"""An entry that means 'no medicines' ('none', 'nothing', 'no medicines', 'ninguno', 'nada')."""

_ALLERGY_HEADER = LazyPattern(
    r"^\W*(?:allerg(?:y|ies|ic)|intoleran(?:t|ces?)|adverse reactions?|reactions?|alergias?|"
    r"al[eé]rgic[oa]s?(?:\s+a)?|intolerancias?|reacciones(?:\s+adversas)?)"
    r"(?:\s+(?:to|of))?\s*[:=-]",
    re.IGNORECASE,
)
"""An entry that lists allergies ('Allergies: morphine, codeine'): every medicine in it is an
allergy, never taken."""

_CUE = LazyPattern(
    r"\b(?:(?P<allergy>(?<!for\s)(?<!for\smy\s)(?<!seasonal\s)allerg(?:ic|y|ies)"
    r"(?!\s+(?:medicine|medication|tablet|pill|season|relief|spray|symptoms))"
    r"(?:\s+(?:to|reaction))?|(?:bad\s+)?reactions?\s+to|"
    r"intoleran(?:t|ce)(?:\s+(?:to|of))?|sensitive\s+to|anaphylaxis|makes?\s+me\s+(?:itch|"
    r"sick|vomit|throw\s+up|break\s+out|swell|wheez\w*)|gave\s+me\s+(?:hives|a\s+rash)|"
    # Spanish: 'alérgico a', 'alergia a la', 'me da ronchas' ('para la alergia' is what it is for)
    r"(?<!para\s)(?<!para\sla\s)(?<!para\smi\s)(?<!para\smis\s)(?<!contra\sla\s)"
    r"(?:al[eé]rgic[oa]s?|alergias?)(?!\s+(?:de\s+temporada|estacional))(?:\s+(?:a|al)\b)?|"
    r"reacci[oó]n(?:\s+al[eé]rgica)?\s+(?:a|al)\b|intoleran(?:te|cia)\s+(?:a|al)\b|"
    r"me\s+(?:da|dio|dan|dieron|hace|hizo|causa|caus[oó])\s+(?:alergia|ronchas|comez[oó]n|"
    r"urticaria|reacci[oó]n))"
    r"|(?P<from>(?:switched|changed|moved|swapped|went|converted)\s+(?:over\s+)?from)"
    # Spanish 'me cambiaron de X a Y', 'me cambiaron el X por Y', 'en vez de X': governs X only
    r"|(?P<desde>(?:me\s+)?cambi(?:[eé]|aron|[oó])(?:\s+de|(?=\s+(?:el|la|los|las)\s))|"
    r"pas[eé]\s+de|en\s+(?:vez|lugar)\s+de)"
    r"|(?P<not>stopped(?:\s+taking)?|stop\s+taking|(?:told|advised|asked)\s+(?:me\s+)?to\s+"
    r"stop|quit|ceased|discontinued|d/?c'?d|came\s+off|come\s+off|weaned\s+(?:off|from)|"
    r"tapered\s+off|(?<!weaning\s)(?<!tapering\s)(?<!coming\s)(?<!\d\s)(?<!\d)\boff"
    r"(?!\s+(?:and|work|label))|"
    r"(?:was|were|have\s+been|had\s+been)\s+(?:on|taking|using)|used\s+to\s+(?:take|be\s+on|"
    r"have|use)|no\s+longer(?:\s+(?:taking|take|on|use|using))?|not\s+taking|"
    r"(?:do\s+not|don'?t)\s+take|never\s+(?:took|taken|started)|previously(?:\s+(?:took|on|"
    r"taking))?|formerly(?:\s+on)?|gave\s+up|avoids?|(?:can'?t|cannot)\s+(?:take|tolerate)|"
    r"not\s+since|not\s+any\s*more|anymore|only\s+(?:after|post)|"
    # Spanish: 'ya no tomo', 'ya no lo tomo', 'X, ya no', 'dejé de tomar', 'lo dejé', 'no tomo',
    # 'nunca tomé', 'suspendí', 'me lo suspendieron', 'antes tomaba', 'me quitaron'
    r"ya\s+no\s+(?:me\s+)?(?:l[oa]s?\s+)?(?:tomo|toma|tomamos|uso|usa|pongo|pone|"
    r"estoy\s+(?:tomando|usando))|"
    r"ya\s+no(?=\s*(?:[,.;)\]]|$))|dej[eé]\s+de\s+(?:tomar|usar)(?:l[oa]s?)?|"
    r"(?:he|ha|hab[ií]a)\s+dejado(?:\s+de\s+(?:tomar|usar)(?:l[oa]s?)?)?|"
    r"(?:l[oa]s?\s+)?dej[eé](?!\s+de\b)|"
    # 'casi no tomo' (hardly) is taken, and so is 'no me tomé … anoche' (a missed dose)
    r"(?<!casi\s)no\s+(?:(?:me\s+)?(?:l[oa]s?\s+)?(?:tomo|uso|pongo|estoy\s+(?:tomando|usando))|"
    r"(?:l[oa]s?\s+)?(?:he\s+tomado|tom[eé]))(?!\s+m[aá]s\b)|nunca\s+(?:l[oa]s?\s+)?(?:he\s+tomado|tom[eé]|us[eé])|"
    r"(?:me\s+)?(?:l[oa]s?\s+)?suspend(?:[ií]|i[oó]|ieron|ido|ida|imos)|"
    r"(?:antes\s+)?(?:tomaba|usaba)|(?:estaba|estuve)\s+(?:tomando|usando)|"
    r"me\s+(?:l[oa]s?\s+)?(?:quitaron|quit[oó]|retiraron|retir[oó])|"
    r"descontinu(?:[eé]|ado|ada|aron|[oó])))(?!\w)"
    r"(?!\s+(?:working|helping|help|helps|works|worked|helped|hurting|effective))",
    re.IGNORECASE,
)
"""Words that say a medicine is not (or no longer) taken: each governs one name (decision 19).
A cue looks forward to the name after it ('stopped tramadol', 'allergic to codeine', 'was on
Lyrica'), or, with no name ahead in its clause, back to the name before it ('tried Lyrica,
stopped', 'Percocet - weaned off in March'). 'Switched from X to Y' governs X only. 'Stopped
working' and 'no longer helps' say nothing about taking. The same in Spanish ('ya no tomo tramadol',
'Lyrica, ya no', 'alérgico a la codeína', 'me cambiaron de tramadol a tapentadol'); 'ya no me hace
efecto' (no longer works) says nothing about taking either."""

_RESUMED = LazyPattern(
    r"\b(?:(?:went|gone|am|is|got)\s+back\s+on|back\s+on\s+it|restarted|started\s+(?:it\s+)?again|"
    r"volv[ií]\s+a\s+(?:tomar|usar|empezar)(?:l[oa]s?)?|reinici[eé]|lo\s+retom[eé]|otra\s+vez|"
    r"de\s+nuevo)(?!\w)",
    re.IGNORECASE,
)
"""Words that say a stopped medicine was taken again: the later statement wins, to check."""

_HELD = LazyPattern(
    r"\b(?:holding|held|paused|stopped|off)\b.*\bfor\s+(?:my|the|an?|this)\s+(?:injection|"
    r"procedure|surgery|operation|scan|mri|colonoscopy|op)\b|\bholding\b|\bon\s+hold\b|"
    r"\b(?:suspend\w*|pausad\w*|detenid\w*|dej[eé])\b.*\bpara\s+(?:la|el|mi|una?|este|esta)\s+"
    r"(?:inyecci[oó]n|procedimiento|cirug[ií]a|operaci[oó]n|resonancia|colonoscop[ií]a|"
    r"infiltraci[oó]n|bloqueo)(?!\w)|\ben\s+pausa\b",
    re.IGNORECASE,
)
"""A medicine held for a procedure: still the patient's medicine, counted taken, to check."""

_UNCERTAIN = LazyPattern(
    r"\b(?:ran\s+out|run\s+out|holding|on\s+hold|paused|haven'?t\s+(?:yet\s+)?started|"
    r"not\s+(?:yet\s+)?started|yet\s+to\s+start|skipp(?:ing|ed)|sometimes\s+forget)\b|"
    r"\b(?:se\s+(?:me\s+)?acab(?:[oó]|aron)|me\s+qued[eé]\s+sin|(?:todav[ií]a|aún)\s+no\s+"
    r"(?:l[oa]\s+)?(?:empiezo|empec[eé]|comienzo)|no\s+(?:l[oa]\s+)?he\s+empezado|"
    r"(?:a\s+veces\s+)?se\s+me\s+olvida)(?!\w)",
    re.IGNORECASE,
)
"""Words that leave it unclear whether a medicine is taken now: counted taken, to check."""

_CLAUSE_END = LazyPattern(
    r"[,;()\[\]]|\s[-\u2013]\s|\.(?=\s|$)|\b(?:but|now|since|until|because|then|instead|after|"
    r"when|as|so|still|pero|ahora|desde|hasta|porque|luego|entonces|cuando|después|despues|"
    r"todavía|todavia|aún|sino|mientras)(?!\w)",
    re.IGNORECASE,
)
"""Where what a cue governs ends: punctuation, a spaced dash, a full stop, or a word that starts
a new clause ('off Percocet since March', 'stopped tramadol, now Norco')."""

_FILLER = frozenset(
    "in on at of the a an it my me i for about last this that ago year years month months week "
    "weeks day days jan feb mar apr jun jul aug sep sept oct nov dec january february march april "
    "may june july august september october november december op post surgery operation before "
    "doctor told advised from to because due made dizzy sick felt side effects help work didn "
    "t recovery since clean yrs street fully completely "
    # Spanish
    "hace año años mes meses semana semanas día días dia dias enero febrero marzo abril mayo junio "
    "julio agosto septiembre setiembre octubre noviembre diciembre me mi mis lo la le el los las "
    "un una unos unas porque por que mareaba mareo mareos daño hacía hacia hizo efecto efectos "
    "secundarios doctor doctora médico medico dijo cirugía cirugia operación operacion después "
    "despues antes desde ya pasado pasada ayudaba funcionaba servía servia sirvió caía mal bien "
    "tanto mucho mucha poco dolor duele dolía nada completamente totalmente recuperación hasta del "
    "de en con para al sin yo se ese esa eso este esta esto fue era estaba sentía sentia".split()
)
"""Ordinary words around a cue: never read as a name it could govern."""


def _has_name_words(text: str) -> bool:
    """Whether a stretch of text has a word that could be a name (not a date, dose or filler)."""
    return any(
        len(word) >= 3 and word not in _FILLER and word not in _NOISE
        for word in re.findall(r"[^\W\d_]+", text.lower())
    )


def _governed(text: str) -> list[tuple[int, int, str]]:
    """The spans of `text` that cues govern: (start, end, kind).

    The kind is 'not', 'allergy' or 'mention' (a name only mentioned in brackets).
    """
    spans: list[tuple[int, int, str]] = []
    if leading := _LEADING_NO.search(text):  # 'no aspirin'
        ahead = _CLAUSE_END.search(text, leading.end() - 1)
        spans.append((leading.end() - 1, ahead.start() if ahead else len(text), "not"))
    for cue in _CUE.finditer(text):
        kind = "allergy" if cue.group("allergy") else "not"
        stop = None
        if cue.group("from"):  # 'switched from Norco to tramadol'
            stop = re.compile(r"\bto\b|" + _CLAUSE_END.pattern, re.I)
        elif cue.group("desde"):  # 'me cambiaron de tramadol a tapentadol', '… el X por Y'
            stop = re.compile(r"\b(?:a|al|por)\b|" + _CLAUSE_END.pattern, re.I)
        ahead = (stop or _CLAUSE_END).search(text, cue.end())
        forward_end = ahead.start() if ahead else len(text)
        ahead_text = text[cue.end() : forward_end]
        if _has_name_words(ahead_text) or re.search(r"\d\s*(?:mg|mcg|g|ml)\b", ahead_text, re.I):
            # 'stopped tramadol'; 'was on 5mg' governs a dose, not the name before it
            spans.append((cue.start(), forward_end, kind))
            continue
        # looks back: from the start of its clause, or the clause before when that is empty
        # ('gabapentin (stopped, made me dizzy)', 'tried Lyrica, stopped')
        ends = list(_CLAUSE_END.finditer(text, 0, cue.start()))
        begin = ends.pop().end() if ends else 0
        while ends and not _has_name_words(text[begin : cue.start()]):
            begin = ends.pop().end()  # 'Flexeril (didn't help, stopped)'
        if not _has_name_words(text[begin : cue.start()]):
            begin = 0
        spans.append((begin, cue.end(), kind))
    for bracket in re.finditer(r"\(([^()]*)\)", text):  # names only mentioned in brackets
        inside = (bracket.start(1), bracket.end(1))
        if not any(s < inside[1] and inside[0] < e for s, e, _ in spans):
            spans.append((*inside, "mention"))
    return spans


def _blank(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with the spans blanked out (positions kept)."""
    chars = list(text)
    for start, end, _ in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _open_cue(text: str) -> str | None:
    """The kind of a cue that still governs at the end of `text` ('allergic to codeine'), if any."""
    end = len(text.rstrip())
    for start, stop, kind in _governed(text):
        if kind != "mention" and stop >= end and start < stop:
            return kind
    return None


def _could_be_a_name(text: str) -> bool:
    """Whether a text holds a word that could be an unrecognised medicine's name."""
    return any(
        len(word) >= 4 and word not in _NOISE and word not in _FILLER
        for word in re.findall(r"[^\W\d_]+", text.lower())
    )


CLASS_ONLY = "?"
"""Marks a spelling that lies between medicines of one class: only the class is known."""


def _sound(word: str) -> str:
    """A word as it sounds, roughly, so spellings by ear meet.

    Consonants in order, how many vowels follow each, and which vowels: 'plavics' and 'plavix',
    'baclophen' and 'baclofen', 'xeralto' and 'xarelto' (vowels swapped) meet; 'traadol' and
    'toradol' do not.
    """
    word = word.lower().replace(" ", "")
    for written, said in (("ph", "f"), ("ck", "k"), ("cs", "x"), ("ks", "x"), ("qu", "kw")):
        word = word.replace(written, said)
    word = re.sub(r"(.)\1", r"\1", word)  # doubled letters
    slots = re.findall(r"([^aeiouy]*)([aeiouy]*)", word)
    shape = "".join(f"{consonants}{len(vowels)}" for consonants, vowels in slots)
    return shape + ":" + "".join(sorted(re.sub(r"[^aeiouy]", "", word)))


def _split_glued(words: list[str], known: Collection[str] = ()) -> list[str]:
    """Split names glued to doses or to each other ('tramadol50', 'hydrocodone-acetaminophen').

    Names with a hyphen of their own, such as co-codamol or M-Eslon, stay whole.
    """
    split: list[str] = []
    for word in words:
        if word in known:
            split.append(word)
            continue
        glued = re.fullmatch(r"([^\W\d_]{3,})[0-9][0-9a-z./-]*", word)
        if glued and not word.startswith("num"):  # 'num3' is Tylenol #3's number
            split.append(glued.group(1))
        elif "-" in word and not _HYPHENATED_NAME.fullmatch(word):
            split += [part for part in word.split("-") if part and not part.isdigit()]
        else:
            split.append(word)
    return split


_HYPHENATED_NAME = LazyPattern(r"co-[a-z]+|[a-z]+-(?:seltzer|seals|trimeton|tryptophan)")
"""Names written with their hyphen, such as co-codamol, Alka-Seltzer and Chlor-Trimeton."""


ORDINARY_WORDS = ("ordinary-words.txt", "ordinary-words-es.txt")
"""The files of ordinary words: English, and Spanish (issue 27)."""


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """English and Spanish words within a spelling slip of a medicine name: never read as one."""
    here = Path(__file__).resolve().parent
    return frozenset(
        line.strip()
        for name in ORDINARY_WORDS
        for line in (here / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def _count_edits(first: Counter[str], second: Counter[str]) -> int:
    """A lower bound on the edits between two words, from their letter counts alone."""
    return (sum(((first - second) + (second - first)).values()) + 1) // 2


def normalise(text: str) -> str:
    """Lower case, doses, forms and frequencies removed: 'Norco 10/325mg ER' → 'norco'."""
    lowered = _number_names(text.lower())
    lowered = _SPANISH_EVERY.sub(" cada ", lowered)  # 'c/8h' is 'cada 8 horas'
    lowered = _DOSE.sub(" ", lowered)
    lowered = re.sub(r"[^\w\s'-]", " ", lowered)
    words = [w.strip("'-") for w in lowered.split()]
    return " ".join(w for w in words if w and w not in _NOISE and not w.isdigit())


_SPANISH_EVERY = LazyPattern(r"\bc\s*/\s*(?=\d)")
_NUMBER_SIGN = LazyPattern(r"(?:#|\bno\.?)\s*(\d)\b")
_HYPHEN_NUMBER = LazyPattern(r"\b([a-z]{3,})-(\d{1,2})\b(?!\s*(?:mg|mcg|g|%|/|\.\d))")
_WORD_NUMBER = LazyPattern(
    r"\b([a-z]+)\s+([1-4])(?=\s*$|\s+(?!times\b|x\b|tab|pill|cap|a\s+day|daily|per\b|veces\b|"
    r"vez\b|past|c[aá]ps|comp|gotas|sobres?\b|al\s+d|por\s+d|diari|cada\b|en\s+la\b|"
    r"por\s+la\b)[a-z])"
)


def _number_names(text: str) -> str:
    """Keep the number of products named by number ('Tylenol #3', 'Tylenol 3') as a word."""
    if not any(char.isdigit() for char in text):
        return text
    text = _NUMBER_SIGN.sub(r" num\1 ", text)
    # a brand's number after a hyphen ('Atasol-30', 'Robaxacet-8'), not a strength with a unit
    text = _HYPHEN_NUMBER.sub(r"\1 num\2", text)

    def numbered(found: re.Match[str]) -> str:
        if found.group(1) in _COUNTING_WORDS:  # 'every 4 hours', 'take 2 tablets'
            return found.group(0)
        return f"{found.group(1)} num{found.group(2)}"

    return _WORD_NUMBER.sub(numbered, text)


_COUNTING_WORDS = frozenset(
    {"every", "q", "take", "takes", "taking", "for", "x", "up", "to", "or", "and", "about", "than",
     "cada", "tomar", "tome", "tomo", "toma", "por", "hasta", "de", "y", "o", "c", "a", "unas",
     "unos", "máximo", "maximo", "más", "mas"}
)  # fmt: skip
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
        for name in [generic, *(entry.get("names") or ()), *(entry.get("es") or ())]:
            _add_name(index, str(name), (generic,), label)
    for brand, components in (data.get("combinations") or {}).items():
        missing = [c for c in components if c not in index.medicines]
        if missing:
            raise SpinecheckError(f"{brand}: unknown medicine {missing[0]!r}", path=label)
        _add_name(index, str(brand), tuple(components), label)
    index.product_words = frozenset(str(w).lower() for w in data.get("product_words") or ())
    index.name_stems = frozenset(str(w).lower() for w in data.get("name_stems") or ())
    index.abbreviations = frozenset(name_key(str(w)) for w in data.get("abbreviations") or ())
    index.spanish_generics = frozenset(
        name_key(str(name))
        for entry in (data.get("medicines") or {}).values()
        for name in entry.get("es") or ()
    )
    english = {
        name_key(str(name))
        for generic, entry in (data.get("medicines") or {}).items()
        for name in [generic, *(entry.get("names") or ())]
    }
    index.only_spanish = index.spanish_generics - english
    index.said_in_spanish = frozenset(
        name_key(str(generic))
        for generic, entry in (data.get("medicines") or {}).items()
        if {name_key(str(name)) for name in entry.get("es") or ()} - english
    )
    for phrase, components in (data.get("phrases") or {}).items():
        words = str(phrase).lower().split()
        key = "-".join(words)
        index.phrases[key] = re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b", re.I)
        missing = [c for c in components if c not in index.medicines]
        if missing:
            raise SpinecheckError(f"{phrase}: unknown medicine {missing[0]!r}", path=label)
        index.names[key] = tuple(components)
        index.display[key] = str(phrase)
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
        strength_words={
            known(g): {str(w).lower(): float(v) for w, v in words.items()}
            for g, words in (data.get("strength_words") or {}).items()
        },
        daily_doses=frozenset(known(g) for g in data.get("daily_doses") or ()),
        per_ml={
            name_key(str(product)): {known(g): float(v) for g, v in strengths.items()}
            for product, strengths in (data.get("per_ml") or {}).items()
        },
        bare_strengths={
            known(g): tuple(float(v) for v in values)
            for g, values in (data.get("bare_strengths") or {}).items()
        },
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
    return build_index(built_in_data())


def built_in_data() -> Any:
    """The content of the medicine data shipped with spinecheck (read anew on every call).

    As the build read it when the file is the one it read (`spinecheck.prebuilt`), else read
    now. A clinic's own names (`spinecheck.medicines.clinic`) are added to it.
    """
    from spinecheck.prebuilt import medicines_for

    data_file = Path(__file__).resolve().parent / "medicines.yaml"
    raw = data_file.read_bytes()
    built = medicines_for(raw)  # the file's data as the build read it, when it is this file
    return msgspec.msgpack.decode(built) if built is not None else medicine_data(raw)


def medicine_data(raw: bytes) -> Any:
    """The medicine data file's content, read with PyYAML's safe loader.

    Used by a run without the build's artefact and by the build itself, so both read alike.
    """
    import yaml

    # Our own file, checked by the tests (duplicates included): the fast plain loader will do.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(raw.decode("utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


_ENTRY_BREAK = LazyPattern(r"\s*(?:[\n\r;]+|,(?!\d{3}\b)" + _DECIMAL_COMMA + r"|\s\+\s)\s*")
"""Where one typed or pasted entry holds several medicines: line breaks, semicolons, commas
(not the comma of '1,000 mg' or of '37,5 mg') and ' + '."""


def split_entry(text: str) -> list[str]:
    """The medicines one typed or pasted entry names, each as typed ('A, B' gives two)."""
    return [part.strip() for part in _ENTRY_BREAK.split(text) if part.strip()]
