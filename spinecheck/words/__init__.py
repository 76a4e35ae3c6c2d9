"""The tool's own words (not the questionnaire's) in the patient's language.

The questionnaire's texts carry their translations in `questions.yaml`. What spinecheck itself
says (how to answer, the keys, the headings of the patient's page) is looked up here by its
English wording, as gettext does: English is the key, so a phrase without a translation is shown
in English rather than lost. `tests/test_words.py` checks that every phrase the code looks up has
its Spanish.

Typed answers and keys differ by language too: in Spanish `s` is *sí*, never "not sure" (that is
`ns` or "no sé"), so a key means one thing in each language.
"""

from __future__ import annotations

from collections.abc import Mapping


class Words:
    """The tool's words in one language: `words("Yes")` is 'Sí' in Spanish."""

    def __init__(self, language: str, table: Mapping[str, str], answers: _Answers) -> None:
        self.language = language
        self._table = table
        self.yes = answers.yes
        """Typed words read as yes (lower case, without the final full stop)."""
        self.no = answers.no
        """Typed words read as no."""
        self.unsure = answers.unsure
        """Typed words read as 'not sure' (where a question allows it)."""
        self.yes_key = answers.yes_key
        """The one letter that chooses yes in an arrow-key menu."""
        self.no_key = answers.no_key
        """The one letter that chooses no."""
        self.unsure_key = answers.unsure_key
        """The one letter that chooses 'not sure', or '' when the language has none that is
        not already yes or no (Spanish: the arrows reach it)."""
        self.months = answers.months
        """The months' short names, January first ('3 Dec 2026', '3 dic 2026')."""

    def __call__(self, text: str, /, **fields: object) -> str:
        """`text` in this language (as given when there is none), its {fields} filled in."""
        found = self._table.get(text, text)
        return found.format(**fields) if fields else found


class _Answers:
    """How yes, no and 'not sure' are typed in one language."""

    def __init__(
        self,
        yes: set[str],
        no: set[str],
        unsure: set[str],
        keys: tuple[str, str, str],
        months: str,
    ) -> None:
        self.months = tuple(months.split())
        self.yes = frozenset(yes)
        self.no = frozenset(no)
        self.unsure = frozenset(unsure)
        self.yes_key, self.no_key, self.unsure_key = keys


_ENGLISH_ANSWERS = _Answers(
    {"y", "yes", "yeah", "yep"},
    {"n", "no", "nope"},
    {"s", "not sure", "unsure", "don't know", "dont know", "i don't know", "i dont know",
     "i am not sure", "i'm not sure"},
    ("y", "n", "s"),
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
)  # fmt: skip

_SPANISH_ANSWERS = _Answers(
    # 'y' and 'yes' too: a patient switching between languages is never misread
    {"s", "sí", "si", "y", "yes", "claro"},
    {"n", "no"},
    {"ns", "no sé", "no se", "nose", "no estoy seguro", "no estoy segura",
     "no estoy seguro(a)", "no lo sé", "no lo se", "not sure"},
    ("s", "n", ""),
    "ene feb mar abr may jun jul ago sep oct nov dic",
)  # fmt: skip

ENGLISH = Words("en", {}, _ENGLISH_ANSWERS)
"""The tool's own wording."""

_LOADED: dict[str, Words] = {"en": ENGLISH}


def words_for(language: str | None) -> Words:
    """The words for `language` ('es', 'es-US'); English for one spinecheck has no words in."""
    code = (language or "en").split("-", 1)[0].split("_", 1)[0].lower()
    if code not in _LOADED:
        if code == "es":
            from spinecheck.words.spanish import SPANISH

            _LOADED[code] = Words("es", SPANISH, _SPANISH_ANSWERS)
        else:
            return ENGLISH
    return _LOADED[code]


def catalogs() -> dict[str, Mapping[str, str]]:
    """Every language's table of phrases, by language code (for the tests and `check`)."""
    from spinecheck.words.spanish import SPANISH

    return {"es": SPANISH}
