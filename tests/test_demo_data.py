"""The demo practice: the synthetic courses (core.demo_course, core.demo_session), the generator
that writes them (services/demo_data.py) and `supple clinic demo-data`.

The small practice of the issue (200 clients × 30 days) runs on PostgreSQL: it keeps the
generator honest (counts, determinism, variety) and shows the services read what it wrote.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from supple import planfile
from supple.accounts import tokens
from supple.accounts.passwords import default_passwords
from supple.core.day_plan import plan_day
from supple.core.demo_course import Course, Played, course, person_random
from supple.core.demo_session import walk
from supple.core.errors import InputError
from supple.core.pain import must_stop
from supple.core.plan import Program
from supple.core.safety import QUESTIONS
from supple.services import (
    FixedClock,
    Scope,
    caseload,
    clinic_accounts,
    demo_data,
    progress_report,
    safety,
    sessions,
)
from supple.services import days as day_service
from supple.services.scope import Actor
from supple.store import accounts, invites
from supple.store.database import Store, open_store
from supple.store.demo_practice import row_counts
from tests.conftest import PG_URL, REQUIRE_PG, Supple, _pg_schema_url

T0 = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
FIRST = date(2026, 11, 2)
LAST = date(2026, 12, 1)
PROGRAM: Program = planfile.bundled_program()


def _courses(seed: int, count: int, first: date = FIRST, last: date = LAST) -> list[Course]:
    return [course(PROGRAM, person_random(seed, i), first, last) for i in range(count)]


@functools.cache
def _nine_months() -> list[Course]:
    """300 people over nine months, shared by the tests that look at a practice's variety."""
    return _courses(1, 300, date(2026, 3, 1))


# --- the pure course ------------------------------------------------------------------------


def test_a_seed_gives_the_same_people_and_the_same_days_every_time() -> None:
    assert _courses(7, 30) == _courses(7, 30)


def test_another_seed_gives_other_people() -> None:
    assert _courses(7, 30) != _courses(8, 30)


def test_a_person_is_the_same_whatever_the_size_of_the_practice() -> None:
    assert _courses(3, 200)[:20] == _courses(3, 20)


def test_every_course_keeps_to_its_own_dates() -> None:
    for made in _courses(1, 200):
        start = made.traits.start
        assert FIRST <= start <= LAST
        dated = [m[0] for m in made.mornings] + [s.on for s in made.sessions]
        dated += [w[0] for w in made.weeks] + [s.on for s in made.screens]
        assert all(start <= on <= LAST for on in dated)
        assert made.screens[0].on == start  # the first run asks the safety questions
        assert len({s.on for s in made.sessions}) == len(made.sessions)  # one a day


def test_only_a_rating_the_rules_say_must_stop_ends_a_session_for_pain() -> None:
    played = [s for made in _nine_months() for s in made.sessions]
    stopped = [s for s in played if s.ending == "pain"]
    assert stopped, "a year of 300 people holds sessions stopped for pain"
    for session in stopped:
        last = session.ratings[-1]
        assert must_stop(last.pain, last.quality) and last.item == session.items_done - 1
    for session in played:
        assert not any(must_stop(r.pain, r.quality) for r in session.ratings[:-1])
        if session.ending != "pain" and session.ratings:
            assert not must_stop(session.ratings[-1].pain, session.ratings[-1].quality)


def test_a_practice_is_varied_flags_clearances_stops_changes_and_habits() -> None:
    made = _nine_months()
    flagged = [m for m in made if any(s.yes for s in m.screens)]
    assert len(flagged) >= 5
    assert any(m.clearances for m in flagged)  # some cleared by a clinician ...
    assert any(not m.clearances for m in flagged)  # ... and some still waiting
    assert all(not m.clearances for m in made if m not in flagged)
    assert sum(1 for m in made if m.adjustments) >= 30
    endings = Counter(s.ending for m in made for s in m.sessions)
    assert endings["finished"] > endings["unfinished"] > 0 and endings["pain"] > 0
    rates = [
        len(m.sessions) / ((LAST - m.traits.start).days + 1)
        for m in made
        if (LAST - m.traits.start).days >= 60
    ]
    assert min(rates) < 0.35 and max(rates) > 0.8  # some barely keep up, some nearly daily
    assert len({m.traits.zone for m in made}) >= 5
    assert len({m.traits.session_time for m in made}) >= 20


