"""The player: a state machine that walks a timeline against an injected monotonic clock.

Every step has an absolute deadline. When a step runs out, the next one starts at that
deadline, not at the moment the expiry was noticed, so a late wake-up never pushes the rest of
the session back and nothing drifts over half an hour. Pausing moves the current step's start
and deadline on by exactly the time spent paused. The player never sleeps, prints or stores:
it returns events, and the adapters (terminal, browser, benchmark) render and record them.

Times are on the injected clock (real seconds); step lengths are program seconds, divided by
``speed`` so demos and tests can run a whole day in moments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from supple.core.timeline import Step, Timeline

Clock = Callable[[], float]
# What the player emits and adapters store; a cue is only said, never stored.
RecordedKind = Literal[
    "step_started",
    "step_completed",
    "step_skipped",
    "paused",
    "resumed",
    "rest_adjusted",
    "hurt_flagged",
    "session_finished",
    "session_stopped",
]
EventKind = Literal[RecordedKind, "cue"]
CueKind = Literal["start", "half", "end"]
Status = Literal["ready", "running", "paused", "finished", "stopped"]

REST_STEP = 15  # seconds added or taken by one press of + or -
LAST_SECONDS = 3  # the end cue is said this long before a step's deadline


@dataclass(frozen=True)
class Event:
    """Something that happened. ``at`` is when it was due on the clock (for an expired step,
    its deadline), so adapters can measure how late they noticed it."""

    kind: EventKind
    step: int | None
    at: float
    exercise_id: str | None = None
    cue: CueKind | None = None
    text: str | None = None
    how: str | None = None  # completed: "timer"|"done"; started: "back"; stopped: the reason


class PlayerError(Exception):
    """An action that makes no sense in the player's present state (a bug in an adapter)."""


