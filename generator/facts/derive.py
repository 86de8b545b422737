"""Derive step: pure functions from the validated model to the facts every
output shows. Computed once per build; pages, feeds and JSON read them from
here, so they can never disagree about a status or a duration.

No clock is read here: every fact follows from the data alone.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Callable, TypeVar

from generator.input.load import Catalog
from generator.input.model import Incident, Site, Update
from generator.facts.indicator import INDICATOR_DESCRIPTION, INDICATOR_FLOOR, SEVERITY, STATUSPAGE_SENTENCES, indicator_of
from generator.input.values import CANCELLED, CLOSED_STATUSES, ComponentStatus, Kind

T = TypeVar("T")

#: Worst last. Maintenance ranks below any incident status: an outage during
#: maintenance is still an outage.
STATUS_RANK: dict[ComponentStatus, int] = {
    ComponentStatus.operational: 0,
    ComponentStatus.under_maintenance: 1,
    ComponentStatus.degraded_performance: 2,
    ComponentStatus.partial_outage: 3,
    ComponentStatus.major_outage: 4,
}

#: Maintenance statuses during which its components are under maintenance.
MAINTENANCE_ACTIVE = ("in_progress", "verifying")


@dataclass(frozen=True)
class IncidentFacts:
    """What one entry's timeline adds up to. Every fact follows from the incident alone, so
    each is a cached property: read ~10 times per entry per build, an attribute once known."""

    incident: Incident

    @cached_property
    def slug(self) -> str:
        return self.incident.slug

    @cached_property
    def first_update(self) -> Update:
        return self.incident.updates[0]

    @cached_property
    def latest_update(self) -> Update:
        return self.incident.updates[-1]

    @cached_property
    def status(self) -> str:
        """Lifecycle status of the latest update."""
        return self.latest_update.status

    @cached_property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES[self.incident.kind]

    @property
    def is_cancelled(self) -> bool:
        """A maintenance called off: its latest update says ``cancelled``."""
        return self.status == CANCELLED

    @cached_property
    def began(self) -> bool:
        """Whether impact began: always but for a maintenance no update said was under way (cancelled before)."""
        if self.incident.kind is not Kind.maintenance:
            return True
        return any(u.status in MAINTENANCE_ACTIVE for u in self.incident.updates)

    @property
    def is_upcoming(self) -> bool:
        """A maintenance that is announced but has not begun."""
        return self.incident.kind is Kind.maintenance and self.status == "scheduled"

    @property
    def is_active(self) -> bool:
        """Affecting customers now: open, and for a maintenance, under way."""
        if self.incident.kind is Kind.maintenance:
            return self.status in MAINTENANCE_ACTIVE
        return self.is_open

    @cached_property
    def started_at(self) -> datetime:
        """Start of impact: stated explicitly, the maintenance's actual start, or the first update."""
        incident = self.incident
        if incident.impact_started_at is not None:
            return incident.impact_started_at
        if incident.kind is Kind.maintenance:
            began = next((u.at for u in incident.updates if u.status in MAINTENANCE_ACTIVE), None)
            return began or incident.window.start  # type: ignore[union-attr]  # load guarantees a window
        return self.first_update.at

    @cached_property
    def closing_index(self) -> int | None:
        """Index of the closing update that ended the latest episode (the first of a closing run); None while open."""
        if self.is_open:
            return None
        updates, closed = self.incident.updates, CLOSED_STATUSES[self.incident.kind]
        index = len(updates) - 1
        while index > 0 and updates[index - 1].status in closed:
            index -= 1
        return index

    @property
    def ended_at(self) -> datetime | None:
        """Time of the closing update that ended the latest episode; None while open."""
        return None if self.closing_index is None else self.incident.updates[self.closing_index].at

    @property
    def duration(self) -> timedelta | None:
        """How long it lasted; None while open, and for a maintenance cancelled before it began."""
        if self.ended_at is None or (self.is_cancelled and not self.began):
            return None
        return self.ended_at - self.started_at

    @cached_property
    def component_statuses(self) -> dict[str, ComponentStatus]:
        """Each affected component's status now (empty when the entry no longer affects anything)."""
        if not self.is_active:
            return {}
        statuses = dict(self.incident.components)
        for update in self.incident.updates:
            statuses.update(update.components or {})
        return statuses

    @cached_property
    def peak_statuses(self) -> dict[str, ComponentStatus]:
        """The worst status each affected component reached during the entry."""
        peaks = dict(self.incident.components)
        for update in self.incident.updates:
            for component_id, status in (update.components or {}).items():
                peaks[component_id] = max(peaks[component_id], status, key=STATUS_RANK.__getitem__)
        return peaks

    @cached_property
    def statuses_after_each_update(self) -> tuple[dict[str, ComponentStatus], ...]:
        """The affected components' statuses right after each update, oldest first,
        by the rule of :attr:`component_statuses` (the last one equals it): what the
        JSON API reports as each update's component changes."""
        kind = self.incident.kind
        closed = CLOSED_STATUSES[kind]
        statuses = dict(self.incident.components)
        after: list[dict[str, ComponentStatus]] = []
        for update in self.incident.updates:
            statuses.update(update.components or {})
            active = update.status in MAINTENANCE_ACTIVE if kind is Kind.maintenance else update.status not in closed
            after.append(dict(statuses) if active else {})
        return tuple(after)

    @property
    def shown_statuses(self) -> dict[str, ComponentStatus]:
        """What a page shows per component: its status now while active, else its peak."""
        return {cid: self.component_statuses.get(cid, peak) for cid, peak in self.peak_statuses.items()}

    @cached_property
    def last_change(self) -> datetime:
        """The newest timestamp anywhere in the entry: what the page's 'updated' means."""
        stamps = [u.at for u in self.incident.updates]
        incident = self.incident
        if incident.apology:
            stamps.append(incident.apology.at)
        if incident.compensation:
            stamps.append(incident.compensation.at)
        if incident.postmortem:
            stamps.append(incident.postmortem.published_at)
        return max(stamps)

    @cached_property
    def summary_first_line(self) -> str:
        """The summary's first sentence (of its first paragraph, Markdown markers of a heading,
        list or quote taken off; at most ~200 characters): what history listings show."""
        lines: list[str] = []
        for line in self.incident.summary.splitlines():
            text = line.strip().lstrip("#>*-+ ").strip()
            if text:
                lines.append(text)
            elif lines:
                break
        paragraph = " ".join(lines)
        sentence = re.match(r"(.+?[.!?])(\s|$)", paragraph)
        text = sentence.group(1) if sentence else paragraph
        return text if len(text) <= 200 else text[:200].rsplit(" ", 1)[0] + "…"

    @property
    def sort_key(self) -> tuple:
        """Newest first: by start, then slug for a stable order."""
        return (self.started_at, self.slug)

    def remembered(self, name: str, inputs: tuple, compute: Callable[[], T]) -> T:
        """``compute()``, kept with these facts: for a value that follows from this entry and
        ``inputs`` alone (the site, an edition; never the moment). Facts outlive a save that
        `serve` republishes when the entry's file is unchanged (:func:`derive`), and so does
        what they remember. ``inputs`` are told apart by identity and held, so that an id
        in the key never names another object."""
        memo = self.__dict__.setdefault("_remembered", {})
        key = (name, *map(id, inputs))
        found = memo.get(key)
        if found is None:
            found = memo[key] = (inputs, compute())
        return found[1]


