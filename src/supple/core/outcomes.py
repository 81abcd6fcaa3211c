"""Outcome measures (CLINICAL.md §3): pain change, the PSFS, adherence, and the week-4 review.

Thresholds are the published ones and are shown next to every verdict, so a person (or their
physiotherapist) can see why Supple calls a change "clinically important" or not.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from supple.core.errors import InputError

PAIN_IMPORTANT_POINTS = 2
PAIN_IMPORTANT_SHARE = 0.30
PAIN_MINIMAL_POINTS = 1
PAIN_MINIMAL_SHARE = 0.15
PSFS_MEAN_POINTS = 2
PSFS_ONE_ACTIVITY_POINTS = 3
PSFS_MIN, PSFS_MAX = 3, 5
HABIT_SESSIONS, HABIT_DAYS = 6, 14
REVIEW_WEEK = 4
BARS = "▁▂▃▄▅▆▇█"


def check_scale(value: object, what: str, top: int = 10) -> int:
    """A 0–10 rating as typed by a person (or read from a backup), or a clear complaint."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        shown = value if isinstance(value, int) and not isinstance(value, bool) else repr(value)
        raise InputError(f"{what} must be a whole number from 0 to {top}, got {shown}")
    return value


def sparkline(values: Sequence[float | None]) -> str:
    """Ratings on the fixed 0–10 scale as bars (a gap for a missing day): a fixed scale keeps a
    small wobble from looking like a big change."""
    return "".join(
        " " if v is None else BARS[min(len(BARS) - 1, round(v / 10 * (len(BARS) - 1)))]
        for v in values
    )


# --- pain (NRS) -------------------------------------------------------------------------------

Size = Literal["important", "minimal", "none", "worse"]


@dataclass(frozen=True)
class PainChange:
    baseline: float
    now: float
    size: Size

    @property
    def drop(self) -> float:
        return self.baseline - self.now

    @property
    def share(self) -> float:
        return self.drop / self.baseline if self.baseline else 0.0

    @property
    def verdict(self) -> str:
        base = f"{self.baseline:g} → {self.now:g}"
        if self.size == "important":
            return f"{base}: a clinically important improvement (2 points or 30 % or more)"
        if self.size == "minimal":
            return (
                f"{base}: a small improvement (1 point or 15 % or more; "
                "2 points or 30 % is clinically important)"
            )
        if self.size == "worse":
            return f"{base}: worse than at the start"
        return f"{base}: no real change yet (a change of 2 points or 30 % is clinically important)"


def pain_change(baseline: float, now: float) -> PainChange:
    drop = baseline - now
    share = drop / baseline if baseline else 0.0
    if now > baseline:
        size: Size = "worse"
    elif drop >= PAIN_IMPORTANT_POINTS or (drop > 0 and share >= PAIN_IMPORTANT_SHARE):
        size = "important"
    elif drop >= PAIN_MINIMAL_POINTS or (drop > 0 and share >= PAIN_MINIMAL_SHARE):
        size = "minimal"
    else:
        size = "none"
    return PainChange(baseline, now, size)


# --- PSFS -------------------------------------------------------------------------------------


def parse_psfs(text: str) -> dict[str, int]:
    """``"tie shoes=4,sit 1 hour=3"`` into activities and ratings, checked."""
    ratings: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        match = re.fullmatch(r"(.+?)\s*=\s*(-?\d+)", part)
        if not match or not match[1].strip():
            raise InputError(
                f"PSFS item '{part}' is not ACTIVITY=RATING, e.g. \"tie shoes=4,sit 1 hour=3\""
            )
        name = " ".join(match[1].split())
        if name.lower() in (n.lower() for n in ratings):
            raise InputError(f"PSFS activity '{name}' is named twice")
        ratings[name] = check_scale(int(match[2]), f"the PSFS rating of '{name}'")
    return ratings


