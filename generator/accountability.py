"""Communication accountability: how fast and how honestly the company talked.

Pure functions from the derived facts to figures per entry (time to the first
update, silences, promises kept and broken, where customers were told, time to
resolution, apology and postmortem), to site-wide aggregates, and to the
warnings ``frankly check`` gives editors. Computed once per build
(:func:`site_accountability` caches per report); pages, JSON and feeds read
the figures, templates never recompute them.

"now" is always passed in. Pages use the data's ``report.last_change`` so the
same input gives the same bytes; ``frankly check`` uses the wall clock.

How kinds are treated (documented in docs/format.md too):

* incident: every figure. Silences count while the incident is open
  (between an update that leaves it open and the next one); a gap after a
  ``resolved`` update that was later reopened is not a silence.
* maintenance: announced ahead by design, so there is no time to first
  update. Silences count only while the work is under way (after an
  ``in_progress`` or ``verifying`` update).
* notice: information, not a problem under way: no time to first update and
  no silences.
* every kind: an explicit promise of a next update (``next_update``) counts,
  except on a closing update (nothing more is due once it is closed). A
  promise is kept when the next update came by the promised time, broken when
  it came later, or when none came and the promised time has passed while the
  entry is still open; otherwise it is pending and not counted yet.
"""

from __future__ import annotations

import statistics
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from .derive import MAINTENANCE_ACTIVE, IncidentFacts, StatusReport
from .load import Catalog
from .model import CLOSING_STATUS, Commitments, Impact, Kind
from .problems import Problem, display_path
from .timefmt import format_duration
from .yamlsource import FileSourceMap

KEPT, BROKEN, PENDING = "kept", "broken", "pending"
SEVERE = (Impact.major, Impact.critical)
#: How far back the site-wide "recent" figures look, ending at the data's last change.
RECENT_WINDOW = timedelta(days=90)
WORST_SILENCES_SHOWN = 10


def _seconds(span: timedelta | None) -> int | None:
    return None if span is None else int(span.total_seconds())


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@dataclass(frozen=True)
class Silence:
    """A stretch without any update while the entry was open (or under way)."""

    slug: str
    after: str  # anchor of the update the silence followed
    start: datetime
    end: datetime  # the next update, or "now" while ongoing
    ongoing: bool

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        return {
            "after_update": self.after,
            "start": _iso(self.start),
            "end": None if self.ongoing else _iso(self.end),
            "seconds": _seconds(self.length),
            "ongoing": self.ongoing,
        }


@dataclass(frozen=True)
class Promise:
    """One promised next update and what became of it."""

    made_in: str  # anchor of the update that made it
    made_at: datetime
    due: datetime
    next_at: datetime | None  # the next update, if any came
    outcome: str  # kept | broken | pending

    @property
    def late_by(self) -> timedelta | None:
        """How late the next update came (or, when none came, is so far at "now")."""
        if self.outcome != BROKEN:
            return None
        return (self.next_at - self.due) if self.next_at else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "update": self.made_in,
            "made_at": _iso(self.made_at),
            "due": _iso(self.due),
            "next_update_at": _iso(self.next_at),
            "outcome": self.outcome,
            "late_by_seconds": _seconds(self.late_by),
        }


