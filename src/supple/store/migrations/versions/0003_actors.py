"""Who made a change a clinician may also make: the plan a person follows and a clearance.

Until now every write came from the person themself. In the clinic a clinician may switch a
client's plan or record their clearance, so those rows say who acted (``"person:1"``,
``"clinician:7"``). Nullable: rows written before this revision were the person's own.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("profiles", "clearances")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("actor", sa.String(64), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("actor")
