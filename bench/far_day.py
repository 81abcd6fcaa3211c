"""What a far day costs: the adapted day two years ahead against the day after the last record.

The adaptation replays the person's records from the program's start; it must cost in
proportion to the days that hold records, not to the distance to the date asked for (a far
date used to take most of a minute). A SQLite database gets a profile, 60 days of morning
check-ins and exercise ratings, then ``services.day`` is timed for a near and a far date, and the
core's replay alone to 9999-12-25 (a date the faces refuse, see ``core.limits``).

    python -m bench.far_day            # prints the best of 5 runs for each, in milliseconds
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supple.services import Scope

RUNS = 5
RECORDED_DAYS = 60


def _seeded(url: str, start: date) -> Scope:
    from supple import services
    from supple.core.safety import QUESTIONS
    from supple.store.database import open_store

    nobody = services.Scope.local(open_store(url), None)
    profile = services.init_profile(
        nobody, start_date=start, session_time="07:30", timezone="Europe/Paris", plan_path=None
    )
    scope = nobody.for_created(profile.person_id)
    services.record_screen(scope, {q.id: False for q in QUESTIONS})
    for offset in range(RECORDED_DAYS):
        on = start + timedelta(days=offset)
        services.record_morning(scope, on, pain=2 + offset % 3, stiffness=3)
        for item in services.day(scope, on).items:
            services.rate_exercise(scope, on, item.exercise.id, pain=offset % 4)
    return scope


def _best(scope: Scope, on: date) -> float:
    from supple import services

    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        services.day(scope, on)
        times.append(time.perf_counter() - began)
    return min(times) * 1000


def _core_replay(scope: Scope, on: date) -> float:
    """The core's replay alone, to a date far beyond the window the faces allow."""
    from supple import services
    from supple.core.adapt import adapt

    profile = services.get_profile(scope)
    history = services.load_history(scope, on)
    program = services.program_for(profile)
    began = time.perf_counter()
    adapt(program, profile.start_date, history, on)
    return (time.perf_counter() - began) * 1000


def main() -> int:
    from supple.services import SystemClock

    today = SystemClock().today("Europe/Paris")
    start = today - timedelta(days=RECORDED_DAYS)
    with tempfile.TemporaryDirectory() as folder:
        scope = _seeded(f"sqlite:///{Path(folder) / 'far.db'}", start)
        near = _best(scope, today)
        far = _best(scope, today + timedelta(days=729))
        farthest = _core_replay(scope, date(9999, 12, 25))
        scope.store.dispose()
    print(f"day after the last record: {near:8.1f} ms")
    print(f"two years ahead:           {far:8.1f} ms  ({far / near:.1f}x the near day)")
    print(f"core replay to 9999-12-25: {farthest:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
