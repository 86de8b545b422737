"""RSS and Atom feeds as a subscriber's reader receives them, read back with feedparser."""

from __future__ import annotations

import calendar
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURE_SITE, GOOD_INCIDENT, invoke, write_incident
from generator.facts.derive import derive
from generator.outputs.feeds import MEDIA_TYPES, entry_feed_files, render_feeds
from generator.input.load import ProjectPaths, load_all
from generator.outputs.templating import Renderer

BASE = "https://status.acme.test/"
FORMATS = ("rss", "atom")
SLUGS = [
    "2025-12-31-new-year-notice",
    "2026-03-02-api-errors",
    "2026-03-05-email-maintenance",
    "2026-03-10-dashboard-slow",
    "2026-04-01-api-migration",
]


def render(root: Path, now: datetime | None = None) -> dict[str, bytes]:
    """Every feed file of the site at ``root``, built in-process (open entries judged at ``now``)."""
    r = Renderer(derive(load_all(ProjectPaths.at(root)), now=now))
    entry_feeds = entry_feed_files(r)
    files = [*render_feeds(r), *(f for facts in r.report.entries for f in entry_feeds(facts))]
    return {f.path: f.content for f in files}


#: The fixture's latest change: its open incident is judged there, a day after its broken promise.
JUDGED_AT = datetime.fromisoformat("2026-03-11T09:00:00-04:00")


@pytest.fixture(scope="module")
def fixture_feeds() -> dict[str, bytes]:
    return render(FIXTURE_SITE, now=JUDGED_AT)


def parse(feeds: dict[str, bytes], path: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feeds[path])
    assert parsed.bozo == 0, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def utc(struct) -> datetime:
    """feedparser's *_parsed values are UTC struct_time."""
    return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc)


def changed_at(entry) -> datetime:
    """When an entry last changed: Atom's <updated>; RSS has only <pubDate> for it."""
    return utc(entry.updated_parsed if "updated" in entry else entry.published_parsed)


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def ids(parsed) -> list[str]:
    return [e.id for e in parsed.entries]


def expected_news_ids(root: Path, slugs: list[str] | None = None) -> set[str]:
    """Every update, apology, compensation and postmortem in the YAML, as its permanent id."""
    found = set()
    for incident in load_all(ProjectPaths.at(root)).incidents:
        if slugs is not None and incident.slug not in slugs:
            continue
        page = f"{BASE}incidents/{incident.slug}/"
        found |= {page + "#" + u.anchor for u in incident.updates}
        found |= {page + "#" + name for name in ("apology", "compensation", "postmortem") if getattr(incident, name)}
    return found


# ---------------------------------------------------------------- every feed


def test_every_feed_exists_in_both_formats_and_parses_cleanly(fixture_feeds):
    names = ["feeds/incidents", "feeds/updates", *(f"feeds/components/{c}" for c in ("api", "dashboard", "email"))]
    names += [f"incidents/{slug}/feed" for slug in SLUGS]
    names += ["incidents/2026-03-02-api-outage/feed"]  # the renamed incident's former address
    assert sorted(fixture_feeds) == sorted(f"{name}.{fmt}" for name in names for fmt in FORMATS)
    for path in fixture_feeds:
        parsed = parse(fixture_feeds, path)
        assert parsed.version == ("rss20" if path.endswith(".rss") else "atom10")
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [BASE + path.replace("api-outage", "api-errors")]


def test_rss_and_atom_say_the_same(fixture_feeds):
    for path in fixture_feeds:
        if not path.endswith(".rss"):
            continue
        rss, atom = parse(fixture_feeds, path), parse(fixture_feeds, path[: -len("rss")] + "atom")
        assert rss.feed.link == atom.feed.link  # the HTML page, not the feed itself
        assert utc(rss.feed.updated_parsed) == utc(atom.feed.updated_parsed)
        for r, a in zip(rss.entries, atom.entries, strict=True):
            assert (r.id, r.title, r.link, r.author) == (a.id, a.title, a.link, a.author)
            assert changed_at(r) == changed_at(a)
            assert [t.term for t in r.tags] == [t.term for t in a.tags]


# ---------------------------------------------------------------- the updates feed


