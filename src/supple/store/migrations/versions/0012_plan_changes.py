"""Every plan a clinician gives a client, with who, when and why.

A profile keeps only the plan followed now and who last changed it; the client sees every change
a clinician made with its reason (issue 13), so each assignment is also appended here.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("plan_name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("author_user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plan_changes_person", "plan_changes", ["person_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_plan_changes_person", "plan_changes")
    op.drop_table("plan_changes")
