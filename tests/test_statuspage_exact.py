"""The JSON is Statuspage's, key by key: every key real responses carry, each
of the type real responses give it, timestamps a fixed-format parser copied
from real clients reads, and Statuspage's own sentences and impacts
(tests/fixtures/statuspage/observed.json says where each was seen)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, copy_project, run_frankly, write_incident
from generator.outputs.api_shapes import ENDPOINTS

OBSERVED = json.loads((Path(__file__).parent / "fixtures" / "statuspage" / "observed.json").read_text(encoding="utf-8"))
#: The layout real clients parse with (Go: "2006-01-02T15:04:05.000Z07:00", Python: this).
FIXED_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"
MILLISECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(?:Z|[+-]\d\d:\d\d)$")


def read(site: Path, url: str) -> dict:
    return json.loads((site / url).read_text(encoding="utf-8"))


def walk(value, kind: str, where: str):
    """(object, its kind, where) for every Statuspage object in a document."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, kind, f"{where}[{index}]")
        return
    yield value, kind, where
    if kind in ("incident", "scheduled_maintenance"):
        yield from walk(value["incident_updates"], "incident_update", f"{where}.incident_updates")
        yield from walk(value["components"], "component", f"{where}.components")
    if kind == "incident_update" and value["affected_components"]:
        yield from walk(value["affected_components"], "affected_component", f"{where}.affected_components")


def objects(document: dict, url: str):
    kinds = {"page": "page", "status": "status", "components": "component", "incidents": "incident",
             "scheduled_maintenances": "scheduled_maintenance", "incident": "incident"}
    for key, kind in kinds.items():
        if key in document:
            yield from walk(document[key], kind, f"{url}:{key}")


def type_of(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str) and MILLISECONDS.match(value):
        return "timestamp"
    return "string" if isinstance(value, str) else type(value).__name__


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The fixture site plus an open maintenance being verified: every kind of object occurs."""
    root = copy_project(FIXTURE_SITE, tmp_path_factory.mktemp("exact") / "project")
    write_incident(root, "2026-04-02-db-upgrade.yaml", """\
kind: maintenance
title: Database upgrade
summary: We upgrade the database.
impact: minor
components:
  api: under_maintenance
window:
  start: 2026-04-03T02:00:00-04:00
  end: 2026-04-03T04:00:00-04:00
updates:
  - at: 2026-04-02T10:00:00-04:00
    status: scheduled
    message: We will upgrade the database.
  - at: 2026-04-03T02:00:00-04:00
    status: in_progress
    message: "The upgrade has **begun**: see <https://example.com/notes> & the [plan](https://example.com/plan)."
  - at: 2026-04-03T03:30:00-04:00
    status: verifying
    message: Checking.
