"""Every validation rule: the exact FILE:LINE:COL text an editor reads, exit code 1,
and a previous site left untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GOOD_INCIDENT, invoke, run_frankly, tree_bytes, wait_for, write_incident
from generator.input.load import ProjectPaths, load_all
from generator.input.problems import InvalidInput

GOOD = GOOD_INCIDENT
F = "incidents/2026-05-01-x.yaml"


def problems(root: Path, name: str, text: str) -> list[str]:
    """Problems reported when ``text`` is the only incident file of the test site."""
    for old in (root / "incidents").iterdir():
        old.unlink()
    write_incident(root, name, text)
    with pytest.raises(InvalidInput) as caught:
        load_all(ProjectPaths.at(root))
    return [str(p) for p in caught.value.problems.sorted()]


def test_valid_file_has_no_problem(project):
    for old in (project / "incidents").iterdir():
        old.unlink()
    write_incident(project, "2026-05-01-x.yaml", GOOD)
    catalog = load_all(ProjectPaths.at(project))
    assert [i.slug for i in catalog.incidents] == ["2026-05-01-x"]


CASES = {
    "alias inside itself": (
        GOOD.replace("components:\n  api: partial_outage\n", "components: &loop\n  api: *loop\n"),
        [f"{F}:6:3: an alias (*name) here refers to the mapping or list that contains it; write the values out"],
    ),
    "duplicate key": (
        GOOD.replace("impact: minor\n", "impact: minor\nimpact: major\n"),
        [f"{F}:5:1: duplicate key 'impact' (first at line 4); YAML would silently keep only the last one: remove or rename one of them"],
    ),
    "number where text is expected": (
        GOOD.replace("title: Broken thing", "title: 12.5"),
        [f"{F}:2:8: title: expected text, got the number 12.5; put the value in quotes if you mean it as text"],
    ),
    "yes is not a boolean": (
        GOOD.replace("    message: Fixed.\n", "    message: Fixed.\n    reopens: yes\n"),
        [f"{F}:14:14: updates #2.reopens: expected true or false, got 'yes'"],
    ),
    "invalid lifecycle status": (
        GOOD.replace("status: investigating", "status: investigatin"),
        [f"{F}:9:13: 'investigatin' is not a status for an incident; use one of: investigating, identified, monitoring, resolved"],
    ),
    "unknown component": (
        GOOD.replace("  api: partial", "  apii: partial"),
        [f"{F}:6:3: unknown component 'apii' (did you mean 'api'?); components in site_config/site.yaml: api, dashboard, email"],
    ),
    "invalid component status": (
        GOOD.replace("  api: partial_outage", "  api: down"),
        [f"{F}:6:8: components.api: 'down' is not allowed; use one of: operational, degraded_performance, partial_outage, major_outage, under_maintenance"],
    ),
    "timestamp without time zone": (
        GOOD.replace("2026-05-01T11:00:00+00:00", "2026-05-01T11:00:00"),
        [f"{F}:11:9: updates #2.at: timestamp '2026-05-01T11:00:00' has no time zone; add the UTC offset, e.g. '2026-05-01T11:00:00+01:00' or '2026-05-01T11:00:00Z' (or set timestamps_without_offset: site_time_zone in site.yaml)"],
    ),
    "updates out of order": (
        GOOD.replace("2026-05-01T11:00:00+00:00", "2026-05-01T09:00:00+00:00"),
        [f"{F}:11:9: this update (2026-05-01T09:00:00+00:00) is earlier than the one before it (2026-05-01T10:00:00+00:00); list updates oldest first and check the date and offset"],
    ),
    "reopened without saying so": (
        GOOD + "  - at: 2026-05-01T12:00:00+00:00\n    status: investigating\n    message: Again.\n",
        [f"{F}:15:13: this update reopens the incident, which was resolved at 2026-05-01T11:00:00+00:00; if that is what happened, add 'reopens: true' to this update, otherwise fix its status"],
    ),
    "resolution before the start": (
        GOOD.replace("impact: minor\n", "impact: minor\nimpact_started_at: 2026-05-01T12:00:00+00:00\n"),
        [
            f"{F}:5:20: impact_started_at is after the first update (2026-05-01T10:00:00+00:00); it is for impact that began before the first post; remove it or fix the time",
            f"{F}:5:20: the incident is resolved at 2026-05-01T11:00:00+00:00, before its impact started (2026-05-01T12:00:00+00:00); check both times and their offsets",
        ],
    ),
    "typo in a key": (
        GOOD.replace("title:", "titel:"),
        [f"{F}:2:1: unknown key 'titel' (did you mean 'title'?); allowed keys: kind, title, summary, impact, components, impact_started_at, window, updates, apology, compensation, postmortem, aliases, translations"],
    ),
    "missing key": (
        GOOD.replace("summary: Something broke.\n", ""),
        [f"{F}:1:1: required key 'summary' is missing"],
    ),
    "colon inside unquoted text": (
        GOOD.replace("summary: Something broke.", "summary: Note: it broke."),
        [f"{F}:3:14: YAML syntax error: mapping values are not allowed in this context; text containing ': ' must be quoted (\"...\") or written as a block after '|' on the next lines"],
    ),
    "tab indentation": (
        GOOD.replace("  api: partial_outage", "\tapi: partial_outage"),
        [f"{F}:6:1: YAML syntax error: while scanning for the next token, found character that cannot start any token; this line is indented with a tab; YAML needs spaces"],
    ),
    "javascript link": (
        GOOD.replace("    message: Fixed.\n", "    message: Fixed.\n    posted_to:\n      - javascript:alert(1)\n"),
        [f"{F}:15:9: updates #2.posted_to #1.url: expected a web address starting with https:// (or http://), got 'javascript:alert(1)'"],
    ),
    "bad next_update promise": (
        GOOD.replace("    message: Looking.\n", "    message: Looking.\n    next_update: soon\n"),
        [f"{F}:11:18: updates #1.next_update: next_update must be a duration such as 30m, 1h or 2h30m, or a timestamp such as 2026-11-20T10:00:00+01:00; got 'soon'"],
    ),
    "unknown kind": (
        GOOD.replace("kind: incident", "kind: outage"),
        [f"{F}:1:7: kind: 'outage' is not allowed; use one of: incident, maintenance, notice"],
    ),
    "maintenance without window": (
        GOOD.replace("kind: incident", "kind: maintenance").replace("investigating", "scheduled").replace("resolved", "completed"),
        [f"{F}:1:7: a maintenance needs its window: add 'window:' with 'start:' and 'end:' timestamps"],
    ),
    "empty file": ("", [f"{F}:1:1: the file must be a YAML mapping of keys (title:, updates:, ...), but it is empty"]),
    "empty timeline": (GOOD[: GOOD.index("updates:")] + "updates: []\n", [f"{F}:7:10: updates: needs at least one item"]),
    "slug written in the file": (
        "slug: other\n" + GOOD,
        [f"{F}:1:1: remove 'slug': the address comes from the file name (2026-05-01-x)"],
    ),
    # Two updates at the same time are told apart by their order (u-...-2); only ids typed twice clash.
    "duplicate explicit update id": (
        GOOD.replace("    message: Looking.\n", "    message: Looking.\n    id: same\n").replace("    message: Fixed.\n", "    message: Fixed.\n    id: same\n"),
        [f"{F}:15:9: two updates have the id 'same' (the other is update #1); give one of them its own 'id:' or a different time"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_reports_exact_position_and_message(project, case):
    text, expected = CASES[case]
    assert problems(project, "2026-05-01-x.yaml", text) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("2026-13-01-X.yaml", "incidents/2026-13-01-X.yaml:1:1: the file name must be YYYY-MM-DD-short-slug.yaml with a real date and only lower-case letters, digits and hyphens, e.g. 2026-11-20-messaging-outage.yaml; it becomes the permanent address, so rename the file"),
        ("2026-05-01-x.yml", "incidents/2026-05-01-x.yml:1:1: incident files end in .yaml; rename it to 2026-05-01-x.yaml"),
    ],
)
def test_file_name_rules(project, name, expected):
    assert problems(project, name, GOOD) == [expected]


def test_duplicate_slug_through_alias(project):
    write_incident(project, "2026-05-01-x.yaml", GOOD)
    write_incident(project, "2026-05-02-y.yaml", GOOD.replace("kind: incident", "kind: incident\naliases:\n  - 2026-05-01-x"))
    with pytest.raises(InvalidInput) as caught:
        load_all(ProjectPaths.at(project))
    assert [str(p) for p in caught.value.problems.sorted()] == [
        "incidents/2026-05-02-y.yaml:3:5: duplicate slug '2026-05-01-x': already used by incidents/2026-05-01-x.yaml; an address can point to one entry only"
    ]


def test_yaml_11_words_stay_text(project):
    """`title: no` and `on` are text (YAML 1.2), never silently the boolean false/true."""
    for old in (project / "incidents").iterdir():
        old.unlink()
    write_incident(project, "2026-05-01-x.yaml", GOOD.replace("title: Broken thing", "title: no").replace("summary: Something broke.", "summary: on"))
    incident = load_all(ProjectPaths.at(project)).incidents[0]
    assert (incident.title, incident.summary) == ("no", "on")


def test_naive_timestamps_may_take_the_site_zone_when_configured(project):
    site = project / "site_config" / "site.yaml"
    site.write_text(site.read_text() + "timestamps_without_offset: site_time_zone\n")
    write_incident(project, "2026-05-01-x.yaml", GOOD.replace("2026-05-01T11:00:00+00:00", "2026-05-01T11:00:00"))
    incident = next(i for i in load_all(ProjectPaths.at(project)).incidents if i.slug == "2026-05-01-x")
    assert incident.updates[1].at.isoformat() == "2026-05-01T11:00:00-04:00"  # New York, daylight time


def test_all_problems_of_all_files_in_one_run(project):
    write_incident(project, "2026-05-01-x.yaml", GOOD.replace("status: investigating", "status: nope"))
    write_incident(project, "2026-05-02-y.yaml", GOOD.replace("  api: partial", "  nope: partial"))
    site = project / "site_config" / "site.yaml"
    site.write_text(site.read_text().replace("time_zone: America/New_York", "time_zone: Mars/Olympus"))
    result = invoke(project, "check")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        "incidents/2026-05-01-x.yaml:9:13: 'nope' is not a status for an incident; use one of: investigating, identified, monitoring, resolved",
        "site_config/site.yaml:4:12: time_zone: 'Mars/Olympus' is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC",
        "2 problems in 2 files.",
    ]


def test_check_passes_on_the_fixture_and_the_demo(project):
    result = invoke(project, "check")
    # stdout only: stderr carries clock-dependent communication warnings (test_accountability.py)
    # and, outside git, the note that the address check was skipped (test_social.py).
    assert (result.exit_code, result.stdout) == (0, "OK: 5 entries and 3 components are valid.\n")


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("base_url: https://status.acme.test/", "base_url: status.acme.test",
         "site_config/site.yaml:3:11: base_url: expected a web address starting with https:// (or http://), got 'status.acme.test'"),
        ("  - id: email", "  - id: api",
         "site_config/site.yaml:16:9: duplicate component id 'api' (also component #1); ids must be unique"),
        ("name: Acme Cloud Status", 'name: "Acme Cloud\\r\\nStatus"',
         "site_config/site.yaml:1:7: name: this text must be one line, but it contains a carriage return (a line break) at character 11; "
         "write it on one line (a block scalar such as '>' or '|' adds a line break)"),
        ("    name: Dashboard", '    name: "Dash\\tboard"',
         "site_config/site.yaml:14:11: components #2.name: this text must be one line, but it contains a tab at character 5; "
         "write it on one line (a block scalar such as '>' or '|' adds a line break)"),
    ],
)
def test_site_config_problems(project, old, new, expected):
    site = project / "site_config" / "site.yaml"
    site.write_text(site.read_text().replace(old, new))
    result = invoke(project, "check")
    assert (result.exit_code, result.output.splitlines()) == (1, [expected, "1 problem in 1 file."])


@pytest.mark.slow
def test_failed_build_exits_1_without_traceback_and_keeps_previous_site(project):
    first = run_frankly(project, "build")
    assert first.returncode == 0, first.stderr
    before = tree_bytes(project / "site")
    write_incident(project, "2026-05-01-x.yaml", GOOD.replace("impact: minor", "impact: huge"))
    second = run_frankly(project, "build")
    assert second.returncode == 1
    assert "Traceback" not in second.stderr + second.stdout
    assert second.stderr.splitlines() == [
        "incidents/2026-05-01-x.yaml:4:9: impact: 'huge' is not allowed; use one of: none, minor, major, critical",
        "1 problem in 1 file; nothing was built.",
    ]
    assert tree_bytes(project / "site") == before
    assert not list(project.glob(".site-*")), "no staging folder is left behind"


@pytest.mark.slow
def test_a_rebuild_replaces_the_site_and_the_previous_one_is_deleted_but_its_entry_folders(project):
    assert run_frankly(project, "build").returncode == 0
    first_entries = sorted(p.name for p in (project / "site" / "incidents").iterdir())
    write_incident(project, "2026-05-01-x.yaml", GOOD)
    second = run_frankly(project, "build")
    assert second.returncode == 0, second.stderr
    assert (project / "site" / "incidents" / "2026-05-01-x" / "index.html").is_file()
    # The previous site is deleted in the background once the new one is in place, but for
    # its entry folders, which the next build takes over where unchanged (publication/kept.py).
    wait_for(lambda: [p.name for p in project.glob(".site-*")] == [".site-previous-kept-site"])
    kept = project / ".site-previous-kept-site"
    assert [p.name for p in kept.iterdir()] == ["incidents"]
    assert sorted(p.name for p in (kept / "incidents").iterdir()) == first_entries
