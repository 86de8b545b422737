"""The maintenance calendars (generator/outputs/calendar.py) as calendar apps
receive them, read back by two independent parsers: icalendar (which made
them) and vobject (its own parser, no code shared with icalendar)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest
import vobject
from bs4 import BeautifulSoup

from conftest import FIXTURE_SITE, REPO, copy_project, write_incident
from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.outputs.calendar import render_calendars
from generator.outputs.pages import render_incident_page
from generator.outputs.templating import Renderer

BASE = "https://status.acme.test/"
UTC = timezone.utc
EMAIL = "2026-03-05-email-maintenance"  # completed, three updates
MIGRATION = "2026-04-01-api-migration"  # scheduled, one update
CALENDARS = ["feeds/maintenance.ics", "feeds/components/api.ics", "feeds/components/dashboard.ics", "feeds/components/email.ics"]


def render(root: Path) -> dict[str, bytes]:
    """Every calendar of the site at ``root``, made in-process."""
    return {f.path: f.content for f in render_calendars(Renderer(derive(load_all(ProjectPaths.at(root)))))}


def events(ics: bytes) -> dict[str, icalendar.Event]:
    """The events of a calendar by the slug their URL names, parsed by icalendar."""
    calendar = icalendar.Calendar.from_ical(ics)
    return {str(e["URL"]).removeprefix(BASE + "incidents/").rstrip("/"): e for e in calendar.walk("VEVENT")}


def vevents(ics: bytes) -> dict[str, object]:
    """The same, parsed by vobject."""
    calendar = vobject.readOne(ics.decode("utf-8"))
    return {e.url.value.removeprefix(BASE + "incidents/").rstrip("/"): e for e in getattr(calendar, "vevent_list", [])}


def event_blocks(ics: bytes) -> dict[str, bytes]:
    """Each VEVENT's bytes, by UID (for byte-level comparisons)."""
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", ics, flags=re.S)
    return {re.search(rb"\r\nUID:([^\r]*)", block).group(1).decode(): block for block in blocks}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_project(FIXTURE_SITE, tmp_path / "project")


def append_update(root: Path, slug: str, text: str) -> None:
    path = root / "incidents" / f"{slug}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# ---------------------------------------------------------------- what a calendar app reads


def test_the_site_calendar_holds_every_maintenance_and_nothing_else():
    files = render(FIXTURE_SITE)
    assert sorted(files) == sorted(CALENDARS)
    assert list(events(files["feeds/maintenance.ics"])) == [EMAIL, MIGRATION]  # by window start
    assert list(vevents(files["feeds/maintenance.ics"])) == [EMAIL, MIGRATION]


def test_each_event_as_icalendar_reads_it():
    event = events(render(FIXTURE_SITE)["feeds/maintenance.ics"])[EMAIL]
    assert str(event["UID"]) == f"{EMAIL}@status.acme.test"
    # The window in UTC: 01:00-02:00 at -05:00.
    assert event.decoded("DTSTART") == datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert event.decoded("DTSTART").tzinfo is not None and event["DTSTART"].to_ical() == b"20260305T060000Z"
    assert str(event["SUMMARY"]) == "E-mail relay upgrade"
    assert str(event["URL"]) == BASE + f"incidents/{EMAIL}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 2  # two updates after the announcement
    # Times of the data, never the build's: the latest update, and the announcement.
    assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED") == datetime(2026, 3, 5, 6, 40, tzinfo=UTC)
    assert event.decoded("CREATED") == datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert list(event["CATEGORIES"].cats) == ["Maintenance", "E-mail delivery"]
    description = str(event["DESCRIPTION"])
    assert description.splitlines()[:3] == [
        "Status: Completed",
        "Window: 5 Mar 2026, 01:00 UTC-05:00 to 5 Mar 2026, 02:00 UTC-05:00 (America/New_York)",
        "Affected: E-mail delivery",
    ]
    assert "Outgoing e-mail may be delayed by up to 10 minutes." in description  # the summary
    assert "Latest update (5 Mar 2026, 01:40 UTC-05:00): Done." in description
    assert description.endswith(f"Every update: {BASE}incidents/{EMAIL}/")