@dataclass(frozen=True)
class ComponentFacts:
    component_id: str
    status: ComponentStatus
    entries: tuple[IncidentFacts, ...]  # newest first
    active: tuple[IncidentFacts, ...]  # entries affecting it now


@dataclass(frozen=True)
class GroupFacts:
    """One section of the component list: a group of site.yaml with its members, or
    (``name`` None) a run of ungrouped components listed plainly."""

    name: str | None
    component_ids: tuple[str, ...]
    #: The worst member's status, the way Statuspage colours a group.
    status: ComponentStatus

    @property
    def is_operational(self) -> bool:
        return self.status is ComponentStatus.operational


@dataclass(frozen=True)
class StatusReport:
    """The whole site's derived facts."""

    site: Site
    entries: tuple[IncidentFacts, ...]  # newest first
    components: dict[str, ComponentFacts]  # in site order
    indicator: str
    by_slug: dict[str, IncidentFacts] = field(repr=False)
    #: The moment to judge open entries at, when the caller gives one (the build's
    #: clock, `--now`, SOURCE_DATE_EPOCH); None: each is judged at its own last change.
    now: datetime | None = None

    def judged_at(self, facts: IncidentFacts) -> datetime:
        """When ``facts`` is judged (its silences, its promises): the given moment, else
        its own latest change. Never another entry's: an update to A changes nothing about B."""
        return self.now if self.now is not None and facts.is_open else facts.last_change

    def overdue_promise(self, facts: IncidentFacts) -> datetime | None:
        """When the next update of open ``facts`` was promised for, if the moment the
        build was given to judge at is past it; else None (page, home and card read this)."""
        due = facts.latest_update.promised_by
        return due if facts.is_open and due is not None and self.now is not None and self.now > due else None

    @cached_property
    def site_judged_at(self) -> datetime | None:
        """The moment the site-wide figures count up to: the given moment while anything
        is open, else the data's latest change (so a closed history gives the same bytes at any time)."""
        if self.now is not None and any(f.is_open for f in self.entries):
            return max(self.now, self.last_change) if self.last_change else self.now
        return self.last_change

    @property
    def description(self) -> str:
        return INDICATOR_DESCRIPTION[self.indicator]

    @cached_property
    def groups(self) -> tuple[GroupFacts, ...]:
        """The component list in sections: each group of site.yaml at the place its first
        member appears, holding all its members; ungrouped components in runs between them."""
        members: dict[str, list[str]] = {}
        order: list[tuple[str | None, list[str]]] = []
        for component in self.site.components:
            if component.group is None:
                if not order or order[-1][0] is not None:
                    order.append((None, []))
                order[-1][1].append(component.id)
            elif component.group in members:
                members[component.group].append(component.id)
            else:
                members[component.group] = [component.id]
                order.append((component.group, members[component.group]))
        return tuple(
            GroupFacts(name, tuple(ids), max((self.components[c].status for c in ids), key=STATUS_RANK.__getitem__))
            for name, ids in order
        )

    @cached_property
    def group_status(self) -> dict[str, ComponentStatus]:
        """Each named group's worst member status (pages and the JSON read this)."""
        return {g.name: g.status for g in self.groups if g.name is not None}

    @cached_property
    def broken_components(self) -> list[str]:
        """Names of the components not operational now, worst first, then in site order:
        what the home page's banner names."""
        broken = [c for c in self.site.components if self.components[c.id].status is not ComponentStatus.operational]
        broken.sort(key=lambda c: -STATUS_RANK[self.components[c.id].status])
        return [c.name for c in broken]

    @property
    def headline(self) -> str:
        """The banner's sentence: the overall status and what is broken ("Minor service
        disruption: My Northwind app")."""
        names = self.broken_components
        return self.description + (": " + ", ".join(names) if names else "")

    @property
    def statuspage_description(self) -> str:
        """Statuspage's sentence for status.json: the blend of component statuses,
        never milder than what the indicator says."""
        statuses = set(c.status for c in self.components.values())
        if ComponentStatus.major_outage in statuses:
            blend = "all major outage" if statuses == {ComponentStatus.major_outage} else "some major outage"
        elif ComponentStatus.partial_outage in statuses:
            blend = "partial outage"
        elif ComponentStatus.degraded_performance in statuses:
            blend = "all degraded" if statuses == {ComponentStatus.degraded_performance} else "some degraded"
        elif ComponentStatus.under_maintenance in statuses:
            blend = "maintenance"
        else:
            blend = "operational"
        return STATUSPAGE_SENTENCES[max(blend, INDICATOR_FLOOR[self.indicator], key=SEVERITY.index)]

    @cached_property
    def open_entries(self) -> list[IncidentFacts]:
        """The entries still open, in report order (upcoming and active maintenance among them): one pass of a long history."""
        return [f for f in self.entries if f.is_open]

    @cached_property
    def open_incidents(self) -> list[IncidentFacts]:
        return [f for f in self.open_entries if f.incident.kind is Kind.incident]

    @cached_property
    def active_maintenance(self) -> list[IncidentFacts]:  # an active one is open
        return [f for f in self.open_entries if f.incident.kind is Kind.maintenance and f.is_active]

    @cached_property
    def upcoming_maintenance(self) -> list[IncidentFacts]:
        # Soonest first: that is the order a reader plans by.
        found = [f for f in self.open_entries if f.is_upcoming]
        return sorted(found, key=lambda f: (f.incident.window.start, f.slug))  # type: ignore[union-attr]

    @cached_property
    def open_notices(self) -> list[IncidentFacts]:
        return [f for f in self.open_entries if f.incident.kind is Kind.notice]

    @cached_property
    def recent(self) -> list[IncidentFacts]:
        """The most recently closed entries, newest end first (nlargest: sorting 10,000 for 10 was most of it)."""
        closed = (f for f in self.entries if not f.is_open)
        return heapq.nlargest(self.site.recent_count, closed, key=lambda f: (f.ended_at, f.slug))

    @cached_property
    def by_year(self) -> dict[int, list[IncidentFacts]]:
        """Entries by the year (in the site's zone) their impact started, newest year first: its months' runs, joined."""
        years: dict[int, list[IncidentFacts]] = {}
        for (year, _), entries in self.by_month.items():
            years.setdefault(year, []).extend(entries)
        return years

    @cached_property
    def by_month(self) -> dict[tuple[int, int], list[IncidentFacts]]:
        """Entries by the (year, month) in the site's zone their impact started, newest first."""
        months: dict[tuple[int, int], list[IncidentFacts]] = defaultdict(list)
        for facts in self.entries:
            local = facts.started_at.astimezone(self.site.time_zone)
            months[(local.year, local.month)].append(facts)
        return dict(sorted(months.items(), reverse=True))

    @cached_property
    def last_change(self) -> datetime | None:
        return max((f.last_change for f in self.entries), default=None)

    @cached_property
    def data_start(self) -> datetime | None:
        """The earliest moment any entry speaks of (its impact's start or its first update)."""
        return min((min(f.started_at, f.first_update.at) for f in self.entries), default=None)


