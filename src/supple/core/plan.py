"""The program as data: exercises, doses, prescriptions, days and the whole plan.

Everything is a frozen dataclass so a loaded plan can be shared between requests and threads
without copying, and so two plans compare equal when their facts are equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

Per = Literal["side", "leg"]
PHASES = ("up", "down", "hold", "reach", "return", "tilt", "release", "open", "close")
CATEGORIES = ("mobility", "stretch", "strength", "core", "recovery", "cardio", "breathing")


@dataclass(frozen=True)
class Variant:
    """An easier or harder version of an exercise, described rather than catalogued."""

    name: str
    how: str


@dataclass(frozen=True)
class Swap:
    """What to do instead when a prop is missing (the catalog's ``without`` entries).

    ``use`` is ``"easier"`` or ``"harder"`` (the exercise's own variant), ``"same"`` (the
    exercise needs the prop only optionally, as dumbbells for a movement the plan allows with
    body weight), or the id of another catalog exercise for the same area. ``reason`` says why
    the replacement keeps the point of the exercise, in the person's words.
    """

    prop: str  # an equipment word of the catalog: "bench", "foam roller", "dumbbells"
    use: str
    reason: str


@dataclass(frozen=True)
class Exercise:
    """One catalog entry: what the movement is and how to do it well."""

    id: str
    name: str
    category: str
    targets: tuple[str, ...]
    equipment: tuple[str, ...]
    per: Per | None
    tempo_seconds: int
    rest_seconds: int
    summary: str
    setup: tuple[str, ...]
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    stop_if: tuple[str, ...]
    easier: Variant
    harder: Variant
    notes: str | None = None
    # How one rep divides its tempo, in order ("up" 1 s, "hold" 1 s, "down" 2 s), so a player
    # can name the phase being done; empty when a rep is one flowing movement.
    phases: tuple[tuple[str, int], ...] = ()
    swaps: tuple[Swap, ...] = ()

    def swap_for(self, prop: str) -> Swap | None:
        return next((swap for swap in self.swaps if swap.prop == prop), None)


@dataclass(frozen=True)
class Dose:
    """How much of an exercise: sets of reps, holds in seconds, or a timed block.

    Exactly one of ``reps``, ``hold_seconds`` and ``duration_seconds`` is set. A timed block may
    have a range (``duration_max_seconds``), as in "15-20 minutes" of walking. ``per`` keeps the
    plan's own word ("side" or "leg") because people read the two differently.
    """

    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    duration_seconds: int | None = None
    duration_max_seconds: int | None = None
    per: Per | None = None

    @property
    def kind(self) -> Literal["reps", "hold", "timed"]:
        if self.reps is not None:
            return "reps"
        if self.hold_seconds is not None:
            return "hold"
        return "timed"

    @property
    def set_count(self) -> int:
        """Sets actually performed: a single hold or a timed block counts as one."""
        return self.sets or 1

    @property
    def sides(self) -> int:
        return 2 if self.per else 1

    def with_changes(self, **changes: int | None) -> Dose:
        return replace(self, **changes)  # type: ignore[arg-type]

    def describe(self) -> str:
        """The dose in the plan's own phrasing, e.g. "3 × 10 reps per side"."""
        per = f" per {self.per}" if self.per else ""
        if self.reps is not None:
            return f"{self.set_count} × {self.reps} reps{per}"
        if self.hold_seconds is not None:
            sets = f"{self.sets} × " if self.sets and self.sets > 1 else "hold "
            return f"{sets}{self.hold_seconds} s{per}"
        assert self.duration_seconds is not None
        low = _minutes(self.duration_seconds)
        if self.duration_max_seconds:
            return f"{low}–{_minutes(self.duration_max_seconds)} min{per}"
        return f"{low} min{per}"


def _minutes(seconds: int) -> str:
    whole, rest = divmod(seconds, 60)
    return str(whole) if rest == 0 else f"{seconds / 60:.1f}"


@dataclass(frozen=True)
class Prescription:
    """One line of a day: which exercise, at what dose, with the plan's remarks."""

    exercise_id: str
    dose: Dose
    notes: str | None = None
    rest_seconds: int | None = None  # None: the pacing settings, else the exercise's own rest
    variant: Variant | None = None  # done as this variant: the players name and describe it


@dataclass(frozen=True)
class Day:
    number: int
    title: str
    goal: str
    items: tuple[Prescription, ...]


@dataclass(frozen=True)
class Tip:
    title: str
    text: str


@dataclass(frozen=True)
class Program:
    """A whole plan: its days, how many weeks it runs, and the catalog it draws on.

    After ``weeks`` the week keeps repeating as maintenance rather than ending: stopping a
    routine that works is the commonest way its benefits are lost.
    """

    name: str
    weeks: int
    days: tuple[Day, ...]
    catalog: Mapping[str, Exercise] = field(hash=False, compare=False)
    about: str = ""
    tips: tuple[Tip, ...] = ()

    def day(self, number: int) -> Day:
        for day in self.days:
            if day.number == number:
                return day
        raise KeyError(number)

    @property
    def cycle_length(self) -> int:
        return max(day.number for day in self.days)

    @cached_property
    def session_numbers(self) -> frozenset[int]:
        """The numbers of the days that hold a session (a day with items; a day the plan leaves
        out or empty is a rest day). Worked out once per program: the schedule asks it of
        every date."""
        return frozenset(day.number for day in self.days if day.items)

    def exercise(self, exercise_id: str) -> Exercise:
        return self.catalog[exercise_id]
