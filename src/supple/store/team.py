"""The team page's reads and the one write it adds: a page of the practice's users, ordered by
name, with each client's clinicians and each user's live sign-ins; and moving a client onto
another clinician's caseload.

A page is read by keyset (the name's sort key and the id of the last row shown, never an
offset), so page 40 costs what page 1 costs and a user added meanwhile neither repeats nor
hides a row. Three statements per page whatever its size: the users, their clinicians, their
sign-ins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from supple.core.access import Role
from supple.store.clinic_schema import client_clinicians, login_sessions, users
from supple.store.database import Store


@dataclass(frozen=True)
class TeamRow:
    """One user as the team page lists them."""

    user_id: int
    email: str
    name: str | None
    role: Role
    client_id: int | None
    clinicians: tuple[tuple[int, str], ...]  # (user id, name or email) of a client's clinicians
    active: bool
    sign_ins: int  # live sign-ins now


def sort_key(table: Any = users) -> Any:
    """What the page is ordered by: the name as shown (the email when there is none), without
    its capitals."""
    return sa.func.lower(sa.func.coalesce(table.c.name, table.c.email))


def user_exists(store: Store, user_id: int) -> bool:
    with store.read() as conn:
        found = conn.execute(sa.select(users.c.id).where(users.c.id == user_id)).first()
    return found is not None


def page(
    store: Store,
    *,
    now: datetime,
    limit: int,
    role: Role | None = None,
    search: str | None = None,
    after: int | None = None,
) -> list[TeamRow]:
    """Up to ``limit`` users after the user ``after`` (by name, then id), of one role and
    matching ``search`` (in the name or the email, whatever its capitals) when given."""
    key = sort_key()
    query = sa.select(users, key.label("sort_key")).order_by(key, users.c.id).limit(limit)
    if role is not None:
        query = query.where(users.c.role == role.value)
    if search:
        query = query.where(
            sa.or_(
                users.c.email_key.contains(search.casefold(), autoescape=True),
                sa.func.lower(users.c.name).contains(search.lower(), autoescape=True),
            )
        )
    if after is not None:
        known = users.alias("last_shown")  # not correlated with the outer users
        last = sa.select(sort_key(known)).where(known.c.id == after).scalar_subquery()
        query = query.where(sa.or_(key > last, sa.and_(key == last, users.c.id > after)))
    with store.read() as conn:
        rows = list(conn.execute(query))
        ids = [row.id for row in rows]
        people = [row.person_id for row in rows if row.person_id is not None]
        clinicians = _clinicians(conn, people)
        live = _live_sign_ins(conn, ids, now)
    return [
        TeamRow(
            user_id=row.id,
            email=row.email,
            name=row.name,
            role=Role(row.role),
            client_id=row.person_id,
            clinicians=tuple(clinicians.get(row.person_id, ())),
            active=bool(row.active),
            sign_ins=live.get(row.id, 0),
        )
        for row in rows
    ]


def _clinicians(conn: sa.Connection, people: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    if not people:
        return {}
    clinician = users.alias("clinician")
    found: dict[int, list[tuple[int, str]]] = {}
    query = (
        sa.select(
            client_clinicians.c.person_id, clinician.c.id, clinician.c.name, clinician.c.email
        )
        .join(clinician, clinician.c.id == client_clinicians.c.clinician_id)
        .where(client_clinicians.c.person_id.in_(people))
        .order_by(clinician.c.email_key)
    )
    for person_id, user_id, name, email in conn.execute(query):
        found.setdefault(person_id, []).append((user_id, name or email))
    return found


def _live_sign_ins(conn: sa.Connection, ids: Sequence[int], now: datetime) -> dict[int, int]:
    if not ids:
        return {}
    query = (
        sa.select(login_sessions.c.user_id, sa.func.count())
        .where(
            login_sessions.c.user_id.in_(ids),
            login_sessions.c.ended_at.is_(None),
            login_sessions.c.idle_expires_at > now,
            login_sessions.c.absolute_expires_at > now,
        )
        .group_by(login_sessions.c.user_id)
    )
    return {user_id: int(count) for user_id, count in conn.execute(query)}


def active_staff(store: Store) -> list[tuple[int, str, str]]:
    """The active clinicians and admins who can take a client: (id, email, name or email),
    by name."""
    query = (
        sa.select(users.c.id, users.c.email, users.c.name)
        .where(users.c.role.in_([Role.CLINICIAN.value, Role.ADMIN.value]), users.c.active)
        .order_by(sort_key(), users.c.id)
    )
    with store.read() as conn:
        return [(row.id, row.email, row.name or row.email) for row in conn.execute(query)]


def reassign(store: Store, person_id: int, clinician_id: int, now: datetime) -> None:
    """Make ``clinician_id`` the client's one clinician: every other assignment of theirs ends
    in the same transaction, so no moment has them on two caseloads or on none."""
    with store.write() as conn:
        conn.execute(client_clinicians.delete().where(client_clinicians.c.person_id == person_id))
        conn.execute(
            client_clinicians.insert().values(
                person_id=person_id, clinician_id=clinician_id, assigned_at=now
            )
        )
