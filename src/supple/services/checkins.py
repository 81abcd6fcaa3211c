"""Check-ins: the morning's pain and stiffness, a session's before and after, how each exercise
felt, and the week's pain with the PSFS. Each is stored for the subject; a second one for the
same slot replaces the first, and the caller is told so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from supple.core.errors import InputError
from supple.core.limits import check_tree
from supple.core.outcomes import check_psfs, check_scale
from supple.core.pain import STOP_ADVICE, must_stop
from supple.core.plan import Exercise
from supple.core.schedule import locate
from supple.services.current_day import in_window
from supple.services.exercises import find_exercise
from supple.services.profile import get_profile, program_for
from supple.services.scope import Scope
from supple.store import checkins
from supple.store.history import session_facts


def _upsert(scope: Scope, kind: str, on: date, values: dict[str, Any], subject: str = "") -> bool:
    return checkins.upsert(
        scope.store, scope.require_subject(), kind, on, values, subject, at=scope.clock.now()
    )


def list_checkins(scope: Scope, *, kind: str | None = None, until: date | None = None) -> list[Any]:
    """The subject's check-ins (of one kind, up to a date), oldest first."""
    return checkins.list_for(scope.store, scope.require_subject(), kind=kind, until=until)


def rate_exercise(
    scope: Scope,
    on: date,
    exercise_id: str,
    *,
    pain: int | None,
    hurt: bool = False,
    quality: str | None = None,
) -> bool:
    """Record how an exercise felt on ``on``; True when it replaced an earlier rating."""
    if pain is not None and not 0 <= pain <= 10:
        raise InputError(f"pain must be a whole number from 0 to 10, got {pain}")
    values = {"pain": pain, "hurt": hurt, "quality": quality}
    check_tree(values, "the rating")
    return _upsert(scope, "exercise", on, values, exercise_id)


def record_morning(scope: Scope, on: date, *, pain: int, stiffness: int) -> bool:
    """Store the morning's pain and stiffness; True when it replaced an earlier one."""
    in_window(scope, on)
    values = {
        "pain": check_scale(pain, "morning pain"),
        "stiffness": check_scale(stiffness, "stiffness"),
    }
    return _upsert(scope, "morning", on, values)


def morning_missing(scope: Scope, on: date) -> bool:
    rows = checkins.list_for(scope.store, scope.require_subject(), kind="morning", until=on)
    return not any(row.on_date == on for row in rows)


def record_session(
    scope: Scope,
    on: date,
    *,
    before_pain: int | None = None,
    after_pain: int | None = None,
    rpe: int | None = None,
    before_stiffness: int | None = None,
) -> bool:
    """Store a session's pain before and after and its effort; values not given are kept from an
    earlier check-in of the same day (a player records "before" and "after" at different times).
    True when an earlier check-in was replaced."""
    in_window(scope, on)
    given = {
        "before_pain": before_pain,
        "before_stiffness": before_stiffness,
        "after_pain": after_pain,
        "rpe": rpe,
    }
    if all(v is None for v in given.values()):
        raise InputError(
            "give at least one of --before-pain, --before-stiffness, --after-pain and --rpe"
        )
    labels = {
        "before_pain": "pain before",
        "before_stiffness": "stiffness before",
        "after_pain": "pain after",
        "rpe": "effort (RPE)",
    }
    for key, value in given.items():
        if value is not None:
            check_scale(value, labels[key])
    person = scope.require_subject()
    earlier: dict[str, Any] = next(
        (
            row.values
            for row in checkins.list_for(scope.store, person, kind="session", until=on)
            if row.on_date == on
        ),
        {},
    )
    values = {k: (v if v is not None else earlier.get(k)) for k, v in given.items()}
    return _upsert(scope, "session", on, values)


@dataclass(frozen=True)
class ExerciseRated:
    exercise: Exercise
    replaced: bool
    stop_advice: str | None  # set when the rating means the session has to stop (rule 2)


def record_exercise(
    scope: Scope,
    on: date,
    query: str,
    *,
    pain: int | None,
    hurt: bool = False,
    quality: str | None = None,
) -> ExerciseRated:
    """Rate an exercise of that date's session, also after the fact."""
    in_window(scope, on)
    profile = get_profile(scope)
    program = program_for(profile)
    exercise = find_exercise(program, query)
    slot = locate(profile.start_date, on, cycle=7, weeks=program.weeks)
    day = next((d for d in program.days if d.number == slot.day), None)
    planned = day is not None and any(item.exercise_id == exercise.id for item in day.items)
    if not planned and exercise.id not in _played(scope, on):
        listed = ", ".join(program.catalog[i.exercise_id].name for i in day.items) if day else ""
        raise InputError(
            f"{exercise.name} is not in the session of {on.isoformat()} (day {slot.day})"
            + (f"; that day has {listed}" if listed else "")
        )
    if pain is None and not hurt and quality is None:
        raise InputError("give --pain N (0–10), --hurt, or --quality")
    if quality is not None:
        quality = quality.strip().lower()
    replaced = rate_exercise(scope, on, exercise.id, pain=pain, hurt=hurt, quality=quality)
    return ExerciseRated(exercise, replaced, STOP_ADVICE if must_stop(pain, quality) else None)


def _played(scope: Scope, on: date) -> set[str]:
    """Exercises done in that date's sessions: another day played, or a swap for a prop."""
    return session_facts(scope.store, scope.require_subject(), on).done.get(on, set())


def psfs_baseline(scope: Scope, before: date | None = None) -> dict[str, int] | None:
    """The activities and ratings chosen at the first weekly check-in (before ``before``)."""
    for row in checkins.list_for(scope.store, scope.require_subject(), kind="week"):
        psfs = (row.values or {}).get("psfs")
        if psfs and (before is None or row.on_date < before):
            return {str(k): int(v) for k, v in psfs.items()}
    return None


def record_week(
    scope: Scope, on: date, *, pain: int, psfs: dict[str, int] | None
) -> tuple[bool, bool]:
    """Store the past week's average pain and the PSFS; (replaced, this is the PSFS baseline)."""
    in_window(scope, on)
    check_scale(pain, "average pain over the past week")
    baseline = psfs_baseline(scope, before=on)
    if psfs is None and baseline is None:
        raise InputError(
            "the first weekly check-in sets your PSFS baseline: add --psfs with 3 to 5 activities "
            'your back or hips make hard, e.g. --psfs "tie shoes=4,sit 1 hour=3,lift child=5"'
        )
    values: dict[str, Any] = {"pain": pain}
    check_tree(psfs, "the PSFS activities")
    if psfs is not None:
        values["psfs"] = check_psfs(psfs, baseline)
    replaced = _upsert(scope, "week", on, values)
    return replaced, baseline is None
