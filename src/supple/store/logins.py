"""Sign-in sessions: one row per sign-in, found by the SHA-256 of its id.

Every token arrives here already hashed (``accounts.tokens.digest``): this module never sees a
token's value. Lifetimes come from ``core.login_rules``; ``now`` is always passed in. API
tokens, invites and the throttle have modules of their own beside this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from supple.core.access import Role
from supple.core.login_rules import SessionTimes, absolute_expiry, expires_at
from supple.store.accounts import User, user_columns, user_from_joined
from supple.store.clinic_schema import login_sessions, users
from supple.store.database import Store
from supple.store.screens import aware

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
        sa.select(login_sessions, *user_columns())
        .join(users, users.c.id == login_sessions.c.user_id)
        .where(login_sessions.c.token_hash == token_digest)
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return _session(row), user_from_joined(row)


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
