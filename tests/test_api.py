"""The JSON API as a Statuspage client reads it: every endpoint against the
documented Statuspage v2 field list, values from the fixed test site, stable
ids and order."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.outputs import urls
from generator.outputs.api import LIST_LIMIT, StatuspageApi, to_json
from generator.outputs.api_shapes import ENDPOINTS, STATUSPAGE_OBJECTS, refresh_doc
from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all

from conftest import REPO, run_frankly, write_incident

PYTHON_TYPES = {"string": str, "integer": int, "boolean": bool}


def api_of(root: Path) -> StatuspageApi:
    return StatuspageApi(derive(load_all(ProjectPaths.at(root))))


def read(site: Path, url: str) -> dict:
    return json.loads((site / url).read_text(encoding="utf-8"))


def check_value(value, type_name: str, nullable: bool, where: str, problems: list[str]) -> None:
    if value is None:
        if not nullable:
            problems.append(f"{where}: null, but Statuspage never sends null here")
        return
    if type_name.startswith("list of "):
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list, got {value!r}")
            return
        for index, item in enumerate(value):
            check_value(item, type_name[len("list of "):], False, f"{where}[{index}]", problems)
    elif type_name in STATUSPAGE_OBJECTS:
        check_object(value, type_name, where, problems)
    elif type_name == "timestamp":
        stamp = datetime.fromisoformat(value) if isinstance(value, str) else None
        if stamp is None or stamp.tzinfo is None:
            problems.append(f"{where}: expected an ISO 8601 timestamp with offset, got {value!r}")
    elif type_name == "date":
        if not isinstance(value, str) or date.fromisoformat(value) is None:
            problems.append(f"{where}: expected a date, got {value!r}")
    else:
        expected = PYTHON_TYPES[type_name]
        # bool is an int in Python; JSON keeps them apart, so must we.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(f"{where}: expected {type_name}, got {value!r}")


def check_object(obj, kind: str, where: str, problems: list[str]) -> None:
    if not isinstance(obj, dict):
        problems.append(f"{where}: expected a {kind} object, got {obj!r}")
        return
    fields = STATUSPAGE_OBJECTS[kind]
    for name, field in fields.items():
        if name not in obj:
            if not field.only_on:
                problems.append(f"{where}: {kind} field '{name}' is missing")
            continue
        check_value(obj[name], field.type, field.nullable, f"{where}.{name}", problems)
    unknown = set(obj) - set(fields) - {"frankly"}
    if unknown:
        problems.append(f"{where}: keys Statuspage does not define outside 'frankly': {sorted(unknown)}")


def statuspage_problems(document: dict, shape: dict[str, str], where: str) -> list[str]:
    problems: list[str] = []
    for key, type_name in shape.items():
        if key not in document:
            problems.append(f"{where}: top-level '{key}' missing")
        else:
            check_value(document[key], type_name, False, f"{where}:{key}", problems)
    return problems


# ---------------------------------------------------------------- built site (real `frankly build`)


@pytest.mark.slow
@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_every_endpoint_matches_the_statuspage_field_list(built_fixture_site, url):
    document = read(built_fixture_site, url)
    assert statuspage_problems(document, ENDPOINTS[url], url) == []
    assert set(document) - set(ENDPOINTS[url]) <= {"frankly"}


@pytest.mark.slow
def test_the_checker_catches_what_strict_clients_reject(built_fixture_site):
    """The field-list check itself must fail on a wrong shape, or it proves nothing."""
    document = read(built_fixture_site, urls.API_SUMMARY)
    broken = json.loads(json.dumps(document))
    del broken["components"][1]["position"]
    broken["components"][2]["group"] = "no"
    broken["incidents"][0]["started_at"] = "2026-03-10T08:00:00"
    broken["incidents"][0]["name"] = None
    broken["incidents"][0]["incident_updates"][0]["extra"] = 1
    problems = statuspage_problems(broken, ENDPOINTS[urls.API_SUMMARY], "summary")
    assert problems == [
        "summary:components[1]: component field 'position' is missing",
        "summary:components[2].group: expected boolean, got 'no'",
        "summary:incidents[0].name: null, but Statuspage never sends null here",
        "summary:incidents[0].started_at: expected an ISO 8601 timestamp with offset, got '2026-03-10T08:00:00'",
        "summary:incidents[0].incident_updates[0]: keys Statuspage does not define outside 'frankly': ['extra']",
    ]


@pytest.mark.slow
def test_incident_json_has_everything_the_page_shows(built_fixture_site):
    slug = "2026-03-02-api-errors"
    document = read(built_fixture_site, urls.incident_json(slug))
    assert statuspage_problems(document, {"page": "page", "incident": "incident"}, slug) == []
    incident = document["incident"]
    page = BeautifulSoup((built_fixture_site / urls.incident(slug) / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert incident["name"] == page.select_one(".frankly-incident h1").get_text()
    # The same updates, in the same order (newest first), under the same permanent anchors.
    assert [u["frankly"]["anchor"] for u in incident["incident_updates"]] == [li["id"] for li in page.select(".frankly-timeline > li")]
    assert [datetime.fromisoformat(u["created_at"]) for u in incident["incident_updates"]] == [
        datetime.fromisoformat(li.time["datetime"]) for li in page.select(".frankly-timeline > li")]
    extra = incident["frankly"]
    assert extra["apology"]["by"] == {"name": "Ada Lovelace", "role": "CTO"}
    assert extra["apology"]["video"] == page.select_one(".frankly-apology__links a")["href"]
    assert extra["compensation"]["until"] == "2026-04-30"
    assert extra["postmortem"]["action_items"] == [{"title": "Staged flag rollout", "owner": "Platform team", "due": "2026-03-31", "done": True}]
    assert extra["duration_seconds"] == 75 * 60
    assert extra["affected"] == [{"id": "api", "name": "API", "status": "major_outage", "now": False}]
    assert extra["aliases"] == ["https://status.acme.test/incidents/2026-03-02-api-outage/"]
    posted = incident["incident_updates"][-1]["frankly"]["posted_to"]
    assert posted == [{"channel": "x", "url": "https://x.com/acme/status/1", "note": None}]
    # Every entry, including notices, gets its document next to its page.
    for entry in (built_fixture_site / "incidents").iterdir():
        if (entry / "index.html").is_file() and "refresh" not in (entry / "index.html").read_text(encoding="utf-8"):
            assert (entry / "index.json").is_file(), entry.name


@pytest.mark.slow
def test_same_input_gives_the_same_api_bytes_and_ids(built_fixture_site, project):
    """A second build, elsewhere, of the same input: byte-identical API files (ids and order included)."""
    assert run_frankly(project, "build").returncode == 0
    again = project / "site"
    machine_readable = [p.relative_to(again) for p in again.rglob("*") if p.suffix in (".json", ".svg") or p.parent.name == "embed"]
    assert any(p.as_posix() == urls.API_SUMMARY for p in machine_readable)
    for path in machine_readable:
        assert (again / path).read_bytes() == (built_fixture_site / path).read_bytes(), path


# ---------------------------------------------------------------- values (in-process, fast)


@pytest.fixture
def api(project) -> StatuspageApi:
    return api_of(project)


def test_status_and_page(api):
    status = api.documents()[urls.API_STATUS]
    assert status == {
        "page": {
            "id": "status.acme.test",
            "name": "Acme Cloud Status",
            "url": "https://status.acme.test",
            "time_zone": "America/New_York",
            "updated_at": "2026-03-11T09:00:00.000-04:00",  # the newest timestamp in the data, not the build time
        },
        "status": {"indicator": "minor", "description": "Partially Degraded Service"},
    }


def test_components_with_their_group(api):
    components = api.documents()[urls.API_COMPONENTS]["components"]
    assert [(c["id"], c["position"], c["group"], c["group_id"], c["status"]) for c in components] == [
        ("group:platform", 1, True, None, "degraded_performance"),  # the worst of its members
        ("api", 2, False, "group:platform", "operational"),
        ("dashboard", 3, False, "group:platform", "degraded_performance"),
        ("email", 4, False, None, "operational"),
    ]
    assert components[0]["components"] == ["api", "dashboard"]
    assert [c["description"] for c in components] == [None, "The public REST API.", None, None]


def test_incident_lists_and_their_order(api):
    documents = api.documents()
    ids = lambda url, key: [i["id"] for i in documents[url][key]]  # noqa: E731
    assert ids(urls.API_INCIDENTS, "incidents") == ["2026-03-10-dashboard-slow", "2026-03-02-api-errors"]  # newest first, no notices
    assert ids(urls.API_INCIDENTS_UNRESOLVED, "incidents") == ["2026-03-10-dashboard-slow"]
    assert ids(urls.API_MAINTENANCES, "scheduled_maintenances") == ["2026-04-01-api-migration", "2026-03-05-email-maintenance"]
    assert ids(urls.API_MAINTENANCES_UPCOMING, "scheduled_maintenances") == ["2026-04-01-api-migration"]
    assert ids(urls.API_MAINTENANCES_ACTIVE, "scheduled_maintenances") == []
    assert ids(urls.API_SUMMARY, "incidents") == ["2026-03-10-dashboard-slow"]
    assert ids(urls.API_SUMMARY, "scheduled_maintenances") == ["2026-04-01-api-migration"]
    assert documents[urls.API_SUMMARY]["frankly"] == {"notices": []}


def test_incident_fields_follow_the_timeline(api):
    incident = next(i for i in api.documents()[urls.API_INCIDENTS]["incidents"] if i["id"] == "2026-03-02-api-errors")
    assert (incident["status"], incident["impact"]) == ("resolved", "major")
    assert incident["created_at"] == "2026-03-02T10:00:00.000-05:00"
    assert incident["started_at"] == "2026-03-02T09:50:00.000-05:00"  # impact began before the first update
    assert incident["resolved_at"] == "2026-03-02T11:05:00.000-05:00"
    assert incident["updated_at"] == "2026-03-09T12:00:00.000-04:00"  # the postmortem
    assert incident["monitoring_at"] is None
    assert incident["shortlink"] == "https://status.acme.test/incidents/2026-03-02-api-errors/"
    assert [c["id"] for c in incident["components"]] == ["api"]
    updates = incident["incident_updates"]
    assert [u["id"] for u in updates] == [
        "2026-03-02-api-errors.u-20260302t160500z",
        "2026-03-02-api-errors.u-20260302t152000z",
        "2026-03-02-api-errors.u-20260302t150000z",
    ]
    changes = [[(a["code"], a["old_status"], a["new_status"]) for a in u["affected_components"] or []] for u in updates]
    assert changes == [
        [("api", "major_outage", "operational")],
        [("api", "partial_outage", "major_outage")],
        [("api", "operational", "partial_outage")],
    ]
    assert updates[2]["body"] == "We are investigating elevated error rates on the API."
    assert updates[2]["frankly"]["next_update_by"] == "2026-03-02T10:30:00.000-05:00"


def test_maintenance_window_and_component_changes(api):
    documents = api.documents()
    upcoming = documents[urls.API_MAINTENANCES_UPCOMING]["scheduled_maintenances"][0]
    assert (upcoming["scheduled_for"], upcoming["scheduled_until"]) == ("2026-04-01T02:00:00.000-04:00", "2026-04-01T03:00:00.000-04:00")
    # Announcing names the components, changing nothing yet (as Statuspage lists them: old and new the same).
    assert [(a["code"], a["old_status"], a["new_status"]) for a in upcoming["incident_updates"][0]["affected_components"]] == [
        ("api", "operational", "operational")]
    done = documents[urls.API_MAINTENANCES]["scheduled_maintenances"][1]
    changes = [[(a["code"], a["old_status"], a["new_status"]) for a in u["affected_components"] or []] for u in done["incident_updates"]]
    assert changes == [[("email", "under_maintenance", "operational")], [("email", "operational", "under_maintenance")],
                       [("email", "operational", "operational")]]
    assert done["status"] == "completed" and done["resolved_at"] == "2026-03-05T01:40:00.000-05:00"


MONITORED = """\
kind: incident
title: Login errors
summary: Some logins failed.
impact: critical
components:
  api: major_outage
