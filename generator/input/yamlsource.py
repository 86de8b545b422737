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
* A file must not exhaust the machine: nodes are composed within the limits of
  :mod:`generator.input.limits` (:mod:`generator.input.yamlnodes`), and
  scalars are built by our own core-schema rules, never by PyYAML's
  constructors (a tag that does not fit its value is a problem, not a crash).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.input.limits import LIMITS
from generator.input.yamlnodes import (
    BOOL, CORE_SCHEMA, FLOAT, INT, MAP, NULL, SEQ, STR, Position, YamlProblem, check_characters, compose, position_of,
)

Path_ = tuple[str | int, ...]


class _Loader(yaml.cyaml.CParser):
    """libyaml's parser alone: composing (yamlnodes.compose) and building the
    data (_walk, _scalar) are ours, by the YAML 1.2 core schema."""


_WANTED = {BOOL: "true or false", NULL: "null or nothing", INT: "a whole number", FLOAT: "a number"}


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

    def has(self, path: Path_) -> bool:
        """Whether the file holds a value at ``path`` (not only a parent of it)."""
        return path in self._loaded().values


class _NodeSourceMap:
    """A SourceMap made from a composed node tree when first asked."""

    def __init__(self, node: yaml.Node):
        self._node: yaml.Node | None = node
        self._map: SourceMap | None = None

    def _loaded(self) -> SourceMap:
        if self._map is None:
            self._map = SourceMap()
            _walk(self._node, (), self._map, build=False)
            self._node = None
        return self._map

    def value(self, path: Path_) -> Position:
        return self._loaded().value(path)

    def key(self, path: Path_) -> Position:
        return self._loaded().key(path)

    def __getattr__(self, name: str):  # .values, .keys and anything else a SourceMap has
        return getattr(self._loaded(), name)


def _tag_name(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _shortened(text: str, keep: int = 40) -> str:
    return text if len(text) <= keep else text[:keep] + "…"


def _scalar(node: yaml.ScalarNode) -> Any:
    """A scalar by the YAML 1.2 core schema; an explicit tag must fit its text.

    PyYAML's constructors are not used: given a tag, they raise ValueError,
    TypeError and worse on text the tag cannot hold (``!!int abc``), and they
    know tags no incident needs (``!!timestamp``, ``!!binary``).
    """
    tag, text = node.tag, node.value
    if tag == STR:
        return _shared(text)
    if tag in (MAP, SEQ):
        raise YamlProblem(position_of(node.start_mark), f"the tag {_tag_name(tag)} does not fit a single value; remove the tag")
    if tag not in CORE_SCHEMA:
        raise YamlProblem(position_of(node.start_mark), f"the tag {_tag_name(tag)} is not supported; remove it and write the value as plain text")
    if not CORE_SCHEMA[tag][0].match(text):
        raise YamlProblem(
            position_of(node.start_mark),
            f"'{_shortened(text)}' is not {_WANTED[tag]}, as its tag {_tag_name(tag)} says; remove the tag or fix the value",
        )
    if tag == BOOL:
        return text[0] in "tT"
    if tag == NULL:
        return None
    digits = len(text.lstrip("+-").removeprefix("0o").removeprefix("0x"))
    if digits > LIMITS.number_digits:
        raise YamlProblem(
            position_of(node.start_mark),
            f"this number has {digits:,} digits; the numbers Frankly reads have at most {LIMITS.number_digits}",
        )
    if tag == INT:
        if text.startswith("0o"):
            return int(text[2:], 8)
        return int(text, 16) if text.startswith("0x") else int(text)
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    return float("nan") if lowered == ".nan" else float(text)


def _walk(node: yaml.Node, path: Path_, smap: SourceMap | None, build: bool = True) -> Any:
    """Reject what YAML allows but editors never mean, record positions in
    ``smap`` if given, and (``build``) return the data.

    Depth is bounded by the composer's limits, so recursion here is safe.
    """
    if smap is not None:
        smap.values[path] = position_of(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        if node.tag != MAP:
            raise YamlProblem(position_of(node.start_mark), f"the tag {_tag_name(node.tag)} does not fit a mapping; remove the tag")
        seen: dict[str, Position] = {}
        data: dict | None = {} if build else None
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(position_of(key_node.start_mark), "a key must be plain text, not a list or mapping")
            if key_node.explicit:
                raise YamlProblem(position_of(key_node.start_mark), f"a key must be plain text, without a tag ({_tag_name(key_node.tag)}); remove the tag")
            key = key_node.value
            if key == "<<":
                raise YamlProblem(position_of(key_node.start_mark), "merge keys (<<) are not supported; write the keys out")
            if key in seen:
                first = seen[key]
                raise YamlProblem(
                    position_of(key_node.start_mark),
                    f"duplicate key '{_shortened(key)}' (first at line {first.line}); "
                    "YAML would silently keep only the last one: remove or rename one of them",
                )
            seen[key] = position_of(key_node.start_mark)
            if smap is not None:
                smap.keys[path + (key,)] = seen[key]
            value = _walk(value_node, path + (key,), smap, build)
            if data is not None:
                # A key is the text written: `1:` and `true:` are names, not a number and a boolean.
                data[_shared(key)] = value
        return data
    if isinstance(node, yaml.SequenceNode):
        if node.tag != SEQ:
            raise YamlProblem(position_of(node.start_mark), f"the tag {_tag_name(node.tag)} does not fit a list; remove the tag")
        items = [_walk(item, path + (index,), smap, build) for index, item in enumerate(node.value)]
        return items if build else None
    return _scalar(node) if build else None


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


def _composed(text: str) -> yaml.Node | None:
    """The node tree of ``text``, or YamlProblem with the editor's position."""
    check_characters(text)
    loader = _Loader(text)
    try:
        return compose(loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = position_of(mark) if mark else Position(1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        lines = text.splitlines()
        line = lines[where.line - 1] if 0 < where.line <= len(lines) else ""
        raise YamlProblem(where, f"YAML syntax error: {what}; {_hint(exc.problem or '', line)}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Position(1, 1), f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def read_yaml(text: str) -> tuple[Any, "SourceMap | _NodeSourceMap"]:
    """Parse one YAML document; return its data and where everything stands.

    Raises :class:`YamlProblem` for anything that makes the file unreadable.
    """
    node = _composed(text)
    if node is None:
        return None, SourceMap()
    data = _walk(node, (), None)
    # Positions are needed only to report a problem: most files have none,
    # so the map is made on first use (a third of the time of reading a file).
    return data, _NodeSourceMap(node)


def compose_node(text: str) -> yaml.Node | None:
    """The document's node tree with libyaml's start and end marks (for byte-preserving edits).

    Raises :class:`YamlProblem` for anything that makes the file unreadable.
    """
    node = _composed(text)
    if node is not None:
        _walk(node, (), None, build=False)  # same checks and messages as loading (duplicate keys, tags)
    return node
