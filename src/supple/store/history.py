"""What sessions say about the adaptation rules: which exercises were done on which date.

"Done (not skipped)" is read here, once: an exercise counts as done in a session when at least
one of its work steps was completed. The session's own timeline snapshot says which exercise a
step belonged to, so a plan edited since cannot change the past.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from supple.store.database import Store
from supple.store.schema import FACT_KINDS, sessions
from supple.store.sessions import events_of


@dataclass
class SessionFacts:
    """Per date: the exercises done, the ones flagged as hurting, and whether a session ran."""

    done: dict[date, set[str]] = field(default_factory=lambda: defaultdict(set))
    hurt: dict[date, set[str]] = field(default_factory=lambda: defaultdict(set))
    dates: set[date] = field(default_factory=set)
    # done that date only with less work than the day asked (a fitted session)
    reduced: dict[date, set[str]] = field(default_factory=lambda: defaultdict(set))


def _reduced_items(timeline: Any) -> set[int]:
    """The items a fitted session did with less work (docs/session-fitting.md)."""
    fit = timeline.get("fit") if isinstance(timeline, dict) else None
    changes = fit.get("changes", []) if isinstance(fit, dict) else []
    return {
        c["item"]
        for c in changes
        if isinstance(c, dict) and c.get("reduces_work") and isinstance(c.get("item"), int)
    }


def _step_exercise(timeline: Any, index: int | None, kind: str | None = "work") -> str | None:
    steps = timeline.get("steps", []) if isinstance(timeline, dict) else []
    if index is None or not 0 <= index < len(steps):
        return None
    step = steps[index]
    if kind is not None and step.get("kind") != kind:
        return None
    exercise = step.get("exercise_id")
    return exercise if isinstance(exercise, str) else None


def session_facts(store: Store, person_id: int, until: date) -> SessionFacts:
    """Every session up to ``until`` (inclusive) boiled down to what the rules need."""
    facts = SessionFacts()
    with store.read() as conn:
        rows = list(
            conn.execute(
                sa.select(sessions.c.id, sessions.c.on_date, sessions.c.timeline).where(
                    (sessions.c.person_id == person_id) & (sessions.c.on_date <= until)
                )
            )
        )
        if not rows:
            return facts
        events = events_of(conn, person_id, FACT_KINDS)
    by_id = {row.id: row for row in rows}
    reduced = {row.id: _reduced_items(row.timeline) for row in rows}
    full: dict[date, set[str]] = defaultdict(set)
    for row in rows:
        facts.dates.add(row.on_date)
    for event in events:
        session = by_id.get(event.session_id)
        if session is None:
            continue
        if event.kind == "step_completed":
            exercise = _step_exercise(session.timeline, event.step_index)
            if exercise:
                facts.done[session.on_date].add(exercise)
                step = session.timeline["steps"][event.step_index]
                less = step.get("item") in reduced[session.id]
                (facts.reduced if less else full)[session.on_date].add(exercise)
        else:
            exercise = _step_exercise(session.timeline, event.step_index, kind=None)
            data = event.data if isinstance(event.data, dict) else {}
            exercise = exercise or data.get("exercise")
            if isinstance(exercise, str):
                facts.hurt[session.on_date].add(exercise)
    for on, exercises in full.items():  # a full session the same day is full evidence
        facts.reduced[on] -= exercises
    return facts
