"""The worker's pure rules (core.notify): reminder moments across daylight saving, the window
a tick looks at, quiet hours past midnight, digest weeks, and how a secret is shown back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from supple.core.notify import (
    QuietHours,
    digest_due_in_window,
    due_in_window,
    local_moment,
    quiet_until,
    shown_secret,
    week_key,
)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        # An ordinary winter and summer day: the UTC moment moves by the offset.
        ("2026-01-15", "07:00", "Europe/Paris", "2026-01-15T06:00"),
        ("2026-07-15", "07:00", "Europe/Paris", "2026-07-15T05:00"),
        # The day clocks go forward (Paris 29 March 2026, 02:00 -> 03:00): 07:00 is already summer.
        ("2026-03-29", "07:00", "Europe/Paris", "2026-03-29T05:00"),
        # A wall time inside the skipped hour moves forward by the gap: 02:30 -> 03:30 summer.
        ("2026-03-29", "02:30", "Europe/Paris", "2026-03-29T01:30"),
        # The day clocks go back (25 October 2026, 03:00 -> 02:00): 07:00 is winter again.
        ("2026-10-25", "07:00", "Europe/Paris", "2026-10-25T06:00"),
        # A wall time that happens twice is the first of the two (still summer time).
        ("2026-10-25", "02:30", "Europe/Paris", "2026-10-25T00:30"),
        # New York's changes fall on other dates (8 March and 1 November 2026).
        ("2026-03-08", "02:30", "America/New_York", "2026-03-08T07:30"),
        ("2026-03-08", "18:00", "America/New_York", "2026-03-08T22:00"),
        ("2026-11-01", "01:30", "America/New_York", "2026-11-01T05:30"),
        ("2026-11-01", "18:00", "America/New_York", "2026-11-01T23:00"),
        # Southern hemisphere: Sydney leaves summer time on 5 April 2026.
        ("2026-04-04", "06:30", "Australia/Sydney", "2026-04-03T19:30"),
        ("2026-04-05", "06:30", "Australia/Sydney", "2026-04-04T20:30"),
        # A zone without daylight saving, and one on a half-hour offset.
        ("2026-03-29", "07:00", "Asia/Tokyo", "2026-03-28T22:00"),
        ("2026-03-29", "07:00", "Asia/Kolkata", "2026-03-29T01:30"),
    ],
)
def test_a_reminder_moment_is_the_local_wall_time_of_that_day(
    day: str, at: str, zone: str, expected: str
) -> None:
    moment = local_moment(date.fromisoformat(day), time.fromisoformat(at), zone)
    assert moment == utc(expected)


def test_consecutive_reminders_across_a_change_are_23_or_25_hours_apart() -> None:
    at, zone = time(7, 0), "Europe/Paris"
    spring = local_moment(date(2026, 3, 29), at, zone) - local_moment(date(2026, 3, 28), at, zone)
    autumn = local_moment(date(2026, 10, 25), at, zone) - local_moment(date(2026, 10, 24), at, zone)
    assert (spring, autumn) == (timedelta(hours=23), timedelta(hours=25))


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        # The minute that holds 07:00 Paris on the spring-forward day (05:00 UTC).
        ("2026-03-29T04:59", "2026-03-29T05:00", "2026-03-29"),
        # The window's end is included, its start is not.
        ("2026-03-29T05:00", "2026-03-29T05:01", None),
        # The same minute a day earlier is an hour too late for 29 March, right for nothing.
        ("2026-03-29T05:59", "2026-03-29T06:00", None),
        # On the day before, 07:00 Paris was 06:00 UTC.
        ("2026-03-28T05:59", "2026-03-28T06:00", "2026-03-28"),
        # A worker down for 90 minutes still sends the reminder when it comes back...
        ("2026-03-29T04:00", "2026-03-29T06:30", "2026-03-29"),
        # ...but not three hours late: past the grace the session time has long gone.
        ("2026-03-29T04:00", "2026-03-29T08:00", None),
        # An empty or backwards window holds nothing.
        ("2026-03-29T05:00", "2026-03-29T05:00", None),
        ("2026-03-29T06:00", "2026-03-29T05:00", None),
    ],
)
def test_a_tick_finds_the_reminder_that_fell_due_in_its_window(
    since: str, until: str, expected: str | None
) -> None:
    found = due_in_window(time(7, 0), "Europe/Paris", utc(since), utc(until))
    assert found == (None if expected is None else date.fromisoformat(expected))


def test_a_late_evening_reminder_belongs_to_its_own_local_date() -> None:
    # 23:30 in Los Angeles on 8 March is 06:30 UTC on 9 March.
    found = due_in_window(
        time(23, 30), "America/Los_Angeles", utc("2026-03-09T06:29"), utc("2026-03-09T06:30")
    )
    assert found == date(2026, 3, 8)


@pytest.mark.parametrize(
    ("since", "until", "zone", "expected"),
    [
        ("2026-03-30T05:59", "2026-03-30T06:00", "Europe/Paris", "2026-03-30"),  # Monday 08:00
        ("2026-03-31T05:59", "2026-03-31T06:00", "Europe/Paris", None),  # Tuesday
        ("2026-03-30T07:59", "2026-03-30T08:00", "UTC", "2026-03-30"),
        ("2026-03-29T05:59", "2026-03-29T06:00", "Europe/Paris", None),  # Sunday
    ],
)
def test_the_digest_falls_due_on_monday_morning_in_the_clinicians_zone(
    since: str, until: str, zone: str, expected: str | None
) -> None:
    found = digest_due_in_window(zone, utc(since), utc(until))
    assert found == (None if expected is None else date.fromisoformat(expected))


@pytest.mark.parametrize(
    ("day", "key"),
    [("2026-03-30", "2026-W14"), ("2026-04-05", "2026-W14"), ("2027-01-01", "2026-W53")],
)
def test_a_digest_is_keyed_by_its_iso_week(day: str, key: str) -> None:
    assert week_key(date.fromisoformat(day)) == key


NIGHT = QuietHours(time(22, 0), time(7, 0))
LUNCH = QuietHours(time(12, 0), time(13, 30))


@pytest.mark.parametrize(
    ("quiet", "moment", "zone", "expected"),
    [
        # 23:00 Paris (winter) is quiet until 07:00 the next morning.
        (NIGHT, "2026-01-15T22:00", "Europe/Paris", "2026-01-16T06:00"),
        # 06:59 is still quiet, until 07:00 the same morning.
        (NIGHT, "2026-01-16T05:59", "Europe/Paris", "2026-01-16T06:00"),
        # 07:00 itself is not quiet (the end is excluded), nor is 21:59.
        (NIGHT, "2026-01-16T06:00", "Europe/Paris", None),
        (NIGHT, "2026-01-16T20:59", "Europe/Paris", None),
        # 22:00 is (the start is included).
        (NIGHT, "2026-01-16T21:00", "Europe/Paris", "2026-01-17T06:00"),
        # A night that spans the spring change ends at 07:00 summer time (05:00 UTC).
        (NIGHT, "2026-03-28T22:00", "Europe/Paris", "2026-03-29T05:00"),
        # A stretch within the day.
        (LUNCH, "2026-01-15T11:30", "Europe/Paris", "2026-01-15T12:30"),
        (LUNCH, "2026-01-15T10:59", "Europe/Paris", None),
        # Equal start and end: no quiet hours at all.
        (QuietHours(time(8, 0), time(8, 0)), "2026-01-15T07:00", "Europe/Paris", None),
        (None, "2026-01-15T02:00", "Europe/Paris", None),
    ],
)
def test_quiet_hours_hold_a_message_until_they_end(
    quiet: QuietHours | None, moment: str, zone: str, expected: str | None
) -> None:
    held = quiet_until(utc(moment), quiet, zone)
    assert held == (None if expected is None else utc(expected))


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("json://127.0.0.1:8901/hook/7a3f", "json://…7a3f"),
        ("tgram://123456:ABCDEF-secret/98765", "tgram://…8765"),
        ("ntfy://short", "ntfy://…"),  # too short to show any of it
        ("no-scheme-secret-value", "…alue"),
    ],
)
def test_a_secret_address_is_shown_by_its_scheme_and_last_four_only(
    target: str, shown: str
) -> None:
    assert shown_secret(target) == shown
    assert target not in shown