def test_each_event_as_vobject_reads_it():
    files = render(FIXTURE_SITE)
    for ics in files.values():
        vobject.readOne(ics.decode("utf-8"))  # every calendar parses, the empty ones too
    parsed = vevents(files["feeds/maintenance.ics"])
    email, migration = parsed[EMAIL], parsed[MIGRATION]
    assert email.uid.value == f"{EMAIL}@status.acme.test"
    assert email.dtstart.value == datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    assert email.dtend.value == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert (email.sequence.value, email.status.value, email.summary.value) == ("2", "CONFIRMED", "E-mail relay upgrade")
    assert email.dtstamp.value == datetime(2026, 3, 5, 6, 40, tzinfo=UTC)
    assert "Latest update (5 Mar 2026, 01:40 UTC-05:00): Done." in email.description.value
    assert (migration.uid.value, migration.sequence.value) == (f"{MIGRATION}@status.acme.test", "0")
    assert migration.dtstart.value == datetime(2026, 4, 1, 6, 0, tzinfo=UTC)


def test_the_calendar_names_itself_and_says_how_often_to_refresh():
    for path, name in [("feeds/maintenance.ics", "Acme Cloud Status: maintenance"),
                       ("feeds/components/email.ics", "Acme Cloud Status: E-mail delivery maintenance")]:
        ics = render(FIXTURE_SITE)[path]
        calendar = icalendar.Calendar.from_ical(ics)
        assert str(calendar["PRODID"]) == "-//Frankly//Status site maintenance calendar//EN"
        assert str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
        assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == name
        assert str(calendar["SOURCE"]) == BASE + path
        assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
        assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in ics and b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in ics
        assert vobject.readOne(ics.decode("utf-8")).x_wr_calname.value == name
        # Every time is UTC: no floating times and no zone for a parser to misapply.
        assert b"TZID" not in ics and b"X-WR-TIMEZONE" not in ics


def test_per_component_calendars_hold_only_that_components_maintenance():
    files = render(FIXTURE_SITE)
    assert list(events(files["feeds/components/email.ics"])) == [EMAIL]
    assert list(events(files["feeds/components/api.ics"])) == [MIGRATION]
    assert list(events(files["feeds/components/dashboard.ics"])) == []  # subscribable before its first maintenance
    assert list(vevents(files["feeds/components/dashboard.ics"])) == []
    # An event is the same bytes in every calendar that holds it.
    site_wide = event_blocks(files["feeds/maintenance.ics"])
    for path in CALENDARS[1:]:
        for uid, block in event_blocks(files[path]).items():
            assert site_wide[uid] == block


def test_the_same_input_gives_the_same_bytes():
    assert render(FIXTURE_SITE) == render(FIXTURE_SITE)


# ---------------------------------------------------------------- changes reach subscribers' calendars


