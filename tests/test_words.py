"""The tool's own words in every language it speaks (issue 27): nothing said in English alone."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import spinecheck
from spinecheck.words import ENGLISH, catalogs, words_for

PACKAGE = Path(spinecheck.__file__).parent


def _phrases() -> dict[str, list[str]]:
    """Every phrase the code looks up (`words("...")`, `self.words("...")`), with where."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name != "words":
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                found.setdefault(first.value, []).append(where)
    return found


def _indirect() -> set[str]:
    """Phrases kept in constants and looked up by name (the keys paragraphs, the walk's length)."""
    from spinecheck.render import patient_page
    from spinecheck.walk import arrow_keys, plain, wording

    return {
        arrow_keys.KEYS_HINT,
        plain.KEYS_HINT,
        wording.WALK_MINUTES,
        arrow_keys._MORE,
        patient_page.STANDING_NOTE,
    }


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_code_looks_up_its_words_by_literal_phrases():
    """The scan finds the walk's phrases (so a test below that passes is not passing on nothing)."""
    phrases = _phrases()
    assert len(phrases) > 100
    assert "Skip this question" in phrases
    assert "Part {part} of {parts}, {title}: question {number}." in phrases


@pytest.mark.parametrize("language", sorted(catalogs()))
def test_every_phrase_has_its_translation(language):
    table = catalogs()[language]
    wanted = set(_phrases()) | _indirect()
    missing = {p: _phrases().get(p, ["(a constant)"])[0] for p in sorted(wanted - set(table))}
    assert not missing, f"{len(missing)} phrases have no {language} text: {missing}"


@pytest.mark.parametrize("language", sorted(catalogs()))
def test_no_translation_is_left_over_from_a_phrase_the_code_no_longer_says(language):
    stale = set(catalogs()[language]) - set(_phrases()) - _indirect()
    assert not stale


@pytest.mark.parametrize("language", sorted(catalogs()))
def test_each_translation_keeps_the_fields_of_its_phrase(language):
    """'{number}' in the English is '{number}' in the translation: no number is lost."""
    wrong = {
        english: translated
        for english, translated in catalogs()[language].items()
        if _fields(english) != _fields(translated) or not translated.strip()
    }
    assert not wrong


def test_spanish_keys_mean_one_thing_each():
    """In Spanish 's' is sí (yes), never 'not sure'; no typed word means two answers."""
    spanish = words_for("es")
    assert {"s", "sí", "si"} <= spanish.yes
    assert {"n", "no"} <= spanish.no
    assert {"ns", "no sé", "no se"} <= spanish.unsure
    for language in (ENGLISH, spanish):
        assert not (language.yes & language.no)
        assert not (language.yes & language.unsure)
        assert not (language.no & language.unsure)
    assert (spanish.yes_key, spanish.no_key, spanish.unsure_key) == ("s", "n", "")
    assert (ENGLISH.yes_key, ENGLISH.no_key, ENGLISH.unsure_key) == ("y", "n", "s")


def test_spanish_hints_name_the_spanish_keys():
    """What the hints tell a Spanish speaker to press is what the walk reads."""
    spanish = catalogs()["es"]
    for english, translated in spanish.items():
        if re.search(r"\by for yes\b", english):
            assert re.search(r"\bs para sí\b", translated), translated


def test_a_language_spinecheck_lacks_falls_back_to_english():
    assert words_for("fr") is ENGLISH
    assert words_for(None) is ENGLISH
    assert words_for("es-US").language == "es"
    assert words_for("es")("Skip this question") != "Skip this question"
