"""Fitting a day to "I have N minutes" and "no bench / no roller / no weights"
(docs/session-fitting.md), checked on every day of the bundled plan and case by case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations

import pytest

from supple import planfile
from supple.core.day_plan import Adapted, DayPlan, plan_day
from supple.core.errors import InputError, PlanError
from supple.core.fit import (
    BREATHING_FLOOR,
    HOLD_FLOOR,
    PROPS,
    REST_FLOOR,
    Choices,
    Fitted,
    fit,
    parse_choices,
)
from supple.core.plan import Day, Dose, Prescription, Program
from supple.core.timeline import build

PROGRAM = planfile.bundled_program()
CATALOG = PROGRAM.catalog
START = date(2026, 11, 2)
DAYS = range(1, 8)
BUDGETS = (10, 15, 20)
SUBSETS = [frozenset(c) for n in range(4) for c in combinations(sorted(PROPS), n)]


def day(number: int, adapt: object = None) -> DayPlan:
    return plan_day(PROGRAM, START, START + timedelta(days=number - 1), adapt=adapt)  # type: ignore[arg-type]


def fitted(number: int, minutes: int | None, without: frozenset[str] = frozenset()) -> Fitted:
    return fit(day(number), CATALOG, Choices(minutes, without))


def swap_targets(exercise_id: str, missing: frozenset[str]) -> set[str]:
    """The exercise ids an item may become when ``missing`` props are gone."""
    exercise = CATALOG[exercise_id]
    out = {exercise_id}
    for prop in missing:
        swap = exercise.swap_for(PROPS[prop])
        if swap is not None and swap.use not in ("easier", "harder", "same"):
            out.add(swap.use)
    return out


CASES = [(n, m, w) for n in DAYS for m in BUDGETS for w in SUBSETS]


@pytest.mark.parametrize(("number", "minutes", "without"), CASES)
def test_every_day_fits_its_budget_or_reports_its_true_minimum(
    number: int, minutes: int, without: frozenset[str]
) -> None:
    result = fitted(number, minutes, without)
    shortest = fit(day(number), CATALOG, Choices(5, without))
    assert (
        result.seconds == build([i.prescription for i in result.plan.items], CATALOG).total_seconds
    )
    if result.fits:
        assert result.seconds <= minutes * 60
    else:
        assert result.seconds == shortest.seconds > minutes * 60
        assert f"about {round(result.seconds / 60)} min, more than {minutes} minutes" in str(
            result.summary()
        )


@pytest.mark.parametrize(("number", "minutes", "without"), CASES)
def test_fitting_keeps_every_exercise_in_order_with_its_reps_and_sides(
    number: int, minutes: int, without: frozenset[str]
) -> None:
    before, result = day(number), fitted(number, minutes, without)
    assert len(result.plan.items) == len(before.items)
    for old, new in zip(before.items, result.plan.items, strict=True):
        assert new.exercise.id in swap_targets(old.exercise.id, without)
        assert new.prescription.dose.reps == old.prescription.dose.reps
        assert new.prescription.dose.per == old.prescription.dose.per
        assert new.prescription.dose.set_count >= 1
        hold = new.prescription.dose.hold_seconds
        if hold is not None:
            assert hold >= min(HOLD_FLOOR, old.prescription.dose.hold_seconds or 0)


@pytest.mark.parametrize(("number", "minutes", "without"), CASES)
def test_the_get_ready_the_lead_ins_and_the_breathing_floor_are_never_touched(
    number: int, minutes: int, without: frozenset[str]
) -> None:
    before, result = day(number), fitted(number, minutes, without)
    leads = [
        (s.kind, s.seconds) for s in before.timeline.steps if s.kind in ("ready", "transition")
    ]
    assert [
        (s.kind, s.seconds) for s in result.plan.timeline.steps if s.kind in ("ready", "transition")
    ] == leads
    for old, new in zip(before.items, result.plan.items, strict=True):
        if old.exercise.category != "breathing":
            continue
        assert new.exercise.id == old.exercise.id
        assert (new.prescription.dose.duration_seconds or 0) >= BREATHING_FLOOR
        if new.prescription.dose != old.prescription.dose:  # only when the day needs it
            position = result.plan.items.index(new)
            longer = list(result.plan.items)
            dose = new.prescription.dose
            more = (dose.duration_seconds or 0) + 60
            longer[position] = replace(
                new,
                prescription=replace(
                    new.prescription, dose=dose.with_changes(duration_seconds=more)
                ),
            )
            total = build([i.prescription for i in longer], CATALOG).total_seconds
            assert total > minutes * 60, "the breathing was cut though a minute more still fits"


@pytest.mark.parametrize(("number", "minutes", "without"), CASES)
def test_every_change_has_a_reason_and_every_difference_is_explained(
    number: int, minutes: int, without: frozenset[str]
) -> None:
    before, result = day(number), fitted(number, minutes, without)
    for position, (old, new) in enumerate(zip(before.items, result.plan.items, strict=True)):
        reasons = result.reasons(position)
        assert all(r.strip() for r in reasons)
        changed = (
            new.prescription.dose != old.prescription.dose
            or new.exercise.id != old.exercise.id
            or new.variant != old.variant
        )
        assert not changed or reasons, f"day {number} item {position + 1} changed silently"
        if new.exercise.id != old.exercise.id or new.variant != old.variant:
            assert any("instead of" in r and "(no " in r for r in reasons)


@pytest.mark.parametrize(("number", "without"), [(n, w) for n in DAYS for w in SUBSETS])
def test_swaps_happen_only_where_a_missing_prop_is_needed(
    number: int, without: frozenset[str]
) -> None:
    before, result = day(number), fitted(number, None, without)
    for position, (old, new) in enumerate(zip(before.items, result.plan.items, strict=True)):
        needs = {p for p in without if PROPS[p] in old.exercise.equipment}
        kinds = {c.kind for c in result.changes if c.item == position}
        if not needs:
            assert (new.exercise.id, new.variant) == (old.exercise.id, old.variant)
            assert not kinds
        else:
            assert kinds & {"swap", "note"}
        assert new.prescription.dose == old.prescription.dose  # no budget: no shrinking
    assert result.fits and result.summary() is None


def test_the_bundled_catalog_names_a_swap_for_every_bench_roller_and_weights_exercise() -> None:
    for exercise in CATALOG.values():
        for prop in PROPS.values():
            if prop in exercise.equipment:
                swap = exercise.swap_for(prop)
                assert swap is not None, f"{exercise.id} has no swap without {prop}"
                assert swap.reason


SWAP_CASES = [
    ("hip thrusts on the floor", 5, "bench", 2, "Glute Bridge instead of Hip Thrusts (no bench)"),
    ("split squat", 5, "bench", 1, "Split Squat instead of Bulgarian Split Squats (no bench)"),
    ("low step-ups", 3, "bench", 1, "Low Step-Ups instead of Step-Ups (no bench)"),
    ("child’s pose for rolling", 4, "roller", 0, "Child’s Pose Stretch instead of Foam Rolling"),
    ("towel for the roller", 6, "roller", 4, "Small-Range Extension instead of Thoracic Spine"),
    ("deadlifts with body weight", 3, "weights", 3, "Romanian Deadlifts (no weights)"),
    ("hip thrusts with body weight", 5, "weights", 2, "Hip Thrusts (no weights)"),
]


@pytest.mark.parametrize(("case", "number", "prop", "item", "reason"), SWAP_CASES)
def test_a_missing_prop_swaps_to_what_the_catalog_names(
    case: str, number: int, prop: str, item: int, reason: str
) -> None:
    result = fitted(number, None, frozenset({prop}))
    assert any(r.startswith(reason) for r in result.reasons(item)), result.reasons(item)


def test_a_swap_to_a_variant_is_what_the_player_names_and_describes() -> None:
    result = fitted(5, None, frozenset({"bench"}))
    bridge = result.plan.items[2]
    assert bridge.variant == CATALOG["hip-thrusts"].easier
    names = {s.exercise_name for s in result.plan.timeline.steps if s.item == 2}
    assert names == {"Glute Bridge"}
    assert result.reduced_items == {1, 2}


def test_a_swap_to_another_exercise_is_recorded_as_that_exercise() -> None:
    result = fitted(4, None, frozenset({"roller"}))
    assert {s.exercise_id for s in result.plan.timeline.steps if s.item == 0} == {"childs-pose"}
    assert result.plan.items[0].prescription.dose == Dose(duration_seconds=300)
    assert result.changes[0].exercise_id == "childs-pose" and result.changes[0].reduces_work


def test_an_exercise_already_at_the_swapped_variant_is_left_alone() -> None:
    bridge = CATALOG["hip-thrusts"].easier

    def easier_thrusts(item: Prescription) -> Adapted:
        variant = bridge if item.exercise_id == "hip-thrusts" else None
        return Adapted(item.dose, variant)

    result = fit(day(5, easier_thrusts), CATALOG, Choices(None, frozenset({"bench"})))
    assert [c.item for c in result.changes] == [1]  # the split squat only


def test_without_weights_alone_is_a_note_not_less_work() -> None:
    result = fitted(3, None, frozenset({"weights"}))
    assert [c.kind for c in result.changes] == ["note"]
    assert result.reduced_items == frozenset()


SHRINK_CASES = [
    # (day, minutes, item, the reason it must carry)
    (7, 24, 0, "Walking or Light Cycling: 15 min, the short end of 15–20 min, to fit 24 minutes"),
    (7, 20, 0, "Walking or Light Cycling: 11 min instead of 15–20 min to fit 20 minutes"),
    (4, 10, 1, "Standing Quad Stretch: holds of 25 s instead of 30 s to fit 10 minutes"),
    (3, 20, 0, "Bodyweight Squats: rests of 15 s instead of 45 s to fit 20 minutes"),
    (3, 15, 2, "Side-Lying Clamshells: 2 sets instead of 3 to fit 15 minutes"),
    (1, 10, 0, "Hip Circles: 2 sets instead of 3 to fit 10 minutes"),
    (7, 15, 4, "Deep Breathing Exercises: 3 min instead of 5 min to fit 15 minutes"),
]


@pytest.mark.parametrize(("number", "minutes", "item", "reason"), SHRINK_CASES)
def test_a_budget_shrinks_the_day_with_reasons_in_plain_words(
    number: int, minutes: int, item: int, reason: str
) -> None:
    assert reason in fitted(number, minutes).reasons(item)


def test_rests_shrink_before_any_set_is_cut() -> None:
    strength = Day(1, "Strength", "Strong", (Prescription("romanian-deadlifts", Dose(3, 12)),))
    program = Program("One", 4, (strength,), CATALOG)
    plan = plan_day(program, START, START)
    rest_saving = 2 * (CATALOG["romanian-deadlifts"].rest_seconds - REST_FLOOR)
    budget_seconds = plan.estimated_seconds - rest_saving
    minutes = -(-budget_seconds // 60)  # the smallest whole-minute budget rests alone can meet
    result = fit(plan, CATALOG, Choices(minutes))
    assert result.plan.items[0].prescription.dose.set_count == 3
    assert result.plan.items[0].prescription.rest_seconds == REST_FLOOR
    assert [c.kind for c in result.changes] == ["rest"]


def test_sets_are_cut_round_robin_from_the_most_sets_left() -> None:
    result = fitted(3, 15)
    sets = [i.prescription.dose.set_count for i in result.plan.items]
    assert max(sets) - min(sets) <= 1 and min(sets) >= 1


def test_time_left_by_the_last_cut_is_given_back() -> None:
    result = fitted(5, 10)  # cutting a set of Lunges left 1:28 over; a set of Hip Thrusts fits
    assert result.seconds > 9 * 60
    sets = {i.exercise.id: i.prescription.dose.set_count for i in result.plan.items}
    assert sets["lunges"] == 1 and sets["hip-thrusts"] == 3


def test_a_day_that_already_fits_is_left_whole_and_says_so() -> None:
    result = fitted(6, 20)
    assert result.plan == day(6) and not result.changes
    assert result.summary() == "The whole day fits in 20 minutes (about 9 min), so nothing is cut."


def test_the_choices_are_stored_with_their_reasons() -> None:
    stored = fitted(5, 15, frozenset({"bench"})).to_json()
    assert stored["minutes"] == 15 and stored["without"] == ["bench"] and stored["fits"]
    assert stored["seconds"] <= 900 < stored["full_seconds"]
    assert {c["item"] for c in stored["changes"] if c["reduces_work"]} >= {1, 2}


GOOD_CHOICES = [
    (None, None, Choices()),
    ("15", "", Choices(15)),
    (10, "bench", Choices(10, frozenset({"bench"}))),
    ("", "bench, Roller,weights", Choices(None, frozenset({"bench", "roller", "weights"}))),
    (20, ["bench", "roller"], Choices(20, frozenset({"bench", "roller"}))),
]


@pytest.mark.parametrize(("minutes", "without", "expected"), GOOD_CHOICES)
def test_choices_are_read_as_people_type_them(
    minutes: object, without: object, expected: Choices
) -> None:
    assert parse_choices(minutes, without) == expected  # type: ignore[arg-type]


BAD_CHOICES = [
    ("abc", None, "minutes must be a whole number from 5 to 120, got 'abc'"),
    ("0", None, "minutes must be a whole number from 5 to 120, got '0'"),
    ("-5", None, "got '-5'"),
    ("121", None, "got '121'"),
    ("12.5", None, "got '12.5'"),
    (None, "couch", "unknown prop 'couch' after --without; choose from bench, roller, weights"),
    (None, "bench,dumbells", "unknown prop 'dumbells'"),
]


@pytest.mark.parametrize(("minutes", "without", "message"), BAD_CHOICES)
def test_bad_choices_say_what_is_allowed(minutes: object, without: object, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_choices(minutes, without)  # type: ignore[arg-type]


# --- the catalog's `without` entries ----------------------------------------------------------

EXERCISE = """format: 1
name: Mine
exercises:
  - id: box-squat
    name: Box Squat
    category: strength
    targets: [quads]
    equipment: [bench]
    per: null
    tempo_seconds: 4
    rest_seconds: 30
    summary: Sit back to a bench and stand.
    setup: [Stand in front of a bench.]
    steps: [Sit back until you touch it, then stand.]
    cues: [Sit back, Stand tall]
    mistakes: [Dropping onto the bench.]
    stop_if: [Knee pain.]
    easier: {name: High Box Squat, how: Use a higher seat.}
    harder: {name: Pause Box Squat, how: Pause on the bench.}
    without:
