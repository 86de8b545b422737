"""The pages of the site: home, each incident, the history archive, the
component pages, the accountability and Subscribe pages, and the redirects
that keep a renamed entry's former addresses alive."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Iterable, Sequence

from generator.facts.accountability import site_accountability
from generator.facts.derive import IncidentFacts
from generator.outputs import social, urls
from generator.outputs.files import GeneratedFile, GeneratedPage, LaterPage
from generator.outputs.templating import TEMPLATES, Renderer
from generator.outputs.timefmt import format_month


def render_incident_page(r: Renderer, facts: IncidentFacts) -> GeneratedPage:
    return r.page("incident.md.j2", urls.incident(facts.slug), f=facts, i=facts.incident, share_links=social.share_links)


def render_home_page(r: Renderer) -> GeneratedPage:
    return r.page("home.md.j2", urls.HOME)


#: Entries per archive page: no page grows with the size of the history.
HISTORY_PAGE_SIZE = 100
COMPONENT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Paging:
    """Where one page of a paged listing stands among its siblings."""

    base: str
    number: int
    count: int

    def url(self, number: int) -> str:
        return urls.paged(self.base, number)


def _paged(base: str, entries: Sequence, size: int) -> Iterable[tuple[Paging, Sequence]]:
    count = max(1, -(-len(entries) // size))
    for number in range(1, count + 1):
        yield Paging(base, number, count), entries[(number - 1) * size : number * size]


#: /history/ itself: the latest months in full, at most this many of them and of entries.
HISTORY_RECENT_MONTHS = 3
HISTORY_RECENT_ENTRIES = 50


@dataclass(frozen=True)
class Month:
    """One month of the history: its name, its entries (newest first) and where they are listed."""

    year: int
    month: int
    label: str
    entries: Sequence
    #: The address of the year page (of its pages) that lists this month's first entry, with its anchor.
    url: str

    @property
    def anchor(self) -> str:
        return f"m-{self.year}-{self.month:02d}"


def _months(r: Renderer) -> list[Month]:
    """Every month with entries, newest first, each pointing at the year page that lists it."""
    months, position = [], {}
    for (year, month), entries in r.report.by_month.items():
        index = position.get(year, 0)
        position[year] = index + len(entries)
        number = index // HISTORY_PAGE_SIZE + 1
        url = urls.paged(urls.history_year(year), number) + f"#m-{year}-{month:02d}"
        months.append(Month(year, month, format_month(year, month, r.language), entries, url))
    return months


def render_history_pages(r: Renderer) -> Iterable[GeneratedPage | LaterPage]:
    months = _months(r)
    recent, shown = [], 0
    for month in months[:HISTORY_RECENT_MONTHS]:
        if shown >= HISTORY_RECENT_ENTRIES:
            break
        recent.append(replace(month, entries=month.entries[: HISTORY_RECENT_ENTRIES - shown]))
        shown += len(recent[-1].entries)
    yield r.page("history_index.md.j2", urls.HISTORY, recent=recent, older=months[len(recent):],
                 cut=sum(len(m.entries) for m in months[: len(recent)]) - shown)
    labels = {(m.year, m.month): m.label for m in months}
    for year, entries in r.report.by_year.items():
        for paging, chunk in _paged(urls.history_year(year), entries, HISTORY_PAGE_SIZE):
            url = paging.url(paging.number)
            yield LaterPage(url, partial(r.page, "history_year.md.j2", url, year=year, entries=chunk, paging=paging,
                                         sections=_by_month(chunk, r, labels)),
                            entries=tuple(f.slug for f in chunk), shows=(paging,))


def _by_month(entries: Sequence, r: Renderer, labels: dict) -> list[tuple[str, str, list]]:
    """One page's entries in runs of one month: (anchor, month name, entries)."""
    runs: list[tuple[str, str, list]] = []
    for facts in entries:
        local = facts.started_at.astimezone(r.zone)
        anchor = f"m-{local.year}-{local.month:02d}"
        if not runs or runs[-1][0] != anchor:
            runs.append((anchor, labels[(local.year, local.month)], []))
        runs[-1][2].append(facts)
    return runs


def render_component_pages(r: Renderer) -> Iterable[GeneratedPage | LaterPage]:
    yield r.page("components_index.md.j2", urls.COMPONENTS)
    for component in r.site.components:
        facts = r.report.components[component.id]
        slugs = tuple(f.slug for f in facts.entries)  # once, not once per page of them
        pages = zip(_paged(urls.component(component.id), facts.entries, COMPONENT_PAGE_SIZE),
                    _paged(urls.component(component.id), slugs, COMPONENT_PAGE_SIZE))
        for (paging, chunk), (_, listed) in pages:
            url = paging.url(paging.number)
            # The first page shows the component's uptime strips, which read every entry of the
            # component up to the moment the site is judged at: what they show, not that moment, is
            # what the page depends on (while an entry is open the moment moves on every save, the
            # strips of the other components do not).
            first = paging.number == 1
            strips = (r.uptime_strip(url, component.id), r.uptime_strip(url, component.id, 365, links=False)) if first else ()
            yield LaterPage(url, partial(r.page, "component.md.j2", url, component=component, c=facts, entries=chunk, paging=paging),
                            entries=slugs if first else listed,
                            shows=(paging, facts.status, bool(facts.entries), *strips))


def render_accountability_page(r: Renderer) -> GeneratedPage:
    return r.page("accountability.md.j2", urls.ACCOUNTABILITY, acc=site_accountability(r.report))


def render_subscribe_page(r: Renderer) -> GeneratedPage:
    """Every way to follow the site, each with its exact address (feeds, calendars, chat, e-mail)."""
    page = r.page("subscribe.md.j2", urls.SUBSCRIBE, address=r.edition.absolute, webcal=urls.webcal)
    return replace(page, source=urls.SUBSCRIBE_SOURCE)


def render_alias_redirects(r: Renderer, facts: IncidentFacts) -> Iterable[GeneratedFile]:
    """Former addresses of a renamed entry keep working: a page that sends readers on."""
    template = TEMPLATES.get_template("redirect.html.j2")
    for alias in facts.incident.aliases:
        here = urls.incident(alias)
        html = template.render(r.context(here, f=facts, target=urls.incident(facts.slug)))
        yield GeneratedFile(here + "index.html", html.encode("utf-8"))
