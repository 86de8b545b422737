"""Uptime history: derived per component and group, per local calendar day, from
small hand-written entries whose figures are computed by hand (issue 15, item 2)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from generator.facts.derive import StatusReport, derive
from generator.bench.synthetic import write_project
from generator.facts.uptime import WINDOW_DAYS, _counted, day_bounds, percent_text, uptime
from generator.facts.uptime_data import badge_text, history_dict
from generator.input.load import ProjectPaths, load_all
from generator.input.values import ComponentStatus as S
from generator.outputs.uptime_bars import percent, render_uptime_bars

BERLIN = ZoneInfo("Europe/Berlin")
DAY = 86_400

SITE = """\
name: Test Status
company: Test
base_url: https://status.test/
time_zone: Europe/Berlin
language: {language}
components:
  - id: api
    name: {api_name}
    group: Platform
  - id: web
    name: Web
    group: Platform
  - id: mail
    name: Mail
"""


def entry(*updates: tuple, components: dict[str, str], kind: str = "incident", extra: str = "") -> str:
    """An entry's YAML; each update is (at, status) or (at, status, {component: status}) or
    (at, status, {...}, 'reopens')."""
    lines = [f"kind: {kind}", "title: T", "summary: S.", "impact: minor"]
    lines += ["components:"] + [f"  {c}: {s}" for c, s in components.items()] if components else []
    lines += [extra] if extra else []
    lines.append("updates:")
    for at, status, *rest in updates:
        lines += [f"  - at: {at}", f"    status: {status}", "    message: m."]
        if rest and rest[0]:
            lines.append("    components:")
            lines += [f"      {c}: {s}" for c, s in rest[0].items()]
        if "reopens" in rest:
            lines.append("    reopens: true")
    return "\n".join(lines) + "\n"


def report_of(tmp_path: Path, entries: dict[str, str], now: datetime | None = None, api_name: str = "API",
              language: str = "en") -> StatusReport:
    root = tmp_path / "project"
    (root / "site_config").mkdir(parents=True)
    (root / "incidents").mkdir()
    (root / "site_config" / "site.yaml").write_text(SITE.format(api_name=api_name, language=language), encoding="utf-8")
    for slug, text in entries.items():
        (root / "incidents" / f"{slug}.yaml").write_text(text, encoding="utf-8")
    return derive(load_all(ProjectPaths.at(root)), now=now)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day_of(history, day: str):
    return next(d for d in history.days if d.date == date.fromisoformat(day))


# A notice without components whose last change ends the window at noon on 20 May.
LATER = entry(("2026-05-20T12:00:00+02:00", "posted"), ("2026-05-20T12:00:00+02:00", "closed"), components={}, kind="notice")


def test_hand_computed_day_window_and_printed_figures(tmp_path):
    # 2 h of major outage, then 1 h of partial outage, on one day (CEST).
    report = report_of(tmp_path, {
        "2026-05-10-down": entry(("2026-05-10T10:00:00+02:00", "investigating"),
                                 ("2026-05-10T12:00:00+02:00", "identified", {"api": "partial_outage"}),
                                 ("2026-05-10T13:00:00+02:00", "resolved"), components={"api": "major_outage"}),
        "2026-05-20-later": LATER,
    })
    api = uptime(report)["api"]
    assert len(api.days) == 90 and api.days[-1].date == date(2026, 5, 20)  # ends at the judging moment's day
    day = day_of(api, "2026-05-10")
    assert day.worst is S.major_outage
    assert day.seconds_by_status == {S.major_outage: 7200, S.partial_outage: 3600}
    assert day.observed_seconds == DAY and day.entries == ("2026-05-10-down",)
    assert day.availability == 1 - Fraction(7200 + 3600 * 3 // 10, DAY)  # 0.904166...
    assert percent_text(day.availability) == "90.41%"  # truncated: rounding would say 90.42%
    # The window: 10 whole days and the judging day up to noon; before the first entry, no data.
    observed = 10 * DAY + 12 * 3600
    assert api.availability == 1 - Fraction(8280, observed) and api.percent == "99.08%"
    assert day_of(api, "2026-05-20").observed_seconds == 12 * 3600
    before = day_of(api, "2026-05-09")
    assert (before.worst, before.availability, before.observed_seconds) == (None, None, 0)
    quiet = day_of(api, "2026-05-11")
    assert (quiet.worst, quiet.availability, quiet.entries) == (S.operational, 1, ())
    assert badge_text(api) == "99.08%" and badge_text(uptime(report)["mail"]) == "100%"


def test_printed_figures_are_truncated_never_rounded_up():
    assert percent_text(Fraction(99996, 100000)) == "99.99%"
    assert percent_text(Fraction(999_999_999, 1_000_000_000)) == "99.99%"  # any downtime is below 100%
    assert percent_text(Fraction(1)) == "100%"
    assert percent_text(Fraction(99, 100)) == "99.00%"  # exact: float 0.99 * 10000 is 9899.999...
    assert percent_text(Fraction(0)) == "0.00%"
    assert percent(Fraction(99996, 100000), "de") == "99,99\xa0%" and percent(Fraction(1), "en") == "100%"


def test_overlapping_incidents_count_the_worst_status_once(tmp_path):
    report = report_of(tmp_path, {
        "2026-05-10-a": entry(("2026-05-10T10:00:00+02:00", "investigating"), ("2026-05-10T14:00:00+02:00", "resolved"),
                              components={"api": "partial_outage"}),
        "2026-05-10-b": entry(("2026-05-10T12:00:00+02:00", "investigating"),
                              ("2026-05-10T13:00:00+02:00", "identified", {"api": "partial_outage"}),
                              ("2026-05-10T16:00:00+02:00", "resolved"), components={"api": "major_outage"}),
        "2026-05-20-later": LATER,
    })
    day = day_of(uptime(report)["api"], "2026-05-10")
    # 10-12 partial (a), 12-13 major (b over a), 13-16 partial (a and b together count once).
    assert day.seconds_by_status == {S.major_outage: 3600, S.partial_outage: 5 * 3600}
    assert day.entries == ("2026-05-10-a", "2026-05-10-b")
    assert day.availability == 1 - Fraction(3600 * 10 + 5 * 3600 * 3, 10 * DAY)


def test_a_reopened_incident_counts_again_from_its_reopening(tmp_path):
    report = report_of(tmp_path, {
        "2026-05-10-flaky": entry(("2026-05-10T10:00:00+02:00", "investigating"),
                                  ("2026-05-10T11:00:00+02:00", "resolved"),
                                  ("2026-05-10T15:00:00+02:00", "investigating", {"api": "partial_outage"}, "reopens"),
                                  ("2026-05-10T16:30:00+02:00", "resolved"), components={"api": "major_outage"}),
        "2026-05-20-later": LATER,
    })
    day = day_of(uptime(report)["api"], "2026-05-10")
    assert day.seconds_by_status == {S.major_outage: 3600, S.partial_outage: 5400}  # 11:00-15:00 counts nothing
    assert day.entries == ("2026-05-10-flaky",)


MAINTENANCE = entry(("2026-05-01T09:00:00+02:00", "scheduled"), ("2026-05-10T10:00:00+02:00", "in_progress"),
                    ("2026-05-10T14:00:00+02:00", "completed"), components={"api": "under_maintenance"},
                    kind="maintenance", extra="window:\n  start: 2026-05-10T10:00:00+02:00\n  end: 2026-05-10T14:00:00+02:00")


def test_maintenance_is_shown_as_maintenance_and_an_outage_inside_it_wins(tmp_path):
    report = report_of(tmp_path, {
        "2026-05-01-upgrade": MAINTENANCE,
        "2026-05-10-broke": entry(("2026-05-10T11:00:00+02:00", "investigating"), ("2026-05-10T12:00:00+02:00", "resolved"),
                                  components={"api": "major_outage"}),
        "2026-05-20-later": LATER,
    })
    day = day_of(uptime(report)["api"], "2026-05-10")
    assert day.worst is S.major_outage
    assert day.seconds_by_status == {S.major_outage: 3600, S.under_maintenance: 3 * 3600}
    assert day.availability == 1 - Fraction(3600, DAY)  # the 3 h of maintenance are not downtime
    assert day.entries == ("2026-05-01-upgrade", "2026-05-10-broke")
    # Announced on 1 May, not yet begun: nothing that day.
    assert day_of(uptime(report)["api"], "2026-05-01").worst is S.operational


def test_maintenance_alone_is_full_availability(tmp_path):
    report = report_of(tmp_path, {"2026-05-01-upgrade": MAINTENANCE, "2026-05-20-later": LATER})
    api = uptime(report)["api"]
    day = day_of(api, "2026-05-10")
    assert (day.worst, day.availability, day.seconds_by_status) == (S.under_maintenance, 1, {S.under_maintenance: 4 * 3600})
    assert api.percent == "100%"


def test_days_cross_midnight_and_the_clock_changes(tmp_path):
    report = report_of(tmp_path, {
        # 22:00 CET on 28 March to 05:00 CEST on 29 March: 2 h + 4 h (02:00-03:00 never happened).
        "2026-03-28-spring": entry(("2026-03-28T22:00:00+01:00", "investigating"), ("2026-03-29T05:00:00+02:00", "resolved"),
                                   components={"api": "major_outage"}),
        # 23:00 CEST on 24 October to 04:00 CET on 25 October: 1 h + 5 h (02:00-03:00 happened twice).
        "2026-10-24-autumn": entry(("2026-10-24T23:00:00+02:00", "investigating"), ("2026-10-25T04:00:00+01:00", "resolved"),
                                   components={"api": "major_outage"}),
    })
    api = uptime(report, 365, until=at("2026-11-01T12:00:00+01:00"))["api"]
    assert len(api.days) == 365 and api.days[-1].date == date(2026, 11, 1)
    spring, autumn = day_of(api, "2026-03-29"), day_of(api, "2026-10-25")
    assert (spring.observed_seconds, autumn.observed_seconds) == (23 * 3600, 25 * 3600)
    assert day_of(api, "2026-03-28").seconds_by_status == {S.major_outage: 2 * 3600}
    assert spring.seconds_by_status == {S.major_outage: 4 * 3600}
    assert spring.availability == 1 - Fraction(4, 23)
    assert day_of(api, "2026-10-24").seconds_by_status == {S.major_outage: 3600}
    assert autumn.seconds_by_status == {S.major_outage: 5 * 3600}
    assert autumn.availability == 1 - Fraction(5, 25)
    assert [d.date for d in api.days if d.entries] == [date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 24), date(2026, 10, 25)]


def test_a_day_begins_at_its_first_instant_where_the_clocks_skip_midnight():
    # Santiago de Chile: 6 Sep 2026 begins at 01:00 (-03:00), midnight never happens; 4 Apr has 25 h.
    zone = ZoneInfo("America/Santiago")
    (day, start, end), = day_bounds(date(2026, 9, 6), 1, zone)
    assert (datetime.fromtimestamp(start, zone).isoformat(), end - start) == ("2026-09-06T01:00:00-03:00", 23 * 3600)
    assert [e - s for _, s, e in day_bounds(date(2026, 4, 4), 2, zone)] == [25 * 3600, DAY]


def test_impact_stated_before_the_first_update_counts_from_then(tmp_path):
    text = entry(("2026-05-10T10:00:00+02:00", "investigating"), ("2026-05-10T11:00:00+02:00", "resolved"),
                 components={"api": "major_outage"}, extra="impact_started_at: 2026-05-10T09:15:00+02:00")
    day = day_of(uptime(report_of(tmp_path, {"2026-05-10-late": text, "2026-05-20-later": LATER}))["api"], "2026-05-10")
    assert day.seconds_by_status == {S.major_outage: 6300}


def test_an_entry_older_than_the_window_is_ignored(tmp_path):
    report = report_of(tmp_path, {
        "2026-01-10-old": entry(("2026-01-10T10:00:00+01:00", "investigating"), ("2026-01-10T20:00:00+01:00", "resolved"),
                                components={"api": "major_outage"}),
        "2026-05-20-later": LATER,
    })
    api = uptime(report)["api"]
    assert api.days[0].date == date(2026, 2, 20)
    assert all(d.worst is S.operational and not d.entries for d in api.days)  # data since January: every day known
    assert api.availability == 1 and api.percent == "100%"
    assert day_of(uptime(report, 365)["api"], "2026-01-10").worst is S.major_outage
    # A first day with data given: the days before it have none, whatever happened then.
    since = uptime(report, 365, since=date(2026, 3, 1))["api"]
    assert day_of(since, "2026-01-10").availability is None and day_of(since, "2026-03-01").availability == 1


def test_an_open_incident_counts_until_the_judging_moment(tmp_path):
    text = entry(("2026-05-10T10:00:00+02:00", "investigating"), components={"api": "major_outage"})
    report = report_of(tmp_path, {"2026-05-10-open": text}, now=at("2026-05-10T16:30:00+02:00"))
    api = uptime(report)["api"]
    day = api.days[-1]
    assert day.date == date(2026, 5, 10)  # the window ends on the judging moment's day; no day after it
    assert day.seconds_by_status == {S.major_outage: 6 * 3600 + 1800}
    assert day.observed_seconds == 16 * 3600 + 1800
    assert day.availability == 1 - Fraction(23_400, 59_400)  # 20/33
    assert api.days[-2].availability is None  # before the first entry
    # Judged later, it has counted the days since in full.
    later = uptime(report_of(tmp_path / "b", {"2026-05-10-open": text}, now=at("2026-05-12T06:00:00+02:00")))["api"]
    assert [d.seconds_by_status.get(S.major_outage) for d in later.days[-3:]] == [14 * 3600, DAY, 6 * 3600]
    # Without a moment given it is judged at its own last change, as derive judges it.
    alone = uptime(report_of(tmp_path / "c", {"2026-05-10-open": text}))["api"]
    assert alone.days[-1].observed_seconds == 10 * 3600 and alone.days[-1].seconds_by_status == {}


def test_no_entries_means_no_data(tmp_path):
    report = report_of(tmp_path, {}, now=at("2026-05-10T16:30:00+02:00"))
    histories = uptime(report)
    assert all(d.worst is None for d in histories["api"].days) and histories["api"].availability is None
    assert badge_text(histories["api"]) == "no data"
    assert uptime(report_of(tmp_path / "b", {}))["api"].days == ()  # nothing to judge at


def test_a_group_shows_its_worst_member_and_the_mean_of_their_figures(tmp_path):
    report = report_of(tmp_path, {
        "2026-05-10-api": entry(("2026-05-10T10:00:00+02:00", "investigating"), ("2026-05-10T12:00:00+02:00", "resolved"),
                                components={"api": "major_outage"}),
        "2026-05-10-web": entry(("2026-05-10T11:00:00+02:00", "investigating"), ("2026-05-10T15:00:00+02:00", "resolved"),
                                components={"web": "partial_outage"}),
        "2026-05-20-later": LATER,
    })
    histories = uptime(report)
    assert list(histories) == ["api", "web", "mail", "group:Platform"]
    group, api, web = histories["group:Platform"], histories["api"], histories["web"]
    assert (group.is_group, group.members, group.name) == (True, ("api", "web"), "Platform")
    day = day_of(group, "2026-05-10")
    assert day.worst is S.major_outage
    assert day.seconds_by_status == {S.major_outage: 7200, S.partial_outage: 3 * 3600}  # the worst member at each instant
    assert day.entries == ("2026-05-10-api", "2026-05-10-web")
    assert day.availability == (day_of(api, "2026-05-10").availability + day_of(web, "2026-05-10").availability) / 2
    assert group.availability == (api.availability + web.availability) / 2
    assert day_of(histories["mail"], "2026-05-10").worst is S.operational


def test_cost_is_linear_in_stretches_and_days(tmp_path):
    def work_for(count: int) -> tuple[Counter, int]:
        entries = {}
        for n in range(count):
            day = date(2025, 6, 1) + timedelta(days=n * 365 // count)
            component = ("api", "web", "mail")[n % 3]
            entries[f"{day.isoformat()}-e{n}"] = entry(
                (f"{day.isoformat()}T10:00:00+02:00", "investigating"),
                (f"{day.isoformat()}T11:00:00+02:00", "identified", {component: "partial_outage"}),
                (f"{(day + timedelta(days=1)).isoformat()}T02:00:00+02:00", "resolved"),
                components={component: "major_outage"})
        work = Counter()
        histories = uptime(report_of(tmp_path / str(count), entries), 365, work=work)
        return work, len(histories)
    visits = {}
    for count in (60, 240):
        work, keys = work_for(count)
        assert work["stretches"] == 2 * count
        visits[count] = work["stretch visits"] + work["day visits"] + work["day steps"]
        # Each stretch is visited once per sweep and once per day it covers (at most 2 here);
        # the pointer steps over each day at most once per sweep; a group sweeps its members' stretches.
        assert visits[count] <= 2 * (3 * work["stretches"] * 2) + 2 * keys * 365, (count, work)
        assert visits[count] < count * 365 // 4  # far from one visit per entry per component per day
    # Each more entry costs a few visits, whatever the number of days (measured: ~17).
    assert visits[240] - visits[60] <= 24 * (240 - 60), visits


@pytest.mark.parametrize("moment", [None, "2026-11-01T12:00:00+01:00", "2026-03-29T01:30:00+01:00", "2019-01-02T00:00:00Z"])
@pytest.mark.parametrize("days", [1, 30, WINDOW_DAYS, 364])
def test_a_shorter_window_is_the_last_days_of_the_year_counted_alone(tmp_path_factory, moment, days):
    """uptime() takes a window shorter than a year from the year's (one sweep for the home page's
    90 days and the component pages' 365): the same as counting that window by itself, groups too."""
    root = tmp_path_factory.getbasetemp() / "uptime-synthetic"
    if not root.exists():
        write_project(root, 300)
        site = root / "site_config" / "site.yaml"  # two groups, so groups' means are compared too
        text = site.read_text(encoding="utf-8")
        assert text.count("  - id: ") >= 4
        for number, part in enumerate(text.split("  - id: ")[1:5]):
            text = text.replace("  - id: " + part, "  - id: " + part.rstrip("\n") + f"\n    group: G{number % 2}\n", 1)
        site.write_text(text, encoding="utf-8")
    report = derive(load_all(ProjectPaths.at(root)), now=None if moment is None else datetime.fromisoformat(moment))
    sliced = uptime(report, days)
    counted = _counted(report, days, None, None, None)
    assert any(h.is_group for h in sliced.values())
    assert list(sliced) == list(counted)
    for key in counted:
        assert sliced[key] == counted[key], key
    assert any(h.availability not in (None, 1) for h in sliced.values()) or moment == "2019-01-02T00:00:00Z"


