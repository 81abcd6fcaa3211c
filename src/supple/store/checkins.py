"""Check-ins: one row per person, kind, date and subject (an exercise id, or "" for none).

A second check-in for the same slot replaces the first, and the caller is told so: people
correct themselves, and a doubled rating would skew the adaptation rules.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from supple.store.database import Store
from supple.store.rollup_schema import forget_from
from supple.store.schema import checkins


def upsert(
    store: Store,
    person_id: int,
    kind: str,
    on: date,
    values: dict[str, Any],
    subject: str = "",
    *,
    at: datetime,
) -> bool:
    """Store a check-in; True when it replaced an earlier one for the same slot."""
    key = (
        (checkins.c.person_id == person_id)
        & (checkins.c.kind == kind)
        & (checkins.c.on_date == on)
        & (checkins.c.subject == subject)
    )
    with store.write() as conn:
        forget_from(conn, person_id, on)  # a rolled-up day changed: the dashboard reads it live
        updated = conn.execute(checkins.update().where(key).values(values=values, recorded_at=at))
        if updated.rowcount:
            return True
        conn.execute(
            checkins.insert().values(
                person_id=person_id,
                kind=kind,
                on_date=on,
                subject=subject,
                values=values,
                recorded_at=at,
            )
        )
        return False


def list_for(
    store: Store, person_id: int, *, kind: str | None = None, until: date | None = None
) -> list[sa.Row[Any]]:
    """The person's check-ins (of one kind, up to a date), oldest first. Read whole, once per
    request: today's doses and its safety gate each ask for a different slice."""
    rows = store.memo(("checkins", person_id), lambda: _all(store, person_id))
    return [
        row
        for row in rows
        if (kind is None or row.kind == kind) and (until is None or row.on_date <= until)
    ]


def _all(store: Store, person_id: int) -> list[sa.Row[Any]]:
    query = sa.select(checkins).where(checkins.c.person_id == person_id)
    with store.read() as conn:
        return list(conn.execute(query.order_by(checkins.c.on_date, checkins.c.id)))
