"""A clinician's private notes about a client (migration 0011's ``client_notes``): appended,
never changed, read only by staff (the services decide who)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from supple.store.care_schema import client_notes as table
from supple.store.clinic_schema import users
from supple.store.database import Store
from supple.store.screens import aware


@dataclass(frozen=True)
class Note:
    id: int
    body: str
    author: str | None  # the author's name or email; None once the user is gone
    created_at: datetime


def add(store: Store, person_id: int, body: str, *, by: int | None, at: datetime) -> Note:
    with store.write() as conn:
        result = conn.execute(
            table.insert().values(person_id=person_id, body=body, author_user_id=by, created_at=at)
        )
        key = result.inserted_primary_key
        assert key is not None
        author = None
        if by is not None:
            found = conn.execute(sa.select(users.c.name, users.c.email).where(users.c.id == by))
            row = found.first()
            author = (row.name or row.email) if row else None
    return Note(int(key[0]), body, author, at)


def for_person(store: Store, person_id: int) -> list[Note]:
    """The client's notes, newest first."""
    query = (
        sa.select(table, users.c.name, users.c.email)
        .select_from(table.outerjoin(users, users.c.id == table.c.author_user_id))
        .where(table.c.person_id == person_id)
        .order_by(table.c.created_at.desc(), table.c.id.desc())
    )
    with store.read() as conn:
        return [
            Note(row.id, row.body, row.name or row.email, aware(row.created_at))
            for row in conn.execute(query)
        ]
