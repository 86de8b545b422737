"""`frankly notify` delivers each item once: two runs send once, a failed channel is
tried again and then succeeds once, a run killed between delivery and bookkeeping
duplicates at most once where the service cannot tell a repeat (and never where it
can), the first run on an existing history sends nothing old and says so, --dry-run
sends and writes nothing. Every server is a real one on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import FRANKLY, REPO, invoke
from notify_servers import Receiver
from test_notify_channels import ANCHOR, LATER, SLUG, START, add_channels, notify, publish_update

HOOK_AND_SLACK = """\
  - type: webhook
    url_env: T_WEBHOOK
  - type: slack
    url_env: T_SLACK
"""
ITEM = f"{SLUG}#{ANCHOR}"


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def site(project, receiver, monkeypatch) -> Path:
    """The fixture site with a webhook and a Slack channel, started (first run), and one new update."""
    add_channels(project, HOOK_AND_SLACK)
    monkeypatch.setenv("T_WEBHOOK", receiver.base + "/hook")
    monkeypatch.setenv("T_SLACK", receiver.base + "/slack/x")
    first = notify(project, START)
    assert first.exit_code == 0, first.output
    publish_update(project)
    return project


def ledger(project: Path) -> dict:
    return json.loads((project / "site_config" / "notify-ledger.json").read_text(encoding="utf-8"))


def test_two_runs_send_once(site, receiver):
    first = notify(site, LATER)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        f"sent    {ITEM} → webhook (webhook)",
        f"sent    {ITEM} → slack (slack)",
        "notify: 2 sent; everything is delivered",
    ]
    second = notify(site, "2026-06-01T12:40:00Z")
    assert second.exit_code == 0 and second.stdout == "notify: 0 sent; everything is delivered\n"
    assert [r.path for r in receiver.received] == ["/hook", "/slack/x"]
    records = ledger(site)["deliveries"][ITEM]
    assert records["slack"] == {"state": "sent", "at": "2026-06-01T12:05:00Z", "attempts": 1, "sent_at": "2026-06-01T12:10:00Z"}


def test_a_failing_channel_is_tried_again_and_then_succeeds_once(site, receiver):
    receiver.fail["/slack/x"] = 500
    first = notify(site, LATER)
    assert first.exit_code == 1
    assert f"sent    {ITEM} → webhook (webhook)" in first.stdout
    assert (f"failed  {ITEM} → slack (slack): HTTP 500 Internal Server Error: "
            '{"error": "Failure", "message": "down for the test"}; next try after 2026-06-01T12:15:00Z (try 1)') in first.stderr
    assert "notify: 1 sent, 1 failed (tried again on a later run)" in first.stdout
    # Before the backoff is over: not tried, still shown, still exit 1.
    early = notify(site, "2026-06-01T12:12:00Z")
    assert early.exit_code == 1 and f"waiting {ITEM} → slack: HTTP 500" in early.stderr
    assert len(receiver.at("/slack/x")) == 1
    # A second failure doubles the wait.
    second = notify(site, "2026-06-01T12:16:00Z")
    assert second.exit_code == 1 and "next try after 2026-06-01T12:26:00Z (try 2)" in second.stderr
    del receiver.fail["/slack/x"]
    third = notify(site, "2026-06-01T12:30:00Z")
    assert third.exit_code == 0, third.output
    assert third.stdout.splitlines() == [f"sent    {ITEM} → slack (slack)", "notify: 1 sent; everything is delivered"]
    fourth = notify(site, "2026-06-01T13:30:00Z")
    assert fourth.exit_code == 0 and "0 sent" in fourth.stdout
    assert len(receiver.at("/slack/x")) == 3 and len(receiver.at("/hook")) == 1  # two refused, one delivered
    assert ledger(site)["deliveries"][ITEM]["slack"]["attempts"] == 3


def _killed_run(project: Path, receiver: Receiver, path: str, now: str) -> subprocess.CompletedProcess:
    """`frankly notify` in its own process, killed (SIGKILL) the moment ``path`` has received
    its delivery and before the answer: between delivery and bookkeeping."""
    process = None

    def kill(got):
        if got.path == path and process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    receiver.on_request = kill
    process = subprocess.Popen([*FRANKLY, "notify", "--now", now],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    out, err = process.communicate(timeout=120)
    receiver.on_request = None
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_a_run_killed_between_delivery_and_bookkeeping_duplicates_at_most_once(site, receiver):
    killed = _killed_run(site, receiver, "/hook", LATER)
    assert killed.returncode == -signal.SIGKILL
    assert ledger(site)["deliveries"][ITEM]["webhook"]["state"] == "attempting"  # written before the send
    # The next run sends the webhook again with the same delivery id (receivers dedupe on it) and Slack once;
    # it is killed in turn right after Slack received its message.
    killed = _killed_run(site, receiver, "/slack/x", "2026-06-01T12:20:00Z")
    assert killed.returncode == -signal.SIGKILL
    hooks = receiver.at("/hook")
    assert len(hooks) == 2 and len({h.headers["Idempotency-Key"] for h in hooks}) == 1
    assert len({h.json()["notification"]["delivery_id"] for h in hooks}) == 1
    # Slack cannot tell a repeat: the cut-short delivery is sent once more (the one duplicate) ...
    killed = _killed_run(site, receiver, "/slack/x", "2026-06-01T12:30:00Z")
    assert killed.returncode == -signal.SIGKILL
    assert "tried again (services without idempotency get at most one duplicate)" in killed.stderr
    assert len(receiver.at("/slack/x")) == 2
    # ... and never a third time: reported for a person to settle, exit 1.
    last = notify(site, "2026-06-01T12:40:00Z")
    assert last.exit_code == 1
    assert f"unknown {ITEM} → slack: two tries were cut short; not sent a third time (at most one duplicate)" in last.stderr
    assert len(receiver.at("/slack/x")) == 2 and len(receiver.at("/hook")) == 2
    again = notify(site, "2026-06-01T13:40:00Z")
    assert again.exit_code == 1 and len(receiver.at("/slack/x")) == 2
    assert ledger(site)["deliveries"][ITEM]["webhook"]["state"] == "sent"


def test_a_run_killed_after_slack_delivered_sends_it_again_once(site, receiver):
    killed = _killed_run(site, receiver, "/slack/x", LATER)
    assert killed.returncode == -signal.SIGKILL
    result = notify(site, "2026-06-01T12:20:00Z")
    assert result.exit_code == 0, result.output
    assert len(receiver.at("/slack/x")) == 2 and len(receiver.at("/hook")) == 1
    assert notify(site, "2026-06-01T12:40:00Z").exit_code == 0
    assert len(receiver.at("/slack/x")) == 2


def test_dry_run_prints_what_would_go_where_and_sends_and_writes_nothing(site, receiver):
    before = (site / "site_config" / "notify-ledger.json").read_bytes()
    result = notify(site, LATER, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"would send {ITEM} → webhook (webhook): Dashboard is slow: Monitoring",
        f"would send {ITEM} → slack (slack): Dashboard is slow: Monitoring",
        "notify: dry run: 2 deliveries would be made; nothing was sent or written",
    ]
    assert receiver.received == [] and (site / "site_config" / "notify-ledger.json").read_bytes() == before


def test_a_channel_without_its_variables_is_skipped_with_one_warning(site, receiver, monkeypatch):
    monkeypatch.delenv("T_SLACK")
    result = notify(site, LATER)
    assert result.exit_code == 0, result.output
    assert result.stderr == ("notify: warning: channel 'slack' (slack) skipped: T_SLACK is not set; add it to the CI "
                             "secrets and to the env: of the workflow's notify step\n")
    assert [r.path for r in receiver.received] == ["/hook"]
    # When the secret is set again, what it missed is sent.
    monkeypatch.setenv("T_SLACK", receiver.base + "/slack/x")
    assert notify(site, "2026-06-01T12:30:00Z").exit_code == 0
    assert [r.path for r in receiver.received] == ["/hook", "/slack/x"]


def test_a_broken_ledger_is_one_line_and_nothing_is_sent(site, receiver):
    (site / "site_config" / "notify-ledger.json").write_text('{"format": 1,\n  "channels": }\n', encoding="utf-8")
    result = notify(site, LATER)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("site_config/notify-ledger.json:2:15: the delivery ledger is not valid JSON (Expecting value); nothing was sent.")
    assert receiver.received == []


def test_first_run_on_the_demo_sends_nothing_old_and_says_so_then_reminds_of_maintenance(tmp_path, receiver, monkeypatch):
    demo = tmp_path / "demo"
    for part in ("incidents", "site_config", "docs"):
        shutil.copytree(REPO / part, demo / part)
    shutil.copy(REPO / "mkdocs.yml", demo / "mkdocs.yml")
    (demo / "site_config" / "notify-ledger.json").unlink(missing_ok=True)
    add_channels(demo, HOOK_AND_SLACK)
    monkeypatch.setenv("T_WEBHOOK", receiver.base + "/hook")
    monkeypatch.setenv("T_SLACK", receiver.base + "/slack/x")
    first = notify(demo, "2026-12-01T12:00:00Z")
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        "notify: first run: site_config/notify-ledger.json is created; what is already published is recorded as known "
        "and nothing old is sent. From now on every new update, apology, compensation offer, postmortem and maintenance "
        "reminder goes out once to each channel.",
        "notify: channel 'webhook' (webhook) starts now: 29 items already published are recorded as known; nothing old is sent to it",
        "notify: channel 'slack' (slack) starts now: 29 items already published are recorded as known; nothing old is sent to it",
        "notify: 0 sent; everything is delivered",
    ]
    assert receiver.received == []
    assert set(ledger(demo)["channels"]) == {"webhook", "slack"}
    # 60 minutes before the database migration's window (02:00 +01:00): the reminder, once.
    reminder = notify(demo, "2026-12-02T00:05:00Z")
    assert reminder.exit_code == 0, reminder.output
    item = "2026-12-02-app-database-migration#reminder-20261202t010000z"
    assert reminder.stdout.splitlines()[:2] == [f"sent    {item} → webhook (webhook)", f"sent    {item} → slack (slack)"]
    (hook,) = receiver.at("/hook")
    assert hook.json()["notification"]["event"] == "maintenance.reminder"
    assert hook.json()["notification"]["headline"] == "My Northwind app and website unavailable for database migration: begins in 1 h"
    assert notify(demo, "2026-12-02T00:30:00Z").stdout == "notify: 0 sent; everything is delivered\n"
    assert len(receiver.received) == 2


def test_notify_without_channels_says_so(project):
    result = invoke(project, "notify")
    assert result.exit_code == 0
    assert result.stdout == "notify: no channels in site_config/site.yaml (add a 'notify:' list: `frankly reference` explains it); nothing to send\n"
    assert not (project / "site_config" / "notify-ledger.json").exists()


def test_bad_notify_configuration_is_file_line_col_in_check(project):
    add_channels(project, """\
  - type: slak
    url_env: X
  - url_env: Y
  - type: slack
    url_env: https://hooks.slack.com/services/T000/B000/XXXX
    url: x
  - type: email
    host: smtp.example.com
    form: a@b.example
    to: not-an-address
    list_id: status.example.com
    security: tls
  - type: webhook
    url_env: "WEBHOOK URL"
    reminder_before: soon
    events: [update, tweets]
