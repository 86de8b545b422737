"""The meaning checks of an incident, after validation: what the model alone cannot
see (statuses of its kind in order, updates in time order, unique ids, reopening
said out loud, components site.yaml declares, translations into the site's
languages, former slugs that are slugs and nobody else's). Each problem is the
editor's sentence at the value's FILE:LINE:COL (load.py gathers them all)."""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from generator.input.model import Incident, Site
from generator.input.problems import Problems, display_path
from generator.input.translated import places
from generator.input.values import CLOSED_STATUSES, LIFECYCLE, Kind
from generator.input.yamlsource import FileSourceMap, Path_, SourceMap

SLUG = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


def translation_key_problems(obj: Any, site: Site, loc: Path_) -> list[tuple[Path_, str]]:
    """The languages under ``obj``'s ``translations:`` that the site does not translate to."""
    found = []
    for code in obj.translations or ():
        if code == site.language:
            found.append((loc + ("translations", code), f"translations: '{code}' is the default language: the text itself "
                          f"is in {code}; translations hold the other languages ({', '.join(site.languages[1:]) or 'none yet'})"))
        elif code not in site.languages:
            found.append((loc + ("translations", code), f"translations: '{code}' is not one of the site's languages "
                          f"({', '.join(site.languages)}); add it to languages: in site_config/site.yaml, or remove this translation"))
    return found


#: What the meaning checks found in an incident read from disk, by the incident, which stays the
#: same object while its text does (load.py's _FILE_CACHE), with the site it was checked against
#: (the same object while site.yaml's text is: _SITES). Held, so the id names that incident alone.
_CHECKED: dict[int, tuple[Incident, Site | None, list]] = {}


def _check_once(incident: Incident, site: Site | None, smap: SourceMap | FileSourceMap, shown: Callable[[], str],
                problems: Problems, remember: bool) -> None:
    key = id(incident)
    found = _CHECKED.get(key) if remember else None
    if found is None or found[0] is not incident or found[1] is not site:
        _check_incident(incident, site, smap, shown, own := Problems())
        found = (incident, site, own.items)
        if remember:
            _CHECKED[key] = found
    problems.items.extend(found[2])


