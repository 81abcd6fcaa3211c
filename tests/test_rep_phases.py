"""How one rep divides its tempo ("up 1 s, hold 1 s, down 2 s"): read from the catalog, checked
against the tempo, and carried by every rep step so each player counts and names phases alike."""

from __future__ import annotations

import pytest

from supple.core.errors import PlanError
from supple.core.timeline import build, from_json, to_json
from supple.planfile import bundled_program, parse_catalog

EXERCISE = (
    "format: 1\nexercises:\n  - id: wall-sit\n    name: Wall Sit\n    category: strength\n"
    "    targets: [quads]\n    equipment: [wall]\n    per: null\n    tempo_seconds: 4\n"
    "{phases}"
    "    rest_seconds: 30\n    summary: S.\n    setup: [a]\n    steps: [b]\n    cues: [c, d]\n"
    "    mistakes: [m]\n    stop_if: [s]\n    easier: {{name: E, how: e}}\n"
    "    harder: {{name: H, how: h}}\n"
)


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        ("", ()),
        ("    phases: {up: 1, hold: 1, down: 2}\n", (("up", 1), ("hold", 1), ("down", 2))),
        ("    phases: {down: 3, up: 1}\n", (("down", 3), ("up", 1))),
    ],
    ids=["no phases: one flowing movement", "up, hold, down in order", "order is the plan's"],
)
def test_phases_are_read_in_the_order_written(
    phases: str, expected: tuple[tuple[str, int], ...]
) -> None:
    catalog = parse_catalog(EXERCISE.format(phases=phases), "ex.yaml")
    assert catalog["wall-sit"].phases == expected


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ("    phases: {up: 1, down: 2}\n", "10:13: exercise 'wall-sit' phases add up to 3 s but"),
        ("    phases: {up: 1, sideways: 3}\n", "10:21: exercise 'wall-sit' phases: unknown key"),
        (
            "    phases: {up: 0, down: 4}\n",
            "10:18: exercise 'wall-sit' phase 'up' must be from 1 to 60, got 0",
        ),
        (
            "    phases: {up: one, down: 3}\n",
            "10:18: exercise 'wall-sit' phase 'up' must be a whole",
        ),
        ("    phases: {}\n", "10:13: exercise 'wall-sit' phases must name at least one phase"),
        ("    phases: [up, down]\n", "10:13: exercise 'wall-sit' phases must be a mapping"),
    ],
    ids=[
        "sum differs from tempo",
        "unknown phase",
        "zero seconds",
        "not a number",
        "empty",
        "list",
    ],
)
def test_bad_phases_are_reported_where_they_are(phases: str, message: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_catalog(EXERCISE.format(phases=phases), "ex.yaml")
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


def test_every_bundled_phase_list_adds_up_to_its_tempo() -> None:
    catalog = bundled_program().catalog
    with_phases = [e for e in catalog.values() if e.phases]
    assert len(with_phases) >= 10
    for exercise in with_phases:
        assert sum(s for _, s in exercise.phases) == exercise.tempo_seconds, exercise.id


def test_rep_steps_carry_the_tempo_and_phases_and_holds_carry_neither() -> None:
    program = bundled_program()
    day = next(d for d in program.days if d.number == 2)
    timeline = build(day.items, program.catalog)
    work = timeline.work_steps()
    reps = [s for s in work if s.reps is not None]
    holds = [s for s in work if s.reps is None]
    assert reps and holds
    for step in reps:
        exercise = program.catalog[step.exercise_id]
        assert step.rep_seconds == exercise.tempo_seconds
        assert step.reps is not None and step.seconds == step.reps * exercise.tempo_seconds
        assert step.phases == exercise.phases
    bird = next(s for s in reps if s.exercise_id == "bird-dog")
    assert bird.phases == (("reach", 1), ("hold", 2), ("return", 1))
    for step in holds + [s for s in timeline.steps if s.kind != "work"]:
        assert (step.rep_seconds, step.phases) == (None, ())


def test_a_stored_timeline_reads_back_equal_and_an_older_one_without_the_new_fields_too() -> None:
    program = bundled_program()
    day = next(d for d in program.days if d.number == 2)
    timeline = build(day.items, program.catalog)
    assert from_json(to_json(timeline)) == timeline
    older = to_json(timeline)
    for step in older["steps"]:
        del step["rep_seconds"], step["phases"]
    assert all(s.rep_seconds is None and s.phases == () for s in from_json(older).steps)
