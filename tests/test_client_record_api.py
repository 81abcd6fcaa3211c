"""A client's record for staff under ``/api/v1/clients/{client_id}/…`` (clinic mode, PostgreSQL):
each route answers exactly what the client's own route answers; only the client's clinicians
and the practice's admins get it, everyone else the same 404 as "not there"; staff cannot write
sessions or check-ins for a client; and the access log, the client's and the staff's, says who
looked, in plain words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from supple.core.access import Action
from supple.services.record_visits import visit_words
from supple.store import access_log
from tests.clinic_world import ClinicWorld, build_world, postgres_url

# (the client's own route, the tail of the staff's route) — the same answer expected.
PAIRS = [
    ("/api/v1/today", "today"),
    ("/api/v1/today?date=2026-11-04", "today?date=2026-11-04"),
    ("/api/v1/week", "week"),
    ("/api/v1/sessions", "sessions"),
    ("/api/v1/checkins", "checkins"),
    ("/api/v1/checkins?kind=morning", "checkins?kind=morning"),
    ("/api/v1/progress", "progress"),
    ("/api/v1/report", "report"),
    ("/api/v1/report?format=fhir", "report?format=fhir"),
]


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[ClinicWorld, str]]:
    """A1 with a started session and two check-ins; the session's id beside the world."""
    for url in postgres_url():
        w = build_world(url)
        try:
            anna = w.bearer(w.a1)
            started = anna.post("/api/v1/sessions", json={})
            assert started.status_code == 201, started.text
            for body in (
                {"kind": "morning", "pain": 3, "stiffness": 4},
                {"kind": "session", "before_pain": 2, "rpe": 5},
            ):
                assert anna.post("/api/v1/checkins", json=body).status_code == 201
            yield w, started.json()["id"]
        finally:
            w.close()
            w.store.dispose()


def _staff_url(w: ClinicWorld, tail: str, client: int | None = None) -> str:
    return f"/api/v1/clients/{client or w.a1.client_id}/{tail}"


@pytest.mark.parametrize(("own", "tail"), PAIRS, ids=[t for _, t in PAIRS])
def test_the_clinician_reads_exactly_what_the_client_reads(
    world: tuple[ClinicWorld, str], own: str, tail: str
) -> None:
    w, _ = world
    mine = w.bearer(w.a1).get(own)
    theirs = w.bearer(w.clin_a).get(_staff_url(w, tail))
    assert mine.status_code == theirs.status_code == 200, (mine.text[:200], theirs.text[:200])
    assert theirs.headers["content-type"] == mine.headers["content-type"]
    if "fhir" in tail:  # each bundle has its own id and moment; the entries are the record
        assert [e["resource"] for e in theirs.json()["entry"]] == [
            e["resource"] for e in mine.json()["entry"]
        ]
    else:
        assert theirs.json() == mine.json()


def test_one_session_is_the_same_for_the_clinician_and_the_client(
    world: tuple[ClinicWorld, str],
) -> None:
    w, session_id = world
    mine = w.bearer(w.a1).get(f"/api/v1/sessions/{session_id}")
    theirs = w.bearer(w.clin_a).get(_staff_url(w, f"sessions/{session_id}"))
    assert mine.status_code == theirs.status_code == 200
    assert theirs.json() == mine.json() and theirs.json()["id"] == session_id


@pytest.mark.parametrize(
    ("who", "status"),
    [("clin_a", 200), ("admin", 200), ("a1", 200), ("clin_b", 404), ("b1", 404)],
)
def test_only_the_clients_clinicians_and_the_admins_read_the_record(
    world: tuple[ClinicWorld, str], who: str, status: int
) -> None:
    """A1 may read their own record here too (``core.access``: their own record)."""
    w, session_id = world
    reader = w.bearer(getattr(w, who))
    for tail in ("today", "week", "sessions", f"sessions/{session_id}", "checkins", "progress"):
        answer = reader.get(_staff_url(w, tail))
        assert answer.status_code == status, (tail, answer.text[:200])
    assert reader.get(_staff_url(w, "access-log")).status_code == status


def test_not_yours_and_not_there_are_the_same_404(world: tuple[ClinicWorld, str]) -> None:
    w, _ = world
    bo = w.bearer(w.clin_b)
    not_yours = bo.get(_staff_url(w, "progress"))
    not_there = bo.get(_staff_url(w, "progress", client=999_999))
    assert (not_yours.status_code, not_yours.json()) == (not_there.status_code, not_there.json())
    assert w.nobody().get(_staff_url(w, "progress")).status_code == 401


def test_another_clients_session_answers_like_a_missing_one(
    world: tuple[ClinicWorld, str],
) -> None:
    w, _ = world
    theirs = w.bearer(w.b1).post("/api/v1/sessions", json={})
    assert theirs.status_code == 201
    ada = w.bearer(w.clin_a)
    other = ada.get(_staff_url(w, f"sessions/{theirs.json()['id']}"))
    missing = ada.get(_staff_url(w, "sessions/no-such-session"))
    assert other.status_code == missing.status_code == 404
    # The same words for both: only the id asked is echoed back.
    assert other.json()["detail"].replace(theirs.json()["id"], "ID") == missing.json()[
        "detail"
    ].replace("no-such-session", "ID")
    # And B1's own clinician reads it under B1, not under A1.
    bo = w.bearer(w.clin_b)
    assert (
        bo.get(_staff_url(w, f"sessions/{theirs.json()['id']}", w.b1.client_id)).status_code == 200
    )