@dataclass(frozen=True)
class Communication:
    """What one entry's timeline says about how the company talked."""

    slug: str
    kind: Kind
    impact: Impact
    is_open: bool
    now: datetime
    started_at: datetime
    first_update_at: datetime
    time_to_first_update: timedelta | None  # None for maintenance and notices
    update_count: int
    silences: tuple[Silence, ...]  # oldest first; the last may be ongoing
    promises: tuple[Promise, ...]  # oldest first
    posts_by_channel: tuple[tuple[str, int], ...]  # most posts first, then by name
    first_post_outside_at: datetime | None
    resolved_at: datetime | None
    apology_at: datetime | None
    apology_by: str | None
    postmortem_at: datetime | None
    compensation_offered: bool

    # ---- silences
    @property
    def closed_silences(self) -> tuple[Silence, ...]:
        return tuple(s for s in self.silences if not s.ongoing)

    @property
    def ongoing_silence(self) -> Silence | None:
        return next((s for s in self.silences if s.ongoing), None)

    @property
    def median_silence(self) -> timedelta | None:
        """Median gap between consecutive updates while open (an ongoing silence is not a gap yet)."""
        gaps = [s.length for s in self.closed_silences]
        return statistics.median(gaps) if gaps else None

    @property
    def longest_silence(self) -> Silence | None:
        """The longest stretch without an update, the ongoing one included: an open
        incident nobody updates must not look well looked after."""
        return max(self.silences, key=lambda s: (s.length, -s.start.timestamp()), default=None)

    # ---- promises
    @property
    def promises_kept(self) -> int:
        return sum(p.outcome == KEPT for p in self.promises)

    @property
    def promises_broken(self) -> int:
        return sum(p.outcome == BROKEN for p in self.promises)

    @property
    def promises_due(self) -> int:
        """Promises whose time has come: kept plus broken."""
        return self.promises_kept + self.promises_broken

    @property
    def pending_promise(self) -> Promise | None:
        return next((p for p in self.promises if p.outcome == PENDING), None)

    # ---- channels
    @property
    def post_count(self) -> int:
        return sum(count for _, count in self.posts_by_channel)

    @property
    def time_to_first_post_outside(self) -> timedelta | None:
        return None if self.first_post_outside_at is None else self.first_post_outside_at - self.started_at

    # ---- outcome
    @property
    def time_to_resolution(self) -> timedelta | None:
        return None if self.resolved_at is None else self.resolved_at - self.started_at

    @property
    def time_to_apology(self) -> timedelta | None:
        return None if self.apology_at is None else self.apology_at - self.started_at

    @property
    def time_to_postmortem(self) -> timedelta | None:
        return None if self.postmortem_at is None else self.postmortem_at - self.started_at

    @property
    def is_severe_incident(self) -> bool:
        return self.kind is Kind.incident and self.impact in SEVERE

    def to_dict(self) -> dict[str, Any]:
        """Stable keys for JSON and feeds: durations in whole seconds, times in ISO 8601 with offset."""
        longest = self.longest_silence
        return {
            "started_at": _iso(self.started_at),
            "first_update_at": _iso(self.first_update_at),
            "time_to_first_update_seconds": _seconds(self.time_to_first_update),
            "update_count": self.update_count,
            "median_silence_seconds": _seconds(self.median_silence),
            "longest_silence_seconds": _seconds(longest.length if longest else None),
            "ongoing_silence_seconds": _seconds(self.ongoing_silence.length if self.ongoing_silence else None),
            "silences": [s.to_dict() for s in self.silences],
            "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken,
            "promises_pending": sum(p.outcome == PENDING for p in self.promises),
            "promises": [p.to_dict() for p in self.promises],
            "posts_by_channel": dict(self.posts_by_channel),
            "first_post_outside_at": _iso(self.first_post_outside_at),
            "time_to_first_post_outside_seconds": _seconds(self.time_to_first_post_outside),
            "resolved_at": _iso(self.resolved_at),
            "time_to_resolution_seconds": _seconds(self.time_to_resolution),
            "apology_at": _iso(self.apology_at),
            "time_to_apology_seconds": _seconds(self.time_to_apology),
            "postmortem_at": _iso(self.postmortem_at),
            "time_to_postmortem_seconds": _seconds(self.time_to_postmortem),
            "compensation_offered": self.compensation_offered,
            "as_of": _iso(self.now),
        }


def _counts_silence(kind: Kind, status: str) -> bool:
    """Whether the time after an update with ``status`` is a silence customers wait through."""
    if kind is Kind.incident:
        return status != CLOSING_STATUS[kind]
    if kind is Kind.maintenance:
        return status in MAINTENANCE_ACTIVE
    return False


