"""How one entry was communicated: how fast and how honestly the company talked.

A pure function from an entry's derived facts to its figures (time to the
first update, silences, promises kept and broken, where customers were told,
time to resolution, apology and postmortem). The site-wide aggregates are in
:mod:`generator.facts.accountability`, the warnings ``frankly check`` gives
editors in :mod:`generator.checks.commitments`; pages, JSON and feeds read
the figures, templates never recompute them.

"now" is always passed in. Pages use the data's ``report.last_change`` so the
same input gives the same bytes; ``frankly check`` uses the wall clock.

How kinds are treated (documented in FORMAT.md too):

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

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from generator.facts.derive import MAINTENANCE_ACTIVE, IncidentFacts
from generator.input.values import CLOSED_STATUSES, Impact, Kind

KEPT, BROKEN, PENDING = "kept", "broken", "pending"
SEVERE = (Impact.major, Impact.critical)


def seconds_of(span: timedelta | None) -> int | None:
    return None if span is None else int(span.total_seconds())


def iso_of(moment: datetime | None) -> str | None:
    """ISO 8601 with milliseconds and the offset the moment was written with, like every timestamp of the JSON."""
    return None if moment is None else moment.isoformat(timespec="milliseconds")


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
            "start": iso_of(self.start),
            "end": None if self.ongoing else iso_of(self.end),
            "seconds": seconds_of(self.length),
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
            "made_at": iso_of(self.made_at),
            "due": iso_of(self.due),
            "next_update_at": iso_of(self.next_at),
            "outcome": self.outcome,
            "late_by_seconds": seconds_of(self.late_by),
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
        return is_severe(self.kind, self.impact)

    def to_dict(self) -> dict[str, Any]:
        """Stable keys for JSON and feeds: durations in whole seconds, times in ISO 8601 with offset."""
        longest = self.longest_silence
        return {
            "started_at": iso_of(self.started_at),
            "first_update_at": iso_of(self.first_update_at),
            "time_to_first_update_seconds": seconds_of(self.time_to_first_update),
            "update_count": self.update_count,
            "median_silence_seconds": seconds_of(self.median_silence),
            "longest_silence_seconds": seconds_of(longest.length if longest else None),
            "ongoing_silence_seconds": seconds_of(self.ongoing_silence.length if self.ongoing_silence else None),
            "silences": [s.to_dict() for s in self.silences],
            "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken,
            "promises_pending": sum(p.outcome == PENDING for p in self.promises),
            "promises": [p.to_dict() for p in self.promises],
            "posts_by_channel": dict(self.posts_by_channel),
            "first_post_outside_at": iso_of(self.first_post_outside_at),
            "time_to_first_post_outside_seconds": seconds_of(self.time_to_first_post_outside),
            "resolved_at": iso_of(self.resolved_at),
            "time_to_resolution_seconds": seconds_of(self.time_to_resolution),
            "apology_at": iso_of(self.apology_at),
            "time_to_apology_seconds": seconds_of(self.time_to_apology),
            "postmortem_at": iso_of(self.postmortem_at),
            "time_to_postmortem_seconds": seconds_of(self.time_to_postmortem),
            "compensation_offered": self.compensation_offered,
            "as_of": iso_of(self.now),
        }


def _counts_silence(kind: Kind, status: str) -> bool:
    """Whether the time after an update with ``status`` is a silence customers wait through."""
    if kind is Kind.incident:
        return status not in CLOSED_STATUSES[kind]
    if kind is Kind.maintenance:
        return status in MAINTENANCE_ACTIVE
    return False


def waits_on_now(facts: IncidentFacts) -> bool:
    """Whether :func:`communication` of ``facts`` at one moment differs from another's
    in more than its ``now``: only while the last update leaves a silence open or a
    promise to keep (the two reads of ``now`` there). An entry closed for good has
    neither: its silences and promises all end at its own updates."""
    last = facts.incident.updates[-1]
    kind = facts.incident.kind
    return _counts_silence(kind, last.status) or _promised(kind, last) is not None


def _promised(kind: Kind, update) -> datetime | None:
    """When ``update`` promised the next one for; None without a promise, or when it closed the entry."""
    due = update.promised_by
    return None if due is None or update.status in CLOSED_STATUSES[kind] else due


def is_severe(kind: Kind, impact: Impact) -> bool:
    """An incident owed an apology and a postmortem once resolved (commitments)."""
    return kind is Kind.incident and impact in SEVERE


def communication(facts: IncidentFacts, now: datetime) -> Communication:
    """Every figure of one entry, judged at ``now`` where the entry is still open."""
    incident = facts.incident
    updates = incident.updates
    silences: list[Silence] = []
    promises: list[Promise] = []
    for index, update in enumerate(updates):
        following = updates[index + 1] if index + 1 < len(updates) else None
        if _counts_silence(incident.kind, update.status):
            if following is not None:
                silences.append(Silence(facts.slug, update.anchor, update.at, following.at, False))
            elif now > update.at:
                silences.append(Silence(facts.slug, update.anchor, update.at, now, True))
        due = _promised(incident.kind, update)
        if due is None:
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
