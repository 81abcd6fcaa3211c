"""Schemathesis over the whole JSON API, through the ASGI app: what the OpenAPI document
promises is what is sent (status codes, content types, bodies, the 422 shape), and no input
makes a 5xx. Requests come as Supple's own pages send them (a loopback Host, the anti-forgery
cookie and header) and name a real session, so every route is reached past the guards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from supple.web import WebSettings, create_app
from supple.web.csrf import COOKIE, HEADER
from tests.conftest import ready_database

TODAY = "2026-11-03"
ROOT = Path(__file__).resolve().parent
_state: dict[str, Any] = {}


def _app() -> Any:
    """One app for the run (schemathesis reads its document at collection time)."""
    if "app" not in _state:
        folder = Path(__import__("tempfile").mkdtemp(prefix="supple-st-"))
        url = ready_database(f"sqlite:///{folder / 'web.db'}")
        _state["app"] = create_app(WebSettings(database_url=url, today=TODAY))
    return _state["app"]


# The contract: no 5xx, and every status, content type, header and body as documented.
CONTRACT = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
schema = schemathesis.openapi.from_asgi("/openapi.json", _app(), headers={"host": "localhost"})


@pytest.fixture(scope="module")
def guest() -> Iterator[dict[str, Any]]:
    """The token, its cookie and a real session id, as the player would hold them."""
    from tests.guarded import guarded_client

    client = guarded_client(_app())
    token = client.headers[HEADER]
    session = client.post("/api/v1/sessions", json={})
    assert session.status_code == 201, session.text
    yield {"token": token, "session": session.json()["id"]}
    client.close()


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract_and_never_fails(case: Any, guest: dict[str, Any]) -> None:
    if "session_id" in (case.path_parameters or {}):
        case.path_parameters["session_id"] = guest["session"]
    case.call_and_validate(
        headers={"host": "localhost", HEADER: guest["token"]},
        cookies={COOKIE: guest["token"]},
        checks=CONTRACT,
    )


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_same_requests_are_refused_without_the_guards_tokens(
    case: Any, guest: dict[str, Any]
) -> None:
    if "session_id" in (case.path_parameters or {}):
        case.path_parameters["session_id"] = guest["session"]
    foreign = case.call(headers={"host": "evil.example", HEADER: guest["token"]})
    assert foreign.status_code == 400
    if case.method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
        tokenless = case.call(headers={"host": "localhost"}, cookies={COOKIE: guest["token"]})
        assert tokenless.status_code in (403, 413, 415), tokenless.text  # refused, never stored
        cross = case.call(
            headers={"host": "localhost", HEADER: guest["token"], "sec-fetch-site": "cross-site"},
            cookies={COOKIE: guest["token"]},
        )
        assert cross.status_code in (403, 413)  # a body over the limit is refused first
