"""Recording sessions: idempotent events on both databases, resume points, history, the gate,
and the pain rule that stops a session."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from supple import services
from supple.core.errors import InputError
from supple.core.pain import must_stop
from supple.services import days, sessions
from supple.store import profiles
from supple.store import sessions as table
from supple.store.database import Store, open_store
from supple.store.schema import session_events
from tests.conftest import Supple, local_scope

ON = date(2026, 11, 4)  # day 3 for a profile starting 2026-11-02


@pytest.mark.parametrize(
    ("pain", "quality", "stop"),
    [
        (None, None, False),
        (0, None, False),
        (5, None, False),
        (7, None, False),
        (8, None, True),
        (10, None, True),
        (2, "sharp", True),
        (None, "Shooting", True),
        (3, "numb", True),
        (3, "tingling ", True),
        (3, "dull", False),
    ],
)
def test_pain_of_8_or_alarming_pain_stops_the_session(
    pain: int | None, quality: str | None, stop: bool
) -> None:
    assert must_stop(pain, quality) is stop


def test_the_same_event_id_written_twice_is_stored_once(any_store: Store) -> None:
    now = datetime(2026, 11, 4, 7, 30, tzinfo=UTC)
    person = profiles.create_person(any_store, at=now)
    table.create(
        any_store,
        session_id="s-1",
        person_id=person,
        on=ON,
        week=1,
        day=3,
        started_at=now,
        timeline={"steps": [{"index": 0}]},
    )
    args = dict(session_id="s-1", person_id=person, kind="step_completed", step_index=0, at=now)
    assert table.add_event(any_store, event_id="s-1:completed:0", **args) is True  # type: ignore[arg-type]
    assert table.add_event(any_store, event_id="s-1:completed:0", **args) is False  # type: ignore[arg-type]
    with any_store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(session_events)).scalar() == 1
    assert [r.id for r in table.unfinished(any_store, person, ON)] == ["s-1"]
    table.close(any_store, person, "s-1", at=now, reason=None)
    assert table.unfinished(any_store, person, ON) == []


def screened_context(db_url: str) -> services.Scope:
    """The local person, past a safety screen with every answer "no"."""
    from supple.core.safety import QUESTIONS

    ctx = local_scope(open_store(db_url))
    services.record_screen(ctx, {q.id: False for q in QUESTIONS})
    return ctx


@pytest.fixture
def ctx(started: Supple, db_url: str) -> services.Scope:
    return screened_context(db_url)


def test_a_session_stores_its_timeline_and_resumes_at_the_first_step_not_done(
    ctx: services.Scope,
) -> None:
    plan = sessions.plan_for(ctx, ON)
    session = sessions.start(ctx, plan, ON)
    for index in (0, 1, 3):
        sessions.record(ctx, session.id, "step_completed", index)
    sessions.record(ctx, session.id, "step_skipped", 2)
    sessions.record(ctx, session.id, "step_completed", 1)  # a retry: no double
    found = sessions.find_unfinished(ctx, ON)
    assert found is not None and found.id == session.id
    assert found.timeline == plan.timeline
    assert found.completed == {0, 1, 3} and found.skipped == {2}
    assert found.resume_point == 4
    assert sessions.find_unfinished(ctx, ON, day=4) is None


def test_a_step_skipped_then_done_counts_as_done(ctx: services.Scope) -> None:
    session = sessions.start(ctx, sessions.plan_for(ctx, ON), ON)
    sessions.record(ctx, session.id, "step_skipped", 0)
    sessions.record(ctx, session.id, "step_completed", 0)
    (row,) = sessions.history(ctx)
    assert (row["completed_steps"], row["skipped_steps"]) == (1, 0)


def test_history_counts_sets_and_hurt_flags_per_exercise(ctx: services.Scope) -> None:
    plan = sessions.plan_for(ctx, ON)
    session = sessions.start(ctx, plan, ON)
    step_ups = [s for s in plan.timeline.steps if s.kind == "work" and s.exercise_id == "step-ups"]
    for step in step_ups[:3]:  # set 1 both legs, set 2 left leg only
        sessions.record(ctx, session.id, "step_completed", step.index)
    sessions.record(ctx, session.id, "hurt_flagged", 9, data={"exercise": "step-ups"})
    sessions.stop(ctx, session.id, "pain 8 after Step-Ups")
    (row,) = sessions.history(ctx)
    assert row["finished_at"] is not None and row["stopped_reason"] == "pain 8 after Step-Ups"
    assert row["total_steps"] == len(plan.timeline.steps) and row["completed_steps"] == 3
    by_id = {e["exercise"]: e for e in row["exercises"]}
    assert by_id["step-ups"] == {"exercise": "step-ups", "completed_sets": 1, "hurt": True}
    assert by_id["bodyweight-squats"]["completed_sets"] == 0
    assert sessions.find_unfinished(ctx, ON) is None


def test_a_day_can_be_chosen_within_the_program_week(ctx: services.Scope) -> None:
    assert sessions.plan_for(ctx, ON, day=6).slot.day == 6
    with pytest.raises(InputError, match="no day 9"):
        sessions.plan_for(ctx, ON, day=9)


def test_the_safety_gate_refuses_a_session_with_its_message(
    ctx: services.Scope, started: Supple, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supple.core.safety import Block

    block = Block("See a clinician first.", "clearance")
    monkeypatch.setattr(days, "session_gate", lambda ctx, on: block)
    with pytest.raises(sessions.SessionRefused, match="See a clinician first") as refused:
        sessions.start(ctx, sessions.plan_for(ctx, ON), ON)
    assert refused.value.block == block
    result = started("start", "--auto", "--date", ON.isoformat())
    assert result.exit_code == 2
    assert "See a clinician first. When a clinician has seen you" in result.output
    assert "supple screen --cleared" in result.output
    assert sessions.history(ctx) == []


def test_start_refuses_a_bad_speed_and_history_starts_empty(started: Supple) -> None:
    result = started("start", "--auto", "--speed", "0")
    assert result.exit_code == 2 and "--speed" in result.output
    assert json.loads(started("history", "--json").output) == {"sessions": []}
    assert "No sessions yet" in started("history").output


def test_the_interactive_player_asks_for_a_terminal(started: Supple) -> None:
    result = started("start", "--date", ON.isoformat())
    assert result.exit_code == 2 and "--auto" in result.output


def test_history_shows_a_hurt_recorded_after_the_session(started: Supple) -> None:
    played = started("start", "--date", "2026-11-03", "--auto", "--speed", "2000", "--quiet")
    assert played.exit_code == 0, played.output
    before = json.loads(started("history", "--json").output)["sessions"][0]
    assert not any(e["hurt"] for e in before["exercises"])
    rated = started("checkin", "exercise", "bird dog", "--hurt", "--date", "2026-11-03")
    assert rated.exit_code == 0, rated.output
    after = json.loads(started("history", "--json").output)["sessions"][0]
    assert [e["exercise"] for e in after["exercises"] if e["hurt"]] == ["bird-dog"]
    table = started("history").output
    assert "Bird-Dog" in table and "bird-dog" not in table


def test_a_hurt_on_another_day_leaves_the_session_alone(started: Supple) -> None:
    started("start", "--date", "2026-11-03", "--auto", "--speed", "2000", "--quiet")
    started("start", "--date", "2026-11-04", "--auto", "--speed", "2000", "--quiet")
    day_two = json.loads(started("history", "--json").output)["sessions"][1]
    exercise = day_two["exercises"][0]["exercise"]
    started("checkin", "exercise", exercise, "--hurt", "--date", "2026-11-04")
    first, second = json.loads(started("history", "--json").output)["sessions"]
    assert not any(e["hurt"] for e in first["exercises"])
    assert [e["exercise"] for e in second["exercises"] if e["hurt"]] == [exercise]
