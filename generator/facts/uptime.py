"""Uptime history: per component and per component group, per calendar day,
derived from what the entries' timelines state (never monitored, never the clock).

The statuses over time are the ones :mod:`generator.facts.derive` already
knows: :attr:`IncidentFacts.statuses_after_each_update` holds each affected
component's status after every update (empty while the entry does not affect
anything: a resolved incident, a maintenance not yet begun or completed), so
one update's statuses last until the next update, a reopened entry counts
again from its reopening update, and the last statuses of an entry that still
affects its components last until the judging moment. Impact stated to start
before the first update (``impact_started_at``) counts from then, with the
first statuses the timeline gives.

**Availability**, as Statuspage counts it (weights per sorryapp.com's and
instatus.com's write-ups; incident.io counts partial outage fully): major outage
fully downtime, partial outage at 30 %, degraded performance and maintenance not::

    availability = 1 - (major_outage_s + 0.3 * partial_outage_s) / observed_s

Maintenance shows as maintenance, never downtime. Overlapping entries on one
component: the worst status at each instant counts, once (STATUS_RANK).

**Days** are calendar days in the site's zone, local midnight to local
midnight: 23 or 25 hours when the clocks change. The window ends at the
judging moment, :attr:`StatusReport.site_judged_at` (the build's given moment
while anything is open, else the data's latest change, so the same input gives
the same bytes), and that day is observed up to it. Days before the site's
data begins (the day of its earliest entry, or a ``since`` day given) have no
data: they are not 100 %. Data is site-wide: a component no entry ever touched
has been operational since the site's data began.

**Groups** (site.yaml's ``group``): a group's day shows the worst status of its
members at each instant (its seconds are the time its worst member spent in each
status), its entries are all its members' entries, and its availability is the
**mean** of its members' availability, the day's and the window's (as
Statuspage averages a group's components): one component of four fully down
is a 75 % group, not a 0 % one, while its colour still says major outage.

**Printed figures** (:func:`percent_text`) are truncated to two decimals: 99.996 %
is "99.99%"; "100%" means no downtime at all.

Cost: each entry's timeline is read once into per-component intervals, merged into one
worst-status timeline per component and group (cached per report), and a year's days swept
with one pointer, O(intervals + days) per component; a shorter window is its last days.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from operator import itemgetter
from typing import Any, Iterable, Mapping, NamedTuple
from zoneinfo import ZoneInfo

from generator.facts.derive import STATUS_RANK, IncidentFacts, StatusReport
from generator.input.values import ComponentStatus

WINDOW_DAYS, YEAR_DAYS = 90, 365  # the home page and component lists; a component's own page
#: Downtime weight of a status, in tenths (exact integers): Statuspage's 100 % and 30 %.
DOWNTIME_TENTHS: dict[ComponentStatus, int] = {ComponentStatus.major_outage: 10, ComponentStatus.partial_outage: 3}
#: The statuses whose seconds a day counts, worst first.
COUNTED = (ComponentStatus.major_outage, ComponentStatus.partial_outage,
           ComponentStatus.degraded_performance, ComponentStatus.under_maintenance)
#: One sentence for machines (the JSON extension); pages write their own.
DEFINITION = ("Per calendar day in the site's time zone, from the component statuses the entries state: "
              "major outage counts fully as downtime, partial outage at 30%, degraded performance and "
              "maintenance not at all (as Atlassian Statuspage counts it); a group's availability is the "
              "mean of its components'; figures are truncated to two decimals, never rounded up.")
GROUP_PREFIX = "group:"  # a ':' never occurs in a component id, so the keys cannot collide
_BY_RANK = sorted(STATUS_RANK, key=STATUS_RANK.__getitem__)  # operational first, worst last


class Stretch(NamedTuple):
    """A time a component spent in one status (epoch seconds, end excluded). A tuple:
    at 10,000 entries there are ~80,000 of them, made in a third of a dataclass's time."""

    start: int
    end: int
    status: ComponentStatus
    slug: str = ""  # the entry that stated it; empty in merged timelines


@dataclass(frozen=True)
class UptimeDay:
    """One calendar day of one component or group."""

    date: date
    #: The day's worst status; None: no data that day (not 100 %).
    worst: ComponentStatus | None
    #: Seconds in each counted status (only those > 0), worst first.
    seconds_by_status: Mapping[ComponentStatus, int]
    #: Seconds of the day with data: 86,400, 82,800 or 90,000 (clock change), less on the judging day, 0 without data.
    observed_seconds: int
    #: Exact fraction in [0, 1]; None without data. ``float()`` it for JSON, :func:`percent_text` to print.
    availability: Fraction | None
    #: Slugs of the entries that affected it that day, in the order they began to.
    entries: tuple[str, ...]


