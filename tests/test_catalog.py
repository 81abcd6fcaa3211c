"""The exercise catalog: one complete entry per distinct exercise of the plan."""

from __future__ import annotations

import pytest

from supple.planfile import bundled_catalog, bundled_program

CATALOG = bundled_catalog()
PROGRAM = bundled_program()


def test_every_exercise_of_the_plan_has_exactly_one_entry() -> None:
    used = {item.exercise_id for day in PROGRAM.days for item in day.items}
    assert used == set(CATALOG)
    assert len(CATALOG) == 34  # 35 prescriptions; Hip Flexor Stretch is used twice


@pytest.mark.parametrize("exercise_id", sorted(CATALOG))
def test_each_entry_is_complete_enough_to_follow_alone(exercise_id: str) -> None:
    e = CATALOG[exercise_id]
    assert len(e.setup) >= 2 and len(e.steps) >= 3
    assert 2 <= len(e.cues) <= 4
    assert e.mistakes and e.stop_if
    assert e.easier.name != e.harder.name
    assert e.tempo_seconds > 0 and e.rest_seconds >= 0


@pytest.mark.parametrize(
    ("exercise_id", "per"),
    sorted({(i.exercise_id, i.dose.per) for d in PROGRAM.days for i in d.items}),
)
def test_the_catalog_and_the_plan_agree_on_sides(exercise_id: str, per: str | None) -> None:
    assert CATALOG[exercise_id].per == per


def test_parenthetical_remarks_are_not_part_of_names() -> None:
    assert not [e.name for e in CATALOG.values() if "(" in e.name]