def test_same_input_same_histories(tmp_path):
    texts = {"2026-05-10-down": entry(("2026-05-10T10:00:00+02:00", "investigating"), ("2026-05-10T13:00:00+02:00", "resolved"),
                                      components={"api": "major_outage"})}
    first = json.dumps([history_dict(h) for h in uptime(report_of(tmp_path / "a", texts)).values()])
    second = json.dumps([history_dict(h) for h in uptime(report_of(tmp_path / "b", texts)).values()])
    assert first == second


def test_history_as_plain_json(tmp_path):
    report = report_of(tmp_path, {"2026-05-01-upgrade": MAINTENANCE, "2026-05-20-later": LATER})
    histories = uptime(report)
    found = json.loads(json.dumps(history_dict(histories["group:Platform"], group_id="group:platform")))
    assert (found["id"], found["group"], found["components"], found["days_in_window"]) == ("group:platform", True, ["api", "web"], 90)
    assert (found["from"], found["to"], found["availability"], found["availability_text"]) == ("2026-02-20", "2026-05-20", 1.0, "100%")
    assert found["days"][-11] == {"date": "2026-05-10", "status": "under_maintenance", "availability": 1.0,
                                  "observed_seconds": DAY, "seconds": {"under_maintenance": 14400}, "entries": ["2026-05-01-upgrade"]}
    assert found["days"][0] == {"date": "2026-02-20", "status": None, "availability": None, "observed_seconds": 0,
                                "seconds": {}, "entries": []}
    assert "days" not in history_dict(histories["api"], with_days=False)


