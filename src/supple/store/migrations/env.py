"""Alembic environment: runs on the connection Supple hands it (or on sqlalchemy.url)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from supple.store import clinic_schema  # noqa: F401  (its tables join the metadata)
from supple.store.schema import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
