"""Which dates hold a session (``day_plan.scheduled_days``): a date's program day is
``schedule.locate``'s, and a day that the plan leaves out or empty is a rest day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from supple.core.day_plan import scheduled_days
from supple.core.plan import Day, Dose, Prescription, Program
from supple.core.schedule import locate

START = date(2026, 11, 2)  # a Monday: day 1


def program(*numbers: int, empty: tuple[int, ...] = ()) -> Program:
    """A plan whose days ``numbers`` hold one exercise and ``empty`` hold none."""
    days = [Day(n, f"Day {n}", "", (Prescription("cat_cow", Dose(reps=5)),)) for n in numbers]
    days += [Day(n, f"Day {n}", "", ()) for n in empty]
    return Program("test", weeks=4, days=tuple(days), catalog={})


def by_locate(plan: Program, start: date, first: date, last: date) -> list[date]:
    """The rule as it reads: every date from first to last, its day looked up in the plan."""
    found = []
    day = max(start, first)
    while day <= last:
        number = locate(start, day, cycle=7, weeks=plan.weeks).day
        if any(d.number == number and d.items for d in plan.days):
            found.append(day)
        day += timedelta(days=1)
    return found


D = timedelta(days=1)


@pytest.mark.parametrize(
    ("plan", "first", "last", "expected"),
    [
        pytest.param(program(1, 3, 5), START, START + 6 * D, [START, START + 2 * D, START + 4 * D],
                     id="the plan's days in its first week"),
        pytest.param(program(1, 3, 5), START + 7 * D, START + 9 * D, [START + 7 * D, START + 9 * D],
                     id="the week repeats"),
        pytest.param(program(2), START - 10 * D, START + 1 * D, [START + D],
                     id="none before the start, however early the first date"),
        pytest.param(program(1, 2, 3, 4, 5, 6, 7), START + 3 * D, START + 2 * D, [],
                     id="none when the last date is before the first"),
        pytest.param(program(1, 2, 3, 4, 5, 6, 7), START - 5 * D, START - 1 * D, [],
                     id="none when the whole span is before the start"),
        pytest.param(program(1, empty=(2, 3)), START, START + 2 * D, [START],
                     id="a day with no items is a rest day"),
        pytest.param(program(), START, START + 30 * D, [], id="a plan of rest days has none"),
        pytest.param(program(7), START + 27 * D, START + 35 * D, [START + 27 * D, START + 34 * D],
                     id="maintenance after the course keeps the week"),
    ],
)  # fmt: skip
def test_the_scheduled_days_are_the_dates_whose_program_day_holds_a_session(
    plan: Program, first: date, last: date, expected: list[date]
) -> None:
    assert scheduled_days(plan, START, first, last) == expected
    assert by_locate(plan, START, first, last) == expected


@pytest.mark.parametrize("numbers", [(1, 3, 5), (2, 4, 6, 7), (1,), (7,), ()])
@pytest.mark.parametrize("start_offset", [0, 3, 40, 400])
def test_the_scheduled_days_agree_with_locate_date_by_date(
    numbers: tuple[int, ...], start_offset: int
) -> None:
    plan = program(*numbers, empty=tuple(n for n in range(1, 8) if n not in numbers)[:2])
    start = START - timedelta(days=start_offset)
    for first, last in [(START, START + 40 * D), (START - 60 * D, START), (START, START)]:
        assert scheduled_days(plan, start, first, last) == by_locate(plan, start, first, last)


def test_a_programs_session_days_are_worked_out_once() -> None:
    plan = program(1, 4, empty=(2,))
    assert plan.session_numbers == frozenset({1, 4})
    assert plan.session_numbers is plan.session_numbers
    assert plan == program(1, 4, empty=(2,))  # the cached answer is no part of the plan's facts
