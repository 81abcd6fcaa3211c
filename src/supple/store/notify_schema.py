"""The tables that reach people (migration 0013): each user's channels and quiet hours, the
practice's keys for Web Push, and one row per message handed to a channel.

On the shared ``metadata`` in a module of their own, like ``clinic_schema``, so the personal
mode's start does not build them. ``deliveries`` is the idempotency record: its unique key
(user, kind, period, channel) is written in the same transaction that sends the message, so a
retried or duplicated job finds the row and sends nothing again.
"""

from __future__ import annotations

import sqlalchemy as sa

from supple.store import clinic_schema as _accounts  # noqa: F401  (users must be defined first)
from supple.store.schema import metadata

CHANNEL_KINDS = ("email", "apprise", "webpush")
DELIVERY_STATES = ("sent", "failed", "skipped")


def _user() -> sa.Column[int]:
    return sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


# One way to reach a user. ``target`` is sealed (encrypted with the install's channel key):
# an Apprise URL carries tokens and passwords, a push subscription its keys. ``shown`` is what
# may be displayed back (scheme and last four characters, or the email address).
notification_channels = sa.Table(
    "notification_channels",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _user(),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("shown", sa.String(120), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.String(300), nullable=True),
    sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('email', 'apprise', 'webpush')", name="ck_channels_kind"),
    sa.Index("ix_notification_channels_user", "user_id"),
)

# A user's choices: quiet hours (HH:MM, in ``timezone``, else the client's profile zone, else
# UTC) and whether they want the daily session reminder.
notification_prefs = sa.Table(
    "notification_prefs",
    metadata,
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("timezone", sa.String(64), nullable=True),
    sa.Column("quiet_start", sa.String(5), nullable=True),
    sa.Column("quiet_end", sa.String(5), nullable=True),
    sa.Column("reminders", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Every message handed to a channel (or given up on, or skipped with a reason), once.
# ``period`` names what the message is about: the local date of a reminder, the ISO week of a
# digest, the client, kind and start of an alert. ``channel`` is "email:3" or "none".
deliveries = sa.Table(
    "deliveries",
    metadata,
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
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("user_id", "kind", "period", "channel", name="uq_deliveries_once"),
    sa.CheckConstraint("status IN ('sent', 'failed', 'skipped')", name="ck_deliveries_status"),
)

# Keys the practice holds: the VAPID key pair Web Push signs with (the private half sealed).
practice_keys = sa.Table(
    "practice_keys",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

NOTIFY_TABLES = ("notification_channels", "notification_prefs", "deliveries", "practice_keys")
