"""Personal API tokens (``Authorization: Bearer …``), kept as the SHA-256 of their value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from supple.store.accounts import User, user_columns, user_from_joined
from supple.store.clinic_schema import api_tokens, users
from supple.store.database import Store
from supple.store.screens import aware


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _token(row: Any) -> ApiToken:
    return ApiToken(
        id=row.id,
        user_id=row.user_id,
        label=row.label,
        created_at=aware(row.created_at),
        last_used_at=aware(row.last_used_at) if row.last_used_at else None,
        revoked_at=aware(row.revoked_at) if row.revoked_at else None,
    )


def create(store: Store, user_id: int, token_digest: str, label: str, now: datetime) -> ApiToken:
    with store.write() as conn:
        result = conn.execute(
            api_tokens.insert().values(
                token_hash=token_digest, user_id=user_id, label=label, created_at=now
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    return ApiToken(int(key[0]), user_id, label, now, None, None)


_FIND = (
    sa.select(api_tokens, *user_columns())
    .join(users, users.c.id == api_tokens.c.user_id)
    .where(
        api_tokens.c.token_hash == sa.bindparam("digest", type_=sa.String),
        api_tokens.c.revoked_at.is_(None),
    )
)


def find(store: Store, token_digest: str) -> tuple[ApiToken, User] | None:
    """A token that has not been revoked, with its user (who may since have been disabled:
    the caller checks ``user.active``). Asked on every request a script makes: one round trip
    (``Store.fetch``)."""
    rows = store.fetch(_FIND, {"digest": token_digest})
    if not rows:
        return None
    row = SimpleNamespace(**rows[0], _mapping=rows[0])
    return _token(row), user_from_joined(row)


def touch(store: Store, token_id: int, now: datetime) -> None:
    """Note the token's use (``services.signin`` does so at most once a minute per token)."""
    with store.write() as conn:
        conn.execute(
            api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=now)
        )


def list_for(store: Store, user_id: int) -> list[ApiToken]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id)
        )
        return [_token(row) for row in rows]


def revoke(store: Store, user_id: int, now: datetime, *, label: str | None = None) -> int:
    """Revoke a user's live tokens (only those with ``label`` when given); how many."""
    condition = sa.and_(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
    if label is not None:
        condition = sa.and_(condition, api_tokens.c.label == label)
    with store.write() as conn:
        revoked = conn.execute(api_tokens.update().where(condition).values(revoked_at=now))
        return int(revoked.rowcount)
