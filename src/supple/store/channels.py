"""Each user's channels (sealed targets, shown hints) and notification choices.

Targets arrive sealed and leave sealed: this module never sees an Apprise URL or a push
subscription in clear. The worker opens them with the install's key (``supple.sealing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from supple.store.database import Store
from supple.store.notify_schema import notification_channels, notification_prefs
from supple.store.screens import aware


@dataclass(frozen=True)
class Channel:
    id: int
    user_id: int
    kind: str
    shown: str
    created_at: datetime
    last_error: str | None
    last_error_at: datetime | None
    target: str = field(repr=False)  # sealed

    @property
    def key(self) -> str:
        """How a delivery names this channel (``email:3``)."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Prefs:
    timezone: str | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    reminders: bool = True


def _channel(row: sa.Row[object]) -> Channel:
    m = row._mapping
    return Channel(
        id=m["id"],
        user_id=m["user_id"],
        kind=m["kind"],
        shown=m["shown"],
        created_at=aware(m["created_at"]),
        last_error=m["last_error"],
        last_error_at=aware(m["last_error_at"]) if m["last_error_at"] else None,
        target=m["target"],
    )


def add(store: Store, user_id: int, kind: str, sealed: str, shown: str, now: datetime) -> Channel:
    with store.write() as conn:
        new_id = conn.execute(
            notification_channels.insert()
            .values(user_id=user_id, kind=kind, target=sealed, shown=shown, created_at=now)
            .returning(notification_channels.c.id)
        ).scalar_one()
    return Channel(new_id, user_id, kind, shown, now, None, None, sealed)


def of_user(store: Store, user_id: int) -> list[Channel]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(notification_channels)
            .where(notification_channels.c.user_id == user_id)
            .order_by(notification_channels.c.id)
        ).all()
    return [_channel(r) for r in rows]


def remove(store: Store, user_id: int, channel_id: int) -> bool:
    """Remove one of the user's channels; False when the user has no such channel."""
    with store.write() as conn:
        gone = conn.execute(
            notification_channels.delete().where(
                notification_channels.c.id == channel_id,
                notification_channels.c.user_id == user_id,
            )
        ).rowcount
    return bool(gone)


def record_error(store: Store, channel_id: int, error: str | None, now: datetime) -> None:
    """Note a channel's last failure (None clears it after a success)."""
    with store.write() as conn:
        conn.execute(
            notification_channels.update()
            .where(notification_channels.c.id == channel_id)
            .values(last_error=error[:300] if error else None, last_error_at=now if error else None)
        )


def get_prefs(store: Store, user_id: int) -> Prefs:
    with store.read() as conn:
        row = conn.execute(
            sa.select(notification_prefs).where(notification_prefs.c.user_id == user_id)
        ).first()
    if row is None:
        return Prefs()
    m = row._mapping
    return Prefs(m["timezone"], m["quiet_start"], m["quiet_end"], bool(m["reminders"]))


def save_prefs(store: Store, user_id: int, prefs: Prefs, now: datetime) -> None:
    values = {
        "timezone": prefs.timezone,
        "quiet_start": prefs.quiet_start,
        "quiet_end": prefs.quiet_end,
        "reminders": prefs.reminders,
        "updated_at": now,
    }
    with store.write() as conn:
        changed = conn.execute(
            notification_prefs.update()
            .where(notification_prefs.c.user_id == user_id)
            .values(**values)
        ).rowcount
        if not changed:
            conn.execute(notification_prefs.insert().values(user_id=user_id, **values))
