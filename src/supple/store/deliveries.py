"""The once-only record of messages handed to a channel.

``send_once`` inserts the delivery's row and calls the sender inside one transaction: when the
sender fails, the row is rolled back and a retry sends again; when it succeeds, the row commits
with it. A second job for the same (user, kind, period, channel) meets the unique key: on
PostgreSQL its insert waits for the first transaction and then finds the row, so two workers
never both send. What remains is the instant between the channel accepting a message and the
commit: a worker killed exactly there sends that message again on retry (at-least-once there;
the e-mail's Message-ID and the push's topic are derived from the key so receivers can fold
such a repeat).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from supple.store.database import Store
from supple.store.notify_schema import deliveries
from supple.store.screens import aware

Outcome = Literal["sent", "already"]


@dataclass(frozen=True)
class Delivery:
    kind: str
    period: str
    channel: str
    status: str
    detail: str | None
    at: datetime


def _key(user_id: int, kind: str, period: str, channel: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        deliveries.c.user_id == user_id,
        deliveries.c.kind == kind,
        deliveries.c.period == period,
        deliveries.c.channel == channel,
    )


def send_once(
    store: Store,
    *,
    user_id: int,
    kind: str,
    period: str,
    channel: str,
    send: Callable[[], None],
    now: datetime,
) -> Outcome:
    """Send through ``send`` unless this (user, kind, period, channel) already has a row."""
    try:
        with store.write() as conn:
            if conn.execute(
                sa.select(deliveries.c.id).where(_key(user_id, kind, period, channel))
            ).first():
                return "already"
            conn.execute(
                deliveries.insert().values(
                    user_id=user_id,
                    kind=kind,
                    period=period,
                    channel=channel,
                    status="sent",
                    detail=None,
                    at=now,
                )
            )
            send()
    except sa.exc.IntegrityError:
        return "already"  # another worker sent it while this one waited on the key
    return "sent"


def record(
    store: Store,
    *,
    user_id: int,
    kind: str,
    period: str,
    channel: str,
    status: Literal["failed", "skipped"],
    detail: str,
    now: datetime,
) -> bool:
    """Record a message given up on or skipped (with why); False when a row was already there."""
    try:
        with store.write() as conn:
            if conn.execute(
                sa.select(deliveries.c.id).where(_key(user_id, kind, period, channel))
            ).first():
                return False
            conn.execute(
                deliveries.insert().values(
                    user_id=user_id,
                    kind=kind,
                    period=period,
                    channel=channel,
                    status=status,
                    detail=detail[:300],
                    at=now,
                )
            )
    except sa.exc.IntegrityError:
        return False
    return True


def handled(store: Store, kind: str, wanted: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of the (user, period) pairs already have any delivery row of ``kind``."""
    pairs = list(wanted)
    if not pairs:
        return set()
    users = sorted({u for u, _ in pairs})
    periods = sorted({p for _, p in pairs})
    with store.read() as conn:
        rows = conn.execute(
            sa.select(deliveries.c.user_id, deliveries.c.period)
            .where(
                deliveries.c.kind == kind,
                deliveries.c.user_id.in_(users),
                deliveries.c.period.in_(periods),
            )
            .distinct()
        ).all()
    found = {(r.user_id, r.period) for r in rows}
    return found & set(pairs)


def of_user(store: Store, user_id: int, limit: int = 20) -> list[Delivery]:
    """The user's latest deliveries, newest first."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(deliveries)
            .where(deliveries.c.user_id == user_id)
            .order_by(deliveries.c.at.desc(), deliveries.c.id.desc())
            .limit(limit)
        ).all()
    return [Delivery(r.kind, r.period, r.channel, r.status, r.detail, aware(r.at)) for r in rows]
