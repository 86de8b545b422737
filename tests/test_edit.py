"""Editing during an outage: new / update / resolve / apologize / compensate keep every byte an editor wrote."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import _chdir, copy_project, editors_files, run_frankly, tree_bytes, write_incident
from generator.cli import editor as editor_commands
from generator.cli import main
from generator.editing.values import EditError
from generator.editing.yamltext import append_block, insert_update
from generator.input.load import ProjectPaths, load_all
from generator.input.yamlsource import read_yaml

DASHBOARD = "2026-03-10-dashboard-slow"


def frankly(root: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    """`frankly ARGS` in-process with separate stdout/stderr; stdin is never a TTY here."""
    with _chdir(root):
        return CliRunner().invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)


def catalog(root: Path):
    return load_all(ProjectPaths.at(root))


def single_insertion(before: str, after: str) -> tuple[int, str]:
    """Prove ``after`` is ``before`` with one block inserted; return (offset, inserted text)."""
    prefix = 0
    while prefix < len(before) and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(before) - prefix and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]:
        suffix += 1
    assert prefix + suffix == len(before), "the original text was changed, not only added to"
    return prefix, after[prefix: len(after) - suffix]


def assert_lines_kept(before: str, after: str) -> None:
    """Every original line is still there, unchanged and in order (a missing final newline may be added)."""
    remaining = iter(after.splitlines())
    for line in before.splitlines():
        assert any(candidate == line for candidate in remaining), f"line lost or changed: {line!r}"


# ---------------------------------------------------------------- the whole outage on a commented file

HAND_EDITED = """\
# Hand-edited during the incident: every comment here must survive every command.
kind: incident   # do not change

title: 'Checkout: card payments failing'   # single-quoted on purpose
summary: >-
  Card payments fail for most customers.
  Other payment methods work.

impact: "major"
components:
  api: major_outage          # the API is down
  dashboard: degraded_performance

# --- timeline (oldest first) ---
updates:
    -   at: "{first}"   # quoted, 4-space list, 4-space item offset
        status: investigating
        message: |
          Card payments fail. We are investigating.

          # Not a comment: a Markdown heading inside the block.

        next_update: 30m   # a promise
        # editor's note inside the first update

# Comment after the timeline, before the aliases.
aliases: []   # none yet
# last line: a comment without a final newline"""


