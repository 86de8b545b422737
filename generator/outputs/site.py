"""All the outputs of a site, assembled: the one module that lists every producer.

Each output keeps its code in its own module (pages, feeds, api, badges,
embed, social) and returns :mod:`generator.outputs.files` objects; this hub
imports them all and no output imports it. The publication
(:mod:`generator.publication`) asks it for the site-wide outputs, for the
function that renders one entry's outputs, and for each page's <head>
additions. Nothing here imports mkdocs.
"""

from __future__ import annotations

from typing import Callable, Iterable

from markupsafe import Markup

from generator.facts.derive import IncidentFacts, StatusReport
from generator.outputs import calendar, cards, feeds, social
from generator.outputs.api import entry_api_files, render_api
from generator.outputs.badges import render_badges
from generator.outputs.embed import render_embed
from generator.outputs.files import LaterPage, Output
from generator.outputs.scriptwords import script_words
from generator.outputs.pages import (
    render_accountability_page,
    render_alias_redirects,
    render_component_pages,
    render_history_pages,
    render_home_page,
    render_incident_page,
    render_subscribe_page,
)
from generator.outputs.templating import Renderer

#: The site-wide outputs, in a fixed order: pages, listings, feeds, JSON,
#: badges. Each step keeps its code in its own module and adds its producer here.
PRODUCERS: list[Callable[[Renderer], Iterable[Output]]] = [
    lambda r: [render_home_page(r)],
    render_history_pages,
    render_component_pages,
    render_api,  # /api/v2/*.json (api.py)
    render_badges,  # /badges/ (badges.py)
    render_embed,  # /embed/ (embed.py)
    feeds.render_feeds,
    calendar.render_calendars,  # /feeds/maintenance.ics, /feeds/components/<id>.ics (calendar.py)
    lambda r: [render_accountability_page(r)],
    lambda r: [render_subscribe_page(r)],  # /subscribe/: every feed and calendar address, chat, e-mail
    social.card_files,  # /cards/ (social.py, drawn by cards.py)
]

#: The outputs of one entry (its page, redirects, JSON, feeds, card), which
#: depend on that entry alone. Each item is called once per build and returns
#: the function called for every entry, so per-build work (a feed builder, the
#: API's page object) is done once. Entries can therefore be rendered one at a
#: time and written at once, so a build never holds 10,000 entries' files.
ENTRY_PRODUCERS: list[Callable[[Renderer], Callable[[IncidentFacts], Iterable[Output]]]] = [
    lambda r: lambda facts: [render_incident_page(r, facts)],
    lambda r: lambda facts: render_alias_redirects(r, facts),
    entry_api_files,  # /incidents/<slug>/index.json (api.py)
    feeds.entry_feed_files,  # /incidents/<slug>/feed.rss|atom
    social.entry_card_files,  # /incidents/<slug>/card.png
]


#: Contributions to the <head> of every page (generated or hand-written), given
#: the page's URL and, on an incident page, its facts: feed autodiscovery
#: links, social metadata. The plugin inserts them; each returns Markup.
HEAD_PARTS: list[Callable[[Renderer, str, IncidentFacts | None], Markup]] = [
    feeds.feed_links,
    calendar.calendar_links,  # <link rel="alternate calendar" type="text/calendar">
    social.head_tags,  # link previews: Open Graph and Twitter Card tags
    lambda r, url, facts: script_words(),  # frankly.js's words in the page's language (none in English)
]



#: Producers of the Statuspage-shaped JSON: one language, so only the default
#: edition has them (editions.py); the others link to the root's.
ROOT_ONLY = (render_api, entry_api_files)


def render_site_outputs(r: Renderer) -> Iterable[Output]:
    """The site-wide outputs (see PRODUCERS), deterministic in content and order."""
    for produce in PRODUCERS:
        if r.edition.is_default or produce not in ROOT_ONLY:
            yield from produce(r)


def entry_renderer(r: Renderer) -> Callable[[IncidentFacts], list[Output]]:
    """The function that renders all outputs of one entry (see ENTRY_PRODUCERS)."""
    producers = [make(r) for make in ENTRY_PRODUCERS if r.edition.is_default or make not in ROOT_ONLY]
    return lambda facts: [output for produce in producers for output in produce(facts)]


def cards_to_draw(r: Renderer, entries: Iterable[IncidentFacts]) -> list[cards.Card]:
    """The entries' card images not in the card cache yet (the publication draws them ahead on every core)."""
    return cards.missing(social.entry_cards(r, entries))


def render_site(report: StatusReport) -> list[Output]:
    """Every generated page and file of the site, site-wide first, then entry by entry."""
    renderer = Renderer(report)
    render_entry = entry_renderer(renderer)
    site = [output.make() if isinstance(output, LaterPage) else output for output in render_site_outputs(renderer)]
    entries = [output for facts in report.entries for output in render_entry(facts)]
    cards.end_build()
    return site + entries


def render_head(renderer: Renderer, url: str) -> Markup:
    """Extra <head> markup for the page at ``url``."""
    facts = renderer.report.by_slug.get(url[len("incidents/"):-1]) if url.startswith("incidents/") else None
    return Markup("").join(part(renderer, url, facts) for part in HEAD_PARTS)

