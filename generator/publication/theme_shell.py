"""Publish step: generated pages outside the navigation, in the theme's chrome.

mkdocs renders every page through the theme's full template (Material's is
~15 KB of header, search, navigation and footer) and keeps each page's HTML
until the build ends. For 10,000 incidents that was ~7 ms and ~20 KB held per
page, most of a build. But every incident page outside the navigation gets
the same chrome: only its title, description, address, content and <head>
extras differ. So the chrome is rendered once per *shape* (folder, headings,
front-matter keys) by mkdocs itself, with marker values, and each page is
then that shell with its own values put in, written to disk at once.

The shell is trusted only when it is exact. Markers carry the characters
that escaping or URL-encoding would change; if the theme transformed a
marker anywhere (a `| urlencode`, a `| e`), it no longer matches and the
shape falls back to the full mkdocs render. The first page of each shape is
also rendered in full and compared byte for byte with its shell-made twin;
any difference (a plugin that varies pages some other way) also falls back.
This module is mkdocs-specific, so it lives beside the plugin, not in the core.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from dataclasses import dataclass, replace
from typing import Callable

import yaml
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.outputs.files import GeneratedPage

log = logging.getLogger("mkdocs.plugins.frankly")

# What escaping would change (& < > " '), a non-ASCII letter, and a word no
# page contains. Titles and descriptions reach the template pre-escaped.
_PROBE = "&amp;&lt;&gt;&#34;&#39;é"
TITLE_MARK = "frankly-shell-title-" + _PROBE
DESCRIPTION_MARK = "frankly-shell-description-" + _PROBE
SLUG_MARK = "frankly-shell-page"  # a URL path segment: only what slugs may contain
_ANY_MARK = re.compile(r"frankly-shell-")

_SLOTS = {TITLE_MARK: "title", DESCRIPTION_MARK: "description", SLUG_MARK: "slug"}
_SLOT_PATTERN = re.compile("|".join(re.escape(mark) for mark in _SLOTS))


@dataclass(frozen=True)
class Shell:
    """A rendered page with holes: literal text and slot names, alternating."""

    parts: tuple[tuple[bool, str], ...]  # (is_slot, text or slot name)

    def fill(self, values: dict[str, str]) -> str:
        return "".join(values[text] if is_slot else text for is_slot, text in self.parts)

    @classmethod
    def compile(cls, output: str, content: str) -> "Shell | None":
        """The shell made from a marker page's ``output`` whose body was ``content``; None if not exact."""
        if not content or output.count(content) != 1 or output.count("</head>") < 1:
            return None
        before, after = output.split(content)
        head_at = before.find("</head>")
        pieces: list[tuple[bool, str]] = []
        for literal, slot in ((before[:head_at], "head"), (before[head_at:], "content"), (after, None)):
            position = 0
            for match in _SLOT_PATTERN.finditer(literal):
                pieces += [(False, literal[position:match.start()]), (True, _SLOTS[match.group()])]
                position = match.end()
            pieces.append((False, literal[position:]))
            if slot:
                pieces.append((True, slot))
        if any(_ANY_MARK.search(text) for is_slot, text in pieces if not is_slot):
            return None  # the theme changed a marker somewhere: substituting would not be exact
        return cls(tuple(piece for piece in pieces if piece[0] or piece[1]))


#: Indentation and blank lines: where a run of whitespace holds a line break,
#: one line break renders the same (outside <pre>, <textarea> and JavaScript
#: template strings, which compact_chrome leaves alone).
_INDENTATION = re.compile(r"[ \t]*\n\s*")
_WHITESPACE_MATTERS = re.compile(r"<pre|<textarea|`", re.IGNORECASE)


def compact_chrome(output: str, content: str | None) -> str:
    """The page with the theme's indentation removed around ``content``, which is untouched.

    Material's templates are indented for reading: about 3.5 KB of a
    ~26 KB incident page. Only whitespace runs that contain a line break
    are shortened, to one line break, so the page renders exactly as before;
    a part holding preformatted text or a JavaScript template string, or a
    page whose content cannot be found exactly once, is left as it was.
    """
    if not content or output.count(content) != 1:
        return output
    return content.join(
        part if _WHITESPACE_MATTERS.search(part) else _INDENTATION.sub("\n", part)
        for part in output.split(content)
    )


def split_front_matter(markdown: str) -> tuple[dict, str]:
    """(meta, body) of a generated page's Markdown (front matter is ours, so simple)."""
    if not markdown.startswith("---\n"):
        return {}, markdown
    end = markdown.index("\n---\n", 4)
    return yaml.load(markdown[4:end], Loader=yaml.CSafeLoader) or {}, markdown[end + 5:]


def with_front_matter(meta: dict, body: str) -> str:
    # JSON is YAML; our meta values are strings, booleans and small mappings.
    lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in meta.items())
    return f"---\n{lines}---\n{body}"


