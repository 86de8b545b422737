"""Editing incident files during an outage: new, update, resolve, apologize, compensate.

Editors run these commands while things are on fire, so each edit must be
impossible to get subtly wrong and must never lose what is already written:

* The existing file is never re-serialised. Its text is kept byte for byte
  (comments, key order, quoting, blank lines) and only the new text is
  inserted: a new update right after the last item of ``updates:``, an
  apology or compensation block at the end of the file. Where to insert is
  found from libyaml's node positions, not by guessing from indentation.
* The new text is rendered by us and read back with Frankly's own YAML reader
  before use, so a message containing ``: ``, ``#`` or quotes cannot change
  meaning; after the insertion the whole file is read again and must hold
  exactly the old data plus the new part.
* The whole project is validated with the real :func:`load_all` on the
  would-be content (in a temporary copy) before anything is written, and the
  file is replaced atomically (temporary file + ``os.replace``). On any error
  the file is left exactly as it was.

This module imports no mkdocs and no click: the command line in ``edit_commands.py``
turns its :class:`EditError` into a message and exit status 1.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit

import yaml

from . import urls
from .load import Catalog, ProjectPaths, load_all, load_site_config, unknown_component_message
from .model import CLOSING_STATUS, LIFECYCLE, Channel, ComponentStatus, Impact, Kind, Site, parse_duration
from .problems import InvalidInput, Problems, display_path
from .yamlsource import YamlProblem, compose_node, read_yaml


class EditError(Exception):
    """Why an edit was refused; the text is shown to the editor as is. Nothing was written."""


class Markdown(str):
    """Text written as a ``|`` block: messages, statements, offers."""


# ---------------------------------------------------------------- values from the command line

#: Short forms an editor may type for component statuses; all unambiguous.
STATUS_SHORTHANDS = {
    "major": ComponentStatus.major_outage,
    "outage": ComponentStatus.major_outage,
    "partial": ComponentStatus.partial_outage,
    "degraded": ComponentStatus.degraded_performance,
    "maintenance": ComponentStatus.under_maintenance,
    "ok": ComponentStatus.operational,
}

#: Component status written when `new --component ID` gives none.
DEFAULT_COMPONENT_STATUS = {
    Impact.critical: ComponentStatus.major_outage,
    Impact.major: ComponentStatus.partial_outage,
    Impact.minor: ComponentStatus.degraded_performance,
    Impact.none: ComponentStatus.degraded_performance,
}

DEFAULT_IMPACT = {Kind.incident: Impact.major, Kind.maintenance: Impact.minor, Kind.notice: Impact.none}


def _words(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


def parse_now(text: str | None, site: Site) -> datetime:
    """The editor's "now" in the site's zone, to the second: --now / FRANKLY_NOW, else the wall clock."""
    if text is None or not text.strip():
        stamp = datetime.now(site.time_zone)
    else:
        try:
            stamp = datetime.fromisoformat(text.strip())
        except ValueError:
            raise EditError(f"--now / FRANKLY_NOW: '{text}' is not a time; write it as 2026-11-20T09:14:00+01:00") from None
        if stamp.utcoffset() is None:
            raise EditError(f"--now / FRANKLY_NOW: '{text}' has no UTC offset; write it as {text.strip()}+01:00 or {text.strip()}Z")
    return stamp.astimezone(site.time_zone).replace(microsecond=0)


def stamp_text(stamp: datetime) -> str:
    return stamp.isoformat(timespec="seconds")


def parse_time(text: str, site: Site, option: str) -> datetime:
    """A time typed by an editor; without an offset it is read in the site's zone."""
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError:
        raise EditError(f"{option}: '{text}' is not a time; write it as 2026-12-02T02:00 (site time) or 2026-12-02T02:00:00+01:00") from None
    if stamp.utcoffset() is None:
        stamp = stamp.replace(tzinfo=site.time_zone)
    return stamp.astimezone(site.time_zone).replace(microsecond=0)


