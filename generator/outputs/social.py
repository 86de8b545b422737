"""What a link to the status site looks like when it is posted on social media.

- Open Graph and Twitter Card tags in the <head> of every incident page and
  of the home page (a :data:`site.HEAD_PARTS` contribution), so a post
  shows the title, the current status, the latest update and a card image.
- The card images themselves (a :data:`site.PRODUCERS` contribution;
  drawing lives in :mod:`generator.outputs.cards`).
- Plain share links under each incident (no script, nothing loaded from the
  networks: a reader's browser contacts them only when a link is clicked).

Every sentence here is built from derived facts, so the preview, the page
and the feeds never disagree.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable
from urllib.parse import quote, urlencode, urlsplit

from babel.core import get_global
from markupsafe import Markup, escape

from generator.facts.derive import IncidentFacts, StatusReport
from generator.input.model import Site
from generator.input.values import Impact, Kind
from generator.outputs import cards, urls
from generator.outputs.files import GeneratedFile
from generator.outputs.markup import plain_text
from generator.outputs.timefmt import format_duration, format_moment, local_iso
from generator.outputs.words import label

if TYPE_CHECKING:
    from generator.outputs.templating import Renderer

DESCRIPTION_LIMIT = 300  # characters; previews show about two lines of it

# Colours match the site's badges (assets/frankly.css, light scheme).
OK, DEGRADED, PARTIAL, MAJOR, MAINTENANCE, NEUTRAL = "#1a7f37", "#9a6700", "#bc4c00", "#cf222e", "#0969da", "#57606a"
STATUS_COLOUR = {
    "resolved": OK, "completed": OK, "closed": OK, "operational": OK,
    "monitoring": DEGRADED, "verifying": DEGRADED, "degraded_performance": DEGRADED,
    "identified": PARTIAL, "partial_outage": PARTIAL,
    "investigating": MAJOR, "major_outage": MAJOR,
    "scheduled": MAINTENANCE, "in_progress": MAINTENANCE, "under_maintenance": MAINTENANCE, "posted": MAINTENANCE,
}
IMPACT_COLOUR = {Impact.none: NEUTRAL, Impact.minor: DEGRADED, Impact.major: PARTIAL, Impact.critical: MAJOR}
INDICATOR_COLOUR = {"none": OK, "minor": DEGRADED, "major": PARTIAL, "critical": MAJOR, "maintenance": MAINTENANCE}


_TRAILING = " ,;:-–—"


def shorten(text: str, fits: Callable[[str], bool], ellipsis: str = "…") -> tuple[str, bool]:
    """``text`` if it fits, else its longest start that ends at a word and fits with ``ellipsis``.

    Returns the text and whether it was shortened. Words are never cut; the
    separators between kept words (including line breaks) are kept as written.
    """
    if fits(text):
        return text, False
    ends = [match.end() for match in re.finditer(r"\S+", text)]

    def candidate(count: int) -> str:
        return (text[: ends[count - 1]].rstrip(_TRAILING) if count else "") + ellipsis

    low, high = 0, len(ends)  # invariant: candidate(low) fits or low == 0
    while low < high:
        middle = (low + high + 1) // 2
        if fits(candidate(middle)):
            low = middle
        else:
            high = middle - 1
    return candidate(low), True


# ---------------------------------------------------------------- sentences


def status_sentence(facts: IncidentFacts, site: Site) -> str:
    """The current state in one sentence, e.g. 'Resolved after 1 h 15 min; major impact.'"""
    incident = facts.incident
    when = lambda moment: format_moment(moment, site.time_zone, site.language)  # noqa: E731
    status = label(facts.status)
    if facts.is_upcoming and incident.window:
        state = f"{status} for {when(incident.window.start)}"
    elif facts.duration is not None:
        state = f"{status} after {format_duration(facts.duration)}"
    elif facts.is_cancelled and incident.window:
        state = f"{status}; it was scheduled for {when(incident.window.start)}"
    else:
        state = f"{status}, ongoing since {when(facts.started_at)}"
    if incident.kind is Kind.incident:
        return f"{state}; {incident.impact.value} impact."
    return f"{label(incident.kind.value)}: {state[0].lower()}{state[1:]}."


def description(facts: IncidentFacts, site: Site) -> str:
    """og:description: the status sentence, then the latest update, within a preview's length."""
    text = f"{status_sentence(facts, site)} Latest update: {plain_text(facts.latest_update.message)}"
    return shorten(text, lambda part: len(part) <= DESCRIPTION_LIMIT)[0]


