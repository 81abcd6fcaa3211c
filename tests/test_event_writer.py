"""The one event writer: a burst of events from many threads is committed in groups, each valid
event stored exactly once, a duplicate answered as such, an unknown session refused, and one bad
event failing alone, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from supple.core.profile import Profile
from supple.store import profiles
from supple.store import sessions as table
from supple.store.database import Store
from supple.store.event_writer import EventWrite, Outcome
from supple.store.schema import session_events, sessions

NOW = datetime(2026, 11, 3, 7, 30, tzinfo=UTC)


def _session(store: Store, person: int) -> str:
    session_id = str(uuid.uuid4())
    table.create(
        store,
        session_id=session_id,
        person_id=person,
        on=date(2026, 11, 3),
        week=1,
        day=2,
        started_at=NOW,
        timeline={"steps": []},
    )
    return session_id


def _event(session_id: str, event_id: str, person: int, **more: object) -> EventWrite:
    values: dict[str, object] = {"kind": "paused", "step_index": 0, "at": NOW, **more}
    return EventWrite(event_id=event_id, session_id=session_id, person_id=person, **values)  # type: ignore[arg-type]


def _stored(store: Store) -> list[str]:
    with store.read() as conn:
        return sorted(conn.execute(sa.select(session_events.c.id)).scalars())


def test_a_burst_from_many_threads_stores_each_valid_event_once(any_store: Store) -> None:
    person = profiles.create_person(any_store, at=NOW)
    session_id = _session(any_store, person)
    ids = [uuid.uuid4().hex for _ in range(150)]
    writes = [_event(session_id, i, person) for i in ids]
    writes += [_event(session_id, i, person) for i in ids[:30]]  # sent twice
    writes += [_event("no-such-session", uuid.uuid4().hex, person) for _ in range(20)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(any_store.events.write_now, writes))
    assert _stored(any_store) == sorted(ids)
    by_id: dict[str, list[Outcome]] = {}
    for write, outcome in zip(writes, outcomes, strict=True):
        by_id.setdefault(write.event_id, []).append(outcome)
    assert all(sorted(by_id[i], key=str) == [False, True] for i in ids[:30])
    assert all(by_id[i] == [True] for i in ids[30:])
    assert outcomes[-20:] == [None] * 20


def test_an_event_for_another_persons_session_is_refused(any_store: Store) -> None:
    first = profiles.create_person(any_store, at=NOW)
    second = profiles.create_person(any_store, at=NOW)
    theirs = _session(any_store, second)
    assert any_store.events.write_now(_event(theirs, uuid.uuid4().hex, first)) is None
    local = profiles.local_person(any_store)  # what the composition roots pass
    assert local is not None
    assert any_store.events.write_now(_event(theirs, uuid.uuid4().hex, local)) is None
    assert any_store.events.write_now(_event(theirs, uuid.uuid4().hex, second)) is True


def test_one_bad_event_fails_alone(any_store: Store) -> None:
    person = profiles.create_person(any_store, at=NOW)
    session_id = _session(any_store, person)
    good = [_event(session_id, uuid.uuid4().hex, person) for _ in range(40)]
    bad = _event(session_id, None, person)  # type: ignore[arg-type]  # no id: refused by the database
    writes = [*good[:20], bad, *good[20:]]
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(any_store.events.write_now, w) for w in writes]
    with pytest.raises(sa.exc.IntegrityError):
        futures[20].result()
    assert [f.result() for i, f in enumerate(futures) if i != 20] == [True] * 40
    assert _stored(any_store) == sorted(w.event_id for w in good)


def test_a_finishing_event_closes_its_session_in_the_same_transaction(any_store: Store) -> None:
    person = profiles.create_person(any_store, at=NOW)
    session_id = _session(any_store, person)
    stop = _event(
        session_id,
        uuid.uuid4().hex,
        person,
        kind="session_stopped",
        close_at=NOW,
        close_reason="pain 8",
    )
    assert any_store.events.write_now(stop) is True
    with any_store.read() as conn:
        row = conn.execute(sa.select(sessions).where(sessions.c.id == session_id)).one()
    assert row.stopped_reason == "pain 8" and row.finished_at is not None


@pytest.mark.parametrize(
    ("kind", "changes"),
    [("step_completed", True), ("hurt_flagged", True), ("paused", False), ("resumed", False)],
)
def test_only_the_events_the_rules_read_change_todays_stamp(
    any_store: Store, kind: str, changes: bool
) -> None:
    from supple.store.freshness import today_stamp
    from supple.store.history import session_facts

    person = profiles.create_person(any_store, at=NOW)
    profiles.save_profile(
        any_store,
        Profile(person, date(2026, 11, 2), "07:30", "UTC", "Plan", None, None),
        at=NOW,
        actor=None,
    )
    session_id = _session(any_store, person)
    before = today_stamp(any_store, person)
    facts_before = session_facts(any_store, person, date(2026, 11, 3))
    write = _event(session_id, uuid.uuid4().hex, person, kind=kind, data={"exercise": "bird-dog"})
    assert any_store.events.write_now(write) is True
    assert (today_stamp(any_store, person) != before) is changes
    facts_after = session_facts(any_store, person, date(2026, 11, 3))
    if not changes:  # the stamp may stay only when what the rules read stayed too
        assert (facts_after.done, facts_after.hurt) == (facts_before.done, facts_before.hurt)


def test_an_access_log_line_is_committed_through_the_writer_beside_events(
    any_store: Store,
) -> None:
    """A line waits for its commit like an event, and a line queued with events goes in with
    them, each event's outcome unchanged."""
    import asyncio

    from supple.store import access_log
    from supple.store.clinic_schema import access_log as log_table

    person = profiles.create_person(any_store, at=NOW)
    session_id = _session(any_store, person)
    line = access_log.line(
        at=NOW, actor_user_id=None, action="write", person_id=person,
        what="POST /api/v1/sessions/x/events (201)\x00", address="127.0.0.1",
    )  # fmt: skip

    async def together() -> list[object]:
        return list(
            await asyncio.gather(
                any_store.events.write(_event(session_id, "e1", person)),
                access_log.append_queued(any_store, line),
                any_store.events.write(_event("no-such-session", "e2", person)),
                any_store.events.write(_event(session_id, "e1", person)),
            )
        )

    outcomes = asyncio.run(together())
    assert outcomes[0] is True and outcomes[1] is None and outcomes[2] is None
    assert outcomes[3] is False  # the same id again, whether in its group or the next
    with any_store.read() as conn:
        rows = conn.execute(sa.select(log_table.c.what, log_table.c.person_id)).all()
    assert [tuple(r) for r in rows] == [("POST /api/v1/sessions/x/events (201)\\x00", person)]
    assert _stored(any_store) == ["e1"]
