"""Incident templates (`frankly new --template`, `resolve --template`) and the
postmortem written with a command (`frankly postmortem`, `--done`): what the
editor gets in the file, byte for byte, and what every refusal says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURE_SITE, copy_project, editors_files, invoke, stderr_without_notes
from generator.cli import main
from generator.input.load import ProjectPaths, load_all

TEMPLATE = """\
# Prepared in calm times.
title: API errors in {region}
impact: major
components:
  api: partial_outage
message: |
  Some API requests from {region} fail. We are investigating.
next_update: 30m
resolution: |
  API requests from {region} succeed again.
"""
NOW = ["--now", "2026-05-01T10:00:00+00:00"]



@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    (root / "site_config" / "templates").mkdir()
    (root / "site_config" / "templates" / "api-errors.yaml").write_text(TEMPLATE, encoding="utf-8")
    return root


def entry(root: Path, slug: str):
    return next(i for i in load_all(ProjectPaths.at(root)).incidents if i.slug == slug)


# ---------------------------------------------------------------- templates


def test_new_from_a_template_fills_its_placeholders(project: Path):
    result = invoke(project, "new", "--template", "api-errors", "--set", "region=Bavaria", *NOW)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Created incidents/2026-05-01-api-errors-in-bavaria.yaml\n")
    incident = entry(project, "2026-05-01-api-errors-in-bavaria")
    assert (incident.title, incident.impact.value, incident.components) == ("API errors in Bavaria", "major", {"api": "partial_outage"})
    assert incident.updates[0].message == "Some API requests from Bavaria fail. We are investigating.\n"
    assert incident.updates[0].promised_by.isoformat() == "2026-05-01T06:30:00-04:00"  # 30 min after, in the site's zone
    assert invoke(project, "check").exit_code == 0
    closed = invoke(project, "resolve", "api-errors-in-bavaria", "--template", "api-errors", "--set", "region=Bavaria",
                    "--now", "2026-05-01T11:00:00+00:00")
    assert closed.exit_code == 0, closed.stderr
    assert entry(project, "2026-05-01-api-errors-in-bavaria").updates[-1].message == "API requests from Bavaria succeed again.\n"


def test_options_win_over_the_template(project: Path):
    result = invoke(project, "new", "--template", "api-errors", "--set", "region=Bavaria", "-c", "dashboard:major",
                    "-m", "The dashboard too.", *NOW)
    assert result.exit_code == 0, result.stderr
    incident = entry(project, "2026-05-01-api-errors-in-bavaria")
    assert incident.components == {"dashboard": "major_outage"} and incident.updates[0].message == "The dashboard too.\n"


def test_a_missing_placeholder_is_refused_and_nothing_is_written(project: Path):
    before = editors_files(project)
    result = invoke(project, "new", "--template", "api-errors", *NOW)
    assert (result.exit_code, result.stderr) == (1, "the template api-errors needs a value for {region}: add --set region=...; nothing was written\n")
    result = invoke(project, "new", "--template", "api-errors", "--set", "city=Bonn", *NOW)
    assert (result.exit_code, result.stderr) == (1, "--set: the template api-errors has no placeholder {city}; its placeholders: {region}\n")
    result = invoke(project, "new", "--template", "nope", *NOW)
    assert (result.exit_code, result.stderr) == (1, "--template: there is no template 'nope' in site_config/templates/; templates: api-errors\n")
    assert editors_files(project) == before


def test_list_templates(project: Path):
    result = invoke(project, "new", "--list-templates")
    assert (result.exit_code, result.stdout) == (0, "api-errors: API errors in {region}  (--set region=...)\n")


def test_check_validates_the_templates_with_positions(project: Path):
    (project / "site_config" / "templates" / "broken.yaml").write_text(
        "title: Broken\nimpact: huge\ncomponents:\n  nope: major_outage\nmessage: x\n", encoding="utf-8")
    result = invoke(project, "check")
    assert result.exit_code == 1
    assert stderr_without_notes(result.stderr) == [
        "site_config/templates/broken.yaml:2:9: impact: 'huge' is not allowed; use one of: none, minor, major, critical",
        "1 problem in 1 file.",
    ]
    (project / "site_config" / "templates" / "broken.yaml").write_text("title: Broken\ncomponents:\n  nope: major_outage\nmessage: x\n", encoding="utf-8")
    result = invoke(project, "check")
    assert stderr_without_notes(result.stderr) == [
        "site_config/templates/broken.yaml:3:3: unknown component 'nope'; components in site_config/site.yaml: api, dashboard, email",
        "1 problem in 1 file.",
    ]
    # A broken template never holds up a build or an update during an outage.
    assert invoke(project, "update", "2026-03-10-dashboard-slow", "Still slow.", "--now", "2026-03-10T09:30:00-04:00").exit_code == 0


# ---------------------------------------------------------------- postmortem

OPEN = "2026-03-10-dashboard-slow"


def resolved_without_postmortem(project: Path) -> str:
    assert invoke(project, "resolve", OPEN, "Fast again.", "--now", "2026-03-10T09:00:00-04:00").exit_code == 0
    return OPEN


def test_postmortem_on_a_resolved_entry_keeps_every_other_byte(project: Path):
    slug = resolved_without_postmortem(project)
    path = project / "incidents" / f"{slug}.yaml"
    before = path.read_text(encoding="utf-8")
    result = invoke(project, "postmortem", slug, "--root-cause", "A slow database query.", "--changes", "The query has an index now.",
                    "--action", "Add the index; Database team; 2026-03-31", "--action", "Alert on slow queries; SRE",
                    "--now", "2026-03-12T10:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before):] == """
