"""`frankly notify`'s deliveries, received by real servers on 127.0.0.1: each chat
service's webhook payload checked against its documented shape, the webhook's
signature, a mail through SMTP, Mastodon.py and atproto against the endpoints
they call, and the returned addresses in the update's posted_to."""

from __future__ import annotations

import email
import json
import email.policy
import hashlib
import hmac
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from conftest import invoke
from notify_servers import Mailbox, Receiver

START = "2026-06-01T12:00:00Z"  # the first run: the fixture's history is old news
UPDATE_AT = "2026-06-01T12:05:00Z"
LATER = "2026-06-01T12:10:00Z"
SLUG = "2026-03-10-dashboard-slow"
PAGE = f"https://status.acme.test/incidents/{SLUG}/"
ANCHOR = "u-20260601t120500z"


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def add_channels(project: Path, yaml_text: str) -> None:
    config = project / "site_config" / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "notify:\n" + yaml_text, encoding="utf-8")


def publish_update(project: Path) -> None:
    result = invoke(project, "update", SLUG, "--status", "monitoring", "-m",
                    "A fix is rolling out; pages load in *under 2 s* again (p95 < 2 s) & more.", "--now", UPDATE_AT)
    assert result.exit_code == 0, result.output


def notify(project: Path, now: str, *extra: str):
    return invoke(project, "notify", "--now", now, *extra)


CHATS = """\
  - type: webhook
    url_env: T_WEBHOOK
    secret_env: T_SECRET
  - type: slack
    url_env: T_SLACK
  - type: discord
    url_env: T_DISCORD
  - type: teams
    url_env: T_TEAMS
  - type: mattermost
    url_env: T_MATTERMOST
  - type: google_chat
    url_env: T_CHAT
"""


def chat_env(monkeypatch, base: str) -> None:
    for name, path in [("T_WEBHOOK", "/hook"), ("T_SLACK", "/slack/T1/B1/x"), ("T_DISCORD", "/discord/1/abc"),
                       ("T_TEAMS", "/teams/workflow"), ("T_MATTERMOST", "/mattermost/hooks/x"), ("T_CHAT", "/chat/v1/spaces/S/messages?key=k&token=t")]:
        monkeypatch.setenv(name, base + path)
    monkeypatch.setenv("T_SECRET", "s3cret")


