"""The JSON API: the CLI's shapes, 422 with the field and the reason on bad input, 404 on
unknown ids, and player events stored once however often they are sent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from supple import planfile
from supple.web import WebSettings, create_app
from tests.conftest import ready_database
from tests.guarded import guarded_client

TODAY = "2026-11-03"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    ready_database(url)
    app = create_app(WebSettings(database_url=url, today=TODAY))
    with guarded_client(app) as test_client:
        yield test_client
    app.state.store.dispose()


def test_today_is_the_same_day_the_cli_prints(client: TestClient) -> None:
    body = client.get("/api/v1/today").json()
    assert (body["date"], body["week"], body["day"]) == (TODAY, 1, 2)
    assert body["items"] and body["estimated_seconds"] > 0


def test_the_timeline_adds_up_to_the_estimate(client: TestClient) -> None:
    today = client.get("/api/v1/today").json()
    timeline = client.get("/api/v1/timeline").json()
    assert sum(s["seconds"] for s in timeline["steps"]) == today["estimated_seconds"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("get", "/api/v1/today?date=31-01-2026", None, "date"),
        ("get", "/api/v1/today?date=2020-01-01", None, "input"),
        ("get", "/api/v1/week?date=yesterday", None, "date"),
        ("post", "/api/v1/plan/validate", {"filename": "p.yaml"}, "text"),
        ("post", "/api/v1/plan/use", {"text": 7}, "text"),
        ("post", "/api/v1/sessions", {"date": "soon"}, "date"),
    ],
)
def test_a_bad_request_gets_422_naming_the_field(
    client: TestClient, method: str, path: str, body: object, field: str
) -> None:
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["field"] == field and detail[0]["reason"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/exercises/no-such-move", "/api/v1/sessions/no-such-session", "/exercises/nope"],
)
def test_an_unknown_id_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "event",
    [
        {"id": "short", "kind": "paused"},
        {"id": "a" * 65, "kind": "paused"},
        {"id": "abcdefgh!", "kind": "paused"},
        {"id": "abcdefghij", "kind": "danced"},
        {"id": "abcdefghij", "kind": "paused", "step_index": -1},
        {"id": "abcdefghij", "kind": "paused", "at": "noon"},
        {"id": "abcdefghij", "kind": "paused", "data": {"x": [1]}},
        {"id": "abcdefghij", "kind": "step_completed"},
        {"id": "abcdefghij", "kind": "step_skipped", "step_index": None},
        [],
    ],
)
def test_a_malformed_event_is_refused_without_a_500(client: TestClient, event: object) -> None:
    session = client.post("/api/v1/sessions", json={}).json()
    response = client.post(f"/api/v1/sessions/{session['id']}/events", json=event)
    assert response.status_code == 422


def test_an_event_sent_twice_is_stored_once(client: TestClient) -> None:
    session = client.post("/api/v1/sessions", json={}).json()
    event = {"id": uuid.uuid4().hex, "kind": "step_completed", "step_index": 0}
    first = client.post(f"/api/v1/sessions/{session['id']}/events", json=event)
    again = client.post(f"/api/v1/sessions/{session['id']}/events", json=event)
    assert (first.status_code, first.json()["stored"]) == (201, True)
    assert (again.status_code, again.json()["stored"]) == (200, False)
    assert client.get(f"/api/v1/sessions/{session['id']}").json()["completed"] == [0]


def test_a_step_the_timeline_never_had_does_not_count_as_done(client: TestClient) -> None:
    session = client.post("/api/v1/sessions", json={}).json()
    far = {"id": uuid.uuid4().hex, "kind": "step_completed", "step_index": 9_999}
    assert client.post(f"/api/v1/sessions/{session['id']}/events", json=far).status_code == 201
    again = client.get(f"/api/v1/sessions/{session['id']}").json()
    assert (again["completed"], again["resume_point"]) == ([], 0)


def test_starting_again_resumes_the_unfinished_session(client: TestClient) -> None:
    first = client.post("/api/v1/sessions", json={}).json()
    event = {"id": uuid.uuid4().hex, "kind": "step_completed", "step_index": 0}
    client.post(f"/api/v1/sessions/{first['id']}/events", json=event)
    again = client.post("/api/v1/sessions", json={}).json()
    assert (again["id"], again["resume_point"]) == (first["id"], 1)


@pytest.mark.parametrize(("pain", "quality", "stop"), [(3, None, False), (8, None, True)])
def test_a_rating_answers_whether_the_session_must_stop(
    client: TestClient, pain: int, quality: str | None, stop: bool
) -> None:
    session = client.post("/api/v1/sessions", json={}).json()
    body = {"exercise": session["steps"][0]["exercise_id"], "pain": pain, "quality": quality}
    answer = client.post(f"/api/v1/sessions/{session['id']}/ratings", json=body).json()
    assert answer["stop"] is stop


def test_a_pain_rating_above_ten_is_refused(client: TestClient) -> None:
    session = client.post("/api/v1/sessions", json={}).json()
    body = {"exercise": "bird-dog", "pain": 11}
    response = client.post(f"/api/v1/sessions/{session['id']}/ratings", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "pain"


def test_validating_a_plan_prints_what_the_cli_prints(client: TestClient) -> None:
    bad = client.post(
        "/api/v1/plan/validate", json={"filename": "mine.yaml", "text": "format: 1\n"}
    )
    assert bad.json()["valid"] is False
    assert all(line.startswith("mine.yaml:") for line in bad.json()["lines"])
    good = client.post(
        "/api/v1/plan/validate",
        json={"filename": "mine.yaml", "text": planfile.bundled_plan_text()},
    )
    assert good.json()["lines"][0].startswith("mine.yaml: valid — ")


def test_openapi_lists_the_resources(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/today", "/api/v1/week", "/api/v1/sessions/{session_id}/events"):
        assert path in paths


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/week",
        "/history",
        "/progress",
        "/checkin",
        "/checkin?kind=week",
        "/plan",
        "/exercises",
        "/exercises/bird-dog",
        "/play",
    ],
)
def test_every_page_renders(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert "does not replace a doctor" in response.text or page == "/play"
