"""mkdocs' sitemap (sitemap.xml and its gzip copy) made again with Frankly's pages in it.

mkdocs writes the sitemap from the pages it knows, before Frankly writes the
entries' and archives' pages (on_post_build). The sitemap is then rendered
again, by the theme's own template, with those pages added. mkdocs' template
reads four things of each page (is_link, canonical_url, abs_url, update_date),
so with that template, and no plugin that sees the templates being rendered,
each of our pages is a small object with those four, computed by mkdocs' own
rules (File's address, Page's canonical address): the same bytes as full mkdocs
Pages, which cost ~0.35 s at 10,000 entries. A theme's own sitemap template
or a plugin that sees it gets full Pages, as mkdocs would make them.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path, PurePath

import mkdocs
from jinja2 import TemplateNotFound
from mkdocs import utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

TEMPLATE = "sitemap.xml"
_MKDOCS_TEMPLATE = Path(mkdocs.__file__).parent / "templates" / TEMPLATE
_TEMPLATE_EVENTS = ("pre_template", "template_context", "post_template")


class _Listed:
    """One of our pages as mkdocs' sitemap template sees it: the file and its page in one."""

    __slots__ = ("url", "canonical_url", "abs_url", "update_date")
    is_link = False

    def __init__(self, url: str, site_url: str | None, update_date: str):
        self.url = "" if url in (".", "./") else url  # Page.url
        Page._set_canonical_url(self, site_url)  # type: ignore[arg-type]  # mkdocs' own rule, on these slots
        self.update_date = update_date

    @property
    def page(self) -> "_Listed":
        return self


#: The source of a folder's page of plain segments (an entry's, an archive page's): no dot
#: segment, nothing to quote. Its address, joined to the site's, is appended to it as it is.
_PLAIN_SOURCE = re.compile(r"((?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)+)index\.md")


class _Addresses:
    """mkdocs' rules for a page's address (File.url, Page._set_canonical_url), with the
    joins and splits (~35 us a page, 10,000 times) made once for plain folder addresses;
    anything else takes mkdocs' own code. tests/test_sitemap.py compares the two."""

    def __init__(self, config: MkDocsConfig, site_url: str | None, update_date: str):
        self.config, self.site_url, self.update_date = config, site_url, update_date
        probe = _Listed("x/", site_url, update_date)  # mkdocs' rule, once: the site's part of every address
        self.canonical = None if probe.canonical_url is None else probe.canonical_url[:-2]
        self.absolute = None if probe.abs_url is None else probe.abs_url[:-2]
        self.folder_suffix = "" if config.use_directory_urls else "index.html"

    def of(self, source: str) -> tuple[str, "_Listed | None"]:
        """The source's URI (as Files keys it) and its page as the sitemap lists it (None: not a page)."""
        plain = _PLAIN_SOURCE.fullmatch(source)
        if plain is None:
            uri = PurePath(source).as_posix()
            file = File(uri, src_dir=None, dest_dir=self.config.site_dir, use_directory_urls=self.config.use_directory_urls,
                        inclusion=InclusionLevel.NOT_IN_NAV)
            return uri, _Listed(file.url, self.site_url, self.update_date) if file.is_documentation_page() else None
        listed = _Listed.__new__(_Listed)
        listed.url = url = plain.group(1) + self.folder_suffix
        listed.canonical_url = None if self.canonical is None else self.canonical + url
        listed.abs_url = None if self.absolute is None else self.absolute + url
        listed.update_date = self.update_date
        return source, listed


def add_to_sitemap(config: MkDocsConfig, env, files: Files, nav: Navigation | None, sources: list[str]) -> None:
    """Write the theme's sitemap.xml (and .gz) again with the pages of ``sources`` (source URIs) in it."""
    if TEMPLATE not in config.theme.static_templates or not sources:
        return
    try:
        template = env.get_template(TEMPLATE)
    except TemplateNotFound:
        template = None
    if template is None or not _plain(config, template.filename):
        _with_full_pages(config, env, files, nav, sources)
        return
    listed: dict[str, object] = {file.src_uri: file for file in files}
    addresses = _Addresses(config, config.get("site_url", None), utils.get_build_date())  # the date each Page would take
    for source in sources:
        uri, page = addresses.of(source)
        listed.pop(uri, None)  # as Files.append: a page given again moves to the end
        listed[uri] = page
    pages = [file for file in listed.values() if isinstance(file, _Listed)
             or isinstance(file, File) and file.is_documentation_page() and file.inclusion.is_included()]
    _write(config, mkdocs_build._build_template(TEMPLATE, template, pages, config, nav), pages)  # type: ignore[arg-type]


def _plain(config: MkDocsConfig, filename: str | None) -> bool:
    """Whether the sitemap is mkdocs' own template, rendered with no plugin looking on."""
    try:
        ours = filename is not None and os.path.samefile(filename, _MKDOCS_TEMPLATE)
    except OSError:
        ours = False
    return ours and not any(config.plugins.events[event] for event in _TEMPLATE_EVENTS)


def _write(config: MkDocsConfig, output: str, pages: list) -> None:
    """As mkdocs writes a theme's sitemap (commands/build.py, _build_theme_template)."""
    if not output.strip():
        mkdocs_build.log.info(f"Template skipped: '{TEMPLATE}' generated empty output.")
        return
    output_path = os.path.join(config.site_dir, TEMPLATE)
    utils.write_file(output.encode("utf-8"), output_path)
    gz_filename = f"{output_path}.gz"
    with open(gz_filename, "wb") as f:
        timestamp = utils.get_build_timestamp(pages=[p.page for p in pages if p.page is not None])
        with gzip.GzipFile(fileobj=f, filename=gz_filename, mode="wb", mtime=timestamp) as gz_buf:
            gz_buf.write(output.encode("utf-8"))


def _with_full_pages(config: MkDocsConfig, env, files: Files, nav: Navigation | None, sources: list[str]) -> None:
    """The sitemap from a full mkdocs Page for each of ``sources``, as mkdocs would list them."""
    listed = Files(list(files))
    for source in sources:
        file = File.generated(config, source, content="", inclusion=InclusionLevel.NOT_IN_NAV)
        Page(None, file, config)
        listed.append(file)
    mkdocs_build._build_theme_template(TEMPLATE, env, listed, config, nav)