# ---------------------------------------------------------------- the strip


HOSTILE = "<script>alert(1)</script> & \"quoted\""


@pytest.fixture
def strip_report(tmp_path):
    return report_of(tmp_path, {
        "2026-05-01-upgrade": MAINTENANCE,
        "2026-05-10-down": entry(("2026-05-10T10:00:00+02:00", "investigating"),
                                 ("2026-05-10T12:00:00+02:00", "identified", {"api": "partial_outage"}),
                                 ("2026-05-10T13:00:00+02:00", "resolved"), components={"api": "major_outage"}),
        "2026-05-20-later": LATER,
    }, api_name=f"'{HOSTILE}'")


def strip(report, key="api", **options):
    link = options.pop("link_for_day", lambda day: f"../history/{day.year}/#d-{day.isoformat()}")
    return render_uptime_bars(uptime(report)[key], language=report.site.language, facts=report.by_slug,
                              link_for_day=link, **options)


def test_strip_lists_every_day_with_its_name_class_and_link(strip_report):
    html = strip(strip_report, definition_url="../uptime/")
    doc = BeautifulSoup(html, "html.parser")
    items = doc.select("div.fr-up > ol > li")
    assert len(items) == 90
    assert doc.ol["aria-label"] == f"{HOSTILE}: availability per day, 20 Feb 2026 to 20 May 2026"
    by_text = {li.get_text(): li for li in items}
    down = by_text["10 May: 90.41%, major outage, 1 incident, 1 maintenance"]
    assert down["class"] == ["m"] and down.a["href"] == "../history/2026/#d-2026-05-10"
    assert by_text["20 Feb: no data"]["class"] == ["n"]
    quiet = by_text["11 May: 100%"]
    assert not quiet.has_attr("class") and quiet.a is None
    # Links only where there are entries: each is a stop of the keyboard's Tab, in order.
    assert [li.a["href"] for li in items if li.a is not None] == ["../history/2026/#d-2026-05-10"]
    # Data begins with the maintenance's announcement on 1 May: 19 whole days and noon of the 20th.
    assert doc.p.get_text() == f"{percent_text(1 - Fraction(8280, 19 * DAY + 43_200))} available over 90 days · How this is counted"
    assert doc.p.a["href"] == "../uptime/"
    assert "style=" not in html and "<script" not in html


