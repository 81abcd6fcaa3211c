"""The clinic's care: dose adjustments, plan templates, private notes, acknowledged alerts.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _person() -> sa.Column[int]:
    return sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    )


def _author(name: str = "author_user_id") -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "dose_adjustments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _person(),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("sets", sa.Integer, nullable=True),
        sa.Column("reps", sa.Integer, nullable=True),
        sa.Column("hold_seconds", sa.Integer, nullable=True),
        sa.Column("minutes", sa.Integer, nullable=True),
        sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        _author(),
        _when("created_at"),
    )
    op.create_index("ix_dose_adjustments_person", "dose_adjustments", ["person_id", "from_date"])
    op.create_table(
        "plan_templates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("plan_yaml", sa.Text, nullable=False),
        _author("created_by"),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_table(
        "client_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _person(),
        sa.Column("body", sa.Text, nullable=False),
        _author(),
        _when("created_at"),
    )
    op.create_index("ix_client_notes_person", "client_notes", ["person_id", "created_at"])
    op.create_table(
        "alert_acks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _person(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("since", sa.String(32), nullable=False),
        _author("acknowledged_by"),
        _when("acknowledged_at"),
        sa.UniqueConstraint("person_id", "kind", "since", name="uq_alert_acks_item"),
    )


def downgrade() -> None:
    op.drop_table("alert_acks")
    op.drop_index("ix_client_notes_person", "client_notes")
    op.drop_table("client_notes")
    op.drop_table("plan_templates")
    op.drop_index("ix_dose_adjustments_person", "dose_adjustments")
    op.drop_table("dose_adjustments")
