"""Communication accountability of the whole site: the figures of every entry
added up per period (each month, each year, the recent 90 days), the worst
silences, and the one entry's figures its outputs ask for.

Computed once per build (:func:`site_accountability` caches per report) and
kept as aggregates, not as every entry's figures: an entry's figures are
computed when asked (:func:`communication_of`). "now" is the moment the
build was told to judge at (``report.now``), else the data's latest change, so
the same input gives the same bytes.
"""

from __future__ import annotations

import statistics
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, Sequence

from generator.facts.communication import BROKEN, KEPT, Communication, Silence, communication, iso_of, seconds_of
from generator.facts.derive import IncidentFacts, StatusReport
from generator.input.model import Commitments
from generator.input.values import Kind

#: How far back the site-wide "recent" figures look, ending at the data's last change.
RECENT_WINDOW = timedelta(days=90)
WORST_SILENCES_SHOWN = 10
#: The keys of the periods that are not months ('2026-11').
RECENT_KEY, ALL_TIME_KEY = "last-90-days", "all-time"


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

    #: '2026-11' (a month, in the site's zone), 'last-90-days' or 'all-time': a key, never
    #: words; the outputs name it in the reader's language (outputs/words.py, period_label).
    key: str
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
            "median_time_to_first_update_seconds": seconds_of(self.median_time_to_first_update),
            "first_update_on_time": self.first_update_on_time.to_dict(),
            "promises_kept": self.promises_kept.to_dict(),
            "silences_within_cadence": self.silences_within_cadence.to_dict(),
            "severe_with_apology": self.with_apology.to_dict(),
            "severe_with_postmortem": self.with_postmortem.to_dict(),
            "severe_apology_on_time": self.apology_on_time.to_dict(),
            "severe_postmortem_on_time": self.postmortem_on_time.to_dict(),
        }


def entry_counts(c: Communication, commitments: Commitments) -> tuple[int, int, int]:
    """One entry's promises kept, promises due (kept or broken) and silences within the cadence."""
    outcomes = [p.outcome for p in c.promises]
    kept = outcomes.count(KEPT)
    return kept, kept + outcomes.count(BROKEN), sum(s.length <= commitments.update_every for s in c.silences)


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

    def add(self, c: Communication, counts: tuple[int, int, int] | None = None) -> None:
        """Count ``c`` in; ``counts``: its :func:`entry_counts`, when counted already (an entry is in 2 or 3 periods)."""
        k = self.commitments
        kept, due, within = counts or entry_counts(c, k)
        self.slugs.append(c.slug)
        self.promises_kept += kept
        self.promises_due += due
        self.silences += len(c.silences)
        self.silences_within += within
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

    def merge(self, other: "PeriodTally") -> None:
        """Count in the entries ``other`` counted, after this one's (a month into all time)."""
        self.slugs += other.slugs
        self.spans += other.spans
        for name in ("incidents", "promises_kept", "promises_due", "silences_within", "silences", "severe",
                     "with_apology", "with_postmortem", "apology_on_time", "postmortem_on_time"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self, key: str) -> PeriodFigures:
        within = self.commitments.first_update_within
        return PeriodFigures(
            key, tuple(self.slugs), self.incidents,
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
            "as_of": iso_of(self.now),
            "last_90_days": self.recent.to_dict(),
            "all_time": self.all_time.to_dict(),
            "months": [m.to_dict() for m in self.months],
            "worst_silences": [{"incident": s.slug, **s.to_dict()} for s in self.worst_silences],
        }


