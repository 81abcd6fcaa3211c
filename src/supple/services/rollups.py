"""The nightly rollups: each client's days that are over, boiled down to what the caseload
dashboard reads (``store.rollup_schema``), so that a dashboard computes only today live.

A run walks the practice's clients a slice at a time and, for each, writes the days from the
window the dashboard reads (``attention.LOOKBACK_DAYS`` and a margin) up to yesterday in the
client's own zone that have no row yet. It rewrites from the first missing day on, so a day
whose row a late write deleted (``rollup_schema``) is written again, and a run repeated finds
nothing missing and leaves the same rows: running it twice, or from two workers, is harmless.
Clients' days end at different hours in their zones, so the job runs every hour and each run
rolls the days that have ended since.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from supple.core import attention
from supple.services.scope import Scope
from supple.store import rollups as table
from supple.store.caseload import Client

HORIZON = attention.LOOKBACK_DAYS + 2  # days before today kept rolled up
KEEP = HORIZON + 7  # rows older than this many days are pruned
SLICE = 500  # clients per transaction


@dataclass(frozen=True)
class Run:
    """What one run did: clients looked at, rows written, seconds taken."""

    clients: int
    rows: int
    seconds: float


def roll_up(scope: Scope, at: datetime | None = None, slice_size: int = SLICE) -> Run:
    """Roll up every client's ended days that have no row yet, as of ``at`` (default: now)."""
    began = time.perf_counter()
    moment = at or scope.clock.now()
    clients = rows = 0
    after = 0
    oldest = moment.date() - timedelta(days=HORIZON + 1)
    while True:
        with scope.store.write() as conn:
            found, rolled = table.read_slice(conn, table.slice_ids(after, slice_size), oldest)
            if not found:
                break
            after = found[-1].client_id
            clients += len(found)
            due = _due(found, rolled, moment)
            if due:
                # One read from the slice's earliest missing day; every client with a day due
                # is rewritten from there (or its window's first day), so no gap is left.
                lo = min(missing for _, missing, _ in due.values())
                spans = {pid: (max(first, lo), last) for pid, (first, _, last) in due.items()}
                days = table.records_from(conn, list(spans), lo)
                rows += table.replace(conn, spans, days, moment)
    with scope.store.write() as conn:
        table.prune(conn, moment.date() - timedelta(days=KEEP))
    return Run(clients, rows, time.perf_counter() - began)


def _due(
    found: list[Client], rolled: dict[int, set[date]], moment: datetime
) -> dict[int, tuple[date, date, date]]:
    """For each client with a day to write: the window's first day, the first day missing and
    yesterday (in the client's zone)."""
    spans: dict[int, tuple[date, date, date]] = {}
    for client in found:
        if client.start_date is None or client.timezone is None:
            continue
        today = moment.astimezone(ZoneInfo(client.timezone)).date()
        first = max(client.start_date, today - timedelta(days=HORIZON))
        yesterday = today - timedelta(days=1)
        have = rolled.get(client.client_id, set())
        missing = next(
            (first + timedelta(days=n) for n in range((yesterday - first).days + 1)
             if first + timedelta(days=n) not in have),
            None,
        )  # fmt: skip
        if missing is not None:
            spans[client.client_id] = (first, missing, yesterday)
    return spans