def communication(facts: IncidentFacts, now: datetime) -> Communication:
    """Every figure of one entry, judged at ``now`` where the entry is still open."""
    incident = facts.incident
    updates = incident.updates
    closing = CLOSING_STATUS[incident.kind]
    silences: list[Silence] = []
    promises: list[Promise] = []
    for index, update in enumerate(updates):
        following = updates[index + 1] if index + 1 < len(updates) else None
        if _counts_silence(incident.kind, update.status):
            if following is not None:
                silences.append(Silence(facts.slug, update.anchor, update.at, following.at, False))
            elif now > update.at:
                silences.append(Silence(facts.slug, update.anchor, update.at, now, True))
        due = update.promised_by
        if due is None or update.status == closing:
            continue
        if following is not None:
            outcome = KEPT if following.at <= due else BROKEN
        else:
            outcome = BROKEN if now > due else PENDING
        promises.append(Promise(update.anchor, update.at, due, following.at if following else None, outcome))

    channels: dict[str, int] = {}
    first_post: datetime | None = None
    for update in updates:
        for link in update.posted_to:
            channels[link.channel_name] = channels.get(link.channel_name, 0) + 1
            first_post = first_post or update.at

    return Communication(
        slug=facts.slug,
        kind=incident.kind,
        impact=incident.impact,
        is_open=facts.is_open,
        now=now,
        started_at=facts.started_at,
        first_update_at=facts.first_update.at,
        time_to_first_update=facts.first_update.at - facts.started_at if incident.kind is Kind.incident else None,
        update_count=len(updates),
        silences=tuple(silences),
        promises=tuple(promises),
        posts_by_channel=tuple(sorted(channels.items(), key=lambda item: (-item[1], item[0]))),
        first_post_outside_at=first_post,
        resolved_at=facts.ended_at,
        apology_at=incident.apology.at if incident.apology else None,
        apology_by=f"{incident.apology.by.name} ({incident.apology.by.role})" if incident.apology else None,
        postmortem_at=incident.postmortem.published_at if incident.postmortem else None,
        compensation_offered=incident.compensation is not None,
    )


# ---------------------------------------------------------------- site-wide


@dataclass(frozen=True)
class Share:
    """'n of total': shown as counts so a reader sees how few cases a percentage rests on."""

    count: int
    total: int

    @property
    def percent(self) -> int | None:
        return None if self.total == 0 else round(100 * self.count / self.total)

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "total": self.total}


@dataclass(frozen=True)
class PeriodFigures:
    """Aggregates over the entries whose impact started in one period.

    Counted when made, keeping only the entries' slugs: holding every
    entry's figures for the all-time row cost ~13 MiB at 10,000 entries, in
    every process of the build."""

    label: str
    key: str  # '2026-11' or 'last-90-days'
    slugs: tuple[str, ...]  # the entries counted, newest first
    incident_count: int
    median_time_to_first_update: timedelta | None
    first_update_on_time: Share
    promises_kept: Share
    silences_within_cadence: Share
    with_apology: Share  # of major and critical incidents that are resolved: those owed an apology and a postmortem
    with_postmortem: Share
    apology_on_time: Share
    postmortem_on_time: Share

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.key,
            "entries": len(self.slugs),
            "incidents": self.incident_count,
            "median_time_to_first_update_seconds": _seconds(self.median_time_to_first_update),
            "first_update_on_time": self.first_update_on_time.to_dict(),
            "promises_kept": self.promises_kept.to_dict(),
            "silences_within_cadence": self.silences_within_cadence.to_dict(),
            "severe_with_apology": self.with_apology.to_dict(),
            "severe_with_postmortem": self.with_postmortem.to_dict(),
            "severe_apology_on_time": self.apology_on_time.to_dict(),
            "severe_postmortem_on_time": self.postmortem_on_time.to_dict(),
        }