@dataclass(frozen=True)
class UptimeHistory:
    """A window of days of one component (key: its id) or group (key: ``group:<name>``)."""

    key: str
    name: str
    is_group: bool
    members: tuple[str, ...]  # a group's component ids; () for a component
    days: tuple[UptimeDay, ...]  # oldest first; the last is the judging moment's day
    #: Over the window's days with data; None when no day has data.
    availability: Fraction | None

    @property
    def percent(self) -> str | None:
        """The window's figure as printed: '99.95%' (None: no data)."""
        return None if self.availability is None else percent_text(self.availability)


def percent_text(availability: Fraction) -> str:
    """'99.95%': truncated to two decimals (never rounded up); '100%' only without downtime."""
    hundredths = truncated_hundredths(availability)
    return "100%" if hundredths == 10_000 else f"{hundredths // 100}.{hundredths % 100:02d}%"


def truncated_hundredths(availability: Fraction) -> int:
    """The percentage in hundredths, truncated: 0.99996 -> 9999 (exact arithmetic, no float)."""
    return (availability.numerator * 10_000) // availability.denominator


# ---------------------------------------------------------------- timelines


def entry_stretches(facts: IncidentFacts, until: datetime) -> Iterable[tuple[str, Stretch]]:
    """(component id, stretch) for every time ``facts`` held a component in a
    non-operational status, up to ``until`` (its timeline, as derive states it)."""
    after = facts.statuses_after_each_update
    if not any(after):
        return
    stamps = [int(update.at.timestamp()) for update in facts.incident.updates]
    stamps.append(int(until.timestamp()))
    first = next(i for i, statuses in enumerate(after) if statuses)  # the first update that affects anything
    slug, operational = facts.slug, ComponentStatus.operational
    for index, statuses in enumerate(after):
        if not statuses:
            continue
        start = stamps[index]
        if index == first:  # impact stated to begin earlier counts from then
            start = min(start, int(facts.started_at.timestamp()))
        end = min(stamps[index + 1], stamps[-1])
        if end <= start:
            continue
        for component_id, status in statuses.items():
            if status is not operational:
                yield component_id, Stretch(start, end, status, slug)


def _stretches_of(facts: IncidentFacts, until: datetime) -> Iterable[tuple[str, Stretch]]:
    """:func:`entry_stretches`; those of a closed entry, which ``until`` no longer cuts
    short once it is past the entry's last update, remembered with its facts."""
    if facts.is_open or until < facts.latest_update.at:
        return entry_stretches(facts, until)
    return facts.remembered("uptime stretches", (), lambda: tuple(entry_stretches(facts, until)))


def merge(stretches: list[Stretch], work: Counter | None = None) -> list[Stretch]:
    """One timeline of the worst status at each instant, from stretches sorted by
    start: non-overlapping and sorted, so overlaps count once. Stretches that
    overlap nothing (most) are taken as they are; each cluster of overlapping
    ones is swept by its start and end events."""
    merged: list[Stretch] = []
    cluster: list[Stretch] = []
    cluster_end = 0
    for stretch in stretches:
        if cluster and stretch.start >= cluster_end:
            _sweep_cluster(cluster, merged, work)
            cluster = []
        if not cluster or stretch.end > cluster_end:
            cluster_end = stretch.end
        cluster.append(stretch)
    if cluster:
        _sweep_cluster(cluster, merged, work)
    return merged


def _append(merged: list[Stretch], start: int, end: int, status: ComponentStatus) -> None:
    if merged and merged[-1].status is status and merged[-1].end == start:
        merged[-1] = Stretch(merged[-1].start, end, status)
    else:
        merged.append(Stretch(start, end, status))


def _sweep_cluster(cluster: list[Stretch], merged: list[Stretch], work: Counter | None) -> None:
    if work is not None:
        work["events"] += 2 * len(cluster)
    if len(cluster) == 1:
        _append(merged, cluster[0].start, cluster[0].end, cluster[0].status)
        return
    events = sorted([(s.start, 1, STATUS_RANK[s.status]) for s in cluster] + [(s.end, -1, STATUS_RANK[s.status]) for s in cluster])
    counts = [0] * len(_BY_RANK)
    previous = events[0][0]
    for moment, delta, rank in events:
        if moment > previous:
            worst = len(counts) - 1
            while worst and not counts[worst]:
                worst -= 1
            if worst:
                _append(merged, previous, moment, _BY_RANK[worst])
        counts[rank] += delta
        previous = moment


@dataclass(frozen=True)
class Timelines:
    """Every component's and group's stretches, read once per report."""

    until: datetime | None
    raw: dict[str, list[Stretch]]  # per component id and group key, sorted by (start, slug)
    merged: dict[str, list[Stretch]]


