"""Check-ins, progress and the red-flag screen over the JSON API and the clearance form: the
same wellbeing functions as the CLI, 422 naming the field on bad input, 404 without a profile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from supple.core.safety import QUESTIONS
from supple.web import WebSettings, create_app
from tests.conftest import ready_database
from tests.guarded import guarded_client

TODAY = "2026-11-03"
NO = {q.id: False for q in QUESTIONS}


def _client(tmp_path: Path, *, profile: bool, baseline: bool = True) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    if profile:
        ready_database(url, baseline=baseline)
    app = create_app(WebSettings(database_url=url, today=TODAY))
    with guarded_client(app) as test_client:
        yield test_client
    app.state.store.dispose()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path, profile=True)


@pytest.fixture
def unmeasured(tmp_path: Path) -> Iterator[TestClient]:
    """Screened, without the baseline's weekly check-in yet."""
    yield from _client(tmp_path, profile=True, baseline=False)


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path, profile=False)


def test_a_morning_checkin_is_stored_and_listed(client: TestClient) -> None:
    posted = client.post("/api/v1/checkins", json={"kind": "morning", "pain": 3, "stiffness": 5})
    assert posted.status_code == 201
    assert posted.json() == {"kind": "morning", "date": TODAY, "replaced": False}
    again = client.post("/api/v1/checkins", json={"kind": "morning", "pain": 2, "stiffness": 4})
    assert again.json()["replaced"] is True
    listed = client.get("/api/v1/checkins?kind=morning").json()
    assert listed == [
        {"kind": "morning", "date": TODAY, "subject": None, "pain": 2, "stiffness": 4}
    ]


def test_session_checkins_before_and_after_add_up_to_one_day(client: TestClient) -> None:
    client.post("/api/v1/checkins", json={"kind": "session", "before_pain": 4})
    client.post("/api/v1/checkins", json={"kind": "session", "after_pain": 2, "rpe": 6})
    (row,) = client.get("/api/v1/checkins?kind=session").json()
    assert (row["before_pain"], row["after_pain"], row["rpe"]) == (4, 2, 6)


def test_a_sharp_exercise_rating_says_stop(client: TestClient) -> None:
    today = client.get("/api/v1/today").json()
    exercise = today["items"][0]["exercise"]
    body = {"kind": "exercise", "exercise": exercise, "pain": 3, "quality": "shooting"}
    answer = client.post("/api/v1/checkins", json=body).json()
    assert answer["stop"] is True and answer["advice"]


def test_the_first_weekly_checkin_sets_the_psfs_baseline(unmeasured: TestClient) -> None:
    body = {"kind": "week", "pain": 5, "psfs": {"tie shoes": 4, "sit an hour": 3, "lift": 5}}
    answer = unmeasured.post("/api/v1/checkins", json=body).json()
    assert answer["baseline"] is True
    progress = unmeasured.get("/api/v1/progress").json()
    assert progress["date"] == TODAY and "adherence" in progress


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "morning", "pain": 11, "stiffness": 2}, "morning.pain"),
        ({"kind": "morning", "pain": 2}, "morning.stiffness"),
        ({"kind": "session", "rpe": -1}, "session.rpe"),
        ({"kind": "nap", "pain": 2}, "kind"),
        ({"kind": "morning", "pain": 2, "stiffness": 2, "date": "soon"}, "morning.date"),
        ({"kind": "session"}, "input"),
        ({"kind": "week", "pain": 3}, "input"),
        ({"kind": "exercise", "exercise": "cartwheel", "quality": "tickly"}, "exercise.quality"),
    ],
)
def test_a_bad_checkin_gets_422_naming_the_field(
    unmeasured: TestClient, body: dict[str, object], field: str
) -> None:
    """Before any weekly check-in, so a week without activities is refused (the baseline
    needs them)."""
    response = unmeasured.post("/api/v1/checkins", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["field"] == field and detail[0]["reason"]


def test_rating_an_unknown_exercise_is_404(client: TestClient) -> None:
    body = {"kind": "exercise", "exercise": "no-such-move", "pain": 2}
    assert client.post("/api/v1/checkins", json=body).status_code == 404


def test_the_screen_lists_every_question(client: TestClient) -> None:
    body = client.get("/api/v1/screen").json()
    assert [q["id"] for q in body["questions"]] == [q.id for q in QUESTIONS]
    assert body["screened"] is True and body["gate"] is None


def test_a_red_flag_blocks_sessions_until_a_clearance(client: TestClient) -> None:
    flagged = client.post("/api/v1/screen", json={"answers": {**NO, QUESTIONS[0].id: True}})
    assert flagged.json()["clear"] is False and flagged.json()["flagged"] == [QUESTIONS[0].id]
    assert client.get("/api/v1/today").json()["gate"]
    assert client.post("/api/v1/sessions", json={}).status_code == 422
    cleared = client.post("/api/v1/screen/clearance", json={"cleared_on": TODAY})
    assert cleared.status_code == 201 and cleared.json()["gate"] is None
    assert client.post("/api/v1/sessions", json={}).status_code == 201


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/screen", {"answers": {QUESTIONS[0].id: False}}, "input"),
        ("/api/v1/screen", {"answers": {**NO, "made-up": True}}, "input"),
        ("/api/v1/screen", {"answers": "no"}, "answers"),
        ("/api/v1/screen/clearance", {"cleared_on": "2099-01-01"}, "input"),
        ("/api/v1/screen/clearance", {"cleared_on": "last week"}, "cleared_on"),
    ],
)
def test_a_bad_screen_request_gets_422(
    client: TestClient, path: str, body: dict[str, object], field: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/checkins", None),
        ("POST", "/api/v1/checkins", {"kind": "morning", "pain": 1, "stiffness": 1}),
        ("GET", "/api/v1/progress", None),
        ("POST", "/api/v1/screen/clearance", {"cleared_on": TODAY}),
    ],
)
def test_without_a_profile_it_is_404(
    empty: TestClient, method: str, path: str, body: object
) -> None:
    assert empty.request(method, path, json=body).status_code == 404


