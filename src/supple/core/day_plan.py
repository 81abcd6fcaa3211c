"""What a given date holds: the program day, each exercise at its (possibly adapted) dose, the
timeline those doses make, and a tip. Both faces render this one object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from supple.core.plan import Dose, Exercise, Prescription, Program, Tip, Variant
from supple.core.prescribed import Adjustment
from supple.core.schedule import Slot, locate
from supple.core.timeline import Settings, Timeline, build


@dataclass(frozen=True)
class Adapted:
    """A prescription's dose for one date, and why it differs from the plan (if it does)."""

    dose: Dose
    variant: Variant | None = None
    reason: str | None = None
    prescribed: Adjustment | None = None  # a clinician's dose in force that day


Adapter = Callable[[Prescription], Adapted]


@dataclass(frozen=True)
class PlannedItem:
    prescription: Prescription  # with the dose to do today
    base: Dose  # the plan's own dose
    exercise: Exercise
    variant: Variant | None
    reason: str | None
    estimated_seconds: int
    prescribed: Adjustment | None = None  # a clinician's dose in force that day


@dataclass(frozen=True)
class DayPlan:
    on: date
    slot: Slot
    title: str | None  # None on a rest day (a day the plan leaves empty)
    goal: str | None
    items: tuple[PlannedItem, ...]
    timeline: Timeline
    tip: Tip | None

    @property
    def estimated_seconds(self) -> int:
        return self.timeline.total_seconds

    @property
    def is_rest_day(self) -> bool:
        return self.title is None


def tip_for(program: Program, on: date) -> Tip | None:
    """A different tip each day, the same one all day."""
    return program.tips[on.toordinal() % len(program.tips)] if program.tips else None


def scheduled_days(program: Program, start: date, first: date, last: date) -> list[date]:
    """The dates from ``first`` to ``last`` (none before ``start``) whose program day holds a
    session: what adherence counts as planned, in the progress report and the clinic alike.
    A date's day is ``locate``'s: its offset from ``start`` in a cycle of 7."""
    begin = max(start, first)
    return list(_scheduled(program.session_numbers, (begin - start).days % 7, begin, last))


@lru_cache(maxsize=256)
def _scheduled(numbers: frozenset[int], phase: int, begin: date, last: date) -> tuple[date, ...]:
    """The dates from ``begin`` (its day of the cycle ``phase`` + 1) to ``last`` whose day is
    one of ``numbers``. Kept (a few hundred spans, each at most a progress page's days): a
    caseload's clients mostly share a window, and there are 7 phases."""
    span = range((last - begin).days + 1)
    return tuple(begin + timedelta(days=i) for i in span if (phase + i) % 7 + 1 in numbers)


def plan_day(
    program: Program,
    start: date,
    on: date,
    *,
    adapt: Adapter | None = None,
    settings: Settings | None = None,
) -> DayPlan:
    slot = locate(start, on, cycle=7, weeks=program.weeks)
    day = next((d for d in program.days if d.number == slot.day), None)
    if day is None:
        return DayPlan(on, slot, None, None, (), Timeline(()), tip_for(program, on))
    adapted = [adapt(item) if adapt else Adapted(item.dose) for item in day.items]
    todays = [
        Prescription(item.exercise_id, a.dose, item.notes, variant=a.variant)
        for item, a in zip(day.items, adapted, strict=True)
    ]
    timeline = build(todays, program.catalog, settings)
    per_item = [0] * len(todays)
    for step in timeline.steps:
        per_item[step.item] += step.seconds
    items = tuple(
        PlannedItem(
            prescription=today,
            base=item.dose,
            exercise=program.catalog[item.exercise_id],
            variant=a.variant,
            reason=a.reason,
            estimated_seconds=seconds,
            prescribed=a.prescribed,
        )
        for item, today, a, seconds in zip(day.items, todays, adapted, per_item, strict=True)
    )
    return DayPlan(on, slot, day.title, day.goal, items, timeline, tip_for(program, on))
