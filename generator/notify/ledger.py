"""The delivery ledger: which item reached which channel, so each goes once.

It lives in git beside site.yaml, ``site_config/notify-ledger.json``, and
the shipped workflow commits it back after every run. Why there: CI starts
from a fresh clone every time, so only what is committed survives between
runs; the published site is rebuilt from git and is no place to keep state;
and a committed file is reviewed, diffed and reverted like everything else.

One record per (item id, channel name)::

    known       existed when the channel started (or was older than BACKFILL
                when first seen): never sent
    attempting  written (atomically, fsync'd) *before* the send
    sent        delivered; ``url`` holds the post's address where the service
                returns one
    failed      the last try failed; ``next_try`` after a bounded exponential
                backoff; ``uncertain`` counts tries whose outcome is unknown
                (killed mid-send, a timeout)
    unknown     a service without idempotency was left uncertain twice: not
                sent a third time (at most one duplicate), reported until a
                person settles it
    expired     a reminder whose window began before it could go out

A record found ``attempting`` at the start of a run belongs to a run that was
killed between delivery and bookkeeping (see :mod:`.run` for what follows).
Records of settled items older than BACKFILL are pruned: an item older than
that which the ledger does not know is history, never news, so the file does
not grow with the history.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import filelock

from generator.input.values import UTC

FORMAT = 1
#: An item first seen later than this after it was published is history, not news.
BACKFILL = timedelta(days=7)
#: Retries: 5 min, 10, 20, ... at most 6 h apart.
RETRY_FIRST = timedelta(minutes=5)
RETRY_CAP = timedelta(hours=6)
#: Seconds a run waits for another run on the same checkout.
LOCK_WAIT = 300
SETTLED = ("known", "sent", "expired")


class LedgerError(Exception):
    """The ledger cannot be read or written; the message says what to do."""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: doubling from RETRY_FIRST, at most RETRY_CAP."""
    return min(RETRY_FIRST * (2 ** min(max(attempts - 1, 0), 16)), RETRY_CAP)


