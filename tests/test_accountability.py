"""Communication accountability: every figure, table-driven, then what readers and editors receive."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.facts.accountability import account, site_accountability
from generator.facts.communication import BROKEN, KEPT, PENDING, communication
from generator.facts.derive import IncidentFacts, derive
from generator.input.load import ProjectPaths, load_all
from generator.input.model import Incident
from conftest import REPO, build_copy, copy_project, invoke, run_frankly, stderr_without_notes, write_incident

UTC = timezone.utc
ACCOUNTABILITY_SITE = Path(__file__).parent / "fixtures" / "accountability"


def t(text: str) -> datetime:
    """'05-04 10:00' -> 2026-05-04T10:00Z; seconds allowed ('05-04 10:00:30')."""
    return datetime.fromisoformat(f"2026-{text}").replace(tzinfo=UTC)


def stamp(text: str) -> str:
    return t(text).isoformat()


def entry(*updates: dict, kind: str = "incident", impact: str = "major", **extra) -> IncidentFacts:
    data = {
        "kind": kind, "title": "T", "summary": "S", "impact": impact,
        "updates": [{"message": "m", **u, "at": stamp(u["at"])} for u in updates],
        "slug": "2026-05-04-case", **extra,
    }
    if kind == "maintenance":
        data.setdefault("window", {"start": stamp("05-04 10:00"), "end": stamp("05-04 12:00")})
    return IncidentFacts(Incident.model_validate(data))


M = timedelta(minutes=1)
H = timedelta(hours=1)

# (id, facts, now, expected figures). Every figure of Communication is checked in
# at least one row; a row lists only the figures its case is about.
CASES = [
    (
        "single update, still open, promise made in the last update not due yet",
        entry({"at": "05-04 10:00", "status": "investigating", "next_update": "30m"}),
        t("05-04 10:20"),
        dict(time_to_first_update=timedelta(0), update_count=1, closed=[], ongoing=20 * M, median=None,
             longest=20 * M, outcomes=[PENDING], kept=0, broken=0, resolved_at=None),
    ),
    (
        "promise made in the last update of an open entry, now past due: broken",
        entry({"at": "05-04 10:00", "status": "investigating", "next_update": "30m"}),
        t("05-04 10:31"),
        dict(outcomes=[BROKEN], kept=0, broken=1, ongoing=31 * M, longest=31 * M),
    ),
    (
        "single update that resolves: no silence, a promise on the closing update is moot",
        entry({"at": "05-04 10:00", "status": "resolved", "next_update": "1h"}),
        t("05-09 00:00"),
        dict(time_to_first_update=timedelta(0), update_count=1, closed=[], ongoing=None, median=None,
             longest=None, outcomes=[], resolved_at=t("05-04 10:00"), time_to_resolution=timedelta(0)),
    ),
    (
        "updates in the same minute",
        entry({"at": "05-04 10:00:00", "status": "investigating", "next_update": "30m"},
              {"at": "05-04 10:00:40", "status": "identified", "next_update": "30m"},
              {"at": "05-04 10:00:50", "status": "resolved"}),
        t("05-05 00:00"),
        dict(closed=[40 * timedelta(seconds=1), 10 * timedelta(seconds=1)], median=25 * timedelta(seconds=1),
             outcomes=[KEPT, KEPT], kept=2, time_to_resolution=50 * timedelta(seconds=1)),
    ),
    (
        "impact started before the first update; a promise kept to the minute, one broken",
        entry({"at": "05-04 10:00", "status": "investigating", "next_update": "30m"},
              {"at": "05-04 10:30", "status": "identified", "next_update": stamp("05-04 11:00")},
              {"at": "05-04 11:25", "status": "monitoring"},
              {"at": "05-04 12:00", "status": "resolved"},
              impact_started_at=stamp("05-04 09:15")),
        t("05-05 00:00"),
        dict(time_to_first_update=45 * M, update_count=4, closed=[30 * M, 55 * M, 35 * M], median=35 * M,
             longest=55 * M, outcomes=[KEPT, BROKEN], kept=1, broken=1, late=[None, 25 * M],
             time_to_resolution=2 * H + 45 * M),
    ),
    (
        "reopened: the time between resolved and the reopening is not a silence",
        entry({"at": "05-04 10:00", "status": "investigating"},
              {"at": "05-04 10:30", "status": "resolved"},
              {"at": "05-05 10:30", "status": "investigating", "reopens": True},
              {"at": "05-05 11:00", "status": "resolved"}),
        t("05-06 00:00"),
        dict(closed=[30 * M, 30 * M], longest=30 * M, resolved_at=t("05-05 11:00"), time_to_resolution=25 * H),
    ),
    (
        "open incident: the ongoing silence is the longest, the gap median ignores it",
        entry({"at": "05-04 10:00", "status": "investigating"},
              {"at": "05-04 10:10", "status": "identified"},
              {"at": "05-04 10:40", "status": "identified"}),
        t("05-04 14:40"),
        dict(closed=[10 * M, 30 * M], median=20 * M, ongoing=4 * H, longest=4 * H, resolved_at=None,
             outcomes=[], time_to_resolution=None),
    ),
    (
        "maintenance: no time to first update; silences only while under way; a promise before it starts counts",
        entry({"at": "05-01 09:00", "status": "scheduled", "next_update": stamp("05-04 10:00")},
              {"at": "05-04 10:05", "status": "in_progress", "next_update": "1h"},
              {"at": "05-04 10:45", "status": "verifying"},
              {"at": "05-04 11:15", "status": "completed"},
              kind="maintenance"),
        t("05-06 00:00"),
        dict(time_to_first_update=None, closed=[40 * M, 30 * M], outcomes=[BROKEN, KEPT], late=[5 * M, None],
             resolved_at=t("05-04 11:15"), time_to_resolution=70 * M),
    ),
    (
        "maintenance announced, not begun: no silence while scheduled",
        entry({"at": "05-01 09:00", "status": "scheduled"}, kind="maintenance"),
        t("05-03 00:00"),
        dict(closed=[], ongoing=None, longest=None, time_to_first_update=None, resolved_at=None),
    ),
    (
        "notice: neither a time to first update nor silences",
        entry({"at": "05-04 10:00", "status": "posted"}, {"at": "05-09 10:00", "status": "closed"}, kind="notice",
              impact="none"),
        t("05-10 00:00"),
        dict(time_to_first_update=None, closed=[], longest=None, time_to_resolution=5 * 24 * H),
    ),
    (
        "channels counted by name, first post outside the site from the first update that posted",
        entry({"at": "05-04 10:00", "status": "investigating"},
              {"at": "05-04 10:20", "status": "identified",
               "posted_to": ["https://x.com/a/status/1", "https://mastodon.social/@a/1",
                             {"channel": "sms", "note": "to all"}]},
              {"at": "05-04 11:00", "status": "resolved",
               "posted_to": ["https://twitter.com/a/status/2", "https://blog.example/post"]},
              impact_started_at=stamp("05-04 09:50")),
        t("05-05 00:00"),
        dict(channels=(("x", 2), ("mastodon", 1), ("sms", 1), ("web", 1)), first_post=t("05-04 10:20"),
             time_to_first_post=30 * M),
    ),
    (
        "nothing posted elsewhere; apology, postmortem and compensation timed from the start of impact",
        entry({"at": "05-04 10:00", "status": "investigating"},
              {"at": "05-04 12:00", "status": "resolved"},
              impact_started_at=stamp("05-04 09:00"),
              apology={"at": stamp("05-05 09:00"), "by": {"name": "Ann Lee", "role": "CEO"}, "statement": "Sorry."},
              postmortem={"published_at": stamp("05-11 09:00"), "root_cause": "r", "changes": "c"},
              compensation={"at": stamp("05-05 09:00"), "offer": "o", "eligible": "e", "how_to_claim": "automatic"}),
        t("05-12 00:00"),
        dict(channels=(), first_post=None, time_to_first_post=None, time_to_apology=24 * H,
             apology_by="Ann Lee (CEO)", time_to_postmortem=7 * 24 * H, compensation=True),
    ),
    (
        "no apology, postmortem or compensation",
        entry({"at": "05-04 10:00", "status": "resolved"}),
        t("05-12 00:00"),
        dict(time_to_apology=None, apology_by=None, time_to_postmortem=None, compensation=False),
    ),
]


@pytest.mark.parametrize("facts, now, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_figures(facts, now, expected):
    c = communication(facts, now)
    actual = {
        "time_to_first_update": c.time_to_first_update,
        "update_count": c.update_count,
        "closed": [s.length for s in c.closed_silences],
        "ongoing": c.ongoing_silence.length if c.ongoing_silence else None,
        "median": c.median_silence,
        "longest": c.longest_silence.length if c.longest_silence else None,
        "outcomes": [p.outcome for p in c.promises],
        "kept": c.promises_kept,
        "broken": c.promises_broken,
        "late": [p.late_by for p in c.promises],
        "resolved_at": c.resolved_at,
        "time_to_resolution": c.time_to_resolution,
        "channels": c.posts_by_channel,
        "first_post": c.first_post_outside_at,
        "time_to_first_post": c.time_to_first_post_outside,
        "time_to_apology": c.time_to_apology,
        "apology_by": c.apology_by,
        "time_to_postmortem": c.time_to_postmortem,
        "compensation": c.compensation_offered,
    }
    assert {key: actual[key] for key in expected} == expected


def test_to_dict_has_stable_keys_and_plain_values():
    facts = CASES[4][1]
    data = communication(facts, t("05-05 00:00")).to_dict()
    assert list(data) == [
        "started_at", "first_update_at", "time_to_first_update_seconds", "update_count", "median_silence_seconds",
        "longest_silence_seconds", "ongoing_silence_seconds", "silences", "promises_kept", "promises_broken",
        "promises_pending", "promises", "posts_by_channel", "first_post_outside_at",
        "time_to_first_post_outside_seconds", "resolved_at", "time_to_resolution_seconds", "apology_at",
        "time_to_apology_seconds", "postmortem_at", "time_to_postmortem_seconds", "compensation_offered", "as_of",
    ]
    assert data["started_at"] == "2026-05-04T09:15:00.000+00:00"
    assert data["time_to_first_update_seconds"] == 45 * 60
    assert data["median_silence_seconds"] == 35 * 60
    assert data["longest_silence_seconds"] == 55 * 60
    assert data["ongoing_silence_seconds"] is None
    assert (data["promises_kept"], data["promises_broken"], data["promises_pending"]) == (1, 1, 0)
    assert data["promises"][1] == {
        "update": "u-20260504t103000z", "made_at": "2026-05-04T10:30:00.000+00:00", "due": "2026-05-04T11:00:00.000+00:00",
        "next_update_at": "2026-05-04T11:25:00.000+00:00", "outcome": "broken", "late_by_seconds": 25 * 60,
    }
    assert data["silences"][0] == {
        "after_update": "u-20260504t100000z", "start": "2026-05-04T10:00:00.000+00:00",
        "end": "2026-05-04T10:30:00.000+00:00", "seconds": 1800, "ongoing": False,
    }
    assert data["time_to_resolution_seconds"] == (2 * 60 + 45) * 60
    import json

    assert json.loads(json.dumps(data)) == data  # JSON-ready as is


# ---------------------------------------------------------------- site-wide aggregates (hand-computed)


@pytest.fixture(scope="module")
def fixture_report():
    return derive(load_all(ProjectPaths.at(ACCOUNTABILITY_SITE)))


def test_published_figures_are_judged_at_the_datas_last_change(fixture_report):
    acc = site_accountability(fixture_report)
    assert acc.now == t("06-10 09:00")  # the slow API's postmortem, the newest timestamp
    assert site_accountability(fixture_report) is acc  # computed once per build


def test_aggregates_match_hand_computed_values(fixture_report):
    acc = account(fixture_report, t("06-10 09:00"))
    recent, all_time = acc.recent, acc.all_time
    # Last 90 days: billing outage (first update after 3 d 2 h), slow API (10 min), login errors (0).
    assert list(recent.slugs) == [
        "2026-06-05-database-maintenance", "2026-06-02-login-errors", "2026-05-20-api-slow", "2026-05-01-billing-outage",
    ]
    assert recent.median_time_to_first_update == 10 * M
    assert (recent.first_update_on_time.count, recent.first_update_on_time.total) == (2, 3)
    # Promises: billing 0/3, API 2/2, login 1/2 (the last overdue), maintenance 1/2.
    assert (recent.promises_kept.count, recent.promises_kept.total) == (4, 9)
    # Silences within 1 h: billing 0/3, API 2/2, login 1/2 (ongoing counted), maintenance 1/1.
    assert (recent.silences_within_cadence.count, recent.silences_within_cadence.total) == (4, 8)
    assert (recent.with_apology.count, recent.with_apology.total) == (1, 2)
    assert (recent.with_postmortem.count, recent.with_postmortem.total) == (1, 2)
    assert (recent.apology_on_time.count, recent.postmortem_on_time.count) == (1, 0)  # postmortem 21 d after
    # All time adds the January SMS delay (first update at the start, promise kept, both within policy).
    assert all_time.median_time_to_first_update == 5 * M
    assert (all_time.promises_kept.count, all_time.promises_kept.total) == (5, 10)
    assert (all_time.with_apology.count, all_time.with_apology.total) == (2, 3)
    assert (all_time.postmortem_on_time.count, all_time.postmortem_on_time.total) == (1, 3)
    assert [m.key for m in acc.months] == ["2026-06", "2026-05", "2026-01"]
    may = acc.months[1]
    assert may.median_time_to_first_update == 37 * H + 5 * M
    assert (may.promises_kept.count, may.promises_kept.total) == (2, 5)
    assert [(s.slug, s.length) for s in acc.worst_silences[:5]] == [
        ("2026-06-02-login-errors", 7 * 24 * H + 22 * H + 40 * M),
        ("2026-05-01-billing-outage", 14 * H),
        ("2026-05-01-billing-outage", 5 * H),
        ("2026-05-01-billing-outage", 3 * H),
        ("2026-06-05-database-maintenance", 55 * M),
    ]
    assert acc.worst_silences[0].ongoing
    data = acc.to_dict()
    assert list(data) == ["as_of", "last_90_days", "all_time", "months", "worst_silences"]
    assert data["last_90_days"] == {
        "period": "last-90-days", "entries": 4, "incidents": 3, "median_time_to_first_update_seconds": 600,
        "first_update_on_time": {"count": 2, "total": 3}, "promises_kept": {"count": 4, "total": 9},
        "silences_within_cadence": {"count": 4, "total": 8}, "severe_with_apology": {"count": 1, "total": 2},
        "severe_with_postmortem": {"count": 1, "total": 2}, "severe_apology_on_time": {"count": 1, "total": 2},
        "severe_postmortem_on_time": {"count": 0, "total": 2},
    }
    assert data["worst_silences"][0] == {
        "incident": "2026-06-02-login-errors", "after_update": "u-20260602t102000z",
        "start": "2026-06-02T10:20:00.000+00:00", "end": None, "seconds": (7 * 24 + 22) * 3600 + 40 * 60, "ongoing": True,
    }


# ---------------------------------------------------------------- what readers see


def _text(node) -> str:
    """What a reader reads: words separated by single spaces, none before punctuation."""
    import re

    return re.sub(r" ([.,;:])", r"\1", " ".join(node.get_text(" ", strip=True).split()))


def _block(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find("h2", id="how-we-communicated")
    assert heading is not None
    items = heading.find_next_sibling("ul", class_="frankly-communication").find_all("li")
    return [_text(li) for li in items]


@pytest.fixture(scope="module")
def built_accountability_site(tmp_path_factory) -> Path:
    # Judged at the data's latest change, as a scheduled build would a moment after it.
    return build_copy(tmp_path_factory, ACCOUNTABILITY_SITE, "acc", None, "--now", "2026-06-10T09:00:00+00:00")


@pytest.mark.slow
def test_block_on_the_demos_well_handled_incident(built_demo_site):
    html = (built_demo_site / "incidents" / "2026-11-17-messaging-outage" / "index.html").read_text(encoding="utf-8")
    assert _block(html) == [
        "First update 20 min after the start of impact (our commitment: within 15 min).",
        "10 updates. Longest silence: 1 d 1 h (our commitment: an update at least every 1 h). "
        "Median gap between updates: 55 min.",
        "8 of 9 promised updates on time. Late: by 25 min.",
        "Posted on X (10), Mastodon (3), LinkedIn (2), E-mail (1), SMS (1); first post outside this site "
        "20 min after the start.",
        "Resolved 2 d 2 h 20 min after the start. Apology from Maria Okafor (Chief Executive Officer), "
        "2 d 4 h 20 min after the start. No postmortem yet. Compensation offered.",
    ]
    soup = BeautifulSoup(html, "html.parser")
    # The late-promise links lead to the update that made the promise.
    late = soup.select(".frankly-communication__promises a")
    assert [a["href"] for a in late] == ["#u-20261117t091500z"]
    assert all(soup.find(id=a["href"][1:]) is not None for a in late)
    # The heading is in the page's table of contents, after the news and the timeline (issue 15).
    toc = [a["href"] for a in soup.select("nav.md-nav--secondary a.md-nav__link")]
    assert toc.index("#timeline") < toc.index("#how-we-communicated")


@pytest.mark.slow
def test_demo_has_the_accountability_page_in_its_navigation(built_demo_site):
    soup = BeautifulSoup((built_demo_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "accountability/" in [a.get("href") for a in soup.select("nav.md-nav--primary a.md-nav__link")]


@pytest.mark.slow
def test_block_on_a_badly_handled_incident(built_accountability_site):
    html = (built_accountability_site / "incidents" / "2026-05-01-billing-outage" / "index.html").read_text(encoding="utf-8")
    assert _block(html) == [
        "First update 3 d 2 h after the start of impact (our commitment: within 10 min).",
        "4 updates. Longest silence: 14 h (our commitment: an update at least every 1 h). Median gap between updates: 5 h.",
        "0 of 3 promised updates on time. Late: by 2 h, by 4 h 30 min, by 12 h.",
        "Posted on X (1); first post outside this site 3 d 2 h after the start.",
        "Resolved 4 d after the start. No apology. No postmortem yet. No compensation offered.",
    ]


@pytest.mark.slow
def test_block_on_an_open_incident_judged_at_the_moment_given(built_accountability_site):
    html = (built_accountability_site / "incidents" / "2026-06-02-login-errors" / "index.html").read_text(encoding="utf-8")
    assert _block(html) == [
        "First update at the start of impact.",
        "2 updates. Longest silence: 7 d 22 h 40 min and counting (our commitment: an update at least every 1 h). "
        "Median gap between updates: 20 min.",
        "1 of 2 promised updates on time. Late: the update due 2 Jun 2026, 10:50 UTC+00:00, still missing.",
        "Posted only on this site.",
        "Still open; figures as of 10 Jun 2026, 09:00 UTC+00:00.",
    ]


def _rows(table) -> list[list[str]]:
    return [[_text(cell) for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]


@pytest.mark.slow
def test_accountability_page_shows_commitments_beside_hand_computed_figures(built_accountability_site):
    soup = BeautifulSoup((built_accountability_site / "accountability" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert _rows(soup.select_one("table.frankly-commitments")) == [
        ["We commit to", "Last 90 days", "All time"],
        ["First update within 10 min of the start of an incident", "2 of 3 (67%)", "3 of 4 (75%)"],
        ["An update at least every 1 h while an incident is open", "4 of 8 (50%)", "5 of 9 (56%)"],
        ["Each promised next update on time", "4 of 9 (44%)", "5 of 10 (50%)"],
        ["An apology within 3 d of resolving a major or critical incident", "1 of 2 (50%)", "2 of 3 (67%)"],
        ["A postmortem within 14 d of resolving a major or critical incident", "0 of 2 (0%)", "1 of 3 (33%)"],
    ]
    assert _rows(soup.select_one("table.frankly-accountability-months")) == [
        ["Period", "Incidents", "Median time to first update", "Promises kept", "Major or critical with apology",
         "Major or critical with postmortem"],
        ["Last 90 days", "3", "10 min", "4 of 9 (44%)", "1 of 2 (50%)", "1 of 2 (50%)"],
        ["June 2026", "1", "under 1 min", "2 of 4 (50%)", "—", "—"],
        ["May 2026", "2", "1 d 13 h 5 min", "2 of 5 (40%)", "1 of 2 (50%)", "1 of 2 (50%)"],
        ["January 2026", "1", "under 1 min", "1 of 1 (100%)", "1 of 1 (100%)", "1 of 1 (100%)"],
    ]
    silences = soup.select("ol.frankly-silences > li")
    assert len(silences) == 9
    assert _text(silences[0]).startswith("Login errors: 7 d 22 h 40 min without an update, and still silent, from 2 Jun 2026, 10:20")
    assert _text(silences[1]).startswith("Billing outage: 14 h without an update, from 4 May 2026, 18:00")
    link = silences[1].a["href"]
    assert link == "../incidents/2026-05-01-billing-outage/#u-20260504t180000z"
    target = built_accountability_site / "incidents" / "2026-05-01-billing-outage" / "index.html"
    assert BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser").find(id="u-20260504t180000z") is not None


# ---------------------------------------------------------------- checks for editors


@pytest.fixture
def acc_project(tmp_path: Path) -> Path:
    return copy_project(ACCOUNTABILITY_SITE, tmp_path / "project")


EXPECTED_WARNINGS = [
    "incidents/2026-05-01-billing-outage.yaml:26:13: warning: this critical incident was resolved 36 d 1 h ago and has "
    "no apology; the site commits to one within 3 d of resolution (commitments.apology_within): add 'apology:'",
    "incidents/2026-05-01-billing-outage.yaml:26:13: warning: this critical incident was resolved 36 d 1 h ago and has "
    "no postmortem; the site commits to one within 14 d of resolution (commitments.postmortem_within): add 'postmortem:'",
    "incidents/2026-06-02-login-errors.yaml:12:9: warning: no update for 7 d 22 h 40 min since this one, longer than "
    "the 1 h the site commits to (commitments.update_every); post an update, even if there is nothing new",
    "incidents/2026-06-02-login-errors.yaml:15:18: warning: the next update was promised by 2026-06-02T10:50:00+00:00 "
    "and is 7 d 22 h 10 min overdue; post an update",
]


def test_check_warns_with_positions_and_exits_0(acc_project):
    result = run_frankly(acc_project, "check", "--now", "2026-06-10T11:00:00+02:00")
    assert result.returncode == 0
    assert result.stdout == "OK: 5 entries and 4 components are valid.\n"
    assert stderr_without_notes(result.stderr) == EXPECTED_WARNINGS + ["4 warnings."]


def test_check_strict_fails_on_warnings(acc_project):
    result = invoke(acc_project, "check", "--strict", "--now", "2026-06-10T09:00:00Z")
    assert result.exit_code == 1
    assert stderr_without_notes(result.stderr) == EXPECTED_WARNINGS + ["4 warnings; --strict treats them as errors."]


def test_now_decides_what_is_overdue(acc_project):
    # Fix the two past incidents, then look at the open one 25 min after its last update:
    # within the 1 h cadence, but 5 min past the 30 min it promised.
    (acc_project / "incidents" / "2026-05-01-billing-outage.yaml").unlink()
    result = invoke(acc_project, "check", "--strict", "--now", "2026-06-02T10:45:00Z")
    assert result.exit_code == 0, result.stderr
    assert stderr_without_notes(result.stderr) == []
    result = invoke(acc_project, "check", "--strict", "--now", "2026-06-02T10:55:00Z")
    assert result.exit_code == 1
    assert stderr_without_notes(result.stderr) == [
        "incidents/2026-06-02-login-errors.yaml:15:18: warning: the next update was promised by "
        "2026-06-02T10:50:00+00:00 and is 5 min overdue; post an update",
        "1 warning; --strict treats them as errors.",
    ]


def test_maintenance_that_ended_without_completing_update(acc_project):
    write_incident(acc_project, "2026-06-08-network-maintenance.yaml", """\
