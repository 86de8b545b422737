"""Render step: derived facts -> the files of the site.

Pages are Markdown documents for mkdocs whose body is HTML we produced from
escaped or sanitized text; mkdocs and Material add the chrome (header,
search, dark mode). Non-page outputs (redirects now; feeds, JSON, badges
later) are plain files. Nothing here imports mkdocs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

import jinja2
from markupsafe import Markup, escape

from . import cards, urls
from .accountability import communication_of, site_accountability
from .api import entry_api_files, render_api
from .badges import render_badges
from .derive import IncidentFacts, StatusReport
from .embed import render_embed
from .markup import render_markdown
from .model import Kind
from .timefmt import format_day, format_duration, format_moment, local_iso, time_tag


@dataclass(frozen=True)
class GeneratedPage:
    """A page in the theme. Site-wide pages (PRODUCERS) go to mkdocs and sit in
    the navigation; entry pages and LaterPages are published outside it
    (generator/publish.py), in the same chrome.

    ``markdown`` holds only front matter, headings (so the table of contents
    works) and placeholder comments; ``fragments`` holds the HTML we already
    rendered, which the plugin puts back after mkdocs' Markdown step. Sending
    the HTML through Python-Markdown would only re-parse it, and that parse
    was the largest single cost of a build.
    """

    url: str
    markdown: str
    fragments: tuple[str, ...] = ()

    def fill(self, html: str) -> str:
        """Put the fragments back into the HTML mkdocs made of ``markdown``."""
        return _PLACEHOLDER.sub(lambda m: self.fragments[int(m.group(1))], html)

    @property
    def src_uri(self) -> str:
        return urls.source_of(self.url)


@dataclass(frozen=True)
class GeneratedFile:
    """A file written to the output as is: ``content``, or the file at ``source``.

    ``source`` lets large outputs that already exist on disk (cached card
    images) be linked or copied instead of held in memory.
    """

    path: str
    content: bytes = b""
    source: Path | None = None


@dataclass(frozen=True)
class LaterPage:
    """A page outside the navigation, rendered when ``make`` is called: the
    archive listings, which the publish step renders beside the entries
    (in several processes) rather than before them."""

    url: str
    make: Callable[[], GeneratedPage]

    @property
    def src_uri(self) -> str:
        return urls.source_of(self.url)


Output = GeneratedPage | GeneratedFile | LaterPage
T = TypeVar("T")

_PLACEHOLDER = re.compile(r"<!-- frankly-fragment-(\d+) -->")
_HEADING = re.compile(r"^#{1,6} ", re.MULTILINE)


def split_fragments(text: str) -> tuple[str, tuple[str, ...]]:
    """Separate a rendered page into Markdown skeleton and HTML fragments.

    Our templates are front matter, then HTML blocks and Markdown headings
    separated by blank lines; every block that is not a heading (and not
    front matter) becomes a fragment.
    """
    front, body = "", text
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4) + 5
        front, body = text[:end], text[end:]
    skeleton, fragments = [], []
    for block in re.split(r"\n\s*\n", body):
        block = block.strip("\n")
        if not block.strip():
            continue
        if _HEADING.match(block) and "\n" not in block:
            skeleton.append(block)
        else:
            skeleton.append(f"<!-- frankly-fragment-{len(fragments)} -->")
            fragments.append(block)
    return front + "\n" + "\n\n".join(skeleton) + "\n", tuple(fragments)

STATUS_WORDS = {
    "x": "X",
    "linkedin": "LinkedIn",
    "sms": "SMS",
    "email": "E-mail",
    "operational": "Operational",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Under maintenance",
    "in_progress": "In progress",
}


def label(value: str) -> str:
    """'partial_outage' -> 'Partial outage'."""
    value = str(value)
    return STATUS_WORDS.get(value, value.replace("_", " ").capitalize())


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # every {{ }} is escaped unless it is Markup we made
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # otherwise every get_template() stats the file: 1 s per 300 pages
    )
    env.filters["label"] = label
    env.filters["md"] = render_markdown
    env.filters["duration"] = format_duration
    env.filters["meta"] = _front_matter_value
    env.globals["communication"] = communication_of  # the entry's accountability figures (accountability.py)
    return env


def _front_matter_value(text: str) -> Markup:
    """A value for page front matter. Material prints meta values raw (the
    theme does not autoescape), so they are HTML-escaped here, then quoted as
    a JSON string, which is valid YAML. Markup: already safe for this template."""
    return Markup(json.dumps(str(escape(text)), ensure_ascii=False))


#: The one Jinja environment of every page, feed and widget template.
TEMPLATES = _environment()


class Renderer:
    """Shared helpers bound to one site; templates call them."""

    def __init__(self, report: StatusReport):
        self.report = report
        self.site = report.site
        self.zone = report.site.time_zone
        self.language = report.site.language
        self._shared: dict[Callable, object] = {}

    def shared(self, factory: Callable[["Renderer"], T]) -> T:
        """The one helper of this build made by ``factory`` (a feed builder, the API):
        site-wide outputs and each entry's outputs use the same one."""
        if factory not in self._shared:
            self._shared[factory] = factory(self)
        return self._shared[factory]  # type: ignore[return-value]

    def when_text(self, moment: datetime) -> str:
        """A moment as plain text in the site's zone and language, with its UTC offset."""
        return format_moment(moment, self.zone, self.language)

    def context(self, here: str, **values) -> dict:
        def href(to: str) -> str:
            return urls.relative(here, to)

        return {
            "site": self.site,
            "report": self.report,
            "here": here,
            "href": href,
            "urls": urls,
            "when": lambda moment: time_tag(moment, self.zone, self.language),
            "when_text": self.when_text,
            "day": lambda value: format_day(value, self.language),
            "iso": lambda moment: local_iso(moment, self.zone),
            "badge": badge,
            "component_name": lambda cid: self.site.component(cid).name,
            "Kind": Kind,
            **values,
        }

    def page(self, template: str, url: str, **values) -> GeneratedPage:
        markdown, fragments = split_fragments(TEMPLATES.get_template(template).render(self.context(url, **values)))
        return GeneratedPage(url, markdown, fragments)


