"""Each staff member's second factors: their TOTP seed and last used step, their recovery codes.

Accepting a TOTP step is one conditional UPDATE, and so is using a recovery code, so two
workers given the same code at the same moment cannot both accept it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from supple.store.clinic_schema import recovery_codes, users
from supple.store.database import Store


def start_totp(store: Store, user_id: int, secret: str) -> None:
    """Keep a new seed, not yet in force: ``confirm_totp`` turns it on once the person has typed
    a right code from it. Starting again replaces a seed that was never confirmed."""
    with store.write() as conn:
        conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(totp_secret=secret, totp_enabled_at=None, totp_last_step=None)
        )


def accept_totp_step(store: Store, user_id: int, step: int) -> bool:
    """Record ``step`` as the last code used, only when it is newer than the last one: True when
    this call won (a replayed or older code, or a second worker racing, gets False)."""
    with store.write() as conn:
        updated = conn.execute(
            users.update()
            .where(
                users.c.id == user_id,
                sa.or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )
        return bool(updated.rowcount)


def confirm_totp(store: Store, user_id: int, step: int, now: datetime) -> bool:
    """Turn two-factor on with the first right code (its step is then used up)."""
    if not accept_totp_step(store, user_id, step):
        return False
    with store.write() as conn:
        conn.execute(users.update().where(users.c.id == user_id).values(totp_enabled_at=now))
    return True


def reset_totp(store: Store, user_id: int) -> None:
    """Forget a user's seed and recovery codes (an admin's act for a lost phone)."""
    with store.write() as conn:
        conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(totp_secret=None, totp_enabled_at=None, totp_last_step=None)
        )
        conn.execute(recovery_codes.delete().where(recovery_codes.c.user_id == user_id))


def replace_recovery_codes(
    store: Store, user_id: int, hashed: Sequence[str], now: datetime
) -> None:
    """Store a new set of (hashed) recovery codes; the old set stops working."""
    with store.write() as conn:
        conn.execute(recovery_codes.delete().where(recovery_codes.c.user_id == user_id))
        conn.execute(
            recovery_codes.insert(),
            [dict(user_id=user_id, code_hash=h, created_at=now) for h in hashed],
        )


def unused_recovery_codes(store: Store, user_id: int) -> list[tuple[int, str]]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(recovery_codes.c.id, recovery_codes.c.code_hash)
            .where(recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))
            .order_by(recovery_codes.c.id)
        )
        return [(row.id, row.code_hash) for row in rows]


def use_recovery_code(store: Store, code_id: int, now: datetime) -> bool:
    """Mark a code used; False when it already was (two tries racing: one wins)."""
    with store.write() as conn:
        updated = conn.execute(
            recovery_codes.update()
            .where(recovery_codes.c.id == code_id, recovery_codes.c.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(updated.rowcount)
