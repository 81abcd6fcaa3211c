"""The adapted doses (CLINICAL.md §2): the subject's records, and a clinician's adjustments of
their doses (``core.prescribed``), gathered from the store and handed to the rules in
``supple.core.adapt``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from supple.core.adapt import Adaptation, History, Morning, Rating, adapt
from supple.core.prescribed import Adjustment, Adjustments
from supple.core.profile import Profile
from supple.services.profile import get_profile, program_for
from supple.services.scope import Scope
from supple.store import adjustments, checkins
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


CLINICIAN = "your clinician"  # how an adjustment whose author was removed is credited


def as_adjustment(row: adjustments.AdjustmentRow, zone: ZoneInfo) -> Adjustment:
    """A stored adjustment as the rules read it: credited to its author by name, dated in the
    subject's own time zone."""
    return Adjustment(
        exercise_id=row.exercise_id,
        from_date=row.from_date,
        set_on=row.created_at.astimezone(zone).date(),
        by=row.author or CLINICIAN,
        reason=row.reason,
        sets=row.sets,
        reps=row.reps,
        hold_seconds=row.hold_seconds,
        minutes=row.minutes,
        locked=row.locked,
        ended_on=row.ended_on,
    )


def load_adjustments(scope: Scope, profile: Profile) -> Adjustments:
    """The clinician's adjustments of the subject's doses (none in personal mode)."""
    zone = ZoneInfo(profile.timezone)
    rows = adjustments.for_person(scope.store, profile.person_id)
    return Adjustments(as_adjustment(row, zone) for row in rows)


def adaptation(scope: Scope, on: date, history: History | None = None) -> Adaptation:
    profile = get_profile(scope)
    program = program_for(profile)
    history = history if history is not None else load_history(scope, on - timedelta(days=1))
    return adapt(program, profile.start_date, history, on, load_adjustments(scope, profile))
