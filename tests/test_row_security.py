"""Row-level security as a backstop (PostgreSQL only): the app served as a role that owns
nothing sees, through a query written with no person filter at all, only the rows its actor
may; no actor sees nothing; an actor never outlives its transaction on a pooled connection; a
write of someone else's row is refused by the database itself; and ``grant-app-role`` gives
that role exactly what it needs.

The rest of the suite connects as ``postgres``, a superuser, whom row-level security never
holds; here the clinic is served as an app role made per test module (tests/app_role.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from supple.cli.main import cli
from supple.core.errors import InputError
from supple.services import Scope, checkins
from supple.services.app_role import grant_app_role
from supple.services.scope import Actor
from supple.settings import Settings
from supple.store import app_role, row_security
from supple.store.database import HEAD, DatabaseError, Store, open_store
from supple.store.migrate import upgrade
from supple.store.row_security import SYSTEM
from tests.app_role import app_role_url, role_url
from tests.clinic_world import ClinicWorld, Member, app_role_world, postgres_url

DAY = date(2026, 11, 3)


@pytest.fixture(scope="module")
def owner_url() -> Iterator[str]:
    yield from postgres_url()


@pytest.fixture(scope="module")
def world(owner_url: str) -> Iterator[ClinicWorld]:
    """A clinic served as an app role; each client has one morning check-in on ``DAY``."""
    for made in app_role_world(owner_url):
        for member in (made.a1, made.a2, made.b1):
            checkins.record_morning(as_member(made, member), DAY, pain=3, stiffness=2)
        yield made


def as_member(w: ClinicWorld, member: Member) -> Scope:
    actor = Actor(member.role.value, member.user.id, member.client_id)
    return Scope(app_store(w), actor, member.client_id)


def app_store(w: ClinicWorld) -> Store:
    """The app's own store: connected as the app role, with no actor of its own."""
    store: Store = w.app.state.roots.store
    assert store.actor is None
    return store


def people_seen(store: Store, table: str = "checkins", column: str = "person_id") -> list[int]:
    """Every person of ``table``'s rows: a query written without any person filter."""
    with store.read() as conn:
        rows = conn.execute(sa.text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"))
        return sorted(set(rows.scalars()))


def clients(w: ClinicWorld, *members: Member) -> list[int]:
    return sorted(m.client_id for m in members if m.client_id is not None)


# -- the policies ---------------------------------------------------------------------------


def test_every_person_owned_table_is_forced_under_its_policy(owner_url: str) -> None:
    owner = open_store(owner_url)
    try:
        with owner.read() as conn:
            tables = row_security.person_tables(conn)
            secured = {
                r.relname: (r.relrowsecurity, r.relforcerowsecurity)
                for r in conn.execute(
                    sa.text(
                        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                        "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
                    )
                )
            }
            policies = set(
                conn.execute(
                    sa.text(
                        "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
                        "AND policyname = :p"
                    ),
                    {"p": row_security.POLICY},
                ).scalars()
            )
    finally:
        owner.dispose()
    names = [table for table, _, _ in tables]
    assert {"people", "checkins", "sessions", "users", "client_clinicians"} <= set(names)
    unprotected = [t for t in names if secured[t] != (True, True) or t not in policies]
    assert unprotected == [], f"person-owned tables without their policy: {unprotected}"


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("checkins", "person_id"),
        ("profiles", "person_id"),
        ("screen_answers", "person_id"),
        ("people", "id"),
        ("users", "person_id"),
        ("client_clinicians", "person_id"),
    ],
)
def test_a_client_sees_only_their_own_rows_through_a_query_with_no_filter(
    world: ClinicWorld, table: str, column: str
) -> None:
    for member in (world.a1, world.b1):
        assert people_seen(as_member(world, member).store, table, column) == [member.client_id]


