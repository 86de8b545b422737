"""The maintenance calendar: iCalendar (RFC 5545, RFC 7986) files made with
icalendar, one with every maintenance (``/feeds/maintenance.ics``) and one per
component (``/feeds/components/<id>.ics``), for calendar apps to subscribe to.

What a subscriber's calendar relies on, each decided here once:

- **UID** is the entry's first address, ``<slug>@<site host and path>``: its
  first alias when it was renamed (``aliases:`` lists former names oldest
  first), else its slug. A renamed maintenance stays the same event.
- **SEQUENCE** is the number of updates after the announcement. Every change
  customers are told of is an update, so each one raises it, and the same
  file gives the same number in every build (never the clock).
- **DTSTAMP** and **LAST-MODIFIED** are the latest update's time, **CREATED**
  the announcement's: from the data, so the same input gives the same bytes.
- **DTSTART/DTEND** are the scheduled window in UTC. A window is two instants
  (the files carry offsets); UTC needs no VTIMEZONE, which clients read
  unevenly, and each reader's app shows it in their own zone. X-WR-TIMEZONE
  is left out on purpose: parsers disagree on whether it shifts UTC times.
  The description states the window in the site's zone, as the page does.
- **STATUS** is CANCELLED for a cancelled maintenance, else CONFIRMED: an
  announced window is the company's commitment (Frankly has no "tentative").
- A calendar with **no event** (a component never maintained) holds the
  site's zone as a VTIMEZONE: RFC 5545 wants at least one component, and a
  VTIMEZONE shows nothing and moves no time.
- **TRANSP** is TRANSPARENT: a provider's maintenance never makes the
  subscriber look busy.

An event depends only on its entry and the site's configuration; a calendar
lists its events in a fixed order (window start, then slug). Like a feed, a
calendar stays small at any history size: it holds every maintenance not yet
over and the most recent ones that are, up to ``feeds.max_entries`` events in
all (a subscribed calendar mirrors the file, so older ones leave it; their
pages stay). That also bounds the build's work: icalendar takes ~3 ms an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence
from urllib.parse import urlsplit

import icalendar
from markupsafe import Markup, escape

from generator.facts.derive import IncidentFacts
from generator.input.values import Kind
from generator.outputs import urls
from generator.outputs.files import GeneratedFile
from generator.outputs.i18n import gettext as _
from generator.outputs.markup import paragraphs
from generator.outputs.templating import Renderer
from generator.outputs.words import label

MEDIA_TYPE = "text/calendar"
PRODID = "-//Frankly//Status site maintenance calendar//EN"
#: How often a calendar app should fetch again (Apple, Outlook and others
#: honour it; Google refreshes on its own schedule, within a day).
REFRESH = timedelta(hours=1)
_END = b"END:VCALENDAR\r\n"


def event_uid(facts: IncidentFacts, base: str) -> str:
    """The event's permanent id: the entry's first address at the site's host and path."""
    parts = urlsplit(base)
    first = facts.incident.aliases[0] if facts.incident.aliases else facts.slug
    return f"{first}@{(parts.netloc + parts.path).rstrip('/')}"


def event_sequence(facts: IncidentFacts) -> int:
    """0 when announced, one more with every update."""
    return len(facts.incident.updates) - 1


def event_status(facts: IncidentFacts) -> str:
    return "CANCELLED" if facts.is_cancelled else "CONFIRMED"


@dataclass(frozen=True)
class Calendar:
    address: str  # site-relative URL of the .ics file
    name: str
    description: str
    page: str  # the HTML page it follows
    entries: Sequence[IncidentFacts]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _window_key(facts: IncidentFacts) -> tuple:
    return (facts.incident.window.start, facts.slug)  # type: ignore[union-attr]  # load guarantees a window


