"""Rebuild a questionnaire from data that already passed every check, without re-validating it.

Used only for data remembered by the hash of a file's exact text (see `loader.load_questionnaire`):
pydantic's validators cost more than everything else a `summary` does, and this data was validated
when it was remembered. Anything unexpected raises, and the caller then validates as usual.
"""

from __future__ import annotations

import copy
import functools
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from spinecheck.questionnaire.model import Questionnaire


def rebuild(data: Any) -> Questionnaire:
    """A `Questionnaire` built field by field from its (already checked) data."""
    built = _builder(Questionnaire)(data)
    if not isinstance(built, Questionnaire):
        raise TypeError("not a questionnaire")
    return built


Build = Callable[[Any], Any]
"""Turns checked plain data into the value of one annotation; raises if the data does not fit."""

_BUILDERS: dict[Any, Build] = {}


def _builder(annotation: Any) -> Build:
    """The builder for one annotation, made once per annotation and reused for every value."""
    try:
        return _BUILDERS[annotation]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation: build it without remembering
        return _make(annotation)
    made = _BUILDERS[annotation] = _make(annotation)
    return made


def _make(annotation: Any) -> Build:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _builder(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return _union([o for o in typing.get_args(annotation) if o is not type(None)])
    if origin is list:
        (item,) = typing.get_args(annotation)
        return _list(_builder(item))
    if origin is dict:
        key, item = typing.get_args(annotation)
        return _dict(_builder(key), _builder(item))
    if origin is typing.Literal:
        return _same
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    if annotation is float:
        return _float
    if annotation in (str, int, bool):
        return _exactly(annotation)
    return _same


def _same(value: Any) -> Any:
    return value


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    return float(value)


def _exactly(kind: type) -> Build:
    def build(value: Any) -> Any:
        if not isinstance(value, kind):
            raise TypeError(f"{value!r} is not {kind.__name__}")
        return value

    return build


def _list(item: Build) -> Build:
    def build(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise TypeError("expected a list")
        return [item(v) for v in value]

    return build


def _dict(key: Build, item: Build) -> Build:
    def build(value: Any) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise TypeError("expected a mapping")
        return {key(k): item(v) for k, v in value.items()}

    return build


def _union(options: list[Any]) -> Build:
    tests = [(_fits(option), option) for option in options]

    def build(value: Any) -> Any:
        if value is None:
            return None
        for fits, option in tests:
            if fits(value):
                return _builder(option)(value)
        raise TypeError(f"no type of {options} fits {type(value).__name__}")

    return build


def _model(model: type[BaseModel]) -> Build:
    """Builds a model from a mapping of its fields (by alias), with defaults as pydantic gives."""
    hints = _hints(model)
    fields_info = model.model_fields
    known = {info.alias or name for name, info in fields_info.items()}
    defaults = {name: info for name, info in fields_info.items() if not info.is_required()}
    # Builders of fields are looked up at the first use, as models refer to themselves.
    plan: list[tuple[str, str, Build]] = []
    # What `model_construct` does, without its per-field alias and default lookups (our models
    # have no private attributes, no extra fields and no post-init hook; a test compares both).
    new = object.__new__
    special = bool(model.__pydantic_post_init__ or model.__private_attributes__) or (
        model.model_config.get("extra") == "allow"
    )
    set_attribute = object.__setattr__

    def build(value: Any) -> BaseModel:
        if not isinstance(value, dict):
            raise TypeError(f"{model.__name__} needs a mapping")
        if not known.issuperset(value):
            raise TypeError(f"unexpected keys {sorted(set(value) - known)}")
        if not plan:
            plan.extend(
                (info.alias or name, name, _builder(hints[name]))
                for name, info in fields_info.items()
            )
        fields: dict[str, Any] = {}
        given: set[str] = set()
        for key, name, make in plan:
            if key in value:
                fields[name] = make(value[key])
                given.add(name)
            elif name in defaults:
                fields[name] = _default(defaults[name])
        if special:
            return model.model_construct(given, **fields)
        made = new(model)
        set_attribute(made, "__dict__", fields)
        set_attribute(made, "__pydantic_fields_set__", given)
        set_attribute(made, "__pydantic_extra__", None)
        set_attribute(made, "__pydantic_private__", None)
        return made

    return build


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]  # ours take no arguments
    default = info.default
    if default is None or isinstance(default, str | int | float | bool | tuple | frozenset):
        return default
    return copy.deepcopy(default)


@functools.cache
def _hints(model: type[BaseModel]) -> dict[str, Any]:
    """A model's field types, with our own annotation strings resolved by the typing module."""
    from spinecheck.questionnaire import model as module

    return typing.get_type_hints(model, globalns=vars(module), include_extras=True)


def _fits(option: Any) -> Callable[[Any], bool]:
    """A test of whether a value could be of this type (to choose within a union)."""
    origin = typing.get_origin(option)
    if origin is typing.Annotated:
        return _fits(typing.get_args(option)[0])
    if origin is list:
        return lambda value: isinstance(value, list)
    if origin is dict or (isinstance(option, type) and issubclass(option, BaseModel)):
        return lambda value: isinstance(value, dict)
    if isinstance(option, type) and issubclass(option, Enum):
        values = {member.value for member in option}
        return lambda value: value in values
    if option is bool:
        return lambda value: isinstance(value, bool)
    if option is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if option is float:
        return lambda value: isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(option, type):
        return lambda value: isinstance(value, option)
    return lambda value: True
