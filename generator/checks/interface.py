"""What `frankly check` says of the interface's languages: a site language with no
catalog (its pages' words would stay English) or with words its catalog leaves out.

Frankly's own catalogs are generator/outputs/locales/; a site adds a language, or
its own words, with site_config/locales/<lang>.po (`frankly catalog LANG` writes one).
"""

from __future__ import annotations

from babel.messages.catalog import Catalog as MessageCatalog

from generator.input.load import Catalog, ProjectPaths
from generator.input.problems import Problem, display_path
from generator.input.yamlsource import FileSourceMap
from generator.outputs import catalogs, i18n

#: Untranslated msgids named in a warning; the rest are counted.
NAMED = 5


def interface_warnings(paths: ProjectPaths, catalog: Catalog) -> list[Problem]:
    """One warning per site language whose interface words would (partly) stay English."""
    found: list[tuple[str, str]] = []
    template: MessageCatalog | None = None
    for language in catalog.site.languages:
        if language.replace("_", "-").split("-")[0] == i18n.SOURCE_LANGUAGE:
            continue
        name = f"{i18n.language_name(language, 'en')} ({language})"
        words = i18n.words_for(language, paths.site_locales)
        if not words.sources:
            found.append((language, (
                f"warning: Frankly has no catalog for {name}: the words of its pages (Timeline, Latest update, "
                f"the statuses, durations, feed titles...) stay English. Run `frankly catalog {language}` to write "
                f"site_config/locales/{language}.po, translate its msgstr lines, and build again")))
            continue
        if template is None:
            template = catalogs.read(i18n.TEMPLATE_CATALOG, "en")
        missing = _missing(template, words.sources, language)
        if missing:
            named = ", ".join(f"'{msgid}'" for msgid in missing[:NAMED])
            more = f" and {len(missing) - NAMED} more" if len(missing) > NAMED else ""
            found.append((language, (
                f"warning: {len(missing)} of {len(template)} interface words have no {name} translation and stay "
                f"English: {named}{more}. Translate them in site_config/locales/{language}.po "
                f"(`frankly catalog {language}` adds the missing ones to it)")))
    if not found:
        return []
    smap = FileSourceMap(paths.site_config)
    shown = display_path(paths.site_config, paths.root)
    languages = catalog.site.languages
    problems = []
    for language, message in found:
        pos = _language_position(smap, languages.index(language))
        problems.append(Problem(shown, pos.line, pos.column, message))
    return sorted(problems)


def _missing(template: MessageCatalog, sources, language: str) -> list[str]:
    """The template's msgids that no catalog of the chain translates."""
    translated: set[str] = set()
    for source in sources:
        catalog = catalogs.read(source, language)
        gaps = set(catalogs.untranslated(catalog))
        translated |= {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id} - gaps
    return [msgid for msgid in (m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id)
            if msgid not in translated]


def _language_position(smap: FileSourceMap, index: int):
    """Where site.yaml names the language: its item of ``languages:``, else ``language:``."""
    for where in (("languages", index), ("language",), ("languages",)):
        if smap.has(where):
            return smap.value(where)
    return smap.value(())
