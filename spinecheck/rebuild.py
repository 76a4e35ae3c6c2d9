"""Rebuild a questionnaire from data that already passed every check, without re-validating it.

Used only for data remembered by the hash of a file's exact text (see `loader.load_questionnaire`):
pydantic's validators cost more than everything else a `summary` does, and this data was validated
when it was remembered. Anything unexpected raises, and the caller then validates as usual.
"""

from __future__ import annotations

import functools
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel

from spinecheck.model import Questionnaire


def rebuild(data: Any) -> Questionnaire:
    """A `Questionnaire` built field by field from its (already checked) data."""
    built = _build(Questionnaire, data)
    if not isinstance(built, Questionnaire):
        raise TypeError("not a questionnaire")
    return built


@functools.cache
def _hints(model: type[BaseModel]) -> dict[str, Any]:
    """A model's field types, with our own annotation strings resolved by the typing module."""
    from spinecheck import model as module

    return typing.get_type_hints(model, globalns=vars(module), include_extras=True)


def _build(annotation: Any, value: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _build(typing.get_args(annotation)[0], value)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        for option in typing.get_args(annotation):
            if option is type(None):
                continue
            if _fits(option, value):
                return _build(option, value)
        raise TypeError(f"no type of {annotation} fits {type(value).__name__}")
    if origin is list:
        (item,) = typing.get_args(annotation)
        return [_build(item, v) for v in value]
    if origin is dict:
        key, item = typing.get_args(annotation)
        return {_build(key, k): _build(item, v) for k, v in value.items()}
    if origin is typing.Literal:
        return value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(value, dict):
            raise TypeError(f"{annotation.__name__} needs a mapping")
        fields = {}
        hints = _hints(annotation)
        for name, info in annotation.model_fields.items():
            key = info.alias or name
            if key in value:
                fields[name] = _build(hints[name], value[key])
        unknown = set(value) - {
            info.alias or name for name, info in annotation.model_fields.items()
        }
        if unknown:
            raise TypeError(f"unexpected keys {sorted(unknown)}")
        return annotation.model_construct(**fields)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation(value)
    if annotation is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if annotation in (str, int, bool, float) and not isinstance(value, annotation):
        raise TypeError(f"{value!r} is not {annotation.__name__}")
    return value


def _fits(option: Any, value: Any) -> bool:
    origin = typing.get_origin(option)
    if origin is typing.Annotated:
        return _fits(typing.get_args(option)[0], value)
    if origin is list:
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if isinstance(option, type) and issubclass(option, BaseModel):
        return isinstance(value, dict)
    if isinstance(option, type) and issubclass(option, Enum):
        return value in {member.value for member in option}
    if option is bool:
        return isinstance(value, bool)
    if option is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if option is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(option, type):
        return isinstance(value, option)
    return True
