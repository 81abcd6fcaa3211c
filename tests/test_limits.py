"""The bounds of ``core.limits`` and the clearance rule, case by case: each bound's inside
edge is accepted and its outside edge refused with the bound in the message."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from supple.core import limits
from supple.core.clearance import check_clearance
from supple.core.errors import InputError, ScheduleError
from supple.core.schedule import date_of, week_dates

START = date(2026, 11, 2)
TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("on", "accepted"),
    [
        (date(2025, 11, 2), True),  # a year before the start: the first day allowed
        (date(2025, 11, 1), False),
        (date(2028, 12, 1), True),  # two years after today: the last day allowed
        (date(2028, 12, 2), False),
        (START, True),
        (TODAY, True),
        (date(1, 1, 1), False),
        (date(9999, 12, 31), False),
    ],
)
def test_a_date_is_accepted_only_inside_the_window_around_the_program(
    on: date, accepted: bool
) -> None:
    if accepted:
        assert limits.check_date(on, start=START, today=TODAY) == on
        return
    with pytest.raises(InputError) as caught:
        limits.check_date(on, start=START, today=TODAY, what="--date")
    assert str(caught.value).startswith(f"--date {on.isoformat()} is outside")
    assert "from 2025-11-02" in str(caught.value) and "to 2028-12-01" in str(caught.value)


def test_the_window_holds_at_the_ends_of_the_calendar_without_overflowing() -> None:
    assert limits.date_window(date(1, 1, 1), date(1, 1, 1))[0] == date.min
    assert limits.date_window(None, date(9999, 12, 31))[1] == date.max


def test_before_a_profile_exists_the_window_is_around_today() -> None:
    assert limits.date_window(None, TODAY) == (date(2025, 12, 2), date(2028, 12, 1))


@pytest.mark.parametrize(
    ("start", "accepted"),
    [
        (date(2021, 12, 2), True),
        (date(2021, 12, 1), False),
        (date(2027, 12, 2), True),
        (date(2027, 12, 3), False),
        (date(1, 1, 1), False),
    ],
)
def test_a_start_date_is_at_most_five_years_back_or_a_year_ahead(
    start: date, accepted: bool
) -> None:
    if accepted:
        assert limits.check_start(start, today=TODAY) == start
        return
    with pytest.raises(InputError, match="too far from today: choose a date from 2021-12-02"):
        limits.check_start(start, today=TODAY)


@pytest.mark.parametrize(("weeks", "accepted"), [(1, True), (52, True), (0, False), (53, False)])
def test_a_calendar_holds_1_to_52_weeks(weeks: int, accepted: bool) -> None:
    if accepted:
        assert limits.check_weeks(weeks) == weeks
        return
    with pytest.raises(InputError, match=f"weeks must be from 1 to 52, got {weeks}"):
        limits.check_weeks(weeks)


@pytest.mark.parametrize(
    ("speed", "accepted"),
    [
        (0.1, True),
        (1.0, True),
        (10_000.0, True),
        (0.09, False),
        (10_000.5, False),
        (0.0, False),
        (-1.0, False),
        (float("nan"), False),
        (float("inf"), False),
        (float("-inf"), False),
    ],
)
def test_the_player_speed_is_a_finite_number_from_a_tenth_to_ten_thousand(
    speed: float, accepted: bool
) -> None:
    if accepted:
        assert limits.check_speed(speed) == speed
        return
    with pytest.raises(InputError, match=r"--speed must be a number from 0\.1 to 10000"):
        limits.check_speed(speed)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tie shoes", None),
        ("line one\nline two\tand a tab", None),
        ("café ✓ 日本", None),
        ("a\x00b", "U+0000 at position 2"),
        ("\x1b[31mred", "U+001B at position 1"),
        ("bell\x07", "U+0007 at position 5"),
        ("carriage\rreturn", "U+000D at position 9"),
        ("del\x7f", "U+007F at position 4"),
        ("x" * limits.TEXT_MAX, None),
        ("x" * (limits.TEXT_MAX + 1), f"the most is {limits.TEXT_MAX}"),
    ],
)
def test_stored_text_refuses_control_characters_but_tab_and_newline(
    text: str, problem: str | None
) -> None:
    found = limits.text_problem(text)
    if problem is None:
        assert found is None
        assert limits.check_text(text, "name") == text
        return
    assert found is not None and problem in found
    with pytest.raises(InputError, match=r"^activity (contains|is) "):
        limits.check_text(text, "activity")


@pytest.mark.parametrize(
    ("cleared", "answered", "refusal"),
    [
        (date(2026, 11, 20), date(2026, 11, 20), None),  # the same day as the answers
        (TODAY, date(2026, 11, 20), None),  # today
        (date(2026, 11, 25), None, None),  # nothing waiting: only the future is refused
        (date(2026, 11, 19), date(2026, 11, 20), "before your safety answers of 2026-11-20"),
        (date(1, 1, 1), date(2026, 11, 20), "0001-01-01 is before your safety answers"),
        (
            date(2026, 12, 3),
            date(2026, 11, 20),
            "2026-12-03 is in the future (today is 2026-12-02)",
        ),
        (date(9999, 12, 31), None, "is in the future"),
        # answers stamped after a pinned today: their stamp says nothing, the future still counts
        (date(2026, 11, 1), date(2026, 12, 20), None),
    ],
)
def test_a_clearance_lies_between_the_answers_it_clears_and_today(
    cleared: date, answered: date | None, refusal: str | None
) -> None:
    if refusal is None:
        assert check_clearance(cleared, today=TODAY, answered_on=answered) == cleared
        return
    with pytest.raises(InputError, match=re.escape(refusal)):
        check_clearance(cleared, today=TODAY, answered_on=answered)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: week_dates(date(9999, 12, 20), date(9999, 12, 31)), "outside the calendar"),
        (lambda: date_of(date(9999, 12, 1), 100, 1), "outside the calendar"),
        (lambda: date_of(date(1, 1, 1), -1, 1), "outside the calendar"),
    ],
)
def test_the_schedule_says_when_a_date_leaves_the_calendar(call: object, needle: str) -> None:
    with pytest.raises(ScheduleError, match=needle):
        call()  # type: ignore[operator]


def test_the_schedule_still_places_the_last_week_of_the_calendar() -> None:
    assert week_dates(date(9999, 12, 25), date(9999, 12, 31))[-1] == date(9999, 12, 31)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("plan.yaml", "plan.yaml"),
        ("home/me/mine.yaml", "mine.yaml"),
        ("C:\\plans\\mine.yaml", "mine.yaml"),
        ("folder/", ""),
    ],
)
def test_a_browser_s_file_name_keeps_only_its_last_part(sent: str, kept: str) -> None:
    assert limits.base_name(sent) == kept


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "is empty"),
        ("dir/plan.yaml", "contains a path separator"),
        ("dir\\plan.yaml", "contains a path separator"),
        ("..", "is not a file name"),
        ("plan\x1b.yaml", "control character U+001B"),
        ("é" * 128, "is 256 bytes long; the most is 255"),
    ],
)
def test_one_rule_refuses_an_upload_name_that_is_not_one_plain_file_name(
    name: str, reason: str
) -> None:
    with pytest.raises(InputError, match="the plan's file name") as caught:
        limits.upload_name(name)
    assert reason in str(caught.value) and "\x1b" not in str(caught.value)
    assert limits.upload_name("é" * 127 + "a") == "é" * 127 + "a"


def test_a_pinned_day_does_not_carry_the_window_of_dates_with_it(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from supple import services
    from supple.store.database import open_store

    real = services.FixedClock(datetime(2026, 12, 2, 12, tzinfo=UTC))
    far = date(9999, 12, 25)
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        pinned = services.Scope.local(store, None, services.PinnedDay(far, wall=real))
        assert services.today(pinned) == far
        with pytest.raises(InputError, match="to 2028-12-01 \\(two years from today\\)"):
            services.in_window(pinned, far)
        near = services.Scope.local(store, None, services.PinnedDay(TODAY, wall=real))
        assert services.in_window(near, date(2028, 12, 1)) == date(2028, 12, 1)
    finally:
        store.dispose()
