"""What `frankly build` says about communication after building: how many warnings
and the three most urgent, with FILE:LINE:COL (generator/checks/commitments.py).

The build reads positions only for the warnings it prints; these tests hold it to
what it printed when it placed every warning first: the count of `frankly check`'s
list, and its first three once open entries (in report order) come first."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import copy_project, run_frankly, stderr_without_notes
from generator.bench.synthetic import write_project
from generator.checks.commitments import _entry_warnings, counted, most_urgent, pending_warnings, warnings
from generator.facts.communication import communication, waits_on_now
from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.input.problems import display_path

ACCOUNTABILITY_SITE = Path(__file__).parent / "fixtures" / "accountability"
NOW = "2026-06-10T09:00:00+00:00"

#: A maintenance that overran and went silent: three warnings, and the one its file holds
#: first (window: end, line 9) is the last one found (after the update's two).
OVERRUN = """kind: maintenance
title: Cache maintenance
summary: The cache is replaced.
impact: minor
components:
  database: under_maintenance
window:
  start: 2026-06-06T01:00:00Z
  end: 2026-06-06T03:00:00Z
updates:
  - at: 2026-06-01T12:00:00Z
    status: scheduled
    message: We will replace the cache on 6 June.
  - at: 2026-06-06T01:05:00Z
    status: in_progress
    message: The work has begun.
    next_update: 1h
