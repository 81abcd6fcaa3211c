"""A small clinic on PostgreSQL for the tests that reach people: a clinician, two clients (one
on the caseload, one on another clinician's), profiles in Paris, and the install's sealer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from supple.core.access import Role
from supple.core.safety import QUESTIONS
from supple.sealing import Sealer
from supple.services import Actor, FixedClock, Scope, clinic_accounts, init_profile, record_screen
from supple.store.database import Store, open_store
from tests.conftest import PG_URL, REQUIRE_PG, _pg_schema_url

START = date(2026, 11, 2)  # a Monday; the clients' program starts here
T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
BASE = "https://clinic.example.org"


@pytest.fixture(scope="module", name="pg_module_url")
def pg_module_url_fixture() -> Iterator[str]:
    """A fresh PostgreSQL schema for a test module (these tests never run on SQLite: the queue
    lives in PostgreSQL). Migrating one costs ~2 s, so a module shares it and each test starts
    from the same clinic (see ``clinic``)."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the clinic's job tests")
    yield from _pg_schema_url(PG_URL)


@dataclass
class Clinic:
    store: Store
    sealer: Sealer
    clinician_id: int
    client_id: int  # the client's user id
    person_id: int  # the client's people row
    other_person_id: int  # a client of another clinician

    def scope(self, moment: datetime) -> Scope:
        return Scope.operator(self.store, FixedClock(moment))

    def as_client(self, person_id: int, moment: datetime) -> Scope:
        return Scope(self.store, Actor("person", person_id), person_id, FixedClock(moment))


def _client(scope: Scope, email: str, clinician: str, moment: datetime) -> tuple[int, int]:
    added = clinic_accounts.add_user(
        scope,
        role=Role.CLIENT,
        email=email,
        name=None,
        base_url=BASE,
        clinician_email=clinician,
    )
    person = added.user.person_id
    assert person is not None
    me = Scope(scope.store, Actor("person", person), person, FixedClock(moment))
    init_profile(
        me, start_date=START, session_time="07:30", timezone="Europe/Paris", plan_path=None
    )
    record_screen(me, {q.id: False for q in QUESTIONS})
    return added.user.id, person


def make_clinic(url: str) -> Clinic:
    store = open_store(url)
    scope = Scope.operator(store, FixedClock(T0))
    clinic_accounts.init_clinic(scope, name="Riverside", admin_email="eve@ex.org", base_url=BASE)
    clinician = clinic_accounts.add_user(
        scope, role=Role.CLINICIAN, email="clara@ex.org", name="Clara", base_url=BASE
    ).user
    clinic_accounts.add_user(
        scope, role=Role.CLINICIAN, email="otto@ex.org", name="Otto", base_url=BASE
    )
    client_id, person = _client(scope, "cleo@ex.org", "clara@ex.org", T0)
    _, other = _client(scope, "olga@ex.org", "otto@ex.org", T0)
    return Clinic(store, Sealer(Fernet.generate_key()), clinician.id, client_id, person, other)


# What a test may add to the shared clinic, emptied before each test.
SCRATCH = (
    "deliveries",
    "notification_channels",
    "notification_prefs",
    "practice_keys",
    "checkins",
    "sessions",
    "procrastinate_jobs",
    "procrastinate_periodic_defers",
    "procrastinate_workers",
)


@pytest.fixture(scope="module", name="clinic_base")
def clinic_base_fixture(pg_module_url: str) -> Iterator[Clinic]:
    made = make_clinic(pg_module_url)
    yield made
    made.store.dispose()


@pytest.fixture(name="clinic")
def clinic_fixture(clinic_base: Clinic) -> Clinic:
    """The module's clinic as it was made: every row a test may add is removed first."""
    with clinic_base.store.write() as conn:
        conn.execute(sa.text(f"TRUNCATE {', '.join(SCRATCH)} CASCADE"))
        conn.execute(sa.text("DELETE FROM screen_answers WHERE answer"))
    return clinic_base