postmortem:
  published_at: 2026-03-12T10:00:00-04:00
  root_cause: |
    A slow database query.
  changes: |
    The query has an index now.
  action_items:
    - title: Add the index
      owner: Database team
      due: 2026-03-31
    - title: Alert on slow queries
      owner: SRE
"""
    pm = entry(project, slug).postmortem
    assert [(a.title, a.owner, a.done) for a in pm.action_items] == [("Add the index", "Database team", False), ("Alert on slow queries", "SRE", False)]
    # A second one is refused, at the first one's position.
    again = invoke(project, "postmortem", slug, "--root-cause", "x", "--changes", "y")
    assert again.exit_code == 1 and again.stderr.startswith(f"incidents/{slug}.yaml:")
    assert "this entry already has 'postmortem:'; change it by hand if it must change" in again.stderr


def test_postmortem_reaches_the_feed_and_the_figures(project: Path, tmp_path: Path):
    slug = resolved_without_postmortem(project)
    assert invoke(project, "postmortem", slug, "--root-cause", "A slow query.", "--changes", "An index.",
                  "--now", "2026-03-12T10:00:00-04:00").exit_code == 0
    from generator.facts.derive import derive
    from generator.outputs.feeds import entry_feed_files
    from generator.outputs.templating import Renderer
    from generator.outputs.api import StatuspageApi

    report = derive(load_all(ProjectPaths.at(project)))
    feeds = {f.path: f.content for f in entry_feed_files(Renderer(report))(report.by_slug[slug])}
    assert f"/incidents/{slug}/#postmortem" in feeds[f"incidents/{slug}/feed.atom"].decode()
    document = StatuspageApi(report).incident_document(report.by_slug[slug])
    assert document["incident"]["frankly"]["communication"]["postmortem_at"] == "2026-03-12T10:00:00.000-04:00"
    assert json.dumps(document)


def test_postmortem_of_an_open_entry_is_refused_unless_told(project: Path):
    before = editors_files(project)
    result = invoke(project, "postmortem", OPEN, "--root-cause", "x", "--changes", "y")
    assert (result.exit_code, result.stderr) == (1, f"{OPEN} is still identified; a postmortem explains an outage that is over. "
                                                    "Resolve it first, or give --while-open to publish it now anyway\n")
    assert editors_files(project) == before
    assert invoke(project, "postmortem", OPEN, "--root-cause", "x", "--changes", "y", "--while-open",
                  "--now", "2026-03-10T09:30:00-04:00").exit_code == 0


def test_postmortem_from_the_editor_skeleton(project: Path, tmp_path: Path, monkeypatch):
    from generator.cli import editor as editor_commands

    slug = resolved_without_postmortem(project)
    script = tmp_path / "editor.py"
    script.write_text("import sys, re\np = sys.argv[1]\nt = open(p).read()\n"
                      "t = t.replace('why it happened ===\\n', 'why it happened ===\\nA query.\\n', 1)\n"
                      "t = t.replace('not happen again ===\\n', 'not happen again ===\\nAn index.\\n', 1)\n"
                      "t = t.replace('(optional) ===\\n', '(optional) ===\\n- Add it; DBA\\n', 1)\n"
                      "open(p, 'w').write(t)\n", encoding="utf-8")
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nexec {__import__("sys").executable} {script} "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setattr(editor_commands, "stdin_is_tty", lambda: True)
    from generator.cli import postmortem

    monkeypatch.setattr(postmortem, "stdin_is_tty", lambda: True)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv("VISUAL", str(editor))
    result = invoke(project, "postmortem", slug, "--now", "2026-03-12T10:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    pm = entry(project, slug).postmortem
    assert (pm.root_cause, pm.changes, [(a.title, a.owner) for a in pm.action_items]) == ("A query.\n", "An index.\n", [("Add it", "DBA")])


def test_done_marks_an_action_item_and_keeps_every_other_byte(project: Path):
    slug = resolved_without_postmortem(project)
    assert invoke(project, "postmortem", slug, "--root-cause", "A slow query.", "--changes", "An index.",
                  "--action", "Add the index; Database team", "--action", "Alert on slow queries; SRE",
                  "--now", "2026-03-12T10:00:00-04:00").exit_code == 0
    path = project / "incidents" / f"{slug}.yaml"
    before = path.read_text(encoding="utf-8")
    result = invoke(project, "postmortem", slug, "--done", "2")
    assert (result.exit_code, result.stdout) == (0, f"Marked action item 2 of incidents/{slug}.yaml done: Alert on slow queries\n")
    assert path.read_text(encoding="utf-8") == before + "      done: true\n"
    # by the start of its title; a 'done: false' is turned in place
    path.write_text(path.read_text(encoding="utf-8").replace("      owner: Database team\n", "      owner: Database team\n      done: false  # not yet\n"), encoding="utf-8")
    middle = path.read_text(encoding="utf-8")
    assert invoke(project, "postmortem", slug, "--done", "add the").exit_code == 0
    assert path.read_text(encoding="utf-8") == middle.replace("done: false  # not yet", "done: true  # not yet")
    again = invoke(project, "postmortem", slug, "--done", "1")
    assert (again.exit_code, again.stderr) == (1, f"action item 1 of {slug} ('Add the index') is already done; nothing was written\n")
    unknown = invoke(project, "postmortem", slug, "--done", "zebra")
    assert unknown.stderr == (f"--done: 'zebra' names no action item of {slug}; give its number or the start of its title: "
                              "1. Add the index; 2. Alert on slow queries\n")
    assert [a.done for a in entry(project, slug).postmortem.action_items] == [True, True]


def test_postmortem_from_standard_input(project: Path):
    slug = resolved_without_postmortem(project)
    text = ("=== Root cause: why it happened ===\nA query without an index.\n\n"
            "=== What changes so it does not happen again ===\nEvery query is reviewed.\n\n"
            "=== Action items, one per line: what will change; who owns it; due date (optional) ===\n"
            "- Review the slow queries; Database team; 2026-04-30\n")
    result = CliRunner().invoke(main, ["postmortem", slug, "--now", "2026-03-12T10:00:00-04:00", "-f", str(project / "mkdocs.yml")], input=text)
    assert result.exit_code == 0, result.stderr
    pm = entry(project, slug).postmortem
    assert (pm.root_cause, pm.changes) == ("A query without an index.\n", "Every query is reviewed.\n")
    assert [(a.title, a.owner, a.due.isoformat()) for a in pm.action_items] == [("Review the slow queries", "Database team", "2026-04-30")]
    broken = CliRunner().invoke(main, ["postmortem", OPEN, "--while-open", "-f", str(project / "mkdocs.yml")], input="no headings\n")
    assert (broken.exit_code, broken.stderr) == (1, "the postmortem text must keep its three '=== ... ===' headings (root cause, "
                                                    "what changes, action items); nothing was written\n")
