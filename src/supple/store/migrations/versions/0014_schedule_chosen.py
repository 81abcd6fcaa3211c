"""Whether the person has chosen when they train, so a first run resumes from stored data.

The browser's first run saves a profile as soon as the safety questions are answered (the
answers need a person), with today as the start and the default session time; the schedule is
asked two steps later. This flag tells the two apart, so any browser or device can tell that
the schedule is still owed, and clearing a cookie cannot skip it. Rows written before this
revision came from `supple init` or a finished first run: chosen.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(
            sa.Column("schedule_chosen", sa.Boolean, nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("schedule_chosen")
