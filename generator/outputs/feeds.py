"""RSS 2.0 and Atom 1.0 feeds, made with feedgen from the derived facts.

What a subscriber's reader relies on:

- an item's id never changes: the absolute incident URL plus ``#`` and the
  update's permanent anchor (or ``#apology``, ``#compensation``,
  ``#postmortem``, the heading ids of the incident page), so a rebuild or
  a new update elsewhere never shows an old item twice or hides a new one;
- every date comes from the data, in the site's zone, and a feed's own
  updated/lastBuildDate is the newest date among its items: the same input
  gives the same bytes, and a feed changes only when its news does.

feedgen traps handled here: naive datetimes raise; ``add_entry()`` prepends
unless ``order='append'``; the RSS channel ``<link>`` is the last link added;
the feed's and each entry's ``updated`` default to the wall clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Callable, Iterable, Sequence

from feedgen.feed import FeedGenerator
from feedgen.ext.dc import DcEntryExtension, DcExtension  # after feedgen.feed, which imports the lxml.etree it reads
from markupsafe import Markup, escape

from generator.facts.derive import IncidentFacts, StatusReport
from generator.input.values import Impact, Kind
from generator.outputs import urls
from generator.outputs.files import GeneratedFile
from generator.outputs.i18n import N_
from generator.outputs.i18n import gettext as _
from generator.outputs.templating import TEMPLATES, Renderer
from generator.outputs.timefmt import format_day
from generator.outputs.words import PART_TITLES, label, part_title

MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom"}
#: An empty feed still needs an 'updated'; the epoch keeps it reproducible.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
#: Msgids, translated where used (the language is known only during a build).
IMPACT_CATEGORY = {Impact.none: N_("No impact"), Impact.minor: N_("Minor impact"), Impact.major: N_("Major impact"),
                   Impact.critical: N_("Critical impact")}
#: Titles of the news items that are not updates; the keys are also their
#: heading ids on the incident page, hence their permanent ids.
EXTRA_NEWS = PART_TITLES


#: An entry's own feed's subtitle, by kind: one sentence each (a kind's word differs by gender in French).
ENTRY_FEED_SUBTITLE = {
    Kind.incident: N_("Updates on this incident from %(company)s."),
    Kind.maintenance: N_("Updates on this maintenance from %(company)s."),
    Kind.notice: N_("Updates on this notice from %(company)s."),
}


def incidents_feed_title(site) -> str:
    return _("%(site)s: incidents") % {"site": site.name}


def updates_feed_title(site) -> str:
    return _("%(site)s: all updates") % {"site": site.name}


def component_feed_title(site, component: str) -> str:
    # Translators: a component's feed: the site's name, then the component's.
    return _("%(site)s: %(component)s") % {"site": site.name, "component": component}


def entry_feed_title(site, facts: IncidentFacts) -> str:
    # Translators: an incident's own feed: its title, then the site's name.
    return _("%(title)s (%(site)s)") % {"title": facts.incident.title, "site": site.name}



_RSS_PLAIN_TEXT = re.compile(rb"(<(title|category)\b[^>]*>)([^<]*)(</\2>)")


def _rss_text_escapes(xml: bytes) -> bytes:
    """RSS titles and categories with & and < written as &#x26; and &#x3C;.

    RSS never said whether a title is plain text or HTML, so readers guess,
    and the W3C validator warns on &amp; and &lt; there; the RSS Advisory
    Board's profile asks for these numeric references, which every reader
    decodes to the same characters. Atom says its type, so it needs none.
    """
    def escape(match: re.Match) -> bytes:
        text = match.group(3).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return match.group(1) + text + match.group(4)

    return _RSS_PLAIN_TEXT.sub(escape, xml)


@dataclass(frozen=True)
class NewsItem:
    """One thing a subscriber is told: an update, an apology, a compensation offer or a postmortem."""

    facts: IncidentFacts
    anchor: str  # heading or update id on the incident page
    at: datetime
    headline: str  # 'Resolved', 'Apology', ...
    make_html: Callable[[], Markup] = field(repr=False, compare=False)
    position: int = 0  # order within its entry: ties on 'at' still sort the same way every build

    @cached_property
    def html(self) -> Markup:
        # Made on first use: the site-wide feeds sort every entry's news but
        # show only the newest `max_entries` items.
        return self.make_html()

    @property
    def sort_key(self) -> tuple:
        return (self.at, self.facts.slug, self.position)


def news_of(r: Renderer, facts: IncidentFacts) -> list[NewsItem]:
    """An entry's news, oldest first."""
    incident = facts.incident
    template = TEMPLATES.get_template("feed_item.html.j2")

    def html(what: str, **values) -> Callable[[], Markup]:
        return lambda: Markup(template.render(what=what, i=incident, when=r.when_text, day=lambda d: format_day(d, r.language),
                                      component_name=lambda cid: r.site.component(cid).name, **values).strip())

    items = [
        NewsItem(facts, u.anchor, u.at, label(u.status), html("update", u=u), n)
        for n, u in enumerate(incident.updates)
    ]
    extras = {
        "apology": (incident.apology, lambda a: a.at),
        "compensation": (incident.compensation, lambda c: c.at),
        "postmortem": (incident.postmortem, lambda p: p.published_at),
    }
    for n, (anchor, (part, published)) in enumerate(extras.items(), start=len(items)):
        if part is not None:
            items.append(NewsItem(facts, anchor, published(part), part_title(anchor), html(anchor, part=part), n))
    return sorted(items, key=lambda item: item.sort_key)


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    html: Markup
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Feed:
    address: Callable[[str], str]  # format -> site-relative URL
    title: str
    subtitle: str
    page: str  # the HTML page this feed follows
    entries: Sequence[FeedEntry]  # newest first, already capped
    #: Former addresses of the same feed (a renamed incident's old slugs): they
    #: serve the same bytes, so subscribers of the old address keep following.
    former: Sequence[Callable[[str], str]] = ()


