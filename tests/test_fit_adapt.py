"""How the adaptation rules read a session fitted to fewer minutes or missing props
(docs/session-fitting.md): pain counts as always, less work never earns a step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from supple import planfile
from supple.core.adapt import History, Morning, Rating, adapt
from supple.core.plan import Day, Dose, Prescription, Program

START = date(2026, 11, 2)
BUNDLED = planfile.bundled_program()
BIRD_DOG = Dose(sets=3, reps=10, per="side")
DAILY = Program(
    "test",
    4,
    tuple(Day(n, f"Day {n}", "test", (Prescription("bird-dog", BIRD_DOG),)) for n in range(1, 8)),
    BUNDLED.catalog,
)
BD = frozenset({"bird-dog"})


def d(day: int) -> date:
    return START + timedelta(days=day - 1)


def sessions(
    full: dict[int, int],
    reduced: dict[int, int],
    effort: int = 4,
    mornings: dict[int, int] | None = None,
) -> History:
    """Bird-Dog done on the given days with the given pain, at full dose or reduced."""
    every = {**full, **reduced}
    return History(
        mornings={d(k): Morning(v, 2) for k, v in (mornings or {}).items()},
        ratings={(d(k), "bird-dog"): Rating(p) for k, p in every.items()},
        efforts={d(k): effort for k in every},
        done={d(k): BD for k in every},
        reduced={d(k): BD for k in reduced},
    )


def bird(on: int, history: History) -> str:
    level = adapt(DAILY, START, history, d(on)).adapted(DAILY.days[0].items[0])
    return level.dose.describe()


CASES = [
    ("two easy full sessions progress", sessions({2: 1, 3: 1}, {}), 4, "3 × 12 reps per side"),
    ("an easy fitted session does not earn", sessions({2: 1}, {3: 1}), 4, "3 × 10 reps per side"),
    ("two easy fitted sessions do not earn", sessions({}, {2: 0, 3: 0}), 4, "3 × 10 reps per side"),
    (
        "a fitted session between two easy full ones neither earns nor breaks the pair",
        sessions({2: 1, 4: 1}, {3: 1}),
        5,
        "3 × 12 reps per side",
    ),
    (
        "a fitted session rated 4 breaks the pair as a full one would",
        sessions({2: 1, 4: 1}, {3: 4}),
        5,
        "3 × 10 reps per side",
    ),
    ("a 6 on a fitted session regresses (rule 1)", sessions({}, {3: 6}), 4, "3 × 8 reps per side"),
    (
        "a bad morning after a fitted session regresses what was done (rule 3)",
        sessions({}, {3: 1}, mornings={4: 7}),
        5,
        "3 × 8 reps per side",
    ),
]


@pytest.mark.parametrize(("case", "history", "on", "expected"), CASES)
def test_a_fitted_session_counts_for_pain_but_never_for_progression(
    case: str, history: History, on: int, expected: str
) -> None:
    assert bird(on, history) == expected