def test_a_clinician_sees_only_their_caseloads_rows(world: ClinicWorld) -> None:
    w = world
    assert people_seen(as_member(w, w.clin_a).store) == clients(w, w.a1, w.a2)
    assert people_seen(as_member(w, w.clin_b).store) == clients(w, w.b1)
    assert people_seen(as_member(w, w.clin_a).store, "people", "id") == clients(w, w.a1, w.a2)


def test_an_admin_and_the_system_see_the_whole_practice(world: ClinicWorld) -> None:
    everyone = clients(world, world.a1, world.a2, world.b1)
    assert people_seen(as_member(world, world.admin).store) == everyone
    assert people_seen(app_store(world).acting(SYSTEM)) == everyone


def test_with_no_actor_the_app_role_sees_no_ones_rows(world: ClinicWorld) -> None:
    store = app_store(world)
    for table, column in (("checkins", "person_id"), ("people", "id"), ("profiles", "person_id")):
        assert people_seen(store, table, column) == []
    with store.read() as conn:  # and a count, with no WHERE at all
        assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one() == 0


def test_the_explicit_filters_still_hold_under_the_system(world: ClinicWorld) -> None:
    """The backstop does not replace them: a system read of one client's check-ins is the
    use case's own filter at work."""
    scope = Scope(app_store(world), Actor("operator", None), world.a1.client_id)
    assert {c.person_id for c in checkins.list_checkins(scope)} == {world.a1.client_id}


# -- one transaction's actor only ------------------------------------------------------------


def _pid_and_actor(conn: sa.Connection) -> tuple[int, str | None]:
    row = conn.execute(
        sa.text(f"SELECT pg_backend_pid(), current_setting('{row_security.KIND}', true)")
    ).one()
    return int(row[0]), row[1]


def test_an_actor_does_not_leak_to_the_next_transaction_on_the_same_pooled_connection(
    world: ClinicWorld,
) -> None:
    url = app_store(world).url
    store = Store(url, pool_size=1, max_overflow=0)  # one connection: every checkout is it
    try:
        a1 = Scope(store, Actor("client", world.a1.user.id, world.a1.client_id), None)
        with a1.store.read() as conn:
            first, kind = _pid_and_actor(conn)
            assert kind == "client"
        assert people_seen(a1.store) == [world.a1.client_id]
        with store.read() as conn:
            again, kind = _pid_and_actor(conn)
        assert again == first and kind in (None, "")
        assert people_seen(store) == []
        with a1.store.write() as conn:
            conn.execute(sa.text("SELECT 1"))
        with store.write() as conn:  # a write transaction after it: no actor either
            assert _pid_and_actor(conn) == (first, "")
            assert conn.execute(sa.text("SELECT count(*) FROM checkins")).scalar_one() == 0
    finally:
        store.dispose()


def test_two_views_sharing_a_pinned_connection_each_read_as_their_own_actor(
    world: ClinicWorld,
) -> None:
    with app_store(world).pinned() as pinned:
        a1 = Scope(pinned, Actor("client", world.a1.user.id, world.a1.client_id), None)
        clin_b = Scope(pinned, Actor("clinician", world.clin_b.user.id), None)
        assert people_seen(a1.store) == [world.a1.client_id]
        assert people_seen(clin_b.store) == [world.b1.client_id]
        assert people_seen(pinned) == []
        assert people_seen(a1.store) == [world.a1.client_id]


def test_the_actor_is_set_per_transaction_never_for_the_session(world: ClinicWorld) -> None:
    """``set_config(…, true)``: the value is gone once the transaction ends, even on a
    connection handed back to the pool and taken again."""
    store = app_store(world)
    with store.engine.connect() as conn:
        row_security.apply(conn, row_security.RowActor("admin", world.admin.user.id))
        assert conn.execute(sa.text("SELECT count(*) FROM checkins")).scalar_one() == 3
        conn.commit()
        assert conn.execute(sa.text("SELECT count(*) FROM checkins")).scalar_one() == 0