def account(report: StatusReport, now: datetime) -> SiteAccountability:
    """All site-wide accountability figures at ``now``.

    Each entry's figures are made, counted into its periods and dropped: held
    all at once, 10,000 entries' figures left ~18 MiB of freed but unreturned
    memory in the build process, which its forked workers then copied. A month
    whose entries are all closed counts the same at any moment: its tally is kept
    (:data:`_MONTHS`) while its entries stay the same, so a save that `serve`
    republishes counts again the months it touched and the last 90 days; and
    between builds by the :class:`MonthStore` given (:func:`use_month_store`)."""
    site = report.site
    commitments, zone = site.commitments, site.time_zone
    all_time, recent = PeriodTally(commitments), PeriodTally(commitments)
    months: dict[str, _Month] = {}
    for key, block in _by_month(report.entries, zone):  # newest first, like the report
        months[key] = _month_of(site, key, block, now)
        all_time.merge(months[key].tally)
    for f in report.entries:
        if f.started_at <= now - RECENT_WINDOW:
            break  # newest first: the rest started before the window
        if f.started_at <= now:
            c = communication(f, now)
            recent.add(c, entry_counts(c, commitments))
    up_to = f"{now.astimezone(zone).year:04d}-{now.astimezone(zone).month:02d}"
    return SiteAccountability(
        now=now,
        recent=recent.figures(RECENT_KEY),
        # A month after ``now`` (an upcoming maintenance's) has no figures yet: no row of dashes.
        months=tuple(months[key].figures for key in sorted(months, reverse=True) if key <= up_to),
        worst_silences=tuple(_longest([s for month in months.values() for s in month.worst])),
        all_time=all_time.figures(ALL_TIME_KEY),
    )


@dataclass(frozen=True)
class _Month:
    """One month's entries counted: its tally, its figures, and its longest silences."""

    tally: PeriodTally
    figures: PeriodFigures
    worst: list[Silence]


#: The kept months, by month key: the site and the month's entries (the same facts objects,
#: newest first) it was counted for, and its count. One per month, so a site.yaml edited
#: while serving replaces the old site's months instead of holding its entries.
_MONTHS: dict[str, tuple[object, tuple[IncidentFacts, ...], _Month]] = {}


class MonthStore(Protocol):
    """Where the counts of settled months are kept between builds (the publication's output
    cache, publication/output_cache.py), under a name made of everything a month's count
    depends on: the code, the site's configuration, and each of its entries' text."""

    def month_name(self, month: str, slugs: Sequence[str]) -> str | None: ...

    def month(self, name: str) -> dict | None: ...

    def keep_month(self, name: str, counted: dict) -> None: ...


_STORE: MonthStore | None = None


def use_month_store(store: MonthStore | None) -> None:
    """Read and keep settled months' counts in ``store`` (None: count every month each build).
    A fresh `frankly build` counted every entry of a 10,000-entry site again: ~0.35 s."""
    global _STORE
    _STORE = store


def _by_month(entries: tuple[IncidentFacts, ...], zone) -> list[tuple[str, tuple[IncidentFacts, ...]]]:
    """The entries in runs of the month (in the site's zone) their impact started: they are
    sorted by that start, newest first, so each month is one run."""
    runs: list[tuple[str, list[IncidentFacts]]] = []
    for f in entries:
        local = f.started_at.astimezone(zone)
        key = f"{local.year:04d}-{local.month:02d}"
        if not runs or runs[-1][0] != key:
            runs.append((key, []))
        runs[-1][1].append(f)
    return [(key, tuple(block)) for key, block in runs]


