"""Sign-in sessions, personal API tokens, invites, and the sign-in throttle.

Every token arrives here already hashed (``accounts.tokens.digest``): this module never sees a
token's value. Lifetimes come from ``core.login_rules``; ``now`` is always passed in. The
throttle's read-modify-write runs in one write transaction that locks the row (``FOR UPDATE`` on
PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so workers on several
machines count the same failures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from supple.core.access import Role
from supple.core.login_rules import (
    Failures,
    SessionTimes,
    ThrottleRule,
    absolute_expiry,
    after_failure,
    expires_at,
)
from supple.store.accounts import User, user_from_row
from supple.store.clinic_schema import api_tokens, invites, login_sessions, login_throttle, users
from supple.store.database import Store
from supple.store.screens import aware

INVITE_LIFETIME = timedelta(days=7)
MAX_USER_AGENT = 300
MAX_ADDRESS = 64


@dataclass(frozen=True)
class LoginSession:
    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    user_agent: str | None
    address: str | None
    second_factor_at: datetime | None = None

    @property
    def times(self) -> SessionTimes:
        return SessionTimes(self.created_at, self.last_seen_at, self.ended_at)


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _session(row: Any) -> LoginSession:
    return LoginSession(
        id=row.id,
        user_id=row.user_id,
        created_at=aware(row.created_at),
        last_seen_at=aware(row.last_seen_at),
        ended_at=aware(row.ended_at) if row.ended_at else None,
        user_agent=row.user_agent,
        address=row.address,
        second_factor_at=aware(row.second_factor_at) if row.second_factor_at else None,
    )


def _token(row: Any) -> ApiToken:
    return ApiToken(
        id=row.id,
        user_id=row.user_id,
        label=row.label,
        created_at=aware(row.created_at),
        last_used_at=aware(row.last_used_at) if row.last_used_at else None,
        revoked_at=aware(row.revoked_at) if row.revoked_at else None,
    )


def _user_columns() -> list[sa.Label[Any]]:
    return [column.label(f"u_{column.name}") for column in users.c]


def _user_from(row: Any) -> User:
    """The user's columns of a joined row (selected with ``_user_columns``)."""
    mapping = row._mapping
    return user_from_row(SimpleNamespace(**{c.name: mapping[f"u_{c.name}"] for c in users.c}))


