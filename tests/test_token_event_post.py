"""A player event posted with an API token, in a clinic: its insert checks the token, stores the
event and appends the access-log line in one statement (``web.clinic_guard.DeferredBearer``,
``store.event_writer.TokenEventWrite``), and only an event that did not go in is asked about
again the usual way. Every case answers, stores and logs exactly what the usual way does: the
same post sent with a browser's sign-in cookie, which is never deferred. On PostgreSQL
(``tests.clinic_world``)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from supple.accounts import tokens
from supple.services import Scope, clinic_accounts, sessions, signin
from supple.store.clinic_schema import access_log, api_tokens
from supple.store.database import open_store
from supple.store.event_writer import EventWrite, LogLine, TokenEventWrite
from supple.store.schema import session_events
from supple.store.schema import sessions as session_rows
from tests.clinic_world import ClinicWorld, Member


def _start(client: TestClient) -> str:
    answer = client.post("/api/v1/sessions", json={})
    assert answer.status_code in (200, 201), answer.text
    session_id: str = answer.json()["id"]
    return session_id


def _event(kind: str = "paused", **extra: Any) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "kind": kind, "step_index": 0, **extra}


def _lines_after(w: ClinicWorld, last: int) -> list[tuple[int | None, str, int | None, str]]:
    with w.store.read() as conn:
        rows = conn.execute(
            sa.select(
                access_log.c.actor_user_id,
                access_log.c.action,
                access_log.c.person_id,
                access_log.c.what,
            )
            .where(access_log.c.id > last)
            .order_by(access_log.c.id)
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]


def _last_line(w: ClinicWorld) -> int:
    with w.store.read() as conn:
        found = conn.execute(sa.select(sa.func.max(access_log.c.id))).scalar_one()
        return int(found or 0)


def _stored(w: ClinicWorld, event_id: str) -> int:
    with w.store.read() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).where(session_events.c.id == event_id)
            ).scalar_one()
        )


def _counting_lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token the sign-in layer looks up from now on."""
    asked: list[str] = []
    real = signin.resolve_api_token_user

    def counting(store: Any, token: str, now: datetime) -> Any:
        asked.append(token)
        return real(store, token, now)

    monkeypatch.setattr(signin, "resolve_api_token_user", counting)
    return asked


# --- The same answers, stores and log lines as the usual way ----------------------------------


def _revoke(w: ClinicWorld, member: Member) -> None:
    clinic_accounts.revoke_tokens(Scope.operator(w.store, w.clock), email=member.email, label=None)


def _disable(w: ClinicWorld, member: Member) -> None:
    clinic_accounts.disable(Scope.operator(w.store, w.clock), email=member.email)


