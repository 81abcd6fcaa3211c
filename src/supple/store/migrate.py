"""Alembic, configured in code so no ini file has to be found at run time."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str | None:
    return ScriptDirectory.from_config(config()).get_current_head()


def upgrade(conn: sa.Connection, revision: str = "head") -> None:
    """Migrate through ``conn``, inside the caller's write transaction, acting as the system:
    the tables are FORCEd under row-level security, so a migration that moves rows is held by
    the policies like anyone (``store.row_security``)."""
    if conn.dialect.name == "postgresql":
        from supple.store import row_security

        row_security.apply(conn, row_security.SYSTEM)
    cfg = config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)