# -- writes ------------------------------------------------------------------------------------


def _insert_morning(store: Store, person: int | None) -> None:
    with store.write() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO checkins (person_id, kind, on_date, subject, "values", recorded_at)'
                " VALUES (:p, 'morning', :d, '', '{}', :at)"
            ),
            {"p": person, "d": date(2026, 11, 20), "at": datetime(2026, 11, 20, tzinfo=UTC)},
        )


def _refused_by_the_policy(exc: pytest.ExceptionInfo[sa.exc.DBAPIError]) -> bool:
    return "row-level security" in str(exc.value.orig)


def test_a_client_cannot_write_another_clients_row(world: ClinicWorld) -> None:
    a1 = as_member(world, world.a1).store
    with pytest.raises(sa.exc.ProgrammingError) as refused:
        _insert_morning(a1, world.a2.client_id)
    assert _refused_by_the_policy(refused)
    with a1.write() as conn:  # another's rows are not there to change or delete
        changed = conn.execute(
            sa.text("UPDATE checkins SET on_date = on_date WHERE person_id = :p"),
            {"p": world.a2.client_id},
        )
        assert changed.rowcount == 0
        gone = conn.execute(sa.text("DELETE FROM profiles WHERE person_id = :p"), {"p": 0})
        assert gone.rowcount == 0
    with a1.write() as conn:  # nor may their own row be handed to someone else
        with pytest.raises(sa.exc.ProgrammingError) as moved:
            conn.execute(
                sa.text("UPDATE checkins SET person_id = :other WHERE person_id = :me"),
                {"other": world.a2.client_id, "me": world.a1.client_id},
            )
        assert _refused_by_the_policy(moved)


def test_a_clinician_cannot_write_for_a_client_off_their_caseload(world: ClinicWorld) -> None:
    with pytest.raises(sa.exc.ProgrammingError) as refused:
        _insert_morning(as_member(world, world.clin_a).store, world.b1.client_id)
    assert _refused_by_the_policy(refused)


def test_with_no_actor_no_row_may_be_written(world: ClinicWorld) -> None:
    with pytest.raises(sa.exc.ProgrammingError) as refused:
        _insert_morning(app_store(world), world.a1.client_id)
    assert _refused_by_the_policy(refused)


# -- the app served as the app role ---------------------------------------------------------


def test_the_app_served_as_the_app_role_answers_a_clinic_day(world: ClinicWorld) -> None:
    w = world
    ada = w.browser(w.clin_a)
    dashboard = ada.get("/clinic")
    assert dashboard.status_code == 200
    assert "a1@riverside.test" in dashboard.text or "A1" in dashboard.text
    assert ada.get(f"/clinic/clients/{w.a1.client_id}").status_code == 200
    assert ada.get(f"/clinic/clients/{w.b1.client_id}").status_code == 404  # not theirs
    listed = w.bearer(w.clin_a).get("/api/v1/clients").json()["clients"]
    assert sorted(c["client_id"] for c in listed) == clients(w, w.a1, w.a2)
    admin = w.bearer(w.admin).get("/api/v1/clients").json()["clients"]
    assert len(admin) == 3
    a1 = w.browser(w.a1)
    assert a1.get("/today").headers["location"] == "/start/baseline"  # no baseline yet
    assert a1.get("/start/baseline").status_code == 200
    assert a1.get("/api/v1/today").status_code == 200
    mornings = a1.get("/api/v1/checkins").json()
    assert [m["date"] for m in mornings] == [DAY.isoformat()]


# -- the app's role --------------------------------------------------------------------------


def _rights(owner: Store, role: str) -> set[str]:
    with owner.read() as conn:
        return set(
            conn.execute(
                sa.text(
                    "SELECT DISTINCT privilege_type FROM information_schema.role_table_grants "
                    "WHERE grantee = :r AND table_schema = current_schema()"
                ),
                {"r": role},
            ).scalars()
        )