def badge(status: str) -> Markup:
    """Status in colour *and* words, so it reads without colour too."""
    # f-string + escape: Markup.format costs ~50 us a call, and this runs ~10 times per page.
    return Markup(f'<span class="frankly-badge frankly-badge--{escape(status)}">{escape(label(status))}</span>')


def render_incident_page(r: Renderer, facts: IncidentFacts) -> GeneratedPage:
    return r.page("incident.md.j2", urls.incident(facts.slug), f=facts, i=facts.incident)


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


def render_history_pages(r: Renderer) -> Iterable[GeneratedPage | LaterPage]:
    yield r.page("history_index.md.j2", urls.HISTORY)
    for year, entries in r.report.by_year.items():
        for paging, chunk in _paged(urls.history_year(year), entries, HISTORY_PAGE_SIZE):
            url = paging.url(paging.number)
            yield LaterPage(url, partial(r.page, "history_year.md.j2", url, year=year, entries=chunk, paging=paging))


def render_component_pages(r: Renderer) -> Iterable[GeneratedPage | LaterPage]:
    yield r.page("components_index.md.j2", urls.COMPONENTS)
    for component in r.site.components:
        facts = r.report.components[component.id]
        for paging, chunk in _paged(urls.component(component.id), facts.entries, COMPONENT_PAGE_SIZE):
            url = paging.url(paging.number)
            yield LaterPage(url, partial(r.page, "component.md.j2", url, component=component, c=facts, entries=chunk, paging=paging))


def render_accountability_page(r: Renderer) -> GeneratedPage:
    return r.page("accountability.md.j2", urls.ACCOUNTABILITY, acc=site_accountability(r.report))


def render_alias_redirects(r: Renderer, facts: IncidentFacts) -> Iterable[GeneratedFile]:
    """Former addresses of a renamed entry keep working: a page that sends readers on."""
    template = TEMPLATES.get_template("redirect.html.j2")
    for alias in facts.incident.aliases:
        here = urls.incident(alias)
        html = template.render(r.context(here, f=facts, target=urls.incident(facts.slug)))
        yield GeneratedFile(here + "index.html", html.encode("utf-8"))


#: The site-wide outputs, in a fixed order: pages, listings, feeds, JSON,
#: badges. Each step keeps its code in its own module and adds its producer here.
PRODUCERS: list[Callable[[Renderer], Iterable[Output]]] = [
    lambda r: [render_home_page(r)],
    render_history_pages,
    render_component_pages,
    render_api,  # /api/v2/*.json (api.py)
    render_badges,  # /badges/ (badges.py)
    render_embed,  # /embed/ (embed.py)
    lambda r: _feeds().render_feeds(r),
    lambda r: [render_accountability_page(r)],
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
    lambda r: _feeds().entry_feed_files(r),  # /incidents/<slug>/feed.rss|atom
]


#: Contributions to the <head> of every page (generated or hand-written), given
#: the page's URL and, on an incident page, its facts: feed autodiscovery
#: links, social metadata. The plugin inserts them; each returns Markup.
HEAD_PARTS: list[Callable[[Renderer, str, IncidentFacts | None], Markup]] = [
    lambda r, url, facts: _feeds().feed_links(r, url, facts),
]


def _feeds():
    from . import feeds  # imported late: feeds builds on this module

    return feeds


def render_site_outputs(r: Renderer) -> Iterable[Output]:
    """The site-wide outputs (see PRODUCERS), deterministic in content and order."""
    for produce in PRODUCERS:
        yield from produce(r)


def entry_renderer(r: Renderer) -> Callable[[IncidentFacts], list[Output]]:
    """The function that renders all outputs of one entry (see ENTRY_PRODUCERS)."""
    producers = [make(r) for make in ENTRY_PRODUCERS]
    return lambda facts: [output for produce in producers for output in produce(facts)]


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


# Link previews, card images and share links live in generator/social.py. It
# imports this module, so it is imported last and its names are looked up
# when called, whichever of the two modules is imported first.
from . import social  # noqa: E402

PRODUCERS.append(lambda r: social.card_files(r))
ENTRY_PRODUCERS.append(lambda r: social.entry_card_files(r))
HEAD_PARTS.append(lambda r, url, facts: social.head_tags(r, url, facts))
TEMPLATES.globals["share_links"] = lambda site, facts: social.share_links(site, facts)
