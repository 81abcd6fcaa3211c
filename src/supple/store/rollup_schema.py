"""The nightly rollups (migration 0016): per client per day, what the caseload dashboard reads
about a day that is over, so it computes only today (and any day not rolled up) live.

A row says whether the day counts as a session done (``core.done``), the morning's pain, and
the exercise ratings that may stop a session. The rows of one client run without a gap from
the first day rolled up to the newest: a write that changes a rolled-up day (a late check-in,
a session synced late) deletes that day's row and every later one, so the dashboard, finding
the rows contiguous, can trust them up to the newest and read the rest live. Its own module
on the shared ``metadata``: the check-in store clears rows here in personal mode too.
"""

from __future__ import annotations

import sqlalchemy as sa

from supple.store.schema import metadata

day_rollups = sa.Table(
    "day_rollups",
    metadata,
    sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("on_date", sa.Date, primary_key=True),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("morning_pain", sa.SmallInteger, nullable=True),
    sa.Column("stops", sa.JSON, nullable=True),  # [[exercise_id, pain, quality], …] or null
    sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
)

ROLLUP_TABLES = ("day_rollups",)


def forget_from(conn: sa.Connection, person_id: int, on: sa.ColumnElement[object] | object) -> None:
    """Delete a client's rollups of ``on`` and every later day (a write changed ``on``)."""
    conn.execute(
        day_rollups.delete().where(
            (day_rollups.c.person_id == person_id) & (day_rollups.c.on_date >= on)
        )
    )
