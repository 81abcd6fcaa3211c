"""How fresh a person's records are, read in one round-trip.

Today's answer (its adapted doses and reasons, and whether a session may start) is a function of
the person's profile, check-ins, screen answers, clearances, sessions and session events, a
clinician's dose adjustments, and of the date. The stamp below changes whenever any of those
does: every table is append-only or stamps the moment of each change (profiles and check-ins set
their time on every save), and a count catches a deletion. Of the session events only the kinds
the rules read are counted (``FACT_EVENTS``): a pause or a resume changes nothing today shows. A
cache keyed by the stamp can therefore never serve an answer the database has moved past, even
when another process (the CLI) wrote the change, because the stamp is read from the database on
every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from supple.store.database import Store
from supple.store.schema import (
    FACT_EVENTS,
    checkins,
    clearances,
    profiles,
    screen_answers,
    session_events,
    sessions,
)


@dataclass(frozen=True)
class Stamp:
    person_id: int
    timezone: str
    values: tuple[Any, ...]  # compare for equality only


# A clinician's adjustments: rows are added, and an older one is ended only by a newer one or by
# a new plan (which changes the profile), so their count and newest moment catch every change.
# A lightweight clause: the declared table lives with the clinic's, which personal mode never
# builds.
_adjustments = sa.table(
    "dose_adjustments",
    sa.column("person_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _count(table: sa.Table | sa.TableClause) -> Any:
    return (
        sa.select(sa.func.count())
        .select_from(table)
        .where(table.c.person_id == profiles.c.person_id)
        .scalar_subquery()
    )


def _latest(column: sa.ColumnElement[Any]) -> Any:
    table = column.table
    # Compared, never shown: skip parsing the stored text back into a datetime.
    latest = sa.select(sa.func.max(column)).where(table.c.person_id == profiles.c.person_id)
    return sa.type_coerce(latest.scalar_subquery(), sa.String)


def _query() -> Any:
    return sa.select(
        profiles.c.person_id,
        profiles.c.timezone,
        sa.type_coerce(profiles.c.updated_at, sa.String),
        _count(checkins),
        _latest(checkins.c.recorded_at),
        _count(screen_answers),
        _latest(screen_answers.c.answered_at),
        _count(clearances),
        _latest(clearances.c.recorded_at),
        _count(sessions),
        _latest(sessions.c.started_at),
        # Only the kinds today's answer reads, through their own partial index: the player's
        # other events (many a minute) need not invalidate anything.
        sa.select(sa.func.count())
        .select_from(session_events)
        .where((session_events.c.person_id == profiles.c.person_id) & sa.text(FACT_EVENTS))
        .scalar_subquery(),
        _count(_adjustments),
        _latest(_adjustments.c.created_at),
    ).where(profiles.c.person_id == sa.bindparam("b_person", type_=sa.Integer))


QUERY = _query()


def today_stamp(store: Store, person_id: int) -> Stamp | None:
    """The person's stamp, or None before they have a profile."""
    with store.read() as conn:
        row = conn.execute(QUERY, {"b_person": person_id}).first()
    if row is None:
        return None
    return Stamp(int(row[0]), str(row[1]), tuple(row[2:]))
