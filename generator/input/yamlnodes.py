"""libyaml's events composed into nodes, within limits, one loop and no recursion.

PyYAML's own composers recurse once per level of nesting: 100,000 levels
crash the C one (a stack overflow, the process dies) and the Python one ends
in RecursionError; and they expand aliases without bound (a "billion laughs"
file of 1 KB asks for gigabytes). This composer reads the same events with an
explicit stack and stops at the first limit of :mod:`generator.input.limits`
that a file crosses, with the limit and the position in the message. It is as
fast as the C composer: libyaml still does the parsing.

Before libyaml sees the text, the characters no page or feed can carry are
refused with their position (see :data:`FORBIDDEN`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from generator.input.limits import LIMITS, Limits


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


class YamlProblem(Exception):
    """A syntax error, duplicate key or other reason the file cannot be read."""

    def __init__(self, position: Position, message: str):
        super().__init__(message)
        self.position = position
        self.message = message


def position_of(mark: Any) -> Position:
    """libyaml's 0-based mark as the editor's 1-based line and column.

    They agree because the line breaks libyaml counts and editors do not
    (NEL, U+2028, U+2029) are refused before parsing."""
    return Position(mark.line + 1, mark.column + 1)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def position_at(text: str, index: int) -> Position:
    """The editor's line and column of the character at ``index`` of ``text``."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return Position(line, index - start + 1)


#: What text may not contain: what XML 1.0 cannot carry (C0 controls but tab
#: and line breaks, lone surrogates, U+FFFE and U+FFFF), DEL and the C1
#: controls, the other noncharacters (U+FDD0-U+FDEF, the last two of each
#: plane), and the line breaks YAML counts but editors do not see (NEL U+0085,
#: U+2028, U+2029). Pages, feeds and JSON carry everything else. Written as
#: the negation of what is allowed: ten times faster to search than the list.
FORBIDDEN = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd"
    + "".join(f"{chr(plane * 0x10000)}-{chr(plane * 0x10000 + 0xFFFD)}" for plane in range(1, 17))
    + "]"
)

