"""The built site as a customer receives it, parsed with a real HTML parser."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import run_frankly, tree_bytes, write_incident

pytestmark = pytest.mark.slow


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_home_says_what_is_broken_now(built_fixture_site):
    home = page(built_fixture_site, "")
    banner = home.select_one(".frankly-banner")
    assert banner["class"] == ["frankly-banner", "frankly-banner--minor"]
    assert text_of(banner.select_one(".frankly-banner__text")) == "Minor service disruption: Dashboard"
    components = {text_of(li.a): text_of(li.select_one(".frankly-badge")) for li in home.select(".frankly-components > li")}
    assert components == {"API": "Operational", "Dashboard": "Degraded performance", "E-mail delivery": "Operational"}
    open_titles = [text_of(a) for a in home.select(".frankly-open h3 a")]
    assert open_titles == ["Dashboard is slow"]
    assert "A database index is missing" in text_of(home.select_one(".frankly-open__latest"))
    upcoming = [text_of(a) for a in home.select("#upcoming-maintenance + ul a")]
    assert upcoming == ["API database migration"]
    recent = [text_of(li.a) for li in home.select("#recent-history + ul li")]
    assert recent == ["E-mail relay upgrade", "Elevated API error rates", "Support hours over New Year"]  # by end time


def test_incident_page_shows_the_whole_story(built_fixture_site):
    doc = page(built_fixture_site, "incidents/2026-03-02-api-errors")
    assert doc.title.string == "Elevated API error rates - Acme Cloud Status"
    main = doc.select_one(".frankly-incident")
    facts = {text_of(dt): text_of(dt.find_next_sibling("dd")) for dt in main.select(".frankly-facts dt")}
    assert facts == {
        "Started": "2 Mar 2026, 09:50 UTC-05:00",
        "Resolved": "2 Mar 2026, 11:05 UTC-05:00",
        "Duration": "1 h 15 min",
        "Affected (at worst)": "API Major outage",
        "Last updated": "9 Mar 2026, 12:00 UTC-04:00",
    }
    updates = doc.select(".frankly-timeline > li")
    assert [u["id"] for u in updates] == ["u-20260302t160500z", "u-20260302t152000z", "u-20260302t150000z"]  # newest first
    assert [u.time["datetime"] for u in updates] == ["2026-03-02T11:05:00-05:00", "2026-03-02T10:20:00-05:00", "2026-03-02T10:00:00-05:00"]
    assert [h.get_text().rstrip("¶") for h in doc.select("h2")][:5] == ["Timeline", "Apology", "Compensation", "Postmortem", "How we communicated"]
    assert "Ada Lovelace, CTO" in text_of(doc.select_one(".frankly-apology__by"))
    assert doc.select_one(".frankly-apology__links a")["href"] == "https://video.acme.test/sorry"
    assert "claim by 30 Apr 2026" in text_of(doc.select_one(".frankly-compensation__when"))
    assert [text_of(td) for td in doc.select(".frankly-actions tbody td")] == ["Staged flag rollout", "Platform team", "31 Mar 2026", "Done"]


def test_pages_are_permanent_addresses_and_out_of_the_nav(built_fixture_site):
    for slug in ["2026-03-02-api-errors", "2026-03-10-dashboard-slow", "2026-03-05-email-maintenance", "2026-04-01-api-migration", "2025-12-31-new-year-notice"]:
        assert (built_fixture_site / "incidents" / slug / "index.html").is_file()
    nav_links = [a["href"] for a in page(built_fixture_site, "").select("nav.md-nav--primary a.md-nav__link")]
    assert not [href for href in nav_links if "incidents/" in href], "incident pages must stay out of the navigation"


def test_history_is_by_year_and_components_have_pages(built_fixture_site):
    index = page(built_fixture_site, "history")
    assert [text_of(li) for li in index.select(".frankly-years li")] == ["2026 4 entries", "2025 1 entry"]
    year = page(built_fixture_site, "history/2026")
    assert [text_of(li.a) for li in year.select(".frankly-entries li")] == [
        "API database migration", "Dashboard is slow", "E-mail relay upgrade", "Elevated API error rates"
    ]
    api = page(built_fixture_site, "components/api")
    assert text_of(api.select_one(".frankly-state")) == "Status now: Operational"
    assert [a["href"] for a in api.select(".frankly-entries a")] == [
        "../../incidents/2026-04-01-api-migration/", "../../incidents/2026-03-02-api-errors/"
    ]


def test_search_index_has_each_update_of_each_incident(built_fixture_site):
    import json

    docs = json.loads((built_fixture_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    by_location = {d["location"]: d for d in docs}
    page = "incidents/2026-03-10-dashboard-slow/"
    assert by_location[page]["title"] == "Dashboard is slow"
    assert by_location[page]["text"].startswith("<p>Incident · Minor impact · Identified</p><p>Dashboard pages take")
    update = by_location[page + "#u-20260310t124500z"]
    assert (update["title"], update["text"]) == ("Identified · 10 Mar 2026, 08:45 UTC-04:00", "<p>A database index is missing; we are rebuilding it.</p>")
    assert by_location["incidents/2026-03-02-api-errors/#postmortem"]["text"].startswith("<p>A config flag was flipped")
    # Each incident is indexed once, from the data; hand-written pages still by Material.
    assert sum(1 for d in docs if d["location"] == page) == 1
    assert any(d["location"].startswith("about/") for d in docs)


def test_alias_redirects_to_the_canonical_page(built_fixture_site):
    doc = page(built_fixture_site, "incidents/2026-03-02-api-outage")
    assert doc.find("link", rel="canonical")["href"] == "https://status.acme.test/incidents/2026-03-02-api-errors/"
    assert doc.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=../2026-03-02-api-errors/"


def test_every_internal_link_resolves(built_fixture_site):
    for html in built_fixture_site.rglob("*.html"):
        doc = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for a in doc.select(".frankly a[href]"):
            href = a["href"]
            if href.startswith(("http", "#", "mailto:", "webcal:")):  # webcal: tests/test_subscribe.py
                continue
            target = (html.parent / href.split("#")[0]).resolve()
            assert (target / "index.html").is_file() or target.is_file(), f"{html}: broken link {href}"


def test_no_network_assets(built_fixture_site):
    """Nothing a page loads comes from another host: the build and the site work offline."""
    for html in built_fixture_site.rglob("*.html"):
        doc = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for node in doc.find_all(tag):
                value = node.get(attr) or ""
                if tag == "link" and node.get("rel") in (["canonical"], ["alternate", "feed"], ["alternate", "calendar"]):
                    continue
                assert not re.match(r"^(https?:)?//", value), f"{html}: external {tag} {value}"


def test_two_builds_are_byte_identical(project, tmp_path):
    assert run_frankly(project, "build").returncode == 0
    first = tree_bytes(project / "site")
    assert run_frankly(project, "build").returncode == 0
    assert tree_bytes(project / "site") == first


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_every_free_text_field_never_becomes_markup(project):
    text = f"""\
