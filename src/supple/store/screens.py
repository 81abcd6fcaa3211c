"""Red-flag screen answers and clinicians' clearances, each stored with the moment it was given.

Nothing here is ever updated or deleted: a later screen or clearance is a new row, so the record
shows what the person said and when.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

from supple.store.database import Store
from supple.store.schema import clearances, screen_answers


@dataclass(frozen=True)
class ScreenRun:
    screen_id: str
    answered_at: datetime
    answers: dict[str, bool]


@dataclass(frozen=True)
class Clearance:
    cleared_on: date
    recorded_at: datetime


def save_screen(
    store: Store, person_id: int, answers: dict[str, bool], *, at: datetime
) -> ScreenRun:
    run = ScreenRun(str(uuid.uuid4()), at, dict(answers))
    with store.write() as conn:
        conn.execute(
            screen_answers.insert(),
            [
                dict(
                    person_id=person_id,
                    screen_id=run.screen_id,
                    question_id=question,
                    answer=answer,
                    answered_at=run.answered_at,
                )
                for question, answer in answers.items()
            ],
        )
    return run


def runs(store: Store, person_id: int) -> list[ScreenRun]:
    """Every screen the person answered, oldest first."""
    with store.read() as conn:
        rows = list(
            conn.execute(
                sa.select(screen_answers)
                .where(screen_answers.c.person_id == person_id)
                .order_by(screen_answers.c.answered_at, screen_answers.c.id)
            )
        )
    grouped: dict[str, ScreenRun] = {}
    for row in rows:
        run = grouped.setdefault(
            row.screen_id, ScreenRun(row.screen_id, aware(row.answered_at), {})
        )
        run.answers[row.question_id] = bool(row.answer)
    return sorted(grouped.values(), key=lambda r: r.answered_at)


def add_clearance(
    store: Store, person_id: int, cleared_on: date, *, at: datetime, actor: str | None
) -> Clearance:
    """Record a clearance; ``actor`` says who recorded it (the person, or later a clinician)."""
    clearance = Clearance(cleared_on, at)
    with store.write() as conn:
        conn.execute(
            clearances.insert().values(
                person_id=person_id,
                cleared_on=cleared_on,
                recorded_at=clearance.recorded_at,
                actor=actor,
            )
        )
    return clearance


def list_clearances(store: Store, person_id: int) -> list[Clearance]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(clearances)
            .where(clearances.c.person_id == person_id)
            .order_by(clearances.c.recorded_at, clearances.c.id)
        )
        return [Clearance(row.cleared_on, aware(row.recorded_at)) for row in rows]


@dataclass(frozen=True)
class ClearanceRecord:
    cleared_on: date
    recorded_at: datetime
    actor: str | None  # "person:1", "clinician:7"; None for rows older than revision 0003


def clearance_records(store: Store, person_id: int) -> list[ClearanceRecord]:
    """The clearances with who recorded each, oldest first (what a clinic shows the client)."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(clearances)
            .where(clearances.c.person_id == person_id)
            .order_by(clearances.c.recorded_at, clearances.c.id)
        )
        return [ClearanceRecord(row.cleared_on, aware(row.recorded_at), row.actor) for row in rows]


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for UTC values; make them comparable again."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