def test_a_moved_window_with_its_update_bumps_the_sequence_and_keeps_the_uid(site: Path):
    before = events(render(site)["feeds/maintenance.ics"])[MIGRATION]
    path = site / "incidents" / f"{MIGRATION}.yaml"
    text = path.read_text(encoding="utf-8").replace("2026-04-01T02:00:00-04:00", "2026-04-08T02:00:00-04:00")
    path.write_text(text.replace("2026-04-01T03:00:00-04:00", "2026-04-08T03:00:00-04:00"), encoding="utf-8")
    append_update(site, MIGRATION, "  - at: 2026-03-20T09:00:00-04:00\n    status: scheduled\n    message: Moved by a week, to 8 April.\n")
    files = render(site)
    after = events(files["feeds/maintenance.ics"])[MIGRATION]
    assert str(after["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after.decoded("DTSTART") == datetime(2026, 4, 8, 6, 0, tzinfo=UTC)
    assert after.decoded("DTSTAMP") == after.decoded("LAST-MODIFIED") == datetime(2026, 3, 20, 13, 0, tzinfo=UTC)
    assert "Moved by a week, to 8 April." in str(after["DESCRIPTION"])
    moved = vevents(files["feeds/components/api.ics"])[MIGRATION]
    assert (moved.uid.value, moved.sequence.value) == (str(before["UID"]), "1")


def test_every_update_raises_the_sequence(site: Path):
    sequences = [events(render(site)["feeds/maintenance.ics"])[MIGRATION]["SEQUENCE"]]
    for n, (at, status) in enumerate([("2026-04-01T02:00:00-04:00", "in_progress"), ("2026-04-01T02:40:00-04:00", "completed")]):
        append_update(site, MIGRATION, f"  - at: {at}\n    status: {status}\n    message: Step {n}.\n")
        sequences.append(events(render(site)["feeds/maintenance.ics"])[MIGRATION]["SEQUENCE"])
    assert sequences == [0, 1, 2]


def test_a_cancelled_maintenance_is_a_cancelled_event(site: Path):
    append_update(site, MIGRATION, "  - at: 2026-03-25T09:00:00-04:00\n    status: cancelled\n"
                                   "    message: Cancelled; the migration is no longer needed.\n")
    files = render(site)
    for path in ("feeds/maintenance.ics", "feeds/components/api.ics"):
        event = events(files[path])[MIGRATION]
        assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
        assert str(event["SUMMARY"]) == "Cancelled: API database migration"
        assert str(event["UID"]) == f"{MIGRATION}@status.acme.test"
        assert vevents(files[path])[MIGRATION].status.value == "CANCELLED"
    # A cancelled maintenance is over: not open, not upcoming, and it never began.
    report = derive(load_all(ProjectPaths.at(site)))
    facts = report.by_slug[MIGRATION]
    assert (facts.is_open, facts.is_upcoming, facts.is_cancelled, facts.began, facts.duration) == (False, False, True, False, None)
    assert facts not in report.upcoming_maintenance
    page = "".join(render_incident_page(Renderer(report), facts).fragments)
    assert "<dt>Cancelled</dt>" in page and "<dt>Started</dt><dd>never</dd>" in page and "Duration" not in page


def test_a_renamed_maintenance_keeps_its_uid(site: Path):
    old = site / "incidents" / f"{MIGRATION}.yaml"
    text = old.read_text(encoding="utf-8").replace("updates:\n", f"aliases:\n  - {MIGRATION}\nupdates:\n", 1)
    old.unlink()
    write_incident(site, "2026-04-01-api-read-only.yaml", text)
    event = events(render(site)["feeds/maintenance.ics"])["2026-04-01-api-read-only"]
    assert str(event["UID"]) == f"{MIGRATION}@status.acme.test"  # its first address
    assert str(event["URL"]) == BASE + "incidents/2026-04-01-api-read-only/"  # its address now


def test_a_change_to_one_maintenance_changes_no_byte_of_another_event(site: Path):
    before = {path: event_blocks(ics) for path, ics in render(site).items()}
    append_update(site, EMAIL, "  - at: 2026-03-06T09:00:00-05:00\n    status: completed\n    message: A note afterwards.\n")
    after = {path: event_blocks(ics) for path, ics in render(site).items()}
    uid = f"{MIGRATION}@status.acme.test"
    assert after["feeds/maintenance.ics"][uid] == before["feeds/maintenance.ics"][uid]
    assert after["feeds/components/api.ics"] == before["feeds/components/api.ics"]
    assert after["feeds/maintenance.ics"][f"{EMAIL}@status.acme.test"] != before["feeds/maintenance.ics"][f"{EMAIL}@status.acme.test"]


# ---------------------------------------------------------------- the built site


@pytest.mark.slow
def test_the_build_publishes_the_calendars_and_pages_announce_them(built_fixture_site: Path):
    for path, content in render(FIXTURE_SITE).items():
        assert (built_fixture_site / path).read_bytes() == content, path
    for url, own in [("", []), ("incidents/2026-03-02-api-errors", []), ("components/email", ["feeds/components/email.ics"])]:
        head = BeautifulSoup((built_fixture_site / url / "index.html").read_text(encoding="utf-8"), "html.parser").head
        links = [link for link in head.find_all("link", rel="alternate") if link["type"] == "text/calendar"]
        # Not rel="alternate" alone: Material's language switcher would fetch a sitemap.xml beside each.
        assert all(link["rel"] == ["alternate", "calendar"] for link in links)
        assert [link["href"] for link in links] == [BASE + "feeds/maintenance.ics"] + [BASE + p for p in own]
        for link in links:
            assert (built_fixture_site / link["href"].removeprefix(BASE)).is_file()


@pytest.mark.slow
def test_a_component_page_links_its_feeds_and_calendar(built_fixture_site: Path):
    page = built_fixture_site / "components" / "email" / "index.html"
    links = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(".frankly-follow a")
    assert [a.get_text() for a in links] == ["RSS", "Atom", "maintenance calendar", "other ways"]
    targets = [(page.parent / a["href"]).resolve() for a in links]
    assert targets[:3] == [(built_fixture_site / p).resolve() for p in ("feeds/components/email.rss", "feeds/components/email.atom", "feeds/components/email.ics")]
    assert (targets[3] / "index.html").is_file()


@pytest.mark.slow
def test_the_demo_calendar_is_sensible(built_demo_site: Path):
    ics = (built_demo_site / "feeds" / "maintenance.ics").read_bytes()
    base = "https://status.northwind-mobile.example/"
    found = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT")}
    voice = found["2026-11-10-voice-core-upgrade@status.northwind-mobile.example"]
    migration = found["2026-12-02-app-database-migration@status.northwind-mobile.example"]
    assert len(found) == 2
    # 01:00-04:00 and 02:00-04:00 in Berlin's winter time (UTC+01:00).
    assert (voice.decoded("DTSTART"), voice.decoded("DTEND")) == (datetime(2026, 11, 10, 0, tzinfo=UTC), datetime(2026, 11, 10, 3, tzinfo=UTC))
    assert (migration.decoded("DTSTART"), migration.decoded("DTEND")) == (datetime(2026, 12, 2, 1, tzinfo=UTC), datetime(2026, 12, 2, 3, tzinfo=UTC))
    assert (voice["SEQUENCE"], migration["SEQUENCE"]) == (3, 0)
    assert str(voice["URL"]) == base + "incidents/2026-11-10-voice-core-upgrade/"
    assert list(migration["CATEGORIES"].cats) == ["Maintenance", "My Northwind app", "Website and shop"]
    assert "(Europe/Berlin)" in str(migration["DESCRIPTION"])
    app = vobject.readOne((built_demo_site / "feeds" / "components" / "app.ics").read_text(encoding="utf-8"))
    assert [e.uid.value for e in app.vevent_list] == ["2026-12-02-app-database-migration@status.northwind-mobile.example"]
    assert not hasattr(vobject.readOne((built_demo_site / "feeds" / "components" / "sms.ics").read_text(encoding="utf-8")), "vevent_list")


def test_the_repository_demo_has_maintenance_to_show():
    # The demo must keep a calendar worth subscribing to: an upcoming and a past maintenance.
    files = render(REPO)
    statuses = sorted(str(e["STATUS"]) + ":" + str(e["SEQUENCE"]) for e in icalendar.Calendar.from_ical(files["feeds/maintenance.ics"]).walk("VEVENT"))
    assert statuses == ["CONFIRMED:0", "CONFIRMED:3"]


def test_a_calendar_stays_small_at_any_history_size(site: Path):
    # feeds.max_entries caps a calendar as it caps a feed: every maintenance not yet
    # over is kept, then the latest of the others.
    config = site / "site_config" / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "feeds:\n  max_entries: 1\n", encoding="utf-8")
    assert list(events(render(site)["feeds/maintenance.ics"])) == [MIGRATION]  # scheduled: kept
    append_update(site, MIGRATION, "  - at: 2026-03-25T09:00:00-04:00\n    status: cancelled\n    message: Called off.\n")
    assert list(events(render(site)["feeds/maintenance.ics"])) == [MIGRATION]  # over, and the latest window
    config.write_text(config.read_text(encoding="utf-8").replace("max_entries: 1", "max_entries: 2"), encoding="utf-8")
    assert list(events(render(site)["feeds/maintenance.ics"])) == [EMAIL, MIGRATION]


@pytest.mark.parametrize("which", ["fixture", "demo"])
def test_every_calendar_has_a_component_and_reads_in_both_parsers(which, tmp_path: Path):
    """RFC 5545 3.6: a VCALENDAR holds at least one component; a component without maintenance gets
    the site's zone as a VTIMEZONE (it shows nothing), and the same input gives the same bytes."""
    root = FIXTURE_SITE if which == "fixture" else REPO
    made = render(root)
    assert made == render(root)
    empty = 0
    for path, ics in made.items():
        calendar = icalendar.Calendar.from_ical(ics)
        assert calendar.subcomponents, path
        parsed = vobject.readOne(ics.decode("utf-8"))
        assert parsed.getChildren(), path
        if not calendar.walk("VEVENT"):
            empty += 1
            (zone,) = calendar.walk("VTIMEZONE")
            assert str(zone["TZID"]) == load_all(ProjectPaths.at(root)).site.time_zone.key
            assert hasattr(parsed, "vtimezone"), path
    if which == "fixture":
        assert empty >= 1  # the fixture has a component that was never maintained
