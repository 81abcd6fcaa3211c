"""Where a date falls: week and day from the start date, repeating weekly, maintenance after."""

from __future__ import annotations

from datetime import date

import pytest

from supple.core.errors import ScheduleError
from supple.core.schedule import date_of, locate, week_dates

START = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("on", "week", "day", "maintenance"),
    [
        (date(2026, 11, 2), 1, 1, False),  # the start date is day 1
        (date(2026, 11, 8), 1, 7, False),  # six days later is day 7
        (date(2026, 11, 9), 2, 1, False),  # the week repeats
        (date(2026, 11, 29), 4, 7, False),  # the last day of the course
        (date(2026, 11, 30), 5, 1, True),  # then maintenance, not an end
        (date(2027, 3, 1), 18, 1, True),  # across months and a DST change
        (date(2028, 2, 29), 70, 2, True),  # leap day
    ],
)
def test_a_date_maps_to_its_program_week_and_day(
    on: date, week: int, day: int, maintenance: bool
) -> None:
    slot = locate(START, on)
    assert (slot.week, slot.day, slot.maintenance) == (week, day, maintenance)


def test_a_date_before_the_start_says_how_many_days_to_go() -> None:
    with pytest.raises(
        ScheduleError, match="before the program starts on 2026-11-02 \\(3 days to go\\)"
    ):
        locate(START, date(2026, 10, 30))


def test_week_dates_are_the_seven_days_of_the_program_week() -> None:
    days = week_dates(START, date(2026, 11, 12))
    assert days[0] == date(2026, 11, 9) and days[-1] == date(2026, 11, 15) and len(days) == 7


def test_date_of_is_the_inverse_of_locate() -> None:
    for offset in range(60):
        on = date.fromordinal(START.toordinal() + offset)
        slot = locate(START, on)
        assert date_of(START, slot.week, slot.day) == on
