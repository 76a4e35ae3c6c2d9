"""YAML read by the YAML 1.2 core schema, with where each part came from.

Only imported when a YAML file is read: a JSON or FHIR answer file needs no PyYAML.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from spinecheck.errors import Problem, SpinecheckError, visible
from spinecheck.questionnaire.reading import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPANDED_NODES,
    Document,
    Path_,
    Position,
    show_text,
)

_BaseLoader: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


_PLAIN = "tag:spinecheck,2026:plain"
"""The tag our resolver gives an unquoted scalar, so YAML 1.2 rules can decide what it is."""

_YAML = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL = {
    "null": None, "Null": None, "NULL": None, "~": None, "": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}  # fmt: skip
_NOT_SPECIAL = object()


class Loader(_BaseLoader):  # type: ignore[misc, valid-type]  # CBaseLoader has no stubs
    """libyaml's parser and composer; every unquoted scalar is left for `_Builder` to read."""

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        """Tag every unquoted scalar as plain, for the YAML 1.2 rules to read."""
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        resolved: str = super().resolve(kind, value, implicit)
        return resolved


class _Builder:
    """Turns a YAML node tree into plain data with YAML 1.2 core-schema rules.

    `070` is 70 and `9:30` is text (YAML 1.1 read them as 56 and 570); `yes`, `no`, `on` and
    `off` are text; only true/false are booleans. Hexadecimal and octal forms stay text, so no
    number is silently misread. Tags that make objects, and tagged values that do not fit their
    tag, are refused with their line; a mapping key written twice is recorded.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.built: dict[int, Any] = {}
        self.building: set[int] = set()
        self.duplicates: list[tuple[str, yaml.Mark]] = []

    def build(self, node: yaml.Node) -> Any:
        known = self.built.get(id(node), _NOT_SPECIAL)
        if known is not _NOT_SPECIAL:
            return known
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if id(node) in self.building:
            raise self._error(node, "an alias refers to itself", "write the values out")
        self.building.add(id(node))
        result: Any
        if isinstance(node, yaml.SequenceNode):
            self._expect_tag(node, "seq")
            result = [self.build(item) for item in node.value]
        else:
            self._expect_tag(node, "map")
            result = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self._error(key_node, "a key must be plain text, not a list or mapping",
                                      "write the key as a word")  # fmt: skip
                key = self._scalar(key_node)
                if not isinstance(key, str):
                    key = key_node.value  # keys are read as written ('1:', 'yes:', 'null:')
                if key in result:
                    self.duplicates.append((key, key_node.start_mark))
                result[key] = self.build(value_node)
        self.building.discard(id(node))
        self.built[id(node)] = result
        return result

    def _expect_tag(self, node: yaml.Node, kind: str) -> None:
        if node.tag != _YAML + kind:
            raise self._tag_error(node)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        value: str = node.value
        tag = node.tag
        if tag == _PLAIN:
            return _plain(value)
        if tag == _YAML + "str":
            return value
        if tag == _YAML + "int" and _INT.fullmatch(value) and len(value) <= MAX_DIGITS:
            return int(value)
        if tag == _YAML + "float" and (_FLOAT.fullmatch(value) or value in _SPECIAL):
            number = _plain(value)
            if isinstance(number, int | float) and not isinstance(number, bool):
                return float(number)
        if tag == _YAML + "bool" and value in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return value.lower() == "true"
        if tag == _YAML + "null" and _SPECIAL.get(value, _NOT_SPECIAL) is None:
            return None
        raise self._tag_error(node)

    def _tag_error(self, node: yaml.Node) -> SpinecheckError:
        tag = str(node.tag).replace(_YAML, "!!")
        if tag in ("!!int", "!!float", "!!bool", "!!null"):
            return self._error(node, f"{show_text(node.value)} is not a valid {tag} value",
                               "remove the tag, or write a value that fits it")  # fmt: skip
        return self._error(node, f"YAML tags that make objects are not allowed: {show_text(tag)}",
                           "remove the tag (the part starting with !); these files hold plain "
                           "values only")  # fmt: skip

    def _error(self, node: yaml.Node, message: str, hint: str) -> SpinecheckError:
        mark = node.start_mark
        return SpinecheckError(
            message, path=self.label, line=mark.line + 1, column=mark.column + 1, hint=hint
        )


def _plain(value: str) -> Any:
    """An unquoted scalar by the YAML 1.2 core schema (decimal numbers only)."""
    special = _SPECIAL.get(value, _NOT_SPECIAL)
    if special is not _NOT_SPECIAL:
        return special
    first = value[0]
    if first.isdigit() or first in "+-.":
        if _INT.fullmatch(value):
            return int(value) if len(value) <= MAX_DIGITS else value
        if _FLOAT.fullmatch(value) and len(value) <= MAX_DIGITS:
            return float(value)
    return value


def plain_reads_as_text(value: str) -> bool:
    """Whether `value`, written unquoted, reads back as this text by the YAML 1.2 core schema.

    '0E0', 'null' and 'true' do not.
    """
    return bool(value) and isinstance(_plain(value), str)


def parse_yaml(text: str, label: str) -> Document:
    """Parse YAML text into a `Document`; duplicate keys are listed in `Document.problems`."""
    loader = Loader(text)
    builder = _Builder(label)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpinecheckError(
                "file is empty", path=label, hint="the file must hold a YAML mapping"
            )
        _check_size(node, label)
        data = builder.build(node)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or "YAML syntax error"
        context = f" ({err.context})" if err.context and err.problem else ""
        message = f"YAML syntax error: {problem}{context}"
        hint = "check indentation, colons and quotes on this line and the one before"
        lines = text.splitlines()
        line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
        if line_text[: mark.column + 1 if mark else 0].count("\t") or line_text.startswith("\t"):
            hint = "YAML does not allow tabs for indentation: use spaces"
        raise SpinecheckError(
            message,
            path=label,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint=hint,
        ) from err
    except yaml.reader.ReaderError as err:  # a character YAML does not allow in a file
        before = text[: err.position]
        raise SpinecheckError(
            f"this line holds the control character {visible(chr(err.character))}, "
            "which YAML does not allow",
            path=label,
            line=before.count("\n") + 1,
            column=err.position - (before.rfind("\n") + 1) + 1,
            hint="remove it: no one types this character; check where the text came from",
        ) from err
    except yaml.YAMLError as err:
        raise SpinecheckError(f"YAML error: {err}", path=label) from err
    except RecursionError as err:
        raise SpinecheckError(
            "the file is nested too deeply", path=label, hint="flatten the structure"
        ) from err
    finally:
        loader.dispose()
    document = Document(data=data, label=label, find_root=lambda: node)
    document.problems = [
        Problem(
            f"duplicate key {show_text(key)}",
            path=label,
            line=mark.line + 1,
            column=mark.column + 1,
            hint="each key may appear once in a mapping; remove or rename one of them",
        )
        for key, mark in builder.duplicates
    ]
    return document


def _check_size(root: yaml.Node, label: str) -> None:
    """Refuse alias bombs and absurd nesting before anything expands the tree."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise SpinecheckError(
                f"the file is nested more than {MAX_DEPTH} levels deep",
                path=label,
                line=node.start_mark.line + 1,
                hint="flatten the structure",
            )
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a cycle through an alias counts once
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                total += size(key, depth + 1) + size(value, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item, depth + 1)
        if total > MAX_EXPANDED_NODES:
            raise SpinecheckError(
                "the file expands to too many values (are aliases repeating each other?)",
                path=label,
                line=node.start_mark.line + 1,
                hint="write the values out, or use fewer nested aliases",
            )
        sizes[id(node)] = total
        return total

    size(root, 0)


def record_positions(node: yaml.Node, path: Path_, document: Document, active: set[int]) -> None:
    """Walk the node tree, remembering where each key and item starts.

    An alias is walked again under its new path, so a problem inside reused text points at the
    anchor's lines; `active` stops a recursive alias from looping.
    """
    if id(node) in active:
        return
    active.add(id(node))
    keys, values = document._keys, document._values
    assert keys is not None
    assert values is not None
    values.setdefault(path, position(node.start_mark))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*path, key)
            keys.setdefault(child, position(key_node.start_mark))
            record_positions(value_node, child, document, active)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            keys.setdefault(child, position(item.start_mark))
            record_positions(item, child, document, active)
    active.discard(id(node))


def position(mark: yaml.Mark) -> Position:
    """Where a YAML mark is, 1-based."""
    return Position(line=mark.line + 1, column=mark.column + 1)
