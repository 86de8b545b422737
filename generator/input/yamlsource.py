"""Read YAML with libyaml, remembering where every key and value stands.

Why not plain ``yaml.safe_load``:

* PyYAML keeps the last of two duplicate keys silently; an editor who pastes
  a second ``status:`` would lose the first without a word. We reject them.
* YAML 1.1 reads ``no``, ``yes``, ``on``, ``off`` as booleans, ``1:30`` as the
  number 90 and ``2026-11-20`` as a date object. We resolve scalars by the
  YAML 1.2 core schema instead (only ``true``/``false`` are booleans, and
  timestamps stay text so the model can insist on a time zone).
* Validation messages need ``LINE:COL`` for every value, so we keep a map from
  each path (``("updates", 2, "status")``) to the position of its value and of
  its key.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class _Loader(yaml.CSafeLoader):
    """libyaml parser with YAML 1.2 core-schema scalar resolution."""


# Start from no implicit resolvers at all, then add the YAML 1.2 core schema.
_Loader.yaml_implicit_resolvers = {}
_CORE_SCHEMA = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
]
for _tag, _pattern, _first in _CORE_SCHEMA:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = node.value
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 0) if text.startswith("0x") else int(text)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document stands."""

    values: dict[Path_, Position] = field(default_factory=dict)
    keys: dict[Path_, Position] = field(default_factory=dict)

    def value(self, path: Path_) -> Position:
        """Position of the value at ``path``, or of its nearest known parent."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Position(1, 1))

    def key(self, path: Path_) -> Position:
        """Position of the key that names ``path`` (falls back to the value)."""
        return self.keys.get(path) or self.value(path)


class FileSourceMap:
    """The positions of a file that already validated, read again only when asked.

    Keeping a full SourceMap per file costs ~18 MiB per 1,000 incidents, yet
    positions of a valid file are needed only if a later cross-file check
    reports a problem in it (an alias another file also claims, say).
    """

    def __init__(self, path: "os.PathLike[str] | str"):
        self.path = path
        self._map: SourceMap | None = None

    def _loaded(self) -> SourceMap:
        if self._map is None:
            try:
                with open(self.path, encoding="utf-8") as handle:
                    self._map = read_yaml(handle.read())[1]
            except (OSError, UnicodeDecodeError, YamlProblem):
                self._map = SourceMap()  # changed under us: report at 1:1 rather than fail
        return self._map

    def value(self, path: Path_) -> Position:
        return self._loaded().value(path)

    def key(self, path: Path_) -> Position:
        return self._loaded().key(path)


class _NodeSourceMap:
    """A SourceMap made from a composed node tree when first asked."""

    def __init__(self, node: yaml.Node):
        self._node: yaml.Node | None = node
        self._map: SourceMap | None = None

    def _loaded(self) -> SourceMap:
        if self._map is None:
            self._map = SourceMap()
            _walk(self._node, (), self._map)
            self._node = None
        return self._map

    def value(self, path: Path_) -> Position:
        return self._loaded().value(path)

    def key(self, path: Path_) -> Position:
        return self._loaded().key(path)

    def __getattr__(self, name: str):  # .values, .keys and anything else a SourceMap has
        return getattr(self._loaded(), name)


class YamlProblem(Exception):
    """A syntax error, duplicate key or other reason the file cannot be read."""

    def __init__(self, position: Position, message: str):
        super().__init__(message)
        self.position = position
        self.message = message


def _pos(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


_RECURSIVE_ALIAS = "an alias (*name) here refers to the mapping or list that contains it; write the values out"
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _walk(node: yaml.Node, path: Path_, smap: SourceMap | None, loader: "_Loader | None" = None,
          ancestors: frozenset[int] = frozenset()) -> Any:
    """Reject what YAML allows but editors never mean, record positions in
    ``smap`` if given, and with a ``loader`` return the data.

    Building the data here, in the same pass, replaces PyYAML's generic
    constructor for plain text, mappings and lists (most of a file, at a
    third of the cost); every other scalar goes to PyYAML's constructors.
    """
    if smap is not None:
        smap.values[path] = _pos(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        ancestors = ancestors | {id(node)}
        seen: dict[Any, Position] = {}
        data: dict | None = {} if loader is not None else None
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(_pos(key_node.start_mark), "a key must be plain text, not a list or mapping")
            key = key_node.value
            if key == "<<":
                raise YamlProblem(_pos(key_node.start_mark), "merge keys (<<) are not supported; write the keys out")
            if key in seen:
                first = seen[key]
                raise YamlProblem(
                    _pos(key_node.start_mark),
                    f"duplicate key '{key}' (first at line {first.line}); "
                    "YAML would silently keep only the last one: remove or rename one of them",
                )
            seen[key] = position = _pos(key_node.start_mark)
            if smap is not None:
                smap.keys[path + (key,)] = position
            if id(value_node) in ancestors:
                raise YamlProblem(position, _RECURSIVE_ALIAS)
            value = _walk(value_node, path + (key,), smap, loader, ancestors)
            if data is not None:
                data[_shared(key) if key_node.tag == _STR else loader.construct_object(key_node)] = value
        return data if node.tag == _MAP or loader is None else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        ancestors = ancestors | {id(node)}
        if any(id(item) in ancestors for item in node.value):
            raise YamlProblem(_pos(node.start_mark), _RECURSIVE_ALIAS)
        items = [_walk(item, path + (index,), smap, loader, ancestors) for index, item in enumerate(node.value)]
        return items if node.tag == _SEQ or loader is None else loader.construct_object(node, deep=True)
    if loader is None:
        return None
    return _shared(node.value) if node.tag == _STR else loader.construct_object(node)


def _shared(text: str) -> str:
    """One object per distinct short text (statuses, component ids, names):
    the model of 10,000 entries held ~100,000 copies of a few dozen words."""
    return sys.intern(text) if len(text) <= _SHARED_UP_TO else text


_SHARED_UP_TO = 40


def _hint(problem: str, line: str) -> str:
    """The usual fix for libyaml's most common complaints."""
    if "\t" in line[: len(line) - len(line.lstrip())] or "found character '\\t'" in problem:
        return "this line is indented with a tab; YAML needs spaces"
    if "mapping values are not allowed" in problem:
        return "text containing ': ' must be quoted (\"...\") or written as a block after '|' on the next lines"
    return "check the indentation, colons and quotes on this line and the one before"