""")
    result = invoke(project, "check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    kinds = "webhook, slack, discord, teams, mattermost, google_chat, mastodon, bluesky, email"
    assert result.stderr.splitlines() == [
        f"site_config/site.yaml:19:11: notify #1.type: 'slak' is not allowed; use one of: {kinds}",
        f"site_config/site.yaml:21:5: required key 'type' is missing in notify #2; use one of: {kinds}",
        "site_config/site.yaml:23:14: notify #3.url_env: write the name of the environment variable that holds this secret, "
        "not the secret itself (e.g. FRANKLY_SLACK_WEBHOOK_URL); put the value in your CI secrets, and remove it from this file "
        "and from the git history",
        "site_config/site.yaml:24:5: unknown key 'url' (did you mean 'url_env'?) in notify #3; allowed keys: id, events, language, reminder_before, type, url_env",
        "site_config/site.yaml:27:5: unknown key 'form' (did you mean 'from'?) in notify #4; allowed keys: id, events, language, reminder_before, "
        "type, host, port, security, username_env, password_env, from, to, list_id",
        "site_config/site.yaml:28:9: notify #4.to: expected an e-mail address such as status-updates@lists.example.com (or 'Name <address>'), got 'not-an-address'",
        "site_config/site.yaml:30:15: notify #4.security: 'tls' is not allowed; use one of: starttls, ssl, none",
        "site_config/site.yaml:32:14: notify #5.url_env: 'WEBHOOK URL' is not the name of an environment variable; use letters, digits and underscores, e.g. FRANKLY_WEBHOOK_URL",
        "site_config/site.yaml:33:22: notify #5.reminder_before: expected a duration such as 60m, 2h or 1d, got 'soon'",
        "site_config/site.yaml:34:22: notify #5.events #2: 'tweets' is not allowed; use one of: update, apology, compensation, postmortem, reminder",
        "10 problems in 1 file.",
    ]


def test_two_channels_of_one_type_need_their_own_ids(project):
    add_channels(project, "  - type: slack\n    url_env: A\n  - type: slack\n    url_env: B\n")
    result = invoke(project, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "site_config/site.yaml:21:11: two notify channels are called 'slack' (also channel #1); give each an 'id:' of its own "
        "(the delivery ledger knows a channel by it)"
    )
    config = project / "site_config" / "site.yaml"
    config.write_text(config.read_text().replace("    url_env: B\n", "    url_env: B\n    id: staff-slack\n"))
    assert invoke(project, "check").exit_code == 0


def test_bluesky_after_a_killed_run_asks_for_its_post_and_never_posts_twice(project, receiver, monkeypatch):
    add_channels(project, f"""\
  - type: bluesky
    handle_env: T_BSKY_HANDLE
    app_password_env: T_BSKY_PASSWORD
    service: {receiver.base}
