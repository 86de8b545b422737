"""Real servers on 127.0.0.1 for the notify tests: one HTTP server that takes
every chat webhook and answers the Mastodon and Bluesky endpoints their
client libraries call (as the services document them), and an SMTP server
(aiosmtpd). Nothing leaves the machine."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def _jwt(payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


@dataclass
class Receiver:
    """Records every request; ``fail`` maps a path to the status it answers with;
    ``on_request`` runs after a request is recorded and before it is answered."""

    received: list[Received] = field(default_factory=list)
    fail: dict[str, int] = field(default_factory=dict)
    redirect: dict[str, str] = field(default_factory=dict)  # a path answered 301 to this Location
    headers: dict[str, str] = field(default_factory=dict)  # extra headers on a ``fail`` answer (Retry-After)
    on_request: Callable[[Received], None] | None = None
    records: dict[str, dict] = field(default_factory=dict)  # Bluesky: rkey -> record
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                got = Received(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), self.rfile.read(length))
                receiver.received.append(got)
                if receiver.on_request:
                    receiver.on_request(got)
                if parts.path in receiver.redirect:
                    self.send_response(301)
                    self.send_header("Location", receiver.redirect[parts.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = receiver.fail.get(parts.path)
                if status:
                    self._answer(status, {"error": "Failure", "message": "down for the test"}, receiver.headers)
                    return
                self._answer(*receiver.answer(got))

            do_POST = do_GET = _handle

            def _answer(self, status: int, body, extra: dict | None = None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def answer(self, got: Received) -> tuple[int, object]:
        """What each service answers, as its API documentation shows it."""
        if got.path == "/api/v1/statuses":  # Mastodon: POST /api/v1/statuses returns the Status
            form = parse_qs(got.body.decode()) if "json" not in got.headers.get("Content-Type", "") else got.json()
            number = str(100 + len(self.at(got.path)))
            return 200, {
                "id": number, "uri": f"{self.base}/users/acme/statuses/{number}", "url": f"{self.base}/@acme/{number}",
                "created_at": "2026-06-01T12:10:00.000Z", "content": "<p>…</p>", "visibility": "public",
                "account": {"id": "1", "username": "acme", "acct": "acme", "url": f"{self.base}/@acme"},
                "media_attachments": [], "mentions": [], "tags": [], "emojis": [], "reblogs_count": 0,
                "favourites_count": 0, "replies_count": 0, "sensitive": False, "spoiler_text": "",
                "language": (form.get("language") or ["en"])[0] if isinstance(form, dict) else "en",
            }
        if got.path == "/xrpc/com.atproto.server.createSession":
            return 200, {"did": "did:plc:acme123", "handle": "acme.test", "accessJwt": _jwt({"exp": 4102444800, "sub": "did:plc:acme123", "scope": "com.atproto.appPass"}),
                         "refreshJwt": _jwt({"exp": 4102444800, "sub": "did:plc:acme123", "scope": "com.atproto.refresh"}), "active": True}
        if got.path == "/xrpc/com.atproto.repo.createRecord":
            data = got.json()
            rkey = data.get("rkey") or "3kdefault22222"
            if rkey in self.records:
                return 400, {"error": "InvalidRequest", "message": "Record already exists"}
            self.records[rkey] = data["record"]
            return 200, {"uri": f"at://did:plc:acme123/app.bsky.feed.post/{rkey}", "cid": "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgf5vrmumwimjbwa7e"}
        if got.path == "/xrpc/com.atproto.repo.getRecord":
            rkey = got.query["rkey"][0]
            if rkey not in self.records:
                return 400, {"error": "RecordNotFound", "message": "Could not locate record"}
            return 200, {"uri": f"at://did:plc:acme123/app.bsky.feed.post/{rkey}", "cid": "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgf5vrmumwimjbwa7e",
                         "value": self.records[rkey]}
        if got.path.startswith("/discord"):
            return 204, None
        if got.path.startswith("/slack"):
            return 200, None
        return 200, {}


class Mailbox:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it is sent."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                mailbox.messages.append(envelope)
                return "250 OK"

        from conftest import free_port

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())

    def start(self) -> "Mailbox":
        self.controller.start()
        return self

    @property
    def port(self) -> int:
        return self.controller.port

    def stop(self) -> None:
        self.controller.stop()
