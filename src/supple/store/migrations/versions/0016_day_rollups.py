"""Nightly rollups: per client per day, what the caseload dashboard reads about a day that is
over (a session done, the morning's pain, the ratings that may stop a session).

Revision ID: 0016
Revises: 0015

On PostgreSQL the table gets the row-level security policy of every person-owned table
(``row_security.protect``, migration 0015).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from supple.store import row_security

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_rollups",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("on_date", sa.Date, primary_key=True),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("morning_pain", sa.SmallInteger, nullable=True),
        sa.Column("stops", sa.JSON, nullable=True),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        row_security.protect(conn, "day_rollups", "person_id", False)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        row_security.unprotect(conn, "day_rollups")
    op.drop_table("day_rollups")
