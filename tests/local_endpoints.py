"""Real local parts for the tests that reach people: an SMTP server (aiosmtpd, port 8900) and
an HTTP endpoint on loopback (on a port the system picks), and a browser's push subscription
whose key the test holds, so that a Web Push delivery is decrypted and read. Nothing leaves
the machine."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SMTP_PORT = 8900


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@contextmanager
def smtp_server(port: int = SMTP_PORT) -> Iterator[list[Message]]:
    """An SMTP server on loopback; yields the list of messages it received."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox.messages
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Endpoint:
    """What the HTTP endpoint received, and how it answers: ``status`` for every request, and
    ``hold`` (an Event) that, when set by a test, keeps each request waiting until cleared."""

    port: int
    received: list[Received] = field(default_factory=list)
    status: int = 200
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def apprise(self, path: str) -> str:
        """An Apprise URL that posts the message as JSON to ``path`` here."""
        return f"json://127.0.0.1:{self.port}{path}"


@contextmanager
def http_endpoint(port: int = 0) -> Iterator[Endpoint]:
    """An HTTP endpoint on loopback, on a free port the system picks unless one is given (two
    test runs on one machine then never meet on a port)."""
    endpoint = Endpoint(port)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            endpoint.received.append(Received(self.path, headers, body))
            endpoint.arrived.set()
            if endpoint.release is not None:
                endpoint.release.wait(30)
            self.send_response(endpoint.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    endpoint.port = server.server_address[1]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        if endpoint.release is not None:
            endpoint.release.set()
        server.shutdown()
        server.server_close()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass(frozen=True)
class Browser:
    """A browser's side of Web Push: its key pair and auth secret, and the subscription it
    would hand to the app."""

    key: ec.EllipticCurvePrivateKey
    auth: bytes
    endpoint: str

    @classmethod
    def subscribe(cls, endpoint: str) -> Browser:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16), endpoint)

    def subscription(self) -> str:
        public = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return json.dumps(
            {"endpoint": self.endpoint, "keys": {"p256dh": _b64(public), "auth": _b64(self.auth)}}
        )

    def read(self, body: bytes) -> Any:
        """The push message's JSON, decrypted as the browser would."""
        plain = http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth)
        return json.loads(plain)
