"""What the OpenAPI document promises, checked one promise at a time (the schemathesis run in
test_web_schemathesis.py checks them all at random): JSON fields take only their JSON type,
dates carry the person's window as a pattern, a 405 lists the address's methods, a calendar
held by the person's records is a 409."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supple.web import WebSettings, create_app
from supple.web.openapi_dates import date_pattern
from tests.conftest import ready_database
from tests.guarded import guarded_client

TODAY = "2026-11-03"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = ready_database(f"sqlite:///{tmp_path / 'web.db'}")
    with guarded_client(create_app(WebSettings(database_url=url, today=TODAY))) as client:
        yield client


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2025, 11, 2), date(2028, 12, 1)),
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(1999, 12, 31), date(2000, 1, 1)),
        (date(2026, 2, 28), date(2026, 3, 1)),
    ],
)
def test_a_date_pattern_matches_exactly_the_days_from_first_to_last(
    first: date, last: date
) -> None:
    pattern = re.compile(date_pattern(first, last))
    day = first - timedelta(days=400)
    while day <= last + timedelta(days=400):
        assert bool(pattern.match(day.isoformat())) == (first <= day <= last), day
        day += timedelta(days=1)


def test_a_date_pattern_with_its_ends_crossed_matches_nothing() -> None:
    assert re.match(date_pattern(date(2026, 1, 2), date(2026, 1, 1)), "2026-01-01") is None


def _date_schema(node: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in node["anyOf"] if s.get("format") == "date")


def test_the_document_states_each_date_window_the_routes_apply(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    morning = _date_schema(schemas["MorningCheckin"]["properties"]["date"])
    session = _date_schema(schemas["NewSession"]["properties"]["date"])
    cleared = schemas["Clearance"]["properties"]["cleared_on"]
    # Each pattern's last day is taken; the day after it is refused, as the document says.
    for pattern, accepted, refused, post in [
        (session["pattern"], "2026-11-02", "2026-11-01", ("/api/v1/sessions", "date")),
        (morning["pattern"], "2025-11-02", "2025-11-01", ("/api/v1/checkins", "date")),
        (cleared["pattern"], TODAY, "2026-11-04", ("/api/v1/screen/clearance", "cleared_on")),
    ]:
        assert re.match(pattern, accepted) and not re.match(pattern, refused)
        path, field = post
        body: dict[str, Any] = {field: refused}
        if path.endswith("checkins"):
            body |= {"kind": "morning", "pain": 1, "stiffness": 1}
        assert client.post(path, json=body).status_code == 422, (path, refused)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/checkins", {"kind": "morning", "pain": "5", "stiffness": 1}, "pain"),
        ("/api/v1/checkins", {"kind": "morning", "pain": True, "stiffness": 1}, "pain"),
        ("/api/v1/checkins", {"kind": "morning", "date": 0, "pain": 1, "stiffness": 1}, "date"),
        (
            "/api/v1/checkins",
            {"kind": "exercise", "exercise": "bird dog", "hurt": 0, "pain": 1},
            "hurt",
        ),
        ("/api/v1/screen/clearance", {"cleared_on": "2026-11-03T00:00:00"}, "cleared_on"),
        ("/api/v1/sessions", {"minutes": "20"}, "minutes"),
        ("/api/v1/plan/use", {"bundled": 1}, "bundled"),
        ("/api/v1/plan/use", {"bundled": False, "text": None}, "input"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused_not_converted(
    client: TestClient, path: str, body: dict[str, Any], field: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"].endswith(field)


def test_an_event_time_without_its_offset_or_as_a_number_is_refused(client: TestClient) -> None:
    session = client.post("/api/v1/sessions", json={}).json()["id"]
    for at in (0, "2026-11-03", "2026-11-03T07:30:00"):
        body = {"id": "abcdefgh1", "kind": "paused", "at": at}
        response = client.post(f"/api/v1/sessions/{session}/events", json=body)
        assert response.status_code == 422 and response.json()["detail"][0]["field"] == "at"
    body = {"id": "abcdefgh2", "kind": "paused", "at": "2026-11-03T07:30:00.5+01:00"}
    assert client.post(f"/api/v1/sessions/{session}/events", json=body).status_code == 201


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/v1/sessions", "GET, POST"),
        ("OPTIONS", "/api/v1/checkins", "GET, POST"),
        ("DELETE", "/api/v1/today", "GET"),
        ("PUT", "/history", "GET"),
    ],
)
def test_a_405_lists_every_method_the_address_answers(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405 and response.headers["allow"] == allow


def test_a_calendar_held_by_a_stop_for_pain_is_a_409_that_says_why(client: TestClient) -> None:
    session = client.post("/api/v1/sessions", json={}).json()["id"]
    stop = {"id": "abcdefgh9", "kind": "session_stopped", "data": {"reason": "pain"}}
    assert client.post(f"/api/v1/sessions/{session}/events", json=stop).status_code == 201
    rating = {"exercise": "bird dog", "pain": 8, "hurt": True}
    client.post(f"/api/v1/sessions/{session}/ratings", json=rating)
    response = client.get("/calendar.ics")
    assert response.status_code == 409, response.text
    assert "No calendar until sessions are offered again" in response.json()["detail"]
    answers = client.get("/openapi.json").json()["paths"]["/calendar.ics"]["get"]["responses"]
    assert "409" in answers
