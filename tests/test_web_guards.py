"""The guards around the web app (issue 10): no write from another site or without the
anti-forgery token, no answer to a foreign Host, headers on every response, bounded bodies,
and JSON too deep to read refused as bad input."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from supple.core.safety import QUESTIONS
from supple.web import WebSettings, create_app
from supple.web.csrf import FIELD, HEADER, is_signed, issue
from supple.web.headers import CSP
from tests.conftest import ready_database
from tests.guarded import BASE, guarded_client, token_of

TODAY = "2026-11-03"
EVIL = {"origin": "http://evil.example", "sec-fetch-site": "cross-site"}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    url = ready_database(f"sqlite:///{tmp_path / 'web.db'}")
    app = create_app(WebSettings(database_url=url, today=TODAY))
    yield app
    app.state.store.dispose()


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with guarded_client(app) as test_client:
        yield test_client


def snapshot(app: Any) -> dict[str, list[Any]]:
    """Every row of every table: what "stores nothing" is checked against."""
    with app.state.store.read() as conn:
        names = sa.inspect(conn).get_table_names()
        return {n: sorted(map(repr, conn.execute(sa.text(f'SELECT * FROM "{n}"')))) for n in names}


def _event_url(client: TestClient) -> str:
    session = client.post("/api/v1/sessions", json={}).json()
    return f"/api/v1/sessions/{session['id']}/events"


def _event() -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "kind": "step_completed", "step_index": 0}


# Every form route, with a body it accepts, and the status it answers once accepted.
FORMS: list[tuple[str, dict[str, str], int]] = [
    ("/start/screen", {q.id: "no" for q in QUESTIONS}, 303),
    (
        "/start/baseline",
        {
            "pain": "3",
            **{f"activity{n}": f"task {n}" for n in range(3)},
            **{f"rating{n}": "4" for n in range(3)},
        },
        303,
    ),
    ("/start/when", {"start_date": "2026-11-02", "session_time": "08:00"}, 303),
    ("/start/clearance", {"cleared_on": TODAY}, 303),
    ("/checkin", {"kind": "morning", "pain": "2", "stiffness": "3"}, 303),
    ("/plan/use", {"bundled": "1"}, 303),
    ("/settings", {"start_date": "2026-11-02", "session_time": "08:00", "timezone": "UTC"}, 303),
]
FORM_IDS = [path for path, _, _ in FORMS]


@pytest.mark.parametrize(("path", "form", "_status"), FORMS, ids=FORM_IDS)
def test_a_form_posted_from_another_site_is_refused_and_stores_nothing(
    app: Any, client: TestClient, path: str, form: dict[str, str], _status: int
) -> None:
    before = snapshot(app)
    answer = client.post(path, data={**form, FIELD: token_of(client)}, headers=EVIL)
    assert answer.status_code == 403
    assert "another site" in answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert snapshot(app) == before


@pytest.mark.parametrize(("path", "form", "_status"), FORMS, ids=FORM_IDS)
def test_a_form_without_its_token_is_refused_and_stores_nothing(
    app: Any, path: str, form: dict[str, str], _status: int
) -> None:
    with TestClient(app, base_url=BASE) as bare:
        bare.get("/")  # the cookie alone is not enough: the form must repeat it
        before = snapshot(app)
        answer = bare.post(path, data=form)
    assert answer.status_code == 403
    assert "anti-forgery token" in answer.text
    assert snapshot(app) == before


@pytest.mark.parametrize(("path", "form", "status"), FORMS, ids=FORM_IDS)
def test_a_form_with_its_token_from_the_page_is_accepted(
    app: Any, path: str, form: dict[str, str], status: int
) -> None:
    with TestClient(app, base_url=BASE, follow_redirects=False) as browser:
        page = browser.get("/plan").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        same_site = {"origin": BASE, "sec-fetch-site": "same-origin"}
        answer = browser.post(path, data={**form, FIELD: token}, headers=same_site)
    assert answer.status_code == status, answer.text


def test_a_plan_upload_carries_its_token_in_the_multipart_form(client: TestClient) -> None:
    plan = Path("src/supple/content/plans").glob("*.yaml").__next__().read_bytes()
    files = {"planfile": ("plan.yaml", plan, "text/yaml")}
    token = client.headers.pop(HEADER)
    refused = client.post("/plan/check", files=files, data={})
    accepted = client.post("/plan/check", files=files, data={FIELD: token})
    assert refused.status_code == 403
    assert accepted.status_code == 200


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (EVIL, "another site"),
        ({"sec-fetch-site": "same-site"}, "another site"),
        ({"origin": "http://evil.example"}, "another site"),
        ({"origin": "null"}, "another site"),
        ({HEADER: ""}, "anti-forgery token"),
        ({HEADER: "forged.token"}, "anti-forgery token"),
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin", "no-token", "forged"],
)
def test_an_event_posted_cross_site_or_without_a_token_is_refused_as_json(
    app: Any, client: TestClient, headers: dict[str, str], reason: str
) -> None:
    url = _event_url(client)
    before = snapshot(app)
    answer = client.post(url, json=_event(), headers=headers)
    assert answer.status_code == 403
    assert reason in answer.json()["detail"]
    assert snapshot(app) == before


def test_an_event_with_the_token_is_stored(client: TestClient) -> None:
    same = {"origin": BASE, "sec-fetch-site": "same-origin"}
    assert client.post(_event_url(client), json=_event(), headers=same).status_code == 201


def test_a_token_signed_with_another_key_is_refused(app: Any) -> None:
    forged = issue(b"another install's key")
    assert not is_signed(app.state.secret, forged)
    with TestClient(app, base_url=BASE, cookies={"supple_csrf": forged}) as client:
        answer = client.post("/api/v1/sessions", json={}, headers={HEADER: forged})
    assert answer.status_code == 403


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_json_route_takes_application_json_only(
    app: Any, client: TestClient, content_type: str
) -> None:
    url = _event_url(client)
    before = snapshot(app)
    body = b'{"id": "abcdefghij", "kind": "paused"}'
    answer = client.post(url, content=body, headers={"content-type": content_type})
    assert answer.status_code == 415
    assert "application/json" in answer.json()["detail"]
    assert snapshot(app) == before


def test_the_install_key_is_kept_beside_the_database_for_its_owner_only(
    tmp_path: Path,
) -> None:
    url = ready_database(f"sqlite:///{tmp_path / 'own.db'}")
    first = create_app(WebSettings(database_url=url))
    again = create_app(WebSettings(database_url=url))
    key = tmp_path / "web-secret"
    assert first.state.secret == again.state.secret == key.read_bytes()
    assert key.stat().st_mode & 0o777 == 0o600
    first.state.store.dispose()
    again.state.store.dispose()


# --- DNS rebinding ---------------------------------------------------------------------------

READS = ["/", "/export.json", "/report?format=fhir", "/calendar.ics", "/api/v1/today", "/nope"]


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "10.0.0.5", "", "localhost.evil"]
)
def test_a_foreign_host_gets_a_short_400_and_no_data(app: Any, path: str, host: str) -> None:
    with TestClient(app, base_url=BASE) as client:
        answer = client.get(path, headers={"host": host})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")
    assert "allowed-host" in answer.text
    assert len(answer.content) < 300


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8765", "127.0.0.1:1", "[::1]:8765", "[::1]", "LOCALHOST"]
)
def test_the_loopback_names_are_answered_on_any_port(app: Any, host: str) -> None:
    with TestClient(app, base_url=BASE) as client:
        assert client.get("/api/v1/today", headers={"host": host}).status_code == 200


def test_a_name_given_with_allowed_host_is_answered(tmp_path: Path) -> None:
    url = ready_database(f"sqlite:///{tmp_path / 'web.db'}")
    app = create_app(WebSettings(database_url=url, allowed_hosts=("supple.lan",)))
    with TestClient(app, base_url="http://supple.lan:8765") as client:
        assert client.get("/api/v1/today").status_code == 200
        assert client.get("/", headers={"host": "other.lan"}).status_code == 400
    app.state.store.dispose()


def test_calendar_links_use_the_configured_base_url_not_the_host(app: Any) -> None:
    with TestClient(app, base_url="http://127.0.0.1:9999") as client:
        feed = client.get("/calendar.ics").text
    assert "http://localhost:8765/play?date=" in feed.replace("\r\n ", "")
    assert "127.0.0.1:9999" not in feed


def test_an_old_calendar_link_leads_to_the_player(client: TestClient) -> None:
    answer = client.get("/player?date=2026-11-03", follow_redirects=False)
    assert answer.status_code == 308
    assert answer.headers["location"] == "/play?date=2026-11-03"


# --- headers on every response ---------------------------------------------------------------

EVERY_KIND = [
    ("GET", "/"),
    ("GET", "/api/v1/today"),
    ("GET", "/static/app.css"),
    ("GET", "/nope"),
    ("GET", "/api/v1/nope"),
    ("GET", "/api/v1/today?date=someday"),
    ("POST", "/checkin"),
    ("GET", "/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), EVERY_KIND)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, path: str
) -> None:
    answer = client.request(method, path, headers={HEADER: ""})
    assert answer.headers["content-security-policy"] == CSP
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert "server" not in answer.headers


def test_the_policy_forbids_inline_script_and_framing() -> None:
    rules = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert rules["script-src"] == "'self'"
    assert rules["object-src"] == "'none'"
    assert rules["base-uri"] == "'none'"
    assert rules["frame-ancestors"] == "'none'"
    assert rules["default-src"] == "'self'"


def test_no_template_holds_inline_script() -> None:
    import re

    for template in Path("src/supple/web/templates").glob("*.html"):
        for tag in re.findall(r"<script[^>]*>", template.read_text()):
            assert 'type="application/json"' in tag or "src=" in tag, (template.name, tag)


def test_the_swagger_page_is_gone_and_the_document_stays(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "Supple"


# --- bounded bodies --------------------------------------------------------------------------


def test_a_100_mb_body_is_refused_before_it_is_read(app: Any, client: TestClient) -> None:
    url = _event_url(client)
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        chunk = b" " * (1024 * 1024)
        for _ in range(100):
            sent += len(chunk)
            yield chunk

    length = str(100 * 1024 * 1024)
    headers = {"content-type": "application/json", "content-length": length}
    answer = client.post(url, content=body(), headers=headers)
    assert answer.status_code == 413
    assert "64 KiB" in answer.json()["detail"]
    assert sent <= 1024 * 1024  # the client was not even asked for the second megabyte


def test_a_chunked_body_is_cut_where_it_crosses_the_limit(app: Any, client: TestClient) -> None:
    """Driven straight through ASGI, as a server hands a chunked body over: the app must stop
    asking for chunks once 64 KiB have come, not read the 100 MB."""
    import anyio

    url = _event_url(client)
    token = token_of(client)
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b" " * 16384, "more_body": pulled < 6400}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [
        (b"host", b"localhost"),
        (b"content-type", b"application/json"),
        (b"transfer-encoding", b"chunked"),
        (b"cookie", f"supple_csrf={token}".encode()),
        (HEADER.encode(), token.encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 5000),
    }
    anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 413
    assert pulled * 16384 <= 64 * 1024 + 16384


def test_a_form_too_large_gets_the_error_page(client: TestClient) -> None:
    answer = client.post("/checkin", data={"kind": "morning", "notes": "x" * 100_000})
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "64 KiB" in answer.text


def test_a_plan_may_be_larger_than_other_bodies(client: TestClient) -> None:
    text = "# " + "x" * 200_000 + "\nformat: 1\n"
    assert client.post("/api/v1/plan/validate", json={"text": text}).status_code != 413
    big = {"kind": "morning", "notes": "x" * 200_000}
    assert client.post("/api/v1/checkins", json=big).status_code == 413


@pytest.mark.parametrize(
    "path", ["/api/v1/plan/validate", "/api/v1/checkins", "/api/v1/screen", "EVENTS"]
)
def test_json_nested_too_deep_is_a_clear_4xx(client: TestClient, path: str) -> None:
    url = _event_url(client) if path == "EVENTS" else path
    depth = 100_000 if "plan" in path else 30_000  # the plan's limit fits 100,000; others 64 KiB
    body = b"[" * depth + b"]" * depth
    answer = client.post(url, content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["field"] == "body"
    assert "nested too deep" in problem["reason"] or "recursion limit" in problem["reason"]


@pytest.mark.parametrize(
    "form", [{}, {"bundled": ""}, {"text": ""}, {"bundled": "", "text": ""}], ids=repr
)
def test_using_a_plan_with_neither_the_bundled_one_nor_a_text_says_so_and_changes_nothing(
    app: Any, client: TestClient, form: dict[str, str]
) -> None:
    before = snapshot(app)
    answer = client.post("/plan/use", data=form)
    assert answer.status_code == 422
    assert "choose the bundled program or give a plan file" in answer.text
    assert snapshot(app) == before