kind: maintenance
title: Network maintenance
summary: Routers are replaced.
impact: minor
components:
  api: under_maintenance
window:
  start: 2026-06-08T01:00:00Z
  end: 2026-06-08T02:00:00Z
updates:
  - at: 2026-06-01T12:00:00Z
    status: scheduled
    message: Routers will be replaced.
""")
    for name in ("2026-05-01-billing-outage.yaml", "2026-06-02-login-errors.yaml"):
        (acc_project / "incidents" / name).unlink()
    result = invoke(acc_project, "check", "--now", "2026-06-08T01:30:00Z")
    assert (result.exit_code, stderr_without_notes(result.stderr)) == (0, [])
    result = invoke(acc_project, "check", "--now", "2026-06-08T03:00:00Z")
    assert result.exit_code == 0
    assert stderr_without_notes(result.stderr) == [
        "incidents/2026-06-08-network-maintenance.yaml:9:8: warning: the maintenance window ended 1 h ago but the "
        "last update is 'scheduled'; add an update with status: completed, or cancelled if it never happened (or one saying it overran)",
        "1 warning.",
    ]


def test_check_without_now_uses_the_clock(acc_project):
    # Every incident of the fixture lies in the past of any real clock, so the
    # billing outage's missing apology is overdue whenever this runs.
    result = invoke(acc_project, "check")
    assert result.exit_code == 0
    assert "billing-outage.yaml:26:13: warning: this critical incident was resolved" in result.stderr


def test_now_without_offset_is_refused(acc_project):
    result = invoke(acc_project, "check", "--now", "2026-06-10T09:00:00")
    assert result.exit_code == 2
    assert "'2026-06-10T09:00:00' has no UTC offset; add one, e.g. 2026-06-10T09:00:00+01:00 or 2026-06-10T09:00:00Z" in result.output


def test_commitments_are_read_from_site_yaml_with_positions(acc_project):
    site = acc_project / "site_config" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("first_update_within: 10m", "first_update_within: soon\n  update_every: 2h"), encoding="utf-8")
    result = invoke(acc_project, "check")
    assert result.exit_code == 1
    assert stderr_without_notes(result.stderr)[0] == (
        "site_config/site.yaml:15:24: commitments.first_update_within: expected a duration such as 15m, 1h, 72h or 14d, got 'soon'"
    )
    site.write_text(site.read_text(encoding="utf-8").replace("soon", "10m"), encoding="utf-8")
    report = derive(load_all(ProjectPaths.at(acc_project)))
    assert report.site.commitments.update_every == 2 * H
    assert report.site.commitments.apology_within == 72 * H  # default kept


def test_a_site_without_entries_says_there_is_nothing_to_measure(acc_project):
    from generator.outputs.files import GeneratedPage
    from generator.outputs.site import render_site

    for file in (acc_project / "incidents").iterdir():
        file.unlink()
    report = derive(load_all(ProjectPaths.at(acc_project)))
    page = next(o for o in render_site(report) if isinstance(o, GeneratedPage) and o.url == "accountability/")
    body = page.fill(page.markdown)  # the HTML fragments back in their places
    soup = BeautifulSoup(body.split("---", 2)[2], "html.parser")
    assert "There is nothing to measure yet" in _text(soup.select_one(".frankly-accountability p"))
    assert "1970" not in body
    assert _rows(soup.select_one("table.frankly-accountability-months"))[1] == [
        "Last 90 days", "0", "—", "—", "—", "—",
    ]
    assert "No silences yet" in body


@pytest.mark.slow
def test_build_says_how_many_warnings_and_the_most_urgent_first(acc_project):
    result = run_frankly(acc_project, "build", "--now", "2026-06-10T09:00:00+00:00")
    assert result.returncode == 0, result.stderr
    said = stderr_without_notes(result.stderr)
    summary = said.index("4 communication warnings; the 3 most urgent:")
    assert said[summary + 1:summary + 5] == [EXPECTED_WARNINGS[2], EXPECTED_WARNINGS[3], EXPECTED_WARNINGS[0],
                                           "Run `frankly check` to see them all."]  # the open incident first


def test_commitments_do_not_judge_entries_from_before_they_were_made(acc_project):
    site = acc_project / "site_config" / "site.yaml"
    text = site.read_text(encoding="utf-8")
    assert "commitments:\n" in text
    site.write_text(text.replace("commitments:\n", "commitments:\n  since: 2026-06-01\n", 1), encoding="utf-8")
    result = invoke(acc_project, "check", "--now", "2026-06-10T09:00:00+00:00")
    assert stderr_without_notes(result.stderr) == EXPECTED_WARNINGS[2:] + ["2 warnings."]


def test_no_month_row_after_the_figures_end():
    # The test site's upcoming maintenance starts in April; its figures stop on 11 March.
    report = derive(load_all(ProjectPaths.at(REPO / "tests" / "fixtures" / "site")))
    acc = site_accountability(report)
    assert acc.now.strftime("%Y-%m") == "2026-03"
    assert [m.key for m in acc.months] == ["2026-03", "2025-12"]  # no row of dashes for April
    later = account(report, datetime(2026, 4, 2, tzinfo=timezone.utc))
    assert [m.key for m in later.months] == ["2026-04", "2026-03", "2025-12"]  # once its month has come


class _Months:
    """A MonthStore in memory, naming each month by its entries (as the output cache does with their digests)."""

    def __init__(self):
        self.kept: dict[str, dict] = {}
        self.used: dict[str, dict] = {}
        self.read: list[str] = []

    def month_name(self, month, slugs):
        return f"{month}:{','.join(slugs)}"

    def month(self, name):
        self.read.append(name)
        return self.kept.get(name)

    def keep_month(self, name, counted):
        self.used[name] = counted


@pytest.mark.parametrize("site", ["accountability", "demo"])
def test_months_counted_in_an_earlier_build_give_the_same_figures(site, monkeypatch):
    """A fresh build reads settled months' counts from the output cache (MonthStore) instead of
    counting every entry again: the figures are the same as counted, and a count that does not
    read back whole (tampered with, other code) is counted again."""
    from generator.facts import accountability

    def fresh(store):
        monkeypatch.setattr(accountability, "_MONTHS", {})  # a new process: nothing kept in memory
        accountability.use_month_store(store)
        try:
            report = derive(load_all(ProjectPaths.at(ACCOUNTABILITY_SITE if site == "accountability" else REPO)))
            return account(report, accountability._report_now(report))
        finally:
            accountability.use_month_store(None)

    counted = fresh(None)
    first = _Months()
    assert fresh(first) == counted and first.used and not first.kept
    second = _Months()
    second.kept = json.loads(json.dumps(first.used))  # as written to and read from the file
    assert fresh(second) == counted and second.used == first.used
    assert set(second.read) == set(first.used)
    for name, wrong in zip(second.kept, ({"slugs": 3}, [], {**first.used[next(iter(first.used))], "incidents": -1})):
        second.kept[name] = wrong
    third = _Months()
    third.kept = second.kept
    assert fresh(third) == counted and third.used == first.used