class _Recording:
    """Stands in for a GeneratedPage while mkdocs converts it, to keep the skeleton's HTML."""

    def __init__(self, page: GeneratedPage):
        self.page = page
        self.skeleton_html = ""

    def fill(self, html: str) -> str:
        self.skeleton_html = html
        return self.page.fill(html)


class ShellRenderer:
    """Renders generated pages outside the navigation: shells where exact, mkdocs where not.

    The plugin hands over its own steps: ``pages_by_src`` is where its
    on_page_content finds the page being converted, ``fill_content`` is that
    content step (fragments, stale-preview banner), ``head`` its <head>
    additions for a URL, and ``bare`` a context manager under which its
    on_post_page leaves <head> alone (for marker pages).
    """

    def __init__(self, config: MkDocsConfig, env, files: Files, nav: Navigation, *, pages_by_src: dict,
                 fill_content: Callable[[GeneratedPage, str], str], head: Callable[[str], str], bare,
                 enabled: bool = True):
        self.config, self.env, self.nav, self.files = config, env, nav, files
        self.doc_files = files.documentation_pages()
        self.pages_by_src = pages_by_src
        self.fill_content, self.head, self.bare = fill_content, head, bare
        self.shapes: dict[tuple, tuple[Shell, str] | None] = {}
        self.enabled = enabled
        self.full_renders = 0

    def render(self, page: GeneratedPage) -> str:
        """The page's complete HTML, as mkdocs would have written it."""
        if not self.enabled:
            return self.render_in_full(page)
        meta, body = split_front_matter(page.markdown)
        folder, slug = posixpath.split(page.url.rstrip("/"))
        key = (
            folder, body, tuple(sorted((k, str(v)) for k, v in meta.items() if k not in ("title", "description"))),
            any("<h1" in fragment for fragment in page.fragments),  # Material adds an <h1> when there is none
        )
        if key not in self.shapes:
            return self._first_of_shape(key, page, meta, body)
        shaped = self.shapes[key]
        if shaped is None:
            return self.render_in_full(page)
        shell, skeleton_html = shaped
        return shell.fill({
            "title": meta.get("title", ""), "description": meta.get("description", ""), "slug": slug,
            "content": self.fill_content(page, skeleton_html), "head": self.head(page.url),
        })

    def _first_of_shape(self, key: tuple, page: GeneratedPage, meta: dict, body: str) -> str:
        reference = self.render_in_full(page)
        folder = key[0]
        marked = dict(meta)
        if "title" in meta:
            marked["title"] = TITLE_MARK
        if "description" in meta:
            marked["description"] = DESCRIPTION_MARK
        marker = replace(page, url=f"{folder}/{SLUG_MARK}/" if folder else f"{SLUG_MARK}/",
                         markdown=with_front_matter(marked, body))
        with self.bare():
            mk_page, recording = self._populate(marker)
            output = self._render(mk_page)
        shell = Shell.compile(output, mk_page.content or "")
        self.shapes[key] = (shell, recording.skeleton_html) if shell else None
        if shell is None:
            log.info("Frankly: pages like %s are rendered by mkdocs in full (no exact shell)", page.url)
        elif self.render(page) != reference:  # the shell must make exactly what mkdocs made
            log.info("Frankly: pages like %s are rendered by mkdocs in full (the theme varies them)", page.url)
            self.shapes[key] = None
        return reference

    # ------------------------------------------------ mkdocs' own path, for one page

    def _populate(self, page: GeneratedPage) -> tuple[Page, _Recording]:
        """A mkdocs Page read and converted as mkdocs does it, plugin events included."""
        file = File.generated(self.config, page.src_uri, content=page.markdown, inclusion=InclusionLevel.NOT_IN_NAV)
        mk_page = Page(None, file, self.config)
        recording = self.pages_by_src[page.src_uri] = _Recording(page)
        try:
            mkdocs_build._populate_page(mk_page, self.config, self.files)
        finally:
            self.pages_by_src.pop(page.src_uri, None)
        return mk_page, recording

    def _render(self, mk_page: Page) -> str:
        # As mkdocs.commands.build._build_page (mkdocs 1.6.1, pinned), without writing the file.
        mk_page.active = True
        try:
            context = mkdocs_build.get_context(self.nav, self.doc_files, self.config, mk_page)
            template = self.env.get_template(mk_page.meta.get("template", "main.html"))
            context = self.config.plugins.on_page_context(context, page=mk_page, config=self.config, nav=self.nav)
            output = template.render(context)
            return self.config.plugins.on_post_page(output, page=mk_page, config=self.config)
        finally:
            mk_page.active = False

    def render_in_full(self, page: GeneratedPage) -> str:
        """mkdocs' own render of the page: the reference, and the fallback."""
        self.full_renders += 1
        return self._render(self._populate(page)[0])
