"""A session's step facts beside its timeline (``core.step_facts``): which steps are work, and
each step's item, set and exercise, so the records are read without parsing every timeline.

Sessions stored before this revision are filled in here, in batches, by the same function that
fills a new session (``core.step_facts.from_timeline``). On PostgreSQL the columns then lose
their defaults, so a writer that forgot them would fail loudly instead of storing "no work".

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from supple.core import step_facts

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BATCH = 500

_sessions = sa.table(
    "sessions",
    sa.column("id", sa.String),
    sa.column("timeline", sa.JSON),
    sa.column("work_steps", sa.Text),
    sa.column("step_facts", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("work_steps", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("step_facts", sa.JSON, nullable=False, server_default="{}"))
    conn = op.get_bind()
    fill = (
        _sessions.update()
        .where(_sessions.c.id == sa.bindparam("b_id"))
        .values(work_steps=sa.bindparam("b_work"), step_facts=sa.bindparam("b_facts"))
    )
    after = ""
    while True:
        rows = conn.execute(
            sa.select(_sessions.c.id, _sessions.c.timeline)
            .where(_sessions.c.id > after)
            .order_by(_sessions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        batch_values = []
        for session_id, timeline in rows:
            facts = step_facts.from_timeline(timeline)
            batch_values.append(
                {"b_id": session_id, "b_work": facts.work, "b_facts": step_facts.to_json(facts)}
            )
        conn.execute(fill, batch_values)
        after = rows[-1][0]
    if conn.dialect.name == "postgresql":
        op.alter_column("sessions", "work_steps", server_default=None)
        op.alter_column("sessions", "step_facts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("step_facts")
        batch.drop_column("work_steps")