def start_session(
    store: Store,
    user: User,
    token_digest: str,
    now: datetime,
    *,
    user_agent: str | None = None,
    address: str | None = None,
) -> LoginSession:
    """A new sign-in (always a new row and id: ASVS V3.2.1), live from ``now``."""
    times = SessionTimes(created_at=now, last_seen_at=now)
    user_agent = (user_agent or None) and user_agent[:MAX_USER_AGENT]
    address = (address or None) and address[:MAX_ADDRESS]
    with store.write() as conn:
        result = conn.execute(
            login_sessions.insert().values(
                token_hash=token_digest,
                user_id=user.id,
                created_at=now,
                last_seen_at=now,
                idle_expires_at=expires_at(times, user.role),
                absolute_expires_at=absolute_expiry(now, user.role),
                user_agent=user_agent,
                address=address,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    return LoginSession(int(key[0]), user.id, now, now, None, user_agent, address)


def find_session(store: Store, token_digest: str) -> tuple[LoginSession, User] | None:
    """The sign-in with this hashed id and its user, in one statement, whatever their state:
    the caller asks ``core.login_rules.session_state`` whether it is still good."""
    query = (
        sa.select(login_sessions, *_user_columns())
        .join(users, users.c.id == login_sessions.c.user_id)
        .where(login_sessions.c.token_hash == token_digest)
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return _session(row), _user_from(row)


def touch_session(
    store: Store, session_id: int, role: Role, created_at: datetime, now: datetime
) -> None:
    """Write down that the sign-in was used at ``now`` (see ``login_rules.needs_touch``)."""
    idle = expires_at(SessionTimes(created_at, now), role)
    with store.write() as conn:
        conn.execute(
            login_sessions.update()
            .where(login_sessions.c.id == session_id, login_sessions.c.ended_at.is_(None))
            .values(last_seen_at=now, idle_expires_at=idle)
        )


def pass_second_factor(store: Store, session_id: int, now: datetime) -> None:
    """Record that this sign-in passed its second factor (a TOTP or recovery code)."""
    with store.write() as conn:
        conn.execute(
            login_sessions.update()
            .where(login_sessions.c.id == session_id, login_sessions.c.ended_at.is_(None))
            .values(second_factor_at=now)
        )


def end_session(store: Store, session_id: int, reason: str, now: datetime) -> bool:
    """End one sign-in (logout, or its user or an admin ending it); False if already ended."""
    with store.write() as conn:
        ended = conn.execute(
            login_sessions.update()
            .where(login_sessions.c.id == session_id, login_sessions.c.ended_at.is_(None))
            .values(ended_at=now, ended_reason=reason)
        )
        return bool(ended.rowcount)


def end_sessions(
    store: Store, user_id: int, reason: str, now: datetime, *, keep: int | None = None
) -> int:
    """End every sign-in of a user but ``keep`` (the one asking, when they end "the others")."""
    condition = sa.and_(login_sessions.c.user_id == user_id, login_sessions.c.ended_at.is_(None))
    if keep is not None:
        condition = sa.and_(condition, login_sessions.c.id != keep)
    with store.write() as conn:
        ended = conn.execute(
            login_sessions.update().where(condition).values(ended_at=now, ended_reason=reason)
        )
        return int(ended.rowcount)


def live_sessions(store: Store, user_id: int, now: datetime) -> list[LoginSession]:
    """A user's sign-ins that still work at ``now``, newest first (for "your devices")."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(login_sessions)
            .where(
                login_sessions.c.user_id == user_id,
                login_sessions.c.ended_at.is_(None),
                login_sessions.c.idle_expires_at > now,
                login_sessions.c.absolute_expires_at > now,
            )
            .order_by(login_sessions.c.created_at.desc(), login_sessions.c.id.desc())
        )
        return [_session(row) for row in rows]


def create_api_token(
    store: Store, user_id: int, token_digest: str, label: str, now: datetime
) -> ApiToken:
    with store.write() as conn:
        result = conn.execute(
            api_tokens.insert().values(
                token_hash=token_digest, user_id=user_id, label=label, created_at=now
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    return ApiToken(int(key[0]), user_id, label, now, None, None)


def find_api_token(store: Store, token_digest: str) -> tuple[ApiToken, User] | None:
    """A token that has not been revoked, with its user (who may since have been disabled:
    the caller checks ``user.active``)."""
    query = (
        sa.select(api_tokens, *_user_columns())
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == token_digest, api_tokens.c.revoked_at.is_(None))
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return _token(row), _user_from(row)


def touch_api_token(store: Store, token_id: int, now: datetime) -> None:
    with store.write() as conn:
        conn.execute(
            api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=now)
        )


def list_api_tokens(store: Store, user_id: int) -> list[ApiToken]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id)
        )
        return [_token(row) for row in rows]


def revoke_api_tokens(
    store: Store, user_id: int, now: datetime, *, label: str | None = None
) -> int:
    """Revoke a user's live tokens (only those with ``label`` when given); how many."""
    condition = sa.and_(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
    if label is not None:
        condition = sa.and_(condition, api_tokens.c.label == label)
    with store.write() as conn:
        revoked = conn.execute(api_tokens.update().where(condition).values(revoked_at=now))
        return int(revoked.rowcount)


def create_invite(
    store: Store,
    user_id: int,
    token_digest: str,
    now: datetime,
    lifetime: timedelta = INVITE_LIFETIME,
) -> datetime:
    """A single-use link to set a password; earlier unused invites of the user stop working.
    Returns when it expires."""
    with store.write() as conn:
        conn.execute(
            invites.update()
            .where(invites.c.user_id == user_id, invites.c.used_at.is_(None))
            .values(used_at=now)
        )
        conn.execute(
            invites.insert().values(
                token_hash=token_digest, user_id=user_id, created_at=now, expires_at=now + lifetime
            )
        )
    return now + lifetime


def invite_user(store: Store, token_digest: str, now: datetime) -> User | None:
    """The user a still-usable invite is for, without using it (the page a GET shows: mail
    scanners follow links, so only the POST that sets the password consumes the invite)."""
    query = (
        sa.select(*_user_columns())
        .join(invites, invites.c.user_id == users.c.id)
        .where(
            invites.c.token_hash == token_digest,
            invites.c.used_at.is_(None),
            invites.c.expires_at > now,
        )
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    return _user_from(row) if row else None


def use_invite(store: Store, token_digest: str, now: datetime) -> int | None:
    """Consume an invite: the id of its user, or None when it is unknown, used or expired. One
    conditional UPDATE, so the same link posted twice at once is used once."""
    with store.write() as conn:
        updated = conn.execute(
            invites.update()
            .where(
                invites.c.token_hash == token_digest,
                invites.c.used_at.is_(None),
                invites.c.expires_at > now,
            )
            .values(used_at=now)
        )
        if not updated.rowcount:
            return None
        user_id: int = conn.execute(
            sa.select(invites.c.user_id).where(invites.c.token_hash == token_digest)
        ).scalar_one()
        return user_id


def throttle_key(scope: str, value: str) -> str:
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


def clear_failures(store: Store, key: str) -> None:
    """Forget a key's failures (an account after a successful sign-in)."""
    with store.write() as conn:
        conn.execute(login_throttle.delete().where(login_throttle.c.key == key))


def prune_throttle(store: Store, rule: ThrottleRule, now: datetime) -> int:
    """Delete the rows whose failures are forgotten by ``now`` under ``rule`` (the longest
    wait plus the quiet spell): housekeeping, so the table holds only recent guessing."""
    oldest_kept = now - rule.max_delay - rule.quiet
    with store.write() as conn:
        removed = conn.execute(
            login_throttle.delete().where(login_throttle.c.last_failure_at <= oldest_kept)
        )
        return int(removed.rowcount)
