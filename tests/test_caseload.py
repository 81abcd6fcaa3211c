"""The clinician's caseload (services/caseload.py) on the store: who sees whom, what each row
says, acknowledging an item, and a caseload of any size read in the same number of statements
(on PostgreSQL, as the clinic runs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from bench.clinic_data import Caseload, build

from supple.core.access import Role
from supple.core.errors import InputError, NotFound
from supple.services import FixedClock, Scope, caseload
from supple.services.scope import Actor
from supple.store import accounts, checkins
from supple.store.database import Store, open_store
from supple.store.schema import checkins as checkins_table
from supple.store.schema import session_events, sessions
from tests.conftest import PG_URL, REQUIRE_PG, _pg_schema_url

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def staff(store: Store, role: str, user_id: int) -> Scope:
    return Scope(store, Actor(role, user_id), None, FixedClock(NOW))  # type: ignore[arg-type]


@pytest.fixture
def pg_store() -> Iterator[Store]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the clinic's PostgreSQL tests")
    for url in _pg_schema_url(PG_URL):
        store = open_store(url)
        yield store
        store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def clinic(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Caseload]]:
    """Six clients of one clinician with 30 days of records, on each backend."""
    if request.param == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'clinic.db'}")
        yield store, build(store, clients=6, days=30, today=TODAY)
        store.dispose()
        return
    store = request.getfixturevalue("pg_store")
    yield store, build(store, clients=6, days=30, today=TODAY)


def test_a_clinician_sees_their_clients_with_adherence_pain_and_flags(
    clinic: tuple[Store, Caseload],
) -> None:
    store, built = clinic
    rows = caseload.caseload(staff(store, "clinician", built.clinician_id))
    assert [r.client_id for r in rows] == built.client_ids  # "Client 001"…, by name
    first = rows[0]
    assert first.last_session is not None and first.last_session < TODAY
    done, planned = first.adherence_30d
    assert planned == 29 and 0 < done <= planned  # today is not over: it counts once done
    assert first.latest_pain is not None and first.latest_pain[0] == TODAY
    assert len(first.pain_trend) == 14 and first.pain_trend[-1] == first.latest_pain[1]
    flagged = {row.client_id: {f.kind for f in row.flags} for row in rows}
    assert "red_flag" in flagged[built.client_ids[3]]  # the fourth answered "yes"
    assert "pain_stop" in flagged[built.client_ids[5]]  # the sixth rated 8/10 two days ago
    body = caseload.caseload_json(rows)["clients"][3]
    assert set(body) >= {
        "client_id", "name", "adherence_7d", "adherence_30d", "last_session", "latest_pain",
        "needs_attention", "flags",
    }  # fmt: skip
    assert body["needs_attention"] is True
    assert {"kind": "red_flag"}.items() <= body["flags"][0].items()


def test_a_clinician_sees_only_their_own_clients_and_an_admin_sees_everyone(
    clinic: tuple[Store, Caseload],
) -> None:
    store, built = clinic
    now = NOW
    other = accounts.create_user(
        store, email="other@bench.example", name="Other", role=Role.CLINICIAN, now=now
    )
    theirs = accounts.create_user(
        store, email="theirs@bench.example", name="Zed", role=Role.CLIENT, now=now
    )
    assert theirs.person_id is not None
    accounts.assign(store, theirs.person_id, other.id, now)
    mine = caseload.caseload(staff(store, "clinician", built.clinician_id))
    assert theirs.person_id not in [r.client_id for r in mine]
    assert [r.client_id for r in caseload.caseload(staff(store, "clinician", other.id))] == [
        theirs.person_id
    ]
    everyone = caseload.caseload(staff(store, "admin", built.admin_id))
    assert [r.client_id for r in everyone] == [*built.client_ids, theirs.person_id]
    never_started = everyone[-1]
    assert never_started.started is None and never_started.flags == ()
    assert never_started.adherence_7d == (0, 0) and never_started.latest_pain is None


@pytest.mark.parametrize("role", ["client", "person", "operator"])
def test_anyone_but_staff_finds_no_caseload(clinic: tuple[Store, Caseload], role: str) -> None:
    store, built = clinic
    with pytest.raises(NotFound):
        caseload.caseload(staff(store, role, built.client_ids[0]))


def test_acknowledging_an_item_records_who_and_when_and_it_stays_acknowledged(
    clinic: tuple[Store, Caseload],
) -> None:
    store, built = clinic
    scope = staff(store, "clinician", built.clinician_id)
    client = built.client_ids[3]
    flag = next(f for f in caseload.client_row(scope, client).flags if f.kind == "red_flag")
    done = caseload.acknowledge(scope, client, "red_flag", flag.since)
    assert done.new and done.flag == flag and done.ack.at == NOW
    row = caseload.client_row(scope, client)
    assert "red_flag" not in {f.kind for f in row.flags}
    ((seen, ack),) = [(f, a) for f, a in row.acknowledged if f.kind == "red_flag"]
    assert seen == flag and ack.by == "Clinician Bench" and ack.at == NOW
    again = caseload.acknowledge(scope, client, "red_flag", flag.since)
    assert not again.new and again.ack.at == NOW


def test_a_top_pain_rating_is_in_the_queue_at_once(clinic: tuple[Store, Caseload]) -> None:
    store, built = clinic
    scope = staff(store, "clinician", built.clinician_id)
    client = built.client_ids[0]
    assert "pain_stop" not in {f.kind for f in caseload.client_row(scope, client).flags}
    checkins.upsert(
        store, client, "exercise", TODAY, {"pain": 10}, "bird-dog", at=NOW - timedelta(minutes=1)
    )
    rows = caseload.caseload(scope)
    items = [(r.client_id, f.kind, f.since) for r, f in caseload.queue(rows)]
    assert (client, "pain_stop", TODAY.isoformat()) in items
    stop = next(f for f in caseload.client_row(scope, client).flags if f.kind == "pain_stop")
    assert "Bird-Dog Exercise 10/10" in stop.reason


@pytest.mark.parametrize(
    ("kind", "since", "error"),
    [
        ("red_flag", "2020-01-01", InputError),
        ("pain_stop", "", InputError),
        ("bored", "2026-12-01", InputError),
    ],
)
def test_acknowledging_an_item_that_is_not_open_says_so(
    clinic: tuple[Store, Caseload], kind: str, since: str, error: type[Exception]
) -> None:
    store, built = clinic
    scope = staff(store, "clinician", built.clinician_id)
    with pytest.raises(error):
        caseload.acknowledge(scope, built.client_ids[3], kind, since)


def test_not_yours_is_answered_like_not_there(clinic: tuple[Store, Caseload]) -> None:
    store, built = clinic
    other = accounts.create_user(
        store, email="o@bench.example", name="O", role=Role.CLINICIAN, now=NOW
    )
    client = built.client_ids[3]
    since = caseload.client_row(staff(store, "clinician", built.clinician_id), client).flags[0]
    for scope, who in (
        (staff(store, "clinician", other.id), client),  # another clinician's client
        (staff(store, "admin", built.admin_id), client),  # an admin treats only their own
        (staff(store, "clinician", built.clinician_id), 99_999),  # nobody
        (staff(store, "client", client), client),  # the client themself
    ):
        with pytest.raises(NotFound) as caught:
            caseload.acknowledge(scope, who, since.kind, since.since)
        assert str(caught.value) == "no such client"
    with pytest.raises(NotFound):
        caseload.client_row(staff(store, "clinician", other.id), client)
    assert caseload.client_row(staff(store, "admin", built.admin_id), client).client_id == client


def _statements(store: Store, scope: Scope) -> tuple[int, int]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(store.engine, "before_cursor_execute", count)
    try:
        rows = caseload.caseload(scope)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", count)
    return len(seen), len(rows)


@pytest.mark.postgres
def test_a_caseload_of_5_and_of_200_is_read_in_the_same_number_of_statements(
    pg_store: Store,
) -> None:
    small = build(pg_store, clients=5, days=10, today=TODAY)
    statements_small, rows = _statements(pg_store, staff(pg_store, "clinician", small.clinician_id))
    assert rows == 5
    with pg_store.write() as conn:  # a second clinic in the same schema: clear the first
        for table in ("alert_acks", "client_clinicians", "users", "practice"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    large = build(pg_store, clients=200, days=10, today=TODAY)
    statements_large, rows = _statements(pg_store, staff(pg_store, "clinician", large.clinician_id))
    assert rows == 200
    assert statements_small == statements_large
    # store/caseload.py's reads (the rollups' included) and the transaction's actor for row
    # security (one set_config): the same whatever the size, ten at most (the tenth walks
    # back for the idle clients, when there are any)
    assert statements_large <= 10


def _forget(store: Store, person_id: int, kinds: tuple[str, ...], since: date) -> None:
    """Take a client's check-ins of ``kinds`` (and with "session", their sessions) from
    ``since`` on away."""
    with store.write() as conn:
        if "session" in kinds:
            played = sa.select(sessions.c.id).where(
                sessions.c.person_id == person_id, sessions.c.on_date >= since
            )
            conn.execute(session_events.delete().where(session_events.c.session_id.in_(played)))
            conn.execute(
                sessions.delete().where(
                    sessions.c.person_id == person_id, sessions.c.on_date >= since
                )
            )
        conn.execute(
            checkins_table.delete().where(
                checkins_table.c.person_id == person_id,
                checkins_table.c.kind.in_(kinds),
                checkins_table.c.on_date >= since,
            )
        )


def test_each_client_reads_the_same_in_the_whole_caseload_as_alone(
    clinic: tuple[Store, Caseload],
) -> None:
    """The caseload's statements read every client at once: each row is the client's own (an
    idle client's last session looked for past the window, a morning days old), as read
    alone. Nobody idle costs no walk back; someone idle one statement, whoever and however
    many (here: a client without a session, another without a recent morning)."""
    store, built = clinic
    scope = staff(store, "clinician", built.clinician_id)
    before, _ = _statements(store, scope)
    idle, quiet = built.client_ids[0], built.client_ids[1]
    _forget(store, idle, ("session", "exercise"), TODAY - timedelta(days=60))
    _forget(store, quiet, ("morning",), TODAY - timedelta(days=3))
    after, _ = _statements(store, scope)
    assert after == before + 1
    rows = {row.client_id: row for row in caseload.caseload(scope)}
    boss = staff(store, "admin", built.admin_id)
    assert rows == {c: caseload.client_row(boss, c) for c in built.client_ids}
    assert rows[idle].last_session is None  # walked back past the window: none there either
    latest = rows[quiet].latest_pain
    assert latest is not None and latest[0] < TODAY - timedelta(days=3)
    assert any(r.latest_pain and r.latest_pain[0] == TODAY for r in rows.values())
    assert {f.kind for f in rows[idle].flags} >= {"inactive"}
