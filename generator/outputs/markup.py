"""Editors' Markdown -> safe HTML, once per distinct text.

Incident text is written for people, often pasted from a chat during an
outage. It may contain anything, so after Markdown we run nh3 (the Rust
ammonia sanitizer) with a small allowlist: no script, no style, no event
handlers, no iframes, only http(s)/mailto links. The same HTML is reused by
pages, feeds and JSON through the cache.
"""

from __future__ import annotations

import hashlib
import re
import importlib.metadata
import os
import sqlite3
from functools import lru_cache
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub", "abbr",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}

# CommonMark with GitHub's tables and ~~strikethrough~~, through markdown-it-py
# (the parser of MyST and mdformat), one instance for every text. CommonMark
# is what editors know from GitHub and chat tools (Python-Markdown wants a
# blank line before a list and 4-space nesting), and it is faster: 0.24 ms
# for a 480-character message where Python-Markdown took 0.38 (short ones:
# 0.05 vs 0.43). cmark-gfm (cmarkgfm, pycmarkgfm) would be ~10x faster, but
# both wrappers never free what they render (~5 KB a call: 300 MB at
# 10,000 incidents). Raw HTML is parsed here because nh3 below decides what
# of it stays.
_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


_URL_SCHEMES = {"http", "https", "mailto"}
_LINK_REL = "nofollow noopener noreferrer"

#: Everything the HTML of a text depends on besides the text: part of each
#: cache key, so a new parser, sanitizer or allowlist never reuses old HTML.
RENDERING = repr((
    "frankly-markup-1", importlib.metadata.version("markdown-it-py"), importlib.metadata.version("nh3"),
    sorted(_ALLOWED_TAGS), sorted((tag, sorted(names)) for tag, names in _ALLOWED_ATTRIBUTES.items()),
    sorted(_URL_SCHEMES), _LINK_REL,
))


# Bounded: a text is reused by its entry's page, feeds, JSON and search
# entries, all made together, and by the site-wide feeds' newest entries;
# keeping every text of 10,000 entries cost ~40 MB, 4,096 of them ~4 MB per process.
@lru_cache(maxsize=1024)
def render_markdown(text: str) -> Markup:
    """Markdown -> sanitized HTML, safe to embed in a page, feed or JSON."""
    key = hashlib.sha256(f"{RENDERING}\0{text}".encode("utf-8")).digest()
    html = _STORE.get(key) if _STORE is not None else None
    if html is None:
        html = _render(text)
        if _STORE is not None:
            _STORE.put(key, html)
    return Markup(html)


def _render(text: str) -> str:
    clean = nh3.clean(
        _MD.render(text), tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES, link_rel=_LINK_REL,
    )
    return clean.rstrip("\n")  # as Python-Markdown did: no trailing newline


class RenderedStore:
    """Rendered texts by content hash, kept between builds in one SQLite file.

    Markdown and sanitizing are ~20% of rendering an entry, and between two
    builds almost every text is unchanged. SQLite because several forked
    build processes read and add at once (WAL, each process its own
    connection), and a lookup costs microseconds without loading anything.
    New texts are written in batches; `flush()` before forking and at the end.
    Any database error turns the store off for the build (texts are then
    simply rendered), never fails it.
    """

    def __init__(self, path: Path):
        self.path = path
        self._pid: int | None = None
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[bytes, str]] = []
        self.broken = False

    def _connection(self) -> sqlite3.Connection | None:
        if self.broken:
            return None
        if self._pid != os.getpid():  # a forked child never uses its parent's connection
            self._db, self._pid, self._pending = None, os.getpid(), []
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS rendered (key BLOB PRIMARY KEY, html TEXT NOT NULL) WITHOUT ROWID")
                self._db = db
            except (sqlite3.Error, OSError):
                self.broken = True
        return self._db

    def get(self, key: bytes) -> str | None:
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.execute("SELECT html FROM rendered WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self.broken = True
            return None
        return row[0] if row else None

    def put(self, key: bytes, html: str) -> None:
        if self._connection() is None:
            return
        self._pending.append((key, html))
        if len(self._pending) >= 1000:
            self.flush()

    def flush(self) -> None:
        if not self._pending or self._pid != os.getpid() or self._db is None:
            return
        try:
            with self._db:  # one transaction
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR IGNORE INTO rendered VALUES (?, ?)", self._pending)
        except sqlite3.Error:
            self.broken = True
        self._pending = []


_STORE: RenderedStore | None = None


def use_cache_file(path: Path | None) -> None:
    """Keep rendered texts in ``path`` (normally .cache/frankly/rendered.sqlite); None: no cache."""
    global _STORE
    if _STORE is not None:
        _STORE.flush()
    _STORE = RenderedStore(path) if path is not None else None
    render_markdown.cache_clear()


def flush_cache() -> None:
    """Write the texts rendered since the last flush (before forking, and when a process is done)."""
    if _STORE is not None:
        _STORE.flush()


def plain(text: str) -> Markup:
    """Text that must show as typed (titles, names): every character escaped."""
    return escape(text)


def plain_text(markdown_text: str) -> str:
    """An editor's Markdown as one line of plain text (links keep their words, lose their targets)."""
    return Markup(render_markdown(markdown_text)).striptags()


def paragraphs(markdown_text: str) -> list[str]:
    """Plain text per paragraph, for posts and JSON that keep paragraph breaks."""
    blocks = re.split(r"\n\s*\n", markdown_text.strip())
    if len(blocks) == 1 and not markdown_text[:1].isspace():
        # One paragraph: the text's own rendering (its page's, already made) reads the same as
        # the block's, which differs by trailing blanks alone (a second lookup or rendering of
        # every update's message: ~40 % of the text cache's lookups of a build rendering entries).
        blocks = [markdown_text]
    return [text for text in (plain_text(block) for block in blocks) if text]
