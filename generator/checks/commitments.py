"""The communication warnings of `frankly check`: what an editor should act on
now, judged against the site's commitments (site.yaml ``commitments:``).

Each warning points at the line to act on (FILE:LINE:COL), read from the
entry's YAML positions only for the files that have a warning, and after a
build (which prints the count and the few most urgent) only for those printed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Iterable

from generator.facts.communication import BROKEN, Communication, communication, is_severe, waits_on_now
from generator.facts.derive import IncidentFacts, StatusReport
from generator.input.load import Catalog
from generator.input.model import Commitments
from generator.input.problems import Problem, display_path
from generator.input.values import Kind
from generator.input.yamlsource import FileSourceMap
from generator.outputs.timefmt import format_duration


def warnings(catalog: Catalog, report: StatusReport, root: Path, now: datetime) -> list[Problem]:
    """What an editor should act on at ``now``: overdue updates, missing apologies
    and postmortems, maintenance nobody closed. Sorted, one :class:`Problem` each.
    Entries that started before ``commitments.since`` are not judged by them."""
    return sorted(set(_placed(catalog, root, pending_warnings(report, now))))


#: One entry's warnings before their positions are read: (the entry, [(where in its YAML, message)]).
Pending = tuple[IncidentFacts, list[tuple[tuple, str]]]


def pending_warnings(report: StatusReport, now: datetime) -> list[Pending]:
    """The entries with warnings at ``now``, in report order, each with its warnings'
    places in the YAML and messages: everything :func:`warnings` says but the positions,
    which take reading the file again."""
    commitments = report.site.commitments
    found: list[Pending] = []
    for facts in report.entries:
        if commitments.since and facts.started_at.astimezone(report.site.time_zone).date() < commitments.since:
            continue
        # An entry closed for good has no silence or promise to warn about: its figures are not needed
        # (at 10,000 entries they were two thirds of counting the warnings after a build).
        figures = communication(facts, now) if waits_on_now(facts) else None
        entry_warnings = list(_entry_warnings(facts, figures, commitments, now))
        if entry_warnings:
            found.append((facts, entry_warnings))
    return found


def counted(pending: list[Pending]) -> int:
    """How many warnings :func:`warnings` gives for ``pending``, without their positions:
    an entry's warnings differ in their messages (each names what is missing)."""
    return sum(len(set(entry_warnings)) for _, entry_warnings in pending)


def _placed(catalog: Catalog, root: Path, pending: list[Pending]) -> list[Problem]:
    """The warnings with their FILE:LINE:COL, positions read only for these entries' files."""
    found: list[Problem] = []
    for facts, entry_warnings in pending:
        source = catalog.sources[facts.slug]
        shown = display_path(source, root)
        smap = FileSourceMap(source)
        for loc, message in entry_warnings:
            pos = smap.value(loc)
            found.append(Problem(shown, pos.line, pos.column, "warning: " + message))
    return found


def _entry_warnings(facts: IncidentFacts, c: Communication | None, commitments: Commitments,
                    now: datetime) -> Iterable[tuple[tuple, str]]:
    """``c``: the entry's figures at ``now``, None where they cannot hold a silence or a promise (waits_on_now)."""
    incident = facts.incident
    last_index = len(incident.updates) - 1
    last = incident.updates[-1]
    ongoing = c.ongoing_silence if c is not None else None
    if ongoing is not None and ongoing.length > commitments.update_every:
        yield (("updates", last_index, "at"),
               f"no update for {format_duration(ongoing.length)} since this one, longer than the "
               f"{format_duration(commitments.update_every)} the site commits to (commitments.update_every); "
               "post an update, even if there is nothing new")
    promise = c.promises[-1] if c is not None and c.promises else None
    if promise is not None and promise.next_at is None and promise.outcome == BROKEN:
        yield (("updates", last_index, "next_update"),
               f"the next update was promised by {promise.due.isoformat()} and is "
               f"{format_duration(now - promise.due)} overdue; post an update")
    if is_severe(incident.kind, incident.impact) and facts.ended_at is not None:
        since = now - facts.ended_at
        closing_index = facts.closing_index
        for what, present, limit, setting in (
            ("apology", incident.apology is not None, commitments.apology_within, "apology_within"),
            ("postmortem", incident.postmortem is not None, commitments.postmortem_within, "postmortem_within"),
        ):
            if not present and since > limit:
                yield (("updates", closing_index, "status"),
                       f"this {incident.impact.value} incident was resolved {format_duration(since)} ago and has no "
                       f"{what}; the site commits to one within {format_duration(limit)} of resolution "
                       f"(commitments.{setting}): add '{what}:'")
    if incident.kind is Kind.maintenance and incident.window and now > incident.window.end and facts.is_open:
        yield (("window", "end"),
               f"the maintenance window ended {format_duration(now - incident.window.end)} ago but the last update "
               f"is '{last.status}'; add an update with status: completed, or cancelled if it never happened (or one saying it overran)")


def most_urgent(pending: list[Pending], catalog: Catalog, root: Path, count: int = 3) -> list[Problem]:
    """The ``count`` warnings to act on first: those of open entries (in report order), then
    the rest's, each entry's as :func:`warnings` sorts them (by line and column). Positions
    are read for the first entries only, as many as hold ``count`` warnings."""
    ranked = sorted(enumerate(pending), key=lambda item: (not item[1][0].is_open, item[0]))
    chosen: list[Pending] = []
    for _, entry in ranked:
        if sum(len(warned) for _, warned in chosen) >= count:
            break
        chosen.append(entry)
    order = {display_path(catalog.sources[facts.slug], root): rank for rank, (facts, _) in enumerate(chosen)}
    return sorted(set(_placed(catalog, root, chosen)), key=lambda problem: (order[problem.path], problem))[:count]
