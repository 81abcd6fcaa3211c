"""A small clinic on PostgreSQL for web tests: the fixtures every clinic test reuses.

    admin      admin@riverside.test        (staff, TOTP on, no caseload)
    clin_a     ada@riverside.test          (clinician) treats a1 and a2
    clin_b     bo@riverside.test           (clinician) treats b1
    a1, a2, b1 a1@…, a2@…, b1@…            (clients, each with a profile and a clear screen)

Use it as a fixture (``clinic_world``, registered in ``tests/conftest.py``; or the
module-scoped ``clinic_world_shared`` for read-mostly tests; ``clinic_world_tls`` behind TLS):

    world.browser(world.a1)      a TestClient signed in through /login (and the TOTP step for
                                 staff), with the anti-forgery header set, like a browser page
    world.bearer(world.clin_a)   a TestClient sending ``Authorization: Bearer <token>`` only
    world.nobody()               a TestClient signed in as no one (with the anti-forgery header)
    world.clock.advance(...)     moves the app's clock (sessions' idle and absolute limits)

Every member has ``email``, ``password``, ``user`` (``store.accounts.User``), ``client_id``
(their ``people`` id, None for staff), ``token`` (a personal API token) and, for staff,
``totp_secret``. ``world.code(member)`` gives a TOTP code the app will accept now (the clock
is moved on a step when the last one was used, as codes are single use).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supple.accounts import tokens, totp
from supple.core.access import Role
from supple.core.safety import QUESTIONS
from supple.services import Scope, clinic_accounts, init_profile, record_screen, signin
from supple.services.scope import Actor
from supple.store import accounts, api_tokens, second_factors
from supple.store.database import Store
from supple.store.row_security import SYSTEM
from supple.web import WebSettings, create_app
from supple.web.csrf import HEADER

BASE = "http://localhost"
START = datetime(2026, 11, 3, 7, 0, tzinfo=UTC)  # a Tuesday; programs start Monday 2 November
PASSWORD = "quiet harbour lantern"
SECRET_KEY = "clinic-world-test-key-0123456789abcdef"


class MovingClock:
    """A clock the test moves by hand; thread-safe (requests run in worker threads)."""

    def __init__(self, moment: datetime) -> None:
        self._moment = moment
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._moment

    def today(self, zone: str) -> date:
        from zoneinfo import ZoneInfo

        return self.now().astimezone(ZoneInfo(zone)).date()

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._moment += delta


@dataclass
class Member:
    key: str
    email: str
    role: Role
    user: accounts.User
    token: str
    password: str = PASSWORD
    totp_secret: str | None = None
    last_step: int | None = field(default=None, repr=False)

    @property
    def client_id(self) -> int | None:
        return self.user.person_id

    @property
    def is_staff(self) -> bool:
        return self.role is not Role.CLIENT


@dataclass
class ClinicWorld:
    app: Any
    store: Store
    clock: MovingClock
    admin: Member
    clin_a: Member
    clin_b: Member
    a1: Member
    a2: Member
    b1: Member
    base: str = BASE
    clients_open: list[TestClient] = field(default_factory=list)

    @property
    def members(self) -> list[Member]:
        return [self.admin, self.clin_a, self.clin_b, self.a1, self.a2, self.b1]

    def _client(self, **options: Any) -> TestClient:
        client = TestClient(self.app, base_url=self.base, follow_redirects=False, **options)
        self.clients_open.append(client)
        return client

    def nobody(self) -> TestClient:
        """Not signed in, but holding the anti-forgery token as a page would."""
        client = self._client()
        client.headers[HEADER] = client.get("/api/v1/csrf-token").json()["token"]
        return client

    def code(self, member: Member) -> str:
        """A TOTP code for ``member`` the app accepts now (a fresh step each call)."""
        assert member.totp_secret is not None
        step = totp.step_at(self.clock.now())
        if member.last_step is not None and step <= member.last_step:
            self.clock.advance(timedelta(seconds=totp.STEP_SECONDS * (member.last_step - step + 1)))
            step = totp.step_at(self.clock.now())
        member.last_step = step
        return totp.code_at(member.totp_secret, step)

    def sign_in(self, client: TestClient, member: Member) -> None:
        """Sign ``client`` in as ``member`` through the pages, TOTP step included."""
        answer = client.post("/login", data={"email": member.email, "password": member.password})
        assert answer.status_code == 303, answer.text
        if member.is_staff:
            assert answer.headers["location"] == "/login/two-factor"
            answer = client.post("/login/two-factor", data={"code": self.code(member)})
            assert answer.status_code == 303, answer.text

    def browser(self, member: Member) -> TestClient:
        client = self.nobody()
        self.sign_in(client, member)
        return client

    def bearer(self, member: Member) -> TestClient:
        client = self._client()
        client.headers["authorization"] = f"Bearer {member.token}"
        return client

    def close(self) -> None:
        for client in self.clients_open:
            client.close()


def _member(
    store: Store, clock: MovingClock, key: str, role: Role, clinician: str | None = None
) -> Member:
    email = f"{key}@riverside.test"
    operator = Scope.operator(store, clock)
    added = clinic_accounts.add_user(
        operator,
        role=role,
        email=email,
        name=key.replace("_", " ").title(),
        base_url=BASE,
        clinician_email=clinician,
        password=PASSWORD,
    )
    token = tokens.new_api_token()
    api_tokens.create(store, added.user.id, token.digest, "tests", clock.now())
    member = Member(key, email, role, added.user, token.value)
    if role is not Role.CLIENT:
        secret = totp.new_secret()
        sealed = signin.SeedBox(SECRET_KEY.encode()).seal(added.user.id, secret)
        second_factors.start_totp(store, added.user.id, sealed)
        step = totp.step_at(clock.now()) - 10  # enrolled a few minutes ago
        assert second_factors.confirm_totp(store, added.user.id, step, clock.now())
        member.totp_secret, member.last_step = secret, step
    else:
        assert added.user.person_id is not None
        scope = Scope(
            store, Actor("client", added.user.id, added.user.person_id), added.user.person_id, clock
        )
        init_profile(
            scope,
            start_date=date(2026, 11, 2),
            session_time="07:30",
            timezone="Europe/Paris",
            plan_path=None,
        )
        record_screen(scope, {q.id: False for q in QUESTIONS})
    member.user = accounts.get_user(store, added.user.id) or added.user
    return member


def build_world(url: str, **settings: Any) -> ClinicWorld:
    clock = MovingClock(START)
    app = create_app(
        WebSettings(database_url=url, clinic=True, secret_key=SECRET_KEY, base_url=BASE, **settings)
    )
    app.state.roots.clock = clock
    # The test acts as the system (like the operator's CLI) to build and inspect its world.
    store: Store = app.state.store.acting(SYSTEM)
    clinic_accounts.init_clinic(
        Scope.operator(store, clock),
        name="Riverside Physio",
        admin_email="owner@riverside.test",
        base_url=BASE,
    )
    admin = _member(store, clock, "admin", Role.ADMIN)
    clin_a = _member(store, clock, "ada", Role.CLINICIAN)
    clin_b = _member(store, clock, "bo", Role.CLINICIAN)
    a1 = _member(store, clock, "a1", Role.CLIENT, clin_a.email)
    a2 = _member(store, clock, "a2", Role.CLIENT, clin_a.email)
    b1 = _member(store, clock, "b1", Role.CLIENT, clin_b.email)
    base = "https://localhost" if settings.get("proxy_headers") else BASE
    return ClinicWorld(app, store, clock, admin, clin_a, clin_b, a1, a2, b1, base=base)


def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema (clinic tests never run on SQLite only)."""
    from tests.conftest import PG_URL, REQUIRE_PG, _pg_schema_url  # here: conftest imports us

    if not PG_URL:
        if REQUIRE_PG or os.environ.get("CI"):
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set: clinic tests run on PostgreSQL")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the clinic tests (PostgreSQL)")
    yield from _pg_schema_url(PG_URL)


