"""`supple export ics`: sessions and movement breaks as calendar events, read back with
``icalendar`` and expanded with ``recurring-ical-events`` as a calendar client would."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import sqlalchemy as sa

from supple import planfile
from supple.core.safety import QUESTIONS
from supple.store.schema import profiles
from tests.conftest import Supple

START = "2026-10-19"  # Paris leaves summer time on Oct 25, New York on Nov 1


def _init(supple: Supple, zone: str, at: str = "07:30", answers: str = "n") -> None:
    every = ",".join(answers for _ in QUESTIONS)
    result = supple(
        "init", "--start-date", START, "--time", at, "--timezone", zone, "--answers", every
    )
    assert result.exit_code == 0, result.output


def _export(supple: Supple, tmp_path: Path, *args: str) -> icalendar.Calendar:
    out = tmp_path / "supple.ics"
    result = supple("export", "ics", "--from", START, "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return icalendar.Calendar.from_ical(out.read_bytes())


def _sessions(cal: icalendar.Calendar) -> list[Any]:
    return [e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("session-")]


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York"])
def test_each_session_starts_at_the_local_session_time_on_both_sides_of_a_dst_change(
    supple: Supple, tmp_path: Path, zone: str
) -> None:
    _init(supple, zone)
    cal = _export(supple, tmp_path)
    events = sorted(_sessions(cal), key=lambda e: e.decoded("dtstart"))
    first = date.fromisoformat(START)
    assert [e.decoded("dtstart").date() for e in events] == [
        first + timedelta(days=n) for n in range(28)
    ]
    offsets = set()
    for event in events:
        start = event.decoded("dtstart")
        assert start.tzinfo is not None
        local = start.astimezone(ZoneInfo(zone))
        assert local.time() == time(7, 30)
        offsets.add(start.utcoffset())
    assert len(offsets) == 2  # summer and winter time both appear, each at 07:30 local
    assert cal.walk("VTIMEZONE")[0]["tzid"] == zone


def test_a_summer_and_a_winter_session_are_one_hour_apart_in_utc(
    supple: Supple, tmp_path: Path
) -> None:
    _init(supple, "Europe/Paris")
    cal = _export(supple, tmp_path)
    occurrences = recurring_ical_events.of(cal).between(
        datetime(2026, 10, 19), datetime(2026, 10, 27)
    )
    by_day = {o.decoded("dtstart").date(): o.decoded("dtstart") for o in occurrences}
    utc = ZoneInfo("UTC")
    assert by_day[date(2026, 10, 24)].astimezone(utc).time() == time(5, 30)
    assert by_day[date(2026, 10, 26)].astimezone(utc).time() == time(6, 30)


def test_a_session_is_titled_with_its_day_and_lists_every_dose_and_the_player_link(
    supple: Supple, tmp_path: Path
) -> None:
    _init(supple, "Europe/Paris")
    cal = _export(supple, tmp_path, "--base-url", "https://supple.example/")
    program = planfile.bundled_program()
    for event in _sessions(cal):
        on = event.decoded("dtstart").date()
        day = program.day((on - date.fromisoformat(START)).days % 7 + 1)
        assert str(event["summary"]) == day.title
        text = str(event["description"])
        for item in day.items:
            name = program.exercise(item.exercise_id).name
            assert f"{name}" in text and item.dose.describe() in text
        assert f"https://supple.example/play?date={on.isoformat()}" in text
        assert str(event["url"]) == f"https://supple.example/play?date={on.isoformat()}"
        assert "in all, rests included" in text
        assert event.decoded("dtend") > event.decoded("dtstart")


@pytest.mark.parametrize(("args", "minutes"), [((), 10), (("--alarm-minutes", "25"), 25)])
def test_every_session_has_a_display_reminder_before_it_starts(
    supple: Supple, tmp_path: Path, args: tuple[str, ...], minutes: int
) -> None:
    _init(supple, "Europe/Paris")
    cal = _export(supple, tmp_path, *args)
    for event in _sessions(cal):
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == timedelta(minutes=-minutes)
        assert str(alarm["description"])


def test_uids_are_stable_across_exports_so_a_re_import_updates_rather_than_doubles(
    supple: Supple, tmp_path: Path
) -> None:
    _init(supple, "Europe/Paris")
    first = [str(e["uid"]) for e in _sessions(_export(supple, tmp_path))]
    supple("init", "--time", "18:00")
    again = _sessions(_export(supple, tmp_path))
    assert [str(e["uid"]) for e in again] == first
    assert len(set(first)) == len(first) == 28
    assert again[0].decoded("dtstart").time() == time(18, 0)


def test_movement_breaks_repeat_on_work_days_within_the_hours_and_nowhere_else(
    supple: Supple, tmp_path: Path
) -> None:
    _init(supple, "America/New_York")
    cal = _export(
        supple,
        tmp_path,
        "--movement-breaks",
        "--break-every",
        "60",
        "--break-hours",
        "09:00-17:00",
        "--break-days",
        "mon-fri",
    )
    breaks = [e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("move-")]
    assert len(breaks) == 7 and all("RRULE" in e for e in breaks)
    expanded = [
        o
        for o in recurring_ical_events.of(cal).between(date(2026, 10, 1), date(2026, 12, 31))
        if str(o["uid"]).startswith("move-")
    ]
    assert len(expanded) == 4 * 5 * 7  # four weeks of five work days, 10:00 to 16:00
    zone = ZoneInfo("America/New_York")
    local_times = set()
    for occurrence in expanded:
        local = occurrence.decoded("dtstart").astimezone(zone)
        assert local.weekday() < 5
        assert date(2026, 10, 19) <= local.date() <= date(2026, 11, 15)
        local_times.add(local.time())
        (alarm,) = occurrence.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
    assert local_times == {time(h, 0) for h in range(10, 17)}


def test_without_the_flag_there_are_no_movement_breaks(supple: Supple, tmp_path: Path) -> None:
    _init(supple, "Europe/Paris")
    cal = _export(supple, tmp_path, "--weeks", "1")
    assert len(cal.walk("VEVENT")) == 7
    assert not any("RRULE" in e for e in cal.walk("VEVENT"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--weeks", "0"), "--weeks must be from 1 to 52"),
        (("--alarm-minutes", "-5"), "0 to 1440 minutes"),
        (("--from", "2026-13-01"), "--from '2026-13-01' is not a date"),
        (("--movement-breaks", "--break-hours", "17:00-09:00"), "ends before it starts"),
        (("--movement-breaks", "--break-hours", "nine-five"), "HH:MM-HH:MM"),
        (("--movement-breaks", "--break-days", "mon-funday"), "not a list of days"),
        (("--movement-breaks", "--break-every", "5"), "from 10 to 240 minutes"),
    ],
)
def test_bad_calendar_options_print_one_line_and_exit_2(
    supple: Supple, args: tuple[str, ...], message: str
) -> None:
    _init(supple, "Europe/Paris")
    result = supple("export", "ics", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command",
    [("export", "ics"), ("export", "pdf"), ("export", "json"), ("report", "--format", "fhir")],
)
def test_a_stored_zone_this_machine_does_not_know_is_reported_plainly(
    supple: Supple, db_url: str, command: tuple[str, ...]
) -> None:
    _init(supple, "Europe/Paris")
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(profiles.update().values(timezone="Mars/Olympus_Mons"))
    engine.dispose()
    result = supple(*command)
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: unknown time zone 'Mars/Olympus_Mons'; use an Area/City name such as Europe/Paris"
    )


def test_without_a_profile_the_calendar_asks_for_one(supple: Supple) -> None:
    result = supple("export", "ics")
    assert result.exit_code == 2
    assert "supple init" in result.output


def test_no_reminders_are_made_while_a_red_flag_waits_for_a_clinician(supple: Supple) -> None:
    _init(supple, "Europe/Paris", answers="y")
    result = supple("export", "ics")
    assert result.exit_code == 2
    assert result.output.startswith("error: No session for now")
    assert result.output.count("\n") == 1