def test_every_chat_service_receives_its_documented_payload(project, receiver, monkeypatch):
    add_channels(project, CHATS)
    chat_env(monkeypatch, receiver.base)
    first = notify(project, START)
    assert first.exit_code == 0, first.output
    assert "first run" in first.stdout and receiver.received == []
    publish_update(project)
    result = notify(project, LATER)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("sent    ") == 6
    assert "notify: 6 sent; everything is delivered" in result.stdout
    url = f"{PAGE}#{ANCHOR}"
    headline = "Dashboard is slow: Monitoring"

    # The generic webhook: Statuspage's subscriber webhook shape, signed.
    (hook,) = receiver.at("/hook")
    expected = "sha256=" + hmac.new(b"s3cret", hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["X-Frankly-Signature"] == expected
    assert hook.headers["Content-Type"] == "application/json; charset=utf-8"
    delivery = f"{SLUG}#{ANCHOR}@webhook"
    assert hook.headers["Idempotency-Key"] == hook.headers["X-Frankly-Delivery"] == delivery
    assert hook.headers["X-Frankly-Event"] == "incident.updated"
    body = hook.json()
    assert set(body) == {"meta", "page", "incident", "notification"}
    assert body["meta"] == {"unsubscribe": None, "documentation": None}
    assert body["page"] == {"id": "status.acme.test", "status_indicator": "minor", "status_description": "Partially Degraded Service"}
    incident = body["incident"]
    assert incident["id"] == SLUG and incident["name"] == "Dashboard is slow" and incident["status"] == "monitoring"
    assert incident["shortlink"] == PAGE and incident["impact"] == "minor"
    latest = incident["incident_updates"][0]  # newest first, as Statuspage
    assert latest["status"] == "monitoring" and latest["body"].startswith("A fix is rolling out")
    assert {"id", "incident_id", "body", "status", "created_at", "updated_at", "display_at"} <= set(latest)
    assert body["notification"]["event"] == "incident.updated" and body["notification"]["url"] == url
    assert body["notification"]["delivery_id"] == delivery and body["notification"]["headline"] == headline

    # Slack: text plus Block Kit blocks within their limits, mrkdwn escaped.
    slack = receiver.at("/slack/T1/B1/x")[0].json()
    assert isinstance(slack["text"], str) and url in slack["text"]
    types = [block["type"] for block in slack["blocks"]]
    assert types == ["header", "section", "section", "context"]
    header, section, fields, context = slack["blocks"]
    assert header["text"] == {"type": "plain_text", "text": headline, "emoji": True} and len(header["text"]["text"]) <= 150
    assert section["text"]["type"] == "mrkdwn" and len(section["text"]["text"]) <= 3000
    assert "(p95 &lt; 2 s) &amp; more." in section["text"]["text"]
    assert 1 <= len(fields["fields"]) <= 10 and all(f["type"] == "mrkdwn" and len(f["text"]) <= 2000 for f in fields["fields"])
    assert context["elements"][0]["text"].startswith(f"<{url}|Acme Cloud Status>")

    # Discord: content and one embed within Discord's limits; no mentions parsed.
    discord = receiver.at("/discord/1/abc")[0].json()
    assert discord["content"] == headline and len(discord["content"]) <= 2000
    assert discord["allowed_mentions"] == {"parse": []}
    (embed,) = discord["embeds"]
    assert embed["title"] == headline and embed["url"] == url and len(embed["title"]) <= 256
    assert len(embed["description"]) <= 4096 and isinstance(embed["color"], int) and 0 <= embed["color"] <= 0xFFFFFF
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", embed["timestamp"])
    assert len(embed["fields"]) <= 25 and all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in embed["fields"])
    total = len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"]) + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])
    assert total <= 6000

    # Teams (Workflows): a message with one Adaptive Card attachment.
    teams = receiver.at("/teams/workflow")[0].json()
    assert teams["type"] == "message"
    (attachment,) = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert [element["type"] for element in card["body"]] == ["TextBlock", "TextBlock", "FactSet", "TextBlock"]
    assert card["body"][0]["text"] == headline and all(e.get("wrap") for e in card["body"] if e["type"] == "TextBlock")
    assert all(set(fact) == {"title", "value"} for fact in card["body"][2]["facts"])
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open the status page", "url": url}]

    # Mattermost: Markdown text.
    mattermost = receiver.at("/mattermost/hooks/x")[0].json()
    assert set(mattermost) == {"text"} and mattermost["text"].startswith(f"#### {headline}\n")
    assert f"[Acme Cloud Status]({url})" in mattermost["text"]

    # Google Chat: text, one thread per entry.
    chat = receiver.at("/chat/v1/spaces/S/messages")[0]
    assert chat.query["messageReplyOption"] == ["REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"] and chat.query["key"] == ["k"]
    message = chat.json()
    assert message["thread"] == {"threadKey": SLUG} and message["text"].startswith(f"*{headline}*\n")
    assert f"<{url}|Acme Cloud Status>" in message["text"] and len(message["text"]) <= 4096


