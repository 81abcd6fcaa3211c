"""The nightly rollups the caseload dashboard reads (services/rollups.py): the dashboard says the
same with rollups, without them, with a day missing and with a day changed after its night, for
every kind of the needs-attention queue, on each backend; a run repeated writes the same rows;
a late write forgets the rolled-up days it changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from bench.clinic_data import Caseload, build

from supple.accounts import tokens
from supple.core.attention import KINDS
from supple.services import FixedClock, Scope, caseload, progress_report, rollups
from supple.services.scope import Actor
from supple.store import api_tokens, checkins, sessions
from supple.store.clinic_schema import users
from supple.store.database import Store, open_store
from supple.store.event_writer import EventWrite, TokenEventWrite
from supple.store.rollup_schema import day_rollups
from supple.store.schema import checkins as checkins_table
from supple.store.schema import session_events
from supple.store.schema import sessions as sessions_table
from tests.conftest import PG_URL, REQUIRE_PG, _pg_schema_url

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def operator(store: Store, moment: datetime = NOW) -> Scope:
    return Scope.operator(store, FixedClock(moment))


def dashboard(store: Store, built: Caseload) -> list[tuple[Any, ...]]:
    """Everything a dashboard row shows, comparable."""
    scope = Scope(store, Actor("clinician", built.clinician_id), None, FixedClock(NOW))
    return [
        (
            r.client_id,
            r.adherence_7d,
            r.adherence_30d,
            r.last_session,
            r.latest_pain,
            r.pain_trend,
            tuple((f.kind, f.reason, f.since) for f in r.flags),
        )
        for r in caseload.caseload(scope)
    ]


def rows_of(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as conn:
        found = conn.execute(
            sa.select(
                day_rollups.c.person_id,
                day_rollups.c.on_date,
                day_rollups.c.done,
                day_rollups.c.morning_pain,
                day_rollups.c.stops,
            ).order_by(day_rollups.c.person_id, day_rollups.c.on_date)
        ).all()
    return [tuple(r) for r in found]


def forget_all(store: Store) -> None:
    with store.write() as conn:
        conn.execute(day_rollups.delete())


def _drop_days(store: Store, person_id: int, days: list[date]) -> None:
    """Take a client's training on ``days`` away (before any rollup): sessions and ratings."""
    with store.write() as conn:
        ids = sa.select(sessions_table.c.id).where(
            sessions_table.c.person_id == person_id, sessions_table.c.on_date.in_(days)
        )
        conn.execute(session_events.delete().where(session_events.c.session_id.in_(ids)))
        conn.execute(
            sessions_table.delete().where(
                sessions_table.c.person_id == person_id, sessions_table.c.on_date.in_(days)
            )
        )
        conn.execute(
            checkins_table.delete().where(
                checkins_table.c.person_id == person_id,
                checkins_table.c.on_date.in_(days),
                checkins_table.c.kind.in_(("session", "exercise")),
            )
        )


def world(store: Store) -> Caseload:
    """Six clients with 30 days; the first idle for four days (inactive), the third training
    only once in the last week (adherence dropping): every kind of the queue is there."""
    built = build(store, clients=6, days=30, today=TODAY)
    _drop_days(store, built.client_ids[0], [TODAY - timedelta(days=n) for n in range(5)])
    _drop_days(store, built.client_ids[2], [TODAY - timedelta(days=n) for n in (1, 2, 3, 5, 6)])
    return built


def late_morning(store: Store, built: Caseload) -> None:
    """A morning check-in for three days ago, given today (after that night's rollup)."""
    checkins.upsert(
        store, built.client_ids[4], "morning", TODAY - timedelta(days=3), {"pain": 9}, at=NOW
    )


MODES = ("rolled up", "never rolled up", "a day missing", "the job late 3 nights", "a late write")


def views(store: Store) -> dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """For each mode: the dashboard read live (no rollup at all) and the dashboard in that mode."""
    built = world(store)
    live = dashboard(store, built)
    found: dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = {}
    for mode in MODES:
        forget_all(store)
        if mode == "rolled up":
            rollups.roll_up(operator(store))
        elif mode == "a day missing":
            rollups.roll_up(operator(store))
            with store.write() as conn:
                conn.execute(
                    day_rollups.delete().where(day_rollups.c.on_date == TODAY - timedelta(8))
                )
        elif mode == "the job late 3 nights":
            rollups.roll_up(operator(store, NOW - timedelta(days=3)))
        elif mode == "a late write":
            rollups.roll_up(operator(store))
            late_morning(store, built)
            with_rollups = dashboard(store, built)
            forget_all(store)
            found[mode] = (dashboard(store, built), with_rollups)
            continue
        found[mode] = (live, dashboard(store, built))
    return found


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def compared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]]:
    if request.param == "sqlite":
        store = open_store(f"sqlite:///{tmp_path_factory.mktemp('rollups') / 'clinic.db'}")
        yield views(store)
        store.dispose()
        return
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the clinic's PostgreSQL tests")
    for url in _pg_schema_url(PG_URL):
        store = open_store(url)
        yield views(store)
        store.dispose()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", MODES)
