"""The clinic app's own PostgreSQL role: one that owns nothing and may only read and write rows.

The owner (who runs the migrations) grants it, on every table and sequence of the schema, what
the app and the worker need and nothing more: SELECT, INSERT, UPDATE and DELETE on tables
(procrastinate's job tables included), USAGE on sequences, USAGE on the schema; the same on
tables the owner's later migrations create (default privileges). Row-level security then holds
it to the actor of each transaction (``store.row_security``), which it could not escape by
owning a table, being a superuser or having BYPASSRLS: such a role is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from supple.store.database import DatabaseError, Store

TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
NOT_GIVEN = "TRUNCATE, REFERENCES, TRIGGER"  # taken back if an earlier hand gave them


@dataclass(frozen=True)
class Granted:
    role: str
    schema: str
    created: bool  # False: the role was there already
    tables: int
    sequences: int


def grant(store: Store, role: str) -> Granted:
    """Create ``role`` if needed (LOGIN, no password: the operator sets one) and grant it the
    app's rights in the current schema; running it again changes nothing."""
    if store.is_sqlite:
        raise DatabaseError("an app role is PostgreSQL's: this clinic's database is SQLite")
    with store.write() as conn:
        quoted = conn.dialect.identifier_preparer.quote_identifier(role)
        me, schema = conn.execute(sa.text("SELECT current_user, current_schema()")).one()
        if role == me:
            raise DatabaseError(
                f"{role} is the role this command connects as (the tables' owner): the app's "
                "role must be another one, which owns nothing"
            )
        found = conn.execute(
            sa.text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first()
        if found is not None and (found.rolsuper or found.rolbypassrls):
            raise DatabaseError(
                f"the role {role} is a superuser or has BYPASSRLS, so row-level security would "
                "not hold it: choose a role without either"
            )
        owned = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND pg_get_userbyid(c.relowner) = :r"
            ),
            {"s": schema, "r": role},
        ).scalar_one()
        if owned:
            raise DatabaseError(
                f"the role {role} owns {owned} objects in the schema {schema}, and an owner may "
                "alter its tables' security: the app's role must own nothing"
            )
        if found is None:
            conn.execute(
                sa.text(
                    f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                )
            )
        where = conn.dialect.identifier_preparer.quote_identifier(schema)
        for statement in (
            f"GRANT USAGE ON SCHEMA {where} TO {quoted}",
            f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {where} TO {quoted}",
            f"REVOKE {NOT_GIVEN} ON ALL TABLES IN SCHEMA {where} FROM {quoted}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {where} TO {quoted}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT {TABLE_RIGHTS} ON TABLES "
            f"TO {quoted}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT USAGE ON SEQUENCES TO {quoted}",
        ):
            conn.execute(sa.text(statement))
        tables = conn.execute(
            sa.text(
                "SELECT count(DISTINCT table_name) FROM information_schema.role_table_grants "
                "WHERE grantee = :r AND table_schema = :s"
            ),
            {"r": role, "s": schema},
        ).scalar_one()
        sequences = conn.execute(
            sa.text(
                "SELECT count(DISTINCT object_name) FROM information_schema.role_usage_grants "
                "WHERE grantee = :r AND object_schema = :s AND object_type = 'SEQUENCE'"
            ),
            {"r": role, "s": schema},
        ).scalar_one()
    return Granted(role, str(schema), found is None, int(tables), int(sequences))