def test_updates_feed_has_one_item_per_update_and_per_published_apology_compensation_postmortem(fixture_feeds):
    parsed = parse(fixture_feeds, "feeds/updates.atom")
    assert len(parsed.entries) == 14
    assert set(ids(parsed)) == expected_news_ids(FIXTURE_SITE)
    assert parsed.feed.title == "Acme Cloud Status: all updates"
    assert parsed.feed.link == BASE
    published = [utc(e.published_parsed) for e in parsed.entries]
    assert published == sorted(published, reverse=True), "newest first"
    first = parsed.entries[0]
    assert first.title == "Scheduled — API database migration"
    assert first.id == BASE + "incidents/2026-04-01-api-migration/#u-20260311t130000z"
    assert first.link == BASE + "incidents/2026-04-01-api-migration/"
    assert first.updated == "2026-03-11T09:00:00-04:00"  # in the site's zone, with its offset
    assert first.author == "Acme Cloud"
    by_id = {e.id: e for e in parsed.entries}
    api = BASE + "incidents/2026-03-02-api-errors/"
    assert by_id[api + "#apology"].title == "Apology — Elevated API error rates"
    assert by_id[api + "#compensation"].title == "Compensation — Elevated API error rates"
    assert by_id[api + "#postmortem"].title == "Postmortem — Elevated API error rates"
    assert by_id[api + "#u-20260302t160500z"].title == "Resolved — Elevated API error rates"
    assert utc(by_id[api + "#postmortem"].published_parsed) == stamp("2026-03-09T12:00:00-04:00")
    assert [t.term for t in by_id[api + "#apology"].tags] == ["API", "Major impact"]


def test_item_content_is_the_rendered_message(fixture_feeds):
    parsed = parse(fixture_feeds, "feeds/updates.atom")
    by_id = {e.id: e for e in parsed.entries}
    investigating = by_id[BASE + "incidents/2026-03-10-dashboard-slow/#u-20260310t120000z"]
    html = BeautifulSoup(investigating.content[0].value, "html.parser")
    assert [p.get_text() for p in html.find_all("p")] == [
        "The dashboard is slow. We are looking into it.",
        "Next update promised by 10 Mar 2026, 09:00 UTC-04:00.",
    ]
    identified = BeautifulSoup(by_id[BASE + "incidents/2026-03-02-api-errors/#u-20260302t152000z"].content[0].value, "html.parser")
    assert identified.find_all("p")[-1].get_text() == "Components: API: Major outage"
    apology = BeautifulSoup(by_id[BASE + "incidents/2026-03-02-api-errors/#apology"].content[0].value, "html.parser")
    assert apology.blockquote.get_text(strip=True) == "We let you down. I am sorry."
    assert "Ada Lovelace, CTO" in apology.get_text()
    assert apology.find("a", string="Watch the video apology")["href"] == "https://video.acme.test/sorry"