def test_a_mail_to_the_list_through_a_real_smtp_server(project, monkeypatch):
    mailbox = Mailbox().start()
    try:
        add_channels(project, f"""\
  - type: email
    host: 127.0.0.1
    port: {mailbox.port}
    security: none
    from: Acme Status <status@acme.test>
    to: status-updates@lists.acme.test
    list_id: status-updates.acme.test
""")
        assert notify(project, START).exit_code == 0
        publish_update(project)
        result = notify(project, LATER)
        assert result.exit_code == 0, result.output
        (envelope,) = mailbox.messages
    finally:
        mailbox.stop()
    assert envelope.mail_from == "status@acme.test" and envelope.rcpt_tos == ["status-updates@lists.acme.test"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "[Monitoring] Dashboard is slow"
    assert mail["List-Id"] == "Acme Cloud Status <status-updates.acme.test>"
    assert mail["From"] == "Acme Status <status@acme.test>" and mail["To"] == "status-updates@lists.acme.test"
    assert re.fullmatch(r"<[0-9a-f]{32}@acme\.test>", mail["Message-ID"])
    assert mail["Date"].datetime == datetime(2026, 6, 1, 12, 10, tzinfo=timezone.utc)  # when it was sent (LATER), not published
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(("html",)).get_content()
    assert plain.startswith("Dashboard is slow: Monitoring\n\nA fix is rolling out; pages load in under 2 s again (p95 < 2 s) & more.")
    assert f"Full details: {PAGE}#{ANCHOR}" in plain and "Status: Monitoring" in plain
    assert "<em>under 2 s</em> again (p95 &lt; 2 s) &amp; more." in html and f'href="{PAGE}#{ANCHOR}"' in html


def test_mastodon_and_bluesky_posts_land_in_posted_to_with_every_other_byte_kept(project, receiver, monkeypatch):
    add_channels(project, f"""\
  - type: mastodon
    base_url: {receiver.base}
    token_env: T_MASTODON_TOKEN
  - type: bluesky
    handle_env: T_BSKY_HANDLE
    app_password_env: T_BSKY_PASSWORD
    service: {receiver.base}
""")
    monkeypatch.setenv("T_MASTODON_TOKEN", "token-1")
    monkeypatch.setenv("T_BSKY_HANDLE", "acme.test")
    monkeypatch.setenv("T_BSKY_PASSWORD", "app-pass")
    assert notify(project, START).exit_code == 0
    publish_update(project)
    entry = project / "incidents" / f"{SLUG}.yaml"
    before = entry.read_bytes()
    result = notify(project, LATER)
    assert result.exit_code == 0, result.output

    (status,) = receiver.at("/api/v1/statuses")
    assert status.headers["Authorization"] == "Bearer token-1"
    assert status.headers["Idempotency-Key"] == f"{SLUG}#{ANCHOR}@mastodon"
    assert status.headers["Content-Type"] == "application/x-www-form-urlencoded"  # Mastodon.py posts a form
    form = parse_qs(status.body.decode())
    text = form["status"][0]
    assert form["visibility"] == ["public"] and form["language"] == ["en"]
    assert text.startswith("Dashboard is slow: Monitoring\n\nA fix is rolling out") and text.endswith(f"\n{PAGE}")
    assert len(text.replace(PAGE, "")) + 23 <= 500

    session = receiver.at("/xrpc/com.atproto.server.createSession")[0].json()
    assert session["identifier"] == "acme.test" and session["password"] == "app-pass"
    created = receiver.at("/xrpc/com.atproto.repo.createRecord")[0]
    assert created.headers["Authorization"].startswith("Bearer ")
    data = created.json()
    assert data["repo"] == "acme.test" and data["collection"] == "app.bsky.feed.post"
    assert re.fullmatch(r"[2-7a-j][2-7a-z]{12}", data["rkey"])  # a TID
    record = data["record"]
    assert record["$type"] == "app.bsky.feed.post" and len(record["text"]) <= 300 and record["text"].endswith(PAGE)
    (facet,) = record["facets"]
    start = len(record["text"].encode()) - len(PAGE.encode())
    assert {k: facet["index"][k] for k in ("byteStart", "byteEnd")} == {"byteStart": start, "byteEnd": start + len(PAGE.encode())}
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": PAGE}]

    mastodon_url = f"{receiver.base}/@acme/101"
    bluesky_url = f"https://bsky.app/profile/acme.test/post/{data['rkey']}"
    assert f"sent    {SLUG}#{ANCHOR} → mastodon (mastodon): {mastodon_url}" in result.stdout
    assert f"recorded {bluesky_url} in posted_to of {SLUG}#{ANCHOR}" in result.stdout
    after = entry.read_bytes()
    added = (f"    posted_to:\n      - channel: mastodon\n        url: {mastodon_url}\n"
             f"      - channel: bluesky\n        url: {bluesky_url}\n").encode()
    assert after == before + added  # the new update is the file's last: everything before it is byte for byte the same
    assert invoke(project, "check").exit_code == 0
    # a second run sends and writes nothing more
    again = notify(project, "2026-06-01T12:30:00Z")
    assert again.exit_code == 0 and "0 sent" in again.stdout
    assert len(receiver.at("/api/v1/statuses")) == 1 and len(receiver.at("/xrpc/com.atproto.repo.createRecord")) == 1
    assert entry.read_bytes() == after


HOSTILE = "<!channel> @everyone @here @all <users/all> *x* & <script>"
#: What each service reads as a mention (or a link) in the text it parses.
LIVE = {
    "slack": re.compile(r"<[!@#]|<users/"),  # Slack mentions only in <...>; a bare @everyone is text
    "mattermost": re.compile(r"<[!@#]|@(?:channel|all|here|everyone)\b"),
    "google_chat": re.compile(r"<users/|<!"),
}


def _free_texts(kind: str, body: dict) -> list[str]:
    """Every text of a payload a service parses for mentions and markup."""
    if kind == "slack":  # ``text`` and every mrkdwn text (a plain_text header shows text as it is)
        texts = [body["text"]]
        for block in body["blocks"]:
            texts += [part["text"] for part in [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]
                      if part.get("type") == "mrkdwn"]
        return texts
    if kind == "discord":
        return [body["content"], body["embeds"][0]["title"], body["embeds"][0]["description"]]
    if kind == "teams":
        return [element.get("text", "") for element in body["attachments"][0]["content"]["body"]]
    return [body["text"]]


@pytest.mark.parametrize("kind, path", [("slack", "/slack/T1/B1/x"), ("discord", "/discord/1/abc"), ("teams", "/teams/workflow"),
                                        ("mattermost", "/mattermost/hooks/x"), ("google_chat", "/chat/v1/spaces/S/messages")])
def test_a_hostile_title_and_message_mention_no_one(project, receiver, monkeypatch, kind, path):
    entry = project / "incidents" / f"{SLUG}.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("title: Dashboard is slow", f"title: '{HOSTILE}'"), encoding="utf-8")
    env = {"slack": "T_SLACK", "discord": "T_DISCORD", "teams": "T_TEAMS", "mattermost": "T_MATTERMOST", "google_chat": "T_CHAT"}[kind]
    add_channels(project, f"  - type: {kind}\n    url_env: {env}\n")
    chat_env(monkeypatch, receiver.base)
    assert notify(project, START).exit_code == 0
    result = invoke(project, "update", SLUG, "--status", "monitoring", "-m", HOSTILE, "--now", UPDATE_AT)
    assert result.exit_code == 0, result.output
    result = notify(project, LATER)
    assert result.exit_code == 0, result.output
    (got,) = receiver.at(path)
    body = got.json()
    texts = _free_texts(kind, body)
    assert any("everyone" in text for text in texts)  # the words arrive, defused
    if kind == "discord":
        assert body["allowed_mentions"] == {"parse": []}  # Discord parses no mention at all
    elif kind == "teams":
        assert "entities" not in json.dumps(body)  # a Teams mention needs an entity; none is sent
    else:
        for text in texts:
            assert not LIVE[kind].search(text), (kind, text)
    if kind == "slack":
        assert body["text"].startswith("&lt;!channel&gt; @everyone") and "&amp; &lt;script&gt;" in body["text"]
    if kind == "mattermost":
        assert "@\u2060everyone @\u2060here @\u2060all" in body["text"] and "<\u2060!channel>" in body["text"]
    if kind == "google_chat":
        headline = body["text"].split("\n")[0]
        assert headline.startswith("*") and headline.endswith("*") and "*" not in headline[1:-1]
        assert "<\u2060users/all>" in body["text"]


def test_a_rate_limited_mastodon_fails_promptly_and_is_tried_again_later(project, receiver, monkeypatch):
    """Mastodon.py's default on 429 sleeps until X-RateLimit-Reset (hours); notify fails the delivery and goes on."""
    import time

    from test_notify import ledger

    add_channels(project, f"  - type: mastodon\n    base_url: {receiver.base}\n    token_env: T_MASTODON_TOKEN\n")
    monkeypatch.setenv("T_MASTODON_TOKEN", "token-1")
    assert notify(project, START).exit_code == 0
    publish_update(project)
    receiver.fail["/api/v1/statuses"] = 429
    receiver.headers.update({"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                             "X-RateLimit-Reset": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 3 * 3600))})
    began = time.monotonic()
    result = notify(project, LATER)
    assert time.monotonic() - began < 15
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"failed  {SLUG}#{ANCHOR} → mastodon (mastodon): Mastodon's rate limit was reached" in result.stderr
    record = ledger(project)["deliveries"][f"{SLUG}#{ANCHOR}"]["mastodon"]
    assert record["state"] == "failed" and "uncertain" not in record
    assert "2026-06-01T14:" in record["next_try"] or "2026-06-01T15:" in record["next_try"]  # the reset, ~3 h on
    del receiver.fail["/api/v1/statuses"]
    again = notify(project, "2026-06-01T16:00:00Z")
    assert again.exit_code == 0 and f"sent    {SLUG}#{ANCHOR} → mastodon (mastodon)" in again.stdout


def test_bluesky_logs_in_once_per_run_for_many_posts(project, receiver, monkeypatch):
    add_channels(project, f"  - type: bluesky\n    handle_env: T_BSKY_HANDLE\n    app_password_env: T_BSKY_PASSWORD\n    service: {receiver.base}\n")
    monkeypatch.setenv("T_BSKY_HANDLE", "acme.test")
    monkeypatch.setenv("T_BSKY_PASSWORD", "app-pass")
    assert notify(project, START).exit_code == 0
    publish_update(project)
    result = invoke(project, "update", SLUG, "--status", "resolved", "-m", "Fixed.", "--now", "2026-06-01T12:06:00Z")
    assert result.exit_code == 0, result.output
    result = notify(project, LATER)
    assert result.exit_code == 0, result.output
    assert len(receiver.at("/xrpc/com.atproto.repo.createRecord")) == 2
    assert len(receiver.at("/xrpc/com.atproto.server.createSession")) == 1


def test_a_posted_to_edit_whose_commit_was_dropped_is_written_again(project, receiver, monkeypatch):
    """The workflow pushes the ledger (saying 'recorded') first and incidents/ apart, dropping that
    commit on a conflict: the next run finds the address missing from the file and writes it again."""
    add_channels(project, f"  - type: mastodon\n    base_url: {receiver.base}\n    token_env: T_MASTODON_TOKEN\n")
    monkeypatch.setenv("T_MASTODON_TOKEN", "token-1")
    assert notify(project, START).exit_code == 0
    publish_update(project)
    entry = project / "incidents" / f"{SLUG}.yaml"
    before = entry.read_bytes()
    assert notify(project, LATER).exit_code == 0
    written = entry.read_bytes()
    assert written != before
    entry.write_bytes(before)  # git reset --hard origin: the incidents/ commit was dropped, the ledger's kept
    again = notify(project, "2026-06-01T12:30:00Z")
    assert again.exit_code == 0, again.output
    assert "the last commit of incidents/ did not land); writing it again" in again.stdout
    assert entry.read_bytes() == written and len(receiver.at("/api/v1/statuses")) == 1  # written, not posted again
    third = notify(project, "2026-06-01T12:40:00Z")
    assert "writing it again" not in third.stdout and entry.read_bytes() == written
