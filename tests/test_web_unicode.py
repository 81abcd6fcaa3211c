"""Text that is not Unicode, sent where Supple reads text: a lone surrogate (``"\\ud800"`` in a
JSON string, ``%ED%A0%80`` in a form or a query) or bytes that are not UTF-8 (in a JSON body, a
form, an uploaded plan, a header). Each gets a clear 4xx naming where it was, never a 500, and
nothing is stored."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supple.web import WebSettings, create_app
from supple.web.csrf import COOKIE, HEADER
from tests.conftest import ready_database
from tests.guarded import guarded_client, token_of

TODAY = "2026-11-03"
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
LONE = '"a\\ud800b"'  # a JSON string holding a lone surrogate
NOT_UTF8 = b'"a\xffb"'


@pytest.fixture
def app(tmp_path: Path) -> Any:
    url = ready_database(f"sqlite:///{tmp_path / 'web.db'}")
    return create_app(WebSettings(database_url=url, today=TODAY))


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with guarded_client(app, raise_server_exceptions=False) as client:
        yield client


def _session(client: TestClient) -> str:
    return str(client.post("/api/v1/sessions", json={}).json()["id"])


# Where a JSON body carries text, and the template that puts the bad string there.
JSON_PLACES = [
    ("/api/v1/checkins", '{"kind": "exercise", "exercise": %s, "pain": 1}'),
    ("/api/v1/checkins", '{"kind": "week", "pain": 1, "psfs": {%s: 3, "b": 2, "c": 1}}'),
    (
        "/api/v1/sessions/{session}/events",
        '{"id": "abcdefgh1", "kind": "paused", "data": {"x": %s}}',
    ),
    ("/api/v1/sessions/{session}/events", '{"id": "abcdefgh2", "kind": "paused", "data": {%s: 1}}'),
    ("/api/v1/sessions/{session}/events", '{"id": %s, "kind": "paused"}'),
    ("/api/v1/sessions/{session}/ratings", '{"exercise": %s, "pain": 1}'),
    ("/api/v1/plan/validate", '{"text": %s}'),
    ("/api/v1/plan/validate", '{"text": "format: 1", "filename": %s}'),
    ("/api/v1/plan/use", '{"text": %s}'),
    ("/api/v1/screen", '{"answers": {%s: true}}'),
    ("/api/v1/sessions", '{"date": %s}'),
    ("/api/v1/screen/clearance", '{"cleared_on": %s}'),
]


@pytest.mark.parametrize(("path", "template"), JSON_PLACES)
def test_a_lone_surrogate_in_a_json_body_is_a_422_that_can_be_read(
    client: TestClient, path: str, template: str
) -> None:
    before = client.get("/api/v1/checkins").json()
    url = path.format(session=_session(client))
    response = client.post(url, content=(template % LONE).encode(), headers=JSON)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["reason"]  # a reason, encoded as UTF-8 (no 500)
    assert client.get("/api/v1/checkins").json() == before


@pytest.mark.parametrize(("path", "template"), JSON_PLACES)
def test_a_json_body_that_is_not_utf8_is_refused_naming_the_byte(
    client: TestClient, path: str, template: str
) -> None:
    url = path.format(session=_session(client))
    body = (template % "@").encode().replace(b"@", NOT_UTF8)
    response = client.post(url, content=body, headers=JSON)
    assert response.status_code in (400, 422), response.text
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else detail[0]["reason"]
    assert "UTF-8" in text or "unicode" in text.lower(), text


def test_the_refusal_of_an_unknown_question_shows_the_surrogate_as_its_escape(
    client: TestClient,
) -> None:
    response = client.post(
        "/api/v1/screen", content=b'{"answers": {"a\\ud800": true}}', headers=JSON
    )
    assert response.status_code == 422
    assert "a\\ud800" in response.json()["detail"][0]["reason"]


FORMS = [
    ("/checkin", "kind=morning&pain={bad}&stiffness=1"),
    ("/start/when", "start_date={bad}&session_time=07:30&timezone=UTC"),
    ("/start/baseline", "activity={bad}&score=3"),
    ("/settings", "session_time={bad}"),
    ("/plan/use", "text={bad}"),
    ("/start/clearance", "cleared_on={bad}"),
]


@pytest.mark.parametrize(("path", "body"), FORMS)
@pytest.mark.parametrize("bad", [b"%ED%A0%80", b"%FF%FE", b"\xff\xfe"])
def test_a_form_field_that_is_not_unicode_is_refused_with_a_page(
    client: TestClient, path: str, body: str, bad: bytes
) -> None:
    raw = body.encode().replace(b"{bad}", bad) + b"&csrf_token=" + token_of(client).encode()
    page = client.post(path, content=raw, headers=FORM, follow_redirects=False)
    assert 400 <= page.status_code < 500, (page.status_code, page.text[:300])
    assert "<html" in page.text


def _upload(client: TestClient, path: str, name: bytes, content: bytes) -> Any:
    boundary = b"SuppleBoundary"
    token = token_of(client).encode()
    body = b"".join(
        [
            b"--" + boundary + b'\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n',
            token + b"\r\n--" + boundary,
            b'\r\nContent-Disposition: form-data; name="planfile"; filename="' + name + b'"',
            b"\r\nContent-Type: application/yaml\r\n\r\n" + content + b"\r\n",
            b"--" + boundary + b"--\r\n",
        ]
    )
    headers = {"content-type": "multipart/form-data; boundary=SuppleBoundary"}
    return client.post(path, content=body, headers=headers)


@pytest.mark.parametrize(
    "content",
    [b"format: 1\nname: \xff\xfe\n", "format: 1\nname: \ud800\n".encode("utf-8", "surrogatepass")],
)
def test_an_uploaded_plan_that_is_not_utf8_is_shown_as_a_problem_of_its_line(
    client: TestClient, content: bytes
) -> None:
    page = _upload(client, "/plan/check", b"plan.yaml", content)
    assert page.status_code == 200
    assert "plan.yaml:2:" in page.text and "is not UTF-8 text" in page.text


@pytest.mark.parametrize(
    "name", [b"pl\xffan.yaml", "pl\udc80an.yaml".encode("utf-8", "surrogatepass")]
)
def test_an_upload_whose_name_is_not_utf8_is_still_checked(client: TestClient, name: bytes) -> None:
    page = _upload(client, "/plan/check", name, b"format: 1\n")
    assert page.status_code < 500
    assert "missing required key" in page.text  # the plan was read and its problems listed


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/today?date=%ED%A0%80",
        "/api/v1/today?date=%FF",
        "/api/v1/week?date=%FF",
        "/api/v1/checkins?kind=%FF",
        "/calendar.ics?movement_breaks=true&break_days=%ED%A0%80",
        "/history?month=%FF",
        "/play?date=%ED%A0%80",
    ],
)
def test_a_query_that_is_not_unicode_is_a_422(client: TestClient, query: str) -> None:
    assert client.get(query).status_code == 422


def _raw(app: Any, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """One POST straight through ASGI: header bytes no HTTP client library will send."""
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/checkins",
        "raw_path": b"/api/v1/checkins",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8765),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


@pytest.mark.parametrize(
    ("name", "value", "status"),
    [
        (b"host", b"local\xffhost", 400),
        (HEADER.encode(), b"\xff\xfe", 403),
        (b"cookie", COOKIE.encode() + b"=\xff", 403),
        (b"origin", b"http://\xff", 403),
        (b"sec-fetch-site", b"\xff", 403),
    ],
)
def test_a_header_that_is_not_ascii_is_refused_not_a_500(
    app: Any, client: TestClient, name: bytes, value: bytes, status: int
) -> None:
    token = token_of(client).encode()
    headers = {
        b"host": b"localhost",
        b"content-type": b"application/json",
        HEADER.encode(): token,
        b"cookie": COOKIE.encode() + b"=" + token,
    }
    headers[name] = value
    body = b'{"kind": "morning", "pain": 1, "stiffness": 1}'
    got = _raw(app, [*headers.items(), (b"content-length", str(len(body)).encode())], body)
    assert got == status


def test_a_charset_that_is_not_ascii_is_ignored_for_a_body_that_is_utf8(
    app: Any, client: TestClient
) -> None:
    token = token_of(client).encode()
    body = b'{"kind": "morning", "pain": 1, "stiffness": 1}'
    headers = [
        (b"host", b"localhost"),
        (b"content-type", b"application/json; charset=\xff"),
        (HEADER.encode(), token),
        (b"cookie", COOKIE.encode() + b"=" + token),
        (b"content-length", str(len(body)).encode()),
    ]
    assert _raw(app, headers, body) == 201  # JSON is UTF-8 whatever the parameter says


def test_a_form_token_with_non_ascii_characters_is_a_403(client: TestClient) -> None:
    raw = b"kind=morning&pain=1&stiffness=1&csrf_token=%C3%A9%C3%A9"
    del client.headers[HEADER]
    page = client.post("/checkin", content=raw, headers=FORM)
    assert page.status_code == 403