def test_the_dashboard_says_the_same_with_rollups_without_and_with_a_day_missing_or_late(
    compared: dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]], mode: str, kind: str
) -> None:
    live, seen = compared[mode]
    flagged = [row for row in live if any(f[0] == kind for f in row[-1])]
    assert flagged, f"the test's clinic has no {kind} item"
    assert [row for row in seen if any(f[0] == kind for f in row[-1])] == flagged
    assert seen == live  # and every other number of every row


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        found = open_store(f"sqlite:///{tmp_path / 'clinic.db'}")
        yield found
        found.dispose()
        return
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the clinic's PostgreSQL tests")
    for url in _pg_schema_url(PG_URL):
        found = open_store(url)
        yield found
        found.dispose()


def test_a_night_run_again_writes_the_same_rows_and_fills_only_what_is_missing(
    store: Store,
) -> None:
    built = world(store)
    first = rollups.roll_up(operator(store))
    rows = rows_of(store)
    # Every client, every day from the first of the window (or the start) up to yesterday.
    assert first.clients == 6 and first.rows == len(rows) == 6 * 30 - 6
    assert {r[1] for r in rows} == {TODAY - timedelta(days=n) for n in range(1, 30)}
    again = rollups.roll_up(operator(store))
    assert again.rows == 0 and rows_of(store) == rows
    with store.write() as conn:  # a night lost: the next run writes it again, the same
        conn.execute(day_rollups.delete().where(day_rollups.c.on_date >= TODAY - timedelta(3)))
    assert rollups.roll_up(operator(store)).rows == 6 * 3
    assert rows_of(store) == rows
    forget_all(store)
    rollups.roll_up(operator(store), slice_size=4)  # slices: the same rows
    assert rows_of(store) == rows
    assert built.client_ids[0] in {r[0] for r in rows}


def test_a_run_rolls_only_days_that_are_over_in_each_clients_zone(store: Store) -> None:
    world(store)
    just_after_midnight_utc = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)  # London: 2 Dec too
    rollups.roll_up(operator(store, just_after_midnight_utc))
    assert max(r[1] for r in rows_of(store)) == TODAY - timedelta(days=1)
    forget_all(store)
    rollups.roll_up(operator(store, datetime(2026, 12, 1, 23, 30, tzinfo=UTC)))
    assert max(r[1] for r in rows_of(store)) == TODAY - timedelta(days=2)


def test_a_late_check_in_or_step_forgets_its_day_and_the_days_after(store: Store) -> None:
    built = world(store)
    rollups.roll_up(operator(store))
    client = built.client_ids[4]
    late_morning(store, built)
    kept = {r[1] for r in rows_of(store) if r[0] == client}
    assert max(kept) == TODAY - timedelta(days=4)
    assert {r[1] for r in rows_of(store) if r[0] == built.client_ids[1]} != kept
    rollups.roll_up(operator(store))
    other = built.client_ids[5]
    with store.read() as conn:
        session_id, steps = conn.execute(
            sa.select(sessions_table.c.id, sessions_table.c.total_steps).where(
                sessions_table.c.person_id == other,
                sessions_table.c.on_date == TODAY - timedelta(days=6),
            )
        ).first() or (None, 0)
    assert session_id is not None
    sessions.add_event(
        store, event_id="late-step", session_id=session_id, person_id=other,
        kind="step_completed", step_index=steps - 1, at=NOW,
    )  # fmt: skip
    assert max(r[1] for r in rows_of(store) if r[0] == other) == TODAY - timedelta(days=7)
    rollups.roll_up(operator(store))
    stored = store.events.write_now(
        EventWrite("late-step-2", session_id, other, "step_completed", 1, NOW)
    )  # the player's writer, as the API stores events
    assert stored is True
    assert max(r[1] for r in rows_of(store) if r[0] == other) == TODAY - timedelta(days=7)