class FeedBuilder:
    """Turns the report into feeds; one per site build."""

    def __init__(self, r: Renderer):
        self.r = r
        self.site = r.site
        self.report: StatusReport = r.report
        self.cap = self.site.feeds.max_entries
        # Each entry's news, made when first asked and kept only while the
        # site-wide feeds are made (they sort every entry's news); one entry's
        # own feed makes its news again rather than keep 10,000 entries' worth.
        self._news: dict[str, list[NewsItem]] | None = None

    def absolute(self, url: str) -> str:
        return urls.absolute(self.site.base, url)

    def categories(self, facts: IncidentFacts) -> tuple[str, ...]:
        names = [self.site.component(cid).name for cid in facts.peak_statuses]
        return (*names, _(IMPACT_CATEGORY[facts.incident.impact]))

    def news_entry(self, item: NewsItem) -> FeedEntry:
        facts = item.facts
        page = self.absolute(urls.incident(facts.slug))
        return FeedEntry(
            # The root's address in every language: an update is the same item in each language's feed.
            id=f"{self.r.edition.identity(urls.incident(facts.slug))}#{item.anchor}",
            # Translators: a feed item's title: what the news is (a status, "Apology"...), then the entry's title.
            title=_("%(news)s — %(title)s") % {"news": item.headline, "title": facts.incident.title},
            link=page,
            published=item.at,
            updated=item.at,
            html=item.html,
            categories=self.categories(facts),
        )

    def incident_entry(self, facts: IncidentFacts) -> FeedEntry:
        """The entry as one item, its whole trail inside. A closed entry's is judged at its own
        last change (StatusReport.judged_at), so it follows from the entry, the site and the
        edition alone: remembered with its facts across the saves `serve` republishes."""
        if facts.is_open:
            return self._incident_entry(facts)
        return facts.remembered("feed item", (self.site, self.r.edition), lambda: self._incident_entry(facts))

    def _incident_entry(self, facts: IncidentFacts) -> FeedEntry:
        page = self.absolute(urls.incident(facts.slug))
        trail = list(reversed(self.news(facts)))
        html = TEMPLATES.get_template("feed_trail.html.j2").render(
            f=facts, i=facts.incident, impact=_(IMPACT_CATEGORY[facts.incident.impact]), trail=trail, page_url=page,
            when=self.r.when_text, when_text=self.r.when_text, site=self.r.site, report=self.r.report, Kind=Kind,
        )
        return FeedEntry(
            id=self.r.edition.identity(urls.incident(facts.slug)),
            title=_("%(news)s — %(title)s") % {"news": label(facts.status), "title": facts.incident.title},
            link=page,
            published=facts.first_update.at,
            updated=facts.last_change,
            html=Markup(html.strip()),
            categories=self.categories(facts),
        )

    def news(self, facts: IncidentFacts) -> list[NewsItem]:
        if self._news is None:
            return news_of(self.r, facts)
        if not facts.is_open:  # the few dozen entries the site-wide feeds read: as incident_entry
            return facts.remembered("feed news", (self.site, self.r.edition), lambda: news_of(self.r, facts))
        if facts.slug not in self._news:
            self._news[facts.slug] = news_of(self.r, facts)
        return self._news[facts.slug]

    def news_feed(self, by_change: Iterable[IncidentFacts]) -> list[FeedEntry]:
        """The newest news of these entries (given most recently changed first), capped.

        No news of an entry is newer than its last change, so the visit stops
        once the next entry changed before the oldest item kept: a site-wide
        feed reads the few dozen entries it shows, not the whole history."""
        items: list[NewsItem] = []
        for facts in by_change:
            if len(items) >= self.cap:
                items.sort(key=lambda item: item.sort_key, reverse=True)
                del items[self.cap:]
                if facts.last_change < items[-1].at:
                    break
            items.extend(self.news(facts))
        items.sort(key=lambda item: item.sort_key, reverse=True)
        return [self.news_entry(item) for item in items[: self.cap]]

    def feeds(self) -> Iterable[Feed]:
        """The site-wide feeds and one per component."""
        self._news = {}
        try:
            yield from self._site_feeds()
        finally:
            self._news = None

    def _site_feeds(self) -> Iterable[Feed]:
        site, report = self.site, self.report
        by_change = sorted(report.entries, key=lambda f: (f.last_change, f.slug), reverse=True)
        yield Feed(
            urls.incidents_feed,
            incidents_feed_title(site),
            _("Incidents, maintenance and notices of %(company)s, most recently changed first.") % {"company": site.company},
            urls.HOME,
            [self.incident_entry(f) for f in by_change[: self.cap]],
        )
        yield Feed(
            urls.updates_feed,
            updates_feed_title(site),
            _("Every update from %(company)s: incidents, maintenance, notices, apologies, compensation and postmortems.")
            % {"company": site.company},
            urls.HOME,
            self.news_feed(by_change),
        )
        for component in site.components:
            affected = {id(f) for f in report.components[component.id].entries}
            yield Feed(
                lambda fmt, cid=component.id: urls.component_feed(cid, fmt),
                component_feed_title(site, component.name),
                _("Updates on incidents and maintenance affecting %(component)s.") % {"component": component.name},
                urls.component(component.id),
                self.news_feed(f for f in by_change if id(f) in affected),
            )

    def entry_feed(self, facts: IncidentFacts) -> Feed:
        """The feed of one incident, maintenance or notice."""
        site = self.site
        return Feed(
            lambda fmt: urls.incident_feed(facts.slug, fmt),
            entry_feed_title(site, facts),
            _(ENTRY_FEED_SUBTITLE[facts.incident.kind]) % {"company": site.company},
            urls.incident(facts.slug),
            self.news_feed([facts]),
            [lambda fmt, alias=alias: urls.incident_feed(alias, fmt) for alias in facts.incident.aliases],
        )

    def site_files(self, feed: Feed) -> list[GeneratedFile]:
        """A site-wide or component feed's files; in `serve`, the save before's bytes when
        the feed is the same (Renderer.carried): most component feeds, after one entry's save."""
        inputs = (tuple(map(feed.address, urls.FEED_FORMATS)), feed.title, feed.subtitle, feed.page, tuple(feed.entries),
                  tuple(former(fmt) for former in feed.former for fmt in urls.FEED_FORMATS), self._newest(feed))
        return self.r.carried(("feed", inputs[0]), inputs, lambda: list(self.files(feed)))

    def files(self, feed: Feed) -> Iterable[GeneratedFile]:
        # One generator serves both formats (building it was most of a feed's
        # cost); only the self link and the items' one RSS date differ.
        generator, items = self.generator(feed)
        for fmt in urls.FEED_FORMATS:
            # RSS takes the channel <link> from the LAST link added: the page goes last.
            generator.link(
                [{"href": self.absolute(feed.address(fmt)), "rel": "self", "type": MEDIA_TYPES[fmt]},
                 {"href": self.absolute(feed.page), "rel": "alternate", "type": "text/html"}],
                replace=True,
            )
            for entry, item in zip(feed.entries, items):
                # An RSS item has one date, pubDate: make it the last change, so an
                # incident's entry moves with every update as its Atom 'updated' does.
                item.published(self._local(entry.published if fmt == "atom" else entry.updated))
            xml = _rss_text_escapes(generator.rss_str(pretty=True)) if fmt == "rss" else generator.atom_str(pretty=True)
            yield GeneratedFile(feed.address(fmt), xml)
            for former in feed.former:
                yield GeneratedFile(former(fmt), xml)

    def generator(self, feed: Feed) -> tuple[FeedGenerator, list]:
        """The feed without its self link and items' published dates (see files())."""
        site = self.site
        generator = FeedGenerator()
        # RSS items name no author without an e-mail address; dc:creator does. Registered by class:
        # load_extension("dc") also tries to import a module feedgen.ext.dc_entry that does not
        # exist, a search of sys.path on every feed (1.3 % of a build rendering 10,000 entries).
        generator.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
        generator.id(self.absolute(feed.address("atom")))
        generator.title(feed.title)
        generator.subtitle(feed.subtitle)
        generator.language(site.language.replace("_", "-"))
        generator.author(name=site.company, uri=site.base)
        generator.generator("Frankly")
        # Newest news in this feed, never the clock: a rebuild alone changes nothing.
        generator.updated(self._local(self._newest(feed)))
        items = []
        for entry in feed.entries:
            item = generator.add_entry(order="append")
            item.guid(entry.id, permalink=True)  # a page address with the item's heading id: it opens the item
            item.title(entry.title)
            item.link(href=entry.link, rel="alternate", type="text/html")
            item.updated(self._local(entry.updated))
            item.content(str(entry.html), type="html")
            item.author(name=site.company, uri=site.base)
            item.dc.dc_creator(site.company)
            item.category([{"term": term} for term in entry.categories])
            items.append(item)
        return generator, items

    def _newest(self, feed: Feed) -> datetime:
        """The feed's date: its newest news, never the clock (a rebuild alone changes nothing);
        for a feed with no news yet, the site's latest change."""
        return max((entry.updated for entry in feed.entries), default=self.report.last_change or EPOCH)

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.site.time_zone)