updates:
  - at: 2026-03-20T10:00:00Z
    status: investigating
    message: "Looking <script>alert(1)</script> **now**."
  - at: 2026-03-20T10:30:00Z
    status: monitoring
    message: Fixed, watching.
    components:
      api: operational
"""


def test_monitoring_at_critical_indicator_and_sanitized_html(project):
    write_incident(project, "2026-03-20-login.yaml", MONITORED)
    documents = api_of(project).documents()
    assert documents[urls.API_STATUS]["status"] == {"indicator": "critical", "description": "Major System Outage"}
    incident = documents[urls.API_INCIDENTS_UNRESOLVED]["incidents"][0]
    assert (incident["id"], incident["status"]) == ("2026-03-20-login", "monitoring")
    assert incident["monitoring_at"] == "2026-03-20T06:30:00.000-04:00"  # in the site's zone, with its offset
    first = incident["incident_updates"][1]
    assert "<script" not in first["frankly"]["body_html"] and "<strong>now</strong>" in first["frankly"]["body_html"]
    # Plain text, as Statuspage sends it: a client that injects body shows prose, never markup or a script.
    assert first["body"] == "Looking now."
    assert first["frankly"]["body_markdown"] == "Looking <script>alert(1)</script> **now**."


def test_ids_survive_a_new_incident(project):
    """Adding an entry changes no existing id and keeps everyone's order."""
    before = api_of(project).documents()
    write_incident(project, "2026-03-20-login.yaml", MONITORED)
    after = api_of(project).documents()
    old_ids = [(i["id"], [u["id"] for u in i["incident_updates"]]) for i in before[urls.API_INCIDENTS]["incidents"]]
    new_ids = [(i["id"], [u["id"] for u in i["incident_updates"]]) for i in after[urls.API_INCIDENTS]["incidents"]]
    assert new_ids[0][0] == "2026-03-20-login" and new_ids[1:] == old_ids
    assert [c["id"] for c in after[urls.API_COMPONENTS]["components"]] == [c["id"] for c in before[urls.API_COMPONENTS]["components"]]