def derive(catalog: Catalog, now: datetime | None = None, carried: StatusReport | None = None) -> StatusReport:
    """Compute every derived fact of the site once; ``now`` is the moment open
    entries are judged at (none: each at its own latest change).

    ``carried``: the report this one follows (a save republished by `serve`). An
    entry's facts depend on its incident alone, and an unchanged file loads as the
    same incident object (load.py): its facts, with what they remember, are reused."""
    before = {id(f.incident): f for f in carried.entries} if carried is not None else {}
    entries = sorted((_facts_of(i, before) for i in catalog.incidents), key=lambda f: f.sort_key, reverse=True)
    by_component: dict[str, list[IncidentFacts]] = {c.id: [] for c in catalog.site.components}
    for f in entries:  # one pass, not one per component: 10 x 10,000 membership tests took 0.1 s
        for component_id in f.incident.components:
            by_component.get(component_id, []).append(f)
    components: dict[str, ComponentFacts] = {}
    for component in catalog.site.components:
        mine = tuple(by_component[component.id])
        active = tuple(f for f in mine if component.id in f.component_statuses)
        status = max(
            (f.component_statuses[component.id] for f in active),
            key=STATUS_RANK.__getitem__,
            default=ComponentStatus.operational,
        )
        components[component.id] = ComponentFacts(component.id, status, mine, active)
    return StatusReport(
        site=catalog.site,
        entries=tuple(entries),
        components=components,
        indicator=indicator_of(entries),
        by_slug={f.slug: f for f in entries},
        now=now,
    )


def _facts_of(incident: Incident, before: dict[int, IncidentFacts]) -> IncidentFacts:
    found = before.get(id(incident))
    return found if found is not None and found.incident is incident else IncidentFacts(incident)