def parse_next_update_option(text: str, now: datetime, site: Site) -> str:
    """'30m', '1h', '2h30m', '1d', a time of day ('14:00', the next one after now) or a full timestamp."""
    value = text.strip()
    duration = parse_duration(value) if value else None
    if duration is not None and duration > timedelta(0):
        return re.sub(r"\s+", "", value)
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if clock and int(clock[1]) < 24 and int(clock[2]) < 60:
        promised = now.replace(hour=int(clock[1]), minute=int(clock[2]), second=0)
        if promised <= now:
            promised = (now + timedelta(days=1)).replace(hour=int(clock[1]), minute=int(clock[2]), second=0)
        return stamp_text(promised.astimezone(site.time_zone))
    if re.match(r"^\d{4}-\d\d-\d\d[T ]\d", value):
        promised = parse_time(value, site, "--next-update")
        if promised <= now:
            raise EditError(f"--next-update: {stamp_text(promised)} is not after now ({stamp_text(now)})")
        return stamp_text(promised)
    raise EditError(
        f"--next-update: '{text}' is not a duration or a time; use 30m, 1h, 2h30m or 1d, "
        "a time of day such as 14:00, or a timestamp such as 2026-11-20T10:00:00+01:00"
    )


CHANNELS: tuple[str, ...] = get_args(Channel)


def parse_posted_to(text: str) -> str | dict[str, str]:
    value = text.strip()
    if value.lower() in CHANNELS:
        return {"channel": value.lower()}
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc and not re.search(r"\s", value):
        return value
    raise EditError(f"--posted-to: '{text}' is not a web address starting with https:// or a channel ({', '.join(CHANNELS)})")


def parse_component_status(text: str, option: str) -> ComponentStatus:
    word = _words(text)
    if word in STATUS_SHORTHANDS:
        return STATUS_SHORTHANDS[word]
    try:
        return ComponentStatus(word)
    except ValueError:
        allowed = ", ".join(s.value for s in ComponentStatus)
        raise EditError(f"{option}: '{text}' is not a component status; use one of: {allowed}") from None


def parse_components(values: tuple[str, ...], site: Site, default: ComponentStatus | None, option: str = "--component") -> dict[str, str]:
    """``ID[:status]`` options, checked against site.yaml."""
    known = {c.id: c for c in site.components}
    result: dict[str, str] = {}
    for value in values:
        component_id, sep, status_text = value.partition(":")
        component_id = component_id.strip()
        if component_id not in known:
            raise EditError(f"{option}: {unknown_component_message(component_id, known)}")
        if sep:
            status = parse_component_status(status_text, f"{option} {component_id}")
        elif default is not None:
            status = default
        else:
            raise EditError(f"{option}: give the status after a colon, e.g. {component_id}:major_outage")
        result[component_id] = status.value
    return result


def parse_status(text: str, kind: Kind) -> str:
    word = _words(text)
    if word not in LIFECYCLE[kind]:
        article = "an incident" if kind is Kind.incident else f"a {kind.value}"
        raise EditError(f"--status: '{text}' is not a status for {article}; use one of: {', '.join(LIFECYCLE[kind])}")
    return word


def slugify(title: str) -> str:
    """'SMS & MMS outage (Germany)' -> 'sms-mms-outage-germany', at most ~50 characters."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    while len(slug) > 50 and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug


def normalize_message(text: str) -> str:
    """Message text as written: surrounding blank lines and trailing spaces of the whole text removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[-1] = lines[-1].rstrip()
    return "\n".join(lines)


# ---------------------------------------------------------------- rendering new YAML text


def _reads_back(text: str, expected: Any) -> bool:
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
    if text and text == text.strip() and "\n" not in text and _reads_back(f"k: {text}\n", {"k": text}):
        return text
    return _quoted(text)