@pytest.mark.parametrize(
    ("method", "tail", "body"),
    [
        ("POST", "sessions", {}),
        ("POST", "checkins", {"kind": "morning", "pain": 9, "stiffness": 9}),
        ("POST", "sessions/{sid}/events", {"id": "evt-00000001", "kind": "step_completed"}),
        ("PUT", "today", {}),
    ],
)
def test_staff_cannot_write_a_clients_sessions_or_check_ins(
    world: tuple[ClinicWorld, str], method: str, tail: str, body: dict[str, Any]
) -> None:
    w, session_id = world
    ada = w.bearer(w.clin_a)
    before = w.bearer(w.a1).get("/api/v1/checkins").json()
    url = _staff_url(w, tail.format(sid=session_id))
    answer = ada.request(method, url, json=body)
    assert answer.status_code in (404, 405), answer.text
    own = ada.post("/api/v1/checkins", json=body) if "kind" in body else None
    assert own is None or own.status_code == 404  # staff have no record of their own
    assert w.bearer(w.a1).get("/api/v1/checkins").json() == before


def test_the_client_sees_who_looked_in_plain_words(world: tuple[ClinicWorld, str]) -> None:
    w, _ = world
    assert w.bearer(w.clin_a).get(_staff_url(w, "progress")).status_code == 200
    log = w.bearer(w.a1).get("/api/v1/access-log")
    assert log.status_code == 200
    entries = log.json()["entries"]
    newest = entries[0]
    ada = w.clin_a.user
    assert newest["who"] == {
        "name": ada.name or ada.email,
        "role": "clinician",
        "role_words": "clinician",
    }
    assert newest["what"] == "looked at your progress"
    assert newest["at"].endswith("+00:00")
    # The client's own writes (the session and check-ins above) are not "someone looking".
    assert all(e["who"]["role"] != "client" for e in entries)
    assert not any("/api/" in e["what"] for e in entries)


def test_staff_read_the_same_log_and_their_read_of_it_is_in_it(
    world: tuple[ClinicWorld, str],
) -> None:
    w, _ = world
    staff = w.bearer(w.admin).get(_staff_url(w, "access-log"))
    assert staff.status_code == 200
    assert staff.json()["entries"][0]["what"] == "looked at who has opened your record"
    assert staff.json()["entries"][0]["who"]["role"] == "admin"
    assert w.bearer(w.a1).get("/api/v1/access-log").json() == staff.json()


def test_staff_have_no_access_log_of_their_own(world: tuple[ClinicWorld, str]) -> None:
    w, _ = world
    assert w.bearer(w.clin_a).get("/api/v1/access-log").status_code == 404
    assert w.nobody().get("/api/v1/access-log").status_code == 401


def test_the_operators_entry_is_named_as_the_operator(world: tuple[ClinicWorld, str]) -> None:
    w, _ = world
    assert w.a1.client_id is not None
    access_log.append(
        w.store,
        at=w.clock.now(),
        actor_user_id=None,
        action=Action.MANAGE_TEAM.value,
        person_id=w.a1.client_id,
        what="supple clinic add",
    )
    newest = w.bearer(w.a1).get("/api/v1/access-log").json()["entries"][0]
    assert newest["who"]["role"] == "operator"
    assert newest["who"]["name"] == "the practice's operator"
    assert newest["what"] == "changed your account or your clinician"


@pytest.mark.parametrize(
    ("action", "what", "words"),
    [
        ("read_record", "GET /api/v1/clients/7/progress", "looked at your progress"),
        ("read_record", "GET /api/v1/clients/7/today", "looked at your session for the day"),
        ("read_record", "GET /api/v1/clients/7/sessions", "looked at your sessions"),
        ("read_record", "GET /api/v1/clients/7/sessions/abc-1", "looked at one of your sessions"),
        ("read_record", "GET /clinic/clients/7", "looked at your record"),
        ("read_record", "GET /clinic/clients/7/report", "looked at your report"),
        ("read_record", "GET /clinic/clients/7/unknown-part", "looked at your record"),
        ("read_record", "something odd", "looked at your record"),
        ("read_private_notes", "GET /x", "read the staff's private notes about you"),
        ("adjust_dose", "POST /api/v1/clients/7/adjustments", "changed the dose of an exercise"),
        ("clear_red_flag", "POST /x", "cleared a red-flag answer after seeing you"),
        ("read_access_log", "GET /x", "looked at who has opened your record"),
        ("write", "POST /somewhere", "changed something in your record"),
    ],
)  # fmt: skip
def test_each_entry_is_said_in_plain_words(action: str, what: str, words: str) -> None:
    assert visit_words(action, what) == words


def test_the_openapi_document_describes_every_new_route(world: tuple[ClinicWorld, str]) -> None:
    w, _ = world
    document = w.bearer(w.a1).get("/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    expected = {
        "today": "Day",
        "week": "Week",
        "sessions": None,
        "sessions/{session_id}": "SessionOut",
        "checkins": None,
        "progress": "Progress",
        "report": "ReportOut",
        "access-log": "AccessLog",
    }
    for tail, model in expected.items():
        ok = paths[f"/api/v1/clients/{{client_id}}/{tail}"]["get"]["responses"]["200"]
        schema = ok["content"]["application/json"]["schema"]
        if model:
            assert schema == {"$ref": f"#/components/schemas/{model}"}, tail
        else:
            assert schema["type"] == "array" and "$ref" in schema["items"], tail
        assert "post" not in paths[f"/api/v1/clients/{{client_id}}/{tail}"]
    for own in ("/api/v1/access-log", "/api/v1/report"):
        assert "get" in paths[own]
    assert {"Day", "Week", "SessionOut", "SessionSummary", "Checkin", "AccessLog"} <= set(schemas)