def test_grant_app_role_gives_rows_and_sequences_and_nothing_else_twice_alike(
    owner_url: str,
) -> None:
    owner = open_store(owner_url)
    role = f'supple "odd"; role {uuid.uuid4().hex[:6]}'  # quoted, never run as SQL
    try:
        first = app_role.grant(owner, role)
        again = app_role.grant(owner, role)
        assert first.created and not again.created
        assert (again.tables, again.sequences) == (first.tables, first.sequences)
        with owner.read() as conn:
            all_tables = conn.execute(
                sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
            ).scalar_one()
            attributes = conn.execute(
                sa.text(
                    "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles "
                    "WHERE rolname = :r"
                ),
                {"r": role},
            ).one()
            procrastinate = conn.execute(
                sa.text(
                    "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = :r"
                    " AND table_name = 'procrastinate_jobs' AND privilege_type = 'UPDATE'"
                ),
                {"r": role},
            ).scalar_one()
        assert first.tables == all_tables and first.sequences > 0
        assert _rights(owner, role) == {"SELECT", "INSERT", "UPDATE", "DELETE"}
        assert tuple(attributes) == (False, False, False, False)
        assert procrastinate == 1  # the worker's queue, too
    finally:
        with owner.engine.begin() as conn:
            quoted = conn.dialect.identifier_preparer.quote_identifier(role)
            conn.execute(sa.text(f"DROP OWNED BY {quoted}"))
            conn.execute(sa.text(f"DROP ROLE {quoted}"))
        owner.dispose()


