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


def test_groups_in_order_of_first_appearance_with_their_worst_status(project):
    site = project / "site_config" / "site.yaml"
    # Groups interleaved and an ungrouped component between them: each group where its first member is.
    site.write_text(site.read_text(encoding="utf-8").replace(
        "  - id: email\n    name: E-mail delivery\n",
        "  - id: email\n    name: E-mail delivery\n  - id: billing\n    name: Billing\n    group: Money\n"
        "  - id: status\n    name: Status page\n    group: Platform\n  - id: sms\n    name: SMS\n",
    ), encoding="utf-8")
    report = derive(load_all(ProjectPaths.at(project)))
    shown = [(g.name, g.component_ids, g.status.value, g.is_operational) for g in report.groups]
    assert shown == [
        ("Platform", ("api", "dashboard", "status"), "degraded_performance", False),  # the dashboard is degraded
        (None, ("email",), "operational", True),
        ("Money", ("billing",), "operational", True),
        (None, ("sms",), "operational", True),
    ]
    assert report.group_status == {"Platform": ComponentStatus.degraded_performance, "Money": ComponentStatus.operational}


def test_the_banner_names_what_is_broken_worst_first(report, project):
    assert report.broken_components == ["Dashboard"]
    assert report.headline == "Minor service disruption: Dashboard"
    write_incident(project, "2026-03-11-api-down.yaml", "kind: incident\ntitle: API down\nsummary: Down.\nimpact: major\n"
                   "components:\n  api: major_outage\n  email: degraded_performance\n"
                   "updates:\n  - at: 2026-03-11T10:00:00Z\n    status: investigating\n    message: Looking.\n")
    worse = derive(load_all(ProjectPaths.at(project)))
    assert worse.broken_components == ["API", "Dashboard", "E-mail delivery"]  # major, then degraded in site order
    assert worse.headline == "Partial system outage: API, Dashboard, E-mail delivery"


def test_history_months_and_first_sentences(report):
    assert [key for key in report.by_month] == [(2026, 4), (2026, 3), (2025, 12)]
    assert [f.slug for f in report.by_month[(2026, 3)]] == [
        "2026-03-10-dashboard-slow", "2026-03-05-email-maintenance", "2026-03-02-api-errors"]
    for f in report.entries:
        assert f.summary_first_line and len(f.summary_first_line) <= 201
        assert "\n" not in f.summary_first_line


@pytest.mark.parametrize("moment", [None, "2026-11-01T12:00:00+01:00"])
def test_the_lists_of_what_is_going_on_are_those_of_every_entry(tmp_path, moment):
    """The report's lists of open, upcoming and recent entries read the open entries (or a
    heap of the closed ones) rather than every entry: each is what filtering every entry gives."""
    from datetime import datetime

    from generator.bench.synthetic import write_project
    from generator.input.values import Kind

    root = write_project(tmp_path / "synthetic", 400)
    for day, status in ((2, "scheduled"), (3, "in_progress"), (4, "verifying")):  # maintenance in each open state
        write_incident(root, f"2026-11-0{day}-works-{status.replace('_', '-')}.yaml",
                       f"kind: maintenance\ntitle: Works\nsummary: Works.\nimpact: minor\ncomponents:\n  api: under_maintenance\n"
                       f"window:\n  start: 2026-11-0{day}T10:00:00Z\n  end: 2026-11-0{day}T12:00:00Z\n"
                       f"updates:\n  - at: 2026-10-30T10:00:00Z\n    status: {status}\n    message: Works.\n")
    r = derive(load_all(ProjectPaths.at(root)), now=None if moment is None else datetime.fromisoformat(moment))
    every = r.entries
    assert r.open_incidents == [f for f in every if f.incident.kind is Kind.incident and f.is_open]
    assert r.active_maintenance == [f for f in every if f.incident.kind is Kind.maintenance and f.is_active]
    assert r.upcoming_maintenance == sorted((f for f in every if f.is_upcoming), key=lambda f: (f.incident.window.start, f.slug))
    assert r.open_notices == [f for f in every if f.incident.kind is Kind.notice and f.is_open]
    assert r.recent == sorted((f for f in every if not f.is_open), key=lambda f: (f.ended_at, f.slug), reverse=True)[: r.site.recent_count]
    years: dict = {}
    for f in every:
        years.setdefault(f.started_at.astimezone(r.site.time_zone).year, []).append(f)
    assert r.by_year == dict(sorted(years.items(), reverse=True)) and list(r.by_year) == sorted(years, reverse=True)
    assert len(r.active_maintenance) == 2 and len(r.upcoming_maintenance) >= 1 and r.open_incidents and len(r.by_year) > 3
