"""The sign-in throttle's state: failures per account and per network address.

The read-modify-write of ``record_failure`` runs in one write transaction that locks the row
(``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so
workers on several machines count the same failures. The rules are ``core.login_rules``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from supple.core.login_rules import Failures, ThrottleRule, after_failure
from supple.store.clinic_schema import login_throttle
from supple.store.database import Store
from supple.store.screens import aware


def key_for(scope: str, value: str) -> str:
    """The stored key for an account (the email as typed, casefolded) or a network address."""
    return hashlib.sha256(f"{scope}:{value.strip().casefold()}".encode()).hexdigest()


def failures(store: Store, key: str) -> Failures:
    with store.read() as conn:
        row = conn.execute(
            sa.select(login_throttle.c.failures, login_throttle.c.last_failure_at).where(
                login_throttle.c.key == key
            )
        ).first()
    return Failures(row.failures, aware(row.last_failure_at)) if row else Failures()


def record_failure(
    store: Store, key: str, scope: str, rule: ThrottleRule, now: datetime
) -> Failures:
    """Count one failed attempt for ``key`` and return the new state. The row is made if
    missing (a worker racing to make it too is no error), then locked, read and updated."""
    state = sa.select(login_throttle.c.failures, login_throttle.c.last_failure_at).where(
        login_throttle.c.key == key
    )
    with store.write() as conn:
        conn.execute(
            _insert_ignoring_duplicate(
                store, dict(key=key, scope=scope, failures=0, last_failure_at=now)
            )
        )
        row = conn.execute(state.with_for_update()).one()
        after = after_failure(Failures(row.failures, aware(row.last_failure_at)), rule, now)
        conn.execute(
            login_throttle.update()
            .where(login_throttle.c.key == key)
            .values(failures=after.count, last_failure_at=after.last_at)
        )
    return after


def _insert_ignoring_duplicate(store: Store, values: dict[str, Any]) -> Any:
    if store.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(login_throttle).values(**values).on_conflict_do_nothing()
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    return pg_insert(login_throttle).values(**values).on_conflict_do_nothing()


def clear(store: Store, key: str) -> None:
    """Forget a key's failures (an account after a successful sign-in)."""
    with store.write() as conn:
        conn.execute(login_throttle.delete().where(login_throttle.c.key == key))


def prune(store: Store, rule: ThrottleRule, now: datetime) -> int:
    """Delete the rows whose failures are forgotten by ``now`` under ``rule`` (the longest
    wait plus the quiet spell): housekeeping, so the table holds only recent guessing."""
    oldest_kept = now - rule.max_delay - rule.quiet
    with store.write() as conn:
        removed = conn.execute(
            login_throttle.delete().where(login_throttle.c.last_failure_at <= oldest_kept)
        )
        return int(removed.rowcount)