WITHOUT
days:
  - day: 1
    title: T
    goal: G
    items:
      - {exercise: box-squat, sets: 3, reps: 10}
"""

BAD_WITHOUT = [
    (
        "      bench: {use: chair-squat, reason: x}",
        "21:20: exercise 'box-squat' without bench use: 'chair-squat' is not easier, harder, "
        "same or a known exercise id",
    ),
    (
        "      bench: {use: step-ups, reason: x}",
        "21:20: exercise 'box-squat' without bench use: 'step-ups' needs a bench too",
    ),
    (
        "      dumbbells: {use: same, reason: x}",
        "21:7: exercise 'box-squat' without 'dumbbells': 'dumbbells' is not in its equipment",
    ),
    ("      sofa: {use: same, reason: x}", "21:7: exercise 'box-squat' without must be one of"),
    (
        "      bench: {use: easier}",
        "21:14: exercise 'box-squat' without bench: missing required key 'reason'",
    ),
    (
        "      - bench",
        "21:7: exercise 'box-squat' without must be a mapping of equipment to a swap",
    ),
]


@pytest.mark.parametrize(("without", "message"), BAD_WITHOUT)
def test_a_bad_without_entry_is_reported_at_its_line(without: str, message: str) -> None:
    with pytest.raises(PlanError) as caught:
        planfile.parse_program(EXERCISE.replace("WITHOUT", without), "mine.yaml", CATALOG)
    assert any(str(p).startswith(f"mine.yaml:{message}") for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_a_plan_exercise_may_name_a_bundled_exercise_to_do_instead() -> None:
    text = EXERCISE.replace("WITHOUT", "      bench: {use: bodyweight-squats, reason: no box}")
    program = planfile.parse_program(text, "mine.yaml", CATALOG)
    plan = plan_day(program, START, START)
    result = fit(plan, program.catalog, Choices(None, frozenset({"bench"})))
    assert result.plan.items[0].exercise.id == "bodyweight-squats"
    assert result.reasons(0) == ["Bodyweight Squats instead of Box Squat (no bench): no box"]


def test_an_exercise_without_a_swap_is_kept_and_the_person_is_told() -> None:
    text = EXERCISE.replace("    without:\nWITHOUT\n", "")
    program = planfile.parse_program(text, "mine.yaml", CATALOG)
    result = fit(
        plan_day(program, START, START), program.catalog, Choices(None, frozenset({"bench"}))
    )
    assert result.plan.items[0].exercise.id == "box-squat"
    assert result.changes[0].kind == "unswapped"
    assert "names nothing to do instead" in result.changes[0].reason