def read_yaml(text: str) -> tuple[Any, "SourceMap | _NodeSourceMap"]:
    """Parse one YAML document; return its data and where everything stands.

    Raises :class:`YamlProblem` for anything that makes the file unreadable.
    """
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = _pos(mark) if mark else Position(1, 1)
            what = exc.problem or "invalid YAML"
            if exc.context:
                what = f"{exc.context}, {what}"
            line = text.splitlines()[where.line - 1] if 0 < where.line <= len(text.splitlines()) else ""
            raise YamlProblem(where, f"YAML syntax error: {what}; {_hint(exc.problem or '', line)}") from None
        except yaml.YAMLError as exc:  # e.g. "expected a single document"
            raise YamlProblem(Position(1, 1), f"YAML error: {exc}") from None
        if node is None:
            return None, SourceMap()
        try:
            data = _walk(node, (), None, loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise YamlProblem(_pos(mark) if mark else Position(1, 1), f"YAML error: {exc.problem}") from None
        # Positions are needed only to report a problem: most files have none,
        # so the map is made on first use (a third of the time of reading a file).
        return data, _NodeSourceMap(node)
    finally:
        loader.dispose()


def compose_node(text: str) -> yaml.Node | None:
    """The document's node tree with libyaml's start and end marks (for byte-preserving edits).

    Raises :class:`YamlProblem` for anything that makes the file unreadable.
    """
    read_yaml(text)  # same checks and messages as loading (syntax, duplicate keys)
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()