@pytest.mark.slow
def test_outage_from_first_alarm_to_apology_keeps_every_byte(project: Path):
    created = frankly(
        project, "new", "Checkout: card payments failing", "--component", "api:major_outage", "--component", "dashboard:degraded",
        "--impact", "major", "-m", "Card payments fail. We are investigating.", "--next-update", "30m",
        "--now", "2026-04-10T09:00:00-04:00",
    )
    assert created.exit_code == 0, created.stderr
    slug = "2026-04-10-checkout-card-payments-failing"
    file = project / "incidents" / f"{slug}.yaml"
    assert created.stdout.splitlines()[:2] == [
        f"Created incidents/{slug}.yaml",
        f"Public address (live after the next build and deploy): https://status.acme.test/incidents/{slug}/",
    ]
    generated = catalog(project).incidents[-1]
    assert generated.slug == slug and generated.updates[0].at.isoformat() == "2026-04-10T09:00:00-04:00"
    assert dict(generated.components) == {"api": "major_outage", "dashboard": "degraded_performance"}

    # The editor rewrites the file by hand, with comments, quoting and odd indentation.
    file.write_text(HAND_EDITED.format(first="2026-04-10T09:00:00-04:00"), encoding="utf-8")
    original = file.read_text(encoding="utf-8")
    steps = [
        ("update", slug, "--status", "identified", "A faulty release of the payment gateway: 'rollback' under way.", "--next-update", "1h",
         "--posted-to", "https://x.com/acme/status/1", "--now", "2026-04-10T09:20:00-04:00"),
        ("update", slug, "Rollback 50% done.\n\n# Still a heading, not a comment", "--component", "api:partial",
         "--now", "2026-04-10T09:50:00-04:00"),
        ("update", slug, "--status", "monitoring", "Payments work again; we are watching.", "--posted-to", "sms",
         "--now", "2026-04-10T10:30:00-04:00"),
        ("resolve", "checkout-card-payments-failing", "Payments have worked for two hours. Resolved.", "--now", "2026-04-10T12:30:00-04:00"),
        ("apologize", slug, "--by", "Jane Roe", "--role", "Chief Executive Officer", "For three hours you could not pay: I am sorry.",
         "--video", "https://video.acme.test/sorry", "--now", "2026-04-10T13:00:00-04:00"),
    ]
    before = original
    offsets, texts = [], []
    for step in steps:
        result = frankly(project, *step)
        assert result.exit_code == 0, result.stderr
        after = file.read_text(encoding="utf-8")
        offset, inserted = single_insertion(before, after)
        offsets.append(offset)
        texts.append(after)
        assert after[:offset] == before[:offset]
        before = after
    assert_lines_kept(original, before)
    # Updates go right after the last update (after its own comment, before the timeline's end comment).
    end_of_first_update = original.index("# Comment after the timeline")
    assert offsets[:4] == sorted(offsets[:4]) and offsets[0] == end_of_first_update - 1
    assert before[: end_of_first_update - 1] == original[: end_of_first_update - 1]
    # The apology goes at the very end, after a line break the original did not have.
    assert before.startswith(texts[-2]) and before[len(texts[-2]):].startswith("\n\napology:\n")

    incident = next(i for i in catalog(project).incidents if i.slug == slug)
    assert [u.status for u in incident.updates] == ["investigating", "identified", "identified", "monitoring", "resolved"]
    stamps = [u.at for u in incident.updates] + [incident.apology.at]
    assert all(s.tzinfo is not None and s.utcoffset().total_seconds() == -4 * 3600 for s in stamps)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert incident.updates[1].message == "A faulty release of the payment gateway: 'rollback' under way.\n"
    assert incident.updates[2].message == "Rollback 50% done.\n\n# Still a heading, not a comment\n"
    assert incident.updates[2].components == {"api": "partial_outage"}
    assert [p.channel_name for p in incident.updates[3].posted_to] == ["sms"]
    assert incident.apology.by.name == "Jane Roe" and incident.apology.video == "https://video.acme.test/sorry"
    assert incident.title == "Checkout: card payments failing"

    built = run_frankly(project, "build")
    assert built.returncode == 0, built.stderr
    page = BeautifulSoup((project / "site" / "incidents" / slug / "index.html").read_text(encoding="utf-8"), "html.parser")
    updates = page.select("li.frankly-update")
    assert len(updates) == 5
    assert "Still a heading, not a comment" in page.get_text()
    assert page.select_one(".frankly-apology__by").get_text().startswith("Jane Roe, Chief Executive Officer")


def test_update_prints_the_permanent_link_of_the_new_update(project: Path):
    result = frankly(project, "update", DASHBOARD, "Index rebuilt.", "--now", "2026-03-10T09:30:00-04:00")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Added an update to incidents/{DASHBOARD}.yaml (identified, 2026-03-10T09:30:00-04:00)",
        f"Link to this update: https://status.acme.test/incidents/{DASHBOARD}/#u-20260310t133000z",
    ]


def test_now_comes_from_frankly_now_in_the_site_zone(project: Path):
    result = frankly(project, "update", DASHBOARD, "Still slow.", env={"FRANKLY_NOW": "2026-03-10T14:00:00Z"})
    assert result.exit_code == 0, result.stderr
    latest = next(i for i in catalog(project).incidents if i.slug == DASHBOARD).updates[-1]
    assert latest.at.isoformat() == "2026-03-10T10:00:00-04:00"
    assert latest.status == "identified"  # no --status: the current status is kept
    assert "    status: identified\n    message: |\n      Still slow.\n" in (project / "incidents" / f"{DASHBOARD}.yaml").read_text()


