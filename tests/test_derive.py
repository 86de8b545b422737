"""Derived facts, table-driven: computed once, read by every output."""

from __future__ import annotations

from datetime import timedelta

import pytest

from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.input.values import ComponentStatus

from conftest import write_incident


@pytest.fixture
def report(project):
    return derive(load_all(ProjectPaths.at(project)))


@pytest.mark.parametrize(
    "slug, status, is_open, started, ended, duration",
    [
        ("2026-03-02-api-errors", "resolved", False, "2026-03-02T09:50:00-05:00", "2026-03-02T11:05:00-05:00", timedelta(hours=1, minutes=15)),
        ("2026-03-10-dashboard-slow", "identified", True, "2026-03-10T08:00:00-04:00", None, None),
        # A maintenance starts when it really began, not when it was announced.
        ("2026-03-05-email-maintenance", "completed", False, "2026-03-05T01:02:00-05:00", "2026-03-05T01:40:00-05:00", timedelta(minutes=38)),
        # An upcoming maintenance "starts" at its planned window.
        ("2026-04-01-api-migration", "scheduled", True, "2026-04-01T02:00:00-04:00", None, None),
        ("2025-12-31-new-year-notice", "closed", False, "2025-12-31T09:00:00-05:00", "2026-01-02T09:00:00-05:00", timedelta(days=2)),
    ],
)
def test_entry_facts(report, slug, status, is_open, started, ended, duration):
    f = report.by_slug[slug]
    assert (f.status, f.is_open, f.started_at.isoformat()) == (status, is_open, started)
    assert (f.ended_at.isoformat() if f.ended_at else None, f.duration) == (ended, duration)


def test_site_status(report):
    assert (report.indicator, report.description) == ("minor", "Minor service disruption")
    assert {cid: c.status for cid, c in report.components.items()} == {
        "api": ComponentStatus.operational,  # the migration is only scheduled
        "dashboard": ComponentStatus.degraded_performance,
        "email": ComponentStatus.operational,
    }
    assert [f.slug for f in report.upcoming_maintenance] == ["2026-04-01-api-migration"]
    assert report.by_slug["2026-03-02-api-errors"].peak_statuses == {"api": ComponentStatus.major_outage}


def test_update_level_component_change_and_worst_wins(project):
    write_incident(project, "2026-03-11-api-down.yaml", """\
kind: incident
title: API down
summary: Down.
impact: critical
components:
  api: degraded_performance
  dashboard: partial_outage
updates:
  - at: 2026-03-11T10:00:00-04:00
    status: investigating
    message: Slow.
  - at: 2026-03-11T10:10:00-04:00
    status: identified
    message: Down.
    components:
      api: major_outage
""")
    report = derive(load_all(ProjectPaths.at(project)))
    assert report.indicator == "critical"
    assert report.components["api"].status is ComponentStatus.major_outage
    # dashboard: partial_outage (this one) beats degraded_performance (the other open incident)
    assert report.components["dashboard"].status is ComponentStatus.partial_outage


def test_reopened_incident_ends_at_its_last_resolution(project):
    write_incident(project, "2026-03-11-flaky.yaml", """\
kind: incident
title: Flaky
summary: Flaky.
impact: minor
updates:
  - {at: 2026-03-11T10:00:00Z, status: investigating, message: a}
  - {at: 2026-03-11T11:00:00Z, status: resolved, message: b}
  - {at: 2026-03-11T12:00:00Z, status: investigating, message: c, reopens: true}
  - {at: 2026-03-11T13:00:00Z, status: resolved, message: d}
""")
    f = derive(load_all(ProjectPaths.at(project))).by_slug["2026-03-11-flaky"]
    assert (f.is_open, f.duration) == (False, timedelta(hours=3))


def test_maintenance_in_progress_sets_indicator_only_without_incidents(project):
    (project / "incidents" / "2026-03-10-dashboard-slow.yaml").unlink()
    path = project / "incidents" / "2026-04-01-api-migration.yaml"
    path.write_text(path.read_text() + "  - at: 2026-04-01T02:00:00-04:00\n    status: in_progress\n    message: Started.\n")
    report = derive(load_all(ProjectPaths.at(project)))
    assert (report.indicator, report.description) == ("maintenance", "Service under maintenance")
    assert report.components["api"].status is ComponentStatus.under_maintenance
