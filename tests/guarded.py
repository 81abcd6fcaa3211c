"""A TestClient that talks to the app as Supple's own pages do: on a loopback name, with the
anti-forgery cookie and the ``X-CSRF-Token`` header (fetched once, like player.js does)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from supple.web.csrf import HEADER

BASE = "http://localhost"


def guarded_client(app: Any, **options: Any) -> TestClient:
    client = TestClient(app, base_url=BASE, **options)
    token = client.get("/api/v1/csrf-token").json()["token"]
    client.headers[HEADER] = token
    return client


def token_of(client: TestClient) -> str:
    return str(client.headers[HEADER])
