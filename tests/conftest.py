"""Shared fixtures: a fresh database per test (SQLite always, PostgreSQL when configured) and a
CLI runner that points at it."""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from supple.cli.main import cli as root
from supple.services import Clock, Scope
from supple.store.database import Store, open_store
from supple.store.profiles import local_person

PG_URL = os.environ.get("SUPPLE_TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("SUPPLE_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session", autouse=True)
def private_data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test may read or write the real user data folder: a test that forgets `db_url`
    would otherwise share (and migrate) the developer's own database."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))
        yield


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    """``serve`` freezes what exists when its app is built (``web.app.settle_heap``), as a
    serving process should; in the test process, whose objects come and go, it is undone
    after each test so later tests' garbage is collected as usual."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'supple.db'}"
    monkeypatch.setenv("SUPPLE_DATABASE_URL", url)
    return url


def _pg_schema_url(base: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(Store(base).url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        if REQUIRE_PG:
            pytest.fail(
                f"PostgreSQL at {base} is required (SUPPLE_REQUIRE_POSTGRES=1) but: {exc.orig}"
            )
        pytest.skip(f"PostgreSQL not reachable: {exc.orig}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same contract, run against each backend."""
    if request.param == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'any.db'}")
        yield store
        store.dispose()
        return
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the PostgreSQL storage tests")
    for url in _pg_schema_url(PG_URL):
        store = open_store(url)
        yield store
        store.dispose()


class Supple:
    """Runs `supple …` in-process against the test's database."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(root, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def supple(db_url: str) -> Supple:
    return Supple()


@pytest.fixture
def started(supple: Supple) -> Supple:
    """A profile that starts on Monday 2026-11-02 in Paris, safety screen answered "no"."""
    from supple.core.safety import QUESTIONS

    result = supple(
        "init",
        "--start-date",
        "2026-11-02",
        "--time",
        "07:30",
        "--timezone",
        "Europe/Paris",
        "--answers",
        ",".join("n" for _ in QUESTIONS),
    )
    assert result.exit_code == 0, result.output
    return supple


def local_scope(store: Store, clock: Clock | None = None) -> Scope:
    """The scope the composition roots build for a personal install: the store's one person
    acting for themself (tests are a composition root of their own)."""
    return Scope.local(store, local_person(store), clock)


BASELINE_PSFS = {"put on socks": 4, "sit for an hour": 5, "lift a bag": 6}


def ready_database(url: str, baseline: bool = True) -> str:
    """A database at ``url`` with a profile (day 1 on 2026-11-02, Paris), a clear safety
    screen and a baseline (pain 4, three activities): the state after a person's first run,
    which most web tests start from. ``baseline`` False leaves no check-in at all, for the
    API tests that count them from none."""
    from datetime import date

    from supple import services
    from supple.core.safety import QUESTIONS

    store = open_store(url)
    profile = services.init_profile(
        local_scope(store),
        start_date=date(2026, 11, 2),
        session_time="07:30",
        timezone="Europe/Paris",
        plan_path=None,
    )
    services.record_screen(local_scope(store), {q.id: False for q in QUESTIONS})
    if baseline:
        services.record_week(local_scope(store), date(2026, 11, 2), pain=4, psfs=BASELINE_PSFS)
    assert profile.person_id == local_person(store)
    store.dispose()
    return url


# The clinic's fixtures (PostgreSQL), for every test module: see tests/clinic_world.py.
from tests.clinic_world import (  # noqa: E402, F401
    clinic_world,
    clinic_world_shared,
    clinic_world_tls,
)