def _month_of(site, key: str, block: tuple[IncidentFacts, ...], now: datetime) -> _Month:
    # A closed entry's figures do not change with ``now`` once it is past its last update:
    # its silences and promises all end at its own updates, and the tally reads no ``now``.
    settled = all(not f.is_open and f.latest_update.at <= now for f in block)
    kept = _MONTHS.get(key) if settled else None
    if kept is not None and kept[0] is site and len(kept[1]) == len(block) and all(a is b for a, b in zip(kept[1], block)):
        return kept[2]
    store = _STORE if settled else None
    name = store.month_name(key, [f.slug for f in block]) if store is not None else None
    kept_data = store.month(name) if store is not None and name else None
    month = _month_read(kept_data, site.commitments, key)
    if month is None:
        tally = PeriodTally(site.commitments)
        worst: list[Silence] = []  # the longest silences so far, cut back now and then
        for f in block:
            c = communication(f, now)
            tally.add(c, entry_counts(c, site.commitments))
            worst.extend(c.silences)
            if len(worst) > 8 * WORST_SILENCES_SHOWN:
                worst = _longest(worst)
        month = _Month(tally, tally.figures(key), _longest(worst))
        kept_data = None
    if store is not None and name:
        store.keep_month(name, kept_data if kept_data is not None else _month_data(month))
    if settled:
        _MONTHS[key] = (site, block, month)
    return month


#: A tally's counts, as kept (MonthStore): what PeriodTally.figures reads.
_COUNTS = ("incidents", "promises_kept", "promises_due", "silences_within", "silences", "severe",
           "with_apology", "with_postmortem", "apology_on_time", "postmortem_on_time")
_MICROSECOND = timedelta(microseconds=1)


def _month_data(month: _Month) -> dict:
    """A settled month's count as plain JSON values: times as ISO text, spans in microseconds."""
    tally = month.tally
    return {
        "slugs": list(tally.slugs), "spans": [span // _MICROSECOND for span in tally.spans],
        **{name: getattr(tally, name) for name in _COUNTS},
        "worst": [[s.slug, s.after, s.start.isoformat(), s.end.isoformat(), s.ongoing] for s in month.worst],
    }


def _month_read(data: object, commitments: Commitments, key: str) -> _Month | None:
    """The month :func:`_month_data` kept, or None if ``data`` is not such a thing (a cache
    that was tampered with, or written by other code under the same name): counted again."""
    if not isinstance(data, dict):
        return None
    try:
        tally = PeriodTally(commitments)
        tally.slugs = [slug for slug in data["slugs"] if isinstance(slug, str)]
        tally.spans = [timedelta(microseconds=span) for span in data["spans"] if type(span) is int]
        worst = [Silence(slug, after, datetime.fromisoformat(start), datetime.fromisoformat(end), ongoing)
                 for slug, after, start, end, ongoing in data["worst"]
                 if isinstance(slug, str) and isinstance(after, str) and type(ongoing) is bool]
        counts = [data[name] for name in _COUNTS]
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    whole = len(tally.slugs) == len(data["slugs"]) and len(tally.spans) == len(data["spans"]) \
        and len(worst) == len(data["worst"]) and all(type(count) is int and count >= 0 for count in counts) \
        and all(s.start.utcoffset() is not None and s.end.utcoffset() is not None for s in worst)
    if not whole:
        return None
    for name, count in zip(_COUNTS, counts):
        setattr(tally, name, count)
    return _Month(tally, tally.figures(key), worst)


def _longest(silences: list[Silence]) -> list[Silence]:
    """The silences listed among the worst: longest first, then earliest, then by entry
    (a stable sort, so cutting back as entries come gives what one sort of all would)."""
    return sorted(silences, key=lambda s: (-s.length.total_seconds(), s.start, s.slug))[:WORST_SILENCES_SHOWN]


def _report_now(report: StatusReport) -> datetime:
    """The "now" the site-wide figures count up to (StatusReport.site_judged_at)."""
    if report.site_judged_at is not None:
        return report.site_judged_at
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
    """One entry's published figures (for its page, JSON and feed items), judged at
    ``report.judged_at(facts)``: the build's moment when one was given, else the
    entry's own latest change, never another entry's.

    Computed when asked (~45 us), not kept for every entry: an entry's
    outputs are rendered one after another, so only the latest is kept."""
    acc = site_accountability(report)
    latest = acc.latest_entry
    if latest and latest[0] is facts:
        return latest[1]
    figures = communication(facts, report.judged_at(facts))
    latest[:] = [facts, figures]
    return figures
