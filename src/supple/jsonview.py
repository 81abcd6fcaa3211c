"""The JSON shapes of plans and days: a stable contract for scripts and for the web API.

Both the CLI's ``--json`` and the web app's ``/api/v1`` produce these dicts, so the two can
never disagree about what a day holds.
"""

from __future__ import annotations

from typing import Any

from supple.core.day_plan import DayPlan
from supple.core.plan import Dose, Exercise, Prescription, Program
from supple.core.prescribed import Adjustment


def dose_json(dose: Dose) -> dict[str, Any]:
    return {
        "sets": dose.sets,
        "reps": dose.reps,
        "hold_seconds": dose.hold_seconds,
        "duration_seconds": dose.duration_seconds,
        "duration_max_seconds": dose.duration_max_seconds,
        "per": dose.per,
    }


def item_json(item: Prescription, catalog: Program) -> dict[str, Any]:
    return {
        "exercise": item.exercise_id,
        "name": catalog.exercise(item.exercise_id).name,
        **dose_json(item.dose),
        "notes": item.notes,
    }


def plan_json(program: Program, estimated: dict[int, int]) -> dict[str, Any]:
    return {
        "name": program.name,
        "weeks": program.weeks,
        "days": [
            {
                "day": day.number,
                "title": day.title,
                "goal": day.goal,
                "estimated_seconds": estimated[day.number],
                "items": [item_json(item, program) for item in day.items],
            }
            for day in program.days
        ],
    }


def day_json(plan: DayPlan) -> dict[str, Any]:
    return {
        "date": plan.on.isoformat(),
        "week": plan.slot.week,
        "day": plan.slot.day,
        "maintenance": plan.slot.maintenance,
        "title": plan.title,
        "goal": plan.goal,
        "estimated_seconds": plan.estimated_seconds,
        "items": [
            {
                "exercise": item.exercise.id,
                "name": item.exercise.name,
                **dose_json(item.prescription.dose),
                "notes": item.prescription.notes,
                "estimated_seconds": item.estimated_seconds,
                "base": dose_json(item.base),
                "variant": item.variant.name if item.variant else None,
                "reason": item.reason,
                "prescribed": prescribed_json(item.prescribed),
            }
            for item in plan.items
        ],
        "tip": {"title": plan.tip.title, "text": plan.tip.text} if plan.tip else None,
    }


def prescribed_json(adjustment: Adjustment | None) -> dict[str, Any] | None:
    """A clinician's dose in force for an item (clinic mode), or None."""
    if adjustment is None:
        return None
    return {
        "by": adjustment.by,
        "set_on": adjustment.set_on.isoformat(),
        "from": adjustment.from_date.isoformat(),
        "reason": adjustment.reason,
        "locked": adjustment.locked,
    }


def exercise_json(exercise: Exercise) -> dict[str, Any]:
    return {
        "id": exercise.id,
        "name": exercise.name,
        "category": exercise.category,
        "targets": list(exercise.targets),
        "equipment": list(exercise.equipment),
        "per": exercise.per,
        "tempo_seconds": exercise.tempo_seconds,
        "rest_seconds": exercise.rest_seconds,
        "summary": exercise.summary,
        "setup": list(exercise.setup),
        "steps": list(exercise.steps),
        "cues": list(exercise.cues),
        "mistakes": list(exercise.mistakes),
        "stop_if": list(exercise.stop_if),
        "easier": {"name": exercise.easier.name, "how": exercise.easier.how},
        "harder": {"name": exercise.harder.name, "how": exercise.harder.how},
        "notes": exercise.notes,
    }


def timeline_json(plan: DayPlan) -> dict[str, Any]:
    """The steps a player walks, exactly as the core laid them out (the browser adds nothing)."""
    from supple.core.timeline import to_json

    return {
        "date": plan.on.isoformat(),
        "week": plan.slot.week,
        "day": plan.slot.day,
        "title": plan.title,
        "total_seconds": plan.timeline.total_seconds,
        **to_json(plan.timeline),
    }
