"""One run of `frankly notify`: what is new, delivered once to each channel.

For each channel of site.yaml whose environment variables are set, and each
item (:mod:`.items`) it takes, oldest first:

1. A channel the ledger does not know yet *starts now*: every item already
   published is recorded as known and nothing old is sent (the first run on
   an existing history says so).
2. An item the ledger has no record of is new and sent, unless it was
   published more than ``BACKFILL`` ago (history added late is not news).
3. Before each send the record becomes ``attempting`` and the ledger is
   written (atomically, fsync'd); after it, ``sent`` (with the post's address)
   or ``failed`` with the next try after a bounded exponential backoff.
4. A record found ``attempting`` belongs to a run killed between delivery
   and bookkeeping. It is sent again on this run, with the same delivery id:
   webhook, Mastodon and Bluesky tell a repeat from a new delivery, so
   nothing is duplicated there. Services that cannot (Slack, Discord, Teams,
   Mattermost, Google Chat, e-mail) get it again once, so they receive at
   most one duplicate; if that try is cut short too, it is not sent a third
   time but reported as ``unknown`` until a person settles it.
5. Addresses returned by Mastodon and Bluesky go into the update's
   ``posted_to:`` through the byte-keeping edit engine (a run killed before
   that records them on the next run). The workflow pushes the ledger first
   and incidents/ in a commit of its own, dropped on a conflict; a record
   whose address the file lacks is written again on the next run.

A delivery never raises out of here: each failure is a line of output, and
the exit status is 1 when anything is left undelivered.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Mapping

from generator.editing.entries import apply, writer_lock
from generator.editing.plans import plan_posted_to
from generator.editing.values import EditError
from generator.facts.derive import derive
from generator.input.load import Catalog, ProjectPaths
from generator.input.problems import counted, display_path
from generator.notify.channels import IDEMPOTENT, Context, DeliveryError, address_problem, missing_variables
from generator.notify.dispatch import send
from generator.notify.items import Item, items
from generator.notify.ledger import BACKFILL, SETTLED, Ledger, backoff, iso, ledger_lock, parse_iso
from generator.notify.messages import compose
from generator.notify.social import record_key
from generator.outputs import i18n
from generator.outputs.editions import edition_of, localized

LEDGER_FILE = "notify-ledger.json"
#: Errors after which a delivery may have arrived all the same (the connection, not the content).
NETWORK_ERRORS = (OSError, TimeoutError, http.client.HTTPException)
#: A Retry-After longer than this (seconds) is taken as this: a day.
RETRY_AFTER_CAP = 86400


@dataclass
class Counts:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    unknown: int = 0
    would: int = 0

    @property
    def undelivered(self) -> int:
        return self.failed + self.waiting + self.unknown


def ledger_path(paths: ProjectPaths):
    return paths.site_config.parent / LEDGER_FILE


def notify(paths: ProjectPaths, catalog: Catalog, now: datetime, env: Mapping[str, str], *, dry_run: bool,
           say: Callable[[str], None], warn: Callable[[str], None]) -> int:
    """Deliver what is new; the exit status (0: everything delivered or waiting for its time)."""
    site = catalog.site
    if not site.notify:
        say("notify: no channels in site_config/site.yaml (add a 'notify:' list: `frankly reference` explains it); nothing to send")
        return 0
    report = derive(catalog, now)
    everything = items(report)
    # A channel in another of the site's languages gets that language's items: the same ids (so the
    # ledger knows them as one), its texts and its pages' addresses (outputs/editions.py).
    in_language: dict[str, tuple] = {}

    def localized_items(channel) -> tuple:
        language = channel.language or site.language
        if language not in in_language:
            edition = edition_of(site, language)
            there = report if edition.is_default else derive(localized(catalog, edition), now)
            in_language[language] = (there, {i.id: i for i in items(there)}, language)
        return in_language[language]
    path = ledger_path(paths)
    shown = display_path(path, paths.root)
    counts = Counts()
    with ledger_lock(paths.root):
        ledger = Ledger.read(path, shown)
        before = ledger.text() if ledger.existed else None
        channels = []
        for channel in site.notify:
            missing = missing_variables(channel, env)
            if missing:
                names = " and ".join(missing)
                warn(f"notify: warning: channel '{channel.name}' ({channel.type}) skipped: {names} "
                     f"{'is' if len(missing) == 1 else 'are'} not set; add {'it' if len(missing) == 1 else 'them'} to the "
                     "CI secrets and to the env: of the workflow's notify step")
                if not dry_run:
                    continue
            url_env = getattr(channel, "url_env", None)
            problem = address_problem(env[url_env]) if url_env and env.get(url_env) else None
            if problem:
                warn(f"notify: warning: channel '{channel.name}' ({channel.type}) skipped: {url_env} {problem}; "
                     "set it to the address the service gave (https://...)")
                continue
            channels.append(channel)
        if not ledger.existed and channels:
            say(f"notify: first run: {shown} {'would be' if dry_run else 'is'} created; what is already published "
                "is recorded as known and nothing old is sent. From now on every new update, apology, compensation "
                "offer, postmortem and maintenance reminder goes out once to each channel.")
        for channel in channels:
            if not ledger.channel_started(channel.name):
                _start(ledger, channel, everything, now, dry_run, say)
        _recover(ledger, now, warn)
        sessions: dict = {}  # logged-in clients, one per channel for the whole run
        for item in everything:
            for channel in channels:
                there, their_items, language = localized_items(channel)
                with i18n.use(language, paths.site_locales):
                    _deliver(ledger, there, channel, their_items.get(item.id, item), now, env, dry_run, counts, say, warn,
                             sessions)
        if not dry_run:
            _record_posted_to(ledger, paths, everything, shown, say, warn)
            ledger.prune(now)
            if ledger.text() != before:
                ledger.save()
    _summary(counts, dry_run, say)
    return 1 if counts.undelivered and not dry_run else 0


def _start(ledger: Ledger, channel, everything: list[Item], now: datetime, dry_run: bool, say) -> None:
    count = 0
    for item in everything:
        due = item.due(channel.reminder_before) if item.event in channel.events else None
        if due is None or due > now:
            continue
        if item.moment >= now - BACKFILL:  # older ones are history without a record (see ledger.py)
            ledger.put(item.id, channel.name, {"state": "known", "at": iso(item.moment)})
        count += 1
    ledger.start_channel(channel.name, channel.type, now)
    say(f"notify: channel '{channel.name}' ({channel.type}) starts now: {counted(count, 'item')} already published "
        f"{'would be' if dry_run else 'are'} recorded as known; nothing old is sent to it")


def _recover(ledger: Ledger, now: datetime, warn) -> None:
    """Records left 'attempting' by a run that was stopped between sending and bookkeeping."""
    cut = 0
    for _, _, record in ledger.records():
        if record.get("state") == "attempting":
            record.update(state="failed", uncertain=record.get("uncertain", 0) + 1, next_try=iso(now),
                          error="the run sending it was stopped before it heard back (it may have arrived)")
            cut += 1
    if cut:
        warn(f"notify: {counted(cut, 'delivery', 'deliveries')} of a run that was stopped half-way "
             f"{'is' if cut == 1 else 'are'} tried again (services without idempotency get at most one duplicate)")


def _deliver(ledger: Ledger, report, channel, item: Item, now: datetime, env, dry_run: bool, counts: Counts, say, warn,
             sessions: dict) -> None:
    if item.event not in channel.events:
        return
    due = item.due(channel.reminder_before)
    if due is None or due > now:
        return
    record = ledger.get((item.id, *item.former_ids), channel.name)
    if record is None:
        if item.moment < now - BACKFILL:
            return  # history the ledger forgot or never saw: not news
        record = {"state": "new", "at": iso(item.moment), "attempts": 0}
    state = record["state"]
    if state in SETTLED:
        return
    target = f"{item.id} → {channel.name}"
    if state == "unknown":
        counts.unknown += 1
        warn(f"unknown {target}: two tries were cut short and {channel.type} cannot tell a repeat, so it is not sent "
             "again; check the channel, then set this record's state to \"sent\" in the ledger (or delete the record to send it)")
        return
    if item.expired(now):
        record["state"] = "expired"
        ledger.put(item.id, channel.name, record)
        return
    if state == "failed" and parse_iso(record["next_try"]) > now:
        counts.waiting += 1
        warn(f"waiting {target}: {record.get('error', 'failed')}; next try after {record['next_try']}")
        return
    uncertain = record.get("uncertain", 0)
    if uncertain >= 2 and channel.type not in IDEMPOTENT:
        record["state"] = "unknown"
        ledger.put(item.id, channel.name, record)
        counts.unknown += 1
        warn(f"unknown {target}: two tries were cut short; not sent a third time (at most one duplicate). "
             "Check the channel, then mark it \"sent\" in the ledger or delete the record to send it")
        return
    message = compose(report, item, channel.reminder_before)
    if dry_run:
        counts.would += 1
        say(f"would send {target} ({channel.type}): {message.headline}")
        return
    delivery_id = f"{item.id}@{channel.name}"
    record.update(state="attempting", attempts=record.get("attempts", 0) + 1, last_try=iso(now))
    if channel.type == "bluesky":
        record.setdefault("rkey", record_key(delivery_id, time.time()))
    ledger.put(item.id, channel.name, record)
    ledger.save()
    try:
        url = send(channel, message, Context(report, env, delivery_id, record, retry=uncertain > 0, now=now, sessions=sessions))
    except DeliveryError as exc:
        _failed(record, now, str(exc), exc.uncertain, exc.retry_after)
    except Exception as exc:  # noqa: BLE001 - a client library's own error must not stop the other deliveries
        # Only a network error leaves the outcome open; any other (a bug, content a library refused) sent nothing.
        _failed(record, now, f"{exc.__class__.__name__}: {' '.join(str(exc).split())[:300]}", isinstance(exc, NETWORK_ERRORS))
    else:
        record = {"state": "sent", "at": record["at"], "attempts": record["attempts"], "sent_at": iso(now)}
        if url:
            record["url"] = url
            if item.update is not None:
                record["posted_to"] = "pending"
        counts.sent += 1
        say(f"sent    {target} ({channel.type})" + (f": {url}" if url else ""))
    ledger.put(item.id, channel.name, record)
    ledger.save()
    if record["state"] == "failed":
        counts.failed += 1
        warn(f"failed  {target} ({channel.type}): {record['error']}; next try after {record['next_try']} (try {record['attempts']})")


def _failed(record: dict, now: datetime, error: str, uncertain: bool, retry_after: float | None = None) -> None:
    wait = backoff(record["attempts"])
    if retry_after:  # the service said when (Retry-After): never sooner, whatever the backoff
        wait = max(wait, timedelta(seconds=min(retry_after, RETRY_AFTER_CAP)))
    record.update(state="failed", error=error, next_try=iso(now + wait))
    if uncertain:
        record["uncertain"] = record.get("uncertain", 0) + 1


def _record_posted_to(ledger: Ledger, paths: ProjectPaths, everything: list[Item], shown: str, say, warn) -> None:
    """The addresses Mastodon and Bluesky returned, written into each update's posted_to."""
    by_id = {item.id: item for item in everything}
    for item_id, channel, record in ledger.records():
        state = record.get("posted_to")
        item = by_id.get(item_id)
        if state == "recorded" and item is not None and item.update is not None and \
                all(link.url != record.get("url") for link in item.update.posted_to):
            # The ledger says recorded, the file does not have it: the workflow's commit of incidents/
            # did not land (it is pushed after the ledger's and dropped on a conflict). Again now.
            state = "pending"
            say(f"notify: {record.get('url')} is not in the posted_to of {item_id} (the last commit of incidents/ did not land); writing it again")
        if state != "pending":
            continue
        network = ledger.data["channels"].get(channel, {}).get("type")
        if item is None or item.index is None or network not in ("mastodon", "bluesky"):
            record["posted_to"] = "not recorded"
            continue
        try:
            with writer_lock(paths):
                edit = plan_posted_to(paths, item.facts.slug, item.index, network, record["url"])
                if edit is not None:
                    apply(paths, edit)
        except EditError as exc:
            record["posted_to"] = "not recorded"
            first = str(exc).split("\n")[0]
            warn(f"notify: could not record {record['url']} in the posted_to of {item_id}: {first}; it is kept in {shown}")
            continue
        record["posted_to"] = "recorded"
        say(f"recorded {record['url']} in posted_to of {item_id}")


def _summary(counts: Counts, dry_run: bool, say) -> None:
    if dry_run:
        say(f"notify: dry run: {counted(counts.would, 'delivery', 'deliveries')} would be made; nothing was sent or written")
        return
    parts = [f"{counts.sent} sent"]
    if counts.failed:
        parts.append(f"{counts.failed} failed (tried again on a later run)")
    if counts.waiting:
        parts.append(f"{counts.waiting} waiting to be tried again")
    if counts.unknown:
        parts.append(f"{counts.unknown} unknown (need a person)")
    say("notify: " + ", ".join(parts) + ("" if counts.undelivered else "; everything is delivered"))
