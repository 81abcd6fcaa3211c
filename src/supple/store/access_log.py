"""The access log: who did what to whose record, when, from where. Append-only.

This module only appends and reads; the database refuses UPDATE and DELETE on the table
(triggers of migration 0010), so not even a bug here could rewrite the past.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from supple.store.clinic_schema import access_log, users
from supple.store.database import Store

if TYPE_CHECKING:
    from supple.store.event_writer import LogLine
from supple.store.screens import aware

MAX_WHAT = 300
MAX_ADDRESS = 64


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor_user_id: int | None  # None: the operator, from the command line
    actor_email: str | None
    action: str
    person_id: int | None
    what: str
    address: str | None
    actor_name: str | None = None
    actor_role: str | None = None  # "client", "clinician", "admin"; None: the operator


def line(
    *,
    at: datetime,
    actor_user_id: int | None,
    action: str,
    person_id: int | None,
    what: str,
    address: str | None = None,
) -> LogLine:
    """One entry as it is stored: control characters escaped, the text cut to its column."""
    from supple.store.event_writer import LogLine  # the writer's threads, only when asked for

    return LogLine(
        at=at,
        actor_user_id=actor_user_id,
        action=action,
        person_id=person_id,
        what=_printable(what)[:MAX_WHAT],
        address=(address or None) and _printable(address)[:MAX_ADDRESS],
    )


def append(
    store: Store,
    *,
    at: datetime,
    actor_user_id: int | None,
    action: str,
    person_id: int | None,
    what: str,
    address: str | None = None,
) -> None:
    entry = line(
        at=at,
        actor_user_id=actor_user_id,
        action=action,
        person_id=person_id,
        what=what,
        address=address,
    )
    with store.write() as conn:
        conn.execute(access_log.insert().values(**asdict(entry)))


async def append_queued(store: Store, entry: LogLine) -> None:
    """Append through the store's one writer (``store.event_writer``), waiting for the commit
    without blocking the event loop: a web request's line shares a transaction with the events
    and lines queued beside it. The writer acts as the system, as ``append``'s callers do."""
    await store.events.append(entry)


def _printable(text: str) -> str:
    """``text`` with each control character written as its escape: an entry quotes the request
    as it came (a path may hold ``%00``), PostgreSQL refuses NUL in text, and a reader of the
    log should see what was asked, not have it acted on by their terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def entries(store: Store, *, person_id: int | None = None, limit: int = 200) -> list[Entry]:
    """The newest entries first: about one client when ``person_id`` is given, else all."""
    query = (
        sa.select(access_log, users.c.email, users.c.name, users.c.role)
        .outerjoin(users, users.c.id == access_log.c.actor_user_id)
        .order_by(access_log.c.at.desc(), access_log.c.id.desc())
        .limit(limit)
    )
    if person_id is not None:
        query = query.where(access_log.c.person_id == person_id)
    with store.read() as conn:
        return [
            Entry(
                at=aware(row.at),
                actor_user_id=row.actor_user_id,
                actor_email=row.email,
                action=row.action,
                person_id=row.person_id,
                what=row.what,
                address=row.address,
                actor_name=row.name,
                actor_role=row.role,
            )
            for row in conn.execute(query)
        ]