def six_days_ago(store: Store, person: int) -> str:
    """The id of ``person``'s session six days before today (a day already rolled up)."""
    with store.read() as conn:
        found: str = conn.execute(
            sa.select(sessions_table.c.id).where(
                sessions_table.c.person_id == person,
                sessions_table.c.on_date == TODAY - timedelta(days=6),
            )
        ).scalar_one()
    return found


def test_a_late_step_through_the_writer_forgets_only_when_it_is_a_step_completed_and_new(
    store: Store,
) -> None:
    """The writer's insert forgets rollups itself (on PostgreSQL, in the same statement): a
    late pause leaves the rolled-up days alone, a late completed step forgets its session's
    day and those after, and the same completed step sent again forgets nothing more."""
    built = world(store)
    rollups.roll_up(operator(store))
    person = built.client_ids[5]
    session_id = six_days_ago(store, person)
    before = {r[1] for r in rows_of(store) if r[0] == person}
    assert max(before) >= TODAY - timedelta(days=6)
    paused = EventWrite("late-pause", session_id, person, "paused", 1, NOW)
    assert store.events.write_now(paused) is True
    assert {r[1] for r in rows_of(store) if r[0] == person} == before
    others = {r for r in rows_of(store) if r[0] != person}
    done = EventWrite("late-done", session_id, person, "step_completed", 1, NOW)
    assert store.events.write_now(done) is True
    kept = {r[1] for r in rows_of(store) if r[0] == person}
    assert kept == {d for d in before if d < TODAY - timedelta(days=6)}
    assert {r for r in rows_of(store) if r[0] != person} == others  # no one else's
    rollups.roll_up(operator(store))
    again = {r[1] for r in rows_of(store) if r[0] == person}
    assert store.events.write_now(done) is False  # already stored: nothing forgotten
    assert {r[1] for r in rows_of(store) if r[0] == person} == again


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)  # the token's way: PG only
def test_a_late_step_posted_with_a_token_forgets_its_days_as_the_persons_write_does(
    store: Store,
) -> None:
    """The token's insert (``TokenEventWrite``, PostgreSQL) forgets the same rolled-up days the
    person's insert does: a pause nothing, a new completed step its session's day and after."""
    built = world(store)
    rollups.roll_up(operator(store))
    person = built.client_ids[5]
    token = tokens.new_api_token()
    session_id = six_days_ago(store, person)
    with store.read() as conn:
        user_id = conn.execute(
            sa.select(users.c.id).where(users.c.person_id == person)
        ).scalar_one()
    api_tokens.create(store, user_id, token.digest, "late", NOW)
    before = {r[1] for r in rows_of(store) if r[0] == person}

    def posted(event_id: str, kind: str) -> TokenEventWrite:
        return TokenEventWrite(
            event_id, session_id, token.digest, kind, 1, NOW, None, NOW, "POST late (201)", None
        )

    assert store.events.write_now(posted("late-pause", "paused")) is True
    assert {r[1] for r in rows_of(store) if r[0] == person} == before
    others = {r for r in rows_of(store) if r[0] != person}
    assert store.events.write_now(posted("late-done", "step_completed")) is True
    kept = {r[1] for r in rows_of(store) if r[0] == person}
    assert kept == {d for d in before if d < TODAY - timedelta(days=6)}
    assert {r for r in rows_of(store) if r[0] != person} == others


def test_the_progress_page_and_the_dashboard_count_the_same_sessions_done(store: Store) -> None:
    built = world(store)
    with store.write() as conn:  # a day with only a rating after a session left at the start
        session_id = conn.execute(
            sa.select(sessions_table.c.id).where(
                sessions_table.c.person_id == built.client_ids[1],
                sessions_table.c.on_date == TODAY - timedelta(days=10),
            )
        ).scalar_one()
        conn.execute(session_events.delete().where(session_events.c.session_id == session_id))
        conn.execute(
            checkins_table.delete().where(
                checkins_table.c.person_id == built.client_ids[1],
                checkins_table.c.on_date == TODAY - timedelta(days=10),
                checkins_table.c.kind == "session",
            )
        )
    rows = {r[0]: r for r in dashboard(store, built)}
    for client in built.client_ids:
        scope = Scope(store, Actor("person", client), client, FixedClock(NOW))
        report = progress_report.progress(scope, TODAY)
        done = sum(w.done for w in report.adherence.weeks)
        planned = sum(w.scheduled for w in report.adherence.weeks)
        assert (done, planned) == rows[client][2], client  # the 30 days are the whole program
