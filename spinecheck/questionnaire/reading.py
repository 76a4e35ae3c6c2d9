"""Read YAML (and JSON) files safely, keeping the line and column of every key and item."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from spinecheck.errors import Problem, SpinecheckError

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 1_000_000
"""Files larger than this are refused before parsing (1 MB)."""

MAX_EXPANDED_NODES = 200_000
"""Aliases may repeat a node, but a document may not expand beyond this many nodes."""

MAX_DEPTH = 60
"""Deeper nesting than this is refused (no questionnaire or answer file needs it)."""

Path_ = tuple[str | int, ...]

MAX_DIGITS = 50
"""Longer runs of digits are read as text: no answer or setting needs them, and Python refuses
to turn very long ones into numbers."""


class Position(NamedTuple):
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass
class Document:
    """Parsed data plus where each part came from (worked out only when a problem needs it)."""

    data: Any
    label: str
    problems: list[Problem] = field(default_factory=list)
    """Problems found while parsing that did not stop it (duplicate keys)."""
    find_root: Callable[[], yaml.Node | None] | None = None
    """Gives the YAML node tree the positions are read from."""
    _keys: dict[Path_, Position] | None = None
    _values: dict[Path_, Position] | None = None

    def _positions(self) -> tuple[dict[Path_, Position], dict[Path_, Position]]:
        if self._keys is None or self._values is None:
            self._keys, self._values = {}, {}
            root = self.find_root() if self.find_root is not None else None
            if root is not None:
                from spinecheck.questionnaire.yaml_text import record_positions

                record_positions(root, (), self, set())
        return self._keys, self._values

    @property
    def keys(self) -> dict[Path_, Position]:
        """Where each mapping key and list item starts."""
        return self._positions()[0]

    @property
    def values(self) -> dict[Path_, Position]:
        """Where each value starts."""
        return self._positions()[1]

    def locate(self, path: Path_, *, value: bool = False) -> Position | None:
        """Return the position of `path`, or of its nearest ancestor that has one."""
        table = self.values if value else self.keys
        probe = tuple(path)
        while True:
            if probe in table:
                return table[probe]
            if value and probe in self.keys:
                return self.keys[probe]
            if not probe:
                return None
            probe = probe[:-1]

    def problem(
        self,
        path: Path_,
        message: str,
        *,
        hint: str | None = None,
        value: bool = False,
        question: str | None = None,
    ) -> Problem:
        """Build a `Problem` located at `path` in this document."""
        where = self.locate(path, value=value)
        return Problem(
            message,
            path=self.label,
            line=where.line if where else None,
            column=where.column if where else None,
            hint=hint,
            question=question,
        )


def show_text(value: object) -> str:
    """Text from a file quoted for a message, with control characters shown as escapes."""
    text = str(value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    return repr(shown)


def read_text(path: Path | str, *, label: str | None = None) -> tuple[str, str]:
    """Read a file (or standard input for `-`) as UTF-8 text, with clear errors for bad files.

    Returns the text and the label to use in messages.
    """
    import sys

    name = label or ("<stdin>" if str(path) == "-" else str(path))
    try:
        if str(path) == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            file = Path(path)
            if file.is_dir():
                raise SpinecheckError(
                    "is a folder, not a file", path=name, hint="give the path of a YAML file"
                )
            with file.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as err:
        raise SpinecheckError(
            "file not found", path=name, hint="check the path and the spelling"
        ) from err
    except PermissionError as err:
        raise SpinecheckError(
            "permission denied", path=name, hint="check that you may read this file"
        ) from err
    except OSError as err:
        raise SpinecheckError(f"cannot read the file: {err.strerror}", path=name) from err
    return decode(raw, name), name


def decode(raw: bytes, name: str) -> str:
    """Turn file bytes into text, refusing files that are too large, empty or not UTF-8."""
    if len(raw) > MAX_BYTES:
        raise SpinecheckError(
            f"file is larger than {MAX_BYTES // 1_000_000} MB",
            path=name,
            hint="a questionnaire or answer file is a few kilobytes; is this the right file?",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpinecheckError(
            "file is UTF-16 text", path=name, hint="save the file with UTF-8 encoding"
        )
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        before = raw[:at]
        line_start = before.rfind(b"\n") + 1
        raise SpinecheckError(
            "file contains binary data (NUL bytes, the first here)",
            path=name,
            line=before.count(b"\n") + 1,
            column=len(before[line_start:].decode("utf-8", "replace")) + 1,
            hint="save the file as plain UTF-8 text",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise SpinecheckError(
            "file is not valid UTF-8 text",
            path=name,
            line=line,
            hint="save the file with UTF-8 encoding",
        ) from err
    if not text.strip():
        raise SpinecheckError("file is empty", path=name, hint="the file must hold a YAML mapping")
    return text


def _json_int(text: str) -> int | str:
    """Whole numbers as numbers, except absurdly long ones, which stay text (never an error)."""
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else text


def _repair_text(data: Any) -> Any:
    """Lone surrogates (broken characters from JSON escapes) become U+FFFD, so text shows."""
    if isinstance(data, str):
        if any("\ud800" <= ch <= "\udfff" for ch in data):
            return data.encode("utf-8", "replace").decode("utf-8")
        return data
    if isinstance(data, dict):
        return {_repair_text(key): _repair_text(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_repair_text(value) for value in data]
    return data


def parse_json(text: str, label: str) -> Document:
    """Parse JSON text into a `Document`, with positions taken from the YAML node tree."""
    try:
        data = _repair_text(
            json.loads(
                text,
                object_pairs_hook=_no_duplicate_pairs,
                parse_int=_json_int,
                parse_constant=_no_constant,
            )
        )
    except json.JSONDecodeError as err:
        raise SpinecheckError(
            f"JSON syntax error: {err.msg}",
            path=label,
            line=err.lineno,
            column=err.colno,
            hint="check commas, quotes and brackets near this point",
        ) from err
    except _NotJsonError as err:
        before = text[: max(text.find(err.word), 0)]
        raise SpinecheckError(
            f"{err.word} is not a JSON value",
            path=label,
            line=before.count("\n") + 1,
            column=len(before) - before.rfind("\n"),
            hint="give a number, or leave the answer out",
        ) from err
    except _DuplicateKeyError as err:
        where = _duplicate_at(text, err.key)
        raise SpinecheckError(
            f"duplicate key {show_text(err.key)}",
            path=label,
            line=where.line if where else None,
            column=where.column if where else None,
            hint="each key may appear once in an object; remove or rename one of them",
        ) from err
    except RecursionError as err:
        raise _too_deep(label, text) from err
    _check_json_size(data, label, text)

    def find_root() -> yaml.Node | None:
        # JSON is (nearly) YAML: borrow its positions when it parses; they are only for messages.
        import yaml

        from spinecheck.questionnaire.yaml_text import Loader

        loader = Loader(text)
        try:
            root: yaml.Node | None = loader.get_single_node()
            return root
        except (yaml.YAMLError, RecursionError):
            return None
        finally:
            loader.dispose()

    return Document(data=data, label=label, find_root=find_root)


def parse_yaml(text: str, label: str) -> Document:
    """Parse YAML text into a `Document` (PyYAML is imported only when YAML is read)."""
    from spinecheck.questionnaire.yaml_text import parse_yaml as parse

    return parse(text, label)


def plain_reads_as_text(value: str) -> bool:
    """Whether `value`, written unquoted, reads back as this text by the YAML 1.2 core schema.

    '0E0', 'null' and 'true' do not.
    """
    from spinecheck.questionnaire.yaml_text import plain_reads_as_text as reads

    return reads(value)


def parse_document(text: str, label: str) -> Document:
    """Parse JSON when the file looks like JSON (by name or first character), else YAML."""
    if label.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        return parse_json(text, label)
    return parse_yaml(text, label)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _NotJsonError(Exception):
    """NaN or Infinity: Python's reader takes them, JSON has no such values."""

    def __init__(self, word: str) -> None:
        super().__init__(word)
        self.word = word