def timelines(report: StatusReport, until: datetime | None = None, work: Counter | None = None,
              since: int | None = None) -> Timelines:
    """The stretches of ``report`` up to ``until`` (default: its judging moment), cached per report.

    ``since`` (epoch seconds): nothing before it is asked, so stretches that end by then are
    left out; after it the timelines are exact (the worst status at an instant is that of the
    stretches covering it). A window of the last year then sweeps a year of a long history."""
    until = until or report.site_judged_at
    key = (id(report), until, since)
    found = _TIMELINES.get(key)
    if found is not None and work is None:
        return found
    raw: dict[str, list[Stretch]] = defaultdict(list)
    if until is not None:
        for facts in report.entries:
            # a closed entry's stretches end by its last update: one that ended before the window adds none
            if since is not None and not facts.is_open and facts.latest_update.at.timestamp() <= since:
                continue
            for component_id, stretch in _stretches_of(facts, until):
                if since is not None and stretch.end <= since:
                    continue
                raw[component_id].append(stretch)
                if work is not None:
                    work["stretches"] += 1
    order = itemgetter(0, 3)  # start, slug
    for stretches in raw.values():
        stretches.sort(key=order)
    merged = {cid: merge(raw[cid], work) for cid in report.components}
    for group, members in groups_of(report).items():
        key_ = GROUP_PREFIX + group
        raw[key_] = sorted((s for m in members for s in raw[m]), key=order)
        merged[key_] = merge(sorted((s for m in members for s in merged[m]), key=order), work)
    found = Timelines(until, {k: raw[k] for k in merged}, merged)
    if work is None:
        _TIMELINES[key] = found
        weakref.finalize(report, _TIMELINES.pop, key, None)
    return found


_TIMELINES: dict[tuple[int, datetime | None], Timelines] = {}


def groups_of(report: StatusReport) -> dict[str, tuple[str, ...]]:
    """Each group's member ids, groups in the order of their first member in site.yaml."""
    groups: dict[str, list[str]] = {}
    for component in report.site.components:
        if component.group is not None:
            groups.setdefault(component.group, []).append(component.id)
    return {name: tuple(ids) for name, ids in groups.items()}


# ---------------------------------------------------------------- days


def day_bounds(first: date, count: int, zone: ZoneInfo) -> list[tuple[date, int, int]]:
    """(day, start, end) in epoch seconds, local midnight to local midnight (23 or 25 h on clock changes)."""
    days = [first + timedelta(days=n) for n in range(count + 1)]
    starts = [int(datetime.combine(d, time(0), tzinfo=zone).timestamp()) for d in days]
    return [(days[n], starts[n], starts[n + 1]) for n in range(count)]


def _sweep(stretches: list[Stretch], bounds: list[tuple[date, int, int]], work: Counter | None,
           seconds: bool) -> list[Any]:
    """Per day of ``bounds``: the seconds per status (merged stretches) or the slugs
    (raw stretches, sorted by start). One pointer moves over the days as the stretches'
    starts grow; a stretch is visited once per day it covers."""
    per_day: list[Any] = [Counter() if seconds else {} for _ in bounds]
    if not bounds:
        return per_day
    window_start, window_end = bounds[0][1], bounds[-1][2]
    # The merged timeline is sorted by end too: skip what ended before the window at once.
    begin = bisect_right([s.end for s in stretches], window_start) if seconds else 0
    first = 0
    for stretch in stretches[begin:]:
        if work is not None:
            work["stretch visits"] += 1
        if stretch.start >= window_end:
            break
        if stretch.end <= window_start:
            continue
        while bounds[first][2] <= stretch.start:
            first += 1
            if work is not None:
                work["day steps"] += 1
        for index in range(first, len(bounds)):
            _, day_start, day_end = bounds[index]
            if day_start >= stretch.end:
                break
            if work is not None:
                work["day visits"] += 1
            if seconds:
                per_day[index][stretch.status] += min(stretch.end, day_end) - max(stretch.start, day_start)
            else:
                per_day[index].setdefault(stretch.slug, None)
    return per_day


def _component_days(lines: Timelines, key: str, bounds: list[tuple[date, int, int]], data_start: int,
                    until: int, work: Counter | None) -> tuple[list[UptimeDay], Fraction | None]:
    seconds = _sweep(lines.merged[key], bounds, work, True)
    slugs = _sweep(lines.raw[key], bounds, work, False)
    days, down, observed_all = [], 0, 0
    for (day, start, end), secs, entries in zip(bounds, seconds, slugs):
        observed = max(0, min(end, until) - max(start, data_start))
        if observed == 0:
            days.append(UptimeDay(day, None, {}, 0, None, ()))
            continue
        ordered = {status: secs[status] for status in COUNTED if secs[status] > 0}
        worst = next(iter(ordered), ComponentStatus.operational)
        day_down = sum(DOWNTIME_TENTHS.get(status, 0) * s for status, s in ordered.items())
        days.append(UptimeDay(day, worst, ordered, observed, 1 - Fraction(day_down, 10 * observed), tuple(entries)))
        down, observed_all = down + day_down, observed_all + observed
    return days, (1 - Fraction(down, 10 * observed_all) if observed_all else None)


