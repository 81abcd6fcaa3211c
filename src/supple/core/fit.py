"""Fitting a day to the time and the props a person has today (docs/session-fitting.md).

Two choices shape a day before it is played: "I have N minutes" and "I have no bench / no
foam roller / no weights". Neither drops an exercise. A missing prop swaps the exercise for the
replacement its catalog entry names (its own easier or harder variant, or another exercise for
the same area), and a time budget shrinks the day in a fixed order until the timeline fits:

1. a timed range to its short end (the plan itself allows it);
2. rests between sets down to 15 s;
3. sets, one at a time, from the exercise with the most sets left (the longest set first on a
   tie), never below one set;
4. holds, 5 s at a time from the longest, never below 20 s;
5. timed blocks other than breathing, a minute at a time from the longest, never below half
   their time;
6. breathing, last, a minute at a time, never below 3 minutes;

and when the last cut leaves time unused, steps are given back in the reverse order (breathing,
blocks, holds, sets, rests) for as long as the day still fits.

Reps per set, both sides, the order, the get-ready and the lead-ins are never touched. The time
is always the timeline's own total (``timeline.build``), the one formula every face shows; when
even the shortest version is over budget the result says so, with that shortest time.

Every change carries a sentence a person can read, and says whether it did less work than the
day asked (a swap, fewer sets, shorter holds or blocks): the adaptation rules read that, so a
shortened exercise never counts as evidence that the full dose has become easy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from supple.core.day_plan import DayPlan, PlannedItem
from supple.core.errors import InputError
from supple.core.plan import Dose, Exercise, Prescription, Variant
from supple.core.timeline import Settings, build, rest_seconds

# The props a person may say they lack, in their words, and the catalog's word for each.
PROPS: Mapping[str, str] = {"bench": "bench", "roller": "foam roller", "weights": "dumbbells"}
PROP_NAMES: Mapping[str, str] = {
    "bench": "no bench",
    "roller": "no foam roller",
    "weights": "no weights",
}
BUDGETS = (10, 15, 20)  # the offers on the Today page; any whole number from 5 to 120 works
MIN_BUDGET, MAX_BUDGET = 5, 120

REST_FLOOR = 15
HOLD_FLOOR = 20
HOLD_STEP = 5
MINUTE = 60
BREATHING_FLOOR = 180
PROTECTED_CATEGORY = "breathing"  # shortened last, never below BREATHING_FLOOR

ChangeKind = Literal["swap", "note", "unswapped", "range", "rest", "sets", "hold", "minutes"]
REDUCING: frozenset[str] = frozenset({"swap", "sets", "hold", "minutes"})


@dataclass(frozen=True)
class Choices:
    """What the person chose today: a budget in whole minutes (None: no limit) and the props
    they do not have, in their words ("bench", "roller", "weights")."""

    minutes: int | None = None
    without: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return self.minutes is not None or bool(self.without)

    def query(self) -> str:
        """The choices as URL query parameters (empty when there are none)."""
        parts = []
        if self.minutes is not None:
            parts.append(f"minutes={self.minutes}")
        if self.without:
            parts.append("without=" + ",".join(sorted(self.without)))
        return "&".join(parts)


def parse_choices(minutes: int | str | None, without: str | Iterable[str] | None) -> Choices:
    """Read the choices as typed (``--minutes 15 --without bench,roller``) or sent by a form;
    anything else is an InputError that says what is allowed."""
    budget: int | None = None
    if minutes is not None and str(minutes).strip() != "":
        text = str(minutes).strip()
        if not text.isdigit() or not MIN_BUDGET <= int(text) <= MAX_BUDGET:
            raise InputError(
                f"minutes must be a whole number from {MIN_BUDGET} to {MAX_BUDGET}, got '{text}'"
            )
        budget = int(text)
    words: list[str] = []
    for part in [without] if isinstance(without, str) else list(without or []):
        words += [w.strip().lower() for w in part.split(",") if w.strip()]
    unknown = [w for w in words if w not in PROPS]
    if unknown:
        raise InputError(
            f"unknown prop '{unknown[0]}' after --without; choose from {', '.join(PROPS)}"
        )
    return Choices(budget, frozenset(words))


@dataclass(frozen=True)
class Change:
    """One change to one exercise of the day, with the sentence that explains it."""

    item: int  # position in the day
    exercise_id: str  # the exercise done after the change
    kind: ChangeKind
    reason: str  # the whole sentence, naming the exercise (history, the terminal's list)
    detail: str = ""  # the same beside the exercise's name (Today, `supple today`)

    @property
    def beside(self) -> str:
        return self.detail or self.reason

    @property
    def reduces_work(self) -> bool:
        return self.kind in REDUCING


@dataclass(frozen=True)
class Fitted:
    """The day as it will be played, what changed and why, and whether it fits."""

    plan: DayPlan
    choices: Choices
    full_seconds: int  # the day before fitting (its adapted doses, all props)
    changes: tuple[Change, ...]
    fits: bool  # within the budget (always True without one)

    @property
    def seconds(self) -> int:
        return self.plan.estimated_seconds

    def reasons(self, item: int) -> list[str]:
        return [c.reason for c in self.changes if c.item == item]

    def details(self, item: int) -> list[str]:
        """The reasons to show beside the item's own name: each swap or note, then the time
        changes in one line ("2 sets instead of 3, rests of 15 s instead of 45 s, to fit 15
        minutes")."""
        mine = [c for c in self.changes if c.item == item]
        out = [c.beside for c in mine if c.kind in ("swap", "note", "unswapped")]
        timed = [c.beside for c in mine if c.kind not in ("swap", "note", "unswapped")]
        if timed:
            out.append(f"{', '.join(timed)}, to fit {self.choices.minutes} minutes")
        return out

    @property
    def reduced_items(self) -> frozenset[int]:
        """Items done with less work than the day asked: not progression evidence."""
        return frozenset(c.item for c in self.changes if c.reduces_work)

    def summary(self) -> str | None:
        """One sentence about the whole day, or None when nothing was asked."""
        if self.choices.minutes is None:
            return None
        budget = self.choices.minutes
        took = _min(self.seconds)
        if self.full_seconds <= budget * MINUTE and not any(
            c.kind not in ("swap", "note", "unswapped") for c in self.changes
        ):
            return f"The whole day fits in {budget} minutes (about {took}), so nothing is cut."
        if self.fits:
            return f"Fitted to {budget} minutes: about {took} instead of {_min(self.full_seconds)}."
        return (
            f"Even at its shortest this day takes about {took}, more than {budget} minutes: "
            "every exercise and the breathing are kept at their minimum. Do what you can, or "
            "play it on a day with more time."
        )

    def to_json(self) -> dict[str, Any]:
        """What a session stores about how its day was fitted (history shows it)."""
        return {
            "minutes": self.choices.minutes,
            "without": sorted(self.choices.without),
            "full_seconds": self.full_seconds,
            "seconds": self.seconds,
            "fits": self.fits,
            "summary": self.summary(),
            "changes": [
                {
                    "item": c.item,
                    "exercise": c.exercise_id,
                    "kind": c.kind,
                    "reason": c.reason,
                    "detail": c.beside,
                    "reduces_work": c.reduces_work,
                }
                for c in self.changes
            ],
        }


def stored_line(stored: Mapping[str, Any]) -> str:
    """How a stored session was fitted, in one line: "fitted to 15 minutes, no bench"."""
    minutes = stored.get("minutes")
    parts = [f"fitted to {minutes} minutes"] if minutes else []
    parts += [PROP_NAMES.get(str(p), f"no {p}") for p in stored.get("without") or []]
    return ", ".join(parts) or "fitted"


def _min(seconds: int) -> str:
    return f"{max(1, round(seconds / MINUTE))} min"


# --- one item while it is being fitted ----------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    exercise: Exercise
    dose: Dose
    rest: int
    variant: Variant | None
    notes: str | None
    rest_given: int | None = None  # the prescription's own rest, kept when rests are not cut

    def prescription(self) -> Prescription:
        rest = self.rest if self.rest != self.default_rest else self.rest_given
        return Prescription(self.exercise.id, self.dose, self.notes, rest, self.variant)

    @property
    def default_rest(self) -> int:
        return self.rest_given if self.rest_given is not None else self.exercise.rest_seconds

    @property
    def name(self) -> str:
        return self.variant.name if self.variant else self.exercise.name

    @property
    def protected(self) -> bool:
        return self.exercise.category == PROTECTED_CATEGORY


def _variant_kind(exercise: Exercise, variant: Variant | None) -> str | None:
    if variant is None:
        return None
    if variant == exercise.easier:
        return "easier"
    return "harder" if variant == exercise.harder else None


def _swap(
    position: int, item: _Item, missing: Iterable[str], catalog: Mapping[str, Exercise]
) -> tuple[_Item, list[Change]]:
    """The item without the missing props: at most one real swap, else notes."""
    needed = [p for p in sorted(missing) if PROPS[p] in item.exercise.equipment]
    swaps = [(p, item.exercise.swap_for(PROPS[p])) for p in needed]
    real = [(p, s) for p, s in swaps if s is not None and s.use != "same"]
    for prop, pick in real:
        if pick.use == _variant_kind(item.exercise, item.variant):
            return item, []  # already doing the version that needs no such prop
        if pick.use in ("easier", "harder"):
            variant = item.exercise.easier if pick.use == "easier" else item.exercise.harder
            after = replace(item, variant=variant, notes=None)  # "onto a bench" no longer fits
        else:
            target = catalog[pick.use]
            after = _Item(target, item.dose, target.rest_seconds, None, None)
        reason = f"{after.name} instead of {item.name} ({PROP_NAMES[prop]}): {pick.reason}"
        return after, [Change(position, after.exercise.id, "swap", reason)]
    changes = []
    for prop, swap in swaps:
        if swap is None:
            reason = (
                f"{item.name} needs a {PROPS[prop]} and its catalog entry names nothing to do "
                "instead: do it as planned if you can improvise, or skip it"
            )
            changes.append(Change(position, item.exercise.id, "unswapped", reason))
        else:
            reason = f"{item.name} ({PROP_NAMES[prop]}): {swap.reason}"
            changes.append(Change(position, item.exercise.id, "note", reason))
    return item, changes


# --- shrinking, one move at a time -----------------------------------------------------------


def _set_seconds(item: _Item) -> int:
    dose = item.dose
    if dose.reps is not None:
        work = dose.reps * item.exercise.tempo_seconds
    else:
        work = dose.hold_seconds or dose.duration_max_seconds or dose.duration_seconds or 0
    return work * dose.sides


def _timed_floor(start: Dose, protected: bool) -> int:
    low = start.duration_seconds or 0
    if protected:
        return min(low, BREATHING_FLOOR)
    return min(low, max(MINUTE, math.ceil(low / 2 / MINUTE) * MINUTE))


def _moves(items: list[_Item], start: list[_Item]) -> Iterable[tuple[int, _Item]]:
    """The next single shrink, stage by stage (see the module docstring); each yielded move is
    applied before the next is chosen, so the caller can stop as soon as the day fits."""
    for i, item in enumerate(items):  # 1. ranges to their short end
        if item.dose.duration_max_seconds is not None:
            yield i, replace(item, dose=item.dose.with_changes(duration_max_seconds=None))
    while True:  # 2. rests, longest first
        rests = [
            (item.rest, i)
            for i, item in enumerate(items)
            if item.dose.set_count > 1 and item.rest > REST_FLOOR
        ]
        if not rests:
            break
        _, i = max(rests)
        yield i, replace(items[i], rest=REST_FLOOR)
    while True:  # 3. sets, round robin from the most sets left
        sets = [
            (item.dose.set_count, _set_seconds(item), i)
            for i, item in enumerate(items)
            if not item.protected and item.dose.set_count > 1
        ]
        if not sets:
            break
        _, _, i = max(sets)
        yield (
            i,
            replace(items[i], dose=items[i].dose.with_changes(sets=items[i].dose.set_count - 1)),
        )
    while True:  # 4. holds, longest first
        holds = [
            (item.dose.hold_seconds, i)
            for i, item in enumerate(items)
            if not item.protected
            and item.dose.hold_seconds is not None
            and item.dose.hold_seconds > HOLD_FLOOR
        ]
        if not holds:
            break
        hold, i = max(holds)
        shorter = max(HOLD_FLOOR, hold - HOLD_STEP)
        yield i, replace(items[i], dose=items[i].dose.with_changes(hold_seconds=shorter))
    for protected in (False, True):  # 5. timed blocks, then 6. breathing
        while True:
            blocks = [
                (item.dose.duration_seconds, i)
                for i, item in enumerate(items)
                if item.protected == protected
                and item.dose.duration_seconds is not None
                and item.dose.duration_seconds > _timed_floor(start[i].dose, protected)
            ]
            if not blocks:
                break
            length, i = max(blocks)
            shorter = max(_timed_floor(start[i].dose, protected), length - MINUTE)
            yield i, replace(items[i], dose=items[i].dose.with_changes(duration_seconds=shorter))


def _returns(items: list[_Item], start: list[_Item]) -> Iterable[tuple[int, _Item]]:
    """Single steps back toward the day's dose, in the reverse of the shrink order: breathing,
    timed blocks, holds (the shortest first), sets (the fewest first), rests."""
    pairs = list(enumerate(zip(items, start, strict=True)))
    timed = [
        (item.protected, i, item, old)
        for i, (item, old) in pairs
        if (item.dose.duration_seconds or 0) < (old.dose.duration_seconds or 0)
    ]
    for _, i, item, old in sorted(timed, key=lambda t: (not t[0], t[1])):
        longer = min(old.dose.duration_seconds or 0, (item.dose.duration_seconds or 0) + MINUTE)
        yield i, replace(item, dose=item.dose.with_changes(duration_seconds=longer))
    holds = [
        (item.dose.hold_seconds or 0, i, item, old)
        for i, (item, old) in pairs
        if (item.dose.hold_seconds or 0) < (old.dose.hold_seconds or 0)
    ]
    for hold, i, item, old in sorted(holds):
        longer = min(old.dose.hold_seconds or 0, hold + HOLD_STEP)
        yield i, replace(item, dose=item.dose.with_changes(hold_seconds=longer))
    sets = [
        (item.dose.set_count, i, item)
        for i, (item, old) in pairs
        if item.dose.set_count < old.dose.set_count
    ]
    for count, i, item in sorted(sets):
        yield i, replace(item, dose=item.dose.with_changes(sets=count + 1))
    for i, (item, old) in pairs:
        if item.rest < old.rest:
            yield i, replace(item, rest=old.rest)


def _give_back(items: list[_Item], start: list[_Item], fits: Callable[[list[_Item]], bool]) -> None:
    """The last cut may leave minutes unused: give back, one step at a time, whatever still
    fits, so "I have 10 minutes" gets close to 10 minutes of the day."""
    while True:
        for position, returned in _returns(items, start):
            trial = list(items)
            trial[position] = returned
            if fits(trial):
                items[position] = returned
                break
        else:
            return


def _total(items: list[_Item], catalog: Mapping[str, Exercise], settings: Settings) -> int:
    return build([item.prescription() for item in items], catalog, settings).total_seconds


# --- what changed, in words ------------------------------------------------------------------


def _time_changes(position: int, before: _Item, after: _Item, budget: int) -> list[Change]:
    goal = f"to fit {budget} minutes"
    old, new = before.dose, after.dose
    out: list[tuple[ChangeKind, str]] = []
    if (
        old.duration_max_seconds is not None
        and new.duration_max_seconds is None
        and new.duration_seconds == old.duration_seconds
    ):
        out.append(("range", f"{new.describe()}, the short end of {old.describe()}"))
    if new.duration_seconds is not None and new.duration_seconds < (old.duration_seconds or 0):
        out.append(("minutes", f"{new.describe()} instead of {old.describe()}"))
    if new.set_count < old.set_count:
        sets = "1 set" if new.set_count == 1 else f"{new.set_count} sets"
        out.append(("sets", f"{sets} instead of {old.set_count}"))
    if new.hold_seconds is not None and new.hold_seconds < (old.hold_seconds or 0):
        out.append(("hold", f"holds of {new.hold_seconds} s instead of {old.hold_seconds} s"))
    if new.set_count > 1 and after.rest < before.rest:
        out.append(("rest", f"rests of {after.rest} s instead of {before.rest} s"))
    joint = {"range": ", ", "minutes": " "}
    return [
        Change(
            position,
            after.exercise.id,
            kind,
            f"{after.name}: {text}{joint.get(kind, ' ')}{goal}",
            text,
        )
        for kind, text in out
    ]


# --- the rule --------------------------------------------------------------------------------


def fit(
    plan: DayPlan,
    catalog: Mapping[str, Exercise],
    choices: Choices,
    settings: Settings | None = None,
) -> Fitted:
    """The day fitted to ``choices``: swaps for missing props, then the shrink order until the
    timeline fits the budget (or everything is at its minimum)."""
    settings = settings or Settings()
    items = [
        _Item(
            p.exercise,
            p.prescription.dose,
            rest_seconds(p.prescription, p.exercise, settings),
            p.variant,
            p.prescription.notes,
            p.prescription.rest_seconds,
        )
        for p in plan.items
    ]
    full = plan.estimated_seconds
    changes: list[Change] = []
    for position, item in enumerate(items):
        items[position], swapped = _swap(position, item, choices.without, catalog)
        changes += swapped
    start = list(items)
    fits = True
    if choices.minutes is not None and items:
        budget = choices.minutes * MINUTE
        fits = _total(items, catalog, settings) <= budget
        for position, moved in _moves(items, start) if not fits else ():
            items[position] = moved
            if _total(items, catalog, settings) <= budget:
                fits = True
                _give_back(items, start, lambda trial: _total(trial, catalog, settings) <= budget)
                break
        for position, (before, after) in enumerate(zip(start, items, strict=True)):
            changes += _time_changes(position, before, after, choices.minutes)
    changes.sort(key=lambda c: c.item)
    return Fitted(_replan(plan, items, catalog, settings), choices, full, tuple(changes), fits)


def _replan(
    plan: DayPlan, items: list[_Item], catalog: Mapping[str, Exercise], settings: Settings
) -> DayPlan:
    todays = [item.prescription() for item in items]
    timeline = build(todays, catalog, settings)
    per_item = [0] * len(todays)
    for step in timeline.steps:
        per_item[step.item] += step.seconds
    planned = tuple(
        PlannedItem(
            prescription=today,
            base=old.base,
            exercise=item.exercise,
            variant=item.variant,
            reason=old.reason,
            estimated_seconds=seconds,
            prescribed=old.prescribed,
        )
        for old, item, today, seconds in zip(plan.items, items, todays, per_item, strict=True)
    )
    return replace(plan, items=planned, timeline=timeline)