def _no_constant(word: str) -> Any:
    raise _NotJsonError(word)


def _no_duplicate_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _duplicate_at(text: str, key: str) -> Position | None:
    """Where the second `key` of one JSON object is (JSON read as YAML for its positions)."""
    import yaml

    from spinecheck.questionnaire.yaml_text import Loader, position

    loader = Loader(text)
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    waiting = [root] if root is not None else []
    while waiting:
        node = waiting.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    if key in seen:
                        return position(key_node.start_mark)
                    seen.add(key)
                waiting.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            waiting.extend(node.value)
    return None


def _check_json_size(data: Any, label: str, text: str) -> None:
    """The limits a YAML file has (depth, number of values), for JSON: one message each.

    Raises:
        SpinecheckError: the data is nested too deeply or holds too many values.
    """
    total = 0
    waiting: list[tuple[Any, int]] = [(data, 0)]
    while waiting:
        value, depth = waiting.pop()
        total += 1
        if depth > MAX_DEPTH:
            raise _too_deep(label, text)
        if isinstance(value, dict):
            total += len(value)  # the keys count, as in YAML
            waiting.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            waiting.extend((child, depth + 1) for child in value)
        if total > MAX_EXPANDED_NODES:
            raise SpinecheckError(
                f"the file holds more than {MAX_EXPANDED_NODES:,} values",
                path=label,
                line=1,
                hint="an answer file holds a few hundred; is this the right file?",
            )


def _too_deep(label: str, text: str) -> SpinecheckError:
    """The error for JSON nested deeper than MAX_DEPTH, at the bracket that goes too deep."""
    depth, inside, escaped, line, column = 0, False, False, 1, 0
    for character in text:
        column += 1
        if character == "\n":
            line, column = line + 1, 0
        if inside:
            escaped = not escaped and character == "\\"
            inside = escaped or character != '"'
        elif character == '"':
            inside = True
        elif character in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                break
        elif character in "]}":
            depth -= 1
    return SpinecheckError(
        f"the file is nested more than {MAX_DEPTH} levels deep",
        path=label,
        line=line,
        column=column,
        hint="flatten the structure",
    )