def render_feeds(r: Renderer) -> Iterable[GeneratedFile]:
    """site.PRODUCERS entry: the site-wide and component feeds, both formats, in a fixed order."""
    builder = r.shared(FeedBuilder)
    for feed in builder.feeds():
        yield from builder.site_files(feed)


def entry_feed_files(r: Renderer) -> Callable[[IncidentFacts], Iterable[GeneratedFile]]:
    """site.ENTRY_PRODUCERS entry: each entry's own feed, both formats."""
    builder = r.shared(FeedBuilder)
    return lambda facts: builder.files(builder.entry_feed(facts))


# ---------------------------------------------------------------- autodiscovery


def _feed_link_title(title: str, fmt: str) -> str:
    # Translators: a feed's name in a browser's list of feeds, then its format ('RSS', 'Atom').
    return _("%(feed)s (%(format)s)") % {"feed": title, "format": FORMAT_NAMES[fmt]}


def feed_links(r: Renderer, url: str, facts: IncidentFacts | None) -> Markup:
    """Autodiscovery <link rel="alternate feed"> for the feeds relevant to the page at ``url``:
    the site-wide feeds everywhere, plus the incident's or the component's own."""
    site = r.site
    wanted: list[tuple[Callable[[str], str], str]] = [
        (urls.updates_feed, updates_feed_title(site)),
        (urls.incidents_feed, incidents_feed_title(site)),
    ]
    if facts is not None:
        wanted.append((lambda fmt: urls.incident_feed(facts.slug, fmt), entry_feed_title(site, facts)))
    component_id = url[len(urls.COMPONENTS):-1] if url.startswith(urls.COMPONENTS) else None
    if component_id and component_id in r.report.components:
        wanted.append((lambda fmt: urls.component_feed(component_id, fmt), component_feed_title(site, site.component(component_id).name)))
    # rel is a token list: feed readers find the 'alternate' token, while
    # Material's language switcher, which selects link[rel=alternate] exactly,
    # no longer fetches a sitemap.xml beside every feed on every page view
    # (same code upstream: zensical/zensical#908). tests/test_browser.py checks it.
    return Markup("".join(
        f'<link rel="alternate feed" type="{MEDIA_TYPES[fmt]}" title="{escape(_feed_link_title(title, fmt))}" '
        f'href="{escape(urls.absolute(site.base, address(fmt)))}">'
        for address, title in wanted
        for fmt in urls.FEED_FORMATS
    ))
