"""The mkdocs plugin: publishes what the core produced. Nothing else.

Registered as the ``frankly`` entry point, so a plain ``mkdocs build`` or
``mkdocs serve`` with ``plugins: [frankly]`` builds the status site too.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from . import cards
from .derive import StatusReport, derive
from .load import ProjectPaths, load_all
from .problems import InvalidInput, Problems
from .render import GeneratedPage, Output, Renderer, render_head, render_site
from .search import search_entries

log = logging.getLogger("mkdocs.plugins.frankly")

ASSETS = Path(__file__).parent / "assets"
STYLESHEET = "assets/frankly.css"


class FranklyConfig(base.Config):
    site_config = c.Type(str, default="site_config/site.yaml")
    """Path of site.yaml, relative to mkdocs.yml."""
    incidents_dir = c.Type(str, default="incidents")
    """Folder of incident files, relative to mkdocs.yml."""


class FranklyPlugin(BasePlugin[FranklyConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.report: StatusReport | None = None
        self.renderer: Renderer | None = None
        self.outputs: list[Output] = []
        self.pages_by_src: dict[str, GeneratedPage] = {}
        self.stale: Problems | None = None  # serve only: problems that kept the last good pages
        self._epoch_is_ours = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember the command. Defining this hook also makes mkdocs keep this
        instance across `serve` rebuilds, which is how the last good pages survive."""
        self.command = command

    def paths(self, config: MkDocsConfig) -> ProjectPaths:
        root = Path(config.config_file_path or ".").parent
        return ProjectPaths.at(root, self.config.site_config, self.config.incidents_dir)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load, validate, derive and render; stop before mkdocs touches the output if the input is bad.

        mkdocs cleans site_dir only after on_config and on_pre_build, and turns
        a PluginError into a logged error plus Abort (no traceback), so a bad
        file leaves the last good site, and `serve` keeps serving it.
        """
        try:
            catalog = load_all(self.paths(config))
        except InvalidInput as exc:
            if self.command != "serve" or self.report is None:
                raise PluginError("The status site was not rebuilt:\n" + exc.problems.report()) from None
            # mkdocs' dev server blocks every request while builds fail, so
            # while serving we rebuild from the last good input instead, and
            # say so loudly in the terminal and on every page.
            self.stale = exc.problems
            log.error("Showing the last good version until these are fixed:\n%s", exc.problems.report())
        else:
            self.stale = None
            self.report = derive(catalog)
            self.renderer = Renderer(self.report)
            # Card images are redrawn only when what they show changed (generator/cards.py).
            cards.use_cache_dir(self.paths(config).root / ".cache" / "frankly" / "cards")
            self.outputs = render_site(self.report)
            self.pages_by_src = {o.src_uri: o for o in self.outputs if isinstance(o, GeneratedPage)}
        site = self.report.site
        # site.yaml is the single source of the site's name and address.
        config.site_name = site.name
        config.site_url = site.base
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        self._pin_build_date()
        return config

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

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Hand every generated page and file to mkdocs."""
        for output in self.outputs:
            if isinstance(output, GeneratedPage):
                path = output.src_uri
                # Incident pages stay out of the navigation: a nav entry is
                # rendered into every page, which makes big sites quadratic.
                inclusion = InclusionLevel.INCLUDED if output.in_nav else InclusionLevel.NOT_IN_NAV
                file = File.generated(config, path, content=output.markdown, inclusion=inclusion)
            else:
                path = output.path
                file = (
                    File.generated(config, path, abs_src_path=str(output.source))
                    if output.source is not None
                    else File.generated(config, path, content=output.content)
                )
            existing = files.get_file_from_path(path)
            if existing is not None:
                log.warning("docs/%s is replaced by the page Frankly generates at that address", path)
                files.remove(existing)
            files.append(file)
        files.append(File.generated(config, STYLESHEET, abs_src_path=str(ASSETS / "frankly.css")))
        if self.command != "serve":
            self.outputs = []  # mkdocs' File objects hold them now; `serve` keeps them as the last good build
        return files

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        """Add the core's <head> contributions (feeds, social tags) to every page."""
        assert self.renderer is not None
        head = render_head(self.renderer, page.url)
        if page.file.generated_by == "frankly" and self.command != "serve":
            # mkdocs keeps every page's HTML and Markdown until the build ends:
            # at 10,000 incidents that is hundreds of MB nothing reads again.
            page.content = page.markdown = None
        # str(): Markup + "</head>" would escape the closing tag into the page's text.
        return output.replace("</head>", str(head) + "</head>", 1) if head else output

    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str:
        """Put our pre-rendered HTML into generated pages; while serving with
        broken input, tell the editor on the page itself."""
        generated = (self.pages_by_src.get if self.command == "serve" else self.pages_by_src.pop)(page.file.src_uri, None)
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

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Add the incident pages' search entries, built from the data (see search.py)."""
        index = Path(config.site_dir) / "search" / "search_index.json"
        if self.report is None or not index.is_file():
            return
        data = json.loads(index.read_text(encoding="utf-8"))
        data["docs"].extend(search_entries(self.report))
        # Compact, as Material writes it (UTF-8 rather than \u escapes).
        index.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        """Rebuild when an incident file or site.yaml is saved."""
        paths = self.paths(config)
        server.watch(str(paths.incidents_dir))
        server.watch(str(paths.site_config.parent))
        return server
