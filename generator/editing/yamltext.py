"""New YAML text inserted into an existing file without re-serialising it.

The new text is rendered by us and read back with Frankly's own YAML reader
before use, so a message containing ``: ``, ``#`` or quotes cannot change
meaning. Where to insert is found from libyaml's node positions, not by
guessing from indentation: a new update right after the last item of
``updates:``, an apology or compensation block at the end of the file.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import yaml

from generator.editing.values import EditError, Markdown
from generator.input.yamlnodes import FORBIDDEN, YamlProblem, describe_character, position_at
from generator.input.yamlsource import compose_node, read_yaml

# ---------------------------------------------------------------- rendering new YAML text


def reads_back(text: str, expected: Any) -> bool:
    try:
        data, _ = read_yaml(text)
    except YamlProblem:
        return False
    return data == expected


def _quoted(value: str) -> str:
    # PyYAML's double-quoted style escapes everything YAML cannot hold literally.
    return yaml.safe_dump(value, default_style='"', width=float("inf"), allow_unicode=True).rstrip("\n")


def _inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text and text == text.strip() and "\n" not in text and reads_back(f"k: {text}\n", {"k": text}):
        return text
    return _quoted(text)


def _scalar_lines(key: str, value: Any, pad: str) -> list[str]:
    if isinstance(value, str):
        _refuse_forbidden(key, value)
    if isinstance(value, Markdown):
        body = [pad + "  " + line if line else "" for line in value.split("\n")]
        candidate = [f"{pad}{key}: |"] + body
        expected = {key: value + "\n"}
        if value and not value[0].isspace() and reads_back(textwrap.dedent("\n".join(candidate) + "\n"), expected):
            return candidate
        return [f"{pad}{key}: {_quoted(value + chr(10))}"]
    return [f"{pad}{key}: {_inline(value)}"]


def _refuse_forbidden(key: str, text: str) -> None:
    """Every text an editor gives passes here on its way into a file: refuse
    what no page or feed can carry, saying where, before anything is written."""
    match = FORBIDDEN.search(text)
    if match:
        where = position_at(text, match.start())
        raise EditError(
            f"the {key} contains {describe_character(match.group())} at line {where.line}, column {where.column} "
            "of the text; remove it. Nothing was written."
        )


def render_mapping(data: dict[str, Any], indent: int) -> list[str]:
    """Block-style YAML lines for ``data`` (str, Markdown, bool, dict, list values), ``indent`` spaces in."""
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += render_mapping(value, indent + 2)
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    lines += list_item(render_mapping(item, indent + 4), indent + 2, 2)
                else:
                    _refuse_forbidden(key, str(item))
                    lines.append(f"{pad}  - {_inline(item)}")
        else:
            lines += _scalar_lines(key, value, pad)
    return lines


def list_item(lines: list[str], dash_column: int, offset: int) -> list[str]:
    """Turn mapping lines indented dash_column+offset into one '- ' item of a block list."""
    first = lines[0][dash_column + offset:]
    return [" " * dash_column + "-" + " " * (offset - 1) + first] + lines[1:]


def plain_data(value: Any) -> Any:
    """What our YAML reader gives back for rendered data (Markdown blocks end with a newline)."""
    if isinstance(value, Markdown):
        return str(value) + "\n"
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return value


# ---------------------------------------------------------------- finding where to insert

_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029])|[^\r\n\x85\u2028\u2029]+$")


def split_lines(text: str) -> list[str]:
    """Lines with their line breaks, counted the way libyaml counts them."""
    return _LINE.findall(text)


def _nodes(node: yaml.Node, seen: set[int] | None = None):
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _nodes(key, seen)
            yield from _nodes(value, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _nodes(item, seen)


def _last_content_line(item: yaml.Node, lines: list[str]) -> int:
    """0-based index of the last line that holds part of ``item``.

    Block collections end where the next token starts (after any trailing
    comments and blank lines), so their own end mark is useless; the ends of
    the scalars and flow collections inside them are exact.
    """
    last = item.start_mark.line
    for node in _nodes(item):
        end = node.end_mark
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            # A block scalar's end mark is after its trailing blank lines.
            line = end.line
            if line >= len(lines) or not lines[line][: end.column].strip():
                line -= 1
            while line > node.start_mark.line and not lines[line].strip():
                line -= 1
            last = max(last, line)
        elif isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
            line = end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
            last = max(last, min(line, len(lines) - 1))
    return last


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _newline_of(text: str) -> str:
    match = re.search(r"\r\n|\n|\r", text)
    return match.group(0) if match else "\n"


def _position(file_shown: str, mark: Any) -> str:
    return f"{file_shown}:{mark.line + 1}:{mark.column + 1}"


def _root_mapping(text: str, shown: str) -> yaml.MappingNode:
    try:
        node = compose_node(text)
    except YamlProblem as exc:
        raise EditError(f"{shown}:{exc.position.line}:{exc.position.column}: {exc.message}\nFix the file first; nothing was written.") from None
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise EditError(f"{shown}:1:1: the file must be a block mapping of keys (title:, updates:, ...); nothing was written")
    return node


def _key_node(root: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def insert_update(text: str, item: dict[str, Any], shown: str) -> str:
    """``text`` with ``item`` appended to its top-level ``updates:`` list; everything else byte-identical."""
    root = _root_mapping(text, shown)
    found = _key_node(root, "updates")
    if found is None:
        raise EditError(f"{shown}:1:1: the file has no 'updates:' list; add the update by hand")
    key_node, sequence = found
    if not isinstance(sequence, yaml.SequenceNode) or not sequence.value:
        raise EditError(f"{_position(shown, key_node.start_mark)}: 'updates:' is not a list with at least one update; fix it by hand first")
    if sequence.flow_style:
        raise EditError(f"{_position(shown, sequence.start_mark)}: 'updates:' is written as a [flow, list]; write it as a '- ' list to use this command")
    lines = split_lines(text)
    last_item = sequence.value[-1]
    dash_column = _dash_column(lines, last_item)
    offset = last_item.start_mark.column - dash_column
    end = _last_content_line(last_item, lines)
    # Comments indented inside the last item belong to it.
    while end + 1 < len(lines) and _is_comment(lines[end + 1]) and _indent_of(lines[end + 1]) > dash_column:
        end += 1
    rendered = list_item(render_mapping(item, dash_column + offset), dash_column, offset)
    return _splice(text, lines, end + 1, rendered)


def mark_action_done(text: str, index: int, shown: str) -> str:
    """``text`` with the postmortem's action item ``index`` (0-based) marked ``done: true``:
    its ``done:`` value replaced in place, or the key added after the item's last
    line at the indentation of its keys. Everything else byte-identical."""
    root = _root_mapping(text, shown)
    found = _key_node(root, "postmortem")
    if found is None or not isinstance(found[1], yaml.MappingNode):
        raise EditError(f"{shown}: this entry has no postmortem yet; write it first: frankly postmortem SLUG")
    items = _key_node(found[1], "action_items")
    if items is None or not isinstance(items[1], yaml.SequenceNode) or not items[1].value:
        raise EditError(f"{_position(shown, found[0].start_mark)}: the postmortem has no action items to mark done")
    item = items[1].value[index]
    if not isinstance(item, yaml.MappingNode) or item.flow_style or items[1].flow_style:
        raise EditError(f"{_position(shown, item.start_mark)}: this action item is not written as a block of keys; mark it done by hand")
    done = _key_node(item, "done")
    if done is not None:
        value = done[1]
        if not isinstance(value, yaml.ScalarNode) or value.style is not None and value.style not in ("", None):
            raise EditError(f"{_position(shown, value.start_mark)}: 'done:' is not a plain true or false; change it by hand")
        return text[: value.start_mark.index] + "true" + text[value.end_mark.index:]
    lines = split_lines(text)
    end = _last_content_line(item, lines)
    return _splice(text, lines, end + 1, [" " * item.start_mark.column + "done: true"])


def _dash_column(lines: list[str], item: yaml.Node) -> int:
    line = lines[item.start_mark.line]
    before = line[: item.start_mark.column]
    column = before.rstrip(" ").rfind("-")
    if column < 0 or before[column + 1:].strip():
        raise EditError("the last update does not start with '- ' on its own line; add the update by hand")
    return column


def append_block(text: str, key: str, block: dict[str, Any], shown: str) -> str:
    """``text`` with a new top-level ``key:`` block at the end; refuses if ``key`` exists."""
    root = _root_mapping(text, shown)
    existing = _key_node(root, key)
    if existing is not None:
        raise EditError(f"{_position(shown, existing[0].start_mark)}: this entry already has '{key}:'; change it by hand if it must change")
    lines = split_lines(text)
    rendered = render_mapping({key: block}, root.start_mark.column)
    separator = [] if not lines or not lines[-1].strip() else [""]
    return _splice(text, lines, len(lines), separator + rendered)


def _splice(text: str, lines: list[str], at_line: int, new_lines: list[str]) -> str:
    newline = _newline_of(text)
    before = "".join(lines[:at_line])
    after = "".join(lines[at_line:])
    if before and not before.endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
        before += newline
    return before + newline.join(new_lines) + newline + after


def append_posted_to(text: str, index: int, link: dict[str, Any], shown: str) -> str:
    """``text`` with ``link`` added to the ``posted_to:`` list of update ``index`` (0-based),
    the list started when the update has none. Everything else byte-identical."""
    root = _root_mapping(text, shown)
    found = _key_node(root, "updates")
    if found is None or not isinstance(found[1], yaml.SequenceNode) or found[1].flow_style or index >= len(found[1].value):
        raise EditError(f"{shown}: update #{index + 1} is not in a '- ' list of updates; record the post by hand")
    item = found[1].value[index]
    if not isinstance(item, yaml.MappingNode) or item.flow_style:
        raise EditError(f"{_position(shown, item.start_mark)}: update #{index + 1} is not written as a block of keys; record the post by hand")
    lines = split_lines(text)
    existing = _key_node(item, "posted_to")
    if existing is None:
        column = item.start_mark.column
        end = _last_content_line(item, lines)
        rendered = [" " * column + "posted_to:"] + list_item(render_mapping(link, column + 4), column + 2, 2)
        return _splice(text, lines, end + 1, rendered)
    key_node, sequence = existing
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style or not sequence.value:
        raise EditError(f"{_position(shown, key_node.start_mark)}: 'posted_to:' is not a '- ' list; record the post by hand")
    last = sequence.value[-1]
    line = lines[last.start_mark.line]
    dash_column = line[: last.start_mark.column].rstrip(" ").rfind("-")
    if dash_column < 0 or line[dash_column + 1: last.start_mark.column].strip():
        raise EditError(f"{_position(shown, last.start_mark)}: the last posted_to entry does not start with '- '; record the post by hand")
    offset = last.start_mark.column - dash_column
    end = _last_content_line(last, lines)
    rendered = list_item(render_mapping(link, dash_column + offset), dash_column, offset)
    return _splice(text, lines, end + 1, rendered)


def insert_translation(text: str, path: tuple, language: str, fields: dict[str, Any], replace: bool, shown: str) -> str:
    """``text`` with ``fields`` written under ``translations: {language: ...}`` of the
    object at ``path`` (() is the entry itself): the mappings are started when
    absent, new lines are inserted and nothing else changes; a field already
    there is refused, or with ``replace`` its lines (only) are written anew."""
    node: yaml.Node = _root_mapping(text, shown)
    for part in path:
        found = _key_node(node, part) if isinstance(part, str) else None
        child = found[1] if found else node.value[part] if isinstance(node, yaml.SequenceNode) else None
        if child is None or getattr(child, "flow_style", False) or not isinstance(child, (yaml.MappingNode, yaml.SequenceNode)):
            raise EditError(f"{_position(shown, node.start_mark)}: '{part}' is not written as a block of keys; add the translation by hand")
        node = child
    lines = split_lines(text)
    existing = _key_node(node, "translations")
    column = node.start_mark.column
    if existing is None:
        rendered = render_mapping({"translations": {language: fields}}, column)
        # The entry's own translations go at the end of the file; a part's after its last line.
        end = _last_content_line(node, lines) + 1 if path else len(lines)
        return _splice(text, lines, end, rendered)
    key_node, translations = existing
    if _empty_flow(translations):  # translations: {} becomes lines
        return _rewrite(text, lines, key_node, translations, render_mapping({"translations": {language: fields}}, column))
    if not isinstance(translations, yaml.MappingNode) or translations.flow_style or not translations.value:
        raise EditError(f"{_position(shown, key_node.start_mark)}: 'translations:' is not written as lines of languages; "
                        "write it as lines (translations:, then one language per line) or add the translation by hand")
    found_language = _key_node(translations, language)
    if found_language is None:
        rendered = render_mapping({language: fields}, translations.value[0][0].start_mark.column)
        return _splice(text, lines, _last_content_line(translations, lines) + 1, rendered)
    language_key, block = found_language
    if _empty_flow(block):  # fr: {} becomes lines
        return _rewrite(text, lines, language_key, block, render_mapping({language: fields}, language_key.start_mark.column))
    if not isinstance(block, yaml.MappingNode) or block.flow_style or not block.value:
        raise EditError(f"{_position(shown, language_key.start_mark)}: 'translations: {language}:' is not written as lines of "
                        f"keys (e.g. {language}: {{}}); write its texts as lines below it, or add the translation by hand")
    for name, value in fields.items():
        present = _key_node(block, name)
        if present is not None and not replace:
            raise EditError(f"{_position(shown, present[0].start_mark)}: this {name} already has its {language} text; "
                            "give --replace to write it anew. Nothing was written.")
    key_column = block.value[0][0].start_mark.column
    new = {name: value for name, value in fields.items() if _key_node(block, name) is None}
    replaced = [(_key_node(block, name), name, value) for name, value in fields.items() if name not in new]
    # From the end of the file up, so the line numbers of what comes before stay right.
    if new:
        text = _splice(text, lines, _last_content_line(block, lines) + 1, render_mapping(new, key_column))
        lines = split_lines(text)
    for (key, value_node), name, value in sorted(replaced, key=lambda item: -item[0][0].start_mark.line):
        text = _rewrite(text, lines, key, value_node, render_mapping({name: value}, key_column))
        lines = split_lines(text)
    return text


def _empty_flow(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode) and bool(node.flow_style) and not node.value


def _rewrite(text: str, lines: list[str], key: yaml.Node, value: yaml.Node, rendered: list[str]) -> str:
    """``text`` with the lines of ``key: value`` replaced by ``rendered``."""
    kept = lines[: key.start_mark.line] + lines[_last_content_line(value, lines) + 1:]
    return _splice("".join(kept), kept, key.start_mark.line, rendered)
