"""Publish step: a site in several languages, one mkdocs build per language.

The default language's build is the site as mkdocs.yml describes it. When
site.yaml lists more ``languages:``, that build ends (on_post_build) by running
one more whole mkdocs build per other language into ``<site_dir>/<lang>/``,
from the same mkdocs.yml and the input already read, so each language gets
what a site has — Material's chrome, navigation, search index and sitemap in
its language, its pages, feeds, calendars, badges and cards — and a second
language costs at most a second build. (One build holding every language
would have to give Material a language per page, which its templates do not
read.) The core's side is generator/outputs/editions.py.

Material's language switcher is its ``extra.alternate`` list, set here for
each page to that page's counterparts, so the switcher goes to the same page
in the other language and the <head> carries one ``hreflang`` link per
language (made absolute, as search engines require).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import material
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation

from generator.input.load import Catalog
from generator.input.problems import Problems
from generator.outputs import i18n
from generator.outputs.editions import Edition

log = logging.getLogger("mkdocs.plugins.frankly")
_MATERIAL_LANGUAGES = Path(material.__file__).parent / "templates" / "partials" / "languages"


@dataclass(frozen=True)
class ParentBuild:
    """What the default language's build hands the build of another language."""

    catalog: Catalog
    moment: datetime | None
    stale: Problems | None
    language: str
    epoch_is_ours: bool  # SOURCE_DATE_EPOCH was set by the default build from the data, not by the caller


def cache_folder(name: str, edition: Edition) -> str:
    """Each language keeps its own card and output caches: a build prunes what it did not use."""
    return name if edition.is_default else f"{name}-{edition.language}"


def material_language(language: str) -> str:
    """The language of Material's chrome: the site's, or its base language, or English."""
    for code in (language.replace("_", "-"), language.replace("_", "-").split("-")[0]):
        if (_MATERIAL_LANGUAGES / f"{code}.html").is_file():
            return code
    return "en"


def _root_path(edition: Edition) -> str:
    """The site's path on its host ('/' or '/status/'): the switcher's links start with it."""
    return urlsplit(edition.root_base).path or "/"


def alternates(edition: Edition, url: str) -> list[dict[str, str]]:
    """Material's ``extra.alternate`` for the page at ``url``: its counterpart in every language."""
    root = _root_path(edition)
    return [{"name": i18n.language_name(language), "link": root + path, "lang": language}
            for language, path in edition.counterparts(url)]


def configure(config: MkDocsConfig, edition: Edition) -> None:
    """Material's chrome in the edition's language (site.yaml is the one source of the
    site's languages, as of its name and address), and its switcher for a site of several."""
    config.theme["language"] = material_language(edition.language)
    if edition.several:
        config.extra["alternate"] = alternates(edition, "")


_ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="(/[^"]*)" hreflang="')


def absolute_alternates(output: str, edition: Edition) -> str:
    """Material writes the switcher's links into <head> as hreflang links; search engines
    want them absolute."""
    if not edition.several:
        return output
    origin = edition.root_base[: len(edition.root_base) - len(_root_path(edition))]
    return _ALTERNATE_LINK.sub(lambda m: f'<link rel="alternate" href="{origin}{m.group(1)}" hreflang="', output)


#: The navigation titles of a site made by `frankly init` (and of the demo), so that
#: another language's build finds them in Frankly's catalogs.
NAV_TITLES = (i18n.N_("Status"), i18n.N_("History"), i18n.N_("Components"), i18n.N_("Subscribe"),
              i18n.N_("Accountability"), i18n.N_("About"), i18n.N_("API, badges, widget"))


def translate_nav(nav: Navigation, edition: Edition) -> None:
    """Navigation titles of mkdocs.yml in another language's build: through the catalogs
    (Frankly's own words, e.g. "History", or the site's site_config/locales/<lang>.po)."""
    if edition.is_default:
        return

    def walk(items) -> None:
        for item in items:
            if getattr(item, "title", None):
                item.title = i18n.gettext(item.title)
            walk(getattr(item, "children", None) or [])

    walk(nav.items)


def build_other_editions(config: MkDocsConfig, plugin_class: type, parent: "object") -> list:
    """Run the build of each non-default language into ``<site_dir>/<lang>/``; their plugins."""
    edition: Edition = parent.edition  # type: ignore[attr-defined]
    plugins = []
    for language in edition.languages[1:]:
        sub = load_config(config.config_file_path, site_dir=os.path.join(config.site_dir, edition.prefix(language).rstrip("/")),
                          strict=config.strict)
        sub.theme["language"] = material_language(language)
        plugin = _own_instance(sub, plugin_class)
        plugin.command = parent.command  # type: ignore[attr-defined]
        kept = parent.kept_site  # type: ignore[attr-defined]
        plugin.kept_site = kept / edition.prefix(language).rstrip("/") if kept is not None else None
        plugin.parent = ParentBuild(parent.catalog, parent.moment, parent.stale, language,  # type: ignore[attr-defined]
                                    parent._epoch_is_ours)  # type: ignore[attr-defined]
        log.info("Frankly: the %s pages, into %s", i18n.language_name(language, "en"), sub.site_dir)
        with i18n.use(edition.default):  # the language is this build's again afterwards
            mkdocs_build.build(sub)
        plugins.append(plugin)
    return plugins


def _own_instance(config: MkDocsConfig, plugin_class: type):
    """A plugin of ``plugin_class`` for this build alone, in place of the one mkdocs hands out.

    mkdocs keeps one instance of a plugin that defines on_startup for every configuration
    loaded in the process (its plugin cache), so another language's build would share the
    default build's instance and overwrite what it holds: its language, its input, the
    pages `serve` republishes from, the facts `frankly build` reports from."""
    name, shared = next((name, p) for name, p in config.plugins.items() if isinstance(p, plugin_class))
    own = plugin_class()
    own.config = shared.config  # the same options, from the same mkdocs.yml
    for methods in config.plugins.events.values():
        for number, method in enumerate(methods):
            if getattr(method, "__self__", None) is shared:
                methods[number] = getattr(own, method.__name__)
    dict.__setitem__(config.plugins, name, own)
    return own