kind: incident
title: 'T {PAYLOAD}'
summary: 'S {PAYLOAD}'
impact: major
components:
  api: partial_outage
updates:
  - at: 2026-05-01T10:00:00+00:00
    status: investigating
    message: 'M {PAYLOAD} [link](javascript:alert(1))'
    posted_to:
      - channel: sms
        note: 'N {PAYLOAD}'
apology:
  at: 2026-05-01T12:00:00+00:00
  by: {{name: 'A {PAYLOAD}', role: 'R {PAYLOAD}'}}
  statement: 'St {PAYLOAD}'
compensation:
  at: 2026-05-01T12:00:00+00:00
  offer: 'O {PAYLOAD}'
  eligible: 'E {PAYLOAD}'
  how_to_claim: 'H {PAYLOAD}'
postmortem:
  published_at: 2026-05-02T12:00:00+00:00
  root_cause: 'RC {PAYLOAD}'
  changes: 'C {PAYLOAD}'
  action_items:
    - {{title: 'AI {PAYLOAD}', owner: 'OW {PAYLOAD}'}}
"""
    write_incident(project, "2026-05-01-xss.yaml", text)
    site = project / "site_config" / "site.yaml"
    site.write_text(site.read_text().replace("name: API", f"name: 'API {PAYLOAD}'"))
    result = run_frankly(project, "build")
    assert result.returncode == 0, result.stderr
    pages = list((project / "site").rglob("*.html"))
    assert len(pages) > 10
    for html in pages:
        raw = html.read_text(encoding="utf-8")
        # Escaped text (&lt;script&gt;) is fine; the markup itself must never appear.
        assert '<script>alert("x")' not in raw, f"{html}: script from incident text"
        assert "<img src=x onerror" not in raw and "<img src=\"x\" onerror" not in raw, f"{html}: event handler"
        assert 'href="javascript:' not in raw, f"{html}: javascript: link"
    index = (project / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '<script>alert("x")' not in index and "<img src=x onerror" not in index
    incident = page(project / "site", "incidents/2026-05-01-xss")
    # Titles and names are shown as typed, escaped; Markdown text is sanitized.
    assert text_of(incident.select_one(".frankly-incident h1")) == f"T {PAYLOAD}"
    assert incident.title.string.startswith('T <script>alert("x")</script>')


def test_plain_mkdocs_build_works_through_the_plugin(project):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "incidents" / "2026-03-02-api-errors" / "index.html").is_file()


def test_plain_mkdocs_build_reports_problems_without_traceback(project):
    write_incident(project, "2026-05-01-x.yaml", "kind: incident\ntitle: [unclosed\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "incidents/2026-05-01-x.yaml:3:1: YAML syntax error" in result.stderr


@pytest.mark.slow
def test_a_build_judged_after_the_promise_says_it_is_overdue_without_javascript(tmp_path):
    from conftest import FIXTURE_SITE, copy_project

    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    result = run_frankly(root, "build", "--now", "2026-03-10T11:00:00-04:00")
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "incidents/2026-03-10-dashboard-slow/index.html"):
        soup = BeautifulSoup((root / "site" / page).read_text(encoding="utf-8"), "html.parser")
        promise = soup.select_one(".frankly-promise")
        assert "frankly-promise--overdue" in promise["class"], page
        assert promise.get_text() == "Next update promised by 10 Mar 2026, 10:00 UTC-04:00. Overdue at 10 Mar 2026, 11:00 UTC-04:00.", page


def test_history_shows_the_latest_months_with_summaries_then_the_years(built_fixture_site):
    doc = page(built_fixture_site, "history")
    assert [text_of(h).rstrip(" ¶") for h in doc.select(".frankly-history h2")] == ["April 2026", "March 2026", "December 2025"]
    first = doc.select_one(".frankly-history .frankly-entries li")
    assert text_of(first.select_one(".frankly-entry__head")) == "API database migration Scheduled"
    assert "Maintenance · Minor impact" in text_of(first.select_one(".frankly-entry__meta"))
    assert text_of(first.select_one(".frankly-entry__summary")) == "The API will be read-only for up to an hour."
    assert [a["href"] for a in doc.select(".frankly-years > li > a")] == ["2026/", "2025/"]
    year = page(built_fixture_site, "history/2026")
    assert [h["id"] for h in year.select(".frankly-history h2")] == ["m-2026-04", "m-2026-03"]
