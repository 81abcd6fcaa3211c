"""Row-level security on every person-owned table (PostgreSQL; SQLite has none).

Revision ID: 0015
Revises: 0014

The tables are found in the catalog (``row_security.person_tables``: ``people`` and each table
with a ``person_id`` column), so none is forgotten; each is ENABLEd and FORCEd with the one
policy ``row_security.condition`` writes. A later migration that adds a person-owned table
calls ``row_security.protect`` for it (``tests/test_row_security.py`` fails until it does).
"""

from __future__ import annotations

from alembic import op

from supple.store import row_security

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for table, column, nullable in row_security.person_tables(conn):
        row_security.protect(conn, table, column, nullable)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for table, _column, _nullable in row_security.person_tables(conn):
        row_security.unprotect(conn, table)
