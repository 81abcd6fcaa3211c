"""A synthetic session (``demo_course.Played``) walked through its real timeline: the events
the player would have stored, step by step, and the moment each exercise was rated.

Pure: times are seconds from the session's start; the service adds the session's own start
and the ids. The events follow the web player's habits (``web/static/player.js``): a step is
announced when it starts and recorded when it ends ("done" for a set that waits for the person,
"timer" otherwise), an exercise that hurt is flagged when it ends, a skipped exercise's steps
are recorded as skipped, and the session ends with ``session_finished`` or, for pain,
``session_stopped`` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supple.core.demo_course import Played
from supple.core.timeline import Timeline


@dataclass(frozen=True)
class Event:
    kind: str
    step_index: int | None
    offset: float  # seconds after the session started
    data: dict[str, Any] | None


@dataclass(frozen=True)
class Walked:
    events: tuple[Event, ...]
    rated_at: dict[int, float]  # item -> seconds after the start, when it was rated
    seconds: float  # from the start to the last step done
    completed: int  # steps completed


def walk(timeline: Timeline, played: Played) -> Walked:
    """The events of ``played`` on ``timeline``. Items from ``played.items_done`` on were not
    reached; the skipped item's steps are skipped; a pain stop ends after the stopping item's
    last work step."""
    last_work: dict[int, int] = {}
    for step in timeline.steps:
        if step.kind == "work":
            last_work[step.item] = step.index
    hurt = {r.item for r in played.ratings if r.hurt}
    events: list[Event] = []
    rated_at: dict[int, float] = {}
    clock = 0.0
    completed = 0
    stop_item = played.items_done - 1 if played.ending == "pain" else None
    for step in timeline.steps:
        if step.item >= played.items_done:
            break
        if step.item == played.skipped_item:
            events.append(Event("step_skipped", step.index, clock, None))
            continue
        events.append(Event("step_started", step.index, clock, None))
        clock += step.seconds * played.pace
        how = "done" if step.waits_for_done else "timer"
        events.append(Event("step_completed", step.index, clock, {"how": how}))
        completed += 1
        if last_work.get(step.item) == step.index:
            rated_at[step.item] = clock
            if step.item in hurt:
                events.append(
                    Event("hurt_flagged", step.index, clock, {"exercise": step.exercise_id})
                )
            if step.item == stop_item:
                events.append(Event("session_stopped", step.index, clock, {"reason": "pain"}))
                return Walked(tuple(events), rated_at, clock, completed)
    if played.ending == "finished":
        events.append(Event("session_finished", None, clock, None))
    return Walked(tuple(events), rated_at, clock, completed)