def _mean(values: Iterable[Fraction | None]) -> Fraction | None:
    known = [v for v in values if v is not None]
    return sum(known, Fraction(0)) / len(known) if known else None


def uptime(report: StatusReport, days: int = WINDOW_DAYS, *, until: datetime | None = None,
           since: date | None = None, work: Counter | None = None) -> dict[str, UptimeHistory]:
    """The last ``days`` calendar days of every component (keyed by its id, in site
    order) and every group (keyed ``group:<name>``, after the components).

    ``until``: the window's end (default: ``report.site_judged_at``; without any
    entry and no moment given, every day is without data). ``since``: the first day
    with data (default: the day of the earliest entry). ``work``: counts the steps
    (for tests of the cost)."""
    memo = (id(report), days, until, since)
    if work is None and memo in _HISTORIES:
        return _HISTORIES[memo]  # a derived fact: home, component pages, JSON and badges read the same one
    shorter = work is None and 0 < days < YEAR_DAYS  # the last days of the year's window: the same days, counted once
    found = _last_days(uptime(report, YEAR_DAYS, until=until, since=since), days) if shorter else _counted(report, days, until, since, work)
    if work is None:
        _HISTORIES[memo] = found
        weakref.finalize(report, _HISTORIES.pop, memo, None)
    return found


def _last_days(year: dict[str, UptimeHistory], days: int) -> dict[str, UptimeHistory]:
    """The last ``days`` of ``year``'s histories, figures over those days alone (as :func:`_counted` gives them)."""
    found: dict[str, UptimeHistory] = {}
    for key, history in year.items():
        kept = history.days[-days:]
        if history.is_group:
            availability = _mean(found[m].availability for m in history.members)
        else:
            observed = sum(d.observed_seconds for d in kept)  # 0 on a day without data
            down = sum(DOWNTIME_TENTHS.get(status, 0) * s for d in kept for status, s in d.seconds_by_status.items())
            availability = 1 - Fraction(down, 10 * observed) if observed else None
        found[key] = UptimeHistory(key, history.name, history.is_group, history.members, kept, availability)
    return found


def _counted(report: StatusReport, days: int, until: datetime | None, since: date | None,
             work: Counter | None) -> dict[str, UptimeHistory]:
    zone = report.site.time_zone
    end_moment = (until or report.site_judged_at) or report.now
    if end_moment is None:
        return {key: UptimeHistory(key, name, group, members, (), None) for key, name, group, members in _keys(report)}
    last = end_moment.astimezone(zone).date()
    bounds = day_bounds(last - timedelta(days=days - 1), days, zone)
    # The home page's 90 days and a component page's 365 read the same timelines, made once:
    # those from the start of the longer window are exact for the shorter one too.
    since_day = last - timedelta(days=max(days, YEAR_DAYS) - 1)
    lines = timelines(report, until, work, since=int(datetime.combine(since_day, time(0), tzinfo=zone).timestamp()))
    if since is not None:
        data_start = int(datetime.combine(since, time(0), tzinfo=zone).timestamp())
    elif report.data_start is not None:
        data_start = int(datetime.combine(report.data_start.astimezone(zone).date(), time(0), tzinfo=zone).timestamp())
    else:
        data_start = int(end_moment.timestamp())  # nothing ever happened: no day has data
    end = int(end_moment.timestamp())
    found: dict[str, UptimeHistory] = {}
    for key, name, is_group, members in _keys(report):
        day_list, availability = _component_days(lines, key, bounds, data_start, end, work)
        if is_group:
            mine = [found[m] for m in members]
            day_list = [
                UptimeDay(d.date, d.worst, d.seconds_by_status, d.observed_seconds,
                          _mean(h.days[n].availability for h in mine) if d.worst is not None else None, d.entries)
                for n, d in enumerate(day_list)
            ]
            availability = _mean(h.availability for h in mine)
        found[key] = UptimeHistory(key, name, is_group, members, tuple(day_list), availability)
    return found


_HISTORIES: dict[tuple, dict[str, UptimeHistory]] = {}


def _keys(report: StatusReport) -> list[tuple[str, str, bool, tuple[str, ...]]]:
    keys = [(c.id, c.name, False, ()) for c in report.site.components]
    keys += [(GROUP_PREFIX + name, name, True, members) for name, members in groups_of(report).items()]
    return keys
