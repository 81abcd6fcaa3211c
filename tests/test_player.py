"""The player state machine, driven by a fake clock: every transition, pause exactness, and
no drift over a whole day."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest

from supple import planfile
from supple.core.day_plan import plan_day
from supple.core.player import Event, Player
from supple.core.timeline import Settings, Step, Timeline, build, from_json, to_json


class FakeClock:
    def __init__(self, t: float = 100.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def mk(
    index: int,
    kind: str = "work",
    seconds: int = 10,
    *,
    reps: int | None = None,
    waits: bool = False,
    half: str | None = None,
    end: str | None = None,
    min_seconds: int | None = None,
    exercise: str = "ex-a",
    item: int = 0,
) -> Step:
    return Step(
        index=index,
        kind=kind,  # type: ignore[arg-type]
        item=item,
        exercise_id=exercise,
        exercise_name=exercise.upper(),
        set_no=1,
        sets=1,
        side=None,
        reps=reps,
        seconds=seconds,
        min_seconds=min_seconds,
        waits_for_done=waits,
        cue_start=f"start {index}",
        cue_half=half,
        cue_end=end,
    )


def small() -> Timeline:
    """ready 5 s, hold 30 s (half and end cues), rest 20 s, reps waiting for done, a
    transition to another exercise, and a 60–120 s range."""
    return Timeline(
        (
            mk(0, "ready", 5, end="go"),
            mk(1, "work", 30, half="half", end="321"),
            mk(2, "rest", 20, end="get ready"),
            mk(3, "work", 30, reps=10, waits=True),
            mk(4, "transition", 15, exercise="ex-b", item=1),
            mk(5, "work", 120, min_seconds=60, exercise="ex-b", item=1, end="321"),
        )
    )


def kinds(events: list[Event]) -> list[str]:
    return [e.kind if e.kind != "cue" else f"cue:{e.cue}" for e in events]


def started(timeline: Timeline | None = None, **kw: object) -> tuple[Player, FakeClock]:
    clock = FakeClock()
    player = Player(timeline or small(), clock, **kw)  # type: ignore[arg-type]
    player.start()
    return player, clock


def test_starting_begins_the_first_step_and_says_its_cue() -> None:
    clock = FakeClock()
    player = Player(small(), clock)
    events = player.start()
    assert kinds(events) == ["step_started", "cue:start"]
    assert events[1].text == "start 0" and events[0].at == 100.0
    assert player.status == "running" and player.deadline == 105.0


def test_nothing_happens_before_a_deadline_and_the_next_step_starts_at_it() -> None:
    player, clock = started()
    clock.advance(1.9)
    assert player.tick() == []
    clock.advance(0.2)  # 2.1 s: the ready step's "last 3 seconds" cue
    assert kinds(player.tick()) == ["cue:end"]
    clock.advance(3.4)  # 5.5 s: noticed half a second late
    events = player.tick()
    assert kinds(events) == ["step_completed", "step_started", "cue:start"]
    assert [e.at for e in events] == [105.0, 105.0, 105.0]
    assert player.deadline == 135.0  # from the deadline, not from when it was noticed


def test_a_late_wakeup_walks_through_every_expired_step_in_order() -> None:
    player, clock = started()
    clock.advance(60)
    events = player.tick()
    assert kinds(events) == [
        "cue:end",
        "step_completed",
        "step_started",
        "cue:start",
        "cue:half",
        "cue:end",
        "step_completed",
        "step_started",
        "cue:start",
        "cue:end",
        "step_completed",
        "step_started",
        "cue:start",
    ]
    assert [e.at for e in events if e.kind == "step_completed"] == [105.0, 135.0, 155.0]
    assert player.index == 3 and player.deadline is None  # waiting for "done"


@pytest.mark.parametrize(
    ("pause_at", "resume_after"), [(0.0, 5.0), (2.5, 0.001), (4.99, 600.0), (3.0, 7.25)]
)
def test_pausing_shifts_the_deadline_by_exactly_the_time_paused(
    pause_at: float, resume_after: float
) -> None:
    player, clock = started()
    clock.advance(pause_at)
    assert kinds(player.pause()) == ["paused"]
    before = player.remaining()
    clock.advance(resume_after)
    assert player.tick() == []
    assert player.remaining() == before
    assert kinds(player.resume()) == ["resumed"]
    assert player.deadline == pytest.approx(105.0 + resume_after, abs=1e-9)


def test_a_half_way_cue_moves_with_a_pause() -> None:
    player, clock = started()
    clock.advance(5)
    player.tick()  # the 30 s hold starts at 105
    clock.advance(10)
    player.pause()
    clock.advance(100)
    player.resume()
    clock.advance(4.9)
    assert player.tick() == []
    clock.advance(0.2)
    assert kinds(player.tick()) == ["cue:half"]


# Each row: how to get to a state, the action, the events expected, the state after.
Setup = Callable[[Player, FakeClock], object]


def at_rest(p: Player, c: FakeClock) -> None:
    c.advance(36)
    p.tick()


def at_reps(p: Player, c: FakeClock) -> None:
    c.advance(56)
    p.tick()


def at_range(p: Player, c: FakeClock, after: float) -> None:
    at_reps(p, c)
    p.done()
    c.advance(15 + after)
    p.tick()


def back_to_hold(p: Player, c: FakeClock) -> None:
    at_rest(p, c)
    p.back()


def noop(p: Player, c: FakeClock) -> None:
    return None


TRANSITIONS: list[tuple[str, Setup, str, list[str], str, int]] = [
    ("pause while running", noop, "pause", ["paused"], "paused", 0),
    ("pause while paused", lambda p, c: p.pause(), "pause", [], "paused", 0),
    ("resume while running", noop, "resume", [], "running", 0),
    ("resume while paused", lambda p, c: p.pause(), "resume", ["resumed"], "running", 0),
    ("toggle from running", noop, "toggle_pause", ["paused"], "paused", 0),
    ("toggle from paused", lambda p, c: p.pause(), "toggle_pause", ["resumed"], "running", 0),
    ("skip", noop, "skip", ["step_skipped", "step_started", "cue:start"], "running", 1),
    (
        "skip while paused stays paused",
        lambda p, c: p.pause(),
        "skip",
        ["step_skipped", "step_started", "cue:start"],
        "paused",
        1,
    ),
    ("back", at_rest, "back", ["step_started", "cue:start"], "running", 1),
    (
        "back on the first step restarts it",
        noop,
        "back",
        ["step_started", "cue:start"],
        "running",
        0,
    ),
    ("done on a hold is refused", back_to_hold, "done", [], "running", 1),
    (
        "done on a rep set",
        at_reps,
        "done",
        ["step_completed", "step_started", "cue:start"],
        "running",
        4,
    ),
    (
        "done inside a range's minimum is refused",
        lambda p, c: at_range(p, c, 30),
        "done",
        [],
        "running",
        5,
    ),
    (
        "done past a range's minimum finishes",
        lambda p, c: at_range(p, c, 61),
        "done",
        ["step_completed", "session_finished"],
        "finished",
        5,
    ),
    ("more rest", at_rest, "rest_plus", ["rest_adjusted"], "running", 2),
    ("less rest", at_rest, "rest_minus", ["rest_adjusted"], "running", 2),
    ("more rest outside a rest is refused", noop, "rest_plus", [], "running", 0),
    ("hurt", noop, "flag_hurt", ["hurt_flagged"], "running", 0),
    ("stop", noop, "stop", ["session_stopped"], "stopped", 0),
    ("stop when stopped", lambda p, c: p.stop(), "stop", [], "stopped", 0),
    ("skip when stopped", lambda p, c: p.stop(), "skip", [], "stopped", 0),
    ("finish", noop, "finish", ["session_finished"], "finished", 0),
    ("pause when finished", lambda p, c: p.finish(), "pause", [], "finished", 0),
]


@pytest.mark.parametrize(
    ("name", "setup", "action", "expected", "status", "index"),
    TRANSITIONS,
    ids=[row[0] for row in TRANSITIONS],
)
def test_every_transition_gives_its_events_and_state(
    name: str, setup: Setup, action: str, expected: list[str], status: str, index: int
) -> None:
    player, clock = started()
    setup(player, clock)
    actions: dict[str, Callable[[], list[Event]]] = {
        "rest_plus": lambda: player.adjust_rest(15),
        "rest_minus": lambda: player.adjust_rest(-15),
    }
    events = actions[action]() if action in actions else getattr(player, action)()
    assert kinds(events) == expected
    assert player.status == status
    assert player.index == index


def test_skipping_starts_the_next_step_now_and_marks_the_skipped_one() -> None:
    player, clock = started()
    clock.advance(2)
    player.skip()
    assert player.skipped == {0} and player.completed == set()
    assert player.started_at == 102.0 and player.deadline == 132.0


def test_rest_can_be_lengthened_and_shortened_but_not_below_nothing() -> None:
    player, clock = started()
    at_rest(player, clock)  # rest runs 135 → 155, now 136
    player.adjust_rest(15)
    assert player.deadline == 170.0
    player.adjust_rest(-15)
    player.adjust_rest(-15)
    assert player.deadline == 140.0
    player.adjust_rest(-15)
    assert player.deadline == 136.0
    assert kinds(player.tick())[:2] == ["cue:end", "step_completed"]


def test_lengthening_a_rest_after_its_end_cue_says_it_again() -> None:
    player, clock = started()
    at_rest(player, clock)
    clock.advance(18)
    assert kinds(player.tick()) == ["cue:end"]
    player.adjust_rest(15)
    clock.advance(14)
    assert kinds(player.tick()) == ["cue:end"]


def test_hurt_during_a_transition_names_the_exercise_just_done() -> None:
    player, clock = started()
    at_reps(player, clock)
    player.done()
    assert player.step.kind == "transition"
    (event,) = player.flag_hurt()
    assert event.exercise_id == "ex-a" and player.hurt == {"ex-a"}


def test_a_rep_set_runs_at_tempo_when_nobody_can_press_done() -> None:
    player, clock = started(reps_at_tempo=True)
    at_reps(player, clock)
    assert player.deadline == 185.0


def test_speed_divides_every_step_length() -> None:
    player, clock = started(speed=10)
    assert player.deadline == 100.5
    clock.advance(0.5)
    player.tick()
    assert player.deadline == 103.5
    assert player.remaining() == 30.0


def test_a_resumed_player_starts_at_the_given_step_with_what_was_done() -> None:
    clock = FakeClock()
    player = Player(small(), clock, start_at=3, completed={0, 1}, skipped={2})
    events = player.start()
    assert events[0].step == 3 and player.completed == {0, 1} and player.skipped == {2}


def test_the_last_step_ending_finishes_the_session() -> None:
    player, clock = started(reps_at_tempo=True)
    clock.advance(5 + 30 + 20 + 30 + 15 + 120)
    events = player.tick()
    assert kinds(events)[-2:] == ["step_completed", "session_finished"]
    assert events[-1].at == 320.0 and player.over


def test_next_due_is_the_earliest_pending_cue_or_deadline() -> None:
    player, clock = started()
    assert player.next_due() == 102.0
    clock.advance(2.5)
    player.tick()
    assert player.next_due() == 105.0
    player.pause()
    assert player.next_due() is None


def _day(number: int) -> Timeline:
    program = planfile.bundled_program()
    return build(program.day(number).items, program.catalog)


@pytest.mark.parametrize("day", [3, 7])
def test_a_whole_day_played_with_jittery_wakeups_ends_exactly_on_time(day: int) -> None:
    timeline = _day(day)
    assert timeline.total_seconds >= 25 * 60
    rng = random.Random(day)
    clock = FakeClock(1000.0)
    player = Player(timeline, clock, reps_at_tempo=True)
    player.start()
    paused = 0.0
    finished: list[Event] = []
    while not player.over:
        clock.advance(rng.uniform(0.001, 2.0))
        if rng.random() < 0.01:
            player.pause()
            gap = rng.uniform(1, 30)
            clock.advance(gap)
            paused += gap
            player.resume()
        finished += [e for e in player.tick() if e.kind == "session_finished"]
    assert finished[0].at == pytest.approx(1000.0 + timeline.total_seconds + paused, abs=1e-6)
    assert player.completed == set(range(len(timeline.steps)))


@pytest.mark.parametrize("day", range(1, 8))
def test_each_days_timeline_has_sets_times_sides_work_steps_per_item(day: int) -> None:
    program = planfile.bundled_program()
    plan = plan_day(program, date(2026, 11, 2), date(2026, 11, 1 + day))
    assert plan.slot.day == day
    for item_no, item in enumerate(plan.items):
        dose = item.prescription.dose
        work = plan.timeline.work_steps(item_no)
        assert len(work) == dose.set_count * dose.sides, item.exercise.id
        assert {s.exercise_id for s in work} == {item.exercise.id}
        sides = [s.side for s in work]
        if dose.sides == 2:
            assert sides[0] is not None and sides[0].startswith("left")
            assert sides[1] is not None and sides[1].startswith("right")
    assert plan.estimated_seconds == sum(s.seconds for s in plan.timeline.steps)


@pytest.mark.parametrize(
    ("rep_mode", "kind", "cue"),
    [
        ("tempo", "hold", "3, 2, 1."),
        ("tempo", "reps", "Last rep."),
        ("done", "reps", None),
        ("done", "hold", "3, 2, 1."),
    ],
)
def test_work_steps_say_something_in_their_last_seconds_when_they_have_a_clock(
    rep_mode: str, kind: str, cue: str | None
) -> None:
    program = planfile.bundled_program()
    timeline = build(
        program.day(1).items,
        program.catalog,
        Settings(rep_mode=rep_mode),  # type: ignore[arg-type]
    )
    work = [s for s in timeline.work_steps() if (s.reps is not None) == (kind == "reps")]
    assert {s.cue_end for s in work} == {cue}
    switches = [s for s in timeline.steps if s.kind == "switch"]
    assert switches and all(s.cue_end for s in switches)


def test_a_timeline_survives_its_json_snapshot() -> None:
    timeline = _day(4)
    assert from_json(to_json(timeline)) == timeline
