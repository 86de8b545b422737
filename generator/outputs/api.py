"""The JSON API: static files shaped like Atlassian Statuspage's public API v2.

Aggregators, chat bots, exporters and dashboards already read Statuspage's
``/api/v2/*.json``; answering in the same shapes lets them read a Frankly site
unchanged. Everything comes from the derived report (:mod:`generator.facts.derive`)
and HTML from :mod:`generator.outputs.markup`; nothing is computed twice.

Ids are opaque strings to clients but stable across builds:

* page: the site's host and path (``status.example.com``),
* component: its id from site.yaml; a component group: ``group:`` plus its
  name in lower case with non-alphanumerics as ``-`` (a ``:`` never occurs in
  a component id, so the two cannot collide),
* incident and scheduled maintenance: its slug (the file name; renaming an
  entry therefore gives it a new id, as it gives it a new canonical address),
* update: ``<slug>.<update anchor>`` (the anchor is the update's permanent id).

Information Statuspage has no field for (summary, apology, compensation, postmortem,
posted_to links, promised next update, HTML renderings, uptime) is under the key
``frankly`` of each object, so strict clients still parse."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from generator.facts.accountability import communication_of
from generator.facts.derive import IncidentFacts, StatusReport
from generator.facts.uptime import DEFINITION, GROUP_PREFIX, uptime
from generator.facts.uptime_data import history_dict
from generator.input.values import CANCELLED, ComponentStatus, Kind
from generator.outputs import urls
from generator.outputs.api_languages import translations_of, update_translations
from generator.outputs.api_shapes import group_ids
from generator.outputs.files import GeneratedFile
from generator.outputs.markup import paragraphs, render_markdown
from generator.outputs.timefmt import statuspage_time

#: Statuspage's list endpoints return at most this many entries.
LIST_LIMIT = 50
#: page.updated_at and created_at when a site has no entries at all (the
#: same fallback the plugin uses for SOURCE_DATE_EPOCH).
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_json(document: Any) -> bytes:
    """Same document, same bytes: sorted keys, UTF-8 as is, compact, one trailing newline.

    Compact as Statuspage serves it; it is also ~8x faster, because Python's
    C encoder is used only without indentation (`python -m json.tool` reads it)."""
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


# ---------------------------------------------------------------- building the objects


#: Frankly statuses Statuspage has no word for, and the word its clients read instead:
#: a cancelled maintenance is over, as a completed one is. The status as written is
#: in the object's ``frankly`` part.
_STATUSPAGE_WORD = {CANCELLED: "completed"}


def statuspage_status(status: str) -> str:
    return _STATUSPAGE_WORD.get(status, status)


class StatuspageApi:
    """The API documents of one built site."""

    @classmethod
    def of(cls, renderer) -> "StatuspageApi":
        return cls(renderer.report)

    def __init__(self, report: StatusReport):
        self.report = report
        self.site = report.site
        parts = urlsplit(self.site.base)
        self.page_id = (parts.netloc + parts.path).rstrip("/")
        self.now = report.last_change or EPOCH
        self.oldest = min((f.first_update.at for f in report.entries), default=EPOCH)
        self.groups = group_ids(self.site.components)
        self.uptime = uptime(report)
        #: The site's other languages: their texts ride in each object's frankly.translations (issue 17).
        self.other_languages = tuple(self.site.languages[1:])
        self._components = {c["id"]: c for c in self._component_list()}

    def iso(self, moment: datetime | None) -> str | None:
        """Every timestamp as Statuspage writes it: milliseconds and the page's offset."""
        return None if moment is None else statuspage_time(moment, self.site.time_zone)

    def absolute(self, url: str) -> str:
        return urls.absolute(self.site.base, url)

    # -- page, status, components

    def page(self, updated_at: datetime | None = None) -> dict:
        return {
            "id": self.page_id,
            "name": self.site.name,
            "url": self.site.base.rstrip("/"),  # as Statuspage writes it: no trailing slash
            "time_zone": self.site.time_zone.key,
            "updated_at": self.iso(updated_at or self.now),
        }

    def status(self) -> dict:
        return {"indicator": self.report.indicator, "description": self.report.statuspage_description}

    def _component_updated_at(self, component_id: str) -> datetime:
        entries = self.report.components[component_id].entries
        return max((f.last_change for f in entries), default=self.oldest)

    def _component_list(self) -> list[dict]:
        listed: list[dict] = []
        for component in self.site.components:
            group_id = self.groups.get(component.group) if component.group is not None else None
            if group_id is not None and not any(c["id"] == group_id for c in listed):
                members = [c for c in self.site.components if c.group == component.group]
                listed.append(self._component_object(
                    group_id, component.group, None,
                    # A group shows its worst member (derived once: report.groups, as the pages show it).
                    self.report.group_status[component.group],
                    len(listed) + 1, None, max(self._component_updated_at(m.id) for m in members),
                    group=True, members=[m.id for m in members],
                ))
            listed.append(self._component_object(
                component.id, component.name, component.description or None, self.report.components[component.id].status,
                len(listed) + 1, group_id, self._component_updated_at(component.id),
            ))
        return listed

    def _component_object(
        self, component_id: str, name: str, description: str | None, status: ComponentStatus, position: int,
        group_id: str | None, updated_at: datetime, *, group: bool = False, members: list[str] | None = None,
    ) -> dict:
        component = {
            "id": component_id,
            "name": name,
            "description": description,
            "status": status.value,
            "position": position,
            "group": group,
            "group_id": group_id,
            "page_id": self.page_id,
            "created_at": self.iso(self.oldest),
            "updated_at": self.iso(updated_at),
            "showcase": True,
            "only_show_if_degraded": False,
            "start_date": None,
        }
        if group:
            component["components"] = members
        return component

    def components(self) -> list[dict]:
        """The component list, each with its 90-day availability (site-wide, so never inside an incident)."""
        return [{**c, "frankly": {"uptime": history_dict(self._uptime_of(c), c["id"] if c["group"] else None, with_days=False),
                                  **self._component_translations(c)}}
                for c in self._components.values()]

    # -- the other languages

    def translated(self, obj: Any, keys: dict[str, str], markdown: frozenset[str] = frozenset(), url: str | None = None) -> dict:
        """``{"translations": ...}`` of ``obj`` for a site of several languages (api_languages.py), else nothing."""
        return translations_of(self.site.base, self.other_languages, obj, keys, markdown, url)

    def _component_translations(self, component: dict) -> dict:
        if not self.other_languages:
            return {}
        if component["group"]:
            member = next(c for c in self.site.components if c.group == component["name"])
            return self.translated(member, {"group": "name"})
        return self.translated(self.site.component(component["id"]), {"name": "name", "description": "description"})


    def _uptime_of(self, component: dict):
        return self.uptime[GROUP_PREFIX + component["name"] if component["group"] else component["id"]]

    # -- incidents and maintenances

    def incident(self, facts: IncidentFacts, own: bool = False) -> dict:
        """An incident or scheduled maintenance as Statuspage shapes it.

        ``own``: for the entry's own index.json, which depends on that entry
        alone: its components as this entry leaves them, not as other open
        entries make them now.

        A closed entry's object in the site-wide lists follows from the entry and the site
        alone (judged at its own last change, StatusReport.judged_at), but for its components
        as they are now: the rest is remembered with its facts across the saves `serve`
        republishes (the lists hold the latest 50 of each kind, every save).
        """
        if own or facts.is_open:
            return self._incident(facts, own)
        kept = facts.remembered("api incident", (self.site,), lambda: self._incident(facts, own=False))
        return {**kept, "components": self._listed_components(facts)}

    def _listed_components(self, facts: IncidentFacts) -> list[dict]:
        return [self._components[c.id] for c in self.site.components if c.id in facts.incident.components]

    def _incident(self, facts: IncidentFacts, own: bool) -> dict:
        incident = facts.incident
        updates = list(zip(incident.updates, facts.statuses_after_each_update))
        before: dict[str, ComponentStatus] = {}
        update_objects = []
        for index, (update, after) in enumerate(updates):
            update_objects.append(self._update(facts, index, update, before, after))
            before = after
        maintenance = incident.kind is Kind.maintenance
        obj = {
            "id": facts.slug,
            "name": incident.title,
            "status": statuspage_status(facts.status),
            # Statuspage's impact of a scheduled maintenance is the word "maintenance".
            "impact": "maintenance" if maintenance else incident.impact.value,
            "created_at": self.iso(facts.first_update.at),
            "updated_at": self.iso(facts.last_change),
            # A maintenance "starts" on Statuspage when it is announced; its window is scheduled_for/until.
            "started_at": self.iso(facts.first_update.at if maintenance else facts.started_at),
            "monitoring_at": self.iso(self._monitoring_at(facts)),
            "resolved_at": self.iso(facts.ended_at),
            "shortlink": self.absolute(urls.incident(facts.slug)),
            "page_id": self.page_id,
            "reminder_intervals": None,
            "components": self._entry_components(facts) if own else self._listed_components(facts),
            "incident_updates": list(reversed(update_objects)),
            "frankly": self._incident_extra(facts),
        }
        if incident.window is not None:
            obj["scheduled_for"] = self.iso(incident.window.start)
            obj["scheduled_until"] = self.iso(incident.window.end)
        return obj

    def _entry_components(self, facts: IncidentFacts) -> list[dict]:
        """The entry's components as this entry leaves them, updated at its own last change."""
        listed = []
        for component in self.site.components:
            if component.id in facts.incident.components:
                shown = dict(self._components[component.id])
                status = facts.component_statuses.get(component.id, ComponentStatus.operational)
                shown.update(status=status.value, updated_at=self.iso(facts.last_change), created_at=self.iso(facts.first_update.at))
                listed.append(shown)
        return listed

    #: The status whose first arrival sets monitoring_at, per kind (Statuspage's "verifying" is a maintenance's monitoring).
    _MONITORING = {Kind.incident: "monitoring", Kind.maintenance: "verifying"}

    @classmethod
    def _monitoring_at(cls, facts: IncidentFacts) -> datetime | None:
        watching = cls._MONITORING.get(facts.incident.kind)
        moved, previous = None, None
        for update in facts.incident.updates:
            if update.status == watching and previous != watching:
                moved = update.at
            previous = update.status
        return moved

    def _update(self, facts: IncidentFacts, index: int, update, before: dict, after: dict) -> dict:
        # The components this update speaks about, as Statuspage lists them: those it
        # sets (the first update sets the entry's own), changed or not.
        spoken = set(update.components or ()) | (set(facts.incident.components) if index == 0 else set())
        affected = [
            {
                "code": c.id,
                "name": c.name,
                "old_status": before.get(c.id, ComponentStatus.operational).value,
                "new_status": after.get(c.id, ComponentStatus.operational).value,
            }
            for c in self.site.components
            if c.id in spoken or before.get(c.id, ComponentStatus.operational) != after.get(c.id, ComponentStatus.operational)
        ]
        at = self.iso(update.at)
        html = render_markdown(update.message)
        return {
            "id": f"{facts.slug}.{update.anchor}",
            "incident_id": facts.slug,
            "status": statuspage_status(update.status),
            # Plain text, as Statuspage sends it: a client that shows or injects body shows prose, never markup.
            "body": "\n\n".join(paragraphs(update.message)),
            "created_at": at,
            "updated_at": at,
            "display_at": at,
            "affected_components": affected or None,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
            "frankly": {
                "anchor": update.anchor,
                "url": self.absolute(urls.incident(facts.slug)) + "#" + update.anchor,
                "body_html": str(html),
                "body_markdown": update.message,
                "next_update_by": self.iso(update.promised_by),
                "posted_to": [{"channel": p.channel_name, "url": p.url, "note": p.note or None} for p in update.posted_to],
                "reopens": update.reopens,
                "status": update.status,
                **update_translations(self.site.base, self.other_languages, update, urls.incident(facts.slug)),
            },
        }

    def _incident_extra(self, facts: IncidentFacts) -> dict:
        """What the incident page shows beyond Statuspage's fields."""
        incident = facts.incident
        apology = incident.apology
        compensation = incident.compensation
        postmortem = incident.postmortem
        return {
            "kind": incident.kind.value,
            "communication": communication_of(self.report, facts).to_dict(),
            "url": self.absolute(urls.incident(facts.slug)),
            "json": self.absolute(urls.incident_json(facts.slug)),
            "summary": incident.summary,
            "summary_html": str(render_markdown(incident.summary)),
            "status": facts.status,
            "is_open": facts.is_open,
            "ended_at": self.iso(facts.ended_at),
            "duration_seconds": None if facts.duration is None else int(facts.duration.total_seconds()),
            "affected": [
                {"id": cid, "name": self.site.component(cid).name, "status": status.value, "now": facts.is_active}
                for cid, status in facts.shown_statuses.items()
            ],
            "aliases": [self.absolute(urls.incident(alias)) for alias in incident.aliases],
            **self.translated(incident, {"title": "name", "summary": "summary"}, frozenset({"summary"}), urls.incident(facts.slug)),
            "apology": None if apology is None else {
                "at": self.iso(apology.at),
                "by": {"name": apology.by.name, "role": apology.by.role},
                "statement": apology.statement,
                "statement_html": str(render_markdown(apology.statement)),
                "video": apology.video,
                "link": apology.link,
                **self.translated(apology, {"statement": "statement", "role": "role"}, frozenset({"statement"})),
            },
            "compensation": None if compensation is None else {
                "at": self.iso(compensation.at),
                "offer": compensation.offer,
                "offer_html": str(render_markdown(compensation.offer)),
                "eligible": compensation.eligible,
                "eligible_html": str(render_markdown(compensation.eligible)),
                "how_to_claim": compensation.how_to_claim,
                "how_to_claim_html": str(render_markdown(compensation.how_to_claim)),
                "until": None if compensation.until is None else compensation.until.isoformat(),
                **self.translated(compensation, {"offer": "offer", "eligible": "eligible", "how_to_claim": "how_to_claim"},
                                  frozenset({"offer", "eligible", "how_to_claim"})),
            },
            "postmortem": None if postmortem is None else {
                "published_at": self.iso(postmortem.published_at),
                "root_cause": postmortem.root_cause,
                "root_cause_html": str(render_markdown(postmortem.root_cause)),
                "changes": postmortem.changes,
                "changes_html": str(render_markdown(postmortem.changes)),
                "action_items": [
                    {"title": a.title, "owner": a.owner, "due": None if a.due is None else a.due.isoformat(), "done": a.done,
                     **self.translated(a, {"title": "title"})}
                    for a in postmortem.action_items
                ],
                **self.translated(postmortem, {"root_cause": "root_cause", "changes": "changes"}, frozenset({"root_cause", "changes"})),
            },
        }

    def incidents(self, entries: Iterable[IncidentFacts]) -> list[dict]:
        return [self.incident(f) for f in entries]

    # -- the documents

    def documents(self) -> dict[str, dict]:
        """Every endpoint's document, by address."""
        report = self.report
        page = self.page()
        incidents = [f for f in report.entries if f.incident.kind is Kind.incident]
        maintenances = [f for f in report.entries if f.incident.kind is Kind.maintenance]
        return {
            urls.API_STATUS: {"page": page, "status": self.status()},
            urls.API_COMPONENTS: {"page": page, "components": self.components()},
            urls.API_INCIDENTS: {"page": page, "incidents": self.incidents(incidents[:LIST_LIMIT])},
            urls.API_INCIDENTS_UNRESOLVED: {"page": page, "incidents": self.incidents(report.open_incidents)},
            urls.API_MAINTENANCES: {"page": page, "scheduled_maintenances": self.incidents(maintenances[:LIST_LIMIT])},
            urls.API_MAINTENANCES_UPCOMING: {"page": page, "scheduled_maintenances": self.incidents(report.upcoming_maintenance)},
            urls.API_MAINTENANCES_ACTIVE: {"page": page, "scheduled_maintenances": self.incidents(report.active_maintenance)},
            urls.API_UPTIME: {
                "page": page,
                "definition": DEFINITION,
                "components": [
                    history_dict(h, self.groups[h.name] if h.is_group else None) for h in self.uptime.values()
                ],
            },
            urls.API_SUMMARY: {
                "page": page,
                "status": self.status(),
                "components": self.components(),
                "incidents": self.incidents(report.open_incidents),
                "scheduled_maintenances": self.incidents([*report.active_maintenance, *report.upcoming_maintenance]),
                # Notices have no Statuspage equivalent; the home page shows the open ones.
                "frankly": {"notices": self.incidents(report.open_notices)},
            },
        }

    def incident_document(self, facts: IncidentFacts) -> dict:
        """Everything the incident's page shows, beside it as index.json. It depends on
        this entry alone: page.updated_at is the entry's latest change, its components
        as it leaves them; an update to another entry changes no byte of it."""
        return {"page": self.page(facts.last_change), "incident": self.incident(facts, own=True)}


def render_api(renderer) -> Iterable:
    """Producer for site.PRODUCERS: the /api/v2/ files."""

    for url, document in renderer.shared(StatuspageApi.of).documents().items():
        yield GeneratedFile(url, to_json(document))


def entry_api_files(renderer) -> Callable[[IncidentFacts], Iterable]:
    """Producer for site.ENTRY_PRODUCERS: /incidents/<slug>/index.json."""

    api = renderer.shared(StatuspageApi.of)
    return lambda facts: [GeneratedFile(urls.incident_json(facts.slug), to_json(api.incident_document(facts)))]
