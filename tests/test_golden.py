"""Golden files: key fragments of the built fixed test site, compared byte for byte.

After an intended change, run `make golden` and review `git diff tests/golden`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.outputs.api import to_json

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("FRANKLY_UPDATE_GOLDEN") == "1"

# (golden file, page URL, CSS selector of the fragment users read)
FRAGMENTS = [
    ("home_status.html", "", ".frankly-home"),
    ("incident_api_errors.html", "incidents/2026-03-02-api-errors", "article.md-content__inner"),
    ("incident_dashboard_open.html", "incidents/2026-03-10-dashboard-slow", "article.md-content__inner"),
    ("history_2026.html", "history/2026", ".frankly-history"),
    ("redirect_api_outage.html", "incidents/2026-03-02-api-outage", "html"),
    ("subscribe.html", "subscribe", "article.md-content__inner"),
    ("component_email.html", "components/email", "article.md-content__inner"),
]


@pytest.mark.parametrize("name, url, selector", FRAGMENTS, ids=[f[0] for f in FRAGMENTS])
def test_fragment_matches_golden(built_fixture_site, name, url, selector):
    html = (built_fixture_site / url / "index.html").read_text(encoding="utf-8")
    node = BeautifulSoup(html, "html.parser").select_one(selector)
    assert node is not None, f"{selector} not found in {url or 'home'}"
    actual = str(node).strip() + "\n"
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run `make golden`"
    assert actual == golden.read_text(encoding="utf-8"), f"{name} changed: if intended, run `make golden` and review the diff"


# ---------------------------------------------------------------- JSON API (generator/outputs/api.py)
# Every JSON endpoint of the fixed test site, byte for byte, under tests/golden/api/.
API_FILES = [
    "api/v2/status.json",
    "api/v2/components.json",
    "api/v2/incidents.json",
    "api/v2/incidents/unresolved.json",
    "api/v2/scheduled-maintenances.json",
    "api/v2/scheduled-maintenances/upcoming.json",
    "api/v2/scheduled-maintenances/active.json",
    "api/v2/uptime.json",
    "api/v2/summary.json",
    "incidents/2026-03-02-api-errors/index.json",
    "incidents/2026-03-10-dashboard-slow/index.json",
    "badges/status.json",
    "badges/status.svg",
]


@pytest.mark.parametrize("path", API_FILES)
def test_api_file_matches_golden(built_fixture_site, path):
    actual = (built_fixture_site / path).read_bytes()
    if path.endswith(".json"):
        # Served compact (generator/outputs/api.py to_json); kept indented here so a change reads well in the diff.
        document = json.loads(actual)
        assert actual == to_json(document)
        actual = (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    golden = GOLDEN / "api" / path.replace("/", "__")
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(actual)
    assert golden.is_file(), f"{golden} is missing: run `make golden`"
    assert actual == golden.read_bytes(), f"{path} changed: if intended, run `make golden` and review the diff"


# (golden file, feed path in the built site): compared byte for byte, as readers fetch them
FEEDS = [
    ("feed_updates.rss", "feeds/updates.rss"),
    ("feed_incident_api_errors.atom", "incidents/2026-03-02-api-errors/feed.atom"),
    ("calendar_maintenance.ics", "feeds/maintenance.ics"),  # generator/outputs/calendar.py
]


@pytest.mark.parametrize("name, path", FEEDS, ids=[f[0] for f in FEEDS])
def test_feed_matches_golden(built_fixture_site, name, path):
    actual = (built_fixture_site / path).read_bytes()
    golden = GOLDEN / name
    if UPDATE:
        golden.write_bytes(actual)
    assert golden.is_file(), f"{golden} is missing: run `make golden`"
    assert actual == golden.read_bytes(), f"{name} changed: if intended, run `make golden` and review the diff"
