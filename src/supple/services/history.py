"""The adapted doses (CLINICAL.md §2): the subject's records gathered from the store and handed
to the rules in ``supple.core.adapt``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from supple.core.adapt import Adaptation, History, Morning, Rating, adapt
from supple.services.profile import get_profile, program_for
from supple.services.scope import Scope
from supple.store import checkins
from supple.store.history import session_facts


def load_history(scope: Scope, until: date) -> History:
    """Everything the adaptation rules read, up to and including ``until``."""
    person = scope.require_subject()
    rows = checkins.list_for(scope.store, person, until=until)
    facts = session_facts(scope.store, person, until)
    mornings: dict[date, Morning] = {}
    ratings: dict[tuple[date, str], Rating] = {}
    efforts: dict[date, int] = {}
    for row in rows:
        values: dict[str, Any] = row.values or {}
        if row.kind == "morning" and values.get("pain") is not None:
            mornings[row.on_date] = Morning(int(values["pain"]), int(values.get("stiffness") or 0))
        elif row.kind == "exercise":
            ratings[(row.on_date, row.subject)] = Rating(
                values.get("pain"), bool(values.get("hurt")), values.get("quality")
            )
        elif row.kind == "session" and values.get("rpe") is not None:
            efforts[row.on_date] = int(values["rpe"])
    for on, flagged in facts.hurt.items():
        for exercise_id in flagged:
            old = ratings.get((on, exercise_id), Rating(None))
            ratings[(on, exercise_id)] = Rating(old.pain, True, old.quality)
    done: dict[date, frozenset[str]] = {d: frozenset(ex) for d, ex in facts.done.items()}
    # A day logged by check-ins alone (no session recorded by a player): the exercises rated
    # that day are the ones done, since a person rates only what they did.
    for on, exercise_id in ratings:
        if on not in facts.dates:
            done[on] = done.get(on, frozenset()) | {exercise_id}
    reduced = {d: frozenset(ex) for d, ex in facts.reduced.items() if ex}
    return History(mornings, ratings, efforts, done, reduced)


def adaptation(scope: Scope, on: date, history: History | None = None) -> Adaptation:
    profile = get_profile(scope)
    program = program_for(profile)
    history = history if history is not None else load_history(scope, on - timedelta(days=1))
    return adapt(program, profile.start_date, history, on)
