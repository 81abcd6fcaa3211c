"""Outcome measures (CLINICAL.md §3) and the screen's small rules, case by case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from supple.core.errors import InputError
from supple.core.outcomes import (
    PsfsChange,
    adherence,
    pain_change,
    parse_psfs,
    review,
    review_due,
    span,
    sparkline,
    window,
)
from supple.core.safety import QUESTIONS, pain_settled, parse_answers, verdict


@pytest.mark.parametrize(
    ("baseline", "now", "size"),
    [
        (6, 4, "important"),  # 2 points
        (3, 2, "important"),  # 1 point but 33 %
        (8, 7, "minimal"),  # 1 point, 12.5 %
        (7, 6.5, "none"),  # 0.5 point, 7 %
        (5, 5, "none"),
        (4, 5, "worse"),
        (0, 0, "none"),
    ],
)
def test_pain_change_is_sized_by_points_or_share(baseline: float, now: float, size: str) -> None:
    assert pain_change(baseline, now).size == size


@pytest.mark.parametrize(
    ("before", "now", "important"),
    [
        ({"a": 3, "b": 3, "c": 3}, {"a": 5, "b": 5, "c": 5}, True),  # mean +2
        ({"a": 3, "b": 3, "c": 3}, {"a": 6, "b": 3, "c": 3}, True),  # one activity +3
        ({"a": 3, "b": 3, "c": 3}, {"a": 5, "b": 4, "c": 4}, False),  # mean +1.33
        ({"a": 5, "b": 5, "c": 5}, {"a": 4, "b": 4, "c": 4}, False),
    ],
)
def test_psfs_change_is_real_at_2_in_the_mean_or_3_in_one_activity(
    before: dict[str, int], now: dict[str, int], important: bool
) -> None:
    assert PsfsChange(before, now).important is important


def test_psfs_text_is_parsed_into_activities_and_ratings() -> None:
    assert parse_psfs("tie shoes=4, sit  1 hour = 3,lift child=5") == {
        "tie shoes": 4,
        "sit 1 hour": 3,
        "lift child": 5,
    }
    with pytest.raises(InputError, match="named twice"):
        parse_psfs("a=1,A=2,b=3")


def test_adherence_counts_weeks_streak_and_the_habit_mark() -> None:
    start = date(2026, 11, 2)
    days = [start + timedelta(days=i) for i in range(21)]
    done = [d for i, d in enumerate(days) if i not in (3, 12)]
    result = adherence(start, days[-1], days, done)
    assert [(w.week, w.done, w.scheduled) for w in result.weeks] == [
        (1, 6, 7),
        (2, 6, 7),
        (3, 7, 7),
    ]
    assert result.streak == 8  # from day 14 on
    assert result.habit_reached_on == start + timedelta(days=6)


def test_today_counts_as_scheduled_only_once_done() -> None:
    start = date(2026, 11, 2)
    days = [start + timedelta(days=i) for i in range(3)]
    assert adherence(start, days[2], days, days[:2]).weeks[0].scheduled == 2
    assert adherence(start, days[2], days, days).weeks[0].scheduled == 3


@pytest.mark.parametrize(
    ("pain", "psfs", "decision"),
    [
        ((5, 6), None, "clinician"),  # worse
        ((5, 5), None, "clinician"),  # no change at 5
        ((2, 2), None, "continue"),  # low and steady: no alarm
        ((6, 3), ({"a": 3, "b": 3, "c": 3}, {"a": 5, "b": 5, "c": 5}), "continue"),
        ((5, 2), ({"a": 3, "b": 3, "c": 3}, {"a": 6, "b": 5, "c": 5}), "maintain"),
        ((5, 2), ({"a": 3, "b": 3, "c": 3}, {"a": 4, "b": 3, "c": 3}), "continue"),
    ],
)
def test_the_week_four_review_decides_what_comes_next(
    pain: tuple[float, float],
    psfs: tuple[dict[str, int], dict[str, int]] | None,
    decision: str,
) -> None:
    change = PsfsChange(*psfs) if psfs else None
    assert review(pain_change(*pain), change).decision == decision


def test_the_review_is_due_from_the_last_day_of_week_four() -> None:
    start = date(2026, 11, 2)
    assert not review_due(start, date(2026, 11, 28))
    assert review_due(start, date(2026, 11, 29))


def test_sparklines_use_a_fixed_scale_and_show_gaps() -> None:
    assert sparkline([0, 10, None, 5]) == "▁█ ▅"


def test_answers_map_to_questions_in_order_and_any_yes_flags() -> None:
    answers = parse_answers(",".join(["n"] * (len(QUESTIONS) - 1) + ["yes"]))
    result = verdict(answers)
    assert result.tier == "clinician" and result.flagged == (QUESTIONS[-1],)
    urgent = verdict({QUESTIONS[0].id: True, QUESTIONS[-1].id: True})
    assert urgent.tier == "urgent"


@pytest.mark.parametrize(
    ("before", "after", "settled"),
    [(None, 2, True), (None, 3, False), (4, 4, True), (4, 5, False), (7, 6, False)],
)
def test_pain_has_settled_when_safe_or_back_to_the_morning_before(
    before: int | None, after: int, settled: bool
) -> None:
    assert pain_settled(before, after) is settled


ON = date(2026, 12, 2)
WEEK = frozenset(ON - timedelta(days=n) for n in range(0, 14, 2))  # every other day, today too


def _day(n: int) -> date:
    return ON - timedelta(days=n)


@pytest.mark.parametrize(
    ("first", "last", "done", "expected"),
    [
        pytest.param(_day(6), ON, {_day(2), _day(4)}, (2, 3),
                     id="today is not planned until done"),
        pytest.param(_day(6), ON, {ON, _day(2)}, (2, 4), id="today counts once done"),
        pytest.param(_day(13), _day(7), {_day(8), _day(12)}, (2, 3),
                     id="the week before counts its own days only"),
        pytest.param(_day(6), _day(1), {ON}, (0, 3),
                     id="a session today does not count in a window that ends before it"),
        pytest.param(_day(2), ON + timedelta(days=5), {ON}, (1, 2),
                     id="days after the day looked from are never planned"),
        pytest.param(_day(30), _day(20), set(), (0, 0), id="nothing scheduled: nothing planned"),
        pytest.param(ON, _day(6), {ON}, (0, 0), id="a window that ends before it starts is empty"),
        pytest.param(_day(6), ON, {_day(1), _day(3)}, (0, 3),
                     id="a session on an unscheduled day counts for nothing"),
    ],
)  # fmt: skip
def test_a_window_counts_the_sessions_done_over_the_scheduled_days_planned_by_then(
    first: date, last: date, done: set[date], expected: tuple[int, int]
) -> None:
    assert window(first, last, ON, WEEK, done) == expected
    assert window(first, last, ON, sorted(WEEK), done) == expected  # any container of days


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        pytest.param(_day(2), ON, (_day(2), _day(1), ON), id="both ends and the days between"),
        pytest.param(ON, ON, (ON,), id="one day"),
        pytest.param(ON, _day(1), (), id="a span that ends before it starts is empty"),
    ],
)  # fmt: skip
def test_a_span_holds_every_day_from_its_first_to_its_last(
    first: date, last: date, expected: tuple[date, ...]
) -> None:
    assert span(first, last) == expected
