"""The mkdocs plugin: publishes what the core produced. Nothing else.

Registered as the ``frankly`` entry point, so a plain ``mkdocs build`` or
``mkdocs serve`` with ``plugins: [frankly]`` builds the status site too.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
import logging
import os
import shutil
import tempfile
from pathlib import Path

from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation

from generator.facts.accountability import use_month_store
from generator.facts.derive import StatusReport, derive
from generator.input.load import ProjectPaths, load_all
from generator.input.problems import InvalidInput, Problems, counted
from generator.outputs import cards, i18n, markup
from generator.outputs.files import GeneratedPage, LaterPage
from generator.outputs.site import entry_renderer, render_head, render_site_outputs
from generator.outputs.templating import SCRIPT_FILE, STYLESHEET_FILE, TEMPLATES, Renderer
from generator.publication.jinja_cache import keep_compiled
from generator.publication.moments import judging_moment
from generator.outputs.editions import Edition, edition_of, localized
from generator.publication import editions
from generator.publication.output_cache import OutputCache, site_fingerprint
from generator.publication.folders import FoldersAhead
from generator.publication.kept import KeptFolders
from generator.publication.cards_ahead import CardsAhead
from generator.publication.publish import EntryPublisher, OutputWriter, write_search_index
from generator.publication.handover import HandOver
from generator.publication.theme_shell import ShellRenderer, compact_chrome
from generator.publication import republish
from generator.publication.serving import reported_while_serving, serve_saves
from generator.publication.staging import STAGING
from generator.publication.sitemap import add_to_sitemap
from generator.workers import relax_gc

log = logging.getLogger("mkdocs.plugins.frankly")

STYLESHEET = "assets/frankly.css"
SCRIPT = "assets/frankly.js"


#: Material's search dialog as it writes it; given a name for screen readers in on_post_page.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'

class FranklyConfig(base.Config):
    site_config = c.Type(str, default="site_config/site.yaml")
    """Path of site.yaml, relative to mkdocs.yml."""
    incidents_dir = c.Type(str, default="incidents")
    """Folder of incident files, relative to mkdocs.yml."""
    jobs = c.Type(int, default=0)
    """Processes that render entries at once. 0: one per usable CPU for sites of
    publish.AUTO_PARALLEL_FROM entries or more, else one. Same bytes either way."""
    page_shells = c.Type(bool, default=True)
    """Fill pages outside the navigation (incidents, archives) into the theme's
    chrome rendered once per page shape, instead of a full theme render each
    (generator/publication/theme_shell.py). Same bytes either way; off is slower, for
    checking that claim or for a theme that varies pages in ways the check misses."""
    compact_html = c.Type(bool, default=True)
    """Remove the theme's indentation around each page's content (about 3.5 KB of a
    ~26 KB incident page); pages render the same. Off: the theme's HTML as it is."""
    output_cache = c.Type(bool, default=True)
    """`build` and `serve`: reuse an unchanged entry's files from .cache/frankly/outputs
    (generator/publication/output_cache.py). Same bytes either way."""


