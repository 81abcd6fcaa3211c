"""Keys the practice holds (the Web Push VAPID pair), by name; the private half arrives sealed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from supple.store.database import Store
from supple.store.notify_schema import practice_keys


def get(store: Store, name: str) -> str | None:
    with store.read() as conn:
        value: str | None = conn.execute(
            sa.select(practice_keys.c.value).where(practice_keys.c.name == name)
        ).scalar()
    return value


def put_new(store: Store, values: dict[str, str], now: datetime) -> bool:
    """Store keys that are not there yet, all or none; False when any already was."""
    try:
        with store.write() as conn:
            for name, value in values.items():
                conn.execute(practice_keys.insert().values(name=name, value=value, created_at=now))
    except sa.exc.IntegrityError:
        return False
    return True
