"""A clinician's dose adjustment and the adaptation rules (core.prescribed, core.adapt), case by
case: the days before it keep their doses, easing for pain still applies on top of it, and a
locked dose is never raised above the clinician's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from supple.core.adapt import History, Rating, adapt
from supple.core.plan import Dose
from supple.core.prescribed import Adjustment, Adjustments, bound_problem, misfit
from tests.test_adapt import BD, DAILY, START, d, easy, history

BIRD = next(i for day in DAILY.days for i in day.items if i.exercise_id == "bird-dog")


def adj(
    first: int,
    *,
    sets: int | None = None,
    reps: int | None = None,
    hold: int | None = None,
    locked: bool = False,
    ended: int | None = None,
    reason: str = "knee sore after squats",
) -> Adjustment:
    """Bird-Dog from November ``first`` on, set by Dana Lee on 1 November."""
    return Adjustment(
        "bird-dog",
        d(first),
        set_on=d(1),
        by="Dana Lee",
        reason=reason,
        sets=sets,
        reps=reps,
        hold_seconds=hold,
        locked=locked,
        ended_on=d(ended) if ended is not None else None,
    )


def dose_on(on: int, h: History, *adjustments: Adjustment) -> str:
    adapted = adapt(DAILY, START, h, d(on), adjustments).adapted(BIRD)
    variant = f"{adapted.variant.name} at " if adapted.variant else ""
    return variant + adapted.dose.describe()


def eased_then_easy(*days: int) -> History:
    """Bird-Dog rated 7 on 11 November, then done easily (1/10, effort 4) on ``days``."""
    h = easy(*days)
    return History(
        ratings={**h.ratings, (d(11), "bird-dog"): Rating(7)},
        efforts=h.efforts,
        done={**h.done, d(11): frozenset(BD)},
    )


TWO_BY_EIGHT = adj(10, sets=2, reps=8)
LOCKED = adj(10, sets=2, reps=8, locked=True)
NONE = History()

CASES: list[tuple[str, int, History, tuple[Adjustment, ...], str]] = [
    ("the day before its first day keeps the plan's dose", 9, NONE, (TWO_BY_EIGHT,), "3 × 10"),
    ("from its first day the clinician's dose", 10, NONE, (TWO_BY_EIGHT,), "2 × 8"),
    ("it carries forward", 40, NONE, (TWO_BY_EIGHT,), "2 × 8"),
    (
        "pain the day before its first day eases the clinician's dose (safety first)",
        10,
        history({(9, "bird-dog"): Rating(7)}),
        (TWO_BY_EIGHT,),
        "2 × 6",
    ),
    (
        "pain after its first day eases it",
        12,
        history({(11, "bird-dog"): Rating(6)}),
        (TWO_BY_EIGHT,),
        "2 × 6",
    ),
    (
        "pain eases a locked dose too",
        12,
        history({(11, "bird-dog"): Rating(8)}),
        (LOCKED,),
        "2 × 6",
    ),
    (
        "unlocked: two easy sessions progress from the clinician's dose",
        13,
        easy(11, 12),
        (TWO_BY_EIGHT,),
        "2 × 10",
    ),
    ("locked: two easy sessions do not raise it", 13, easy(11, 12), (LOCKED,), "2 × 8"),
    ("locked: four easy sessions still do not", 20, easy(11, 12, 14, 15), (LOCKED,), "2 × 8"),
    (
        "locked: eased for pain, it earns its way back up to the clinician's dose",
        16,
        eased_then_easy(13, 14),
        (LOCKED,),
        "2 × 8",
    ),
    (
        "locked: ... and no further",
        19,
        eased_then_easy(13, 14, 16, 17),
        (LOCKED,),
        "2 × 8",
    ),
    (
        "unlocked: the same history goes past it",
        19,
        eased_then_easy(13, 14, 16, 17),
        (TWO_BY_EIGHT,),
        "2 × 10",
    ),
    (
        "automatic steps before the adjustment still hold before it",
        9,
        history({(5, "bird-dog"): Rating(7)}),
        (adj(10, sets=3, reps=10),),
        "3 × 8",
    ),
    (
        "automatic steps before the adjustment are forgotten from its first day",
        10,
        history({(5, "bird-dog"): Rating(7)}),
        (adj(10, sets=3, reps=10),),
        "3 × 10",
    ),
    (
        "an adjustment without values brings back the plan's dose",
        12,
        history({(5, "bird-dog"): Rating(7), (6, "bird-dog"): Rating(7)}),
        (adj(10),),
        "3 × 10",
    ),
    (
        "a later adjustment takes over on its first day",
        15,
        NONE,
        (adj(10, sets=2, reps=8, ended=15), adj(15, sets=1, reps=6)),
        "1 × 6",
    ),
    (
        "the earlier one still holds the day before",
        14,
        NONE,
        (adj(10, sets=2, reps=8, ended=15), adj(15, sets=1, reps=6)),
        "2 × 8",
    ),
    (
        "one replaced before its first day never applies",
        20,
        NONE,
        (adj(15, sets=2, reps=8, ended=12), adj(12, reps=14)),
        "3 × 14",
    ),
    (
        "ended by a new plan: the plan's dose from that day",
        20,
        NONE,
        (adj(10, sets=2, reps=8, ended=20),),
        "3 × 10",
    ),
    (
        "a value that does not fit how the plan doses it is ignored",
        12,
        NONE,
        (adj(10, hold=20),),
        "3 × 10",
    ),
]


@pytest.mark.parametrize(
    ("on", "h", "adjustments", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_an_adjusted_dose_day_by_day(
    on: int, h: History, adjustments: tuple[Adjustment, ...], expected: str
) -> None:
    assert dose_on(on, h, *adjustments) == f"{expected} reps per side"


def test_the_client_reads_who_set_the_dose_when_and_why() -> None:
    adapted = adapt(DAILY, START, NONE, d(12), [TWO_BY_EIGHT]).adapted(BIRD)
    assert adapted.prescribed == TWO_BY_EIGHT
    assert adapted.reason == (
        "Bird-Dog Exercise: 3 × 10 → 2 × 8 reps per side from 2026-11-10 — set by Dana Lee "
        "on 2026-11-01: knee sore after squats"
    )


def test_a_locked_dose_says_it_will_not_be_raised() -> None:
    adapted = adapt(DAILY, START, NONE, d(12), [LOCKED]).adapted(BIRD)
    assert adapted.reason is not None
    assert "Supple will not raise it; easing for pain still applies" in adapted.reason


def test_an_easing_after_the_clinicians_dose_is_said_after_it() -> None:
    h = history({(11, "bird-dog"): Rating(7)})
    adapted = adapt(DAILY, START, h, d(12), [TWO_BY_EIGHT]).adapted(BIRD)
    assert adapted.reason is not None
    credit, since = adapted.reason.split(". Since then: ")
    assert credit.endswith("set by Dana Lee on 2026-11-01: knee sore after squats")
    assert since.startswith("Bird-Dog Exercise: 2 × 8 → 2 × 6 reps per side — you rated it 7/10")


def test_an_easing_before_the_clinicians_dose_no_longer_explains_it() -> None:
    h = history({(5, "bird-dog"): Rating(7)})
    adapted = adapt(DAILY, START, h, d(12), [adj(10, sets=3, reps=10)]).adapted(BIRD)
    assert adapted.reason is not None and "Since then" not in adapted.reason


def test_without_adjustments_the_other_exercises_and_days_are_untouched() -> None:
    h = history({(3, "childs-pose"): Rating(7)})
    plain = adapt(DAILY, START, h, d(12))
    adjusted = adapt(DAILY, START, h, d(12), [TWO_BY_EIGHT])
    pose = next(i for i in DAILY.days[0].items if i.exercise_id == "childs-pose")
    assert adjusted.adapted(pose) == plain.adapted(pose)
    assert adjusted.changes == plain.changes


def test_every_change_lists_the_clinicians_next_to_the_rules_by_date() -> None:
    h = history({(5, "bird-dog"): Rating(7), (11, "bird-dog"): Rating(6)})
    result = adapt(DAILY, START, h, d(13), [TWO_BY_EIGHT])
    listed = result.every_change()
    assert [day for day, _ in listed] == [d(6), d(10), d(12)]
    assert "you rated it 7/10" in listed[0][1] and "3 × 10 → 3 × 8" in listed[0][1]
    assert "set by Dana Lee" in listed[1][1]
    # the easing after the adjustment is worded from the clinician's dose, not the plan's
    assert "2 × 8 → 2 × 6 reps per side" in listed[2][1]


@pytest.mark.parametrize(
    ("plan", "given", "problem"),
    [
        (Dose(sets=3, reps=10), dict(reps=8), None),
        (Dose(sets=3, reps=10), dict(sets=2), None),
        (Dose(hold_seconds=30), dict(hold_seconds=20), None),
        (Dose(duration_seconds=300), dict(minutes=4), None),
        (Dose(sets=3, reps=10), dict(hold_seconds=20), "give reps rather than hold seconds"),
        (Dose(hold_seconds=30), dict(reps=8), "give hold seconds rather than reps"),
        (Dose(hold_seconds=30), dict(minutes=3), "give hold seconds rather than minutes"),
        (Dose(duration_seconds=300), dict(reps=3), "give minutes rather than reps"),
        (Dose(sets=3, reps=10), dict(reps=8, hold_seconds=3), "only one of reps"),
    ],
)
def test_values_must_fit_how_the_plan_doses_the_exercise(
    plan: Dose, given: dict[str, Any], problem: str | None
) -> None:
    adjustment = replace(Adjustment("x", date(2026, 11, 10), date(2026, 11, 9), "D", "r"), **given)
    found = misfit(adjustment, plan)
    assert (found is None) if problem is None else (found is not None and problem in found)


@pytest.mark.parametrize(
    ("name", "value", "ok"),
    [
        ("sets", 0, False),
        ("sets", 1, True),
        ("sets", 20, True),
        ("sets", 21, False),
        ("reps", 200, True),
        ("reps", 201, False),
        ("hold_seconds", 3600, True),
        ("hold_seconds", 3601, False),
        ("minutes", 180, True),
        ("minutes", 181, False),
        ("minutes", -1, False),
    ],
)
def test_each_value_keeps_the_bounds_of_a_plan_file(name: str, value: int, ok: bool) -> None:
    assert (bound_problem(name, value) is None) is ok


def test_minutes_replace_a_range_with_a_fixed_block() -> None:
    walk = Dose(duration_seconds=900, duration_max_seconds=1200)
    a = Adjustment("walk", date(2026, 11, 10), date(2026, 11, 9), "D", "r", minutes=10)
    assert a.dose_for(walk) == Dose(duration_seconds=600)


def test_one_replaced_before_it_began_is_left_out_of_the_list() -> None:
    gone = adj(15, sets=2, reps=8, ended=12)
    assert Adjustments([gone, adj(12, reps=14)]).all == (adj(12, reps=14),)
