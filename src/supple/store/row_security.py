"""Row-level security on PostgreSQL: a backstop behind the explicit ``person_id`` filters.

Every person-owned table (each table with a ``person_id`` column, and ``people`` itself keyed
on its ``id``) has one policy, ``supple_person``, that lets a statement see and write a row
only when the actor of the transaction may: a client their own person, a clinician the people
of their caseload, an admin and the system everyone. The actor is told to the database per
transaction with ``set_config(…, true)`` (``apply``), never with a session-level ``SET``: a
pooled connection then forgets it when the transaction ends, so no request inherits the last
one's actor. With no actor set at all the policy denies (fails closed).

The tables are ENABLEd and FORCEd, so even their owner is held by the policy; only a superuser
or a role with BYPASSRLS is not (the tests' ``postgres``). The app's own role owns nothing
(``supple clinic grant-app-role``); migrations run as the owner and act as the system.

What it does not do: stop someone who can run SQL as the app's role, who may set any actor.
It catches a query that forgot its filter.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

PERSON_COLUMN = "person_id"
POLICY = "supple_person"
KIND, ACTOR_ID, PERSON = "supple.actor_kind", "supple.actor_id", "supple.actor_person"
# The caseload table's policy may not look into itself (PostgreSQL refuses a policy that
# recurses), so there a clinician is matched on the row's own clinician_id.
CASELOAD = "client_clinicians"
ACCOUNTS = "users"


@dataclass(frozen=True)
class RowActor:
    """Who the database is told acts: ``kind`` is system, admin, clinician or client; ``id`` a
    ``users`` id; ``person`` a client's own ``people`` id."""

    kind: str
    id: int | None = None
    person: int | None = None


SYSTEM = RowActor("system")  # the operator's CLI, the worker, migrations, sign-in look-ups
NOBODY = RowActor("")  # what a transaction is told when a view with no actor reuses it

_APPLY = sa.text(
    f"SELECT set_config('{KIND}', :kind, true), set_config('{ACTOR_ID}', :id, true), "
    f"set_config('{PERSON}', :person, true)"
)


# The same for the driver's own cursor (psycopg's placeholders), with ``values``.
APPLY_SQL = (
    f"SELECT set_config('{KIND}', %s, true), set_config('{ACTOR_ID}', %s, true), "
    f"set_config('{PERSON}', %s, true)"
)


def values(actor: RowActor) -> tuple[str, str, str]:
    """The actor's three settings, as text."""
    return (
        actor.kind,
        "" if actor.id is None else str(actor.id),
        "" if actor.person is None else str(actor.person),
    )


def apply(conn: sa.Connection, actor: RowActor) -> None:
    """Tell this connection's current transaction (beginning one if none) who acts."""
    kind, actor_id, person = values(actor)
    conn.execute(_APPLY, {"kind": kind, "id": actor_id, "person": person})


def _setting_int(name: str) -> str:
    return f"nullif(current_setting('{name}', true), '')::integer"


def condition(table: str, column: str, nullable: bool) -> str:
    """The policy's test for a row of ``table`` whose person is in ``column``: the one place
    that says who may see whose rows. A row with no person (a staff member's ``users`` row, an
    access-log entry about no client) belongs to no one's record: any actor may see it.

    Written as a flat OR, not a CASE, on purpose: PostgreSQL then evaluates the arms in order
    (the system and an admin stop at the first), and runs the caseload's ``IN (SELECT …)`` once
    per statement as a hashed subplan instead of once per row (measured: a 200-client
    dashboard took seconds with the CASE)."""
    kind = f"current_setting('{KIND}', true)"
    actor_id, person = _setting_int(ACTOR_ID), _setting_int(PERSON)
    if table == CASELOAD:
        clinician = f"clinician_id = {actor_id}"
    else:
        clinician = (
            f"{column} IN (SELECT cc.person_id FROM {CASELOAD} cc "
            f"WHERE cc.clinician_id = {actor_id})"
        )
    client = f"{column} = {person}"
    if table == ACCOUNTS:  # an account's own row, whoever it belongs to
        client = f"({client} OR id = {actor_id})"
    arms = [
        f"{kind} IN ('system', 'admin')",
        f"({kind} = 'clinician' AND {clinician})",
        f"({kind} = 'client' AND {client})",
    ]
    if nullable:
        arms.append(f"({column} IS NULL AND {kind} IN ('clinician', 'client'))")
    return " OR ".join(arms)


def person_tables(conn: sa.Connection) -> list[tuple[str, str, bool]]:
    """Every person-owned table of the current schema as (table, person column, nullable),
    read from the catalog: ``people`` by its id, and each table with a ``person_id`` column.
    The migration and the test that every such table has its policy both use this list."""
    rows = conn.execute(
        sa.text(
            "SELECT c.table_name, c.column_name, c.is_nullable = 'YES' "
            "FROM information_schema.columns c "
            "JOIN information_schema.tables t "
            "  ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
            "  AND (c.column_name = :column OR (c.table_name = 'people' AND c.column_name = 'id'))"
            " ORDER BY c.table_name"
        ),
        {"column": PERSON_COLUMN},
    )
    return [(str(r[0]), str(r[1]), bool(r[2])) for r in rows]


def protect(conn: sa.Connection, table: str, column: str, nullable: bool) -> None:
    """Enable and force row-level security on ``table``, with its one policy (replaced if there:
    a later migration that changes the rules calls this again)."""
    name = conn.dialect.identifier_preparer.quote_identifier(table)
    test = condition(table, column, nullable)
    conn.execute(sa.text(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"))
    conn.execute(sa.text(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY"))
    conn.execute(sa.text(f"DROP POLICY IF EXISTS {POLICY} ON {name}"))
    conn.execute(sa.text(f"CREATE POLICY {POLICY} ON {name} USING ({test}) WITH CHECK ({test})"))


def unprotect(conn: sa.Connection, table: str) -> None:
    name = conn.dialect.identifier_preparer.quote_identifier(table)
    conn.execute(sa.text(f"DROP POLICY IF EXISTS {POLICY} ON {name}"))
    conn.execute(sa.text(f"ALTER TABLE {name} NO FORCE ROW LEVEL SECURITY"))
    conn.execute(sa.text(f"ALTER TABLE {name} DISABLE ROW LEVEL SECURITY"))