""")
    result = run_frankly(root, "build")
    assert result.returncode == 0, result.stderr
    return root / "site"


def documents(site: Path):
    for url in ENDPOINTS:
        yield url, read(site, url)
    for path in sorted((site / "incidents").glob("*/index.json")):
        yield path.relative_to(site).as_posix(), json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_every_object_has_every_key_real_responses_have_with_their_types(site: Path):
    problems, seen = [], set()
    for url, document in documents(site):
        for obj, kind, where in objects(document, url):
            seen.add(kind)
            missing = [key for key in OBSERVED["keys"][kind] if key not in obj]
            if missing:
                problems.append(f"{where}: missing {missing}")
            for key, wanted in OBSERVED["types"].get(kind, {}).items():
                if key in obj and type_of(obj[key]) not in wanted.split("|"):
                    problems.append(f"{where}.{key}: {type_of(obj[key])}, real responses send {wanted}")
    assert problems == []
    assert seen == set(OBSERVED["keys"])


@pytest.mark.slow
def test_timestamps_read_with_the_fixed_format_of_real_clients(site: Path):
    for example in OBSERVED["timestamp_examples"]:  # the parser reads real responses...
        datetime.strptime(example, FIXED_FORMAT)
    stamps = []
    for url, document in documents(site):
        text = json.dumps(document)
        stamps += re.findall(r'"(\d{4}-\d\d-\d\dT[^"]*)"', text)
    assert stamps
    for stamp in stamps:  # ...and ours, each with milliseconds and the page's offset
        assert MILLISECONDS.match(stamp), stamp
        assert datetime.strptime(stamp, FIXED_FORMAT).utcoffset() is not None
    assert read(site, "api/v2/status.json")["page"]["updated_at"].endswith("-04:00")  # America/New_York in April


@pytest.mark.slow
def test_descriptions_impacts_and_the_page_url_are_statuspages(site: Path):
    summary = read(site, "api/v2/summary.json")
    assert summary["status"]["description"] in OBSERVED["descriptions"]
    assert summary["page"]["url"] == "https://status.acme.test"  # no trailing slash, like every real page
    for url, document in documents(site):
        for obj, kind, where in objects(document, url):
            if kind in OBSERVED["impacts"] and obj["frankly"]["kind"] != "notice":
                real = "scheduled_maintenance" if obj["frankly"]["kind"] == "maintenance" else "incident"
                assert obj["impact"] in OBSERVED["impacts"][real], where


@pytest.mark.slow
def test_a_maintenance_means_what_it_means_on_statuspage(site: Path):
    maintenance = next(m for m in read(site, "api/v2/scheduled-maintenances.json")["scheduled_maintenances"] if m["id"] == "2026-04-02-db-upgrade")
    assert maintenance["impact"] == "maintenance"
    assert maintenance["created_at"] == maintenance["started_at"] == "2026-04-02T10:00:00.000-04:00"  # announced
    assert maintenance["scheduled_for"] == "2026-04-03T02:00:00.000-04:00"
    assert maintenance["monitoring_at"] == "2026-04-03T03:30:00.000-04:00"  # the verifying update
    first = maintenance["incident_updates"][-1]
    assert first["affected_components"] == [{"code": "api", "name": "API", "old_status": "operational", "new_status": "operational"}]
    begun = maintenance["incident_updates"][1]
    assert begun["affected_components"] == [{"code": "api", "name": "API", "old_status": "operational", "new_status": "under_maintenance"}]
    assert (begun["deliver_notifications"], begun["custom_tweet"], begun["tweet_id"]) == (True, None, None)


@pytest.mark.slow
def test_body_is_plain_text_and_the_markup_stays_in_frankly(site: Path):
    maintenance = read(site, "incidents/2026-04-02-db-upgrade/index.json")["incident"]
    begun = maintenance["incident_updates"][1]
    assert begun["body"] == "The upgrade has begun: see https://example.com/notes & the plan."
    assert begun["frankly"]["body_markdown"].startswith("The upgrade has **begun**")
    assert "<strong>begun</strong>" in begun["frankly"]["body_html"]


def test_the_status_sentence_follows_the_components(project: Path):
    def description(*statuses: str) -> str:
        for old in (project / "incidents").iterdir():
            old.unlink()
        components = "\n".join(f"  {cid}: {status}" for cid, status in zip(("api", "dashboard", "email"), statuses))
        write_incident(project, "2026-05-01-x.yaml", f"""\
kind: incident
title: Something
summary: Something.
impact: minor
components:
{components}
updates:
  - at: 2026-05-01T10:00:00+00:00
    status: investigating
    message: Looking.
""")
        from generator.facts.derive import derive
        from generator.input.load import ProjectPaths, load_all

        return derive(load_all(ProjectPaths.at(project))).statuspage_description

    assert description("degraded_performance") == "Partially Degraded Service"
    assert description("partial_outage") == "Minor Service Outage"
    assert description("major_outage") == "Partial System Outage"
    assert description("operational") == "Partially Degraded Service"  # an incident of minor impact, no component down
    assert description("major_outage", "major_outage") == "Partial System Outage"  # not every component
    assert description("major_outage", "major_outage", "major_outage") == "Major System Outage"