def test_wall_clock_is_the_default_now(project: Path):
    started = datetime.now().astimezone()
    result = frankly(project, "update", DASHBOARD, "Later.")
    assert result.exit_code == 0, result.stderr
    latest = next(i for i in catalog(project).incidents if i.slug == DASHBOARD).updates[-1]
    assert latest.at.utcoffset() is not None and latest.at.tzinfo is not None
    assert abs((latest.at - started).total_seconds()) < 3600  # written from the clock, not a constant


@pytest.mark.parametrize("how", ["dash", "piped"])
def test_message_from_stdin(project: Path, how: str):
    args = ["update", DASHBOARD] + (["-"] if how == "dash" else []) + ["--now", "2026-03-10T09:30:00-04:00"]
    result = frankly(project, *args, stdin="Line one: with a colon\n\n  indented code?\n")
    assert result.exit_code == 0, result.stderr
    latest = next(i for i in catalog(project).incidents if i.slug == DASHBOARD).updates[-1]
    assert latest.message == "Line one: with a colon\n\n  indented code?\n"


def test_message_from_editor(project: Path, tmp_path: Path, monkeypatch):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Written in the editor.\\n# a heading\\n$(cat "$1")" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setattr(editor_commands, "stdin_is_tty", lambda: True)
    result = frankly(project, "update", DASHBOARD, "--now", "2026-03-10T09:30:00-04:00", env={"EDITOR": str(editor), "VISUAL": str(editor)})
    assert result.exit_code == 0, result.stderr
    latest = next(i for i in catalog(project).incidents if i.slug == DASHBOARD).updates[-1]
    # Markdown headings are kept; only the template below the scissors line is dropped.
    assert latest.message == "Written in the editor.\n# a heading\n"


def test_editor_closed_without_saving_writes_nothing(project: Path, monkeypatch):
    before = tree_bytes(project / "incidents")
    monkeypatch.setattr(editor_commands, "stdin_is_tty", lambda: True)
    monkeypatch.setattr(editor_commands.click, "edit", lambda *a, **k: None)
    result = frankly(project, "update", DASHBOARD, "--now", "2026-03-10T09:30:00-04:00")
    assert result.exit_code == 1
    assert result.stderr == "the update message was not saved; nothing was written\n"
    assert tree_bytes(project / "incidents") == before


TRICKY = [
    "key: value # not a comment",
    "'single' and \"double\" quotes",
    "- looks like a list",
    "---",
    "...",
    "  starts with spaces",
    "tab\there",
    "yes",
    "0o17",
    "@mention & *star* !tag %percent `code`",
    "Ünïcödé — ☎ 電話",
    "trailing spaces for a Markdown break  \nnext line",
]


@pytest.mark.parametrize("message", TRICKY)
def test_any_text_is_written_so_it_reads_back_exactly(project: Path, message: str):
    # '--' ends the options, so a message may start with '-'.
    result = frankly(project, "update", DASHBOARD, "--now", "2026-03-10T09:30:00-04:00", "--", message)
    assert result.exit_code == 0, result.stderr
    latest = next(i for i in catalog(project).incidents if i.slug == DASHBOARD).updates[-1]
    assert latest.message == message + "\n"


@pytest.mark.parametrize("title", ["'Quoted' title: with # hash", "yes", "- dash", "Ünïcödé outage"])
def test_new_titles_read_back_exactly(project: Path, title: str):
    result = frankly(project, "new", "-c", "api", "-m", "x", "--now", "2026-04-10T09:00:00-04:00", "--slug", "t", "--", title)
    assert result.exit_code == 0, result.stderr
    assert catalog(project).incidents[-1].title == title


