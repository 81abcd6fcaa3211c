"""Writing the nightly rollups (``rollup_schema``), a slice of the practice's clients at a time.

Each slice is one transaction: its rows from a date on are deleted and written again from the
records (``caseload.days_from``, the dashboard's own live read), so re-running a night writes
the same rows, and a slice lands whole or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from supple.store import bulk
from supple.store.caseload import Client, Days, caseload_ids, clients, days_from
from supple.store.clinic_schema import users
from supple.store.rollup_schema import day_rollups

COLUMNS = ("person_id", "on_date", "done", "morning_pain", "stops", "rolled_at")


def slice_ids(after: int, limit: int) -> sa.Select[Any]:
    """The next ``limit`` active clients of the practice after ``after`` (by person id)."""
    return (
        caseload_ids(None).where(users.c.person_id > after).order_by(users.c.person_id).limit(limit)
    )


def read_slice(
    conn: sa.Connection, ids: sa.Select[Any], since: date
) -> tuple[list[Client], dict[int, set[date]]]:
    """The slice's clients and, for each, the days from ``since`` already rolled up."""
    found = clients(conn, ids)
    rolled: dict[int, set[date]] = defaultdict(set)
    for person_id, on in conn.execute(
        sa.select(day_rollups.c.person_id, day_rollups.c.on_date).where(
            day_rollups.c.person_id.in_([c.client_id for c in found]),
            day_rollups.c.on_date >= since,
        )
    ):
        rolled[person_id].add(on)
    return found, rolled


def records_from(conn: sa.Connection, person_ids: Sequence[int], since: date) -> Days:
    """The slice's days from ``since`` on, read as the dashboard reads them live."""
    ids = sa.select(users.c.person_id).where(
        users.c.person_id.in_(person_id for person_id in person_ids)
    )
    return days_from(conn, ids, since)


def replace(
    conn: sa.Connection,
    spans: dict[int, tuple[date, date]],
    days: Days,
    at: datetime,
) -> int:
    """Write each client's rows for every day of its span (first, last), replacing those there;
    how many rows."""
    if not spans:
        return 0
    first = min(lo for lo, _ in spans.values())
    conn.execute(
        day_rollups.delete().where(
            day_rollups.c.person_id.in_(list(spans)), day_rollups.c.on_date >= first
        )
    )
    return bulk.insert(conn, day_rollups, COLUMNS, _rows(spans, days, at))


def _rows(
    spans: dict[int, tuple[date, date]], days: Days, at: datetime
) -> Iterable[tuple[Any, ...]]:
    for person_id, (lo, hi) in sorted(spans.items()):
        stops: dict[date, list[list[Any]]] = defaultdict(list)
        for stop in days.stops.get(person_id, []):
            stops[stop.on].append([stop.exercise_id, stop.pain, stop.quality])
        done = days.done.get(person_id, set())
        mornings = days.mornings.get(person_id, {})
        day = lo
        while day <= hi:
            yield (person_id, day, day in done, mornings.get(day), stops.get(day), at)
            day = date.fromordinal(day.toordinal() + 1)


def prune(conn: sa.Connection, before: date) -> int:
    """Delete the rows of days before ``before`` (older than any dashboard reads)."""
    return conn.execute(day_rollups.delete().where(day_rollups.c.on_date < before)).rowcount