def test_no_session_is_played_while_a_red_flag_waits_for_its_clearance() -> None:
    for made in _nine_months():
        cleared = [c.cleared_on for c in made.clearances]
        for screen in (s for s in made.screens if s.yes):
            until = next((c for c in cleared if c >= screen.on), None)
            waiting = [
                s.on for s in made.sessions if screen.on <= s.on and (until is None or s.on < until)
            ]
            assert waiting == [], (screen, until)


def _played(items_done: int, ending: str, skipped: int | None = None) -> Played:
    return Played(
        on=FIRST, week=1, day=1, start_minute=450, pace=1.0, items_done=items_done,
        skipped_item=skipped, ending=ending, ratings=(), before=None, after=None,
    )  # fmt: skip


DAY1 = plan_day(PROGRAM, FIRST, FIRST).timeline


@pytest.mark.parametrize(
    ("played", "last_kind", "completed"),
    [
        (_played(5, "finished"), "session_finished", len(DAY1.steps)),
        (_played(2, "unfinished"), "step_completed", sum(1 for s in DAY1.steps if s.item < 2)),
        (
            _played(3, "pain"),
            "session_stopped",
            max(s.index for s in DAY1.steps if s.item == 2 and s.kind == "work") + 1,
        ),
    ],
    ids=["finished", "left-to-resume", "stopped-for-pain"],
)
def test_a_session_walks_its_real_timeline_as_the_player_records_it(
    played: Played, last_kind: str, completed: int
) -> None:
    walked = walk(DAY1, played)
    assert walked.events[-1].kind == last_kind
    assert walked.completed == completed
    done = [e.step_index for e in walked.events if e.kind == "step_completed"]
    assert done == list(range(completed))  # in the timeline's order, none twice
    offsets = [e.offset for e in walked.events]
    assert offsets == sorted(offsets)
    assert walked.seconds == pytest.approx(sum(s.seconds for s in DAY1.steps[:completed]))


def test_a_skipped_exercise_has_its_steps_skipped_not_completed() -> None:
    walked = walk(DAY1, _played(5, "finished", skipped=1))
    skipped = {e.step_index for e in walked.events if e.kind == "step_skipped"}
    assert skipped == {s.index for s in DAY1.steps if s.item == 1}
    assert not skipped & {e.step_index for e in walked.events if e.kind == "step_completed"}


# --- the generator on PostgreSQL: 200 clients × 30 days --------------------------------------


def _pg_store() -> Iterator[Store]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the demo practice on PostgreSQL")
    for url in _pg_schema_url(PG_URL):
        store = open_store(url)
        yield store
        store.dispose()


def _clinic(store: Store) -> Scope:
    scope = Scope.operator(store, FixedClock(T0))
    clinic_accounts.init_clinic(
        scope, name="Demo Physio", admin_email="admin@riverside.example.org",
        base_url="http://localhost:8765",
    )  # fmt: skip
    return scope


@pytest.fixture(scope="module")
def practice() -> Iterator[tuple[Store, demo_data.Made]]:
    """One small practice for the whole module (building it is the slow part)."""
    for store in _pg_store():
        made = demo_data.make_demo(_clinic(store), clinicians=5, clients=200, days=30, seed=11)
        yield store, made


TABLES = demo_data.TABLES


def test_the_small_practice_holds_what_the_generator_says_it_wrote(
    practice: tuple[Store, demo_data.Made],
) -> None:
    store, made = practice
    counts = row_counts(store, TABLES)
    assert counts["users"] == made.counts["users"] + 1 == 200 + 5 + 1  # and the admin
    assert counts["access_log"] == made.counts["access_log"] + 1  # and `clinic init`
    for table in set(TABLES) - {"users", "access_log"}:
        assert counts[table] == made.counts[table], table
    assert counts["people"] == counts["profiles"] == counts["client_clinicians"] == 200
    assert counts["screen_answers"] % len(QUESTIONS) == 0
    assert 200 * 5 < counts["sessions"] < 200 * 30
    assert counts["session_events"] > counts["sessions"] * 20
    assert counts["checkins"] > counts["sessions"] * 3
    assert made.first_day == LAST - timedelta(days=29) and made.last_day == T0.date()