def test_new_maintenance_with_window_in_site_time(project: Path):
    result = frankly(project, "new", "Database upgrade", "--kind", "maintenance", "-c", "api", "--window", "2026-05-02T02:00", "2026-05-02T04:00",
                     "-m", "Planned upgrade.", "--now", "2026-04-20T10:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    # Named by the day of its window, which is when customers look for it; the hint speaks its statuses.
    assert "Next: frankly update 2026-05-02-database-upgrade --status in_progress" in result.stdout
    entry = next(i for i in catalog(project).incidents if i.slug == "2026-05-02-database-upgrade")
    assert entry.window.start.isoformat() == "2026-05-02T02:00:00-04:00"
    assert entry.updates[0].status == "scheduled" and entry.components == {"api": "under_maintenance"} and entry.impact == "minor"
    # Maintenance statuses are accepted for a maintenance, and resolve completes it.
    assert frankly(entry_root := project, "update", entry.slug, "-s", "in-progress", "Started.", "--now", "2026-05-02T02:01:00-04:00").exit_code == 0
    assert frankly(entry_root, "resolve", entry.slug, "Done.", "--now", "2026-05-02T03:01:00-04:00").exit_code == 0
    assert [u.status for u in next(i for i in catalog(project).incidents if i.slug == entry.slug).updates] == ["scheduled", "in_progress", "completed"]


def test_new_default_component_status_follows_impact(project: Path):
    result = frankly(project, "new", "API down", "-c", "api", "--impact", "critical", "-m", "Down.", "--now", "2026-04-10T09:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    assert catalog(project).incidents[-1].components == {"api": "major_outage"}


def test_compensate(project: Path):
    result = frankly(project, "compensate", DASHBOARD, "--offer", "10% off: next bill", "--eligible", "Everyone", "--how-to-claim", "Automatic.",
                     "--until", "2026-06-30", "--now", "2026-03-10T12:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    offer = next(i for i in catalog(project).incidents if i.slug == DASHBOARD).compensation
    assert offer.offer == "10% off: next bill\n" and offer.until.isoformat() == "2026-06-30"


def test_reopen_needs_reopens(project: Path):
    slug = "2026-03-02-api-errors"
    refused = frankly(project, "update", slug, "-s", "investigating", "Back again.", "--now", "2026-04-10T09:00:00-04:00")
    assert refused.exit_code == 1
    assert refused.stderr == f"{slug} is resolved; to reopen it, run the same command with --reopens (or give --status resolved to add a note without reopening)\n"
    ok = frankly(project, "update", slug, "-s", "investigating", "Back again.", "--reopens", "--now", "2026-04-10T09:00:00-04:00")
    assert ok.exit_code == 0, ok.stderr
    latest = next(i for i in catalog(project).incidents if i.slug == slug).updates[-1]
    assert latest.reopens is True and latest.status == "investigating"


# ---------------------------------------------------------------- failures: exit 1, exact message, nothing written

NOW = ["--now", "2026-03-10T09:30:00-04:00"]
FAILURES = [
    (["update", "2026-03-10-dashbord-slow", "x", *NOW],
     "no entry '2026-03-10-dashbord-slow': incidents/2026-03-10-dashbord-slow.yaml does not exist; did you mean '2026-03-10-dashboard-slow'?"),
    (["resolve", "nope", "x", *NOW], "no entry 'nope': incidents/nope.yaml does not exist"),
    (["apologize", "nope", "--by", "A", "--role", "B", "x", *NOW], "no entry 'nope': incidents/nope.yaml does not exist"),
    (["compensate", "nope", "--offer", "a", "--eligible", "b", "--how-to-claim", "c", *NOW], "no entry 'nope': incidents/nope.yaml does not exist"),
    (["update", DASHBOARD, "-s", "fixed", "x", *NOW],
     "--status: 'fixed' is not a status for an incident; use one of: investigating, identified, monitoring, resolved"),
    (["update", "2026-04-01-api-migration", "-s", "resolved", "x", *NOW],
     "--status: 'resolved' is not a status for a maintenance; use one of: scheduled, in_progress, verifying, completed, cancelled"),
    (["update", DASHBOARD, "-c", "dashbaord:major_outage", "x", *NOW],
     "--component: unknown component 'dashbaord' (did you mean 'dashboard'?); components in site_config/site.yaml: api, dashboard, email"),
    (["update", DASHBOARD, "-c", "email:major_outage", "x", *NOW],
     "--component: 'email' is not among the components of 2026-03-10-dashboard-slow (dashboard); add it under the top-level 'components:' of incidents/2026-03-10-dashboard-slow.yaml first"),
    (["update", DASHBOARD, "-c", "dashboard:broken", "x", *NOW],
     "--component dashboard: 'broken' is not a component status; use one of: operational, degraded_performance, partial_outage, major_outage, under_maintenance"),
    (["update", DASHBOARD, "--next-update", "3x", "x", *NOW],
     "--next-update: '3x' is not a duration or a time; use 30m, 1h, 2h30m or 1d, a time of day such as 14:00, or a timestamp such as 2026-11-20T10:00:00+01:00"),
    (["update", DASHBOARD, "--posted-to", "javascript:alert(1)", "x", *NOW],
     "--posted-to: 'javascript:alert(1)' is not a web address starting with https:// or a channel (x, mastodon, bluesky, linkedin, facebook, instagram, threads, sms, email, web)"),
    (["update", DASHBOARD, "   ", *NOW], "the update message is empty; nothing was written. Give it as the last argument "
     "or with -m \"...\", pipe it in (or give - to read standard input), or write it in the editor that opens when you give none"),
    (["update", DASHBOARD, "x", "--now", "2026-03-10T09:30:00"],
     "--now / FRANKLY_NOW: '2026-03-10T09:30:00' has no UTC offset; write it as 2026-03-10T09:30:00+01:00 or 2026-03-10T09:30:00Z"),
    (["update", DASHBOARD, "x", "--now", "2026-03-10T08:30:00-04:00"],
     "incidents/2026-03-10-dashboard-slow.yaml:16:9: this update (2026-03-10T08:30:00-04:00) is earlier than the one before it "
     "(2026-03-10T08:45:00-04:00); list updates oldest first and check the date and offset\n"
     "Nothing was written: incidents/2026-03-10-dashboard-slow.yaml is unchanged. Line numbers in incidents/2026-03-10-dashboard-slow.yaml "
     "refer to the file as it would have been after this change."),
    (["new", "Dashboard slow", "-c", "dashboard", "-m", "x", "--now", "2026-03-10T09:00:00-04:00"],
     "incidents/2026-03-10-dashboard-slow.yaml already exists; nothing was written. To add to it: frankly update 2026-03-10-dashboard-slow \"...\""),
    (["new", "Outage", "-c", "api", "-c", "mail", "-m", "x", *NOW],
     "--component: unknown component 'mail' (did you mean 'email'?); components in site_config/site.yaml: api, dashboard, email"),
    (["new", "Outage", "-c", "api", "--next-update", "soon", "-m", "x", *NOW],
     "--next-update: 'soon' is not a duration or a time; use 30m, 1h, 2h30m or 1d, a time of day such as 14:00, or a timestamp such as 2026-11-20T10:00:00+01:00"),
    (["new", "Outage", "-c", "api", "--status", "fixed", "-m", "x", *NOW],
     "--status: 'fixed' is not a status for an incident; use one of: investigating, identified, monitoring, resolved"),
    (["new", "Upgrade", "--kind", "maintenance", "-c", "api", "-m", "x", *NOW],
     "a maintenance needs its window: --window START END, e.g. --window 2026-12-02T02:00 2026-12-02T04:00"),
    (["new", "Outage", "-c", "api", "--impact", "huge", "-m", "x", *NOW], "--impact: 'huge' is not an impact; use one of: none, minor, major, critical"),
    (["apologize", "2026-03-02-api-errors", "--by", "A", "--role", "B", "Sorry.", *NOW],
     "incidents/2026-03-02-api-errors.yaml:25:1: this entry already has 'apology:'; change it by hand if it must change"),
    (["compensate", DASHBOARD, "--offer", "a", "--eligible", "b", "--how-to-claim", "c", "--until", "soon", *NOW],
     "--until: 'soon' is not a date; write it as 2026-12-31"),
]


@pytest.mark.parametrize("args, message", FAILURES, ids=[" ".join(a[:3]) for a, _ in FAILURES])
def test_refusals_exit_1_with_a_clear_message_and_leave_every_file_as_it_was(project: Path, args: list[str], message: str):
    before = editors_files(project)
    result = frankly(project, *args)
    assert result.exit_code == 1
    assert result.stderr == message + "\n"
    assert "Traceback" not in result.output
    assert editors_files(project) == before


def test_a_broken_file_is_reported_with_its_position_and_kept(project: Path):
    path = write_incident(project, "2026-04-02-broken.yaml", "kind: incident\ntitle: [unclosed\n")
    before = editors_files(project)
    result = frankly(project, "update", "2026-04-02-broken", "x", *NOW)
    assert result.exit_code == 1
    assert result.stderr.startswith("incidents/2026-04-02-broken.yaml:3:1: YAML syntax error")
    assert result.stderr.endswith("Fix the file first; nothing was written.\n")
    assert editors_files(project) == before and path.exists()


def test_another_broken_file_blocks_the_edit_and_says_where(project: Path):
    write_incident(project, "2026-04-02-typo.yaml", (project / "incidents" / f"{DASHBOARD}.yaml").read_text().replace("title:", "titel:"))
    before = editors_files(project)
    result = frankly(project, "update", DASHBOARD, "x", *NOW)
    assert result.exit_code == 1
    assert result.stderr.startswith("incidents/2026-04-02-typo.yaml:2:1: unknown key 'titel' (did you mean 'title'?)")
    assert editors_files(project) == before


# ---------------------------------------------------------------- insertion on unusual layouts


def _item(message: str = "New.") -> dict:
    from generator.editing.values import Markdown

    return {"at": "2026-03-10T09:30:00-04:00", "status": "identified", "message": Markdown(message)}


@pytest.mark.parametrize("text, expected", [
    # no final newline
    ("updates:\n  - at: a\n    status: s\n    message: m",
     "updates:\n  - at: a\n    status: s\n    message: m\n  - at: 2026-03-10T09:30:00-04:00\n    status: identified\n    message: |\n      New.\n"),
    # an indentless list, then another key
    ("updates:\n- at: a\n  message: m   # c\nother: 1\n",
     "updates:\n- at: a\n  message: m   # c\n- at: 2026-03-10T09:30:00-04:00\n  status: identified\n  message: |\n    New.\nother: 1\n"),
    # Windows line endings are kept, and used for the new lines
    ("updates:\r\n  - at: a\r\n    message: |\r\n      m\r\n\r\n# end\r\n",
     "updates:\r\n  - at: a\r\n    message: |\r\n      m\r\n  - at: 2026-03-10T09:30:00-04:00\r\n    status: identified\r\n    message: |\r\n      New.\r\n\r\n# end\r\n"),
    # a flow mapping item inside a block list
    ("updates:\n  - {at: a, message: m}\n",
     "updates:\n  - {at: a, message: m}\n  - at: 2026-03-10T09:30:00-04:00\n    status: identified\n    message: |\n      New.\n"),
])
def test_insert_update_layouts(text: str, expected: str):
    assert insert_update(text, _item(), "f.yaml") == expected


def test_flow_list_of_updates_is_refused():
    with pytest.raises(EditError, match=r"^f.yaml:1:10: 'updates:' is written as a \[flow, list\]"):
        insert_update("updates: [{at: a, message: m}]\n", _item(), "f.yaml")


def test_append_block_without_final_newline():
    text = "kind: incident\nupdates:\n  - at: a # c"
    result = append_block(text, "apology", {"at": "t", "by": {"name": "N", "role": "R"}}, "f.yaml")
    assert result == text + "\n\napology:\n  at: t\n  by:\n    name: N\n    role: R\n"
    assert read_yaml(result)[0]["apology"] == {"at": "t", "by": {"name": "N", "role": "R"}}


def test_slug_may_be_a_path_or_a_unique_suffix(project: Path):
    by_path = frankly(project, "update", f"incidents/{DASHBOARD}.yaml", "One.", "--now", "2026-03-10T09:30:00-04:00")
    assert by_path.exit_code == 0, by_path.stderr
    by_suffix = frankly(project, "update", "dashboard-slow", "Two.", "--now", "2026-03-10T09:40:00-04:00")
    assert by_suffix.exit_code == 0, by_suffix.stderr
    messages = [u.message for u in next(i for i in catalog(project).incidents if i.slug == DASHBOARD).updates]
    assert messages[-2:] == ["One.\n", "Two.\n"]
    write_incident(project, "2026-04-02-dashboard-slow.yaml", (project / "incidents" / f"{DASHBOARD}.yaml").read_text())
    before = editors_files(project)
    ambiguous = frankly(project, "update", "dashboard-slow", "Three.", "--now", "2026-04-10T09:40:00-04:00")
    assert ambiguous.exit_code == 1
    assert ambiguous.stderr == "'dashboard-slow' matches several entries: 2026-03-10-dashboard-slow, 2026-04-02-dashboard-slow; give the full slug\n"
    assert editors_files(project) == before


def test_new_file_is_readable_like_any_other(project: Path):
    result = frankly(project, "new", "Outage", "-c", "api", "-m", "x", "--now", "2026-04-10T09:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    created = project / "incidents" / "2026-04-10-outage.yaml"
    assert created.stat().st_mode & 0o044 == (project / "incidents" / f"{DASHBOARD}.yaml").stat().st_mode & 0o044
    assert not [p.name for p in created.parent.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_resolving_a_maintenance_says_closed(project: Path):
    slug = "2026-04-01-api-migration"
    result = frankly(project, "resolve", slug, "Done.", "--now", "2026-04-10T09:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"Closed incidents/{slug}.yaml (completed, 2026-04-10T09:00:00-04:00)"


def test_readme_worked_example_runs_as_written(tmp_path: Path):
    """The editor's guide is followed to the letter on a copy of the demo site; the shown output is what prints."""
    import re
    import shlex

    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    guide = readme.split("## Editor's guide during an incident", 1)[1]
    block = re.search(r"```sh\n(.*?)```", guide, re.S).group(1)
    joined = block.replace("\\\n", " ")
    sessions = re.split(r"^\$ ", joined, flags=re.M)[1:]
    root = copy_project(REPO, tmp_path / "demo", ("mkdocs.yml", "incidents", "site_config", "docs"))
    times = ["2026-11-20T09:10:00+01:00", "2026-11-20T09:40:12+01:00", "2026-11-20T10:20:00+01:00", "2026-11-20T11:00:00+01:00",
             "2026-11-20T13:00:00+01:00", "2026-11-20T14:00:00+01:00", "2026-11-20T14:05:00+01:00",
             "2026-11-25T10:00:00+01:00", "2026-12-20T10:00:00+01:00"]
    assert len(sessions) == len(times)
    for session, now in zip(sessions, times):
        command, *shown = session.rstrip("\n").split("\n")
        args = shlex.split(command)
        assert args[0] == "frankly"
        result = frankly(root, *args[1:], env={"FRANKLY_NOW": now})
        assert result.exit_code == 0, (command, result.stderr)
        if shown and shown != [""]:
            assert result.stdout.splitlines() == [line for line in shown if line], command
    entry = next(i for i in catalog(root).incidents if i.slug == "2026-11-20-sms-delivery-delayed")
    assert [u.status for u in entry.updates] == ["investigating", "identified", "identified", "monitoring", "resolved"]
    assert entry.apology.by.name == "Maria Okafor" and entry.compensation.until.isoformat() == "2026-12-31"
    assert entry.postmortem.published_at.isoformat() == "2026-11-25T10:00:00+01:00"
    assert [(a.title, a.owner, a.done) for a in entry.postmortem.action_items] == [("Add a second route to Frankfurt", "Network team", True)]


def test_new_records_impact_that_began_before_the_first_post(project: Path):
    result = frankly(project, "new", "API errors", "-c", "api", "-m", "Errors.", "--impact-started", "08:40", "--now", "2026-04-10T09:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    entry = catalog(project).incidents[-1]
    assert entry.impact_started_at.isoformat() == "2026-04-10T08:40:00-04:00"
    before = editors_files(project)
    later = frankly(project, "new", "Other", "-c", "api", "-m", "x", "--impact-started", "2026-04-10T10:00", "--now", "2026-04-10T09:00:00-04:00")
    assert later.exit_code == 1
    assert later.stderr == ("--impact-started: 2026-04-10T10:00:00-04:00 is after now (2026-04-10T09:00:00-04:00); "
                            "it is for impact that began before this first update\n")
    assert editors_files(project) == before


def test_every_command_that_takes_a_message_takes_it_both_ways(project: Path):
    """As the last argument or with -m: editors type the form they used last."""
    assert frankly(project, "update", DASHBOARD, "-m", "With the option.", *NOW).exit_code == 0
    assert frankly(project, "update", DASHBOARD, "As the argument.", "--now", "2026-03-10T09:31:00-04:00").exit_code == 0
    result = frankly(project, "update", DASHBOARD, "One.", "-m", "Two.", "--now", "2026-03-10T09:32:00-04:00")
    assert (result.exit_code, result.stderr) == (1, "the message was given twice (as an argument and with -m); give it once\n")
    assert frankly(project, "resolve", DASHBOARD, "-m", "Fixed.", "--now", "2026-03-10T09:40:00-04:00").exit_code == 0
    assert frankly(project, "apologize", DASHBOARD, "--by", "Ann Lee", "--role", "CEO", "-m", "Sorry.", "--now", "2026-03-10T09:50:00-04:00").exit_code == 0
    result = frankly(project, "new", "Something", "It broke.", "-c", "api", "--now", "2026-03-11T09:00:00-04:00")
    assert result.exit_code == 0, result.stderr
    assert "Next: frankly update 2026-03-11-something --status identified" in result.stdout
    messages = [u.message for u in next(i for i in catalog(project).incidents if i.slug == DASHBOARD).updates[-3:]]
    assert messages == ["With the option.\n", "As the argument.\n", "Fixed.\n"]


def test_a_closed_entry_is_not_reopened_or_closed_twice_by_accident(project: Path):
    assert frankly(project, "resolve", DASHBOARD, "Fixed.", *NOW).exit_code == 0
    before = (project / "incidents" / f"{DASHBOARD}.yaml").read_bytes()
    later = ["--now", "2026-03-10T10:00:00-04:00"]
    result = frankly(project, "resolve", DASHBOARD, "Fixed again.", *later)
    assert (result.exit_code, result.stderr) == (1, f"{DASHBOARD} is already resolved; nothing was written. To add a note "
                                                    f"without reopening it: frankly update {DASHBOARD} --status resolved \"...\"\n")
    result = frankly(project, "update", DASHBOARD, "A note.", *later)
    assert (result.exit_code, result.stderr) == (1, f"{DASHBOARD} is resolved; nothing was written. To add a note without "
                                                    "reopening it, give --status resolved; to reopen it, give --reopens (and the status it reopens with)\n")
    assert (project / "incidents" / f"{DASHBOARD}.yaml").read_bytes() == before
    assert frankly(project, "update", DASHBOARD, "A note.", "--status", "resolved", *later).exit_code == 0