# (case, who posts, whose session, the body, what happens to the token first, status, stored)
Case = tuple[str, str, str, Callable[[str], dict[str, Any]], str, int, bool]
CASES: list[Case] = [
    ("a new event in one's own session", "a1", "a1", lambda s: _event(), "", 201, True),
    ("a completed step", "a1", "a1", lambda s: _event("step_completed"), "", 201, True),
    ("the session's end", "a1", "a1", lambda s: _event("session_finished"), "", 201, True),
    ("another client's session", "a1", "a2", lambda s: _event(), "", 404, False),
    ("a session that never was", "a1", "none", lambda s: _event(), "", 404, False),
    ("a staff member's token", "clin_a", "a1", lambda s: _event(), "", 404, False),
    ("a body that is not an event", "a1", "a1", lambda s: {"id": "x"}, "", 422, False),
    ("a step event without its step", "a1", "a1",
     lambda s: {"id": uuid.uuid4().hex, "kind": "step_completed"}, "", 422, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "poster", "owner", "body", "before", "status", "stored"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_a_token_post_answers_stores_and_logs_as_the_cookie_post_does(
    clinic_world: ClinicWorld,
    case: str,
    poster: str,
    owner: str,
    body: Callable[[str], dict[str, Any]],
    before: str,
    status: int,
    stored: bool,
) -> None:
    w = clinic_world
    answers: dict[str, tuple[int, list[Any], int]] = {}
    for how in ("token", "cookie"):  # a session of its own each time (one may end it)
        w.clock.advance(timedelta(days=1))
        session_id = "s" * 32 if owner == "none" else _start(w.bearer(getattr(w, owner)))
        member: Member = getattr(w, poster)
        client = w.bearer(member) if how == "token" else w.browser(member)
        event = body(session_id)
        mark = _last_line(w)
        answer = client.post(f"/api/v1/sessions/{session_id}/events", json=event)
        lines = [
            (actor, action, person, what.replace(session_id, "{id}"))
            for actor, action, person, what in _lines_after(w, mark)
            if "/login" not in what  # the browser's own sign-in
        ]
        answers[how] = (answer.status_code, lines, _stored(w, str(event.get("id"))))
        assert answer.status_code == status, (how, answer.text)
        if status < 300:
            assert answer.json() == {"id": event["id"], "stored": stored}
        if case == "the session's end" and how == "token":
            with w.store.read() as conn:
                finished = conn.execute(
                    sa.select(session_rows.c.finished_at).where(session_rows.c.id == session_id)
                ).scalar_one()
            assert finished is not None
    assert answers["token"] == answers["cookie"]
    _, lines, count = answers["token"]
    assert count == (1 if stored else 0)
    assert len(lines) == 1 and lines[0][3] == f"POST /api/v1/sessions/{{id}}/events ({status})"


def test_the_same_event_posted_twice_with_a_token_is_stored_once_and_logged_twice(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    script = w.bearer(w.a1)
    session_id = _start(script)
    event = _event()
    mark = _last_line(w)
    first = script.post(f"/api/v1/sessions/{session_id}/events", json=event)
    again = script.post(f"/api/v1/sessions/{session_id}/events", json=event)
    assert (first.status_code, first.json()["stored"]) == (201, True)
    assert (again.status_code, again.json()["stored"]) == (200, False)
    assert _stored(w, event["id"]) == 1
    path = f"POST /api/v1/sessions/{session_id}/events"
    assert _lines_after(w, mark) == [
        (w.a1.user.id, "write_own_record", w.a1.client_id, f"{path} (201)"),
        (w.a1.user.id, "write_own_record", w.a1.client_id, f"{path} (200)"),
    ]


@pytest.mark.parametrize(
    ("case", "spoil"),
    [
        ("revoked", _revoke),
        ("its user disabled", _disable),
        ("unknown", None),
    ],
)
def test_a_token_that_is_not_valid_is_401_and_stores_and_logs_nothing(
    clinic_world: ClinicWorld,
    case: str,
    spoil: Callable[[ClinicWorld, Member], None] | None,
) -> None:
    w = clinic_world
    session_id = _start(w.bearer(w.a1))
    script = w.bearer(w.a1)
    if spoil is None:
        script.headers["authorization"] = "Bearer supple_pat_" + "x" * 40
    else:
        spoil(w, w.a1)
    mark = _last_line(w)
    for event in (_event(), {"id": "not an event"}):
        answer = script.post(f"/api/v1/sessions/{session_id}/events", json=event)
        assert answer.status_code == 401, (case, answer.text)
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert "API token is not valid" in answer.json()["detail"]
        assert _stored(w, str(event["id"])) == 0
    assert _lines_after(w, mark) == []


def test_a_post_that_goes_in_is_not_looked_up_first_and_one_that_does_not_is(
    clinic_world: ClinicWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = clinic_world
    script = w.bearer(w.a1)
    session_id, others = _start(script), _start(w.bearer(w.a2))
    asked = _counting_lookups(monkeypatch)
    assert script.post(f"/api/v1/sessions/{session_id}/events", json=_event()).status_code == 201
    assert asked == []
    assert script.post(f"/api/v1/sessions/{others}/events", json=_event()).status_code == 404
    assert asked == [w.a1.token]
    assert script.get(f"/api/v1/sessions/{session_id}").status_code == 200  # any other route
    assert asked == [w.a1.token, w.a1.token]


def test_a_token_post_notes_the_tokens_use_at_most_once_a_minute(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    script = w.bearer(w.a1)
    session_id = _start(script)  # the usual way: notes the use now

    def last_used() -> datetime:
        with w.store.read() as conn:
            found = conn.execute(
                sa.select(sa.func.max(api_tokens.c.last_used_at)).where(
                    api_tokens.c.user_id == w.a1.user.id
                )
            ).scalar_one()
        assert found is not None
        return found.astimezone(UTC)  # type: ignore[no-any-return]

    first = last_used()
    w.clock.advance(timedelta(seconds=30))
    assert script.post(f"/api/v1/sessions/{session_id}/events", json=_event()).status_code == 201
    assert last_used() == first
    w.clock.advance(timedelta(seconds=31))
    assert script.post(f"/api/v1/sessions/{session_id}/events", json=_event()).status_code == 201
    assert last_used() == w.clock.now()


def test_a_cookie_post_of_the_same_client_is_never_deferred(
    clinic_world: ClinicWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = clinic_world
    browser = w.browser(w.a1)
    session_id = _start(browser)
    calls: list[Any] = []
    real = sessions.token_posted_event

    def counting(*args: Any, **named: Any) -> Any:
        calls.append(args)
        return real(*args, **named)

    monkeypatch.setattr(sessions, "token_posted_event", counting)
    assert browser.post(f"/api/v1/sessions/{session_id}/events", json=_event()).status_code == 201
    assert calls == []


# --- The writer's side -------------------------------------------------------------------------


def test_a_group_mixing_token_events_person_events_and_log_lines_commits_each_rightly(
    clinic_world: ClinicWorld,
) -> None:
    """Whatever groups the writer forms, each item gets its own outcome: a token event True
    or None, a person's event True/False/None, a log line True."""
    w = clinic_world
    session_a1, session_a2 = _start(w.bearer(w.a1)), _start(w.bearer(w.a2))
    now = w.clock.now()
    good = TokenEventWrite(
        uuid.uuid4().hex, session_a1, tokens.digest(w.a1.token), "paused", None, now,
        None, now, "POST test (201)", None,
    )  # fmt: skip
    wrong_session = TokenEventWrite(
        uuid.uuid4().hex, session_a2, tokens.digest(w.a1.token), "paused", None, now,
        None, now, "POST test (201)", None,
    )  # fmt: skip
    twice = TokenEventWrite(
        uuid.uuid4().hex, session_a1, tokens.digest(w.a1.token), "paused", None, now,
        None, now, "POST test (201)", None,
    )  # fmt: skip
    assert w.a2.client_id is not None
    person = EventWrite(uuid.uuid4().hex, session_a2, w.a2.client_id, "paused", None, now)
    line = LogLine(now, w.admin.user.id, "write", None, "POST mixed (200)", None)
    mark = _last_line(w)

    async def all_at_once() -> list[Any]:
        writer = w.store.events
        return list(
            await asyncio.gather(
                writer.write(good),
                writer.write(wrong_session),
                writer.write(twice),
                writer.write(twice),
                writer.write(person),
                writer.append(line),
            )
        )

    outcomes = asyncio.run(all_at_once())
    assert outcomes[:3] == [True, None, True]
    assert outcomes[3] is None  # the same id again: not stored twice (the usual way says so)
    assert outcomes[4] is True and outcomes[5] is None  # ``append`` answers nothing
    assert [_stored(w, e.event_id) for e in (good, wrong_session, twice, person)] == [1, 0, 1, 1]
    whats = sorted(what for *_, what in _lines_after(w, mark))
    assert whats == ["POST mixed (200)", "POST test (201)", "POST test (201)"]


def test_sqlite_never_takes_the_token_way(tmp_path: Any) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'personal.db'}")
    try:
        made = sessions.token_posted_event(
            store, Scope.operator(store).clock, "supple_pat_x", "s" * 32, "paused", None,
            data=None, event=None, at=None, what="POST x (201)", address=None,
        )  # fmt: skip
        assert made is None
    finally:
        store.dispose()


def test_the_one_path_let_through_unchecked_is_the_event_routes_own(
    clinic_world: ClinicWorld,
) -> None:
    """``EVENT_POST`` names the event route and no other POST route of the app's document: a
    route that matched it without asking ``deferred_bearer`` would see nobody signed in (a
    404, never a read), but would lose the token's 401."""
    from supple.web.clinic_guard import EVENT_POST

    paths = clinic_world.app.openapi()["paths"]
    matched = {
        path: ops["post"]["operationId"]
        for path, ops in paths.items()
        if "post" in ops and EVENT_POST.fullmatch(re.sub(r"\{[^}]+\}", "0123abcd", path))
    }
    assert list(matched) == ["/api/v1/sessions/{session_id}/events"]
    assert "post_event" in matched["/api/v1/sessions/{session_id}/events"]
    for other in ("/api/v1/sessions", "/api/v1/sessions/x/events/", "/api/v1/sessions/x/ratings"):
        assert EVENT_POST.fullmatch(other) is None


def test_the_token_insert_reads_the_tokens_user_by_its_key_alone(
    clinic_world: ClinicWorld,
) -> None:
    """The statement looks the user up by key (``LATERAL … LIMIT 1``): joined instead, the
    planner merge-joined every user in key order up to the token's, a cost that grew with the
    practice (4 ms a post for the 10,000th client)."""
    w = clinic_world
    session_id = _start(w.bearer(w.b1))  # the last client added: the longest walk
    group = w.store.events._group  # the writer's own statement
    now = w.clock.now()
    item = TokenEventWrite(
        uuid.uuid4().hex, session_id, tokens.digest(w.b1.token), "paused", None, now, None,
        now, "POST plan (201)", None,
    )  # fmt: skip
    with w.store.write() as conn:
        driver: Any = conn.connection.driver_connection
        (plan,) = driver.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + group.token_sql(1), group.token_params([item])
        ).fetchone()
        conn.rollback()

    def nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [node, *(n for child in node.get("Plans", []) for n in nodes(child))]

    read = [n for n in nodes(plan[0]["Plan"]) if n.get("Relation Name") == "users"]
    assert read and all(n["Actual Rows"] <= 1 and n["Actual Loops"] == 1 for n in read), read


def test_a_session_id_with_a_nul_is_no_session_either_way_and_is_logged_escaped(
    clinic_world: ClinicWorld,
) -> None:
    """PostgreSQL refuses a NUL in text: such an id is no session (404, as a read of it is),
    never a 500, and the write's log line keeps the path with the NUL escaped."""
    w = clinic_world
    for client in (w.bearer(w.a1), w.browser(w.a1)):
        mark = _last_line(w)
        answer = client.post("/api/v1/sessions/%00x/events", json=_event())
        assert answer.status_code == 404, answer.text
        assert [what for *_, what in _lines_after(w, mark)] == [
            "POST /api/v1/sessions/\\x00x/events (404)"
        ]