def test_the_caseloads_are_shared_evenly_among_the_clinicians(
    practice: tuple[Store, demo_data.Made],
) -> None:
    store, _ = practice
    with store.read() as conn:
        sizes = conn.execute(
            sa.text("SELECT count(*) FROM client_clinicians GROUP BY clinician_id")
        ).scalars()
        assert sorted(sizes) == [40] * 5


def test_the_small_practice_is_varied(practice: tuple[Store, demo_data.Made]) -> None:
    store, _ = practice
    with store.read() as conn:

        def one(sql: str) -> int:
            return int(conn.execute(sa.text(sql)).scalar_one())

        assert one("SELECT count(*) FROM sessions WHERE stopped_reason = 'pain'") > 0
        assert one("SELECT count(*) FROM sessions WHERE finished_at IS NULL") > 0
        assert one("SELECT count(DISTINCT person_id) FROM screen_answers WHERE answer") > 0
        assert one("SELECT count(*) FROM dose_adjustments") > 0
        assert one("SELECT count(DISTINCT timezone) FROM profiles") >= 4
        assert one("SELECT count(*) FROM session_events WHERE kind = 'hurt_flagged'") > 0
        assert one("SELECT count(DISTINCT kind) FROM checkins") == 4
        done = list(
            conn.execute(
                sa.text(
                    "SELECT count(s.id)::float / (CAST(:last AS date) - p.start_date + 1) "
                    "FROM profiles p LEFT JOIN sessions s ON s.person_id = p.person_id "
                    "WHERE p.start_date <= CAST(:last AS date) - 13 "
                    "GROUP BY p.person_id, p.start_date"
                ),
                {"last": LAST},
            ).scalars()
        )
    assert min(done) < 0.4 and max(done) > 0.85