class Player:
    """One run through a timeline. Not thread-safe: one adapter loop drives it."""

    def __init__(
        self,
        timeline: Timeline,
        clock: Clock,
        *,
        speed: float = 1.0,
        start_at: int = 0,
        completed: Iterable[int] = (),
        skipped: Iterable[int] = (),
        reps_at_tempo: bool = False,
    ) -> None:
        if not timeline.steps:
            raise PlayerError("an empty timeline cannot be played")
        if speed <= 0:
            raise PlayerError("speed must be positive")
        if not 0 <= start_at < len(timeline.steps):
            raise PlayerError(f"no step {start_at} in a timeline of {len(timeline.steps)}")
        self.timeline = timeline
        self.speed = speed
        self.status: Status = "ready"
        self.index = start_at
        self.completed: set[int] = set(completed)
        self.skipped: set[int] = set(skipped)
        self.hurt: set[str] = set()
        self.started_at = 0.0  # the current step's start, moved on by pauses
        self.deadline: float | None = None  # None: waits for "done"
        self.paused_at: float | None = None
        self._clock = clock
        self._reps_at_tempo = reps_at_tempo  # --auto: nobody is there to press "done"
        self._fired: set[CueKind] = set()

    # --- what adapters read ------------------------------------------------------------------

    @property
    def step(self) -> Step:
        return self.timeline.steps[self.index]

    @property
    def over(self) -> bool:
        return self.status in ("finished", "stopped")

    def now(self) -> float:
        return self._clock()

    def elapsed(self) -> float:
        """Program seconds spent in the current step (frozen while paused)."""
        at = self.paused_at if self.paused_at is not None else self._clock()
        return max(0.0, (at - self.started_at) * self.speed)

    def remaining(self) -> float | None:
        """Program seconds left in the current step; None when it waits for "done"."""
        if self.deadline is None:
            return None
        at = self.paused_at if self.paused_at is not None else self._clock()
        return max(0.0, (self.deadline - at) * self.speed)

    def can_finish_early(self) -> bool:
        """A rep set, or a timed range already past its minimum, may be marked done."""
        step = self.step
        if step.kind != "work":
            return False
        if step.reps is not None:
            return True
        return step.min_seconds is not None and self.elapsed() >= step.min_seconds

    def next_due(self) -> float | None:
        """When the next cue or deadline falls due, so an adapter can sleep until then."""
        if self.status != "running":
            return None
        times = [t for t, _cue, _text in self._cues() if _cue not in self._fired]
        if self.deadline is not None:
            times.append(self.deadline)
        return min(times) if times else None

    # --- actions -----------------------------------------------------------------------------

    def start(self) -> list[Event]:
        if self.status != "ready":
            raise PlayerError(f"cannot start a player that is {self.status}")
        self.status = "running"
        return self._begin(self._clock())

    def tick(self) -> list[Event]:
        """Advance through every cue and step that has fallen due by now."""
        now = self._clock()
        out: list[Event] = []
        while self.status == "running":
            for due, cue, text in self._cues():
                if cue not in self._fired and due <= now:
                    self._fired.add(cue)
                    out.append(self._event("cue", due, cue=cue, text=text))
            if self.deadline is None or self.deadline > now:
                break
            out += self._leave("step_completed", self.deadline, how="timer")
        return out

    def pause(self) -> list[Event]:
        if self.status != "running":
            return []
        now = self._clock()
        self.status = "paused"
        self.paused_at = now
        return [self._event("paused", now)]

    def resume(self) -> list[Event]:
        if self.status != "paused" or self.paused_at is None:
            return []
        now = self._clock()
        shift = now - self.paused_at
        self.started_at += shift
        if self.deadline is not None:
            self.deadline += shift
        self.paused_at = None
        self.status = "running"
        return [self._event("resumed", now)]

    def toggle_pause(self) -> list[Event]:
        return self.resume() if self.status == "paused" else self.pause()

    def skip(self) -> list[Event]:
        if self.over or self.status == "ready":
            return []
        return self._leave("step_skipped", self._clock())

    def done(self) -> list[Event]:
        """The person finished a rep set (or a timed range inside its range) early."""
        if self.over or self.status == "ready" or not self.can_finish_early():
            return []
        return self._leave("step_completed", self._clock(), how="done")

    def back(self) -> list[Event]:
        """Go back one step and start it again from its beginning."""
        if self.over or self.status == "ready":
            return []
        self.index = max(0, self.index - 1)
        return self._begin(self._clock(), how="back")

    def adjust_rest(self, seconds: int) -> list[Event]:
        """Lengthen or shorten the current rest; it can be shortened to nothing, not below."""
        if self.over or self.step.kind != "rest" or self.deadline is None:
            return []
        now = self.paused_at if self.paused_at is not None else self._clock()
        self.deadline = max(now, self.deadline + seconds / self.speed)
        end = self.deadline - LAST_SECONDS / self.speed
        if end > now:
            self._fired.discard("end")
        return [self._event("rest_adjusted", now, how=f"{seconds:+d}")]

    def flag_hurt(self) -> list[Event]:
        """ "This hurts" names the exercise being done, or the one just done during a
        transition (the next one has not started yet)."""
        if self.over:
            return []
        step = self.step
        if step.kind == "transition" and self.index > 0:
            step = self.timeline.steps[self.index - 1]
        self.hurt.add(step.exercise_id)
        return [Event("hurt_flagged", step.index, self._clock(), exercise_id=step.exercise_id)]

    def stop(self, reason: str = "stopped") -> list[Event]:
        """End the session early; what was done stays done."""
        if self.over:
            return []
        self.status = "stopped"
        return [self._event("session_stopped", self._clock(), how=reason)]

    def finish(self) -> list[Event]:
        """Close the session as finished now, whatever steps remain."""
        if self.over:
            return []
        self.status = "finished"
        return [self._event("session_finished", self._clock())]

    # --- inside ------------------------------------------------------------------------------

    def _event(self, kind: EventKind, at: float, **more: str | None) -> Event:
        step = self.step
        return Event(kind, step.index, at, exercise_id=step.exercise_id, **more)  # type: ignore[arg-type]

    def _length(self, step: Step) -> float | None:
        if step.waits_for_done and not self._reps_at_tempo:
            return None
        return step.seconds / self.speed

    def _cues(self) -> list[tuple[float, CueKind, str]]:
        step = self.step
        cues: list[tuple[float, CueKind, str]] = []
        if step.cue_half and self.deadline is not None:
            cues.append(
                (self.started_at + (self.deadline - self.started_at) / 2, "half", step.cue_half)
            )
        if step.cue_end and self.deadline is not None and step.seconds > LAST_SECONDS:
            cues.append((self.deadline - LAST_SECONDS / self.speed, "end", step.cue_end))
        return cues

    def _begin(self, at: float, how: str | None = None) -> list[Event]:
        step = self.step
        self.started_at = at
        length = self._length(step)
        self.deadline = None if length is None else at + length
        self._fired = set()
        if self.status == "paused":
            self.paused_at = at
        return [
            self._event("step_started", at, how=how),
            self._event("cue", at, cue="start", text=step.cue_start),
        ]

    def _leave(self, kind: EventKind, at: float, how: str | None = None) -> list[Event]:
        out = [self._event(kind, at, how=how)]
        (self.completed if kind == "step_completed" else self.skipped).add(self.index)
        if self.index + 1 >= len(self.timeline.steps):
            self.status = "finished"
            self.deadline = None
            return [*out, self._event("session_finished", at)]
        self.index += 1
        return out + self._begin(at)