def test_the_blocked_page_records_a_clearance_from_its_form(client: TestClient) -> None:
    # A "see a clinician" sign: emergency signs keep the form off this page (issue 12, point 8;
    # tests/test_web_pages_loop.py pins that side).
    client.post("/api/v1/screen", json={"answers": {**NO, "injury": True}})
    page = client.get("/")
    assert 'action="/start/clearance"' in page.text and "No session for now" in page.text
    response = client.post("/start/clearance", data={"cleared_on": TODAY}, follow_redirects=False)
    assert response.status_code == 303
    assert "Start session" in client.get("/").text


def test_a_clearance_in_the_future_is_refused_on_the_page(client: TestClient) -> None:
    response = client.post("/start/clearance", data={"cleared_on": "2099-01-01"})
    assert response.status_code == 422 and "future" in response.text


def test_pain_that_has_not_settled_asks_the_screen_again_in_the_browser(
    client: TestClient,
) -> None:
    """Rule 2 in the browser: a stop for pain, a worse next morning, then the screen again
    (the page offers it, not a terminal command), and a clear screen re-opens sessions."""
    client.post("/api/v1/checkins", json={"kind": "morning", "pain": 3, "stiffness": 3})
    rated = client.post(
        "/api/v1/checkins", json={"kind": "exercise", "exercise": "pelvic-tilts", "pain": 8}
    )
    assert rated.status_code == 201
    later = "2026-11-05"
    client.post(
        "/api/v1/checkins",
        json={"kind": "morning", "date": "2026-11-04", "pain": 6, "stiffness": 5},
    )
    gate = client.get(f"/api/v1/today?date={later}").json()["gate"]
    assert gate["remedy"] == "screen" and "had not settled" in gate["reason"]
    page = client.get(f"/?date={later}").text
    assert 'href="/start?again=1"' in page and "supple screen" not in page
    screen = client.get("/start?again=1", follow_redirects=False)
    assert screen.status_code == 200 and "safety questions" in screen.text
    answered = client.post(
        "/start/screen", data={q.id: "no" for q in QUESTIONS}, follow_redirects=False
    )
    assert answered.headers["location"] == "/"  # not the first run: straight back to today
    assert client.get(f"/api/v1/today?date={later}").json()["gate"] is None


def test_a_red_flag_page_offers_the_clearance_form_not_a_command(client: TestClient) -> None:
    client.post("/api/v1/screen", json={"answers": {**NO, "injury": True}})
    page = client.get("/").text
    assert 'action="/start/clearance"' in page and "supple screen" not in page


@pytest.mark.parametrize("path", ["/start/baseline", "/start/when"])
def test_later_first_run_pages_send_an_unscreened_visitor_to_the_questions(
    empty: TestClient, path: str
) -> None:
    response = empty.get(path, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/start")
