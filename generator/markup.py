"""Editors' Markdown -> safe HTML, once per distinct text.

Incident text is written for people, often pasted from a chat during an
outage. It may contain anything, so after Markdown we run nh3 (the Rust
ammonia sanitizer) with a small allowlist: no script, no style, no event
handlers, no iframes, only http(s)/mailto links. The same HTML is reused by
pages, feeds and JSON through the cache.
"""

from __future__ import annotations

from functools import lru_cache

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


# Bounded: a text is reused by its entry's page, feeds, JSON and search
# entries, all made together; keeping every text of 10,000 entries cost ~40 MB.
@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown -> sanitized HTML, safe to embed in a page, feed or JSON."""
    html = _MD.render(text)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean.rstrip("\n"))  # as Python-Markdown did: no trailing newline


def plain(text: str) -> Markup:
    """Text that must show as typed (titles, names): every character escaped."""
    return escape(text)
