"""What sessions say about the adaptation rules: which exercises were done on which date.

"Done (not skipped)" is read here, once: an exercise counts as done in a session when at least
one of its work steps was completed. The session's own step facts, derived from its timeline
snapshot when it was stored, say which exercise a step belonged to, so a plan edited since
cannot change the past.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from supple.core import step_facts
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


def session_facts(store: Store, person_id: int, until: date) -> SessionFacts:
    """Every session up to ``until`` (inclusive) boiled down to what the rules need, from each
    session's step facts (``core.step_facts``), never its whole timeline."""
    facts = SessionFacts()
    with store.read() as conn:
        rows = list(
            conn.execute(
                sa.select(
                    sessions.c.id, sessions.c.on_date, sessions.c.work_steps, sessions.c.step_facts
                ).where((sessions.c.person_id == person_id) & (sessions.c.on_date <= until))
            )
        )
        if not rows:
            return facts
        events = events_of(conn, person_id, FACT_KINDS)
    by_id = {
        row.id: (row.on_date, step_facts.from_json(row.work_steps, row.step_facts)) for row in rows
    }
    full: dict[date, set[str]] = defaultdict(set)
    for row in rows:
        facts.dates.add(row.on_date)
    for event in events:
        found = by_id.get(event.session_id)
        if found is None:
            continue
        on, steps = found
        if event.kind == "step_completed":
            exercise = steps.exercise_of(event.step_index)
            if exercise:
                facts.done[on].add(exercise)
                less = steps.item_of(event.step_index) in steps.reduced
                (facts.reduced if less else full)[on].add(exercise)
        else:
            exercise = steps.exercise_of(event.step_index, work_only=False)
            data = event.data if isinstance(event.data, dict) else {}
            exercise = exercise or data.get("exercise")
            if isinstance(exercise, str):
                facts.hurt[on].add(exercise)
    for on, exercises in full.items():  # a full session the same day is full evidence
        facts.reduced[on] -= exercises
    return facts
