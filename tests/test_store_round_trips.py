"""PostgreSQL without a test round trip per checkout: a pooled connection the server dropped is
found on the transaction's first statement and replaced, once, for ``read``, ``write`` and the
one-round-trip ``fetch``; and ``fetch`` gives its connection back to the pool as it came."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from supple.store import api_tokens, row_security
from supple.store.clinic_schema import api_tokens as tokens_table
from supple.store.clinic_schema import users
from supple.store.database import Store, open_store
from tests.conftest import PG_URL, REQUIRE_PG, _pg_schema_url

NOW = datetime(2026, 11, 3, 7, 30, tzinfo=UTC)


@pytest.fixture
def pg_store() -> Iterator[Store]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the PostgreSQL storage tests")
    for url in _pg_schema_url(PG_URL):
        store = open_store(url)
        yield store.acting(row_security.SYSTEM)
        store.dispose()


def _drop_pooled_connections(store: Store) -> None:
    """What a server restart does to the pool: every connection it holds is cut."""
    with store.read() as conn:
        mine = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    admin = sa.create_engine(store.url, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": mine})
    admin.dispose()


def _token(store: Store) -> str:
    with store.write() as conn:
        user_id = conn.execute(
            users.insert()
            .values(email="a@x.org", email_key="a@x.org", role="admin", created_at=NOW)
            .returning(users.c.id)
        ).scalar_one()
    api_tokens.create(store, user_id, "d" * 64, "script", NOW)
    return "d" * 64


def test_a_read_on_a_connection_the_server_dropped_is_sent_again_on_a_fresh_one(
    pg_store: Store,
) -> None:
    _drop_pooled_connections(pg_store)
    with pg_store.read() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1


def test_a_write_on_a_connection_the_server_dropped_is_begun_again_on_a_fresh_one(
    pg_store: Store,
) -> None:
    _drop_pooled_connections(pg_store)
    _token(pg_store)
    with pg_store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tokens_table)).scalar() == 1


def test_fetch_finds_a_token_and_its_user_in_one_pipelined_read(pg_store: Store) -> None:
    digest = _token(pg_store)
    found = api_tokens.find(pg_store, digest)
    assert found is not None
    token, user = found
    assert (token.label, user.email, token.created_at) == ("script", "a@x.org", NOW)
    assert api_tokens.find(pg_store, "e" * 64) is None


def test_fetch_on_a_connection_the_server_dropped_is_sent_again(pg_store: Store) -> None:
    digest = _token(pg_store)
    _drop_pooled_connections(pg_store)
    assert api_tokens.find(pg_store, digest) is not None


def test_fetch_gives_the_connection_back_idle_and_out_of_autocommit(pg_store: Store) -> None:
    digest = _token(pg_store)
    api_tokens.find(pg_store, digest)
    raw = pg_store.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        assert driver.autocommit is False
        assert driver.pgconn.transaction_status == 0  # idle
    finally:
        raw.close()


def test_fetch_tells_the_actor_so_a_view_with_none_sees_no_ones_rows(pg_store: Store) -> None:
    """Row security holds on the one-trip read too (the tests' role bypasses it, so the actor
    is read back instead)."""
    query = sa.select(
        sa.func.current_setting(row_security.KIND, True).label("kind"),
        sa.literal_column("1").label("one"),
    ).where(sa.bindparam("x", type_=sa.Integer) == 1)
    assert pg_store.fetch(query, {"x": 1}) == [{"kind": "system", "one": 1}]
    assert pg_store.acting(None).fetch(query, {"x": 1}) == [{"kind": "", "one": 1}]
