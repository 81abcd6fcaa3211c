"""What the demo generator asks the database before and after it writes: whether demo users are
there already, and how many rows each table holds."""

from __future__ import annotations

import sqlalchemy as sa

from supple.store.clinic_schema import users
from supple.store.database import Store
from supple.store.schema import metadata


def users_at_domain(store: Store, domain: str) -> int:
    """How many users have an email at ``domain`` (compared casefolded)."""
    with store.read() as conn:
        query = sa.select(sa.func.count()).where(users.c.email_key.like(f"%@{domain.casefold()}"))
        return int(conn.execute(query).scalar_one())


def row_counts(store: Store, tables: tuple[str, ...]) -> dict[str, int]:
    """The number of rows of each named table, in one read transaction."""
    with store.read() as conn:
        return {
            name: int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(metadata.tables[name])
                ).scalar_one()
            )
            for name in tables
        }