class PeriodTally:
    """Counts entries into a period's figures one at a time, keeping only what
    the figures need: a build never holds every entry's figures at once."""

    def __init__(self, commitments: Commitments):
        self.commitments = commitments
        self.slugs: list[str] = []
        self.incidents = 0
        self.spans: list[timedelta] = []  # incidents' times to first update
        self.promises_kept = self.promises_due = 0
        self.silences_within = self.silences = 0
        self.severe = self.with_apology = self.with_postmortem = self.apology_on_time = self.postmortem_on_time = 0

    def add(self, c: Communication) -> None:
        k = self.commitments
        self.slugs.append(c.slug)
        self.promises_kept += c.promises_kept
        self.promises_due += c.promises_due
        self.silences += len(c.silences)
        self.silences_within += sum(s.length <= k.update_every for s in c.silences)
        if c.kind is not Kind.incident:
            return
        self.incidents += 1
        if c.time_to_first_update is not None:
            self.spans.append(c.time_to_first_update)
        if c.is_severe_incident and c.resolved_at is not None:  # owed an apology and a postmortem
            self.severe += 1
            self.with_apology += c.apology_at is not None
            self.with_postmortem += c.postmortem_at is not None
            self.apology_on_time += c.apology_at is not None and c.apology_at - c.resolved_at <= k.apology_within
            self.postmortem_on_time += c.postmortem_at is not None and c.postmortem_at - c.resolved_at <= k.postmortem_within

    def figures(self, label: str, key: str) -> PeriodFigures:
        within = self.commitments.first_update_within
        return PeriodFigures(
            label, key, tuple(self.slugs), self.incidents,
            median_time_to_first_update=statistics.median(self.spans) if self.spans else None,
            first_update_on_time=Share(sum(span <= within for span in self.spans), len(self.spans)),
            promises_kept=Share(self.promises_kept, self.promises_due),
            silences_within_cadence=Share(self.silences_within, self.silences),
            with_apology=Share(self.with_apology, self.severe),
            with_postmortem=Share(self.with_postmortem, self.severe),
            apology_on_time=Share(self.apology_on_time, self.severe),
            postmortem_on_time=Share(self.postmortem_on_time, self.severe),
        )


@dataclass(frozen=True)
class SiteAccountability:
    """The site-wide aggregates, judged at ``now``."""

    now: datetime
    recent: PeriodFigures  # the last 90 days ending at now
    months: tuple[PeriodFigures, ...]  # newest month first
    worst_silences: tuple[Silence, ...]  # longest first
    all_time: PeriodFigures
    # The entry whose figures were asked for last, and its figures: see communication_of.
    latest_entry: list = field(default_factory=list, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": _iso(self.now),
            "last_90_days": self.recent.to_dict(),
            "all_time": self.all_time.to_dict(),
            "months": [m.to_dict() for m in self.months],
            "worst_silences": [{"incident": s.slug, **s.to_dict()} for s in self.worst_silences],
        }


def account(report: StatusReport, now: datetime) -> SiteAccountability:
    """All site-wide accountability figures at ``now``.

    Each entry's figures are made, counted into its periods and dropped: held
    all at once, 10,000 entries' figures left ~18 MiB of freed but unreturned
    memory in the build process, which its forked workers then copied."""
    commitments = report.site.commitments
    zone = report.site.time_zone
    all_time, recent = PeriodTally(commitments), PeriodTally(commitments)
    months: dict[str, PeriodTally] = {}
    worst: list[Silence] = []  # the longest silences so far, cut back now and then
    for f in report.entries:  # newest first, like the report
        c = communication(f, now)
        local = c.started_at.astimezone(zone)
        month = f"{local.year:04d}-{local.month:02d}"
        if month not in months:
            months[month] = PeriodTally(commitments)
        for tally in (all_time, months[month], recent if now - RECENT_WINDOW < c.started_at <= now else None):
            if tally is not None:
                tally.add(c)
        worst.extend(c.silences)
        if len(worst) > 8 * WORST_SILENCES_SHOWN:
            worst = _longest(worst)
    return SiteAccountability(
        now=now,
        recent=recent.figures("Last 90 days", "last-90-days"),
        months=tuple(months[key].figures(_month_label(key), key) for key in sorted(months, reverse=True)),
        worst_silences=tuple(_longest(worst)),
        all_time=all_time.figures("All time", "all-time"),
    )