def affected_list(facts: IncidentFacts, site: Site) -> str:
    """'API (Major outage), Dashboard (Degraded performance)': now while active, else at worst."""
    return ", ".join(f"{site.component(cid).name} ({label(status)})" for cid, status in facts.shown_statuses.items())


def incident_card(facts: IncidentFacts, site: Site, overdue: datetime | None = None) -> cards.Card:
    """The card of an entry; ``overdue``: when its next update was promised for, if the
    build judged that past (StatusReport.overdue_promise): the card says so too."""
    incident = facts.incident
    when = lambda moment: format_moment(moment, site.time_zone, site.language)  # noqa: E731
    pills = [cards.Pill(label(facts.status), STATUS_COLOUR.get(facts.status, NEUTRAL))]
    if incident.kind is Kind.incident:
        pills.append(cards.Pill(f"{label(incident.impact.value)} impact", IMPACT_COLOUR[incident.impact]))
    # Time first: a long list of components may be shortened, the time never is.
    if facts.is_upcoming and incident.window:
        details = [f"Scheduled {when(incident.window.start)} to {when(incident.window.end)}"]
    elif facts.duration is not None:
        details = [f"Started {when(facts.started_at)} · lasted {format_duration(facts.duration)}"]
    elif facts.is_cancelled and incident.window:
        details = [f"Was scheduled {when(incident.window.start)} to {when(incident.window.end)}"]
    else:
        details = [f"Started {when(facts.started_at)} · ongoing"]
    if overdue is not None:
        details.append(f"Next update overdue: promised by {when(overdue)}")
    if facts.shown_statuses:
        details.append(("Affected: " if facts.is_active else "Affected (at worst): ") + affected_list(facts, site))
    return cards.Card(
        eyebrow=f"{site.company} · {label(incident.kind.value)}",
        title=incident.title,
        pills=tuple(pills),
        details=tuple(details),
        footer=_host(site) + "/" + urls.incident(facts.slug),
        accent=pills[-1].colour if facts.is_active else pills[0].colour,
    )


def site_card(report: StatusReport) -> cards.Card:
    site = report.site
    troubled = [c for c in site.components if report.components[c.id].status != "operational"]
    if not troubled:
        details = [f"All {len(site.components)} components operational"]
    else:
        listed = ", ".join(f"{c.name} ({label(report.components[c.id].status)})" for c in troubled)
        rest = len(site.components) - len(troubled)
        details = [listed + (f"; {rest} other{'s' if rest != 1 else ''} operational" if rest else "")]
    if report.last_change:
        details.append(f"Last updated {format_moment(report.last_change, site.time_zone, site.language)}")
    colour = INDICATOR_COLOUR[report.indicator]
    return cards.Card(
        eyebrow=site.company, title=site.name, pills=(cards.Pill(report.description, colour),),
        details=tuple(details), footer=_host(site), accent=colour,
    )


def card_alt(card: cards.Card) -> str:
    """The card's text for people who cannot see it (og:image:alt)."""
    return ". ".join([card.eyebrow, card.title, ", ".join(p.text for p in card.pills), *card.details])


def _host(site: Site) -> str:
    parts = urlsplit(site.base)
    return (parts.netloc + parts.path).rstrip("/")


# ---------------------------------------------------------------- outputs


def card_files(r: "Renderer") -> Iterable[GeneratedFile]:
    """PRODUCERS entry: the site card. Starts the count of drawn and reused cards."""
    cards.begin_build()
    yield _card_file(urls.SITE_CARD, site_card(r.report))


def entry_card_files(r: "Renderer") -> Callable[[IncidentFacts], Iterable[GeneratedFile]]:
    """ENTRY_PRODUCERS entry: one card per incident (call cards.end_build() after the last)."""
    return lambda facts: [_card_file(urls.incident_card(facts.slug), incident_card(facts, r.site, r.report.overdue_promise(facts)))]


