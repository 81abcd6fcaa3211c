"""Player timing against the real clock: cue lateness, drift over a session, CPU while waiting.

Plays a whole program day through the terminal player's own loop (``--auto`` mode, which
records every step in a real SQLite database as it goes) at a speed that makes it last about a
minute or more, then prints:

- cue lateness p50 / p99 / max: how long after its due time each cue was handled;
- total drift: when the session's end was noticed against start + planned length / speed;
- CPU time over wall time: the loop must sleep between events, not spin.

Budgets (DESIGN.md): p99 ≤ 20 ms, drift ≤ 20 ms, CPU ≤ 2 %.

    .venv/bin/python bench/player_timing.py [--day 3] [--speed 25]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from supple import services
from supple.cli.play import Runner
from supple.core.player import Event
from supple.core.safety import QUESTIONS
from supple.services import Scope, sessions
from supple.store.database import open_store


class TimedRunner(Runner):
    """The real runner, noting when the session started and when its end was noticed."""

    first_at: float | None = None
    finished_noticed: float | None = None

    def handle(self, events: list[Event]) -> None:
        for event in events:
            if event.kind == "step_started" and self.first_at is None:
                self.first_at = event.at
        super().handle(events)
        if any(e.kind == "session_finished" for e in events):
            self.finished_noticed = self.clock()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", type=int, default=3)
    parser.add_argument("--speed", type=float, default=25.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        start = date(2026, 11, 2)
        profile = services.init_profile(
            Scope.local(store, None),
            start_date=start,
            session_time="07:30",
            timezone="UTC",
            plan_path=None,
        )
        ctx = Scope.local(store, profile.person_id)
        services.record_screen(ctx, {q.id: False for q in QUESTIONS})
        on = date(2026, 11, 1 + args.day)
        plan = sessions.plan_for(ctx, on)
        session = sessions.start(ctx, plan, on)
        runner = TimedRunner(
            ctx, session, title="bench", speed=args.speed, auto=True, out=io.StringIO()
        )
        planned = plan.timeline.total_seconds / args.speed
        print(
            f"day {args.day}: {len(plan.timeline.steps)} steps, {plan.timeline.total_seconds} s "
            f"planned, at speed {args.speed:g} → {planned:.1f} s of real time"
        )
        cpu0, wall0 = time.process_time(), time.perf_counter()
        runner.run_auto()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        stored = sessions.load(ctx, session.id)
        store.dispose()
    assert runner.first_at is not None and runner.finished_noticed is not None
    late_ms = sorted(x * 1000 for x in runner.lateness)
    p50 = statistics.median(late_ms)
    p99 = late_ms[min(len(late_ms) - 1, round(0.99 * (len(late_ms) - 1)))]
    drift_ms = (runner.finished_noticed - (runner.first_at + planned)) * 1000
    cpu_pct = 100 * cpu / wall
    print(
        f"cues: {len(late_ms)}  lateness p50 {p50:.2f} ms  p99 {p99:.2f} ms  "
        f"max {late_ms[-1]:.2f} ms"
    )
    print(f"total drift: {drift_ms:.2f} ms over {wall:.1f} s")
    print(f"CPU {cpu:.3f} s over wall {wall:.1f} s = {cpu_pct:.2f} %")
    print(f"steps stored as completed: {len(stored.completed)} of {len(stored.timeline.steps)}")
    ok = p99 <= 20 and abs(drift_ms) <= 20 and cpu_pct <= 2
    print("within budget" if ok else "OVER BUDGET (p99 ≤ 20 ms, drift ≤ 20 ms, CPU ≤ 2 %)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