class CalendarBuilder:
    """Makes the events and the calendars of one build; each event is serialised once."""

    def __init__(self, r: Renderer):
        self.r = r
        self.site = r.site
        self._zone: bytes | None = None

    def absolute(self, url: str) -> str:
        return urls.absolute(self.site.base, url)

    def description(self, facts: IncidentFacts) -> str:
        """Plain text: when (in the site's zone), what, the latest update, and the page."""
        incident, when = facts.incident, self.r.when_text
        window = incident.window
        assert window is not None  # load guarantees a maintenance has one
        lines = [
            _("Status: %(status)s") % {"status": label(facts.status)},
            # Translators: a maintenance's window in the site's time zone, named last ('Europe/Paris').
            _("Window: %(start)s to %(end)s (%(zone)s)") % {"start": when(window.start), "end": when(window.end),
                                                            "zone": self.site.time_zone.key},
        ]
        if incident.components:
            lines.append(_("Affected: %(components)s")
                         % {"components": _(", ").join(self.site.component(cid).name for cid in incident.components)})
        latest = facts.latest_update
        text = [
            "\n".join(lines),
            "\n\n".join(paragraphs(incident.summary)),
            _("Latest update (%(moment)s): %(message)s") % {"moment": when(latest.at),
                                                            "message": "\n\n".join(paragraphs(latest.message))},
            _("Every update: %(url)s") % {"url": self.absolute(urls.incident(facts.slug))},
        ]
        return "\n\n".join(part for part in text if part)

    def event(self, facts: IncidentFacts) -> icalendar.Event:
        incident = facts.incident
        window = incident.window
        assert window is not None
        # Translators: a cancelled maintenance's event title in subscribers' calendars.
        summary = _("Cancelled: %(title)s") % {"title": incident.title} if facts.is_cancelled else incident.title
        categories = [label(Kind.maintenance.value), *(self.site.component(cid).name for cid in incident.components)]
        changed = _utc(facts.latest_update.at)
        return icalendar.Event.new(
            uid=event_uid(facts, self.r.edition.root_base),  # one event in every language's calendar
            sequence=event_sequence(facts),
            start=_utc(window.start),
            end=_utc(window.end),
            summary=summary,
            description=self.description(facts),
            url=self.absolute(urls.incident(facts.slug)),
            status=event_status(facts),
            transparency="TRANSPARENT",
            categories=categories,
            created=_utc(facts.first_update.at),
            stamp=changed,
            last_modified=changed,
        )

    def event_bytes(self, facts: IncidentFacts) -> bytes:
        """The entry's VEVENT, made from it, the site and the edition alone (never the moment):
        remembered with its facts, so a save `serve` republishes serialises only changed events."""
        return facts.remembered("calendar event", (self.site, self.r.edition), lambda: self.event(facts).to_ical())

    def calendar_bytes(self, calendar: Calendar) -> bytes:
        address = self.absolute(calendar.address)
        head = icalendar.Calendar.new(
            prodid=PRODID, name=calendar.name, description=calendar.description,
            url=self.absolute(calendar.page), calscale="GREGORIAN", method="PUBLISH",
            uid=address,  # icalendar would otherwise make a random one: same input, same bytes
        )
        head.add("SOURCE", address, parameters={"VALUE": "URI"})
        head.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
        head.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))  # the same, for Outlook
        text = head.to_ical()
        assert text.endswith(_END)
        events = sorted(calendar.entries, key=_window_key)
        body = b"".join(self.event_bytes(f) for f in events) or self.zone_bytes()
        return text[: -len(_END)] + body + _END

    def zone_bytes(self) -> bytes:
        """A calendar without an event: RFC 5545 (3.6) wants at least one component in a VCALENDAR, and
        strict readers refuse one without. The site's zone as a VTIMEZONE is a component that shows
        nothing and changes no time (every event is in UTC): from the tz database, so the same input
        (and tzdata) gives the same bytes."""
        if self._zone is None:
            self._zone = icalendar.Timezone.from_tzid(self.site.time_zone.key).to_ical()
        return self._zone

    def held(self, maintenance: Sequence[IncidentFacts]) -> list[IncidentFacts]:
        """Every maintenance not yet over, then the latest of the others, up to the cap."""
        ahead = [f for f in maintenance if f.is_open]
        over = sorted((f for f in maintenance if not f.is_open), key=_window_key, reverse=True)
        return ahead + over[: max(0, self.site.feeds.max_entries - len(ahead))]

    def calendars(self) -> Iterable[Calendar]:
        site, report = self.site, self.r.report
        maintenance = [f for f in report.entries if f.incident.kind is Kind.maintenance]
        yield Calendar(
            urls.MAINTENANCE_CALENDAR,
            _("%(site)s: maintenance") % {"site": site.name},
            _("Every planned maintenance of %(company)s: scheduled, under way, completed and cancelled.") % {"company": site.company},
            urls.HOME,
            self.held(maintenance),
        )
        for component in site.components:
            yield Calendar(
                urls.component_calendar(component.id),
                _("%(site)s: %(component)s maintenance") % {"site": site.name, "component": component.name},
                _("Planned maintenance of %(company)s affecting %(component)s.") % {"company": site.company,
                                                                                     "component": component.name},
                urls.component(component.id),
                self.held([f for f in maintenance if component.id in f.incident.components]),
            )


def render_calendars(r: Renderer) -> Iterable[GeneratedFile]:
    """site.PRODUCERS entry: the site-wide maintenance calendar, then one per component."""
    builder = CalendarBuilder(r)
    for calendar in builder.calendars():
        yield GeneratedFile(calendar.address, builder.calendar_bytes(calendar))


# ---------------------------------------------------------------- autodiscovery


def calendar_links(r: Renderer, url: str, facts: IncidentFacts | None) -> Markup:
    """<link rel="alternate calendar" type="text/calendar"> for the site's maintenance
    calendar on every page, and a component's own on its page. Not rel="alternate"
    alone: Material's language switcher fetches a sitemap.xml beside every such link."""
    site = r.site
    wanted = [(urls.MAINTENANCE_CALENDAR, _("%(site)s: maintenance calendar") % {"site": site.name})]
    component_id = url[len(urls.COMPONENTS):-1] if url.startswith(urls.COMPONENTS) else None
    if component_id and component_id in r.report.components:
        wanted.append((urls.component_calendar(component_id), _("%(site)s: %(component)s maintenance calendar")
                       % {"site": site.name, "component": site.component(component_id).name}))
    return Markup("".join(
        f'<link rel="alternate calendar" type="{MEDIA_TYPE}" title="{escape(title)}" href="{escape(urls.absolute(site.base, address))}">'
        for address, title in wanted
    ))
