"""A clinician's dose for one exercise of one client, from a date on (issue 13, "Adjust").

The adjustment does not replace the adaptation rules; it moves the ground they stand on. From
its first day the clinician's dose is the dose the rules start from (their "plan's dose" for
that exercise), the count of automatic steps starts again at zero, and:

- automatic easing for pain (rules 1–3 of CLINICAL.md §2) still applies on top of it — safety
  first, whatever a clinician locked;
- earned progression (rule 5) applies too, unless the adjustment is ``locked``: then the dose
  never rises above the clinician's (after an easing it may earn its way back up to it, no
  further);
- the days before its first day keep the doses they had.

An adjustment ends on ``ended_on`` (that day is no longer covered): a later adjustment of the
same exercise ends it on the later one's first day, a new plan on the day it is assigned. The
fields left empty keep the plan's values; a value that does not fit how the plan doses the
exercise (reps for a held stretch) is ignored here and refused when the adjustment is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from supple.core.plan import Dose
from supple.core.wording import arrow

# The bounds a plan file's dose has (planfile), so a clinician's dose is never one a plan
# could not hold.
BOUNDS = {"sets": (1, 20), "reps": (1, 200), "hold_seconds": (1, 3600), "minutes": (1, 180)}
REASON_MAX = 500


@dataclass(frozen=True)
class Adjustment:
    """One clinician's dose of one exercise for one client from ``from_date`` on."""

    exercise_id: str
    from_date: date
    set_on: date  # the day the clinician made it, in the client's time zone
    by: str  # the clinician's name as the client knows it
    reason: str
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    locked: bool = False
    ended_on: date | None = None  # the first day it no longer covers

    def covers(self, day: date) -> bool:
        return self.from_date <= day and (self.ended_on is None or day < self.ended_on)

    @property
    def ended_before_start(self) -> bool:
        """Replaced before its first day came: it never applied."""
        return self.ended_on is not None and self.ended_on <= self.from_date

    def dose_for(self, plan: Dose) -> Dose:
        """The plan's dose of one prescription with the clinician's values in its place."""
        changes: dict[str, int | None] = {}
        if self.sets is not None:
            changes["sets"] = self.sets
        if self.reps is not None and plan.kind == "reps":
            changes["reps"] = self.reps
        if self.hold_seconds is not None and plan.kind == "hold":
            changes["hold_seconds"] = self.hold_seconds
        if self.minutes is not None and plan.kind == "timed":
            changes["duration_seconds"] = self.minutes * 60
            changes["duration_max_seconds"] = None
        return plan.with_changes(**changes) if changes else plan

    @property
    def credit(self) -> str:
        """What the client reads beside the dose: "set by Dana Lee on 2026-12-02: …"."""
        text = f"set by {self.by} on {self.set_on.isoformat()}: {self.reason}"
        if self.locked:
            text += " (held at this dose: Supple will not raise it; easing for pain still applies)"
        return text

    def sentence(self, plan: Dose, exercise_name: str) -> str:
        """The change in words, as the list of every dose change shows it."""
        after = self.dose_for(plan)
        what = (
            f"the plan's {plan.describe()}"
            if after == plan
            else arrow(plan.describe(), after.describe())
        )
        return f"{exercise_name}: {what} from {self.from_date.isoformat()} — {self.credit}"


def misfit(adjustment: Adjustment, plan: Dose) -> str | None:
    """Why the adjustment's values do not fit how the plan doses the exercise, or None."""
    wanted = {
        "reps": adjustment.reps is not None,
        "hold": adjustment.hold_seconds is not None,
        "timed": adjustment.minutes is not None,
    }
    given = [kind for kind, on in wanted.items() if on]
    if len(given) > 1:
        return "give only one of reps, hold seconds or minutes"
    if given and given[0] != plan.kind:
        words = {"reps": "repetitions", "hold": "a held position", "timed": "minutes of work"}
        field = {"reps": "reps", "hold": "hold seconds", "timed": "minutes"}
        return (
            f"the plan doses this exercise as {words[plan.kind]}, so give "
            f"{field[plan.kind]} rather than {field[given[0]]}"
        )
    return None


def bound_problem(name: str, value: int) -> str | None:
    """Why a dose value is out of its plan-file bounds, or None."""
    low, high = BOUNDS[name]
    if value < low or value > high:
        return f"must be a whole number from {low} to {high}, got {value}"
    return None


class Adjustments:
    """Every adjustment of one client, grouped by exercise for the day-by-day replay."""

    def __init__(self, adjustments: Iterable[Adjustment] = ()) -> None:
        self.all = tuple(a for a in adjustments if not a.ended_before_start)
        grouped: dict[str, list[Adjustment]] = {}
        for adjustment in self.all:
            grouped.setdefault(adjustment.exercise_id, []).append(adjustment)
        self.by_exercise: Mapping[str, tuple[Adjustment, ...]] = {
            k: tuple(v) for k, v in grouped.items()
        }

    def __bool__(self) -> bool:
        return bool(self.all)

    def __iter__(self) -> Iterator[Adjustment]:
        return iter(self.all)

    def covering(self, exercise_id: str, day: date) -> Adjustment | None:
        """The adjustment in force for the exercise on ``day`` (the latest made, should two
        overlap), or None."""
        found = None
        for adjustment in self.by_exercise.get(exercise_id, ()):
            if adjustment.covers(day):
                found = adjustment
        return found

    def base(self, exercise_id: str, plan: Dose, day: date) -> Dose:
        """The dose the rules start from on ``day``: the clinician's, else the plan's."""
        adjustment = self.covering(exercise_id, day)
        return adjustment.dose_for(plan) if adjustment else plan

    def rebases(self) -> dict[date, frozenset[str]]:
        """The days on which an exercise's base dose changes (an adjustment starts or ends),
        with the exercises concerned: the replay starts their count of steps again there."""
        days: dict[date, set[str]] = {}
        for adjustment in self.all:
            days.setdefault(adjustment.from_date, set()).add(adjustment.exercise_id)
            if adjustment.ended_on is not None:
                days.setdefault(adjustment.ended_on, set()).add(adjustment.exercise_id)
        return {day: frozenset(ids) for day, ids in days.items()}

    def since(self, exercise_id: str, day: date) -> date | None:
        """The first day of the base dose in force on ``day`` (None: the plan's since the
        start): automatic changes before it no longer explain the dose."""
        latest = None
        for adjustment in self.by_exercise.get(exercise_id, ()):
            for edge in (adjustment.from_date, adjustment.ended_on):
                if edge is not None and edge <= day and (latest is None or edge > latest):
                    latest = edge
        return latest
