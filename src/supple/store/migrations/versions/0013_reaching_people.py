"""Reaching people: channels, quiet hours, deliveries, the practice's push keys, and (on
PostgreSQL) procrastinate's job tables.

Revision ID: 0013
Revises: 0012

procrastinate's own schema (its tables, types and functions) is applied here, by the
migration's owner, so the app's role needs no right to create anything. It is procrastinate's
schema of the version pinned in pyproject.toml; a later procrastinate brings its own migration
files, to be applied by a later revision of ours. SQLite has no job queue: a trial clinic on
SQLite gets the tables but `supple worker` refuses it with a message.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _user() -> sa.Column[int]:
    return sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "notification_channels",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("shown", sa.String(120), nullable=False),
        _when("created_at"),
        sa.Column("last_error", sa.String(300), nullable=True),
        _when("last_error_at", nullable=True),
        sa.CheckConstraint("kind IN ('email', 'apprise', 'webpush')", name="ck_channels_kind"),
    )
    op.create_index("ix_notification_channels_user", "notification_channels", ["user_id"])
    op.create_table(
        "notification_prefs",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        sa.Column("reminders", sa.Boolean, nullable=False, server_default=sa.true()),
        _when("updated_at"),
    )
    op.create_table(
        "deliveries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        _user(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(120), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("detail", sa.String(300), nullable=True),
        _when("at"),
        sa.UniqueConstraint("user_id", "kind", "period", "channel", name="uq_deliveries_once"),
        sa.CheckConstraint("status IN ('sent', 'failed', 'skipped')", name="ck_deliveries_status"),
    )
    op.create_table(
        "practice_keys",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        _when("created_at"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # The driver's own execute, without parameters: the schema's "%" are literal.
        bind.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]


def downgrade() -> None:
    op.drop_table("practice_keys")
    op.drop_table("deliveries")
    op.drop_index("ix_notification_channels_user", "notification_channels")
    op.drop_table("notification_channels")
    op.drop_table("notification_prefs")
