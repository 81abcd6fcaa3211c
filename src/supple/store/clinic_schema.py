"""The clinic's account tables (migration 0010), on the same ``metadata`` as ``schema``.

They live in their own module so that personal-mode commands, which import ``schema`` on every
start (`supple today`), do not pay for building them (~15 ms measured); everything clinic
imports this module instead. These tables belong to a user, not to a person: a client's user
points at their ``people`` row, and all their personal data hangs off that row as in the
personal mode. Staff have no ``people`` row.
"""

from __future__ import annotations

import sqlalchemy as sa

from supple.store.schema import metadata

ROLES = ("client", "clinician", "admin")

practice = sa.Table(
    "practice",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("id = 1", name="ck_practice_one_row"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False),  # as typed, for display
    sa.Column("email_key", sa.String(320), nullable=False, unique=True),  # casefolded
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("people.id", ondelete="RESTRICT"),
        nullable=True,
        unique=True,
    ),
    sa.Column("password_hash", sa.String(200), nullable=True),  # None until set by an invite
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("totp_secret", sa.String(64), nullable=True),
    sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("totp_last_step", sa.BigInteger, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('client', 'clinician', 'admin')", name="ck_users_role"),
    sa.CheckConstraint(
        "(role = 'client') = (person_id IS NOT NULL)", name="ck_users_client_has_person"
    ),
)

client_clinicians = sa.Table(
    "client_clinicians",
    metadata,
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "clinician_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_client_clinicians_clinician", "clinician_id"),
)


def _user() -> sa.Column[int]:
    return sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


login_sessions = sa.Table(
    "login_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    _user(),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("idle_expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("absolute_expires_at", sa.DateTime(timezone=True), nullable=False),
    # When this sign-in passed its second factor; a staff sign-in without it may only do that.
    sa.Column("second_factor_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("ended_reason", sa.String(32), nullable=True),
    sa.Column("user_agent", sa.String(300), nullable=True),
    sa.Column("address", sa.String(64), nullable=True),
    sa.Index("ix_login_sessions_user", "user_id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    _user(),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_api_tokens_user", "user_id"),
)

invites = sa.Table(
    "invites",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    _user(),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_invites_user", "user_id"),
)

recovery_codes = sa.Table(
    "recovery_codes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _user(),
    sa.Column("code_hash", sa.String(100), nullable=False),  # salt$sha256
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_recovery_codes_user", "user_id"),
)

# One row per account or network address that failed to sign in lately. The key is a SHA-256
# of the scope and the email as typed (or the address), so typos and guessed emails of people
# who have no account are not kept in clear.
login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("scope", sa.String(8), nullable=False),  # account | address
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
)

# Append-only (triggers in migration 0010 refuse UPDATE and DELETE on both databases). No
# foreign keys on purpose: an entry records the ids as they were, whatever happens later.
access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_user_id", sa.Integer, nullable=True),  # None: the operator's CLI
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("person_id", sa.Integer, nullable=True),  # the client concerned, if any
    sa.Column("what", sa.String(300), nullable=False),  # the route or command
    sa.Column("address", sa.String(64), nullable=True),
    sa.Index("ix_access_log_person", "person_id", "at"),
    sa.Index("ix_access_log_at", "at"),
)

ACCOUNT_TABLES = (
    "practice",
    "users",
    "client_clinicians",
    "login_sessions",
    "api_tokens",
    "invites",
    "recovery_codes",
    "login_throttle",
    "access_log",
)