#: The YAML 1.2 core schema: which plain scalars are not text, by first character.
STR, MAP, SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
BOOL, NULL, INT, FLOAT = (f"tag:yaml.org,2002:{name}" for name in ("bool", "null", "int", "float"))
CORE_SCHEMA = {
    BOOL: (re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    NULL: (re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    INT: (re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
    FLOAT: (
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        "-+0123456789.",
    ),
}
_BY_FIRST: dict[str, list[tuple[str, re.Pattern]]] = {}
for _tag, (_pattern, _firsts) in CORE_SCHEMA.items():
    for _first in _firsts:
        _BY_FIRST.setdefault(_first, []).append((_tag, _pattern))


def resolve_plain(text: str) -> str:
    """The tag of a plain (unquoted) scalar: only what the core schema says is not text."""
    for tag, pattern in _BY_FIRST.get(text[:1], ()):
        if pattern.match(text):
            return tag
    return STR


_INVISIBLE_BREAKS = {"\x85": "next line", "\u2028": "line separator", "\u2029": "paragraph separator"}


def describe_character(char: str) -> str:
    """'U+0000 (a control character)': a forbidden character named without printing it."""
    code = ord(char)
    if char in _INVISIBLE_BREAKS:
        kind = f"a {_INVISIBLE_BREAKS[char]}, which YAML reads as a line break that editors do not show"
    elif unicodedata.category(char) == "Cc":
        kind = "a control character"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "half of a surrogate pair"
    else:
        kind = "a noncharacter"
    return f"U+{code:04X} ({kind})"


def check_characters(text: str) -> None:
    """Refuse the first forbidden character of a file's text, at its position."""
    match = FORBIDDEN.search(text)
    if match is None:
        return
    char = match.group()
    fix = "replace it with a real line break" if char in _INVISIBLE_BREAKS else "no page or feed can carry it: remove it"
    raise YamlProblem(position_at(text, match.start()), f"the file contains {describe_character(char)}; {fix}")


_SCALAR, _SEQUENCE, _MAPPING = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
_SCALAR_EVENT, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent


class _Open:
    """A list or mapping whose items are still being read."""

    __slots__ = ("node", "key", "size")

    def __init__(self, node: yaml.Node):
        self.node = node
        self.key: yaml.Node | None = None  # a mapping's key waiting for its value
        self.size = 1  # values in it, aliases expanded


def compose(loader: "yaml.cyaml.CParser", limits: Limits = LIMITS) -> yaml.Node | None:
    """The one document of the stream ``loader`` parses, as nodes; None when empty.

    Tags are resolved by the core schema (:data:`CORE_SCHEMA`); each node has
    ``explicit``, whether its tag was written (``!!int 3``) rather than
    resolved. Raises :class:`YamlProblem`, and lets libyaml's own syntax
    errors (``yaml.MarkedYAMLError``) through.
    """
    get_event = loader.get_event
    get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    get_event()  # document start
    anchors: dict[str, yaml.Node] = {}
    sizes: dict[int, int] = {}  # id(node) -> values in it, aliases expanded
    stack: list[_Open] = []
    total = 0
    while True:
        event = get_event()
        cls = event.__class__
        if cls is _SCALAR_EVENT:
            value, tag = event.value, event.tag
            explicit = tag is not None and tag != "!"
            if not explicit:
                tag = resolve_plain(value) if event.implicit[0] else STR
            node = _SCALAR(tag, value, event.start_mark, event.end_mark, event.style)
            node.explicit = explicit
            if len(value) > limits.text_chars:
                raise YamlProblem(
                    position_of(event.start_mark),
                    f"this text is {len(value):,} characters long, more than the {limits.text_chars:,} one value "
                    "may hold; publish a document this long elsewhere and link to it",
                )
            if event.style == '"':  # only escapes can bring characters the file's text did not show
                match = FORBIDDEN.search(value)
                if match:
                    raise YamlProblem(
                        position_of(event.start_mark),
                        f"this text contains {describe_character(match.group())}, written as an escape; "
                        "no page or feed can carry it: remove it",
                    )
            if event.anchor is not None:
                _anchor(anchors, event, node)
            size = 1
        elif cls is _MAPPING_START or cls is _SEQUENCE_START:
            if len(stack) >= limits.depth:
                raise YamlProblem(
                    position_of(event.start_mark),
                    f"lists and mappings are nested more than {limits.depth} levels deep here; "
                    "an incident needs about 5: write this part flatter",
                )
            kind = _MAPPING if cls is _MAPPING_START else _SEQUENCE
            tag = event.tag
            explicit = tag is not None and tag != "!"
            node = kind(tag if explicit else (MAP if kind is _MAPPING else SEQ), [], event.start_mark, None, event.flow_style)
            node.explicit = explicit
            if event.anchor is not None:
                _anchor(anchors, event, node)
            stack.append(_Open(node))
            total += 1
            continue
        elif cls is _MAPPING_END or cls is _SEQUENCE_END:
            frame = stack.pop()
            node, size = frame.node, frame.size
            node.end_mark = event.end_mark
            sizes[id(node)] = size
            total -= 1  # counted when it opened; its values were counted one by one
        elif cls is _ALIAS:
            node = anchors.get(event.anchor)
            if node is None:
                raise YamlProblem(position_of(event.start_mark), f"the alias *{event.anchor} refers to no anchor &{event.anchor} written before it")
            size = sizes.get(id(node))
            if size is None:  # still open: the alias is inside what it names
                parent = stack[-1]  # reported at the key that holds the alias, or at its list
                where = parent.key.start_mark if parent.key is not None else parent.node.start_mark
                raise YamlProblem(position_of(where), "an alias (*name) here refers to the mapping or list that contains it; write the values out")
        else:  # pragma: no cover - libyaml sends nothing else inside a document
            raise YamlProblem(position_of(event.start_mark), "unexpected YAML content")
        total += size
        if total > limits.nodes:
            raise YamlProblem(
                position_of(event.start_mark),
                f"this file holds more than {limits.nodes:,} values here (an alias counts as all it repeats); "
                "an incident holds a few hundred: write the values out instead of repeating aliases",
            )
        if not stack:
            break
        parent = stack[-1]
        parent.size += size
        items = parent.node.value
        if parent.node.__class__ is _SEQUENCE:
            items.append(node)
        elif parent.key is None:
            parent.key = node
            continue
        else:
            items.append((parent.key, node))
            parent.key = None
        if len(items) > limits.items:
            what = "list has more than {:,} items" if parent.node.__class__ is _SEQUENCE else "mapping has more than {:,} keys"
            raise YamlProblem(position_of(parent.node.start_mark), "this " + what.format(limits.items) + "; split it or shorten it")
    get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        event = get_event()
        raise YamlProblem(
            position_of(event.start_mark),
            "a second YAML document starts here ('---'); a file holds one entry: move it to a file of its own",
        )
    return node


def _anchor(anchors: dict[str, yaml.Node], event: Any, node: yaml.Node) -> None:
    if event.anchor in anchors:
        first = position_of(anchors[event.anchor].start_mark)
        raise YamlProblem(position_of(event.start_mark), f"the anchor &{event.anchor} is defined twice (first at line {first.line}); rename one of them")
    anchors[event.anchor] = node
