"""Placeholders left from `frankly init`: a site that still says "Example Inc." at
status.example.com would publish it, so `frankly check` and `build` say what to edit.

What counts as a placeholder is what the scaffold writes (generator/editing/new_site,
whose every such value a test feeds through here): the names it suggests, any value
that still says CHANGE ME, any address at example.com, .net or .org (RFC 2606 keeps
them for examples, so no real site lives there) and the scaffold's example entry.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from generator.input.load import Catalog, ProjectPaths
from generator.input.problems import Problem, display_path
from generator.input.yamlsource import FileSourceMap, Path_, read_yaml
from generator.input.files import read_text

PLACEHOLDER_NAMES = {
    ("name",): "Example Status",
    ("company",): "Example Inc.",
}
_CHANGE_ME = re.compile(r"change[ _-]?me", re.IGNORECASE)
_EXAMPLE_HOST = re.compile(r"(?:^|\.)example\.(?:com|net|org)$")

# The example entry `frankly init` writes: by its exact bytes, so an edited copy is the editor's own.
EXAMPLE_ENTRY = "2026-01-15-example-maintenance"
EXAMPLE_ENTRY_SHA256 = "5f486a9c829a69b7dd9b214a55d91c486d1a00fc50a5e83c0eff38c711f0ed3b"  # tests/test_adoption.py checks it is the scaffold's


def placeholder_warnings(paths: ProjectPaths, catalog: Catalog) -> list[Problem]:
    """One warning per placeholder value in site.yaml (at its FILE:LINE:COL) and
    for the scaffold's example entry when it is still there unchanged."""
    shown = display_path(paths.site_config, paths.root)
    try:
        data, _ = read_yaml(read_text(paths.site_config, paths.root))
    except Exception:  # noqa: BLE001 - the loader already accepted this file; never fail a check on a re-read
        return []
    found: list[Problem] = []
    smap = FileSourceMap(paths.site_config)
    for where, value in _leaves(data, ()):
        why = _why_placeholder(where, value)
        if why:
            pos = smap.value(where)
            found.append(Problem(shown, pos.line, pos.column, f"warning: {_dotted(where)} is still {why}: {_advice(where)}"))
    example = catalog.sources.get(EXAMPLE_ENTRY)
    if example is not None and digest(example) == EXAMPLE_ENTRY_SHA256:
        found.append(Problem(
            display_path(example, paths.root), 1, 1,
            "warning: this is the example maintenance written by `frankly init`, and it would be published as "
            "if it were real: delete the file before the site goes live",
        ))
    return sorted(found)


def _leaves(data: Any, where: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, where + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, where + (index,))
    elif isinstance(data, str):
        yield where, data


def _why_placeholder(where: Path_, value: str) -> str | None:
    if PLACEHOLDER_NAMES.get(where) == value.strip():
        return f"the example {value.strip()!r} from frankly init"
    if _CHANGE_ME.search(value):
        return f"{value.strip()!r}"
    if "://" in value or value.startswith("www."):
        host = (urlsplit(value if "://" in value else "//" + value).hostname or "").lower()
        if _EXAMPLE_HOST.search(host):
            return f"an example address ({host})"
    return None


def _dotted(where: Path_) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else (f".{part}" if i else str(part)) for i, part in enumerate(where))


def _advice(where: Path_) -> str:
    first = where[0]
    if first == "base_url":
        return "set it to the address where the site will be published (every feed and social card links there)"
    if first == "company":
        return "set it to your company's name, as customers know it"
    if first == "name":
        return "set it to the name of your status site"
    if first == "contact":
        return "set it to where your customers get help"
    return "replace it with your own value"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
