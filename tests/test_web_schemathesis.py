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
from schemathesis.config import SchemathesisConfig

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


# The contract: every check schemathesis has (no 5xx; status, content type, headers and body as
# documented; a body or parameter the document forbids is refused with a 4xx and one it allows
# is not; a 405 lists the methods in Allow; and the rest), against the document as served to
# this person (its dates bounded to the days their program takes).
checks.load_all_checks()
CONTRACT = checks.CHECKS.get_all()
# Three rules no JSON Schema can state, each answered 422 with the field and the reason, so a
# 422 there is a valid answer to a body the document allows: a plan's text must be a valid plan
# (YAML checked line by line); the first weekly check-in must carry the PSFS baseline (3 to 5
# activities) the later ones are measured against; movement-break hours must end after they
# start. Every other operation must accept what its document allows.
SEMANTIC = ("/api/v1/plan/use", "/api/v1/checkins", "/calendar.ics")
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-path": path,
                "include-method": "GET" if path == "/calendar.ics" else "POST",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
                    }
                },
            }
            for path in SEMANTIC
        ]
    }
)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", _app(), config=CONFIG, headers={"host": "localhost"}
)


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
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract_and_never_fails(case: Any, guest: dict[str, Any]) -> None:
    if "session_id" in (case.path_parameters or {}):
        case.path_parameters["session_id"] = guest["session"]
    case.call_and_validate(
        headers={"host": "localhost", HEADER: guest["token"]},
        cookies={COOKIE: guest["token"]},
        checks=CONTRACT,
    )


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
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
