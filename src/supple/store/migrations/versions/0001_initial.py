"""The first tables: people and their profile, sessions and events, check-ins, the screen.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _person() -> sa.Column[int]:
    return sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "profiles",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("session_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("plan_name", sa.String(200), nullable=False),
        sa.Column("plan_source", sa.String(500), nullable=True),
        sa.Column("plan_yaml", sa.Text, nullable=True),
        sa.Column("rep_mode", sa.String(10), nullable=False, server_default="tempo"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        _person(),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("program_week", sa.Integer, nullable=False),
        sa.Column("program_day", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_reason", sa.String(200), nullable=True),
        sa.Column("total_steps", sa.Integer, nullable=False),
        sa.Column("timeline", sa.JSON, nullable=False),
    )
    op.create_index("ix_sessions_person_date", "sessions", ["person_id", "on_date"])
    op.create_table(
        "session_events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "session_id",
            sa.String(36),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _person(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("step_index", sa.Integer, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON, nullable=True),
    )
    op.create_index("ix_session_events_session", "session_events", ["session_id", "step_index"])
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _person(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("subject", sa.String(64), nullable=False, server_default=""),
        sa.Column("values", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "person_id", "kind", "on_date", "subject", name="uq_checkins_one_per_day"
        ),
    )
    op.create_table(
        "screen_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _person(),
        sa.Column("screen_id", sa.String(36), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("answer", sa.Boolean, nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "clearances",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _person(),
        sa.Column("cleared_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "clearances",
        "screen_answers",
        "checkins",
        "session_events",
        "sessions",
        "profiles",
        "people",
    ):
        op.drop_table(table)