def _digest(store: Store) -> str:
    """The practice's content without the ids the database handed out."""
    with store.read() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT u.email, c.kind, c.on_date, c.subject, c.values::text, c.recorded_at "
                "FROM checkins c JOIN users u ON u.person_id = c.person_id "
                "UNION ALL SELECT u.email, s.id, s.on_date, s.stopped_reason, "
                "s.program_day::text, s.started_at FROM sessions s "
                "JOIN users u ON u.person_id = s.person_id ORDER BY 1, 2, 3, 4, 6"
            )
        )
        text = "\n".join(repr(tuple(row)) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_same_seed_writes_the_same_practice(practice: tuple[Store, demo_data.Made]) -> None:
    store, _ = practice
    for again in _pg_store():
        demo_data.make_demo(_clinic(again), clinicians=5, clients=200, days=30, seed=11)
        assert _digest(again) == _digest(store)


def test_the_services_read_the_generated_records(practice: tuple[Store, demo_data.Made]) -> None:
    store, _ = practice
    with store.read() as conn:
        people = list(conn.execute(sa.text("SELECT id FROM people ORDER BY id LIMIT 8")).scalars())
    gates: Counter[str | None] = Counter()
    for person in people:
        scope = Scope(store, Actor("person", person), person, FixedClock(T0))
        on = T0.date()
        assert day_service.day(scope, on).slot.on == on
        assert len(day_service.week(scope, on)) == 7
        report = progress_report.progress(scope, on)
        assert len(report.mornings) > 0
        history = sessions.history(scope)
        assert all(h["completed_steps"] <= h["total_steps"] for h in history)
        block = safety.gate(scope, on)
        gates[block.remedy if block else None] += 1
    assert gates[None] > 0


# --- the command --------------------------------------------------------------------------


LINK = re.compile(r"(http://localhost:8765/invite/)([A-Za-z0-9_-]{43})")


def test_demo_data_prints_what_it_made_and_invite_links_without_a_password(
    supple: Supple, db_url: str
) -> None:
    supple("clinic", "init", "--name", "Demo Physio", "--admin-email", "eve@ex.org")
    result = supple("clinic", "demo-data", "--clinicians", "2", "--clients", "6", "--days", "9")
    assert result.exit_code == 0, result.output
    assert "2 clinicians and 6 clients" in result.output
    assert re.search(r"^  sessions\s+\d+$", result.output, re.M)
    links = LINK.findall(result.output)
    assert len(links) == 3  # both clinicians and one client
    store = open_store(db_url)
    emails = set()
    for _, token in links:
        user = invites.user_for(store, tokens.digest(token), datetime.now(UTC))
        assert user is not None and not user.has_password
        emails.add(user.email)
    assert emails == {
        "clinician-001@demo.example", "clinician-002@demo.example", "client-000001@demo.example"
    }  # fmt: skip


def test_demo_data_with_a_password_stores_only_its_hash_and_never_prints_it(
    supple: Supple, db_url: str
) -> None:
    supple("clinic", "init", "--name", "Demo Physio", "--admin-email", "eve@ex.org")
    secret = "paper lantern over the river"
    result = supple(
        "clinic", "demo-data", "--clinicians", "1", "--clients", "3", "--days", "5",
        "--password-stdin", input=secret + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert secret not in result.output and "/invite/" not in result.output
    store = open_store(db_url)
    for email in ("clinician-001@demo.example", "client-000003@demo.example"):
        user = accounts.require_user(store, email)
        assert user.password_hash and secret not in user.password_hash
        assert default_passwords().verify(secret, user.password_hash).ok


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clinicians", "0", "--clients", "5", "--days", "5"], "number of clinicians"),
        (["--clinicians", "1", "--clients", "0", "--days", "5"], "number of clients"),
        (["--clinicians", "1", "--clients", "5", "--days", "1826"], "number of days"),
        (["--clinicians", "1", "--clients", "5", "--days", "-3"], "number of days"),
        (["--clinicians", "1", "--clients", "5", "--days", "5", "--base-url", "x"], "web address"),
    ],
)
def test_demo_data_refuses_bad_numbers_in_one_line_with_exit_2(
    supple: Supple, args: list[str], message: str
) -> None:
    supple("clinic", "init", "--name", "Demo Physio", "--admin-email", "eve@ex.org")
    result = supple("clinic", "demo-data", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_demo_data_refuses_a_database_that_is_not_a_clinic(supple: Supple) -> None:
    result = supple("clinic", "demo-data", "--clinicians", "1", "--clients", "2", "--days", "3")
    assert result.exit_code == 2
    assert result.stderr == "error: this database holds no clinic; run `supple clinic init` first\n"


def test_demo_data_refuses_to_fill_a_clinic_twice(supple: Supple) -> None:
    supple("clinic", "init", "--name", "Demo Physio", "--admin-email", "eve@ex.org")
    args = ("clinic", "demo-data", "--clinicians", "1", "--clients", "2", "--days", "3")
    assert supple(*args).exit_code == 0
    again = supple(*args)
    assert again.exit_code == 2 and "already holds demo accounts" in again.stderr


def test_a_weak_password_is_refused_before_anything_is_written(supple: Supple, db_url: str) -> None:
    supple("clinic", "init", "--name", "Demo Physio", "--admin-email", "eve@ex.org")
    result = supple(
        "clinic", "demo-data", "--clinicians", "1", "--clients", "2", "--days", "3",
        "--password-stdin", input="short\n",
    )  # fmt: skip
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert row_counts(open_store(db_url), ("users",)) == {"users": 1}


def test_the_service_refuses_bad_numbers_before_touching_the_store() -> None:
    with pytest.raises(InputError, match="number of clients must be from 1 to 200,000, got 0"):
        demo_data.check_sizes(1, 0, 5)


def test_the_caseload_dashboard_reads_a_demo_clinicians_clients_and_flags_some(
    practice: tuple[Store, demo_data.Made],
) -> None:
    store, _ = practice
    clinician = accounts.require_user(store, "clinician-001@demo.example")
    scope = Scope(store, Actor("clinician", clinician.id), None, FixedClock(T0))
    rows = caseload.caseload(scope)
    assert len(rows) == 40
    kinds = Counter(flag.kind for _, flag in caseload.queue(rows))
    assert sum(kinds.values()) > 0 and len(kinds) >= 2, kinds
    assert any(not row.needs_attention for row in rows)
    assert caseload.caseload_json(rows)["clients"][0]["client_id"] in {r.client_id for r in rows}