def entry_cards(r: "Renderer", entries: Iterable[IncidentFacts]) -> list["cards.Card"]:
    """The cards :func:`entry_card_files` will show for ``entries`` (to draw them ahead, in parallel)."""
    return [incident_card(facts, r.site, r.report.overdue_promise(facts)) for facts in entries]


def _card_file(url: str, card: "cards.Card") -> GeneratedFile:
    png = cards.card_output(card)
    return GeneratedFile(url, source=png) if isinstance(png, Path) else GeneratedFile(url, png)


def og_locale(language: str) -> str:
    """'en' -> 'en_US', 'de' -> 'de_DE', 'en-GB' -> 'en_GB' (Open Graph wants language_TERRITORY)."""
    parts = re.split(r"[-_]", language)
    if len(parts) > 1 and len(parts[-1]) == 2:
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    likely = get_global("likely_subtags").get(parts[0].lower(), "")
    territory = next((p for p in likely.split("_")[1:] if len(p) == 2 and p.isupper()), None)
    return f"{parts[0].lower()}_{territory}" if territory else parts[0].lower()


def _meta(attribute: str, key: str, value: str) -> Markup:
    # Markup.format escapes every value: titles and messages are editors' text.
    return Markup(f'<meta {attribute}="{escape(key)}" content="{escape(value)}">\n')


def _x_handle(site: Site) -> str | None:
    account = site.social.get("x")
    if not account:
        return None
    name = urlsplit(account).path.strip("/").split("/")[0]
    return f"@{name}" if re.fullmatch(r"\w{1,15}", name) else None


def head_tags(r: "Renderer", url: str, facts: IncidentFacts | None) -> Markup:
    """HEAD_PARTS entry: Open Graph and Twitter Card tags on incident pages and the home page."""
    site = r.site
    if facts is not None:
        card = incident_card(facts, site, r.report.overdue_promise(facts))
        tags = [
            ("property", "og:type", "article"),
            ("property", "og:title", facts.incident.title),
            ("property", "og:description", description(facts, site)),
            ("property", "og:url", urls.absolute(site.base, urls.incident(facts.slug))),
            ("property", "og:image", urls.absolute(site.base, urls.incident_card(facts.slug))),
            ("property", "article:published_time", local_iso(facts.first_update.at, site.time_zone)),
            ("property", "article:modified_time", local_iso(facts.last_change, site.time_zone)),
        ]
    elif url == urls.HOME:
        report = r.report
        card = site_card(report)
        tags = [
            ("property", "og:type", "website"),
            ("property", "og:title", site.name),
            ("property", "og:description", f"{report.description}. Live status of {site.company}'s services."),
            ("property", "og:url", urls.absolute(site.base, urls.HOME)),
            ("property", "og:image", urls.absolute(site.base, urls.SITE_CARD)),
        ]
    else:
        return Markup("")
    alt = card_alt(card)
    tags += [
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", str(cards.WIDTH)),
        ("property", "og:image:height", str(cards.HEIGHT)),
        ("property", "og:image:alt", alt),
        ("property", "og:site_name", site.name),
        ("property", "og:locale", og_locale(site.language)),
        # X reads its own tags with name=, and takes title, description and image from og:.
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:image:alt", alt),
    ]
    handle = _x_handle(site)
    if handle:
        tags.append(("name", "twitter:site", handle))
    return Markup("").join(_meta(*tag) for tag in tags)


def share_links(site: Site, facts: IncidentFacts) -> dict[str, str]:
    """Plain links that open each network's own share form with the page's address filled in."""
    page = urls.absolute(site.base, urls.incident(facts.slug))
    title = facts.incident.title
    teaser = f"{title}: {label(facts.status)}"
    return {
        "url": page,
        "x": "https://x.com/intent/tweet?" + urlencode({"text": teaser, "url": page}, quote_via=quote),
        "mastodon": f"https://{_mastodon_instance(site)}/share?" + urlencode({"text": f"{teaser} {page}"}, quote_via=quote),
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": page}, quote_via=quote),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": page}, quote_via=quote),
        "email": "mailto:?" + urlencode({"subject": title, "body": f"{status_sentence(facts, site)}\n\n{page}"}, quote_via=quote),
    }


def _mastodon_instance(site: Site) -> str:
    """Mastodon has no central share page: use the company's own server, else the largest one."""
    account = site.social.get("mastodon")
    return urlsplit(account).netloc if account else "mastodon.social"
