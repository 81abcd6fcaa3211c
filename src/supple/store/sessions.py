"""Sessions and their events, written so that nothing done is ever lost.

Each event is its own short transaction, committed before the player moves on, and carries an
id made by the caller: writing the same id again (a retry after a crash, a browser resending)
is a no-op on SQLite and PostgreSQL alike (``INSERT … ON CONFLICT DO NOTHING``). Events a
browser posts go through the store's one writer instead (``event_writer``), which commits a
burst of them in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from supple.core import step_facts
from supple.store.database import Store
from supple.store.rollup_schema import forget_from
from supple.store.schema import session_events, sessions


def derived(timeline: Any) -> dict[str, Any]:
    """The columns a session's timeline decides (``core.step_facts``), for every writer of a
    session row: the player's start, a restored backup, the demo practice."""
    facts = step_facts.from_timeline(timeline)
    return {"work_steps": facts.work, "step_facts": step_facts.to_json(facts)}


def create(
    store: Store,
    *,
    session_id: str,
    person_id: int,
    on: date,
    week: int,
    day: int,
    started_at: datetime,
    timeline: dict[str, Any],
) -> None:
    with store.write() as conn:
        conn.execute(
            sessions.insert().values(
                id=session_id,
                person_id=person_id,
                on_date=on,
                program_week=week,
                program_day=day,
                started_at=started_at,
                total_steps=len(timeline["steps"]),
                timeline=timeline,
                **derived(timeline),
            )
        )


def _event_insert(store: Store, **values: Any) -> Any:
    if store.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    return (
        insert(session_events)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(session_events.c.id)
    )


def add_event(
    store: Store,
    *,
    event_id: str,
    session_id: str,
    person_id: int,
    kind: str,
    step_index: int | None,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> bool:
    """Store one event and commit it; False when an event with this id was already there."""
    statement = _event_insert(
        store,
        id=event_id,
        session_id=session_id,
        person_id=person_id,
        kind=kind,
        step_index=step_index,
        at=at,
        data=data,
    )
    # RETURNING says whether a row went in on both backends (rowcount does not, on psycopg).
    with store.write() as conn:
        stored = conn.execute(statement).first() is not None
        if stored and kind == "step_completed":  # a rolled-up day may have changed
            day = sa.select(sessions.c.on_date).where(sessions.c.id == session_id)
            forget_from(conn, person_id, day.scalar_subquery())
        return stored


def get(store: Store, person_id: int, session_id: str) -> sa.Row[Any] | None:
    """The person's session of that id, or None; an id no session can have (a NUL, which
    PostgreSQL would refuse as text) is answered None without asking the database."""
    if "\x00" in session_id:
        return None
    query = sa.select(sessions).where(
        (sessions.c.id == session_id) & (sessions.c.person_id == person_id)
    )
    with store.read() as conn:
        return conn.execute(query).first()


def unfinished(store: Store, person_id: int, on: date) -> list[sa.Row[Any]]:
    """Sessions of that date not finished or stopped, newest first."""
    query = (
        sa.select(sessions)
        .where(
            (sessions.c.person_id == person_id)
            & (sessions.c.on_date == on)
            & sessions.c.finished_at.is_(None)
        )
        .order_by(sessions.c.started_at.desc())
    )
    with store.read() as conn:
        return list(conn.execute(query))


def of_date(store: Store, person_id: int, on: date) -> list[sa.Row[Any]]:
    """The person's sessions of ``on``, finished or not, newest first."""
    query = (
        sa.select(sessions)
        .where((sessions.c.person_id == person_id) & (sessions.c.on_date == on))
        .order_by(sessions.c.started_at.desc())
    )
    with store.read() as conn:
        return list(conn.execute(query))


def events(store: Store, person_id: int, session_id: str) -> list[sa.Row[Any]]:
    query = (
        sa.select(session_events)
        .where(
            (session_events.c.session_id == session_id) & (session_events.c.person_id == person_id)
        )
        .order_by(session_events.c.at, session_events.c.id)
    )
    with store.read() as conn:
        return list(conn.execute(query))


def close(
    store: Store, person_id: int, session_id: str, *, at: datetime, reason: str | None
) -> None:
    """Mark a session over: finished (no reason) or stopped early (with the reason)."""
    with store.write() as conn:
        conn.execute(
            sessions.update()
            .where((sessions.c.id == session_id) & (sessions.c.person_id == person_id))
            .values(finished_at=at, stopped_reason=reason)
        )


def list_all(store: Store, person_id: int) -> tuple[list[Any], list[Any]]:
    """Every session of a person (oldest first), with its step facts but not its timeline,
    and all their step and hurt events."""
    columns = [c for c in sessions.c if c.name != "timeline"]
    with store.read() as conn:
        rows = list(
            conn.execute(
                sa.select(*columns)
                .where(sessions.c.person_id == person_id)
                .order_by(sessions.c.on_date, sessions.c.started_at)
            )
        )
        evs = events_of(conn, person_id, ("step_completed", "step_skipped", "hurt_flagged"))
    return rows, evs


def events_of(conn: sa.Connection, person_id: int, kinds: tuple[str, ...]) -> list[Any]:
    """A person's session events of the given kinds (session, kind, step and data)."""
    query = sa.select(
        session_events.c.session_id,
        session_events.c.kind,
        session_events.c.step_index,
        session_events.c.data,
    ).where((session_events.c.person_id == person_id) & session_events.c.kind.in_(kinds))
    return list(conn.execute(query))
