"""Edge dates and hostile strings against every web route and CLI command that takes them:
each is answered 4xx (web) or exit 2 with one ``error:`` line (CLI), never a 5xx or a
traceback, and the message says what is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supple.web import WebSettings, create_app
from tests.conftest import BASELINE_PSFS, Supple, ready_database
from tests.guarded import guarded_client

# what the client's database holds before a test: the first run's baseline, and nothing else
BASELINE_ONLY = [
    {"kind": "week", "date": "2026-11-02", "subject": None, "pain": 4, "psfs": BASELINE_PSFS}
]
EDGE_DATES = ["0001-01-01", "9999-12-31", "9999-12-25", "1900-01-01", "2200-06-30"]
CONTROL = ["a\x00b", "\x00", "\x1b[2J\x1b[31mred", "bell\x07"]
HOSTILE = [*CONTROL, "x" * 3000]

DATE_GETS = [
    "/?date={d}",
    "/today?date={d}",
    "/week?date={d}",
    "/play?date={d}",
    "/api/v1/today?date={d}",
    "/api/v1/week?date={d}",
    "/api/v1/timeline?date={d}",
    "/plan.pdf?date={d}",
    "/print?date={d}",
    "/report?from={d}",
    "/report?to={d}",
    "/report?to={d}&format=fhir",
]
DATE_POSTS: list[tuple[str, dict[str, Any]]] = [
    ("/api/v1/sessions", {}),
    ("/api/v1/checkins", {"kind": "morning", "pain": 1, "stiffness": 1}),
    ("/api/v1/checkins", {"kind": "session", "rpe": 3}),
    ("/api/v1/checkins", {"kind": "exercise", "exercise": "bird-dog", "pain": 1}),
    ("/api/v1/checkins", {"kind": "week", "pain": 1, "psfs": {"a": 1, "b": 2, "c": 3}}),
]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = ready_database(f"sqlite:///{tmp_path / 'web.db'}")
    app = create_app(WebSettings(database_url=url, today="2026-11-03"))
    with guarded_client(app, raise_server_exceptions=False) as test_client:
        yield test_client
    app.state.store.dispose()


@pytest.mark.parametrize("on", EDGE_DATES)
@pytest.mark.parametrize("path", DATE_GETS)
def test_an_edge_date_in_a_query_is_a_422_naming_the_window(
    client: TestClient, path: str, on: str
) -> None:
    response = client.get(path.format(d=on))
    assert response.status_code == 422, response.text[:300]
    assert f"{on} is outside the dates Supple works with" in response.text


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1900-01", "2200-06"])
def test_a_month_of_history_far_from_the_program_is_a_422_naming_the_window(
    client: TestClient, month: str
) -> None:
    response = client.get(f"/history?month={month}")
    assert response.status_code == 422, response.text[:300]
    assert f"{month}-01 is outside the dates Supple works with" in response.text


@pytest.mark.parametrize("month", ["13", "2026-13", "2026-11-02", "nov", "2026-"])
def test_a_malformed_month_of_history_is_a_422_saying_the_form(
    client: TestClient, month: str
) -> None:
    response = client.get(f"/history?month={month}")
    assert response.status_code == 422, response.text[:300]
    assert "use YYYY-MM" in response.text


@pytest.mark.parametrize("on", EDGE_DATES)
@pytest.mark.parametrize(("path", "body"), DATE_POSTS)
def test_an_edge_date_in_a_body_is_a_422_and_stores_nothing(
    client: TestClient, path: str, body: dict[str, Any], on: str
) -> None:
    response = client.post(path, json={**body, "date": on})
    assert response.status_code == 422, response.text
    assert "is outside the dates Supple works with" in response.json()["detail"][0]["reason"]
    assert client.get("/api/v1/checkins").json() == BASELINE_ONLY
    assert client.get("/api/v1/sessions").json() == []


@pytest.mark.parametrize(
    ("on", "reason"),
    [
        ("0001-01-01", "the clearance date 0001-01-01 is outside the dates Supple works with"),
        ("9999-12-31", "the clearance date 9999-12-31 is in the future (today is 2026-11-03)"),
        ("2026-11-04", "the clearance date 2026-11-04 is in the future (today is 2026-11-03)"),
    ],
)
def test_an_impossible_clearance_date_is_refused_with_the_dates_named(
    client: TestClient, on: str, reason: str
) -> None:
    response = client.post("/api/v1/screen/clearance", json={"cleared_on": on})
    assert response.status_code == 422 and reason in response.text


def test_a_clearance_dated_before_the_red_flag_it_clears_leaves_the_block(
    tmp_path: Path,
) -> None:
    from datetime import timedelta

    from supple import services
    from supple.core.safety import QUESTIONS

    url = ready_database(f"sqlite:///{tmp_path / 'now.db'}")
    app = create_app(WebSettings(database_url=url))  # today is the real today here
    today = services.SystemClock().today("Europe/Paris")
    with guarded_client(app) as client:
        answers = {q.id: i == 0 for i, q in enumerate(QUESTIONS)}
        assert client.post("/api/v1/screen", json={"answers": answers}).status_code == 200
        day_before = (today - timedelta(days=1)).isoformat()
        refused = client.post("/api/v1/screen/clearance", json={"cleared_on": day_before})
        assert refused.status_code == 422
        assert f"{day_before} is before your safety answers of {today}" in refused.text
        assert client.get("/api/v1/today").json()["gate"]["remedy"] == "clearance"
        taken = client.post("/api/v1/screen/clearance", json={"cleared_on": today.isoformat()})
        assert taken.status_code == 201 and taken.json()["gate"] is None
    app.state.store.dispose()


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/checkins", lambda t: {"kind": "week", "pain": 1, "psfs": {t: 1, "b": 2, "c": 3}}),
        ("/api/v1/checkins", lambda t: {"kind": "exercise", "exercise": t, "pain": 1}),
        ("/api/v1/plan/validate", lambda t: {"text": "format: 1\n", "filename": t}),
        ("/api/v1/plan/validate", lambda t: {"text": t}),
        ("/api/v1/plan/use", lambda t: {"text": t}),
    ],
)
def test_a_hostile_string_in_a_body_is_refused_and_stores_nothing(
    client: TestClient, path: str, body: Any, text: str
) -> None:
    response = client.post(path, json=body(text))
    assert 400 <= response.status_code < 500 or response.json().get("valid") is False
    assert client.get("/api/v1/checkins").json() == BASELINE_ONLY


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_string_in_player_event_data_is_a_422(client: TestClient, text: str) -> None:
    session = client.post("/api/v1/sessions", json={}).json()
    event = {"id": "evt-hostile-1", "kind": "hurt_flagged", "data": {"exercise": text}}
    response = client.post(f"/api/v1/sessions/{session['id']}/events", json=event)
    assert response.status_code == 422
    assert "event's data" in response.text


@pytest.mark.parametrize("text", CONTROL)
def test_a_hostile_activity_on_the_baseline_form_is_refused(tmp_path: Path, text: str) -> None:
    url = ready_database(f"sqlite:///{tmp_path / 'first.db'}", baseline=False)
    app = create_app(WebSettings(database_url=url, today="2026-11-03"))
    form = {"pain": "3", "activity0": text, "rating0": "4", "activity1": "b", "rating1": "5"}
    form |= {"activity2": "c", "rating2": "6"}
    with guarded_client(app, raise_server_exceptions=False) as first_run:
        response = first_run.post("/start/baseline", data=form)
    app.state.store.dispose()
    assert response.status_code == 422


MULTIPART = {"content-type": "multipart/form-data; boundary=b0und4ry"}


def _multipart(filename: str) -> bytes:
    """An upload whose file name goes out byte for byte (clients escape some characters)."""
    return (
        b'--b0und4ry\r\nContent-Disposition: form-data; name="planfile"; filename="'
        + filename.encode("utf-8")
        + b'"\r\nContent-Type: application/yaml\r\n\r\nformat: 1\n\r\n--b0und4ry--\r\n'
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("..", "is not a file name"),
        (".", "is not a file name"),
        ("plan\x00.yaml", "control character U+0000"),
        ("plan\x1b.yaml", "control character U+001B"),
        ("é" * 130 + ".yaml", "is 265 bytes long; the most is 255"),
    ],
)
def test_an_upload_with_an_impossible_name_is_a_422_naming_the_problem(
    client: TestClient, name: str, reason: str
) -> None:
    page = client.post("/plan/check", content=_multipart(name), headers=MULTIPART)
    assert page.status_code == 422 and reason in page.text
    api = client.post("/api/v1/plan/validate", json={"text": "format: 1\n", "filename": name})
    # The JSON API states its bound in characters (63: four bytes each still fit in 255).
    said = "at most 63 characters" if "bytes long" in reason else reason
    assert api.status_code == 422 and said in api.json()["detail"][0]["reason"]


@pytest.mark.parametrize(
    ("name", "shown"), [("plan.yaml", "plan.yaml"), ("C:\\plans\\mine.yaml", "mine.yaml")]
)
def test_an_upload_with_a_plain_name_is_checked_under_that_name(
    client: TestClient, name: str, shown: str
) -> None:
    files = {"planfile": (name, b"format: 1\n", "application/yaml")}
    page = client.post("/plan/check", files=files)
    assert page.status_code == 200 and f"{shown}:" in page.text


# --- the terminal --------------------------------------------------------------------------

DATE_COMMANDS = [
    ["today", "--date", "{d}"],
    ["today", "--date", "{d}", "--json"],
    ["week", "--date", "{d}"],
    ["progress", "--date", "{d}"],
    ["progress", "--date", "{d}", "--json"],
    ["checkin", "morning", "--pain", "1", "--stiffness", "1", "--date", "{d}"],
    ["checkin", "session", "--rpe", "1", "--date", "{d}"],
    ["checkin", "exercise", "bird dog", "--pain", "1", "--date", "{d}"],
    ["checkin", "week", "--pain", "1", "--psfs", "a=1,b=2,c=3", "--date", "{d}"],
    ["screen", "--cleared", "{d}"],
    ["export", "ics", "--from", "{d}"],
    ["export", "pdf", "--date", "{d}"],
    ["report", "--from", "{d}"],
    ["report", "--to", "{d}"],
    ["start", "--auto", "--date", "{d}"],
    ["start", "--auto", "--day", "2", "--date", "{d}"],
    ["init", "--start-date", "{d}"],
]


@pytest.mark.parametrize("on", EDGE_DATES)
@pytest.mark.parametrize("command", DATE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_edge_date_on_the_command_line_is_one_line_and_exit_2(
    started: Supple, tmp_path: Path, command: list[str], on: str
) -> None:
    args = [a.format(d=on) for a in command]
    if args[0] in {"export", "report"}:
        args += ["--out", str(tmp_path / "out")]
    result = started(*args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and on in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    "command",
    [
        ["checkin", "week", "--pain", "1", "--psfs", "{t}=1,b=2,c=3"],
        ["checkin", "exercise", "bird dog", "--pain", "1", "--quality", "{t}"],
        ["exercise", "{t}"],
        ["checkin", "exercise", "{t}", "--pain", "1"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_hostile_string_on_the_command_line_is_one_line_and_exit_2(
    started: Supple, command: list[str], text: str
) -> None:
    result = started(*[a.replace("{t}", text) for a in command])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") or "\nError: Invalid value" in result.output
    assert "\x1b" not in result.output and "\x00" not in result.output
    assert started("checkin", "week", "--pain", "1", "--psfs", "a=1,b=2,c=3").exit_code == 0


def test_an_upload_named_with_400_bytes_is_a_422_on_the_page(client: TestClient) -> None:
    page = client.post("/plan/check", content=_multipart("é" * 200), headers=MULTIPART)
    assert page.status_code == 422 and "is 400 bytes long; the most is 255" in page.text
