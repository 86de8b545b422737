"""Permanent addresses: a public promise (see DESIGN.md). Every output asks
here for a URL, so an address is spelled in exactly one place.

URLs are site-relative without a leading slash ('incidents/x/'); pages link
to each other with :func:`relative` so the site works under any base path
and in `frankly serve`; feeds and social tags use :func:`absolute`.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

HOME = ""
HISTORY = "history/"
COMPONENTS = "components/"
ACCOUNTABILITY = "accountability/"
#: Where every entry's own folder is (its page, JSON, feeds, card) and its former addresses' folders.
ENTRIES = "incidents/"


def incident(slug: str) -> str:
    return f"{ENTRIES}{slug}/"


def incident_card(slug: str) -> str:
    """The link-preview image of one incident (Open Graph / X card)."""
    return f"{ENTRIES}{slug}/card.png"


#: The link-preview image of the site as a whole (home page).
SITE_CARD = "card.png"


def component(component_id: str) -> str:
    return f"components/{component_id}/"


def history_year(year: int) -> str:
    return f"history/{year}/"


def paged(url: str, number: int) -> str:
    """Page ``number`` of a paged listing at ``url``; page 1 is the listing itself."""
    return url if number == 1 else f"{url}page/{number}/"


#: Feed formats, by file extension; the same feed is offered in both.
FEED_FORMATS = ("rss", "atom")


def incidents_feed(fmt: str) -> str:
    """One entry per incident, maintenance or notice."""
    return f"feeds/incidents.{fmt}"


def updates_feed(fmt: str) -> str:
    """One item per update (and per apology, compensation, postmortem)."""
    return f"feeds/updates.{fmt}"


def component_feed(component_id: str, fmt: str) -> str:
    return f"feeds/components/{component_id}.{fmt}"


def incident_feed(slug: str, fmt: str) -> str:
    return f"{ENTRIES}{slug}/feed.{fmt}"


#: Every maintenance as an iCalendar file, for calendar apps to subscribe to.
MAINTENANCE_CALENDAR = "feeds/maintenance.ics"


def component_calendar(component_id: str) -> str:
    """The maintenance of one component, beside that component's feeds."""
    return f"feeds/components/{component_id}.ics"


#: The page that lists every way to follow the site (generated from site.yaml).
SUBSCRIBE = "subscribe/"
#: Its source keeps the name the hand-written page had (docs/subscribe.md), so a
#: `nav:` entry written for that page finds it, and it is one item, not a section.
SUBSCRIBE_SOURCE = "subscribe.md"


def source_of(url: str) -> str:
    """The generated Markdown source that mkdocs turns into the page at ``url``."""
    return url + "index.md"


def relative(from_url: str, to_url: str) -> str:
    """Link from the page at ``from_url`` to ``to_url``, both directory URLs."""
    rel = _relpath(to_url, from_url)
    if to_url.endswith("/") or to_url == "":
        rel = rel.rstrip("/") + "/"
    return "./" if rel == "./" else rel


@lru_cache(maxsize=1024)  # the pages' own addresses: a few hundred a build
def _segments(url: str) -> tuple[str, ...] | None:
    """The path segments of a site-relative URL, or None when it has '.' or '..' segments."""
    parts = tuple(part for part in url.split("/") if part)
    return None if "." in parts or ".." in parts else parts


def _relpath(to_url: str, from_url: str) -> str:
    """``posixpath.relpath("/" + to_url, "/" + from_url)``, without its two normalizations
    of plain segments (~30,000 links a build on the history and component pages)."""
    start, path = _segments(from_url), tuple(part for part in to_url.split("/") if part)
    if start is None or "." in path or ".." in path:
        return posixpath.relpath("/" + to_url, "/" + from_url)
    common = 0
    for mine, theirs in zip(start, path):
        if mine != theirs:
            break
        common += 1
    return "/".join(("..",) * (len(start) - common) + path[common:]) or "."


def absolute(base: str, url: str) -> str:
    """Absolute address on the public site; ``base`` ends with '/'."""
    return base + url


def webcal(address: str) -> str:
    """An absolute http(s) address as a webcal:// link, which opens the reader's calendar app."""
    return "webcal://" + address.split("://", 1)[1]


# ---------------------------------------------------------------- machine-readable
# Shaped like Atlassian Statuspage's public API v2, so its clients work unchanged.
API = "api/v2/"
API_STATUS = API + "status.json"
API_COMPONENTS = API + "components.json"
API_INCIDENTS = API + "incidents.json"
API_INCIDENTS_UNRESOLVED = API + "incidents/unresolved.json"
API_MAINTENANCES = API + "scheduled-maintenances.json"
API_MAINTENANCES_UPCOMING = API + "scheduled-maintenances/upcoming.json"
API_MAINTENANCES_ACTIVE = API + "scheduled-maintenances/active.json"
API_SUMMARY = API + "summary.json"
API_UPTIME = API + "uptime.json"  # Frankly's own: every component's and group's days (no Statuspage equivalent)
BADGE_STATUS_SVG = "badges/status.svg"
BADGE_STATUS_JSON = "badges/status.json"
EMBED = "embed/"


def incident_json(slug: str) -> str:
    """Everything the incident page shows, as one JSON document beside the page."""
    return incident(slug) + "index.json"


def component_badge_svg(component_id: str) -> str:
    return f"badges/components/{component_id}.svg"


def component_badge_json(component_id: str) -> str:
    return f"badges/components/{component_id}.json"


def component_uptime_badge_svg(component_id: str) -> str:
    return f"badges/components/{component_id}-uptime.svg"


def component_uptime_badge_json(component_id: str) -> str:
    return f"badges/components/{component_id}-uptime.json"
