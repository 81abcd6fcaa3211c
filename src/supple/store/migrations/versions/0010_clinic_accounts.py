"""The clinic's accounts: the practice, users and their links to clients and clinicians, sign-in
sessions, API tokens, invites, recovery codes, the sign-in throttle and the access log.

Revision ID: 0010
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = "the access log is append-only"


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user() -> sa.Column[int]:
    return sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def _token_hash() -> sa.Column[str]:
    return sa.Column("token_hash", sa.String(64), nullable=False, unique=True)


def upgrade() -> None:
    op.create_table(
        "practice",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        _when("created_at"),
        sa.CheckConstraint("id = 1", name="ck_practice_one_row"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="RESTRICT"),
            nullable=True,
            unique=True,
        ),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        _when("totp_enabled_at", nullable=True),
        sa.Column("totp_last_step", sa.BigInteger, nullable=True),
        _when("created_at"),
        sa.CheckConstraint("role IN ('client', 'clinician', 'admin')", name="ck_users_role"),
        sa.CheckConstraint(
            "(role = 'client') = (person_id IS NOT NULL)", name="ck_users_client_has_person"
        ),
    )
    op.create_table(
        "client_clinicians",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "clinician_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        _when("assigned_at"),
    )
    op.create_index("ix_client_clinicians_clinician", "client_clinicians", ["clinician_id"])
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _token_hash(),
        _user(),
        _when("created_at"),
        _when("last_seen_at"),
        _when("idle_expires_at"),
        _when("absolute_expires_at"),
        _when("second_factor_at", nullable=True),
        _when("ended_at", nullable=True),
        sa.Column("ended_reason", sa.String(32), nullable=True),
        sa.Column("user_agent", sa.String(300), nullable=True),
        sa.Column("address", sa.String(64), nullable=True),
    )
    op.create_index("ix_login_sessions_user", "login_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _token_hash(),
        _user(),
        sa.Column("label", sa.String(100), nullable=False),
        _when("created_at"),
        _when("last_used_at", nullable=True),
        _when("revoked_at", nullable=True),
    )
    op.create_index("ix_api_tokens_user", "api_tokens", ["user_id"])
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _token_hash(),
        _user(),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
    )
    op.create_index("ix_invites_user", "invites", ["user_id"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user(),
        sa.Column("code_hash", sa.String(100), nullable=False),
        _when("created_at"),
        _when("used_at", nullable=True),
    )
    op.create_index("ix_recovery_codes_user", "recovery_codes", ["user_id"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        _when("last_failure_at"),
    )
    op.create_table(
        "access_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        _when("at"),
        sa.Column("actor_user_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("person_id", sa.Integer, nullable=True),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
    )
    op.create_index("ix_access_log_person", "access_log", ["person_id", "at"])
    op.create_index("ix_access_log_at", "access_log", ["at"])
    _append_only()


def _append_only() -> None:
    """Refuse UPDATE and DELETE on the access log in the database itself, so no code path (nor
    a hand-typed statement) can rewrite who looked at what."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log "
            "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER access_log_no_{event.lower()} BEFORE {event} ON access_log "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_log_no_truncate ON access_log")
        op.execute("DROP TRIGGER IF EXISTS access_log_append_only ON access_log")
        op.execute("DROP FUNCTION IF EXISTS access_log_append_only()")
    for table in (
        "access_log",
        "login_throttle",
        "recovery_codes",
        "invites",
        "api_tokens",
        "login_sessions",
        "client_clinicians",
        "users",
        "practice",
    ):
        op.drop_table(table)