def _longest(silences: list[Silence]) -> list[Silence]:
    """The silences listed among the worst: longest first, then earliest, then by entry
    (a stable sort, so cutting back as entries come gives what one sort of all would)."""
    return sorted(silences, key=lambda s: (-s.length.total_seconds(), s.start, s.slug))[:WORST_SILENCES_SHOWN]


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"


def _report_now(report: StatusReport) -> datetime:
    """The "now" of every published figure: the data's last change, so builds are reproducible."""
    if report.last_change is not None:
        return report.last_change
    return datetime(1970, 1, 1, tzinfo=report.site.time_zone)


_BUILT: dict[int, SiteAccountability] = {}


def site_accountability(report: StatusReport) -> SiteAccountability:
    """The published figures of ``report``, computed once per report (once per build)."""
    key = id(report)
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = account(report, _report_now(report))
        weakref.finalize(report, _BUILT.pop, key, None)
    return found


def communication_of(report: StatusReport, facts: IncidentFacts) -> Communication:
    """One entry's published figures (for its page, JSON and feed items).

    Computed when asked (~45 us), not kept for every entry: an entry's
    outputs are rendered one after another, so only the latest is kept."""
    acc = site_accountability(report)
    latest = acc.latest_entry
    if latest and latest[0] is facts:
        return latest[1]
    figures = communication(facts, acc.now)
    latest[:] = [facts, figures]
    return figures


# ---------------------------------------------------------------- checks for editors


def warnings(catalog: Catalog, report: StatusReport, root: Path, now: datetime) -> list[Problem]:
    """What an editor should act on at ``now``: overdue updates, missing apologies
    and postmortems, maintenance nobody closed. Sorted, one :class:`Problem` each."""
    commitments = report.site.commitments
    found: list[Problem] = []
    for facts in report.entries:
        entry_warnings = list(_entry_warnings(facts, communication(facts, now), commitments, now))
        if not entry_warnings:
            continue  # positions are read only for the few files that need them
        source = catalog.sources[facts.slug]
        shown = display_path(source, root)
        smap = FileSourceMap(source)
        for loc, message in entry_warnings:
            pos = smap.value(loc)
            found.append(Problem(shown, pos.line, pos.column, "warning: " + message))
    return sorted(set(found))


def _entry_warnings(facts: IncidentFacts, c: Communication, commitments: Commitments, now: datetime) -> Iterable[tuple[tuple, str]]:
    incident = facts.incident
    last_index = len(incident.updates) - 1
    last = incident.updates[-1]
    ongoing = c.ongoing_silence
    if ongoing is not None and ongoing.length > commitments.update_every:
        yield (("updates", last_index, "at"),
               f"no update for {format_duration(ongoing.length)} since this one, longer than the "
               f"{format_duration(commitments.update_every)} the site commits to (commitments.update_every); "
               "post an update, even if there is nothing new")
    promise = c.promises[-1] if c.promises else None
    if promise is not None and promise.next_at is None and promise.outcome == BROKEN:
        yield (("updates", last_index, "next_update"),
               f"the next update was promised by {promise.due.isoformat()} and is "
               f"{format_duration(now - promise.due)} overdue; post an update")
    if c.is_severe_incident and c.resolved_at is not None:
        since = now - c.resolved_at
        closing_index = facts.closing_index
        for what, present, limit, setting in (
            ("apology", c.apology_at is not None, commitments.apology_within, "apology_within"),
            ("postmortem", c.postmortem_at is not None, commitments.postmortem_within, "postmortem_within"),
        ):
            if not present and since > limit:
                yield (("updates", closing_index, "status"),
                       f"this {incident.impact.value} incident was resolved {format_duration(since)} ago and has no "
                       f"{what}; the site commits to one within {format_duration(limit)} of resolution "
                       f"(commitments.{setting}): add '{what}:'")
    if incident.kind is Kind.maintenance and incident.window and now > incident.window.end and facts.is_open:
        yield (("window", "end"),
               f"the maintenance window ended {format_duration(now - incident.window.end)} ago but the last update "
               f"is '{last.status}'; add an update with status: completed (or one saying it overran)")