def _check_incident(incident: Incident, site: Site | None, smap: SourceMap | FileSourceMap, shown: Callable[[], str],
                    problems: Problems) -> None:
    def report(loc: Path_, message: str, key: bool = False) -> None:
        pos = smap.key(loc) if key else smap.value(loc)
        problems.add(shown(), pos.line, pos.column, message)

    known = {c.id: c for c in site.components} if site else None
    if site is not None:
        for loc, obj, _ in places(incident):
            if obj.translations:
                for key_loc, message in translation_key_problems(obj, site, loc):
                    report(key_loc, message, key=True)
    if known is not None:
        for component_id in incident.components:
            if component_id not in known:
                report(("components", component_id), unknown_component_message(component_id, known), key=True)

    allowed = LIFECYCLE[incident.kind]
    closed = CLOSED_STATUSES[incident.kind]
    closing = " or ".join(status for status in allowed if status in closed)  # 'resolved', 'completed or cancelled'
    previous = None
    closed_at: datetime | None = None
    closed_as = ""
    seen_ids: dict[str, int] = {}
    for index, update in enumerate(incident.updates):
        here = ("updates", index)
        if update.status not in allowed:
            report(here + ("status",), f"'{update.status}' is not a status for {_article(incident.kind)}; use one of: {', '.join(allowed)}")
        if previous is not None and update.at < previous.at:
            report(
                here + ("at",),
                f"this update ({update.at.isoformat()}) is earlier than the one before it ({previous.at.isoformat()}); "
                "list updates oldest first and check the date and offset",
            )
        update_id = update.anchor
        if update_id in seen_ids:
            report(
                here + ("id" if update.id else "at",),
                f"two updates have the id '{update_id}' (the other is update #{seen_ids[update_id] + 1}); "
                "give one of them its own 'id:' or a different time",
            )
        seen_ids.setdefault(update_id, index)
        if closed_at is not None and update.status not in closed and not update.reopens:
            report(
                here + ("status",),
                f"this update reopens the {incident.kind.value}, which was {closed_as} at {closed_at.isoformat()}; "
                "if that is what happened, add 'reopens: true' to this update, otherwise fix its status",
            )
        if update.reopens and closed_at is None:
            report(here + ("reopens",), f"'reopens: true' but the {incident.kind.value} was not {closing} before this update; remove it", key=True)
        closed_at, closed_as = (update.at, update.status) if update.status in closed else (None, "")
        for component_id in update.components or {}:
            if known is not None and component_id not in known:
                report(here + ("components", component_id), unknown_component_message(component_id, known), key=True)
            elif component_id not in incident.components:
                report(
                    here + ("components", component_id),
                    f"component '{component_id}' is not among this entry's components; add it to the top-level components first",
                    key=True,
                )
        for link_index, link in enumerate(update.posted_to):
            if link.url is None and link.channel is None:
                report(here + ("posted_to", link_index), "a posted_to entry needs a url, a channel (sms, email, ...), or both")
        previous = update

    first, last = incident.updates[0], incident.updates[-1]
    if incident.impact_started_at and last.status in closed and last.at < incident.impact_started_at:
        report(("impact_started_at",), f"the {incident.kind.value} is {last.status} at {last.at.isoformat()}, before its impact started ({incident.impact_started_at.isoformat()}); check both times and their offsets")
    if incident.impact_started_at and incident.impact_started_at > first.at:
        report(("impact_started_at",), f"impact_started_at is after the first update ({first.at.isoformat()}); it is for impact that began before the first post; remove it or fix the time")
    if incident.kind is Kind.maintenance and incident.window is None:
        report(("kind",), "a maintenance needs its window: add 'window:' with 'start:' and 'end:' timestamps")
    if incident.kind is not Kind.maintenance and incident.window is not None:
        report(("window",), "only a maintenance has a window; remove it or set kind: maintenance", key=True)
    if incident.window and incident.window.end <= incident.window.start:
        report(("window", "end"), f"the window ends ({incident.window.end.isoformat()}) before or when it starts ({incident.window.start.isoformat()})")
    for block, stamp_key in (("apology", "at"), ("compensation", "at"), ("postmortem", "published_at")):
        value = getattr(incident, block)
        if value is not None and getattr(value, stamp_key) < first.at:
            report((block, stamp_key), f"the {block} is dated before the first update ({first.at.isoformat()}); check the date and offset")
    for index, alias in enumerate(incident.aliases):
        if not SLUG.fullmatch(alias):
            report(("aliases", index), f"'{alias}' is not a slug; former addresses look like 2026-11-20-messaging-outage")


def _check_slugs(incidents: list[Incident], maps: dict[str, SourceMap | FileSourceMap], sources: dict[str, Path], root: Path, problems: Problems) -> None:
    owner: dict[str, str] = {incident.slug: incident.slug for incident in incidents}
    for incident in incidents:
        for index, alias in enumerate(incident.aliases):
            other = owner.get(alias)
            if other is not None and other != incident.slug or alias == incident.slug:
                pos = maps[incident.slug].value(("aliases", index))
                where = "this entry's own slug" if other == incident.slug else f"already used by {display_path(sources[other], root)}"
                problems.add(display_path(sources[incident.slug], root), pos.line, pos.column, f"duplicate slug '{alias}': {where}; an address can point to one entry only")
            owner.setdefault(alias, incident.slug)


def unknown_component_message(component_id: str, known: dict) -> str:
    """What an editor reads for a component id site.yaml does not declare."""
    hint = difflib.get_close_matches(component_id, list(known), n=1)
    guess = f" (did you mean '{hint[0]}'?)" if hint else ""
    return f"unknown component '{component_id}'{guess}; components in site_config/site.yaml: {', '.join(known)}"


def _article(kind: Kind) -> str:
    return {"incident": "an incident", "maintenance": "a maintenance", "notice": "a notice"}[kind.value]

