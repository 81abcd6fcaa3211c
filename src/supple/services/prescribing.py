"""Prescribing in the clinic: give a client the bundled program, one of the practice's
templates, or a plan file, and adjust one exercise's dose from a date with a reason.

Each use case takes a scope whose actor is a clinician or an admin and whose subject is the
client, and asks ``core.access`` first (``care_access.authorize``): a client on someone else's
caseload is "no such client", as one that does not exist. A new plan is recorded with who gave
it and why, and ends the clinician's dose adjustments still running (their exercise may not
even be in the new plan). An adjustment ends the earlier one of the same exercise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from supple import planfile
from supple.core import limits
from supple.core.access import Action
from supple.core.errors import FieldError, InputError, NotFound
from supple.core.plan import Program
from supple.core.prescribed import REASON_MAX, Adjustment, bound_problem, misfit
from supple.services.care_access import authorize
from supple.services.current_day import today, window_check
from supple.services.history import as_adjustment
from supple.services.profile import check_uploaded_plan, get_profile, program_for
from supple.services.scope import Scope
from supple.services.templates import template_program
from supple.store import adjustments, templates
from supple.store.adjustments import NewAdjustment, PlanChange

BUNDLED = "the bundled program"


def _reason(reason: str | None, *, required: bool) -> str | None:
    text = " ".join((reason or "").split())
    if not text:
        if required:
            raise FieldError("reason", "the reason is empty; say why, the client reads it")
        return None
    problem = limits.text_problem(text, limit=REASON_MAX)
    if problem:
        raise FieldError("reason", f"the reason {problem}")
    return text


def _give(
    scope: Scope, program: Program, text: str | None, source: str, reason: str | None
) -> Program:
    user = authorize(scope, Action.PRESCRIBE)
    profile = get_profile(scope)
    new = replace(
        profile,
        plan_name=program.name,
        plan_source=None if text is None else source,
        plan_yaml=text,
    )
    adjustments.assign_plan(
        scope.store,
        new,
        source=source,
        reason=_reason(reason, required=False),
        effective_on=today(scope, profile.timezone),
        at=scope.clock.now(),
        actor=scope.actor.label,
        author_user_id=user.id,
    )
    return program


def assign_bundled(scope: Scope, reason: str | None = None) -> Program:
    """Put the client back on the bundled program."""
    authorize(scope, Action.PRESCRIBE)
    return _give(scope, planfile.bundled_program(), None, BUNDLED, reason)


def assign_template(scope: Scope, template_id: int, reason: str | None = None) -> Program:
    """Give the client a copy of one of the practice's templates (later edits of the template
    do not change a plan already given)."""
    authorize(scope, Action.PRESCRIBE)
    found = templates.get(scope.store, template_id)
    if found is None:
        raise NotFound("no such template")
    program = template_program(found.plan_yaml)
    return _give(scope, program, found.plan_yaml, f"template “{found.name}”", reason)


def assign_upload(scope: Scope, raw: bytes, filename: str, reason: str | None = None) -> Program:
    """Give the client an uploaded plan file, checked by the loader ``supple plan validate``
    uses (``PlanError`` lists its problems by line, naming the file as uploaded)."""
    authorize(scope, Action.PRESCRIBE)
    program, text = check_uploaded_plan(raw, filename)
    return _give(scope, program, text, f"file {limits.upload_name(filename)}", reason)


def plan_changes(scope: Scope) -> list[PlanChange]:
    """Every plan given to the client in the clinic, oldest first."""
    authorize(scope, Action.READ_RECORD)
    return adjustments.plan_changes(scope.store, scope.require_subject())


# --- adjusting one dose -----------------------------------------------------------------------


@dataclass(frozen=True)
class DoseChange:
    """What a clinician asks for: the fields left None keep the plan's values."""

    exercise_id: str
    from_date: date
    reason: str
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    locked: bool = False


def adjust_dose(scope: Scope, change: DoseChange) -> Adjustment:
    """Set one exercise's dose for the client from ``change.from_date`` on (today at the
    earliest: the days already lived keep their doses), with the reason the client will read.
    Every problem names its field."""
    user = authorize(scope, Action.ADJUST_DOSE)
    profile = get_profile(scope)
    program = program_for(profile)
    plans = [
        item.dose
        for day in program.days
        for item in day.items
        if item.exercise_id == change.exercise_id
    ]
    if not plans:
        raise FieldError(
            "exercise",
            f"the exercise {change.exercise_id!r} is not in this client's plan "
            f"“{program.name}”; pick one of its exercises",
        )
    reason = _reason(change.reason, required=True)
    assert reason is not None
    for name in ("sets", "reps", "hold_seconds", "minutes"):
        value = getattr(change, name)
        problem = bound_problem(name, value) if value is not None else None
        if problem:
            raise FieldError(name, f"{name.replace('_', ' ')} {problem}")
    now_day = today(scope, profile.timezone)
    if change.from_date < now_day:
        raise FieldError(
            "from_date",
            f"the first day {change.from_date.isoformat()} is in the past (today is "
            f"{now_day.isoformat()} for the client); the days already lived keep their doses",
        )
    try:
        window_check(scope, profile, change.from_date, "the first day")
    except InputError as exc:
        raise FieldError("from_date", str(exc)) from None
    name = user.name or user.email
    adjustment = Adjustment(
        change.exercise_id,
        change.from_date,
        set_on=scope.clock.now().astimezone(ZoneInfo(profile.timezone)).date(),
        by=name,
        reason=reason,
        sets=change.sets,
        reps=change.reps,
        hold_seconds=change.hold_seconds,
        minutes=change.minutes,
        locked=change.locked,
    )
    problem = misfit(adjustment, plans[0])
    if problem:
        field = next(
            k for k in ("reps", "hold_seconds", "minutes") if getattr(change, k) is not None
        )
        raise FieldError(field, problem)
    adjustments.add(
        scope.store,
        profile.person_id,
        NewAdjustment(
            change.exercise_id,
            change.from_date,
            change.sets,
            change.reps,
            change.hold_seconds,
            change.minutes,
            change.locked,
            reason,
        ),
        at=scope.clock.now(),
        actor=scope.actor.label or "",
        author_user_id=user.id,
    )
    return adjustment


@dataclass(frozen=True)
class AdjustmentView:
    """One adjustment as the clinic lists it: the rule's own record and whether it runs."""

    id: int
    adjustment: Adjustment
    exercise_name: str
    status: str  # "upcoming", "in force", "ended", "replaced before it began"
    created_at: datetime


def list_adjustments(scope: Scope) -> list[AdjustmentView]:
    """Every adjustment made for the client, newest first, with its status today."""
    authorize(scope, Action.READ_RECORD)
    profile = get_profile(scope)
    program = program_for(profile)
    zone = ZoneInfo(profile.timezone)
    on = today(scope, profile.timezone)
    views = []
    for row in reversed(adjustments.for_person(scope.store, profile.person_id)):
        adjustment = as_adjustment(row, zone)
        if adjustment.ended_before_start:
            status = "replaced before it began"
        elif adjustment.covers(on):
            status = "in force"
        elif adjustment.from_date > on:
            status = "upcoming"
        else:
            status = "ended"
        exercise = program.catalog.get(row.exercise_id)
        views.append(
            AdjustmentView(
                row.id,
                adjustment,
                exercise.name if exercise else row.exercise_id,
                status,
                row.created_at,
            )
        )
    return views