def check_psfs(ratings: Mapping[str, int], baseline: Mapping[str, int] | None) -> dict[str, int]:
    """At baseline 3 to 5 activities; afterwards the same activities, re-rated."""
    if baseline is None:
        if not PSFS_MIN <= len(ratings) <= PSFS_MAX:
            raise InputError(
                f"name {PSFS_MIN} to {PSFS_MAX} activities your back or hips make hard, "
                f"got {len(ratings)}"
            )
        return dict(ratings)
    known = {name.lower(): name for name in baseline}
    result: dict[str, int] = {}
    for name, value in ratings.items():
        if name.lower() not in known:
            listed = ", ".join(baseline)
            raise InputError(f"'{name}' is not one of your PSFS activities ({listed})")
        result[known[name.lower()]] = value
    missing = [name for name in baseline if name not in result]
    if missing:
        raise InputError(f"rate every PSFS activity; missing: {', '.join(missing)}")
    return result


@dataclass(frozen=True)
class PsfsChange:
    baseline: Mapping[str, int]
    now: Mapping[str, int]

    @property
    def mean_before(self) -> float:
        return sum(self.baseline.values()) / len(self.baseline)

    @property
    def mean_now(self) -> float:
        shared = [self.now[k] for k in self.baseline if k in self.now]
        return sum(shared) / len(shared) if shared else self.mean_before

    @property
    def best_rise(self) -> int:
        return max((self.now.get(k, v) - v for k, v in self.baseline.items()), default=0)

    @property
    def important(self) -> bool:
        return (
            self.mean_now - self.mean_before >= PSFS_MEAN_POINTS
            or self.best_rise >= PSFS_ONE_ACTIVITY_POINTS
        )

    @property
    def verdict(self) -> str:
        head = f"{self.mean_before:.1f} → {self.mean_now:.1f}"
        rule = "a rise of 2 in the mean, or 3 in one activity"
        if self.important:
            return f"{head}: a real improvement ({rule})"
        if self.mean_now < self.mean_before:
            return f"{head}: lower than at the start ({rule} would be a real change)"
        return f"{head}: not a real change yet ({rule} is)"


# --- adherence --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekAdherence:
    week: int
    done: int
    scheduled: int


@dataclass(frozen=True)
class Adherence:
    weeks: tuple[WeekAdherence, ...]
    streak: int  # scheduled days in a row with a session, up to the latest one
    last_fortnight: int  # sessions in the 14 days up to today
    habit_reached_on: date | None  # first day 6 sessions fell within 14 days
    # every day from the start to ``on``, program week by program week, with what it was:
    # "done", "missed", "rest" or "today" (scheduled, not done yet): the picture of the weeks
    days: tuple[tuple[tuple[date, DayMark], ...], ...] = ()


DayMark = Literal["done", "missed", "rest", "today"]


def day_marks(
    start: date, on: date, scheduled: set[date], done: set[date]
) -> tuple[tuple[tuple[date, DayMark], ...], ...]:
    """Each day from ``start`` to ``on`` marked, in rows of seven from the program's start."""
    rows: list[list[tuple[date, DayMark]]] = []
    day = start
    while day <= on:
        mark: DayMark
        if day in done:
            mark = "done"
        elif day not in scheduled:
            mark = "rest"
        else:
            mark = "today" if day == on else "missed"
        if (day - start).days % 7 == 0:
            rows.append([])
        rows[-1].append((day, mark))
        day += timedelta(days=1)
    return tuple(tuple(row) for row in rows)


def planned_by(day: date, on: date, done: Container[date]) -> bool:
    """Whether a scheduled ``day`` counts as planned when looking from ``on``: every day before
    it, and ``on`` itself only once done (the day is not over yet)."""
    return day < on or (day == on and day in done)


