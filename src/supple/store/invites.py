"""Invites: single-use links to set a password, kept as the SHA-256 of their token."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from supple.store.accounts import User, user_columns, user_from_joined
from supple.store.clinic_schema import invites, users
from supple.store.database import Store

INVITE_LIFETIME = timedelta(days=7)


def create(
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


def user_for(store: Store, token_digest: str, now: datetime) -> User | None:
    """The user a still-usable invite is for, without using it (the page a GET shows: mail
    scanners follow links, so only the POST that sets the password consumes the invite)."""
    query = (
        sa.select(*user_columns())
        .join(invites, invites.c.user_id == users.c.id)
        .where(
            invites.c.token_hash == token_digest,
            invites.c.used_at.is_(None),
            invites.c.expires_at > now,
        )
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    return user_from_joined(row) if row else None


def use(store: Store, token_digest: str, now: datetime) -> int | None:
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