class Ledger:
    def __init__(self, path: Path, data: dict[str, Any], existed: bool):
        self.path = path
        self.data = data
        self.existed = existed

    @classmethod
    def read(cls, path: Path, shown: str) -> "Ledger":
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, {"format": FORMAT, "channels": {}, "deliveries": {}}, existed=False)
        except (OSError, UnicodeDecodeError) as exc:
            raise LedgerError(f"{shown}: cannot be read ({exc}); nothing was sent") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise LedgerError(
                f"{shown}:{exc.lineno}:{exc.colno}: the delivery ledger is not valid JSON ({exc.msg}); nothing was sent. "  # type: ignore[attr-defined]
                "Restore it from git (git checkout -- the file): a deleted ledger makes the next run start afresh and send nothing old"
            ) from None
        if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("channels"), dict)
                and isinstance(data.get("deliveries"), dict)):
            raise LedgerError(f"{shown}: not a delivery ledger of this Frankly (format {FORMAT}); nothing was sent. Restore it from git")
        _check_records(data, text, shown)
        return cls(path, data, existed=True)

    # ------------------------------------------------------------ channels

    def channel_started(self, name: str) -> bool:
        return name in self.data["channels"]

    def start_channel(self, name: str, kind: str, now: datetime) -> None:
        self.data["channels"][name] = {"type": kind, "started_at": iso(now)}
        self.data.setdefault("started_at", iso(now))

    # ------------------------------------------------------------ records

    def get(self, item_ids: tuple[str, ...], channel: str) -> dict[str, Any] | None:
        """The record of an item (by its id, or by an id under a former slug) for a channel."""
        for item_id in item_ids:
            record = self.data["deliveries"].get(item_id, {}).get(channel)
            if record is not None:
                return record
        return None

    def put(self, item_id: str, channel: str, record: dict[str, Any]) -> None:
        self.data["deliveries"].setdefault(item_id, {})[channel] = record

    def records(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for item_id, by_channel in self.data["deliveries"].items():
            for channel, record in by_channel.items():
                yield item_id, channel, record

    def prune(self, now: datetime) -> None:
        """Drop settled records of items older than BACKFILL (see the module's note)."""
        cutoff = now - BACKFILL - timedelta(days=1)
        for item_id in list(self.data["deliveries"]):
            by_channel = self.data["deliveries"][item_id]
            for channel in list(by_channel):
                record = by_channel[channel]
                if record.get("state") in SETTLED and parse_iso(record["at"]) < cutoff and record.get("posted_to") != "pending":
                    del by_channel[channel]
            if not by_channel:
                del self.data["deliveries"][item_id]

    # ------------------------------------------------------------ writing

    def text(self) -> str:
        return json.dumps(self.data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self) -> None:
        """Write the whole ledger atomically: a reader (or a killed run) sees the old file or the new, never half."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(self.text().encode("utf-8"))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp_name, 0o644)
                os.replace(tmp_name, self.path)
            finally:
                Path(tmp_name).unlink(missing_ok=True)
        except OSError as exc:
            raise LedgerError(f"cannot write the delivery ledger {self.path}: {exc.strerror or exc}") from None


STATES = ("known", "attempting", "sent", "failed", "unknown", "expired")


def _check_records(data: dict[str, Any], text: str, shown: str) -> None:
    """Every channel and record has the shape a run reads, else a FILE:LINE:COL sentence (a hand edit gone wrong)."""
    def problem(keys: tuple[str, ...], what: str) -> LedgerError:
        at = 0
        for key in keys:  # the last key's place: each searched for after the one before
            found = text.find(json.dumps(key, ensure_ascii=False), at)
            at = found if found >= 0 else at
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        return LedgerError(f"{shown}:{line}:{column}: {what}; nothing was sent. Fix the record by hand (see `frankly reference`, "
                           "notify) or restore the file from git (git checkout -- the file)")

    for name, channel in data["channels"].items():
        if not (isinstance(channel, dict) and isinstance(channel.get("type"), str)):
            raise problem(("channels", name), f"channel '{name}' must be a mapping with its \"type\" and \"started_at\"")
    for item_id, by_channel in data["deliveries"].items():
        if not isinstance(by_channel, dict):
            raise problem(("deliveries", item_id), f"the records of '{item_id}' must be a mapping of channel names to records")
        for channel, record in by_channel.items():
            where = ("deliveries", item_id, channel)
            if not isinstance(record, dict):
                raise problem(where, f"the record of '{item_id}' for '{channel}' must be a mapping such as "
                                     '{"state": "sent", "at": "2026-06-01T12:00:00Z"}, not ' + json.dumps(record)[:60])
            state = record.get("state")
            if state not in STATES:
                raise problem(where, f"the record of '{item_id}' for '{channel}' has state {json.dumps(state)}; "
                                     f"a state is one of {', '.join(STATES)}")
            for key in ("at", "next_try") if state == "failed" else ("at",):
                value = record.get(key)
                if not isinstance(value, str) or not _readable_time(value):
                    raise problem(where, f"the {state} record of '{item_id}' for '{channel}' needs \"{key}\" as a time such as "
                                         "2026-06-01T12:00:00Z")
            for key in ("attempts", "uncertain"):
                if key in record and not (isinstance(record[key], int) and not isinstance(record[key], bool)):
                    raise problem(where, f"\"{key}\" of the record of '{item_id}' for '{channel}' must be a whole number")


def _readable_time(value: str) -> bool:
    try:
        return parse_iso(value).tzinfo is not None
    except ValueError:
        return False


@contextlib.contextmanager
def ledger_lock(root: Path) -> Iterator[None]:
    """One notify run at a time per checkout (filelock: released by the system if the process dies).
    Runs in CI take turns through the workflow's concurrency group instead."""
    lock_file = root / ".cache" / "frankly" / "notify.lock"
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(lock_file, timeout=LOCK_WAIT)
        lock.acquire()
    except filelock.Timeout:
        raise LedgerError(f"another frankly notify has been running on this project for {LOCK_WAIT} s; nothing was sent: run it again later") from None
    except OSError as exc:
        raise LedgerError(f"cannot lock {lock_file}: {exc.strerror or exc}; nothing was sent") from None
    try:
        yield
    finally:
        lock.release()
