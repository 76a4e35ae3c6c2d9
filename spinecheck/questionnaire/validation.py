"""Every problem of a questionnaire's structure, each located, from the msgspec models.

msgspec stops at the first error of a value, so a value that does not fit is checked again
piece by piece (each key of a mapping, each item of a list) to find every problem in it.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from enum import Enum
from typing import Any, NamedTuple

import msgspec

from spinecheck.errors import similar
from spinecheck.questionnaire.answering import show_value

Path_ = tuple[str | int, ...]

_ID_HINT = "use lower-case letters, digits and underscores (ids start with a letter)"
_BOOL_HINT = "YAML reads unquoted yes/no/on/off as true/false: put the word in quotes"


class SchemaProblem(NamedTuple):
    """One structural problem: where it is, what is wrong, and what to do."""

    path: Path_
    message: str
    hint: str
    at_key: bool = False
    """True when the problem is the key itself (unknown, missing), not its value."""


def problems_of(
    data: Any, model: type[msgspec.Struct], known_keys: list[str]
) -> list[SchemaProblem]:
    """Every structural problem of `data` read as `model` (empty if it fits)."""
    found: list[SchemaProblem] = []
    _check(data, model, (), found, _Keys(known_keys))
    return found


class _Keys:
    """The known keys, with each unknown key's closest one worked out once."""

    def __init__(self, known: list[str]) -> None:
        self.known = known
        self.closest: dict[str, str | None] = {}

    def close_to(self, key: str) -> str | None:
        if key not in self.closest:
            found = similar(key, self.known, n=1, cutoff=0.75)
            self.closest[key] = found[0] if found else None
        return self.closest[key]


@functools.cache
def _fields(model: type[msgspec.Struct]) -> dict[str, Any]:
    """A struct's fields by their name in the file (msgspec works them out anew each call)."""
    return {info.encode_name: info for info in msgspec.structs.fields(model)}


def _check(value: Any, annotation: Any, path: Path_, out: list[SchemaProblem], keys: _Keys) -> None:
    try:
        msgspec.convert(value, annotation)
        return
    except msgspec.ValidationError as err:
        first = err
    before = len(out)
    inner = _unwrap(annotation)
    origin = typing.get_origin(inner)
    if isinstance(inner, type) and issubclass(inner, msgspec.Struct) and isinstance(value, dict):
        fields = _fields(inner)
        misspelt: set[str] = set()  # a key written wrongly is not missing as well
        for key in value:
            if key not in fields:  # this part's own keys first, then any part's
                close = next(iter(similar(str(key), list(fields))), None) or keys.close_to(str(key))
                hint = f"did you mean '{close}'?" if close else "remove it, or check its spelling"
                misspelt.add(close or "")
                message = f"unknown key '{key}'{_in(path)}"
                out.append(SchemaProblem((*path, key), message, hint, at_key=True))
        for name, info in fields.items():
            if name in value:
                _check(value[name], info.type, (*path, name), out, keys)
            elif info.required and name not in misspelt:
                out.append(
                    SchemaProblem(
                        path,
                        f"missing key '{name}'{_in(path)}",
                        _add_hint(inner, info.name, name),
                        at_key=True,
                    )
                )
    elif origin is list and isinstance(value, list):
        (item,) = typing.get_args(inner)
        for index, entry in enumerate(value):
            _check(entry, item, (*path, index), out, keys)
    elif origin is dict and isinstance(value, dict):
        _, item = typing.get_args(inner)
        for key, entry in value.items():
            _check(entry, item, (*path, key), out, keys)
    if len(out) == before:
        out.append(_from_error(first, value, path, annotation))


def _in(path: Path_) -> str:
    """' in region 'ca'' for a part named by its key in a mapping of parts ('' otherwise)."""
    if len(path) >= 2 and isinstance(path[-1], str) and isinstance(path[-2], str):
        kind = path[-2].replace("_", " ")
        kind = kind[:-1] if kind.endswith("s") else kind
        return f" in {kind} '{path[-1]}'"
    return ""


def _add_hint(model: type[msgspec.Struct], attribute: str, key: str) -> str:
    """What a missing key is for, from the model's docstring of it."""
    from spinecheck.questionnaire.schema import field_docstrings

    about = field_docstrings().get(model.__name__, {}).get(attribute, "")
    if not about:
        return "add it; see docs/questionnaire-format.md"
    return f"add '{key}:', {about[:1].lower()}{about[1:]}"


