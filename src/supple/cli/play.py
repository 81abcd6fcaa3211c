"""The loop that drives a session in the terminal: the player decides, this records and shows.

Each completed or skipped step is committed to the database before anything is printed about
it, so whatever the screen or the log has reported is already safe. The loop sleeps until the
player's next deadline (or the next change of the displayed second, or a key press); it never
polls.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import TextIO

from supple.cli.player_view import Notes, describe, screen
from supple.cli.terminal import Keys, Sound
from supple.core.pain import must_stop
from supple.core.player import REST_STEP, Event, Player
from supple.services import Scope, rate_exercise, sessions

MAX_REFRESH = 0.05  # real seconds between redraws at most 20 a second, at any speed


class Runner:
    """One session played in the terminal, interactively or with ``--auto``."""

    def __init__(
        self,
        scope: Scope,
        session: sessions.Session,
        *,
        title: str,
        speed: float = 1.0,
        auto: bool = False,
        quiet: bool = False,
        clock: Callable[[], float] = time.monotonic,
        out: TextIO | None = None,
    ) -> None:
        start_at = session.resume_point
        if start_at is None:
            raise ValueError("every step of this session is already done")
        self.scope = scope
        self.session = session
        self.auto = auto
        self.out = out or sys.stdout
        self.clock = clock
        self.player = Player(
            session.timeline,
            clock,
            speed=speed,
            start_at=start_at,
            completed=session.completed,
            skipped=session.skipped,
            reps_at_tempo=auto,
        )
        self.sound = Sound(enabled=not quiet and not auto)
        self.notes = Notes(title=title)
        self.pain: dict[str, int | None] = {}
        self.rating_item: tuple[str, str] | None = None  # (exercise id, name) awaiting a rating
        self.stopped_for_pain = False
        self.lateness: list[float] = []  # real seconds between a cue's due time and its handling

    # --- events ------------------------------------------------------------------------------

    def handle(self, events: list[Event]) -> None:
        """Cues first (they are the time-critical part), then the writes, then the log."""
        for event in events:
            if event.kind == "cue":
                self.lateness.append(self.clock() - event.at)
                if event.cue in ("start", "end"):
                    self.sound.bell()
                if event.text:
                    self.sound.say(event.text)
        for event in events:
            if event.kind != "cue":
                self._record(event)

    def _record(self, event: Event) -> None:
        sid = self.session.id
        kind = event.kind
        if kind in ("step_completed", "step_skipped"):
            assert event.step is not None
            sessions.record(self.scope, sid, kind, event.step, data={"how": event.how})
            step = self.player.timeline.steps[event.step]
            if self.auto:
                mark = "done" if kind == "step_completed" else "skipped"
                total = len(self.player.timeline.steps)
                self.print(
                    f"{event.step + 1:>3}/{total} {mark:<7} {step.kind:<10} {describe(step)}"
                )
            elif kind == "step_completed" and self._last_work_of_item(event.step):
                self.rating_item = (step.exercise_id, step.exercise_name)
                self.notes.rating_for = step.exercise_name
        elif kind == "step_started":
            if self.player.step.kind == "work" and self.rating_item:
                self._clear_rating()
            step = self.player.step
            first_work = step.kind == "work" and step.set_no == 1
            first_work = first_work and (step.side or "left").startswith("left")
            if step.kind == "transition" or (first_work and self.notes.message):
                self.notes.message = None
            if event.how == "back":
                sessions.record(self.scope, sid, "step_back", event.step)
        elif kind in ("paused", "resumed", "rest_adjusted"):
            sessions.record(self.scope, sid, kind, event.step, data={"how": event.how})
        elif kind == "hurt_flagged":
            exercise = event.exercise_id or ""
            sessions.record(self.scope, sid, kind, event.step, data={"exercise": exercise})
            rate_exercise(
                self.scope, self.session.on, exercise, pain=self.pain.get(exercise), hurt=True
            )
            self.notes.message = (
                "Marked as hurting: Supple will ease this exercise next time. Skip it (→) if "
                "it keeps hurting; if the pain is sharp, shooting, numb or tingling, stop (q)."
            )
        elif kind == "session_finished":
            sessions.finish(self.scope, sid)
        elif kind == "session_stopped":
            if event.how == sessions.QUIT:
                sessions.record(self.scope, sid, sessions.QUIT, event.step)
            else:
                sessions.stop(self.scope, sid, event.how or "stopped")

    def _last_work_of_item(self, index: int) -> bool:
        steps = self.player.timeline.steps
        item = steps[index].item
        return not any(s.kind == "work" and s.item == item for s in steps[index + 1 :])

    def _clear_rating(self) -> None:
        self.rating_item = None
        self.notes.rating_for = None

    def rate(self, pain: int) -> None:
        """Store the pain rating asked for at the end of an exercise; stop if it is too much."""
        assert self.rating_item is not None
        exercise, name = self.rating_item
        self._clear_rating()
        self.pain[exercise] = pain
        rate_exercise(
            self.scope, self.session.on, exercise, pain=pain, hurt=exercise in self.player.hurt
        )
        if must_stop(pain):
            self.stopped_for_pain = True
            self.handle(self.player.stop(f"pain {pain} after {name}"))
        else:
            self.notes.message = f"Saved: {name}, pain {pain}."

    # --- keys --------------------------------------------------------------------------------

    def key(self, key: str) -> None:
        player = self.player
        self.notes.message = None
        if key.isdigit() and self.rating_item:
            self.rate(int(key))
        elif key in ("\n", "\r") and self.rating_item:
            self._clear_rating()
        elif key == " ":
            self.handle(player.toggle_pause())
        elif key in ("right", "n"):
            self.handle(player.skip())
        elif key in ("left", "b"):
            self.handle(player.back())
        elif key in ("+", "="):
            self._adjust(REST_STEP)
        elif key in ("-", "_"):
            self._adjust(-REST_STEP)
        elif key == "d":
            if not player.can_finish_early():
                self.notes.message = "d ends a set of reps, or a timed block once past its minimum."
            self.handle(player.done())
        elif key == "h":
            self.handle(player.flag_hurt())
        elif key in ("q", "Q"):
            self.handle(player.stop(sessions.QUIT))

    def _adjust(self, seconds: int) -> None:
        if self.player.step.kind != "rest":
            self.notes.message = "+ and - change the length of a rest."
            return
        self.handle(self.player.adjust_rest(seconds))
        self.notes.message = f"Rest {'longer' if seconds > 0 else 'shorter'} by {abs(seconds)} s."

    # --- loops -------------------------------------------------------------------------------

    def print(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def _next_wake(self) -> float | None:
        """Real seconds until something must happen: a deadline, a cue, or the displayed
        second changing (interactive only)."""
        player = self.player
        now = self.clock()
        due = player.next_due()
        wait = None if due is None else max(0.0, due - now)
        if not self.auto and player.status == "running":
            shown = player.remaining()
            value = shown if shown is not None else player.elapsed()
            frac = value - math.floor(value) if shown is not None else 1 - (value % 1)
            redraw = max(MAX_REFRESH, (frac or 1.0) / player.speed)
            wait = redraw if wait is None else min(wait, redraw)
        return wait

    def run_auto(self) -> None:
        """No keyboard: rep sets run at tempo, one line per step."""
        self.handle(self.player.start())
        while not self.player.over:
            wait = self._next_wake()
            if wait:
                time.sleep(wait)
            self.handle(self.player.tick())

    def run_interactive(self) -> None:
        from rich.live import Live

        from supple.cli import terminal_text

        console = terminal_text.console()
        with Keys() as keys, Live(console=console, screen=True, auto_refresh=False) as live:
            self.handle(self.player.start())
            try:
                while not self.player.over:
                    live.update(screen(self.player, self.notes), refresh=True)
                    key = keys.read(self._next_wake())
                    if key is not None:
                        self.key(key)
                    self.handle(self.player.tick())
                if self.rating_item and self.player.status == "finished":
                    live.update(screen(self.player, self.notes), refresh=True)
                    key = keys.read(60.0)
                    if key is not None and key.isdigit():
                        self.rate(int(key))
            except KeyboardInterrupt:
                self.handle(self.player.stop(sessions.QUIT))
        self.sound.close()
