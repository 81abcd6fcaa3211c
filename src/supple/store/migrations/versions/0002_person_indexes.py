"""Indexes by person for the freshness stamp of today's answer (and the reads behind it).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Only the events the adaptation rules read: the stamp counts those, and the other kinds
# (paused, resumed, …) are written without the cost of a second index.
FACT_EVENTS = "kind IN ('step_completed', 'hurt_flagged')"

INDEXES = (
    ("ix_checkins_person_recorded", "checkins", ["person_id", "recorded_at"]),
    ("ix_screen_answers_person", "screen_answers", ["person_id", "answered_at"]),
    ("ix_clearances_person", "clearances", ["person_id", "recorded_at"]),
)


def upgrade() -> None:
    op.create_index(
        "ix_session_events_person_facts",
        "session_events",
        ["person_id", "kind"],
        sqlite_where=sa.text(FACT_EVENTS),
        postgresql_where=sa.text(FACT_EVENTS),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_session_events_person_facts", table_name="session_events")
