"""A session's step facts (core/step_facts.py): derived from its timeline once, they answer what
the records ask of a step index exactly as the timeline would, and migration 0017 fills them
in for sessions stored before it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from supple.core import step_facts
from supple.core.day_plan import plan_day
from supple.core.timeline import to_json
from supple.planfile import bundled_program
from supple.store.database import Store
from supple.store.migrate import upgrade
from supple.store.schema import sessions

START = date(2026, 11, 2)


def _timeline(day: int = 1) -> dict[str, Any]:
    program = bundled_program()
    return to_json(plan_day(program, START, START.replace(day=START.day + day - 1)).timeline)


def test_each_step_is_marked_work_exactly_when_the_timeline_says_work() -> None:
    timeline = _timeline()
    facts = step_facts.from_timeline(timeline)
    steps = timeline["steps"]
    assert len(facts) == len(steps)
    for step in steps:
        assert facts.is_work(step["index"]) == (step["kind"] == "work")
        assert facts.items[step["index"]] == step["item"]
        assert facts.sets[step["index"]] == step["set_no"]
        expected = step["exercise_id"] if step["kind"] == "work" else None
        assert facts.exercise_of(step["index"]) == expected
        assert facts.exercise_of(step["index"], work_only=False) == step["exercise_id"]


@pytest.mark.parametrize("index", [None, -1, -2, 10_000])
def test_an_index_the_timeline_never_had_tells_nothing(index: int | None) -> None:
    facts = step_facts.from_timeline(_timeline())
    assert not facts.is_work(index)
    assert facts.item_of(index) is None
    assert facts.exercise_of(index) is None
    assert facts.exercise_of(index, work_only=False) is None


@pytest.mark.parametrize(
    ("timeline", "work"),
    [
        (None, ""),
        ([], ""),
        ({"steps": "not a list"}, ""),
        ({"steps": [None, 3, {"kind": "work"}]}, "001"),
        ({"steps": [{"kind": "work", "item": True, "exercise_id": 7}]}, "1"),
    ],
)
def test_a_malformed_timeline_gives_facts_that_claim_nothing(timeline: Any, work: str) -> None:
    facts = step_facts.from_timeline(timeline)
    assert facts.work == work
    assert all(e is None for e in facts.exercises)
    assert facts.reduced == frozenset()
    assert all(facts.exercise_of(i) is None for i in range(len(work)))


@pytest.mark.parametrize(
    ("changes", "reduced"),
    [
        ([], frozenset()),
        ([{"item": 1, "reduces_work": True}], frozenset({1})),
        ([{"item": 1, "reduces_work": False}], frozenset()),
        ([{"item": "1", "reduces_work": True}, {"reduces_work": True}, "x"], frozenset()),
        ([{"item": 0, "reduces_work": True}, {"item": 3, "reduces_work": True}], {0, 3}),
    ],
)
def test_a_fitted_sessions_reduced_items_are_those_whose_change_reduces_work(
    changes: list[Any], reduced: frozenset[int]
) -> None:
    timeline = {**_timeline(), "fit": {"minutes": 10, "changes": changes}}
    facts = step_facts.from_timeline(timeline)
    assert facts.reduced == reduced
    assert facts.fit == timeline["fit"]


def test_stored_facts_read_back_as_the_same_facts() -> None:
    timeline = {**_timeline(3), "fit": {"changes": [{"item": 2, "reduces_work": True}]}}
    facts = step_facts.from_timeline(timeline)
    again = step_facts.from_json(facts.work, step_facts.to_json(facts))
    assert again == facts
    assert step_facts.from_json("", step_facts.to_json(step_facts.from_timeline(None))) == (
        step_facts.from_timeline(None)
    )


def test_migration_0017_fills_in_the_facts_of_sessions_stored_before_it(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    timeline = _timeline(2)
    with store.write() as conn:
        upgrade(conn, "0016")
        person = conn.execute(
            sa.text("INSERT INTO people (created_at) VALUES (:at) RETURNING id"),
            {"at": datetime(2026, 11, 1, tzinfo=UTC)},
        ).scalar_one()
        for n in range(3):
            conn.execute(
                sa.table(
                    "sessions",
                    *(sa.column(c) for c in ("id", "person_id", "on_date", "program_week")),
                    *(sa.column(c) for c in ("program_day", "started_at", "total_steps")),
                    sa.column("timeline", sa.JSON),
                ).insert(),
                {
                    "id": f"s{n}",
                    "person_id": person,
                    "on_date": START,
                    "program_week": 1,
                    "program_day": 2,
                    "started_at": datetime(2026, 11, 3, 7, tzinfo=UTC),
                    "total_steps": len(timeline["steps"]),
                    "timeline": timeline if n else {"steps": []},
                },
            )
    store.migrate()
    with store.read() as conn:
        rows = conn.execute(
            sa.select(sessions.c.id, sessions.c.work_steps, sessions.c.step_facts).order_by(
                sessions.c.id
            )
        ).all()
    expected = step_facts.from_timeline(timeline)
    assert [r.id for r in rows] == ["s0", "s1", "s2"]
    assert rows[0].work_steps == ""
    for row in rows[1:]:
        assert step_facts.from_json(row.work_steps, row.step_facts) == expected
    store.dispose()