""")
    monkeypatch.setenv("T_BSKY_HANDLE", "acme.test")
    monkeypatch.setenv("T_BSKY_PASSWORD", "app-pass")
    assert notify(project, START).exit_code == 0
    publish_update(project)
    killed = _killed_run(project, receiver, "/xrpc/com.atproto.repo.createRecord", LATER)
    assert killed.returncode == -signal.SIGKILL
    rkey = ledger(project)["deliveries"][ITEM]["bluesky"]["rkey"]
    assert list(receiver.records) == [rkey]  # the post arrived; the run never heard back
    result = notify(project, "2026-06-01T12:20:00Z")
    assert result.exit_code == 0, result.output
    assert len(receiver.at("/xrpc/com.atproto.repo.createRecord")) == 1
    assert receiver.at("/xrpc/com.atproto.repo.getRecord")[0].query["rkey"] == [rkey]
    url = f"https://bsky.app/profile/acme.test/post/{rkey}"
    assert f"channel: bluesky\n        url: {url}\n" in (project / "incidents" / f"{SLUG}.yaml").read_text()


@pytest.mark.parametrize("error", [ValueError("header value contains a line break"), KeyError("text")])
def test_a_content_or_programming_error_is_a_plain_failure_never_unknown(site, receiver, monkeypatch, error):
    """Only a network error leaves a delivery uncertain: an error before anything went out is retried, never 'unknown'."""
    import generator.notify.run as run

    def broken(channel, message, ctx):
        raise error

    monkeypatch.setattr(run, "send", broken)
    for now in (LATER, "2026-06-02T12:00:00Z", "2026-06-03T12:00:00Z"):
        result = notify(site, now)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"failed  {ITEM} → slack (slack): {error.__class__.__name__}: " in result.stderr
        assert "unknown" not in result.output
    record = ledger(site)["deliveries"][ITEM]["slack"]
    assert record["state"] == "failed" and "uncertain" not in record and record["attempts"] == 3


def test_a_mail_that_cannot_be_built_is_a_plain_failure(project, monkeypatch):
    import generator.notify.mail as mail

    add_channels(project, "  - type: email\n    host: 127.0.0.1\n    port: 9\n    security: none\n"
                          "    from: status@acme.test\n    to: list@lists.acme.test\n    list_id: list.acme.test\n")
    assert notify(project, START).exit_code == 0
    publish_update(project)

    def unbuildable(channel, message, ctx):
        raise ValueError("Header values may not contain linefeed or carriage return characters")

    monkeypatch.setattr(mail, "build", unbuildable)
    result = notify(project, LATER)
    assert result.exit_code == 1
    assert "the mail cannot be built (ValueError: Header values may not contain linefeed" in result.stderr
    assert "uncertain" not in ledger(project)["deliveries"][ITEM]["email"]


def test_a_redirect_is_a_failure_that_names_the_new_address_and_takes_nothing_there(site, receiver):
    """urllib would follow a 301 as a bodiless GET (answered 200: 'sent', never delivered), with the
    signature and Idempotency-Key headers, to the new host. A redirect is never followed."""
    receiver.redirect["/hook"] = receiver.base + "/moved"
    result = notify(site, LATER)
    assert result.exit_code == 1
    assert (f"failed  {ITEM} → webhook (webhook): HTTP 301: the service redirected to {receiver.base}/moved; "
            "update the URL in T_WEBHOOK") in result.stderr
    assert receiver.at("/moved") == [] and len(receiver.at("/hook")) == 1
    assert ledger(site)["deliveries"][ITEM]["webhook"]["state"] == "failed"
    assert ledger(site)["deliveries"][ITEM]["slack"]["state"] == "sent"


def test_retry_after_is_respected_when_longer_than_the_backoff(site, receiver):
    receiver.fail["/slack/x"] = 429
    receiver.headers["Retry-After"] = "7200"  # two hours; the first backoff is 5 minutes
    result = notify(site, LATER)
    assert result.exit_code == 1
    assert ledger(site)["deliveries"][ITEM]["slack"]["next_try"] == "2026-06-01T14:10:00Z"
    receiver.headers["Retry-After"] = "1"  # shorter than the backoff: the backoff holds
    del receiver.fail["/slack/x"]
    later = notify(site, "2026-06-01T14:10:00Z")
    assert later.exit_code == 0 and f"sent    {ITEM} → slack (slack)" in later.stdout


def test_a_webhook_address_that_is_not_https_is_skipped_with_a_warning(site, receiver, monkeypatch):
    monkeypatch.setenv("T_SLACK", "http://hooks.slack.com/services/T1/B1/x")
    result = notify(site, LATER)
    assert ("notify: warning: channel 'slack' (slack) skipped: T_SLACK is an http:// address; the service's address "
            "must start with https://") in result.stderr
    assert "Traceback" not in result.output and receiver.at("/slack/x") == []
    assert f"sent    {ITEM} → webhook (webhook)" in result.stdout


@pytest.mark.parametrize("record, problem", [
    ('"sent"', "the record of '{item}' for 'slack' must be a mapping such as"),
    ('{"state": "failed", "at": "2026-06-01T12:05:00Z", "attempts": 1}', "the failed record of '{item}' for 'slack' needs \"next_try\" as a time"),
    ('{"state": "delivered", "at": "2026-06-01T12:05:00Z"}', "the record of '{item}' for 'slack' has state \"delivered\"; a state is one of"),
    ('{"state": "failed", "at": "2026-06-01T12:05:00Z", "next_try": "soon", "attempts": 1}', "needs \"next_try\" as a time"),
])
def test_a_hand_edited_ledger_record_of_the_wrong_shape_is_file_line_col(site, receiver, record, problem):
    path = site / "site_config" / "notify-ledger.json"
    data = ledger(site)
    data["deliveries"][ITEM] = {"slack": "PLACEHOLDER"}
    text = json.dumps(data, indent=1, sort_keys=True).replace('"PLACEHOLDER"', record)
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"slack": ' in row and ITEM in text.splitlines()[n - 2])
    result = notify(site, LATER)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"site_config/notify-ledger.json:{line}:")
    assert problem.format(item=ITEM) in result.stderr and "nothing was sent" in result.stderr
    assert receiver.received == []


def test_a_channel_in_another_language_gets_its_texts_once(project, receiver, monkeypatch):
    """`language: fr` on a channel: the same item (one ledger record per channel), in French,
    linking to the French page; the English channel is unchanged. A language the site lacks is refused."""
    config = project / "site_config" / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "languages: [en, fr]"), encoding="utf-8")
    add_channels(project, "  - type: slack\n    url_env: T_SLACK\n  - type: slack\n    id: slack-fr\n"
                          "    language: fr\n    url_env: T_SLACK_FR\n")
    monkeypatch.setenv("T_SLACK", receiver.base + "/slack/en")
    monkeypatch.setenv("T_SLACK_FR", receiver.base + "/slack/fr")
    assert notify(project, START).exit_code == 0
    update = invoke(project, "update", SLUG, "--status", "monitoring", "-m", "A fix is rolling out.",
                    "--lang", "fr", "Un correctif est en cours de déploiement.", "--now", "2026-06-01T12:05:00Z")
    assert update.exit_code == 0, update.output
    sent = notify(project, LATER)
    assert sent.exit_code == 0, sent.output
    assert f"sent    {ITEM} → slack-fr (slack)" in sent.stdout and f"sent    {ITEM} → slack (slack)" in sent.stdout
    english = json.loads(receiver.at("/slack/en")[0].body)
    french = json.loads(receiver.at("/slack/fr")[0].body)
    assert "A fix is rolling out." in json.dumps(english) and "Monitoring" in english["text"]
    assert "Un correctif est en cours de déploiement." in json.dumps(french, ensure_ascii=False)
    assert "Sous surveillance" in french["text"] and f"/fr/incidents/{SLUG}/" in french["text"]
    assert set(ledger(project)["deliveries"][ITEM]) == {"slack", "slack-fr"}
    assert notify(project, "2026-06-01T12:40:00Z").stdout == "notify: 0 sent; everything is delivered\n"
    config.write_text(config.read_text(encoding="utf-8").replace("language: fr", "language: de"), encoding="utf-8")
    refused = notify(project, "2026-06-01T12:45:00Z")
    assert refused.exit_code == 1
    assert "notify channel 'slack-fr': language 'de' is not one of the site's languages (en, fr)" in refused.output
