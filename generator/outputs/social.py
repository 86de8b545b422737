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
from generator.outputs.i18n import N_, ngettext
from generator.outputs.i18n import gettext as _
from generator.outputs.markup import plain_text
from generator.outputs.numbers import number
from generator.outputs.timefmt import format_duration, format_moment, local_iso
from generator.outputs.words import impact_label, indicator_sentence, label

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
#: An incident's impact inside a sentence ('…; major impact.').
IMPACT_PHRASE = {Impact.none: N_("none impact"), Impact.minor: N_("minor impact"), Impact.major: N_("major impact"),
                 Impact.critical: N_("critical impact")}


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
        # Translators: a status ('Scheduled'), then when the window starts.
        state = _("%(status)s for %(start)s") % {"status": status, "start": when(incident.window.start)}
    elif facts.duration is not None:
        # Translators: a closing status ('Resolved'), then how long the entry lasted.
        state = _("%(status)s after %(duration)s") % {"status": status, "duration": format_duration(facts.duration)}
    elif facts.is_cancelled and incident.window:
        # Translators: a cancelled maintenance: its status ('Cancelled'), then when it was to begin.
        state = _("%(status)s; it was scheduled for %(start)s") % {"status": status, "start": when(incident.window.start)}
    else:
        state = _("%(status)s, ongoing since %(start)s") % {"status": status, "start": when(facts.started_at)}
    if incident.kind is Kind.incident:
        # Translators: an incident's state ('Resolved after 1 h 15 min'), then its impact ('major impact').
        return _("%(state)s; %(impact)s.") % {"state": state, "impact": _(IMPACT_PHRASE[incident.impact])}
    # Translators: a maintenance's or notice's kind ('Maintenance'), then its state, lowercased.
    return _("%(kind)s: %(state)s.") % {"kind": label(incident.kind.value), "state": f"{state[0].lower()}{state[1:]}"}


def description(facts: IncidentFacts, site: Site) -> str:
    """og:description: the status sentence, then the latest update, within a preview's length."""
    # Translators: a link preview's text: the status sentence, then the latest update's message.
    text = _("%(status)s Latest update: %(message)s") % {"status": status_sentence(facts, site),
                                                         "message": plain_text(facts.latest_update.message)}
    return shorten(text, lambda part: len(part) <= DESCRIPTION_LIMIT)[0]


def affected_list(facts: IncidentFacts, site: Site) -> str:
    """'API (Major outage), Dashboard (Degraded performance)': now while active, else at worst."""
    return _(", ").join(component_with_status(site.component(cid).name, status) for cid, status in facts.shown_statuses.items())


def component_with_status(name: str, status: str) -> str:
    # Translators: a component and its status, in a list ('API (Major outage)').
    return _("%(component)s (%(status)s)") % {"component": name, "status": label(status)}


def incident_card(facts: IncidentFacts, site: Site, overdue: datetime | None = None) -> cards.Card:
    """The card of an entry; ``overdue``: when its next update was promised for, if the
    build judged that past (StatusReport.overdue_promise): the card says so too."""
    incident = facts.incident
    when = lambda moment: format_moment(moment, site.time_zone, site.language)  # noqa: E731
    pills = [cards.Pill(label(facts.status), STATUS_COLOUR.get(facts.status, NEUTRAL))]
    if incident.kind is Kind.incident:
        pills.append(cards.Pill(impact_label(incident.impact.value), IMPACT_COLOUR[incident.impact]))
    # Time first: a long list of components may be shortened, the time never is.
    if facts.is_upcoming and incident.window:
        # Translators: a card's line for an upcoming maintenance: its window.
        details = [_("Scheduled %(start)s to %(end)s") % {"start": when(incident.window.start), "end": when(incident.window.end)}]
    elif facts.duration is not None:
        details = [_("Started %(start)s · lasted %(duration)s") % {"start": when(facts.started_at),
                                                                    "duration": format_duration(facts.duration)}]
    elif facts.is_cancelled and incident.window:
        details = [_("Was scheduled %(start)s to %(end)s") % {"start": when(incident.window.start), "end": when(incident.window.end)}]
    else:
        details = [_("Started %(start)s · ongoing") % {"start": when(facts.started_at)}]
    if overdue is not None:
        details.append(_("Next update overdue: promised by %(due)s") % {"due": when(overdue)})
    if facts.shown_statuses:
        affected = affected_list(facts, site)
        details.append(_("Affected: %(components)s") % {"components": affected} if facts.is_active
                       # Translators: the components an entry affected, each with the worst status it reached.
                       else _("Affected (at worst): %(components)s") % {"components": affected})
    return cards.Card(
        # Translators: a card's first line: the company, then the entry's kind ('Incident').
        eyebrow=_("%(company)s · %(kind)s") % {"company": site.company, "kind": label(incident.kind.value)},
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
        count = len(site.components)
        # Translators: a site card when nothing is broken; the English keeps its plural for 1 too, give the singular its own form.
        details = [ngettext("All %(count)s components operational", "All %(count)s components operational", count)
                   % {"count": number(count, site.language)}]
    else:
        listed = _(", ").join(component_with_status(c.name, report.components[c.id].status) for c in troubled)
        rest = len(site.components) - len(troubled)
        details = [ngettext("%(listed)s; %(count)s other operational", "%(listed)s; %(count)s others operational", rest)
                   % {"listed": listed, "count": number(rest, site.language)} if rest else listed]
    if report.last_change:
        details.append(_("Last updated %(moment)s") % {"moment": format_moment(report.last_change, site.time_zone, site.language)})
    colour = INDICATOR_COLOUR[report.indicator]
    return cards.Card(
        eyebrow=site.company, title=site.name, pills=(cards.Pill(indicator_sentence(report.indicator), colour),),
        details=tuple(details), footer=_host(site), accent=colour,
    )


def card_alt(card: cards.Card) -> str:
    """The card's text for people who cannot see it (og:image:alt)."""
    # Translators: separates the parts of a card's text read aloud (og:image:alt).
    return _(". ").join([card.eyebrow, card.title, _(", ").join(p.text for p in card.pills), *card.details])


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
            ("property", "og:description", _("%(status)s. Live status of %(company)s's services.")
             % {"status": indicator_sentence(report.indicator), "company": site.company}),
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
    # Translators: a share text: the entry's title, then its status.
    teaser = _("%(title)s: %(status)s") % {"title": title, "status": label(facts.status)}
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
