"""A clinic with one clinician and a caseload of clients with weeks of records, written in bulk.

Used by ``bench/clinic_dashboard.py`` (200 clients × 90 days) and by the test that counts the
dashboard's statements (5 and 200 clients). Rows go straight into the tables, many at a time
(PostgreSQL's COPY when the store is PostgreSQL, ``executemany`` otherwise), so building a large
caseload takes seconds rather than the minutes the use cases would take one check-in at a time.

The records are made up but shaped like real ones, and the same every run: most days a session
with every step completed, a morning check-in, the session's effort, a rating per exercise; a
few clients skip more days lately, a few rate an exercise 8/10, one answers a safety question
"yes".
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from supple.core.day_plan import plan_day
from supple.core.safety import QUESTIONS
from supple.core.timeline import to_json
from supple.planfile import bundled_program
from supple.store.clinic_schema import client_clinicians, practice, users
from supple.store.database import Store
from supple.store.schema import (
    checkins,
    people,
    profiles,
    screen_answers,
    session_events,
    sessions,
)
from supple.store.sessions import derived

ZONE = "Europe/London"


@dataclass(frozen=True)
class Caseload:
    clinician_id: int
    admin_id: int
    client_ids: list[int]


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _copy(store: Store, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` into ``table``: COPY on PostgreSQL, ``executemany`` elsewhere."""
    if not rows:
        return
    if store.is_sqlite:
        with store.write() as conn:
            conn.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_copyable(row[c]) for c in columns])
        raw.commit()
    finally:
        raw.close()


def _copyable(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


def build(
    store: Store,
    *,
    clients: int,
    days: int,
    today: date,
    seed: int = 13,
) -> Caseload:
    """A practice, an admin, one clinician and ``clients`` clients assigned to the clinician,
    each with ``days`` days of records up to ``today`` (the program started ``days - 1`` days
    before). Ids are returned; the database must hold no clinic yet."""
    rng = random.Random(seed)
    now = _moment(today, 6)
    with store.write() as conn:
        conn.execute(practice.insert().values(id=1, name="Bench Physio", created_at=now))
        staff = []
        for role, email in (("admin", "admin@bench.example"), ("clinician", "clin@bench.example")):
            result = conn.execute(
                users.insert().values(
                    email=email,
                    email_key=email,
                    name=f"{role.title()} Bench",
                    role=role,
                    active=True,
                    created_at=now,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            staff.append(int(key[0]))
        first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(people.c.id), 0))).scalar()
        assert first is not None
    ids = [int(first) + 1 + i for i in range(clients)]
    start = today - timedelta(days=days - 1)
    _copy(store, people, [dict(id=i, name=None, created_at=now) for i in ids])
    if not store.is_sqlite:
        with store.write() as conn:
            conn.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('people', 'id'), :top)"),
                {"top": max(ids, default=1)},
            )
    _copy(
        store,
        users,
        [
            dict(
                email=f"client{i}@bench.example",
                email_key=f"client{i}@bench.example",
                name=f"Client {n + 1:03d}",
                role="client",
                person_id=i,
                active=True,
                created_at=now,
            )
            for n, i in enumerate(ids)
        ],
    )
    _copy(
        store,
        profiles,
        [
            dict(
                person_id=i,
                start_date=start,
                session_time="07:30",
                timezone=ZONE,
                plan_name="Stretch & strengthen",
                rep_mode="tempo",
                updated_at=now,
            )
            for i in ids
        ],
    )
    _copy(
        store,
        client_clinicians,
        [dict(person_id=i, clinician_id=staff[1], assigned_at=now) for i in ids],
    )
    _records(store, rng, ids, start, today)
    return Caseload(clinician_id=staff[1], admin_id=staff[0], client_ids=ids)


def _records(store: Store, rng: random.Random, ids: list[int], start: date, today: date) -> None:
    program = bundled_program()
    timelines = {}
    for offset in range(7):
        plan = plan_day(program, start, start + timedelta(days=offset))
        timelines[plan.slot.day] = (to_json(plan.timeline), plan)
    step_columns = {day: derived(timeline) for day, (timeline, _) in timelines.items()}
    session_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    checkin_rows: list[dict[str, Any]] = []
    screen_rows: list[dict[str, Any]] = []
    for n, person in enumerate(ids):
        keen = 0.95 if n % 7 else 0.55  # every seventh client skips more lately
        pain = rng.randint(2, 5)
        for answer_q in QUESTIONS:
            screen_rows.append(
                dict(
                    person_id=person,
                    screen_id=f"s-{person}",
                    question_id=answer_q.id,
                    answer=(n == 3 and answer_q.id == "injury"),
                    answered_at=_moment(start, 7),
                )
            )
        day = start
        while day <= today:
            offset = (day - start).days
            late = (today - day).days < 7
            pain = max(0, min(9, pain + rng.choice((-1, 0, 0, 0, 1))))
            checkin_rows.append(
                _checkin(person, "morning", day, {"pain": pain, "stiffness": max(0, pain - 1)})
            )
            if day < today and rng.random() < (keen if late else 0.95):
                timeline, plan = timelines[offset % 7 + 1]
                session_id = str(uuid.uuid4())
                session_rows.append(
                    dict(
                        id=session_id,
                        person_id=person,
                        on_date=day,
                        program_week=offset // 7 + 1,
                        program_day=offset % 7 + 1,
                        started_at=_moment(day, 7, 30),
                        finished_at=_moment(day, 8),
                        total_steps=len(timeline["steps"]),
                        timeline=timeline,
                        **step_columns[offset % 7 + 1],
                    )
                )
                for step in timeline["steps"]:
                    event_rows.append(
                        dict(
                            id=f"{session_id}:completed:{step['index']}",
                            session_id=session_id,
                            person_id=person,
                            kind="step_completed",
                            step_index=step["index"],
                            at=_moment(day, 7, 45),
                            data=None,
                        )
                    )
                checkin_rows.append(_checkin(person, "session", day, {"rpe": 4, "after_pain": 2}))
                stop = n % 11 == 5 and (today - day).days == 2
                for item in plan.items:
                    rating = 8 if stop else rng.randint(0, 3)
                    checkin_rows.append(
                        _checkin(
                            person,
                            "exercise",
                            day,
                            {"pain": rating, "hurt": False, "quality": None},
                            item.prescription.exercise_id,
                        )
                    )
            day += timedelta(days=1)
    _copy(store, screen_answers, screen_rows)
    _copy(store, sessions, session_rows)
    _copy(store, session_events, event_rows)
    _copy(store, checkins, checkin_rows)


def _checkin(
    person: int, kind: str, day: date, values: dict[str, Any], subject: str = ""
) -> dict[str, Any]:
    return dict(
        person_id=person,
        kind=kind,
        on_date=day,
        subject=subject,
        values=values,
        recorded_at=_moment(day, 9),
    )
