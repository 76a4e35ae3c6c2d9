"""A clinic's own medicine names and brands, checked like the built-in data and added to it.

A questionnaire may name a file of them (`medicines: clinic-medicines.yaml`, see
docs/questionnaire-format.md); the questionnaire loader finds and reads it, with its lines, and
this module says what is wrong with its content (`check`) and builds the index with it
(`index_with`). The file has the shape of the parts of medicines.yaml a clinic may add to:

    medicines:         # more names for a built-in generic, or a new generic of built-in classes
      methocarbamol: {names: [Robaxin-750]}
    combinations:      # a product and every medicine in it, by generic name
      Rivacocet: [oxycodone, acetaminophen]
    mme:
      fixed_strengths: # the mg in one tablet, for products whose name gives it
        Rivacocet: {oxycodone: 5, acetaminophen: 325}

Classes, conversion factors and the other built-in tables stay spinecheck's own: the rules and
the clinician's totals depend on them. A name may repeat a built-in one only with the same
meaning.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from spinecheck.clean import clean
from spinecheck.errors import similar
from spinecheck.medicines.matching import (
    MedicineIndex,
    _ordinary_words,
    build_index,
    built_in_data,
    default_index,
    name_key,
)

Where = tuple[str | int, ...]

CLINIC_KEYS = ("medicines", "combinations", "mme")
"""The top-level keys a clinic's medicine file may hold."""
BUILT_IN_ONLY = (
    "classes", "phrases", "abbreviations", "name_stems", "product_words", "aspirin_products",
)  # fmt: skip
"""Keys of medicines.yaml that only spinecheck sets: the rules and readings depend on them."""
MEDICINE_KEYS = ("classes", "names", "es")
"""The keys of one medicine: its classes, its other names, its Spanish names."""
_SHAPE = (
    "a clinic's medicine file holds medicines (more names for a generic), combinations "
    "(a product's generics) and mme: fixed_strengths (a product's mg in one tablet)"
)


class Finding(NamedTuple):
    """One problem with a clinic's medicine file, where it is in the file's data."""

    where: Where
    message: str
    hint: str
    at_key: bool = False
    """Located at the key itself rather than at its value."""


def check(data: Any) -> list[Finding]:
    """Every problem with a clinic's medicine data, compared with the built-in data."""
    return _Checker(default_index()).run(data)


def index_with(data: Any, label: str) -> MedicineIndex:
    """The built-in index with a clinic's names added (its data checked first with `check`).

    Raises:
        SpinecheckError: the data does not fit (`check` found no problem, so never expected).
    """
    return build_index(merged(data, built_in_data()), label)


def merged(data: Mapping[str, Any], built_in: Mapping[str, Any]) -> dict[str, Any]:
    """The built-in medicine data with a clinic's (checked) additions."""
    result = dict(built_in)
    medicines = dict(result.get("medicines") or {})
    for generic, entry in (data.get("medicines") or {}).items():
        before = copy.deepcopy(medicines.get(generic)) or {"classes": list(entry.get("classes"))}
        for key in ("names", "es"):
            before[key] = [*(before.get(key) or ()), *(entry.get(key) or ())]
        medicines[generic] = before
    result["medicines"] = medicines
    result["combinations"] = {
        **(result.get("combinations") or {}),
        **{brand: list(parts) for brand, parts in (data.get("combinations") or {}).items()},
    }
    fixed = (data.get("mme") or {}).get("fixed_strengths") or {}
    if fixed:
        mme = dict(result.get("mme") or {})
        mme["fixed_strengths"] = {**(mme.get("fixed_strengths") or {}), **fixed}
        result["mme"] = mme
    return result