def _unwrap(annotation: Any) -> Any:
    """The type inside `Annotated[...]` and `... | None`, when it is a single one."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


_AT = re.compile(r" - at (?:`(?P<key>key)` in )?`(?P<path>\$[^`]*)`$")
_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[(?:'|\")?([^\]'\"]*)(?:'|\")?\]")


def _from_error(
    err: msgspec.ValidationError, value: Any, path: Path_, annotation: Any
) -> SchemaProblem:
    text = str(err)
    match = _AT.search(text)
    message = text[: match.start()] if match else text
    inner: Path_ = ()
    if match:
        for name, index, key in _PART.findall(match.group("path")[1:]):
            inner += (name,) if name else (int(index),) if index else (key,)
    where = (*path, *inner)
    field = next((p for p in reversed(where) if isinstance(p, str)), "value")
    at_key = bool(match and match.group("key"))  # a key of a mapping, such as an urgency
    shown = _value_at(value, inner)
    if at_key:
        shown = _bad_key(shown, annotation)
    found = _describe(message, field, shown, where, _allowed(annotation, key=at_key))
    if at_key and shown is not None:
        return found._replace(path=(*where, shown), at_key=True)
    return found


def _bad_key(mapping: Any, annotation: Any) -> Any:
    """The first key of `mapping` that its type refuses."""
    key_type = next(iter(typing.get_args(_unwrap(annotation))), str)
    for key in mapping or {}:
        try:
            msgspec.convert(key, key_type)
        except msgspec.ValidationError:
            return key
    return None


def _allowed(annotation: Any, *, key: bool) -> str:
    inner = _unwrap(annotation)
    if key and typing.get_origin(inner) is dict:
        inner = _unwrap(typing.get_args(inner)[0])
    elif typing.get_origin(inner) is dict:
        inner = _unwrap(typing.get_args(inner)[1])
    if isinstance(inner, type) and issubclass(inner, Enum):
        values = [str(member.value) for member in inner]
    elif typing.get_origin(inner) is typing.Literal:
        values = [str(v) for v in typing.get_args(inner)]
    else:
        return "another value"
    return "one of: " + ", ".join(f"'{v}'" for v in values)


_LENGTH_HINT = "make it fit; `spinecheck schema` describes what every key takes"
_KIND_HINT = "write a value of that kind; `spinecheck schema` describes what every key takes"


def _value_at(value: Any, inner: Path_) -> Any:
    for part in inner:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _describe(message: str, field: str, value: Any, where: Path_, allowed: str) -> SchemaProblem:
    if message.startswith("Invalid enum value"):
        return SchemaProblem(
            where, f"{show_value(value)} is not allowed for '{field}'", f"expected {allowed}"
        )
    if message.startswith("Expected `str") and "regex" in message:
        return SchemaProblem(
            where, f"{show_value(value)} is not a valid id or value for '{field}'", _ID_HINT
        )
    if message.startswith("Expected `str") and isinstance(value, bool):
        return SchemaProblem(
            where, f"expected text for '{field}', got {str(value).lower()}", _BOOL_HINT
        )
    if message.startswith("Expected `object"):
        return SchemaProblem(
            where,
            f"expected a mapping for '{field}', got {show_value(value)}",
            "write it as 'key: value' lines indented under it",
        )
    if message.startswith("Expected `array`, got") or message.startswith("Expected `array | null`"):
        return SchemaProblem(
            where,
            f"expected a list for '{field}', got {show_value(value)}",
            "write each item on its own line starting with '- '",
        )
    if " of length " in message or "length >=" in message or "length <=" in message:
        return SchemaProblem(where, f"'{field}': {_plain(message)}", _LENGTH_HINT)
    if message.startswith("Expected `"):
        return SchemaProblem(
            where, f"'{field}': {_plain(message)}, got {show_value(value)}", _KIND_HINT
        )
    # A check of the model itself (__post_init__): a condition or rule that is not well formed.
    return SchemaProblem(
        where, message, "see the conditions and rules sections of docs/questionnaire-format.md"
    )


def _plain(message: str) -> str:
    """Msgspec's 'Expected `int` >= 1' as 'expected a whole number of at least 1'."""
    text = message.split(", got")[0]
    words = {
        "`int": "a whole number",
        "`float": "a number",
        "`str": "text",
        "`bool": "true or false",
        "`array": "a list",
        "`object": "a mapping",
    }
    for code, word in words.items():
        text = text.replace(code, word)
    text = text.replace(" | null`", "").replace("`", "").replace("Expected", "expected")
    text = text.replace(">=", "of at least").replace("<=", "of at most")
    return text