"""


def placed_then_chosen(catalog, report, root: Path, now: datetime, count: int = 3):
    """The build's choice as it was made before: every warning placed (as `frankly check`
    lists them), then sorted by entry (open first, report order) and by position."""
    found = warnings(catalog, report, root, now)
    order = {display_path(catalog.sources[f.slug], root): (not f.is_open, position) for position, f in enumerate(report.entries)}
    return found, sorted(found, key=lambda p: (order.get(p.path, (True, len(order))), p))[:count]


@pytest.fixture
def overrun_project(tmp_path: Path) -> Path:
    root = copy_project(ACCOUNTABILITY_SITE, tmp_path / "project")
    (root / "incidents" / "2026-06-06-cache-maintenance.yaml").write_text(OVERRUN, encoding="utf-8")
    return root


def test_within_an_entry_the_first_in_its_file_comes_first(overrun_project: Path):
    paths = ProjectPaths.at(overrun_project)
    catalog = load_all(paths)
    report = derive(catalog)
    now = datetime.fromisoformat(NOW)
    pending = pending_warnings(report, now)
    overrun = next(entry for entry in pending if entry[0].slug == "2026-06-06-cache-maintenance")
    assert [loc[0] for loc, _ in overrun[1]] == ["updates", "updates", "window"]  # found in this order
    found, expected = placed_then_chosen(catalog, report, paths.root, now, 8)
    assert counted(pending) == len(found) == 7
    for count in range(1, 9):
        assert most_urgent(pending, catalog, paths.root, count) == expected[:count]
    assert [(p.path, p.line) for p in most_urgent(pending, catalog, paths.root, 2)] == [
        ("incidents/2026-06-06-cache-maintenance.yaml", 9),  # window: end, though found last
        ("incidents/2026-06-06-cache-maintenance.yaml", 14),
    ]


@pytest.mark.parametrize("moment", ["2019-03-01T00:00:00+00:00", "2026-11-02T00:00:00+00:00", "2030-01-01T00:00:00+00:00"])
def test_the_count_and_the_most_urgent_are_those_of_every_warning_placed(tmp_path: Path, moment: str):
    root = write_project(tmp_path / "synthetic", 240)  # its newest entry is open
    (root / "incidents" / "2026-06-06-cache-maintenance.yaml").write_text(OVERRUN.replace("database:", "data:"), encoding="utf-8")
    paths = ProjectPaths.at(root)
    catalog = load_all(paths)
    report = derive(catalog)
    now = datetime.fromisoformat(moment)
    pending = pending_warnings(report, now)
    found, expected = placed_then_chosen(catalog, report, paths.root, now, 5)
    assert len(found) > 60
    assert sum(f.is_open for f, _ in pending) == (0 if moment < "2026" else 2)  # open entries, not the newest, first
    assert counted(pending) == len(found)
    for count in range(1, 6):
        assert most_urgent(pending, catalog, paths.root, count) == expected[:count]


@pytest.mark.parametrize("moment", ["2019-03-01T00:00:00+00:00", "2026-11-02T00:00:00+00:00", "2030-01-01T00:00:00+00:00"])
def test_entries_closed_for_good_are_warned_about_without_their_figures(tmp_path: Path, moment: str):
    """pending_warnings skips the figures of entries that cannot hold a silence or a promise
    (waits_on_now): the warnings are those the figures give, and those entries' figures
    differ from one moment to another in their ``now`` alone."""
    root = write_project(tmp_path / "synthetic", 240)
    (root / "incidents" / "2026-06-06-cache-maintenance.yaml").write_text(OVERRUN.replace("database:", "data:"), encoding="utf-8")
    for name, text in _WAITING.items():  # waiting on the clock through a promise alone, or through a silence alone
        (root / "incidents" / name).write_text(text, encoding="utf-8")
    report = derive(load_all(ProjectPaths.at(root)))
    now, commitments = datetime.fromisoformat(moment), report.site.commitments
    by_slug = {facts.slug: found for facts, found in pending_warnings(report, now)}
    waiting = 0
    for facts in report.entries:
        figures = communication(facts, now)
        if commitments.since and facts.started_at.astimezone(report.site.time_zone).date() < commitments.since:
            continue
        assert by_slug.get(facts.slug, []) == list(_entry_warnings(facts, figures, commitments, now)), facts.slug
        if waits_on_now(facts):
            waiting += 1
            continue
        later = communication(facts, now + timedelta(days=400))
        assert dataclasses.replace(later, now=now) == figures, facts.slug
    assert 0 < waiting < len(report.entries) and len(by_slug) > 20
    assert all(waits_on_now(f) for f in report.entries if f.slug in {name[:-5] for name in _WAITING})


#: Entries whose figures move with the clock in one way only: a promise (a scheduled maintenance,
#: a notice: neither counts silences), a silence (an open incident that promised nothing).
_WAITING = {
    "2018-05-01-scheduled-promise.yaml": OVERRUN.replace("database:", "data:").replace(
        "2026-06-06T0", "2031-06-06T0").replace("    status: in_progress\n    message: The work has begun.\n", "    status: scheduled\n    message: Moved.\n"),
    "2018-05-02-notice-promise.yaml": "kind: notice\ntitle: Price change\nsummary: Prices change.\nimpact: none\n"
                                      "updates:\n  - at: 2018-05-02T10:00:00Z\n    status: posted\n    message: Prices change.\n    next_update: 2h\n",
    "2018-05-03-silent-incident.yaml": "kind: incident\ntitle: Slow pages\nsummary: Pages are slow.\nimpact: major\ncomponents:\n  data: degraded_performance\n"
                                       "updates:\n  - at: 2018-05-03T10:00:00Z\n    status: investigating\n    message: We look into it.\n",
}


@pytest.mark.slow
def test_the_build_prints_the_count_and_the_three_of_frankly_check(overrun_project: Path):
    for number in range(3):  # closed entries with two warnings each, after the open ones
        (overrun_project / "incidents" / f"2026-05-0{number + 2}-outage.yaml").write_text(
            (overrun_project / "incidents" / "2026-05-01-billing-outage.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    check = run_frankly(overrun_project, "check", "--now", NOW)
    listed = stderr_without_notes(check.stderr)
    assert listed[-1] == "13 warnings."
    built = run_frankly(overrun_project, "build", "--now", NOW)
    assert built.returncode == 0, built.stderr
    said = stderr_without_notes(built.stderr)
    summary = said.index("13 communication warnings; the 3 most urgent:")
    paths = ProjectPaths.at(overrun_project)
    catalog = load_all(paths)
    found, expected = placed_then_chosen(catalog, derive(catalog, now=datetime.fromisoformat(NOW)), paths.root,
                                         datetime.fromisoformat(NOW))
    assert [str(p) for p in found] == listed[:-1]  # what check prints
    assert said[summary + 1:] == [str(p) for p in expected] + ["Run `frankly check` to see them all."]
    assert said[summary + 1].startswith("incidents/2026-06-06-cache-maintenance.yaml:9:")