def test_grant_app_role_refuses_a_role_that_row_security_would_not_hold(owner_url: str) -> None:
    owner = open_store(owner_url)
    bypass = f"supple_bypass_{uuid.uuid4().hex[:6]}"
    try:
        with owner.engine.begin() as conn:
            conn.execute(sa.text(f'CREATE ROLE "{bypass}" BYPASSRLS'))
        with pytest.raises(DatabaseError, match="BYPASSRLS"):
            app_role.grant(owner, bypass)
        with pytest.raises(DatabaseError, match="connects as"):
            app_role.grant(owner, "postgres")
    finally:
        with owner.engine.begin() as conn:
            conn.execute(sa.text(f'DROP ROLE "{bypass}"'))
        owner.dispose()


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "empty"), (" app", "space"), ("a" * 64, "at most 63"), ("pg_app", "PostgreSQL's")],
)
def test_a_role_name_postgresql_could_not_keep_is_refused(name: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        grant_app_role(Scope.operator(Store("sqlite://")), name)


def test_only_the_operator_grants_the_app_role() -> None:
    admin = Scope(Store("sqlite://"), Actor("admin", 1), None)
    with pytest.raises(InputError, match="operator"):
        grant_app_role(admin, "supple_app")


def test_the_command_grants_the_role_and_says_how_to_connect(owner_url: str) -> None:
    role = f"supple_cli_{uuid.uuid4().hex[:6]}"
    try:
        result = CliRunner().invoke(
            cli, ["--db", owner_url, "clinic", "grant-app-role", "--role", role]
        )
        assert result.exit_code == 0, result.output
        assert f"Created the role {role}" in result.output
        assert "SUPPLE_MIGRATION_DATABASE_URL" in result.output
        result = CliRunner().invoke(
            cli, ["--db", owner_url, "clinic", "grant-app-role", "--role", role]
        )
        assert result.exit_code == 0 and "Created" not in result.output
    finally:
        owner = Store(owner_url)
        with owner.engine.begin() as conn:
            conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
            conn.execute(sa.text(f'DROP ROLE "{role}"'))
        owner.dispose()


# -- migrations run as the owner -------------------------------------------------------------


def test_the_app_role_cannot_migrate_and_is_told_where_the_owners_url_goes() -> None:
    for owner_url in postgres_url():
        owner = Store(owner_url)
        with owner.write() as conn:
            upgrade(conn, "0014")  # a database one revision behind
        owner.dispose()
        with app_role_url_unmigrated(owner_url) as url:
            with pytest.raises(DatabaseError, match="SUPPLE_MIGRATION_DATABASE_URL"):
                open_store(url)
            store = open_store(url, migration_url=owner_url)
            try:
                assert store.revision() == HEAD
            finally:
                store.dispose()


@contextmanager
def app_role_url_unmigrated(owner_url: str) -> Iterator[str]:
    """An app role on a schema the test migrated itself (``app_role_url`` migrates to head)."""
    role = f"supple_app_{uuid.uuid4().hex[:10]}"
    owner = Store(owner_url)
    try:
        app_role.grant(owner, role)
        yield role_url(owner_url, role)
    finally:
        with owner.engine.begin() as conn:
            conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
            conn.execute(sa.text(f'DROP ROLE "{role}"'))
        owner.dispose()


def test_the_migration_url_is_read_from_the_environment() -> None:
    url = "postgresql://owner@db/clinic"
    assert Settings.from_env({"SUPPLE_MIGRATION_DATABASE_URL": url}).migration_database_url == url
    assert Settings.from_env({}).migration_database_url is None


# -- the worker --------------------------------------------------------------------------------


def test_the_worker_as_the_app_role_defers_fetches_and_finishes_a_job(owner_url: str) -> None:
    """procrastinate's tables and functions are usable by the app's role: the worker needs
    nothing the grant leaves out."""
    from cryptography.fernet import Fernet
    from procrastinate.jobs import Status
    from procrastinate.periodic import PeriodicDeferrer

    from supple.jobs.root import Runtime
    from supple.jobs.senders import Mail, Senders
    from supple.jobs.worker import make_app
    from supple.sealing import Sealer

    with app_role_url(owner_url) as url:
        store = Store(url)
        try:
            mail = Mail("127.0.0.1", 8841, "c@ex.org", None, None, "none")
            runtime = Runtime(
                store, Sealer(Fernet.generate_key()), Senders(mail, None, "mailto:c@ex.org"), "x"
            )
            assert runtime.store.actor == SYSTEM

            async def one_job() -> str:
                app = make_app(runtime)
                async with app.open_async():
                    deferrer = PeriodicDeferrer(app.periodic_registry)
                    [periodic] = [
                        p
                        for p in app.periodic_registry.periodic_tasks.values()
                        if p.task.name == "supple:tick"
                    ]
                    await deferrer.defer_jobs([(periodic, 1_800_000_000)])
                    worker = await app.job_manager.register_worker()
                    await app.job_manager.update_heartbeat(worker)
                    job = await app.job_manager.fetch_job(None, worker)
                    assert job is not None
                    await app.job_manager.finish_job(job, Status.SUCCEEDED, False)
                    await app.job_manager.unregister_worker(worker)
                    return job.task_name

            assert asyncio.run(one_job()) == "supple:tick"
            with store.acting(SYSTEM).read() as conn:
                status = conn.execute(sa.text("SELECT status FROM procrastinate_jobs")).scalar()
            assert status == "succeeded"
        finally:
            store.dispose()


def test_what_a_page_offers_is_asked_as_the_signed_in_user(world: ClinicWorld) -> None:
    from supple.core import access
    from supple.services import clinic_access

    ada = access.Actor(world.clin_a.user.id, access.Role.CLINICIAN)
    store = app_store(world)
    assert world.a1.client_id is not None and world.b1.client_id is not None
    assert access.Action.READ_RECORD in clinic_access.allowed_on_client(
        store, ada, world.a1.client_id
    )
    assert clinic_access.allowed_on_client(store, ada, world.b1.client_id) == frozenset()
    many = clinic_access.allowed_on_clients(store, ada, [world.a1.client_id, world.b1.client_id])
    assert many[world.b1.client_id] == frozenset() and many[world.a1.client_id]
