"""Publish step while serving: a save of incident files republishes what it changed, in place.

`frankly serve` used to run the whole build on every save: at 10,000 entries
about 40 s from saving an update to seeing it. Yet an entry's outputs depend
only on that entry, the site's configuration and, while it is open, the
moment it is judged at (DESIGN.md). So after a save that changed incident
files alone, the files that can differ from the last build's are:

- the outputs of each entry whose text changed and of every open entry (judged
  at the clock's new time); those of a deleted entry are removed;
- the archive pages that list one of those entries, or whose listing changed
  (a :class:`~generator.outputs.files.LaterPage` says what it shows);
- the site-wide outputs: the core renders them again and only those whose bytes
  differ are written. A page in the navigation goes through mkdocs' own page
  build, with the last build's configuration, navigation and theme, and its
  search entries take the place of its old ones;
- the search index, and the sitemap when the pages or the build date changed.

Anything else saved (site.yaml, mkdocs.yml, docs/, the theme), input with a
problem, or a change to a page of the navigation's title: the whole build runs,
as before (generator/publication/serving.py decides). tests/test_republish.py
compares the served folder after each kind of save with a clean build of the
same input at the same moment, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.utils import get_build_date

from generator.facts.derive import StatusReport
from generator.input.load import Catalog
from generator.outputs import i18n, markup
from generator.outputs.files import GeneratedFile, GeneratedPage, LaterPage, Output
from generator.outputs.site import entry_renderer, render_head, render_site_outputs
from generator.outputs.templating import Renderer
from generator.publication.publish import EntryPublisher, OutputWriter, pages_written, write_search_index
from generator.publication.sitemap import add_to_sitemap

#: The plugin (generator/publication/plugin.py), which imports this module: not imported back.
FranklyPlugin = Any

log = logging.getLogger("mkdocs.plugins.frankly")


@dataclass
class Served:
    """What the last build of one language left in the served folder."""

    report: StatusReport
    digests: dict[str, str]  # slug -> digest of the text the entry was read from
    entries: dict[str, tuple[list[str], str]]  # slug -> (site paths of its outputs, its search entries' line)
    later: dict[str, LaterPage]  # archive pages by address, as listed (what each shows)
    files: dict[str, str]  # site-wide files: path -> digest of their bytes
    pages: dict[str, tuple]  # pages in the navigation: source -> what they were made of
    sitemap: list[str]  # the pages the plugin added to mkdocs' sitemap
    build_date: str  # mkdocs' build date (the sitemap's lastmod)
    #: How many of Material's search entries its index holds: pages rendered after it was
    #: written (the shells' first renders, ours) add entries that no index shows.
    indexed: int
    search_index: object | None  # Material's search index of this build (a SearchIndex)


def file_digest(output: GeneratedFile) -> str:
    # A cached card image's file name is the digest of what it shows (generator/outputs/cards.py).
    return "file:" + str(output.source) if output.source is not None else hashlib.sha256(output.content).hexdigest()


def page_made_of(renderer: Renderer, page: GeneratedPage) -> tuple:
    """All a page of the navigation is made of besides the theme: its Markdown, its HTML, its <head> additions."""
    return page.markdown, page.fragments, str(render_head(renderer, page.url))


def served_state(plugin: FranklyPlugin, outputs: list[Output], record: dict, indexed: int, index) -> Served:
    """What a build of ``plugin`` (whole, or a save republished) publishes from ``outputs``, its site-wide outputs."""
    assert plugin.report is not None and plugin.renderer is not None
    later = [o for o in outputs if isinstance(o, LaterPage)]
    return Served(
        plugin.report, dict(plugin.digests), record, {o.url: o for o in later},
        {o.path: file_digest(o) for o in outputs if isinstance(o, GeneratedFile)},
        {o.src_uri: page_made_of(plugin.renderer, o) for o in outputs if isinstance(o, GeneratedPage)},
        pages_written(later, plugin.report.entries), get_build_date(), indexed, index,
    )


def republish(plugin: FranklyPlugin, catalog: Catalog, moment: datetime | None) -> bool:
    """Bring the served folder of ``plugin``'s language up to ``catalog`` judged at ``moment``.
    False when only the whole build can: then the served folder may be half changed."""
    served = plugin.served
    if served is None or plugin.stale is not None or plugin.edition is None or plugin.mkdocs_config is None:
        return False
    plugin.served = None  # trusted again only once this save is published in full
    config = plugin.mkdocs_config
    search = _search_plugin(config)
    with i18n.use(plugin.edition.language), _searching_into(search, served.search_index):
        plugin.adopt(catalog, moment, following=True)
        plugin._pin_build_date()
        report, renderer = plugin.report, plugin.renderer
        outputs = list(render_site_outputs(renderer))
        fresh = served_state(plugin, outputs, served.entries, served.indexed, served.search_index)
        if fresh.pages.keys() != served.pages.keys():
            return False
        entries = served.search_index.entries if served.search_index is not None else []
        del entries[served.indexed:]
        for page in (o for o in outputs if isinstance(o, GeneratedPage)):
            if fresh.pages[page.src_uri] != served.pages[page.src_uri] and not _build_navigation_page(plugin, page, entries):
                return False
        fresh.indexed = len(entries)
        # Whose outputs can differ: the entries whose text changed, and every entry open before or now.
        changed = {slug for slug, digest in catalog.digests.items() if served.digests.get(slug) != digest}
        changed |= {f.slug for f in (*served.report.entries, *report.entries) if f.is_open}
        _publish(plugin, served, fresh, outputs, changed)
        del entries[fresh.indexed:]  # what the pages published since added: no index holds it
        if search is not None and served.search_index is not None:
            _write_search_index(config, search, [served.entries[f.slug][1] for f in report.entries])
        if fresh.sitemap != served.sitemap or fresh.build_date != served.build_date:
            for file in plugin.files or ():
                if file.page is not None:
                    file.page.update_date = fresh.build_date  # as a whole build's pages would have it
            add_to_sitemap(config, plugin.env, plugin.files, plugin.nav, fresh.sitemap)
    plugin.served = fresh
    log.info("Frankly: %d of %d entries republished", len(changed & catalog.digests.keys()), len(report.entries))
    return True


def _publish(plugin: FranklyPlugin, served: Served, fresh: Served, outputs: list[Output], changed: set[str]) -> None:
    """Write the ``changed`` entries' outputs, the archive pages that show them or changed, and the
    site-wide files whose bytes changed (``served`` is what the folder holds, ``fresh`` what it will);
    remove what is gone."""
    site_dir, report = Path(plugin.mkdocs_config.site_dir), fresh.report
    for slug in changed | (served.digests.keys() - fresh.digests.keys()):
        if slug in served.entries:
            _remove(site_dir, served.entries.pop(slug)[0])
    writer = OutputWriter(site_dir, set(), log.warning, replacing=True)  # archive pages may be links to the cache
    publisher = EntryPublisher(report, entry_renderer(plugin.renderer), plugin.shells, writer, 1, record=served.entries)
    for facts in report.entries:
        if facts.slug in changed:
            publisher.publish_entry(facts)
    _remove(site_dir, [url + "index.html" for url in served.later.keys() - fresh.later.keys()])
    for url, page in fresh.later.items():
        before = served.later.get(url)
        if before is None or (before.entries, before.shows) != (page.entries, page.shows) or not changed.isdisjoint(page.entries):
            publisher.publish(page.make())
    _remove(site_dir, list(served.files.keys() - fresh.files.keys()))
    for output in outputs:
        if isinstance(output, GeneratedFile) and served.files.get(output.path) != fresh.files[output.path]:
            writer.write_file(output)
    markup.flush_cache()


@contextlib.contextmanager
def _searching_into(search, index):
    """Material's search plugin, like ours, is one instance for every build in the process: each
    language's build leaves its own index in it. While republishing, it indexes into this build's."""
    if search is None or index is None:
        yield
        return
    kept, search.search_index = search.search_index, index
    try:
        yield
    finally:
        search.search_index = kept


def _build_navigation_page(plugin: FranklyPlugin, page: GeneratedPage, entries: list) -> bool:
    """The page in the navigation made again by mkdocs' own page build, its search entries
    put where its old ones were. False if its title changed (the navigation of every page would)."""
    config, files = plugin.mkdocs_config, plugin.files
    assert config is not None and files is not None and plugin.shells is not None
    file = files.get_file_from_path(page.src_uri)
    if file is None or file.page is None:
        return False
    mk_page = file.page
    title = mk_page.title
    at = [n for n, entry in enumerate(entries) if _located_on(entry.get("location", ""), mk_page.url)]
    if at and at != list(range(at[0], at[-1] + 1)):
        return False
    file.content_string = page.markdown
    plugin.pages_by_src[page.src_uri] = page
    mkdocs_build._populate_page(mk_page, config, files)
    if mk_page.title != title:
        return False
    count = len(entries)
    mkdocs_build._build_page(mk_page, config, plugin.shells.doc_files, plugin.nav, plugin.env)
    made = entries[count:]
    del entries[count:]
    start = at[0] if at else count
    entries[start:start + len(at)] = made
    return True


def _located_on(location: str, url: str) -> bool:
    """Whether a search entry's location is on the page at ``url`` (the page itself or one of its anchors)."""
    return location == url or location.startswith(url + "#")


def _search_plugin(config):
    return next((plugin for plugin in config.plugins.values() if hasattr(plugin, "search_index")), None)


def search_index(config):
    """Material's search index of the build (its entries in the order it writes them), if it has one."""
    search = _search_plugin(config)
    return search.search_index if search is not None and search.config.enabled else None


def _write_search_index(config, search, lines: list[str]) -> None:
    """The search index as the whole build writes it: Material's, then the entries' lines."""
    index = Path(config.site_dir) / "search" / "search_index.json"
    if not search.config.enabled or not index.is_file():
        return
    search.on_post_build(config=config)
    write_search_index(index, iter(lines))


def _remove(site_dir: Path, paths: list[str]) -> None:
    """Delete these site files, and the folders they leave empty (a whole build would not have them)."""
    for path in paths:
        target = site_dir / path
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != site_dir and folder.is_relative_to(site_dir):
            try:
                os.rmdir(folder)
            except OSError:
                break
            folder = folder.parent
