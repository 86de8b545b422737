"""The translation warnings of `frankly check`: text in the default language
that one of the site's other languages has not got yet.

One warning per object (an update, the apology, a component, ...) and
language, at the line of its first untranslated field. An entry's positions
are read only when it is shown: after ``limit`` entries without some
language's text, one line counts the rest (newest entries are shown first,
they are the ones readers open).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import babel

from generator.input.load import Catalog
from generator.input.problems import Problem, counted, display_path
from generator.input.translated import default_text, places, site_places, text_fields
from generator.input.yamlsource import FileSourceMap

#: Entries shown with their warnings per language; the rest are counted in one line.
LIMIT = 20


def language_name(code: str) -> str:
    """'French (fr)': the language's English name as Babel knows it, and its code."""
    try:
        return f"{babel.Locale.parse(code.replace('-', '_')).get_display_name('en')} ({code})"
    except (ValueError, babel.UnknownLocaleError):
        return code


#: Names that are usually the same in every language: translated when given, never asked for.
PROPER_NAMES = frozenset({"company"})


def missing(obj: Any, language: str) -> list[str]:
    """The text fields of ``obj`` written in the default language and not in ``language``."""
    given = (obj.translations or {}).get(language)
    return [name for name in text_fields(obj)
            if name not in PROPER_NAMES and default_text(obj, name) and (given is None or getattr(given, name) is None)]


def warnings(catalog: Catalog, root: Path, limit: int = LIMIT, site_config: Path | None = None) -> list[Problem]:
    """Every text without its translation: site.yaml's (``site_config``, by default
    site_config/site.yaml), then the newest ``limit`` entries' per language, then one
    line per language counting the other entries."""
    site = catalog.site
    found: list[Problem] = []
    default = language_name(site.language).split(" (")[0]
    for language in site.languages[1:]:
        name = language_name(language)
        site_warnings = [(loc, obj, what, fields) for loc, obj, what in site_places(site) if (fields := missing(obj, language))]
        if site_warnings:
            found += _located(site_warnings, site_config or root / "site_config" / "site.yaml", root, language, name, default, None)
        shown = 0
        rest: list[str] = []
        for incident in reversed(catalog.incidents):
            entry = [(loc, obj, what, fields) for loc, obj, what in places(incident) if (fields := missing(obj, language))]
            if not entry:
                continue
            if shown >= limit:
                rest.append(incident.slug)
                continue
            shown += 1
            found += _located(entry, catalog.sources[incident.slug], root, language, name, default, incident.slug)
        if rest:
            first = catalog.sources[rest[0]]
            found.append(Problem(display_path(first, root), 1, 1,
                                 f"warning: and {counted(len(rest), 'more entry', 'more entries')} (this one and older) "
                                 f"have no {name} text; translate the newest first: frankly translate SLUG {language} ..."))
    return found


def _located(items: list, source: Path, root: Path, language: str, name: str, default: str, slug: str | None) -> Iterator[Problem]:
    shown = display_path(source, root)
    smap = FileSourceMap(source)  # read now: this file has warnings
    for loc, obj, what, fields in items:
        where = loc + (("by", "role") if fields[0] == "role" else (fields[0],))
        pos = smap.value(where)
        yield Problem(shown, pos.line, pos.column, "warning: " + _sentence(loc, obj, what, fields, language, name, default, slug))


def _sentence(loc: tuple, obj: Any, what: str, fields: list[str], language: str, name: str, default: str, slug: str | None) -> str:
    names = " and ".join([", ".join(fields[:-1]), fields[-1]] if len(fields) > 1 else fields)
    this = what if what.startswith("component") else f"this {what}"
    example = ", ".join(f"{field}: …" for field in fields)
    text = (f"no {name} text for the {names} of {this}; readers of /{language}/ see the {default} with a "
            f"'not yet translated' note. Add under {this}: translations: {{{language}: {{{example}}}}}")
    if slug is not None:
        options = " ".join(_option(loc, obj, what, field) for field in fields)
        text += f", or run `frankly translate {slug} {language} {options}`"
    return text


def _option(loc: tuple, obj: Any, what: str, field: str) -> str:
    """The option of `frankly translate` that writes ``field`` of ``obj``."""
    if what == "update":
        return f"--update {obj.anchor} …"
    if what == "action item":
        return f"--action {loc[-1] + 1} …"
    return "--apology …" if field == "statement" else f"--{field.replace('_', '-')} …"