def test_incident_list_stops_at_fifty_most_recent(project):
    for day in range(1, 53):
        write_incident(project, f"2025-0{1 + day // 28}-{1 + day % 28:02d}-blip-{day}.yaml", MONITORED.replace(
            "2026-03-20T10:00:00Z", f"2025-0{1 + day // 28}-{1 + day % 28:02d}T10:00:00Z").replace(
            "2026-03-20T10:30:00Z", f"2025-0{1 + day // 28}-{1 + day % 28:02d}T10:30:00Z"))
    documents = api_of(project).documents()
    listed = documents[urls.API_INCIDENTS]["incidents"]
    assert len(listed) == LIST_LIMIT
    starts = [i["started_at"] for i in listed]
    assert starts == sorted(starts, reverse=True)
    assert listed[0]["id"] == "2026-03-10-dashboard-slow"
    assert len(documents[urls.API_INCIDENTS_UNRESOLVED]["incidents"]) == 53  # unresolved are never cut off


def test_group_names_that_differ_only_in_punctuation_get_distinct_ids(project):
    site = project / "site_config" / "site.yaml"
    site.write_text(site.read_text().replace("  - id: email\n    name: E-mail delivery\n",
                                             "  - id: email\n    name: E-mail delivery\n    group: platform!\n"))
    components = api_of(project).documents()[urls.API_COMPONENTS]["components"]
    groups = [(c["id"], c["name"], c["components"]) for c in components if c["group"]]
    assert groups == [("group:platform", "Platform", ["api", "dashboard"]), ("group:platform-2", "platform!", ["email"])]


def test_json_bytes_are_stable_and_compact():
    assert to_json({"b": "ü", "a": [1, None]}) == '{"a":[1,null],"b":"ü"}\n'.encode("utf-8")


def test_statuses_after_each_update_end_where_derive_says(project):
    for facts in derive(load_all(ProjectPaths.at(project))).entries:
        assert facts.statuses_after_each_update[-1] == facts.component_statuses, facts.slug


def test_api_doc_lists_the_fields_the_tests_check():
    doc = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    assert refresh_doc(doc) == doc, "docs/api.md is out of date: run `make golden` and review the diff"
    assert "| `scheduled_until` | timestamp | no |" in doc
    for url in ENDPOINTS:
        assert f"`/{url}`" in doc, url