def test_news_ids_are_heading_ids_of_the_incident_page(built_fixture_site):
    """A guid marked isPermaLink opens the item itself: the fragment exists on the page."""
    root = ET.parse(built_fixture_site / "feeds" / "updates.rss").getroot()
    guids = root.findall("./channel/item/guid")
    assert guids and all(g.get("isPermaLink") == "true" for g in guids)
    for guid in guids:
        page, fragment = guid.text.removeprefix(BASE).split("#")
        html = BeautifulSoup((built_fixture_site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert html.find(id=fragment) is not None, f"{guid.text}: no element with id {fragment}"


# ---------------------------------------------------------------- the incidents feed


def test_incidents_feed_has_one_entry_per_entry_with_its_whole_trail(fixture_feeds):
    parsed = parse(fixture_feeds, "feeds/incidents.atom")
    assert ids(parsed) == [  # most recently changed first
        BASE + "incidents/2026-04-01-api-migration/",
        BASE + "incidents/2026-03-10-dashboard-slow/",
        BASE + "incidents/2026-03-02-api-errors/",
        BASE + "incidents/2026-03-05-email-maintenance/",
        BASE + "incidents/2025-12-31-new-year-notice/",
    ]
    api = parsed.entries[2]
    assert api.title == "Resolved — Elevated API error rates"
    assert api.link == api.id
    assert utc(api.published_parsed) == stamp("2026-03-02T10:00:00-05:00")  # first update
    assert utc(api.updated_parsed) == stamp("2026-03-09T12:00:00-04:00")  # postmortem: the newest change
    rss_api = parse(fixture_feeds, "feeds/incidents.rss").entries[2]
    assert rss_api.published == "Mon, 09 Mar 2026 12:00:00 -0400"  # RSS's only item date moves with the entry
    trail = BeautifulSoup(api.content[0].value, "html.parser")
    assert [h.get_text() for h in trail.find_all("h3")] == [
        "How we communicated",
        "Postmortem · 9 Mar 2026, 12:00 UTC-04:00",
        "Compensation · 3 Mar 2026, 12:00 UTC-05:00",
        "Apology · 3 Mar 2026, 12:00 UTC-05:00",
        "Resolved · 2 Mar 2026, 11:05 UTC-05:00",
        "Identified · 2 Mar 2026, 10:20 UTC-05:00",
        "Investigating · 2 Mar 2026, 10:00 UTC-05:00",
    ]
    assert trail.p.get_text() == "Incident · Major impact · Status: Resolved"
    # The same accountability figures as the page, with links that work from a reader.
    figures = trail.select_one("ul.frankly-communication")
    assert "First update 10 min after the start of impact." in figures.get_text(" ")
    dashboard = BeautifulSoup(parsed.entries[1].content[0].value, "html.parser").select_one("ul.frankly-communication")
    assert [a["href"] for a in dashboard.select("a")] == [BASE + "incidents/2026-03-10-dashboard-slow/#u-20260310t124500z"]
    assert utc(parsed.feed.updated_parsed) == stamp("2026-03-11T09:00:00-04:00")


# ---------------------------------------------------------------- component and incident feeds


def test_component_feeds_hold_only_entries_affecting_that_component(fixture_feeds):
    expected = {
        "api": ["2026-03-02-api-errors", "2026-04-01-api-migration"],
        "dashboard": ["2026-03-10-dashboard-slow"],
        "email": ["2026-03-05-email-maintenance"],
    }
    for component, slugs in expected.items():
        parsed = parse(fixture_feeds, f"feeds/components/{component}.rss")
        assert set(ids(parsed)) == expected_news_ids(FIXTURE_SITE, slugs)
        assert len(parsed.entries) == len(set(ids(parsed)))
        assert parsed.feed.link == f"{BASE}components/{component}/"
        newest = max(utc(e.published_parsed) for e in parsed.entries)
        assert utc(parsed.feed.updated_parsed) == newest  # lastBuildDate: this feed's newest news


def test_a_renamed_incident_keeps_its_old_feed_address(fixture_feeds):
    for fmt in FORMATS:
        old = fixture_feeds[f"incidents/2026-03-02-api-outage/feed.{fmt}"]
        assert old == fixture_feeds[f"incidents/2026-03-02-api-errors/feed.{fmt}"]


def test_incident_feed_follows_one_incident(fixture_feeds):
    parsed = parse(fixture_feeds, "incidents/2026-03-02-api-errors/feed.atom")
    page = BASE + "incidents/2026-03-02-api-errors/"
    assert ids(parsed) == [page + "#postmortem", page + "#compensation", page + "#apology",
                           page + "#u-20260302t160500z", page + "#u-20260302t152000z", page + "#u-20260302t150000z"]
    assert parsed.feed.link == page
    assert parsed.feed.title == "Elevated API error rates (Acme Cloud Status)"


# ---------------------------------------------------------------- a new update


NEW_UPDATE = """\
  - at: 2026-03-12T09:00:00-04:00
    status: monitoring
    message: The index is rebuilt; pages load normally again. We are watching.
"""


def test_one_new_update_adds_exactly_one_item_and_changes_nothing_else(project, fixture_feeds):
    before = fixture_feeds
    path = project / "incidents" / "2026-03-10-dashboard-slow.yaml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_UPDATE, encoding="utf-8")
    after = render(project)
    page = BASE + "incidents/2026-03-10-dashboard-slow/"
    new_id = page + "#u-20260312t130000z"
    changed = {"feeds/updates", "feeds/components/dashboard", "incidents/2026-03-10-dashboard-slow/feed"}
    for fmt in FORMATS:
        for name in changed:
            old, new = parse(before, f"{name}.{fmt}"), parse(after, f"{name}.{fmt}")
            assert ids(new) == [new_id] + ids(old), name  # one new item, on top; every other id identical
            assert new.entries[0].title == "Monitoring — Dashboard is slow"
            assert utc(new.feed.updated_parsed) == stamp("2026-03-12T09:00:00-04:00")
        incidents_old, incidents_new = parse(before, f"feeds/incidents.{fmt}"), parse(after, f"feeds/incidents.{fmt}")
        assert sorted(ids(incidents_new)) == sorted(ids(incidents_old))
        moved = {e.id: e for e in incidents_new.entries}
        kept = {e.id: e for e in incidents_old.entries}
        assert moved[page].title == "Monitoring — Dashboard is slow"
        assert changed_at(moved[page]) == stamp("2026-03-12T09:00:00-04:00")
        assert changed_at(kept[page]) == stamp("2026-03-10T08:45:00-04:00")
        assert ids(incidents_new)[0] == page, "the changed entry moves to the top"
        for entry_id, entry in kept.items():
            if entry_id != page:
                assert (moved[entry_id].title, changed_at(moved[entry_id])) == (entry.title, changed_at(entry))
    untouched = set(before) - {f"{name}.{fmt}" for name in changed | {"feeds/incidents"} for fmt in FORMATS}
    assert untouched and all(after[path] == before[path] for path in untouched), "unrelated feeds keep their bytes"


def test_same_input_gives_the_same_bytes(fixture_feeds):
    assert render(FIXTURE_SITE, now=JUDGED_AT) == fixture_feeds


# ---------------------------------------------------------------- settings and edge cases


def set_site_option(root: Path, text: str) -> None:
    site = root / "site_config" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_max_entries_caps_every_feed_keeping_the_newest(project, fixture_feeds):
    set_site_option(project, "feeds:\n  max_entries: 3\n")
    capped = render(project)
    for path in capped:
        full, short = parse(fixture_feeds, path), parse(capped, path)
        assert ids(short) == ids(full)[:3], path
        assert short.feed.updated == full.feed.updated


def test_max_entries_is_validated_with_its_position(project):
    set_site_option(project, "feeds:\n  max_entries: 0\n")
    result = invoke(project, "check")
    line = len((project / "site_config" / "site.yaml").read_text().splitlines())
    assert (result.exit_code, result.output.splitlines()) == (1, [
        f"site_config/site.yaml:{line}:16: feeds.max_entries: Input should be greater than or equal to 1",
        "1 problem in 1 file.",
    ])


def test_a_component_without_news_has_a_valid_empty_feed_dated_by_the_data(project):
    site = project / "site_config" / "site.yaml"
    site.write_text(site.read_text().replace("components:\n", "components:\n  - id: billing\n    name: Billing\n", 1))
    feeds = render(project)
    for fmt in FORMATS:
        parsed = parse(feeds, f"feeds/components/billing.{fmt}")
        assert parsed.entries == []
        assert utc(parsed.feed.updated_parsed) == stamp("2026-03-11T09:00:00-04:00")  # the site's last change, not the clock


def test_markup_in_a_message_is_sanitized_in_the_feed(project):
    write_incident(project, "2026-05-01-xss.yaml", """\
kind: incident
title: Script <b>test</b>
summary: x
impact: minor
updates:
  - at: 2026-05-01T10:00:00-04:00
    status: investigating
    message: "<script>alert(1)</script> pasted\\n\\n**bold** <img src=x onerror=alert(1)> <iframe src=x></iframe>"
""")
    feeds = render(project)
    for fmt in FORMATS:
        raw = feeds[f"incidents/2026-05-01-xss/feed.{fmt}"]
        # The entry's HTML as a reader's feed client receives it (feedparser would sanitize it again).
        tag = "{http://www.w3.org/2005/Atom}content" if fmt == "atom" else "channel/item/description"
        html = BeautifulSoup(ET.fromstring(raw).find(tag if fmt == "rss" else f".//{tag}").text, "html.parser")
        assert html.find_all(["script", "iframe"]) == []
        assert all(not a.startswith("on") for element in html.find_all(True) for a in element.attrs)
        assert "alert" not in html.get_text() and "pasted" in html.get_text()  # the script is removed, the words stay
        assert str(html.find("strong")) == "<strong>bold</strong>"
        entry = parse(feeds, f"incidents/2026-05-01-xss/feed.{fmt}").entries[0]
        assert entry.title == "Investigating — Script <b>test</b>"  # the title is text, shown as typed


# ---------------------------------------------------------------- pages link their feeds


def alternates(site: Path, url: str) -> list[tuple[str, str]]:
    html = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    # Like a feed reader: any link whose rel tokens include 'alternate', of a feed's type
    # (the maintenance calendars' links are tested in test_calendar.py).
    found = [link for link in html.head.find_all("link", rel="alternate") if link["type"] in MEDIA_TYPES.values()]
    assert all(link["rel"] == ["alternate", "feed"] for link in found)
    return [(link["type"], link["href"]) for link in found]


SITE_WIDE = [
    ("application/rss+xml", BASE + "feeds/updates.rss"),
    ("application/atom+xml", BASE + "feeds/updates.atom"),
    ("application/rss+xml", BASE + "feeds/incidents.rss"),
    ("application/atom+xml", BASE + "feeds/incidents.atom"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "url, own",
    [
        ("", []),
        ("about", []),
        ("history/2026", []),
        ("incidents/2026-03-02-api-errors", [
            ("application/rss+xml", BASE + "incidents/2026-03-02-api-errors/feed.rss"),
            ("application/atom+xml", BASE + "incidents/2026-03-02-api-errors/feed.atom"),
        ]),
        ("components/email", [
            ("application/rss+xml", BASE + "feeds/components/email.rss"),
            ("application/atom+xml", BASE + "feeds/components/email.atom"),
        ]),
    ],
)
def test_every_page_announces_its_feeds(built_fixture_site, url, own):
    links = alternates(built_fixture_site, url)
    assert links == SITE_WIDE + own
    for _, href in links:
        assert (built_fixture_site / href.removeprefix(BASE)).is_file(), href


@pytest.mark.slow
@pytest.mark.parametrize(
    "url, expected",
    [
        ("", ["feeds/updates.rss", "feeds/updates.atom"]),
        ("incidents/2026-03-10-dashboard-slow", ["incidents/2026-03-10-dashboard-slow/feed.rss", "incidents/2026-03-10-dashboard-slow/feed.atom"]),
    ],
)
def test_home_and_incident_pages_show_subscribe_links(built_fixture_site, url, expected):
    page = built_fixture_site / url / "index.html"
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = html.select(".frankly-subscribe a")
    assert [a.get_text() for a in links] == ["RSS", "Atom"]
    targets = [(page.parent / a["href"]).resolve() for a in links]
    assert targets == [(built_fixture_site / path).resolve() for path in expected]
    assert all(t.is_file() for t in targets)


@pytest.mark.slow
def test_the_build_publishes_the_feeds_unchanged(built_fixture_site):
    for path, content in render(FIXTURE_SITE).items():  # a build given no moment: each entry at its latest change
        assert (built_fixture_site / path).read_bytes() == content, path


def test_site_feeds_hold_the_newest_news_of_a_long_history(tmp_path):
    # The feeds read entries most recently changed first and stop early (FeedBuilder.news_feed);
    # they must hold exactly what sorting every item of the history would give.
    from generator.outputs.feeds import news_of
    from generator.bench.synthetic import write_project

    root = write_project(tmp_path / "synthetic", 300, maintenance_every=5)
    # An old incident whose postmortem is the newest news of all: it is read first, and its
    # old updates must not crowd newer ones out of the capped feeds.
    write_incident(root, "2016-01-02-old-but-explained.yaml", """\
kind: incident
title: An old outage, explained at last
summary: The API was down for two hours.
impact: major
components: {api: major_outage, search: major_outage, billing: major_outage, email: major_outage}
updates:
  - {at: 2016-01-02T10:00:00Z, status: investigating, message: Looking.}
  - {at: 2016-01-02T11:00:00Z, status: identified, message: Found it.}
  - {at: 2016-01-02T12:00:00Z, status: resolved, message: Fixed.}
postmortem:
  published_at: 2030-01-01T00:00:00Z
  root_cause: A bad switch.
  changes: We replaced it.
""")
    feeds = render(root)
    r = Renderer(derive(load_all(ProjectPaths.at(root))))
    cap = r.site.feeds.max_entries

    def newest(entries) -> list[str]:
        items = sorted((item for f in entries for item in news_of(r, f)), key=lambda item: item.sort_key, reverse=True)
        return [f"{r.site.base}incidents/{item.facts.slug}/#{item.anchor}" for item in items[:cap]]

    assert ids(parse(feeds, "feeds/updates.atom")) == newest(r.report.entries)
    for component in r.site.components:
        expected = newest(r.report.components[component.id].entries)
        assert len(expected) == cap
        assert ids(parse(feeds, f"feeds/components/{component.id}.atom")) == expected


def test_rss_titles_and_categories_encode_ampersand_and_less_than_as_the_validator_asks(project):
    """RSS: & and < in plain-text elements as &#x26; and &#x3C; (the RSS Advisory Board's
    profile; the W3C validator warns on &amp; and &lt;); every reader decodes the same text."""
    write_incident(project, "2026-05-01-q-and-a.yaml", GOOD_INCIDENT.replace("title: Broken thing", 'title: "Q&A <beta> search & filters"'))
    feeds = render(project)
    raw = feeds["incidents/2026-05-01-q-and-a/feed.rss"].decode("utf-8")
    titles = re.findall(r"<title>([^<]*)</title>", raw)
    assert "Q&#x26;A &#x3C;beta&gt; search &#x26; filters" in " ".join(titles), titles
    assert not [t for t in titles if "&amp;" in t or "&lt;" in t]
    for fmt in ("rss", "atom"):
        parsed = parse(feeds, f"incidents/2026-05-01-q-and-a/feed.{fmt}")
        assert "Q&A <beta> search & filters" in parsed.feed.title
        assert all("Q&A <beta> search & filters" in entry.title for entry in parsed.entries)