def _scalar_lines(key: str, value: Any, pad: str) -> list[str]:
    if isinstance(value, Markdown):
        body = [pad + "  " + line if line else "" for line in value.split("\n")]
        candidate = [f"{pad}{key}: |"] + body
        expected = {key: value + "\n"}
        if value and not value[0].isspace() and _reads_back(textwrap.dedent("\n".join(candidate) + "\n"), expected):
            return candidate
        return [f"{pad}{key}: {_quoted(value + chr(10))}"]
    return [f"{pad}{key}: {_inline(value)}"]


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
                    lines += _list_item(render_mapping(item, indent + 4), indent + 2, 2)
                else:
                    lines.append(f"{pad}  - {_inline(item)}")
        else:
            lines += _scalar_lines(key, value, pad)
    return lines


def _list_item(lines: list[str], dash_column: int, offset: int) -> list[str]:
    """Turn mapping lines indented dash_column+offset into one '- ' item of a block list."""
    first = lines[0][dash_column + offset:]
    return [" " * dash_column + "-" + " " * (offset - 1) + first] + lines[1:]


def _plain_data(value: Any) -> Any:
    """What our YAML reader gives back for rendered data (Markdown blocks end with a newline)."""
    if isinstance(value, Markdown):
        return str(value) + "\n"
    if isinstance(value, dict):
        return {k: _plain_data(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
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
    rendered = _list_item(render_mapping(item, dash_column + offset), dash_column, offset)
    return _splice(text, lines, end + 1, rendered)


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


# ---------------------------------------------------------------- the project


@dataclass(frozen=True)
class Edit:
    """One planned change: the file, its bytes before (None: new file) and after."""

    path: Path
    before: str | None
    after: str
    summary: str


def load_site(paths: ProjectPaths) -> Site:
    problems = Problems()
    site = load_site_config(paths, problems)
    if site is None:
        raise EditError(problems.report().rsplit("\n", 1)[0] + "\nFix site.yaml first; nothing was written.")
    return site


def find_entry(paths: ProjectPaths, given: str) -> Path:
    """The incident file for a slug, a file name or a path; a unique '-suffix' match is accepted too."""
    name = Path(given.strip()).name
    slug = name[:-5] if name.endswith(".yaml") else name
    file = paths.incidents_dir / f"{slug}.yaml"
    if file.is_file():
        return file
    existing = sorted(p.stem for p in paths.incidents_dir.glob("*.yaml")) if paths.incidents_dir.is_dir() else []
    matches = [s for s in existing if s.endswith("-" + slug)]
    if len(matches) == 1:
        return paths.incidents_dir / f"{matches[0]}.yaml"
    shown = display_path(paths.incidents_dir, paths.root)
    if len(matches) > 1:
        raise EditError(f"'{given}' matches several entries: {', '.join(matches)}; give the full slug")
    hint = difflib.get_close_matches(slug, existing, n=1, cutoff=0.6)
    guess = f"; did you mean '{hint[0]}'?" if hint else ""
    raise EditError(f"no entry '{slug}': {shown}/{slug}.yaml does not exist{guess}")


def read_entry(file: Path, paths: ProjectPaths) -> tuple[str, dict[str, Any]]:
    shown = display_path(file, paths.root)
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EditError(f"{shown}:1:1: the file is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    try:
        data, _ = read_yaml(text)
    except YamlProblem as exc:
        raise EditError(f"{shown}:{exc.position.line}:{exc.position.column}: {exc.message}\nFix the file first; nothing was written.") from None
    if not isinstance(data, dict):
        raise EditError(f"{shown}:1:1: the file must be a YAML mapping of keys (title:, updates:, ...)")
    return text, data


def entry_kind(data: dict[str, Any], shown: str) -> Kind:
    try:
        return Kind(data.get("kind"))
    except ValueError:
        raise EditError(f"{shown}: 'kind' is not incident, maintenance or notice; run `frankly check` and fix it first") from None


def current_status(data: dict[str, Any], shown: str) -> str:
    updates = data.get("updates")
    if not isinstance(updates, list) or not updates or not isinstance(updates[-1], dict) or not isinstance(updates[-1].get("status"), str):
        raise EditError(f"{shown}: the last update has no status; run `frankly check` and fix it first")
    return updates[-1]["status"]


def validate(paths: ProjectPaths, edit: Edit) -> Catalog:
    """Load the whole project as it would be after ``edit``; raise EditError with every problem."""
    with tempfile.TemporaryDirectory(prefix="frankly-edit-") as tmp:
        root = Path(tmp)
        copy = ProjectPaths(root, root / _inside(paths, paths.site_config, "site_config/site.yaml"), root / _inside(paths, paths.incidents_dir, "incidents"))
        copy.site_config.parent.mkdir(parents=True, exist_ok=True)
        if paths.site_config.is_file():
            shutil.copyfile(paths.site_config, copy.site_config)
        copy.incidents_dir.mkdir(parents=True, exist_ok=True)
        for file in paths.incidents_dir.iterdir() if paths.incidents_dir.is_dir() else ():
            if file.is_file():
                shutil.copyfile(file, copy.incidents_dir / file.name)
        (copy.incidents_dir / edit.path.name).write_bytes(edit.after.encode("utf-8"))
        try:
            return load_all(copy)
        except InvalidInput as exc:
            shown = display_path(edit.path, paths.root)
            lines = [str(p) for p in exc.problems.sorted()]
            lines.append(
                f"Nothing was written: {shown} is unchanged. "
                + (f"Line numbers in {shown} refer to the file as it would have been after this change." if edit.before is not None else "")
            )
            raise EditError("\n".join(line.rstrip() for line in lines)) from None


def _inside(paths: ProjectPaths, path: Path, fallback: str) -> str:
    try:
        return path.resolve().relative_to(paths.root).as_posix()
    except ValueError:
        return fallback


def write_atomically(path: Path, text: str, *, new: bool) -> None:
    """Write via a temporary file in the same folder and a rename: readers see the old or the new file, never half."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if new:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the file from a web server or other editors
            try:
                os.link(tmp, path)  # fails if the file appeared meanwhile: never overwrite
            except FileExistsError:
                raise EditError(f"{path.name} already exists; nothing was written") from None
            except OSError:
                if path.exists():
                    raise EditError(f"{path.name} already exists; nothing was written") from None
                os.replace(tmp, path)
        else:
            shutil.copymode(path, tmp)
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def apply(paths: ProjectPaths, edit: Edit) -> Catalog:
    """Validate the project with the edit, then write it. Nothing is written on any error."""
    catalog = validate(paths, edit)
    if edit.before is not None and edit.path.read_bytes().decode("utf-8") != edit.before:
        raise EditError(f"{display_path(edit.path, paths.root)} changed on disk while this command ran; nothing was written, run it again")
    try:
        edit.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(edit.path, edit.after, new=edit.before is None)
    except OSError as exc:
        raise EditError(f"cannot write {display_path(edit.path, paths.root)}: {exc.strerror or exc}; nothing was written") from None
    return catalog


# ---------------------------------------------------------------- the five edits


def plan_new(
    paths: ProjectPaths, site: Site, now: datetime, *, title: str, message: str, kind: Kind = Kind.incident,
    components: tuple[str, ...] = (), impact: str | None = None, window: tuple[str, str] | None = None,
    summary: str | None = None, status: str | None = None, next_update: str | None = None,
    posted_to: tuple[str, ...] = (), slug: str | None = None, impact_started: str | None = None,
) -> Edit:
    title = title.strip()
    if not title:
        raise EditError("the title is empty; give one, e.g. frankly new \"SMS delivery delayed\" --component sms")
    try:
        impact_value = Impact(_words(impact)) if impact else DEFAULT_IMPACT[kind]
    except ValueError:
        raise EditError(f"--impact: '{impact}' is not an impact; use one of: {', '.join(i.value for i in Impact)}") from None
    default_status = ComponentStatus.under_maintenance if kind is Kind.maintenance else DEFAULT_COMPONENT_STATUS[impact_value]
    component_map = parse_components(components, site, default_status)
    if kind is Kind.maintenance and window is None:
        raise EditError("a maintenance needs its window: --window START END, e.g. --window 2026-12-02T02:00 2026-12-02T04:00")
    if kind is not Kind.maintenance and window is not None:
        raise EditError("--window is for maintenance only; add --kind maintenance")
    window_map = None
    if window is not None:
        start, end = (parse_time(value, site, "--window") for value in window)
        if end <= start:
            raise EditError(f"--window: the end ({stamp_text(end)}) must be after the start ({stamp_text(start)})")
        window_map = {"start": stamp_text(start), "end": stamp_text(end)}
    started_text = None
    if impact_started is not None:
        clock = re.fullmatch(r"(\d{1,2}):(\d{2})", impact_started.strip())
        if clock and int(clock[1]) < 24 and int(clock[2]) < 60:
            started = now.replace(hour=int(clock[1]), minute=int(clock[2]), second=0)
            started = started - timedelta(days=1) if started > now else started
        else:
            started = parse_time(impact_started, site, "--impact-started")
        if started > now:
            raise EditError(f"--impact-started: {stamp_text(started)} is after now ({stamp_text(now)}); it is for impact that began before this first update")
        started_text = stamp_text(started)
    slug_text = slugify(slug or title)
    if not slug_text:
        raise EditError("cannot make an address from this title; give one with --slug, e.g. --slug sms-outage")
    date_slug = f"{now.date().isoformat()}-{slug_text}"
    file = paths.incidents_dir / f"{date_slug}.yaml"
    if file.exists():
        raise EditError(f"{display_path(file, paths.root)} already exists; nothing was written. To add to it: frankly update {date_slug} \"...\"")
    first_status = parse_status(status, kind) if status else LIFECYCLE[kind][0]
    update = _update_item(now, first_status, message, next_update, posted_to, {}, site)
    data: dict[str, Any] = {
        "kind": kind.value,
        "title": title,
        "summary": Markdown(normalize_message(summary) if summary and summary.strip() else message),
        "impact": impact_value.value,
        "components": component_map or None,
        "impact_started_at": started_text,
        "window": window_map,
        "updates": [update],
    }
    header = [
        f"# {kind.value.capitalize()} created with `frankly new` on {stamp_text(now)}.",
        f"# Public address: {urls.absolute(site.base, urls.incident(date_slug))}",
        "# Add updates with: frankly update " + date_slug + " --status identified \"What we know now\"",
        "",
    ]
    body = render_mapping({k: v for k, v in data.items() if k != "updates"}, 0)
    body += ["updates:"] + _list_item(render_mapping(update, 4), 2, 2)
    text = "\n".join(header + body) + "\n"
    if not _reads_back(text, _plain_data(data)):
        raise EditError("internal error: the new file would not read back as written; nothing was written")
    return Edit(file, None, text, f"Created {display_path(file, paths.root)}")


def _update_item(now: datetime, status: str, message: str, next_update: str | None, posted_to: tuple[str, ...],
                 components: dict[str, str], site: Site, reopens: bool = False) -> dict[str, Any]:
    message = normalize_message(message)
    if not message:
        raise EditError("the message is empty; nothing was written")
    return {
        "at": stamp_text(now),
        "status": status,
        "reopens": True if reopens else None,
        "message": Markdown(message),
        "next_update": parse_next_update_option(next_update, now, site) if next_update else None,
        "components": components or None,
        "posted_to": [parse_posted_to(p) for p in posted_to] or None,
    }


def plan_update(
    paths: ProjectPaths, site: Site, now: datetime, given: str, *, message: str, status: str | None = None,
    next_update: str | None = None, posted_to: tuple[str, ...] = (), components: tuple[str, ...] = (),
    reopens: bool = False, closing: bool = False,
) -> Edit:
    file = find_entry(paths, given)
    shown = display_path(file, paths.root)
    text, data = read_entry(file, paths)
    kind = entry_kind(data, shown)
    latest = current_status(data, shown)
    closing_status = CLOSING_STATUS[kind]
    if closing:
        new_status = closing_status
    else:
        new_status = parse_status(status, kind) if status else latest
    was_closed = latest == closing_status
    if was_closed and new_status != closing_status and not reopens:
        raise EditError(
            f"{file.stem} is {closing_status}; to reopen it, run the same command with --reopens "
            f"(or give --status {closing_status} to add a note without reopening)"
        )
    if reopens and not was_closed:
        raise EditError(f"--reopens: {file.stem} is not {closing_status} ({latest}); leave out --reopens")
    component_map = parse_components(components, site, None)
    own = data.get("components") if isinstance(data.get("components"), dict) else {}
    for component_id in component_map:
        if component_id not in own:
            raise EditError(
                f"--component: '{component_id}' is not among the components of {file.stem} ({', '.join(own) or 'none'}); "
                f"add it under the top-level 'components:' of {shown} first"
            )
    item = _update_item(now, new_status, message, next_update, posted_to, component_map, site, reopens and new_status != closing_status)
    after = insert_update(text, item, shown)
    _check_same_plus(text, after, data, shown, lambda old: {**old, "updates": old["updates"] + [_plain_data(item)]})
    verb = ("Resolved" if kind is Kind.incident else "Closed") if closing else "Added an update to"
    return Edit(file, text, after, f"{verb} {shown} ({new_status}, {stamp_text(now)})")


def plan_block(paths: ProjectPaths, given: str, key: str, block: dict[str, Any]) -> Edit:
    file = find_entry(paths, given)
    shown = display_path(file, paths.root)
    text, data = read_entry(file, paths)
    after = append_block(text, key, block, shown)
    _check_same_plus(text, after, data, shown, lambda old: {**old, key: _plain_data(block)})
    return Edit(file, text, after, f"Added the {key} to {shown}")


def plan_apology(paths: ProjectPaths, now: datetime, given: str, *, by: str, role: str, statement: str,
                 video: str | None = None, link: str | None = None) -> Edit:
    statement = normalize_message(statement)
    if not statement:
        raise EditError("the statement is empty; nothing was written")
    if not by.strip() or not role.strip():
        raise EditError("--by and --role must name a person and their role, e.g. --by \"Maria Okafor\" --role \"Chief Executive Officer\"")
    for option, value in (("--video", video), ("--link", link)):
        if value is not None and not isinstance(parse_posted_to(value), str):
            raise EditError(f"{option}: '{value}' is not a web address starting with https://")
    block = {
        "at": stamp_text(now),
        "by": {"name": by.strip(), "role": role.strip()},
        "statement": Markdown(statement),
        "video": video.strip() if video else None,
        "link": link.strip() if link else None,
    }
    return plan_block(paths, given, "apology", block)


def plan_compensation(paths: ProjectPaths, now: datetime, given: str, *, offer: str, eligible: str,
                      how_to_claim: str, until: str | None = None) -> Edit:
    texts = {"--offer": offer, "--eligible": eligible, "--how-to-claim": how_to_claim}
    for option, value in texts.items():
        if not normalize_message(value or ""):
            raise EditError(f"{option} is empty; say it plainly, e.g. --how-to-claim \"Nothing to do: the credit is automatic.\"")
    until_text = None
    if until is not None:
        try:
            until_text = date.fromisoformat(until.strip()).isoformat()
        except ValueError:
            raise EditError(f"--until: '{until}' is not a date; write it as 2026-12-31") from None
    block = {
        "at": stamp_text(now),
        "offer": Markdown(normalize_message(offer)),
        "eligible": Markdown(normalize_message(eligible)),
        "how_to_claim": Markdown(normalize_message(how_to_claim)),
        "until": until_text,
    }
    return plan_block(paths, given, "compensation", block)


def _check_same_plus(before: str, after: str, old: dict[str, Any], shown: str, expected) -> None:
    """The edited text must read as the old data plus exactly the new part."""
    try:
        new, _ = read_yaml(after)
    except YamlProblem:
        new = None
    if new != expected(old):
        raise EditError(f"{shown}: could not add the new part safely to this file's layout; nothing was written. Add it by hand.")


def public_url(site: Site, slug: str, anchor: str | None = None) -> str:
    return urls.absolute(site.base, urls.incident(slug)) + (f"#{anchor}" if anchor else "")
