"""Where a date falls in the program: which week, which day, and whether it is maintenance.

Day 1 is the start date and day N is N-1 days later; the cycle of days repeats for as long as
the person keeps going. The planned weeks (four for the bundled plan) are the course; weeks
after it are maintenance, shown as such rather than as the program having ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from supple.core.errors import ScheduleError


@dataclass(frozen=True)
class Slot:
    """A date's place in the program."""

    on: date
    week: int
    day: int
    maintenance: bool


def locate(start: date, on: date, *, cycle: int = 7, weeks: int = 4) -> Slot:
    """Place ``on`` in a program that started on ``start``."""
    offset = (on - start).days
    if offset < 0:
        raise ScheduleError(
            f"{on.isoformat()} is before the program starts on {start.isoformat()} "
            f"({-offset} day{'s' if offset != -1 else ''} to go)."
        )
    week, day_index = divmod(offset, cycle)
    return Slot(on=on, week=week + 1, day=day_index + 1, maintenance=week + 1 > weeks)


def week_dates(start: date, on: date, *, cycle: int = 7) -> list[date]:
    """The dates of the program week that contains ``on`` (day 1 first)."""
    offset = (on - start).days
    if offset < 0:
        raise ScheduleError(
            f"{on.isoformat()} is before the program starts on {start.isoformat()}."
        )
    first = start + timedelta(days=offset - offset % cycle)
    return [shift(first, i) for i in range(cycle)]


def date_of(start: date, week: int, day: int, *, cycle: int = 7) -> date:
    """The calendar date of a given program week and day."""
    return shift(start, (week - 1) * cycle + day - 1)


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days``; past the calendar's ends (year 1, year 9999) a ScheduleError
    that says so instead of an OverflowError."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise ScheduleError(
            f"{day.isoformat()} {'+' if days >= 0 else '-'} {abs(days)} days is outside the "
            "calendar (years 1 to 9999)."
        ) from None
