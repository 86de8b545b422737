"""`frankly translate`: texts in another language added to an existing entry.

Each text goes under ``translations: {LANG: ...}`` of its object (the entry,
an update, the apology, ...), the mappings started when absent, through the
byte-keeping engine (:func:`~generator.editing.yamltext.insert_translation`):
every byte the editor wrote stays, and the file must read back as the old
data plus exactly these texts.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from generator.editing.entries import Edit, find_entry, read_entry
from generator.editing.plans import _check_same_plus
from generator.editing.values import EditError, Markdown, normalize_message, parse_languages
from generator.editing.yamltext import insert_translation, plain_data
from generator.input.load import ProjectPaths
from generator.input.model import Incident, Site
from generator.input.problems import display_path

#: Which texts are one line (the rest are Markdown).
ONE_LINE = frozenset({"title", "role"})
#: The option that gives each text of each block, as `frankly translate` names them.
OPTIONS = {
    "title": ((), "title"), "summary": ((), "summary"),
    "apology": (("apology",), "statement"), "role": (("apology",), "role"),
    "offer": (("compensation",), "offer"), "eligible": (("compensation",), "eligible"),
    "how_to_claim": (("compensation",), "how_to_claim"),
    "root_cause": (("postmortem",), "root_cause"), "changes": (("postmortem",), "changes"),
}


def plan_translate(paths: ProjectPaths, site: Site, given: str, language: str, *, texts: dict[str, str | None],
                   updates: tuple[tuple[str, str], ...] = (), actions: tuple[tuple[str, str], ...] = (),
                   replace: bool = False) -> Edit:
    """Write ``texts`` (option name -> text), ``updates`` ((update id or 'latest', text))
    and ``actions`` ((action item number, text)) in ``language`` into the entry ``given``."""
    language = next(iter(parse_languages(((language, "-"),), site, "LANG", "text")))
    file = find_entry(paths, given)
    shown = display_path(file, paths.root)
    text, data = read_entry(file, paths)
    entry = _entry(data, file.stem, site, shown)
    wanted: dict[tuple, dict[str, Any]] = {}

    def add(path: tuple, field: str, value: str, option: str) -> None:
        value = normalize_message(value)
        if not value:
            raise EditError(f"{option}: the text is empty; nothing was written")
        if field in wanted.setdefault(path, {}):
            raise EditError(f"{option}: the {field} is given twice; give it once")
        wanted[path][field] = value.strip() if field in ONE_LINE else Markdown(value)

    for option, value in texts.items():
        if value is None:
            continue
        path, field = OPTIONS[option]
        if path and getattr(entry, path[0]) is None:
            raise EditError(f"--{option.replace('_', '-')}: {file.stem} has no {path[0]} yet; nothing was written")
        if field == "role" and ("by" not in data["apology"] or "role" not in data["apology"]["by"]):
            raise EditError(f"--role: the apology of {file.stem} names no role; nothing was written")
        add(path, field, value, f"--{option.replace('_', '-')}")
    for which, value in updates:
        add(("updates", _update_index(entry, which, file.stem)), "message", value, f"--update {which}")
    for which, value in actions:
        items = entry.postmortem.action_items if entry.postmortem else []
        if not which.strip().isdigit() or not 1 <= int(which) <= len(items):
            raise EditError(f"--action: '{which}' is not the number of an action item of {file.stem} "
                            f"({'1 to ' + str(len(items)) if items else 'it has none'}); nothing was written")
        add(("postmortem", "action_items", int(which) - 1), "title", value, f"--action {which}")
    if not wanted:
        raise EditError("give at least one text to translate: --title, --summary, --update ID TEXT, --apology, ... "
                        "(frankly translate --help lists them)")
    after = text
    for path, fields in wanted.items():  # each insertion reads the file anew
        after = insert_translation(after, path, language, fields, replace, shown)
    _check_same_plus(text, after, data, shown, lambda old: _expected(old, wanted, language))
    names = "; ".join(f"{_part_name(path)}: {', '.join(fields)}" for path, fields in wanted.items())
    return Edit(file, text, after, f"Wrote the {language} text into {shown} ({names})")


def _entry(data: dict[str, Any], slug: str, site: Site, shown: str) -> Incident:
    context = {"naive_timestamp_zone": site.time_zone if site.timestamps_without_offset == "site_time_zone" else None}
    try:
        return Incident.model_validate({**data, "slug": slug}, context=context)
    except ValidationError:
        raise EditError(f"{shown} has problems; run `frankly check`, fix them, then translate. Nothing was written.") from None


def _update_index(entry: Incident, which: str, slug: str) -> int:
    if which.strip().lower() == "latest":
        return len(entry.updates) - 1
    anchors = [update.anchor for update in entry.updates]
    wanted = which.strip().lstrip("#")
    if wanted not in anchors:
        raise EditError(f"--update: {slug} has no update '{which}'; its updates are {', '.join(anchors)} "
                        "(or give 'latest'); nothing was written")
    return anchors.index(wanted)


def _part_name(path: tuple) -> str:
    """'the entry', 'update #3', 'action item #1', 'apology': as the other messages count them."""
    if not path:
        return "the entry"
    if path[0] == "updates":
        return f"update #{path[1] + 1}"
    return f"action item #{path[2] + 1}" if len(path) > 2 else path[0]


def _expected(old: dict[str, Any], wanted: dict[tuple, dict[str, Any]], language: str) -> dict[str, Any]:
    new = copy.deepcopy(old)
    for path, fields in wanted.items():
        node = new
        for part in path:
            node = node[part]
        translations = node.setdefault("translations", {})
        block = translations.get(language)
        if not isinstance(block, dict):
            block = translations[language] = {}
        block.update(plain_data(fields))
    return new