def test_strip_escapes_a_hostile_name(strip_report):
    html = strip(strip_report)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quoted&#34;" in html
    assert BeautifulSoup(html, "html.parser").ol["aria-label"].startswith(HOSTILE)


def test_strip_of_a_group_and_without_links_or_definition_page(strip_report):
    html = strip(strip_report, "group:Platform", link_for_day=lambda day: None)
    doc = BeautifulSoup(html, "html.parser")
    assert doc.select("a") == []
    assert "(the mean of its components)" in doc.p.get_text() and "30%" in doc.p.get_text()
    assert len(doc.select("li.u")) == 0 and len(doc.select("li.m")) == 1


def test_strip_in_the_sites_language(tmp_path):
    report = report_of(tmp_path, {"2026-05-10-down": entry(
        ("2026-05-10T10:00:00+02:00", "investigating"), ("2026-05-10T12:00:00+02:00", "resolved"),
        components={"api": "major_outage"}), "2026-05-20-later": LATER}, language="de")
    texts = [li.get_text() for li in BeautifulSoup(strip(report), "html.parser").select("li")]
    assert "10.05.2026" not in texts[-11] and texts[-11] == "10 Mai: 91,66\xa0%, major outage, 1 incident"


def test_strip_bytes(tmp_path, strip_report):
    # About ten strips on the home page (<= 60 KB at 10,000 entries, tests/test_scale.py).
    # Data on every day (the usual case), with four days of incidents:
    entries = {f"2026-0{m}-1{m}-e": entry((f"2026-0{m}-1{m}T10:00:00+02:00", "investigating"),
                                          (f"2026-0{m}-1{m}T11:00:00+02:00", "resolved"), components={"api": "major_outage"})
               for m in range(2, 6)}
    usual = len(strip(report_of(tmp_path / "usual", entries), definition_url="../uptime/").encode())
    # The worst: 80 of 90 days before the data begins ("no data" and a class on each).
    sizes = {key: len(strip(strip_report, key, definition_url="../uptime/").encode()) for key in ("api", "web", "group:Platform")}
    assert usual <= 2_800 and max(sizes.values()) <= 3_500, (usual, sizes)
