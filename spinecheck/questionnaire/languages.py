"""Texts in several languages, side by side in one questionnaire file.

Any text a patient reads may be written either as one string (the file's own language) or as a
mapping from language codes to strings:

    text:
      en: Do you have numbness between your legs?
      es: ¿Tiene entumecimiento entre las piernas?

Which keys hold such texts is said by the models themselves (`texts` and `text_maps` on each
model class). Ids, rules and conditions are never translated: every language shares them, so the
clinical logic cannot depend on wording. Reading a file picks one language out of the raw data
before the models are built; the same file gives one checked questionnaire per language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from msgspec import inspect as types

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese"}
"""Names for messages about a file; any other code is shown as itself."""

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
"""A BCP-47 language tag of the simple kind ('es', 'es-US', 'pt-BR')."""

PLACEHOLDER = re.compile(r"\{[a-z_]+:[A-Za-z0-9_.-]+\}")
"""An answer, contact, term or score filled into a text; every language keeps the same ones."""

Path_ = tuple[str | int, ...]


def language_in_words(code: str) -> str:
    """'Spanish' for es or es-US; an unknown code stands as itself."""
    return LANGUAGE_NAMES.get(code.split("-")[0], code)


def language_name(code: str) -> str:
    """'Spanish (es)' for messages; an unknown code stands as itself."""
    base = code.split("-")[0]
    return f"{LANGUAGE_NAMES[base]} ({code})" if base in LANGUAGE_NAMES else code


def declared(data: Any) -> list[str]:
    """The languages a raw questionnaire declares, its own (`language`, default en) first."""
    if not isinstance(data, dict):
        return ["en"]
    own = data.get("language", "en")
    found = [own if isinstance(own, str) else "en"]
    more = data.get("languages")
    if isinstance(more, list):
        found += [code for code in more if isinstance(code, str)]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class TextAt:
    """One translatable text of a raw file: where it is, and its words by language."""

    path: Path_
    value: Any
    """As written: a string (the file's own language) or a mapping of language codes."""

    def words(self, own: str) -> dict[Any, Any]:
        """The text by language code (a plain string is in the file's own language)."""
        return dict(self.value) if isinstance(self.value, dict) else {own: self.value}


def texts(data: Any, model: type[Any]) -> Iterator[TextAt]:
    """Every translatable text in raw `data` read as `model`, in file order."""
    found: list[TextAt] = []

    def keep(path: Path_, value: Any) -> Any:
        found.append(TextAt(path, value))
        return value

    _visit(data, types.type_info(model), (), keep)
    yield from found


def in_language(data: Any, model: type[Any], language: str, own: str) -> Any:
    """A copy of raw `data` with every text in `language` (in `own` where none is given).

    Text mappings become plain strings, so the models are built as from a one-language file;
    `language` is recorded as the questionnaire's language.
    """

    def pick(path: Path_, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        for code in (language, own):
            if isinstance(value.get(code), str):
                return value[code]
        return next((v for v in value.values() if isinstance(v, str)), value)

    picked = _visit(data, types.type_info(model), (), pick)
    if isinstance(picked, dict):
        others = [code for code in declared(data) if code != language]
        picked = {**picked, "language": language, "languages": others}
    return picked


def _language_neutral(value: Any) -> bool:
    """A plain text without a letter ('911', '116 123'): the same in every language."""
    return isinstance(value, str) and not any(char.isalpha() for char in value)


def problems(data: Any, model: type[Any]) -> Iterator[tuple[Path_, str, str, bool]]:
    """What is wrong with the languages of raw `data`: (path, message, hint, at the key?).

    Every declared language needs every text; a mapping names only declared languages, holds
    strings, and each language keeps the same placeholders as the file's own.
    """
    codes = declared(data)
    own = codes[0]
    raw = data.get("languages") if isinstance(data, dict) else None
    if isinstance(raw, list):
        for index, code in enumerate(raw):
            if not isinstance(code, str) or not LANGUAGE_CODE.match(code):
                yield (
                    ("languages", index),
                    f"'{code}' is not a language code",
                    "use a code such as es, fr or es-US (BCP-47)",
                    False,
                )
    for found in texts(data, model):
        words = found.words(own)
        for code, text in words.items():
            if code not in codes:
                yield (
                    (*found.path, code),
                    f"'{code}' is not a language this file declares",
                    f"the file declares {', '.join(codes)}; add '{code}' to `languages:` "
                    "at the top of the file, or correct the code",
                    True,
                )
            elif not isinstance(text, str):
                yield (
                    (*found.path, code),
                    f"the {language_name(code)} text is {type(text).__name__}, not words",
                    'put it in quotes, such as "988", so it is read as words',
                    False,
                )
            elif not text.strip():
                yield (
                    (*found.path, code),
                    f"the {language_name(code)} text is empty",
                    "write the text, or leave the language out of `languages:`",
                    False,
                )
        base = words.get(own)
        for code in codes:
            if code in words or _language_neutral(found.value):
                continue
            where = "this text" if isinstance(found.value, dict) else f"'{_short(found.value)}'"
            yield (
                found.path,
                f"{where} has no {language_name(code)} version",
                f"write it as a mapping, with '{code}:' beside '{own}:' (every language the file "
                "declares needs every text)",
                False,
            )
        if not isinstance(base, str):
            continue
        wanted = sorted(set(PLACEHOLDER.findall(base)))
        for code, text in words.items():
            if code == own or not isinstance(text, str):
                continue
            have = sorted(set(PLACEHOLDER.findall(text)))
            if have != wanted:
                yield (
                    (*found.path, code),
                    f"the {language_name(code)} text fills in {_list(have)}, "
                    f"but the {language_name(own)} text fills in {_list(wanted)}",
                    "keep every {…} exactly as in the first language: they are filled in "
                    "with answers, numbers and words, the same in every language",
                    False,
                )


def _short(text: Any) -> str:
    words = str(text).split()
    shown = " ".join(words[:8])
    return shown + (" …" if len(words) > 8 else "")


def _list(placeholders: list[str]) -> str:
    return ", ".join(placeholders) if placeholders else "nothing"


def _visit(data: Any, info: types.Type, path: Path_, action: Callable[[Path_, Any], Any]) -> Any:
    """`data` with `action` applied to every translatable text, following the model's types."""
    while isinstance(info, types.Metadata):
        info = info.type
    if isinstance(info, types.UnionType):
        for option in info.types:
            inner = option.type if isinstance(option, types.Metadata) else option
            if _fits(data, inner):
                return _visit(data, inner, path, action)
        return data
    if isinstance(info, types.ListType) and isinstance(data, list):
        return [_visit(item, info.item_type, (*path, n), action) for n, item in enumerate(data)]
    if isinstance(info, types.DictType) and isinstance(data, dict):
        return {k: _visit(v, info.value_type, (*path, k), action) for k, v in data.items()}
    if isinstance(info, types.StructType) and isinstance(data, dict):
        model = info.cls
        own_texts: frozenset[str] = getattr(model, "texts", frozenset())
        maps: frozenset[str] = getattr(model, "text_maps", frozenset())
        fields = {field.encode_name: field for field in info.fields}
        result = dict(data)
        for key, value in data.items():
            if key in own_texts and (isinstance(value, str | dict)):
                result[key] = action((*path, key), value)
            elif key in maps and isinstance(value, dict):
                result[key] = {
                    name: action((*path, key, name), text) if isinstance(text, str | dict) else text
                    for name, text in value.items()
                }
            elif key in fields and _may_hold_texts(fields[key].type):
                result[key] = _visit(value, fields[key].type, (*path, key), action)
        return result
    return data


def _fits(data: Any, info: types.Type) -> bool:
    if isinstance(info, types.StructType | types.DictType):
        return isinstance(data, dict)
    if isinstance(info, types.ListType):
        return isinstance(data, list)
    return False


_HOLDS: dict[type, bool] = {}


def _may_hold_texts(info: types.Type, seen: frozenset[type] = frozenset()) -> bool:
    """Whether a type can contain a translatable text anywhere inside (conditions cannot)."""
    while isinstance(info, types.Metadata):
        info = info.type
    if isinstance(info, types.UnionType):
        return any(_may_hold_texts(option, seen) for option in info.types)
    if isinstance(info, types.ListType):
        return _may_hold_texts(info.item_type, seen)
    if isinstance(info, types.DictType):
        return _may_hold_texts(info.value_type, seen)
    if isinstance(info, types.StructType):
        model = info.cls
        if model in _HOLDS:
            return _HOLDS[model]
        if model in seen:
            return False
        holds = bool(getattr(model, "texts", None) or getattr(model, "text_maps", None)) or any(
            _may_hold_texts(field.type, seen | {model}) for field in info.fields
        )
        _HOLDS[model] = holds
        return holds
    return False
