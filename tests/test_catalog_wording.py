"""An exercise's steps speak the language of the dose the bundled plan prescribes: a hold or a
timed block never asks for reps, and a set of reps never asks to hold for the planned time."""

from __future__ import annotations

import re

import pytest

from supple.planfile import bundled_catalog, bundled_program

REPS_WORDS = re.compile(r"\b(reps?|repetitions?|\w+ times)\b", re.IGNORECASE)
HOLD_WORDS = re.compile(
    r"\bplanned time\b|\b(?:[1-9]\d+)(?: to \d+)? (?:seconds|minutes)\b", re.IGNORECASE
)


def wording_problems(kind: str, steps: tuple[str, ...]) -> list[str]:
    """Steps whose words belong to another kind of dose than ``kind``."""
    wrong = REPS_WORDS if kind in ("hold", "timed") else HOLD_WORDS
    return [step for step in steps if wrong.search(step)]


def _prescribed() -> list[tuple[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for day in bundled_program().days:
        for item in day.items:
            seen[(item.exercise_id, item.dose.kind)] = None
    return list(seen)


@pytest.mark.parametrize(("ident", "kind"), _prescribed(), ids=lambda v: str(v))
def test_an_exercises_steps_match_the_kind_of_dose_it_is_prescribed(ident: str, kind: str) -> None:
    assert wording_problems(kind, bundled_catalog()[ident].steps) == []


def test_the_worlds_greatest_stretch_is_a_hold_and_reads_as_one() -> None:
    assert ("worlds-greatest-stretch", "hold") in _prescribed()
    steps = " ".join(bundled_catalog()["worlds-greatest-stretch"].steps)
    assert "reps" not in steps and "until the time" in steps


@pytest.mark.parametrize(
    ("kind", "step", "wrong"),
    [
        ("hold", "Repeat the sequence for your reps.", True),
        ("hold", "Repeat three to five times, then move the roller.", True),
        ("timed", "Do 10 repetitions.", True),
        ("hold", "Hold for 20 to 30 seconds.", False),
        ("hold", "Roll over and repeat on your left side.", False),
        ("reps", "Hold for the planned time, breathing steadily.", True),
        ("reps", "Hold for 20 to 30 seconds.", True),
        ("reps", "Pause for two seconds at the top.", False),
        ("reps", "Repeat for all your reps on this side.", False),
    ],
)
def test_the_wording_check_tells_a_hold_from_a_set_of_reps(
    kind: str, step: str, wrong: bool
) -> None:
    assert bool(wording_problems(kind, (step,))) is wrong
