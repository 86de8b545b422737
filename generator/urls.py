"""Permanent addresses: a public promise (see DESIGN.md). Every output asks
here for a URL, so an address is spelled in exactly one place.

URLs are site-relative without a leading slash ('incidents/x/'); pages link
to each other with :func:`relative` so the site works under any base path
and in `frankly serve`; feeds and social tags use :func:`absolute`.
"""

from __future__ import annotations

import posixpath

HOME = ""
HISTORY = "history/"
COMPONENTS = "components/"


def incident(slug: str) -> str:
    return f"incidents/{slug}/"


def incident_card(slug: str) -> str:
    """The link-preview image of one incident (Open Graph / X card)."""
    return f"incidents/{slug}/card.png"


#: The link-preview image of the site as a whole (home page).
SITE_CARD = "card.png"


def component(component_id: str) -> str:
    return f"components/{component_id}/"


def history_year(year: int) -> str:
    return f"history/{year}/"


def source_of(url: str) -> str:
    """The generated Markdown source that mkdocs turns into the page at ``url``."""
    return url + "index.md"


def relative(from_url: str, to_url: str) -> str:
    """Link from the page at ``from_url`` to ``to_url``, both directory URLs."""
    rel = posixpath.relpath("/" + to_url, "/" + from_url)
    if to_url.endswith("/") or to_url == "":
        rel = rel.rstrip("/") + "/"
    return "./" if rel == "./" else rel


def absolute(base: str, url: str) -> str:
    """Absolute address on the public site; ``base`` ends with '/'."""
    return base + url