class _Checker:
    """Checks one clinic file against the built-in index."""

    def __init__(self, index: MedicineIndex) -> None:
        self.index = index
        self.findings: list[Finding] = []
        self.generics: dict[str, tuple[str, ...]] = {}
        """The new generics of this file, with their classes."""
        self.names: dict[str, tuple[str, ...]] = {}
        """Each name this file adds (normalised) and the generics it names."""

    def add(self, where: Where, message: str, hint: str, *, at_key: bool = False) -> None:
        self.findings.append(Finding(where, message, hint, at_key))

    def run(self, data: Any) -> list[Finding]:
        if not isinstance(data, dict):
            self.add((), "expected a mapping at the top of the file", _SHAPE)
            return self.findings
        for key in data:
            if key in CLINIC_KEYS:
                continue
            if key in BUILT_IN_ONLY:
                self.add(
                    (key,),
                    f"a clinic's medicine file cannot set {key!r}",
                    "that table is spinecheck's own (the rules and readings depend on it); "
                    + _SHAPE,
                    at_key=True,
                )
            else:
                close = similar(str(key), list(CLINIC_KEYS))
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.add((key,), f"unknown key {str(key)!r}", hint + _SHAPE, at_key=True)
        medicines = self._mapping(data, "medicines")
        combinations = self._mapping(data, "combinations")
        for generic, entry in medicines.items():
            self._check_generic_classes(generic, entry)
        for generic, entry in medicines.items():
            self._check_generic_names(generic, entry)
        for brand, parts in combinations.items():
            self._check_combination(brand, parts)
        mme = self._mapping(data, "mme")
        for key in mme:
            if key != "fixed_strengths":
                self.add(
                    ("mme", key),
                    f"a clinic's medicine file cannot set mme {str(key)!r}",
                    "the conversion factors, limits and strengths are spinecheck's (CDC 2022, "
                    "FDA); a clinic gives only fixed_strengths, the mg in one tablet of a product",
                    at_key=True,
                )
        for product, strengths in self._mapping(mme, "fixed_strengths", ("mme",)).items():
            self._check_strengths(product, strengths)
        return self.findings

    def _mapping(self, data: Mapping[Any, Any], key: str, where: Where = ()) -> dict[Any, Any]:
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(
                (*where, key),
                f"{key} must be a mapping",
                "such as Rivacocet: [oxycodone, acetaminophen] on a line of its own; a name "
                "with '#' must be quoted (\"Tylenol #3\"), or YAML reads the rest of the line "
                "as a comment",
            )
            return {}
        return value

    def _known_generic(self, generic: str) -> bool:
        return generic in self.index.medicines or generic in self.generics

    def _check_generic_classes(self, generic: Any, entry: Any) -> None:
        where: Where = ("medicines", generic)
        if not self._name_ok(generic, where, at_key=True):
            return
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            self.add(where, f"{generic}: expected a mapping", "such as {names: [Robaxin-750]}")
            return
        for key in entry:
            if key not in MEDICINE_KEYS:
                close = similar(str(key), list(MEDICINE_KEYS))
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.add(
                    (*where, key),
                    f"unknown key {str(key)!r}",
                    hint + "a medicine has classes, names and es (its Spanish names)",
                    at_key=True,
                )
        classes = entry.get("classes")
        built_in = self.index.medicines.get(generic)
        if built_in is not None:
            if classes is not None and (
                not isinstance(classes, list) or set(map(str, classes)) != set(built_in.classes)
            ):
                self.add(
                    (*where, "classes"),
                    f"a clinic's medicine file cannot change what {generic} is",
                    f"its classes are spinecheck's ({', '.join(built_in.classes)}): leave out "
                    "classes to add names to a built-in medicine",
                )
            return
        if name_key(generic) in self.index.names:
            return  # a built-in name, not a generic: said by the names check
        labels = list(self.index.class_labels)
        self.generics[generic] = ()  # known from here on, whatever its classes: one error each
        if not isinstance(classes, list) or not classes:
            self.add(
                where,
                f"{generic} is not a built-in medicine, so it needs its classes",
                f"list them from: {', '.join(labels)} ('other' raises no flag); "
                "to add a brand of a built-in medicine, list it under that medicine's names",
            )
            return
        for number, found in enumerate(classes):
            if found not in self.index.class_labels:
                close = similar(str(found), labels, cutoff=0.75)
                self.add(
                    (*where, "classes", number),
                    f"unknown medicine class {str(found)!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"the classes are: {', '.join(labels)}; a clinic cannot add one",
                )
                return
        self.generics[generic] = tuple(map(str, classes))

    def _check_generic_names(self, generic: Any, entry: Any) -> None:
        if not isinstance(generic, str) or not self._known_generic(generic):
            if isinstance(generic, str) and name_key(generic) in self.index.names:
                self._name(generic, ("medicines", generic), (generic,), at_key=True)
            return
        where: Where = ("medicines", generic)
        if generic in self.generics:
            self._name(generic, where, (generic,), at_key=True)
        for key in ("names", "es"):
            names = (entry or {}).get(key)
            if names is None:
                continue
            if not isinstance(names, list):
                self.add((*where, key), f"{key} must be a list", f"such as {key}: [Robaxin-750]")
                continue
            for number, name in enumerate(names):
                self._name(name, (*where, key, number), (generic,))

    def _check_combination(self, brand: Any, parts: Any) -> None:
        where: Where = ("combinations", brand)
        if not isinstance(parts, list) or not parts:
            self.add(
                where,
                f"{brand}: expected a list of the generic medicines in it",
                "such as Rivacocet: [oxycodone, acetaminophen]",
            )
            return
        generics: list[str] = []
        for number, part in enumerate(parts):
            if isinstance(part, str) and self._known_generic(part):
                generics.append(part)
                continue
            self.add(
                (*where, number),
                f"{brand}: unknown medicine {str(part)!r}",
                self._generic_hint(part),
            )
        if len(generics) == len(parts):
            self._name(brand, where, tuple(dict.fromkeys(generics)), at_key=True)

    def _generic_hint(self, part: Any) -> str:
        """What to write instead of a name that is not a generic medicine."""
        meant = self.index.names.get(name_key(str(part))) or self.names.get(name_key(str(part)))
        if meant and len(meant) == 1:
            return (
                f"{str(part)!r} is a name of {meant[0]}: list generic names, as medicines.yaml does"
            )
        close = similar(str(part), [*self.index.medicines, *self.generics])
        if close:
            return f"did you mean {close[0]!r}?"
        return (
            "list generic names from spinecheck/medicines/medicines.yaml, or add the medicine "
            "under medicines"
        )

    def _check_strengths(self, product: Any, strengths: Any) -> None:
        where: Where = ("mme", "fixed_strengths", product)
        key = name_key(str(product))
        generics = self.names.get(key) or self.index.names.get(key)
        if generics is None:
            self.add(
                where,
                f"unknown product {str(product)!r}",
                "name it under combinations (or a medicine's names) first",
                at_key=True,
            )
            return
        generic_name = key in {name_key(g) for g in (*self.index.medicines, *self.generics)}
        if generic_name or key in self.index.spanish_generics:
            said = f"{str(product)!r} is a generic name"
        elif key not in self.names and len(generics) == 1:
            said = f"{str(product)!r} is a built-in name of {generics[0]} alone"
        else:
            said = ""
        if said:
            self.add(
                where,
                f"{said}: its strength varies, so the name gives none",
                "give fixed strengths to a product whose name says its strength, named in "
                "this file (under combinations or a medicine's names), or to a built-in "
                "combination",
                at_key=True,
            )
            return
        if not isinstance(strengths, dict) or not strengths:
            self.add(
                where,
                f"{product}: expected the mg of each medicine",
                "such as {acetaminophen: 325}",
            )
            return
        built_in = self.index.mme.fixed_strengths.get(key, {})
        for generic, mg in strengths.items():
            here = (*where, generic)
            if generic not in generics:
                self.add(
                    here,
                    f"{product} holds no {generic}",
                    f"its medicines are: {', '.join(generics)}",
                    at_key=True,
                )
                continue
            if isinstance(mg, bool) or not isinstance(mg, int | float) or not 0 < mg < math.inf:
                self.add(
                    here, f"{product}: the {generic} strength must be mg, a number", "such as 325"
                )
                continue
            low, high = self.index.mme.unit_strengths.get(generic, (0.0, 5000.0))
            if not low <= mg <= high:
                self.add(
                    here,
                    f"{mg:g} mg is not a strength {generic} comes in ({low:g} to {high:g} mg)",
                    "give the mg in one tablet, capsule or dose of the product",
                )
                continue
            if generic in built_in and built_in[generic] != mg:
                self.add(
                    here,
                    f"{product} is built in with {built_in[generic]:g} mg of {generic}",
                    "a product has one strength: if this is another strength of it, add it under "
                    "its own name (such as 'Robaxacet Extra Strength'); if the built-in one is "
                    "wrong, tell the spinecheck maintainers",
                )

    def _name_ok(self, name: Any, where: Where, *, at_key: bool = False) -> bool:
        if not isinstance(name, str) or not name.strip():
            self.add(
                where,
                f"{name!r} is not a name",
                "write names as text; quote a name that YAML reads as a number or yes/no",
                at_key=at_key,
            )
            return False
        if clean(name) != name:
            self.add(
                where,
                f"{name!r} holds a control character, which a terminal would obey",
                "remove control characters, escape sequences and direction marks",
                at_key=at_key,
            )
            return False
        return True

    def _name(
        self, name: Any, where: Where, generics: tuple[str, ...], *, at_key: bool = False
    ) -> None:
        """One name this file adds, checked against the built-in names and the file's own."""
        if not self._name_ok(name, where, at_key=at_key):
            return
        key = name_key(name)
        if not key:
            self.add(
                where,
                f"{name!r} is only words that say how a medicine is taken",
                "a name needs a word of its own, such as its brand",
                at_key=at_key,
            )
            return
        if key in _ordinary_words() or key in self.index.product_words:
            self.add(
                where,
                f"{name!r} is an ordinary word: in any patient's list it would be read as "
                f"{' + '.join(generics)}",
                "give the product's full name",
                at_key=at_key,
            )
            return
        built_in = self.index.names.get(key)
        if built_in is not None and set(built_in) != set(generics):
            shown = self.index.display.get(key, name)
            self.add(
                where,
                f"{name!r} is already a built-in name ({shown}) for {' + '.join(built_in)}",
                "a name means one thing: choose another name or remove this one; if the "
                "built-in meaning is wrong, tell the spinecheck maintainers",
                at_key=at_key,
            )
            return
        before = self.names.get(key)
        if before is not None and set(before) != set(generics):
            self.add(
                where,
                f"{name!r} is named twice in this file, as {' + '.join(before)} and as "
                f"{' + '.join(generics)}",
                "a name means one thing: remove one of them",
                at_key=at_key,
            )
            return
        self.names[key] = generics