def _world(**settings: Any) -> Iterator[ClinicWorld]:
    for url in postgres_url():
        if os.environ.get("SUPPLE_TEST_APP_ROLE") == "1":
            yield from app_role_world(url, **settings)
            return
        world = build_world(url, **settings)
        try:
            yield world
        finally:
            world.close()
            world.store.dispose()


def app_role_world(owner_url: str, **settings: Any) -> Iterator[ClinicWorld]:
    """The clinic served as an app role that owns nothing (row-level security holds it), the
    schema migrated by its owner (tests/app_role.py)."""
    from tests.app_role import app_role_url

    with app_role_url(owner_url) as url:
        world = build_world(url, migration_database_url=owner_url, **settings)
        try:
            yield world
        finally:
            world.close()
            world.store.dispose()


@pytest.fixture
def clinic_world() -> Iterator[ClinicWorld]:
    """A fresh clinic per test."""
    yield from _world()


@pytest.fixture(scope="module")
def clinic_world_shared() -> Iterator[ClinicWorld]:
    """One clinic for a whole module (for tests that only read, or write what no other reads)."""
    yield from _world()


@pytest.fixture
def clinic_world_tls() -> Iterator[ClinicWorld]:
    """A clinic served behind a TLS proxy (``--proxy-headers``)."""
    yield from _world(proxy_headers=True)
