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
    """Migrate through ``conn``, inside the caller's write transaction."""
    cfg = config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)