class FranklyPlugin(BasePlugin[FranklyConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.report: StatusReport | None = None
        self.renderer: Renderer | None = None
        self.pages_by_src: dict[str, GeneratedPage] = {}  # in-nav pages mkdocs converts; filled in on_page_content
        self.later_pages: list[LaterPage] = []  # archive listings outside the nav (history, components)
        self.nav: Navigation | None = None
        self.env = None
        self.files: Files | None = None
        self.stale: Problems | None = None  # serve only: problems that kept the last good pages
        self._bare = False  # while rendering a shell's marker page: no <head> additions
        self._epoch_is_ours = False
        self.digests: dict[str, str] = {}  # slug -> digest of the YAML text its entry was read from
        self.judged_at = ""
        self.cache_root: Path | None = None
        self.catalog = None  # the input as read (the default language's text)
        self.moment: datetime | None = None
        #: This build's language (generator/outputs/editions.py); set in on_config.
        self.edition: Edition | None = None
        #: Set by the default edition's build on the plugin of each other language's build it runs.
        self.parent: editions.ParentBuild | None = None
        self.served: republish.Served | None = None  # serve: what the last build published, to republish a save
        self.mkdocs_config: MkDocsConfig | None = None
        self.shells: ShellRenderer | None = None
        self.site_outputs: list | None = None
        self.other_builds: list[FranklyPlugin] = []  # the other languages' builds, kept while serving
        self._watcher = None  # serve: the observer of the incident files (serving.watch_natively)
        self.folders: FoldersAhead | None = None  # the entries' folders, being made from on_files on
        self.cards_ahead: CardsAhead | None = None  # the missing cards, being drawn from on_files on
        self.outputs_cache: OutputCache | None = None  # this build's output cache (on_files on)
        self.kept_site: Path | None = None  # the previous site's entry folders claimed for this build (claim_previous)
        self.preloaded = None  # the input as `frankly build` loaded it just before (cli/site.py), for this build alone
        self.kept: KeptFolders | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember the command. Defining this hook also makes mkdocs keep this
        instance across `serve` rebuilds, which is how the last good pages survive."""
        self.command = command
        relax_gc()  # also under plain `mkdocs build`

    def paths(self, config: MkDocsConfig) -> ProjectPaths:
        root = Path(config.config_file_path or ".").parent
        return ProjectPaths.at(root, self.config.site_config, self.config.incidents_dir)

    @event_priority(50)  # before Material's search plugin reads the theme's language (editions.configure)
    @reported_while_serving
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load, validate and derive; stop before mkdocs touches the output if the input is bad.

        mkdocs cleans site_dir only after on_config and on_pre_build, and turns
        a PluginError into a logged error plus Abort (no traceback), so a bad
        file leaves the last good site, and `serve` keeps serving it.
        """
        paths = self.paths(config)
        self.served, self.other_builds = None, []  # this build replaces what the last one published
        self.folders = self.kept = None
        preloaded, self.preloaded = self.preloaded, None
        try:
            catalog = self.parent.catalog if self.parent is not None else preloaded if preloaded is not None else load_all(paths)
        except InvalidInput as exc:
            if self.command != "serve" or self.report is None:
                raise PluginError("The status site was not rebuilt:\n" + exc.problems.report()) from None
            # mkdocs' dev server blocks every request while builds fail, so
            # while serving we rebuild from the last good input instead, and
            # say so loudly in the terminal and on every page.
            self.stale = exc.problems
            log.error("Showing the last good version until these are fixed:\n%s", exc.problems.report())
        else:
            self.stale = self.parent.stale if self.parent is not None else None
            if self.parent is not None:  # the date the default language's build pinned is the data's, not a caller's
                self._epoch_is_ours = self.parent.epoch_is_ours
            self.edition = edition_of(catalog.site, self.parent.language if self.parent is not None else None)
            self.cache_root = cache = paths.root / ".cache" / "frankly"
            if Path(config.site_dir).name.startswith(STAGING):  # the other core makes them while this derives
                self._make_folders(config, [incident.slug for incident in catalog.incidents], hidden=True)
            self.adopt(catalog, self.parent.moment if self.parent is not None else self._judging_moment())
            # Card images are redrawn only when what they show changed (generator/outputs/cards.py),
            # texts re-rendered only when they changed (generator/outputs/markup.py).
            cards.use_cache_dir(cache / editions.cache_folder("cards", self.edition))
            keep_compiled(TEMPLATES, cache / "jinja", "frankly")
            markup.use_cache_file(cache / "rendered.sqlite")
        site = self.report.site
        # The language this build publishes in: templates and Python words read it (outputs/i18n.py).
        i18n.activate(self.edition.language, paths.site_locales)
        editions.configure(config, self.edition)  # Material's language, switcher; nothing for one language
        # site.yaml is the single source of the site's name and address. The theme
        # prints site_name raw in most places (and `| e` in one): as Markup of the
        # escaped text it reads right in both, and a name can never become markup.
        config.site_name = escape(site.name)
        config.site_url = site.base
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if SCRIPT not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(SCRIPT)
        self._pin_build_date()
        return config

    def adopt(self, catalog, moment: datetime | None, following: bool = False) -> None:
        """Publish ``catalog`` judged at ``moment`` from now on (a build's on_config, a save republished;
        ``following``: the save follows what this build published, whose facts it may reuse)."""
        assert self.edition is not None
        self.catalog, self.moment = catalog, moment
        self.report = derive(localized(catalog, self.edition), now=moment, carried=self.report if following else None)
        self.digests, self.judged_at = catalog.digests, moment.isoformat() if moment else ""
        self.renderer = Renderer(self.report, self.edition, following=self.renderer if following else None)

    def _judging_moment(self) -> datetime | None:
        return judging_moment(self.command == "serve", self._epoch_is_ours)  # moments.py

    def _pin_build_date(self) -> None:
        """Make mkdocs' own dates (sitemap) follow the data, so same input gives same bytes.

        An explicit SOURCE_DATE_EPOCH from the caller always wins.
        """
        if "SOURCE_DATE_EPOCH" in os.environ and not self._epoch_is_ours:
            return
        assert self.report is not None
        stamp = self.report.last_change
        os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()) if stamp else 0)
        self._epoch_is_ours = True

    @reported_while_serving
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Hand the site-wide pages in the navigation and the site-wide files to mkdocs.

        Pages outside the navigation and everything of each entry are written
        by on_post_build instead (see generator/publication/theme_shell.py): mkdocs would
        render each through the full theme and hold all of them in memory.
        """
        assert self.renderer is not None and self.report is not None
        # Started in on_config where site_dir is a staging folder (hidden from mkdocs' cleaning), else
        # here, once mkdocs has cleaned site_dir; those the previous site has are taken over (kept.py).
        if self.folders is None:
            self._make_folders(config, [facts.slug for facts in self.report.entries])
        self.folders.reveal()  # made in on_config: where mkdocs' cleaning of site_dir left them
        self.outputs_cache = self._output_cache(config)
        use_month_store(self.outputs_cache if self.command != "serve" else None)  # months counted before
        self.cards_ahead = CardsAhead(self.renderer, self.outputs_cache)  # on the other core meanwhile, too
        self.pages_by_src, self.later_pages = {}, []
        self.site_outputs = [] if self.command == "serve" else None
        handover = HandOver(files, config)
        for output in render_site_outputs(self.renderer):
            if self.site_outputs is not None:
                self.site_outputs.append(output)
            if isinstance(output, LaterPage):
                self.later_pages.append(output)
                continue
            if isinstance(output, GeneratedPage):
                self.pages_by_src[output.src_uri] = output
            handover.add(output)
        files.append(File.generated(config, STYLESHEET, abs_src_path=str(STYLESHEET_FILE)))
        files.append(File.generated(config, SCRIPT, abs_src_path=str(SCRIPT_FILE)))
        self.files = files
        return files

    @reported_while_serving
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        assert self.edition is not None
        editions.translate_nav(nav, self.edition)
        self.nav = nav
        return nav

    def on_page_context(self, context, *, page, config: MkDocsConfig, nav):
        """Material's language switcher and hreflang links: this page in every language."""
        if self.edition is not None and self.edition.several:
            config.extra["alternate"] = editions.alternates(self.edition, page.url)
        return context

    @reported_while_serving
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        self.env = env
        if self.cache_root is not None:
            keep_compiled(env, self.cache_root / "jinja", "theme")
        return env

    @reported_while_serving
    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        """Trim the theme's indentation and add the core's <head> contributions
        (feeds, social tags) to every page."""
        if self.config.compact_html:
            output = compact_chrome(output, page.content)
        # Material's search dialog has no accessible name (axe-core: aria-dialog-name).
        name = escape(i18n.gettext("Search"))
        output = output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + f' aria-label="{name}">', 1)
        assert self.edition is not None
        output = editions.absolute_alternates(output, self.edition)
        if self._bare:
            return output
        head = self._head(page.url)
        # str(): Markup + "</head>" would escape the closing tag into the page's text.
        return output.replace("</head>", head + "</head>", 1) if head else output

    def _head(self, url: str) -> str:
        assert self.renderer is not None
        return str(render_head(self.renderer, url))

    @reported_while_serving
    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str:
        """Put our pre-rendered HTML into generated pages; while serving with
        broken input, tell the editor on the page itself."""
        return self._content(self.pages_by_src.get(page.file.src_uri), html)

    def _content(self, generated: GeneratedPage | None, html: str) -> str:
        if generated is not None:
            html = generated.fill(html)
        if self.stale is None:
            return html
        listing = escape("\n".join(str(p) for p in self.stale.sorted()))
        return (
            '<div class="admonition danger frankly-preview-stale"><p class="admonition-title">'
            "Preview not updated: fix these problems and save again</p>"
            f"<pre>{listing}</pre></div>" + html
        )

    @contextlib.contextmanager
    def _without_head(self):
        self._bare = True
        try:
            yield
        finally:
            self._bare = False

    @event_priority(-100)  # after Material's search plugin has written its index and mkdocs its sitemap
    @reported_while_serving
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write every entry's files and the archive pages (publish.py), then add
        them to the search index and the sitemap."""
        assert self.report is not None and self.renderer is not None and self.files is not None and self.cards_ahead is not None
        shells = ShellRenderer(
            config, self.env, self.files, self.nav, pages_by_src=self.pages_by_src,
            fill_content=self._content, head=self._head, bare=self._without_head, enabled=self.config.page_shells,
        )
        made = self.folders.wait() if self.folders is not None else frozenset()
        made, taken_out_to = self.kept.take_over(Path(config.site_dir), self.report.entries, made) if self.kept else (made, None)
        writer = OutputWriter(Path(config.site_dir), {file.dest_uri for file in self.files}, log.warning, made=made,
                              taken_out_to=taken_out_to)
        output_cache = self.outputs_cache
        record = {} if self.site_outputs is not None and self.stale is None else None
        searched = republish.search_index(config)  # Material has written it (priority above)
        indexed = len(searched.entries) if searched is not None else 0
        publisher = EntryPublisher(self.report, entry_renderer(self.renderer), shells, writer, self.config.jobs, output_cache, record)
        self.cards_ahead.finish()
        workdir = Path(tempfile.mkdtemp(prefix="frankly-publish-"))
        try:
            published = publisher.run(self.later_pages, workdir)  # a worker's failure is raised as is (workers.py)
            if output_cache is not None:
                output_cache.prune((entry.slug for entry in self.report.entries), self.later_pages)
            cards.end_build()
            markup.flush_cache()
            index = Path(config.site_dir) / "search" / "search_index.json"
            if index.is_file():
                write_search_index(index, published.search_lines)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        log.info("Frankly: %s and %s in %s; %s from shells, %d rendered by mkdocs in full",
                 counted(len(self.report.entries), "entry", "entries"), counted(len(self.later_pages), "archive page"),
                 counted(published.processes, "process", "processes"),
                 counted(len(published.pages) - shells.full_renders, "page"), shells.full_renders)
        if output_cache is not None:
            log.info("Outputs: %s reused from the cache (%d in the previous site's folders), %d rendered and kept",
                     counted(published.reused, "entry", "entries"), published.kept, published.stored)
        add_to_sitemap(config, self.env, self.files, self.nav, published.pages)  # mkdocs' sitemap, with our pages (sitemap.py)
        if record is not None:
            self.served = republish.served_state(self, self.site_outputs, record, indexed, searched)
            self.mkdocs_config, self.shells = config, shells
        assert self.edition is not None
        if self.edition.several and self.edition.is_default:
            del shells, writer, publisher, published  # the other languages' builds need the memory
            self.other_builds = editions.build_other_editions(config, FranklyPlugin, self)

    def _make_folders(self, config: MkDocsConfig, slugs: list[str], hidden: bool = False) -> None:
        self.kept = KeptFolders(self.kept_site, self._outputs_folder())
        where, folders = self.kept.folders_ahead(Path(config.site_dir), slugs)
        self.folders = FoldersAhead(where, folders, hidden=hidden and where == Path(config.site_dir))

    def _outputs_folder(self) -> Path | None:
        """The output cache's folder, if this build uses one: not while showing problems."""
        if not self.config.output_cache or self.stale is not None or self.cache_root is None or self.edition is None:
            return None
        return self.cache_root / editions.cache_folder("outputs", self.edition)

    def _output_cache(self, config: MkDocsConfig) -> OutputCache | None:
        """The output cache (output_cache.py) of `build` and of `serve`'s whole builds (a serve
        build makes the same bytes; only open entries' keys hold the clock)."""
        folder = self._outputs_folder()
        if folder is None:
            return None
        assert self.edition is not None
        paths = self.paths(config)
        fingerprint = site_fingerprint(
            config_file=Path(config.config_file_path or "mkdocs.yml"), docs_dir=Path(config.docs_dir),
            site_config_dir=paths.site_config.parent, theme_dirs=[Path(d) for d in config.theme.dirs],
            project_root=paths.root,
            # a caller's SOURCE_DATE_EPOCH is also mkdocs' build date: kept site-wide (ours follows the data)
            extra={"plugin": {k: v for k, v in self.config.items() if k != "jobs"}, "site_url": config.site_url,
                   "source_date_epoch": None if self._epoch_is_ours else os.environ.get("SOURCE_DATE_EPOCH"),
                   **({"edition": self.edition.language} if self.edition.several else {})},
        )
        # The judging moment changes only open entries' files (StatusReport.judged_at, overdue_promise):
        # it is in their keys alone, so a scheduled `build --now` reuses every closed entry.
        open_slugs = frozenset(f.slug for f in self.report.entries if f.is_open)
        return OutputCache(folder, fingerprint, self.digests, self.judged_at, open_slugs)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        """Rebuild when an incident file or site.yaml is saved; a save of incident files alone
        is republished in place (serving.py)."""
        self._watcher = serve_saves(self, server, config, self.paths(config))
        return server

    def on_build_error(self, *, error: Exception) -> None:
        if self.folders is not None:
            self.folders.cancel()
        if self.cards_ahead is not None:
            self.cards_ahead.cancel()

    def on_shutdown(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
