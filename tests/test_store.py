"""Storage: migrations from the first table, one writer, the same contract on SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from supple.core.profile import Profile
from supple.store import checkins, profiles
from supple.store.care_schema import CARE_TABLES
from supple.store.clinic_schema import ACCOUNT_TABLES
from supple.store.database import HEAD, Store, open_store
from supple.store.migrate import head
from supple.store.notify_schema import NOTIFY_TABLES
from supple.store.schema import metadata
from tests.conftest import PG_URL, REQUIRE_PG, _pg_schema_url

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_the_code_head_constant_matches_alembics_newest_revision() -> None:
    assert head() == HEAD


def test_opening_a_new_database_migrates_it_to_head(any_store: Store) -> None:
    assert any_store.revision() == HEAD
    with any_store.read() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert set(metadata.tables) <= tables


def test_the_migrated_schema_matches_the_declared_tables(any_store: Store) -> None:
    with any_store.read() as conn:
        inspector = sa.inspect(conn)
        for table in metadata.sorted_tables:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == set(table.columns.keys()), table.name


def test_every_table_but_people_belongs_to_a_person() -> None:
    # The clinic's account tables belong to a user; a client's user points at their person.
    # The practice's plan templates belong to the practice; channels, quiet hours and
    # deliveries belong to a user (a client's through their user), push keys to the practice.
    practice_wide = {"people", "plan_templates", *ACCOUNT_TABLES, *NOTIFY_TABLES}
    assert set(CARE_TABLES) <= set(metadata.tables)
    for table in metadata.sorted_tables:
        if table.name not in practice_wide:
            assert "person_id" in table.columns, table.name


def test_a_profile_round_trips(any_store: Store) -> None:
    person = profiles.create_person(any_store, at=NOW)
    profile = Profile(person, date(2026, 11, 2), "07:30", "Europe/Paris", "Plan", None, None)
    profiles.save_profile(any_store, profile, at=NOW, actor="person:1")
    assert profiles.get_profile(any_store, person) == profile
    changed = Profile(person, date(2026, 11, 9), "18:00", "America/New_York", "P", "x.yaml", "t")
    profiles.save_profile(any_store, changed, at=NOW, actor=None)
    assert profiles.get_profile(any_store, person) == changed
    assert profiles.local_person(any_store) == person


def test_a_second_checkin_for_the_same_slot_replaces_the_first(any_store: Store) -> None:
    person = profiles.create_person(any_store, at=NOW)
    day = date(2026, 11, 3)
    assert checkins.upsert(any_store, person, "morning", day, {"pain": 3}, at=NOW) is False
    assert checkins.upsert(any_store, person, "morning", day, {"pain": 2}, at=NOW) is True
    rows = checkins.list_for(any_store, person, kind="morning")
    assert [r.values for r in rows] == [{"pain": 2}]


def test_opening_twice_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    open_store(url).dispose()
    store = open_store(url)
    assert store.revision() == HEAD


def test_sqlite_uses_wal_so_readers_never_block_the_writer(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'wal.db'}")
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_concurrent_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'busy.db'}")
    person = profiles.create_person(store, at=NOW)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(20):
                checkins.upsert(
                    store, person, "morning", date(2026, 1, 1 + i), {"pain": n}, f"s{n}", at=NOW
                )
        except BaseException as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(checkins.list_for(store, person)) == 80


def test_loading_the_schema_does_not_load_the_postgresql_dialect() -> None:
    """Dialect-specific index arguments would import it on every CLI start (~50 ms)."""
    import subprocess
    import sys

    code = "import sys, supple.store.schema; print('sqlalchemy.dialects.postgresql' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_postgresql_connections_run_without_jit_and_keep_the_urls_own_options() -> None:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the PostgreSQL storage tests")
    for url in _pg_schema_url(PG_URL):
        store = Store(url)
        with store.read() as conn:
            jit = conn.exec_driver_sql("SHOW jit").scalar_one()
            path = conn.exec_driver_sql("SHOW search_path").scalar_one()
        store.dispose()
        assert jit == "off"
        assert path.startswith("t_")  # the test's own schema, given in the URL's options
