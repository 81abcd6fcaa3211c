"""GET /api/v1/today keeps its encoded answer keyed by a stamp read from the database on every
request: every kind of write changes the answer at once, through the API or from another
process, and the answer is always the one computed from scratch."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supple import services
from supple.core.safety import QUESTIONS
from supple.jsonview import day_json
from supple.store.database import open_store
from supple.web import WebSettings, create_app
from tests.conftest import local_scope, ready_database
from tests.guarded import guarded_client

TODAY = date(2026, 11, 3)
YESTERDAY = "2026-11-02"
NO = {q.id: False for q in QUESTIONS}


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    ready_database(url)
    return url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    app = create_app(WebSettings(database_url=url, today=TODAY.isoformat()))
    with guarded_client(app) as test_client:
        yield test_client
    app.state.store.dispose()


def from_scratch(url: str) -> dict[str, Any]:
    """Today's answer computed by the services on a store of its own, with no cache."""
    store = open_store(url)
    try:
        ctx = local_scope(store)
        body = day_json(services.day(ctx, TODAY))
        block = services.session_gate(ctx, TODAY)
        body["gate"] = block.as_json() if block else None
        return body
    finally:
        store.dispose()


def _nothing(client: TestClient) -> None:
    pass


def _session_yesterday(client: TestClient) -> dict[str, Any]:
    session: dict[str, Any] = client.post("/api/v1/sessions", json={"date": YESTERDAY}).json()
    return session


def _sharp_rating_yesterday(client: TestClient) -> None:
    session = _session_yesterday(client)
    body = {"exercise": session["steps"][0]["exercise_id"], "pain": 8}
    assert client.post(f"/api/v1/sessions/{session['id']}/ratings", json=body).status_code == 200


def _settled_morning(client: TestClient) -> None:
    body = {"kind": "morning", "pain": 1, "stiffness": 1}
    assert client.post("/api/v1/checkins", json=body).status_code == 201


def _red_flag(client: TestClient) -> None:
    answers = {**NO, QUESTIONS[0].id: True}
    assert client.post("/api/v1/screen", json={"answers": answers}).status_code == 200


def _clearance(client: TestClient) -> None:
    cleared = client.post("/api/v1/screen/clearance", json={"cleared_on": TODAY.isoformat()})
    assert cleared.status_code == 201


def _hurt_yesterday(client: TestClient) -> None:
    """The player flags as hurting, in yesterday's session, an exercise that today also has."""
    session = _session_yesterday(client)
    exercise = client.get("/api/v1/today").json()["items"][0]["exercise"]
    hurt = {"id": uuid.uuid4().hex, "kind": "hurt_flagged", "data": {"exercise": exercise}}
    assert client.post(f"/api/v1/sessions/{session['id']}/events", json=hurt).status_code == 201


@pytest.mark.parametrize(
    ("before", "write"),
    [
        (_nothing, _sharp_rating_yesterday),
        (_sharp_rating_yesterday, _settled_morning),
        (_nothing, _red_flag),
        (_red_flag, _clearance),
        (_nothing, _hurt_yesterday),
    ],
    ids=["exercise rating", "morning check-in", "red flag", "clearance", "session event"],
)
def test_each_kind_of_write_changes_today_at_once(
    client: TestClient,
    url: str,
    before: Callable[[TestClient], None],
    write: Callable[[TestClient], None],
) -> None:
    before(client)
    first = client.get("/api/v1/today").json()
    assert client.get("/api/v1/today").json() == first  # served again, now from the cache
    write(client)
    after = client.get("/api/v1/today").json()
    assert after != first
    assert after == from_scratch(url)


def test_a_clearance_unblocks_today_after_a_red_flag(client: TestClient) -> None:
    _red_flag(client)
    assert client.get("/api/v1/today").json()["gate"]
    cleared = client.post("/api/v1/screen/clearance", json={"cleared_on": TODAY.isoformat()})
    assert cleared.status_code == 201
    assert client.get("/api/v1/today").json()["gate"] is None


def test_a_write_from_another_process_is_seen_on_the_next_request(
    client: TestClient, url: str
) -> None:
    before = client.get("/api/v1/today").json()
    other = open_store(url)  # the CLI, say, next to a running server
    try:
        services.record_screen(local_scope(other), {**NO, QUESTIONS[1].id: True})
    finally:
        other.dispose()
    after = client.get("/api/v1/today").json()
    assert before["gate"] is None and after["gate"]
    assert after == from_scratch(url)


def test_a_changed_plan_setting_changes_today(client: TestClient, url: str) -> None:
    before = client.get("/api/v1/today").json()
    other = open_store(url)
    try:
        ctx = local_scope(other)
        services.init_profile(
            ctx, start_date=date(2026, 10, 26), session_time=None, timezone=None, plan_path=None
        )
    finally:
        other.dispose()
    after = client.get("/api/v1/today").json()
    assert (before["week"], after["week"]) == (1, 2)
    assert after == from_scratch(url)
