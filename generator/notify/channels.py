"""The deliveries: one message to one channel.

Chat services and the generic webhook get one HTTPS POST each, made with the
standard library (``urllib.request``); Mastodon, Bluesky and e-mail go
through their client libraries (:mod:`.social`, :mod:`.mail`).

Which services can tell a repeated delivery from a new one (idempotency)
decides what a run does after a killed run (:mod:`.run`):

- webhook: ``Idempotency-Key`` and ``X-Frankly-Delivery`` headers and
  ``notification.delivery_id`` in the body carry the same delivery id on
  every try; a receiver that keeps the ids it has seen never acts twice;
- Mastodon: the same ``Idempotency-Key`` on every try (Mastodon keeps them
  for an hour and answers a repeat with the first post);
- Bluesky: the post's record key is chosen before the first try and kept;
  a retry first asks the server for that record;
- Slack, Discord, Teams, Mattermost, Google Chat, e-mail: no such thing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from generator.facts.derive import StatusReport
from generator.input.notifyconfig import ChannelBase, GoogleChatChannel
from generator.notify import messages
from generator.notify.items import webhook_event
from generator.notify.messages import Message

#: Seconds to wait for a service's answer. A delivery left unanswered counts as uncertain.
TIMEOUT = 20
IDEMPOTENT = frozenset({"webhook", "mastodon", "bluesky"})
SIGNATURE_HEADER = "X-Frankly-Signature"


class DeliveryError(Exception):
    """A delivery that failed; ``uncertain`` when it may have arrived all the same (no answer)."""

    def __init__(self, message: str, uncertain: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.uncertain = uncertain
        self.retry_after = retry_after  # seconds the service asked to wait (Retry-After), if it said


@dataclass
class Context:
    report: StatusReport
    env: Mapping[str, str]
    delivery_id: str
    record: dict[str, Any] = field(default_factory=dict)  # the ledger's record: Bluesky keeps its record key there
    retry: bool = False  # an earlier try of this delivery may have arrived
    now: datetime | None = None  # the run's time: when it is sent (a mail's Date)
    sessions: dict[str, Any] = field(default_factory=dict)  # the run's logged-in clients, by channel (Bluesky)

    def secret(self, name: str | None) -> str | None:
        return (self.env.get(name) or None) if name else None


def missing_variables(channel: ChannelBase, env: Mapping[str, str]) -> list[str]:
    """The channel's required environment variables that are not set (or empty)."""
    needed = list(channel.secrets().values())
    if getattr(channel, "secret_env", None):
        needed.append(channel.secret_env)  # type: ignore[attr-defined]
    return [name for name in needed if not env.get(name)]


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"Frankly/{version('frankly')} (frankly notify)"
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "Frankly (frankly notify)"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is answered, never followed: urllib would turn the POST into a bodiless GET (which a
    service answers 200: marked sent, never delivered) and take the signature and Idempotency-Key
    headers to whatever host the Location names. No redirect request: urllib raises HTTPError."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913 - urllib's signature
        return None


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def address_problem(url: str) -> str | None:
    """Why a webhook address from the environment cannot be used (None: it can). Only https carries
    a secret URL safely; plain http only to this machine (127.0.0.1, localhost: tests, a local relay)."""
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return None
    if parts.scheme == "http":
        return "is an http:// address; the service's address must start with https:// (http only for 127.0.0.1 or localhost)"
    return "is not an https:// address"


def retry_after(value: str | None) -> float | None:
    """Retry-After's seconds, written as a number or as an HTTP date (RFC 9110 10.2.3); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - datetime.now(when.tzinfo)).total_seconds(), 0.0)


def post_json(url: str, body: bytes, headers: dict[str, str], env_name: str = "the environment variable") -> bytes:
    """One POST; any answer but 2xx is a DeliveryError saying what the service said."""
    problem = address_problem(url)
    if problem:
        raise DeliveryError(f"the address in {env_name} {problem}")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": user_agent(), **headers,
    })
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:  # noqa: S310 - scheme checked above
            return response.read(65536)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            where = exc.headers.get("Location") or "another address"
            raise DeliveryError(f"HTTP {exc.code}: the service redirected to {where}; update the URL in {env_name} "
                                "(nothing was sent: a redirect is never followed)") from None
        said = exc.read(300).decode("utf-8", "replace").strip().replace("\n", " ")
        wait = retry_after(exc.headers.get("Retry-After")) if exc.code in (429, 503) else None
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}" + (f": {said}" if said else ""), retry_after=wait) from None
    except (TimeoutError, socket.timeout):
        raise DeliveryError(f"no answer within {TIMEOUT} s (it may have arrived)", uncertain=True) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise DeliveryError(f"no answer within {TIMEOUT} s (it may have arrived)", uncertain=True) from None
        raise DeliveryError(f"cannot connect: {getattr(reason, 'strerror', None) or reason}") from None
    except (ConnectionError, OSError) as exc:
        # The request went out and the connection broke before the answer: it may have arrived.
        raise DeliveryError(f"the connection broke before the answer ({exc.__class__.__name__}; it may have arrived)", uncertain=True) from None


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """The signature header's value: 'sha256=' and the HMAC-SHA256 of the exact body, hex."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def payload(channel: ChannelBase, message: Message, ctx: Context) -> dict[str, Any] | None:
    """The JSON a chat channel or webhook receives (None: not a JSON channel)."""
    kind = channel.type  # type: ignore[attr-defined]
    if kind == "webhook":
        return messages.webhook(message, ctx.report, ctx.delivery_id)
    if kind == "google_chat":
        return messages.google_chat(message, channel.threads)  # type: ignore[attr-defined]
    maker = {"slack": messages.slack, "discord": messages.discord, "teams": messages.teams, "mattermost": messages.mattermost}
    return maker[kind](message) if kind in maker else None


def send_http(channel: ChannelBase, message: Message, ctx: Context) -> None:
    """A chat service's webhook or the generic webhook: one signed JSON POST."""
    kind = channel.type  # type: ignore[attr-defined]
    url = ctx.env[channel.url_env]  # type: ignore[attr-defined]
    body = _json(payload(channel, message, ctx))  # type: ignore[arg-type]
    headers: dict[str, str] = {}
    if kind == "webhook":
        headers = {"Idempotency-Key": ctx.delivery_id, "X-Frankly-Delivery": ctx.delivery_id, "X-Frankly-Event": webhook_event(message.item)}
        secret = ctx.secret(channel.secret_env)  # type: ignore[attr-defined]
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
    if isinstance(channel, GoogleChatChannel) and channel.threads and "messageReplyOption=" not in url:
        # Google Chat: reply in the entry's thread, or start it.
        url += ("&" if "?" in url else "?") + "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"
    post_json(url, body, headers, channel.url_env)  # type: ignore[attr-defined]