def window(
    first: date, last: date, on: date, scheduled: Container[date], done: Container[date]
) -> tuple[int, int]:
    """Sessions done and sessions planned on the scheduled days from ``first`` to ``last``,
    looking from ``on`` (``planned_by``): the clinic's 7- and 30-day adherence. It walks the
    window's days, not the schedule: a dashboard asks for a thousand windows a request."""
    end = min(last, on)  # up to ``on``, which is planned only once done (``planned_by``)
    planned = [d for d in span(first, end) if d in scheduled and (d < on or d in done)]
    return sum(1 for d in planned if d in done), len(planned)


@lru_cache(maxsize=512)
def span(first: date, last: date) -> tuple[date, ...]:
    """The dates from ``first`` to ``last``, both included (none when ``last`` is earlier).
    Kept: the windows of a caseload's clients mostly end on the same few days."""
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def adherence(start: date, on: date, scheduled: Iterable[date], done: Iterable[date]) -> Adherence:
    """Sessions done over sessions scheduled, per program week, up to ``on``.

    Today counts as scheduled only once done: the day is not over yet.
    """
    done_set = {d for d in done if start <= d <= on}
    scheduled_days = set(scheduled)
    planned = sorted(d for d in scheduled_days if start <= d <= on and planned_by(d, on, done_set))
    weeks: dict[int, list[int]] = {}
    for day in planned:
        counts = weeks.setdefault((day - start).days // 7 + 1, [0, 0])
        counts[1] += 1
        counts[0] += day in done_set
    streak = 0
    for day in reversed(planned):
        if day not in done_set:
            break
        streak += 1
    ordered = sorted(done_set)
    reached = None
    for i in range(HABIT_SESSIONS - 1, len(ordered)):
        if (ordered[i] - ordered[i - HABIT_SESSIONS + 1]).days < HABIT_DAYS:
            reached = ordered[i]
            break
    fortnight = sum(1 for d in done_set if (on - d).days < HABIT_DAYS)
    return Adherence(
        tuple(WeekAdherence(w, c[0], c[1]) for w, c in sorted(weeks.items())),
        streak,
        fortnight,
        reached,
        day_marks(start, on, scheduled_days, done_set),
    )


# --- the week-4 review ------------------------------------------------------------------------

Decision = Literal["continue", "maintain", "clinician"]


@dataclass(frozen=True)
class Review:
    decision: Decision
    improved: tuple[str, ...]
    advice: str


def review_due(start: date, on: date) -> bool:
    """The review belongs to the last day of week 4 and every day after it."""
    return on >= start + timedelta(days=REVIEW_WEEK * 7 - 1)


def review(pain: PainChange | None, psfs: PsfsChange | None) -> Review:
    """What to do after the four-week course.

    See a clinician when pain is worse, or has not improved even minimally while still in the
    acceptable zone or above (3 or more); maintain when pain is in the safe zone and function has
    clearly improved or is near normal; otherwise continue the course and its progressions.
    """
    improved: list[str] = []
    if pain and pain.size in ("important", "minimal"):
        improved.append(f"pain {pain.verdict}")
    if psfs and psfs.mean_now > psfs.mean_before:
        improved.append(f"daily activities (PSFS) {psfs.verdict}")
    if pain is not None and (pain.size == "worse" or (pain.size == "none" and pain.now >= 3)):
        return Review(
            "clinician",
            tuple(improved),
            "Your pain is not improving after four weeks. Please see a doctor or physiotherapist "
            "to check what is going on before you carry on; you can keep up the gentlest "
            "exercises in the meantime if they feel fine.",
        )
    function_good = psfs is not None and (psfs.important or psfs.mean_now >= 8)
    if pain is not None and pain.now <= 2 and function_good:
        return Review(
            "maintain",
            tuple(improved),
            "You have come a long way. Keep the weekly routine going as maintenance: stopping "
            "is the commonest way the gains fade.",
        )
    return Review(
        "continue",
        tuple(improved),
        "Things are moving the right way. Carry on with the program for another four weeks; "
        "doses keep growing as you earn them, and Supple will review again.",
    )
