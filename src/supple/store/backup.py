"""Every row of one person, out and back in, for backups and moving between databases.

Rows are read and written as plain dicts keyed by column name, without the integer surrogate
ids (which mean nothing in another database) but with the ids people's devices made (sessions
and their events), so a merged import recognises what it already holds. A restore is one
transaction: it lands whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from supple.store.database import Store
from supple.store.rollup_schema import forget_from
from supple.store.schema import (
    checkins,
    clearances,
    people,
    profiles,
    screen_answers,
    session_events,
    sessions,
)
from supple.store.sessions import derived

Row = dict[str, Any]

PROFILE_COLUMNS = (
    "start_date",
    "session_time",
    "timezone",
    "plan_name",
    "plan_source",
    "plan_yaml",
    "rep_mode",
    "updated_at",
)
SESSION_COLUMNS = (
    "id",
    "on_date",
    "program_week",
    "program_day",
    "started_at",
    "finished_at",
    "stopped_reason",
    "total_steps",
    "timeline",
)
EVENT_COLUMNS = ("id", "kind", "step_index", "at", "data")
CHECKIN_COLUMNS = ("kind", "on_date", "subject", "values", "recorded_at")
ANSWER_COLUMNS = ("screen_id", "question_id", "answer", "answered_at")
CLEARANCE_COLUMNS = ("cleared_on", "recorded_at")


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes that were stored as UTC; PostgreSQL aware ones."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _row(row: Any, columns: Sequence[str]) -> Row:
    values = {name: getattr(row, name) for name in columns}
    return {k: utc(v) if isinstance(v, datetime) else v for k, v in values.items()}


@dataclass
class Dump:
    person: Row
    profile: Row | None
    sessions: list[Row]  # each with an "events" list
    checkins: list[Row]
    screen_answers: list[Row]
    clearances: list[Row]


def dump(store: Store, person_id: int) -> Dump:
    """Everything stored for ``person_id``, in a stable order."""
    with store.read() as conn:
        person = conn.execute(sa.select(people).where(people.c.id == person_id)).one()
        profile = conn.execute(sa.select(profiles).where(profiles.c.person_id == person_id)).first()
        session_rows = conn.execute(
            sa.select(sessions)
            .where(sessions.c.person_id == person_id)
            .order_by(sessions.c.on_date, sessions.c.started_at, sessions.c.id)
        ).all()
        event_rows = conn.execute(
            sa.select(session_events)
            .where(session_events.c.person_id == person_id)
            .order_by(session_events.c.at, session_events.c.id)
        ).all()
        checkin_rows = conn.execute(
            sa.select(checkins)
            .where(checkins.c.person_id == person_id)
            .order_by(checkins.c.on_date, checkins.c.kind, checkins.c.subject)
        ).all()
        answer_rows = conn.execute(
            sa.select(screen_answers)
            .where(screen_answers.c.person_id == person_id)
            .order_by(
                screen_answers.c.answered_at,
                screen_answers.c.screen_id,
                screen_answers.c.question_id,
            )
        ).all()
        clearance_rows = conn.execute(
            sa.select(clearances)
            .where(clearances.c.person_id == person_id)
            .order_by(clearances.c.cleared_on, clearances.c.recorded_at)
        ).all()
    by_session: dict[str, list[Row]] = {}
    for event in event_rows:
        by_session.setdefault(event.session_id, []).append(_row(event, EVENT_COLUMNS))
    session_list = [
        {**_row(s, SESSION_COLUMNS), "events": by_session.get(s.id, [])} for s in session_rows
    ]
    return Dump(
        person={"name": person.name, "created_at": utc(person.created_at)},
        profile=_row(profile, PROFILE_COLUMNS) if profile is not None else None,
        sessions=session_list,
        checkins=[_row(c, CHECKIN_COLUMNS) for c in checkin_rows],
        screen_answers=[_row(a, ANSWER_COLUMNS) for a in answer_rows],
        clearances=[_row(c, CLEARANCE_COLUMNS) for c in clearance_rows],
    )


def is_empty(store: Store) -> bool:
    """True when nobody is stored yet (a fresh database)."""
    with store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(people)).scalar() == 0


@dataclass
class Counts:
    """What a restore added, and what a merge left alone because it was already there."""

    added: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, added: bool) -> None:
        bucket = self.added if added else self.kept
        bucket[what] = bucket.get(what, 0) + 1


def _aware(values: Mapping[str, Any]) -> Row:
    return {k: utc(v) if isinstance(v, datetime) else v for k, v in values.items()}


def restore(store: Store, data: Dump, *, person_id: int | None) -> tuple[int, Counts]:
    """Write ``data`` in one transaction, for ``person_id`` or for a new person when None.

    With an existing person (a merge), nothing already there is changed: their profile stays,
    and sessions, events, check-ins, answers and clearances are added only where missing.
    """
    counts = Counts()
    with store.write() as conn:
        if person_id is None:
            result = conn.execute(people.insert().values(**_aware(data.person)))
            key = result.inserted_primary_key
            assert key is not None
            person_id = int(key[0])
        forget_from(conn, person_id, date.min)  # a merge may add to any rolled-up day
        has_profile = conn.execute(
            sa.select(profiles.c.person_id).where(profiles.c.person_id == person_id)
        ).first()
        if data.profile is not None:
            if has_profile is None:
                conn.execute(profiles.insert().values(person_id=person_id, **_aware(data.profile)))
            counts.add("profile", has_profile is None)
        known_sessions = set(
            conn.execute(sa.select(sessions.c.id).where(sessions.c.person_id == person_id))
            .scalars()
            .all()
        )
        known_events = set(
            conn.execute(
                sa.select(session_events.c.id).where(session_events.c.person_id == person_id)
            )
            .scalars()
            .all()
        )
        for session in data.sessions:
            values = {k: v for k, v in session.items() if k != "events"}
            fresh = values["id"] not in known_sessions
            if fresh:
                conn.execute(
                    sessions.insert().values(
                        person_id=person_id, **_aware(values), **derived(values["timeline"])
                    )
                )
            counts.add("sessions", fresh)
            for event in session["events"]:
                fresh = event["id"] not in known_events
                if fresh:
                    conn.execute(
                        session_events.insert().values(
                            person_id=person_id, session_id=values["id"], **_aware(event)
                        )
                    )
                counts.add("events", fresh)
        known_checkins = {
            (r.kind, r.on_date, r.subject)
            for r in conn.execute(
                sa.select(checkins.c.kind, checkins.c.on_date, checkins.c.subject).where(
                    checkins.c.person_id == person_id
                )
            )
        }
        for checkin in data.checkins:
            fresh = (checkin["kind"], checkin["on_date"], checkin["subject"]) not in known_checkins
            if fresh:
                conn.execute(checkins.insert().values(person_id=person_id, **_aware(checkin)))
            counts.add("checkins", fresh)
        known_answers = {
            (r.screen_id, r.question_id)
            for r in conn.execute(
                sa.select(screen_answers.c.screen_id, screen_answers.c.question_id).where(
                    screen_answers.c.person_id == person_id
                )
            )
        }
        for answer in data.screen_answers:
            fresh = (answer["screen_id"], answer["question_id"]) not in known_answers
            if fresh:
                conn.execute(screen_answers.insert().values(person_id=person_id, **_aware(answer)))
            counts.add("screen_answers", fresh)
        known_clearances = {
            (r.cleared_on, utc(r.recorded_at))
            for r in conn.execute(
                sa.select(clearances.c.cleared_on, clearances.c.recorded_at).where(
                    clearances.c.person_id == person_id
                )
            )
        }
        for clearance in data.clearances:
            fresh = (clearance["cleared_on"], utc(clearance["recorded_at"])) not in known_clearances
            if fresh:
                conn.execute(clearances.insert().values(person_id=person_id, **_aware(clearance)))
            counts.add("clearances", fresh)
    return person_id, counts
