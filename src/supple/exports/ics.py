"""Calendar reminders (RFC 5545): one event per session, and optional movement breaks.

People keep routines through their calendar. Every session becomes a VEVENT at the person's
own session time in their own zone (with a VTIMEZONE, so 07:30 stays 07:30 on both sides of a
daylight-saving change), with a reminder before it. UIDs are made from the person and the date,
so importing a newer export, or refreshing a subscribed feed, updates events in place instead
of doubling them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from supple.core import limits
from supple.core.errors import Blocked, InputError
from supple.exports.links import DEFAULT_BASE_URL, Links
from supple.exports.text import duration, item_lines

if TYPE_CHECKING:
    import icalendar

    from supple.core.day_plan import DayPlan
    from supple.core.profile import Profile
    from supple.services import Scope

PRODID = "-//Supple//Supple calendar export//EN"
BREAK_MINUTES = 2
BREAK_TEXT = "Stand up and move for 2 minutes: walk a few steps, or stretch your hips gently."
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _any_case(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" for c in word)


_HOUR = "(?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
_DAY = "(?:" + "|".join(_any_case(d) for d in WEEKDAYS) + ")"
_DAYS_PART = f" *{_DAY}(?: *- *{_DAY})? *"
# What --break-hours and --break-days accept, written once: the parsers below match them and
# the web's calendar feed states them in its OpenAPI document (ASCII digits and spaces only).
BREAK_HOURS_PATTERN = f"^ *{_HOUR} *- *{_HOUR} *$"
BREAK_DAYS_PATTERN = f"^{_DAYS_PART}(?:,{_DAYS_PART})*$"


@dataclass(frozen=True)
class Breaks:
    """When to remind a person to get up: every ``every_minutes`` within the hours, on the days.

    The first reminder comes one interval after the hours begin (nobody needs to stand up the
    moment they sit down), and the last one before the hours end.
    """

    every_minutes: int = 30
    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday is 0

    def times(self) -> list[time]:
        first = self.start.hour * 60 + self.start.minute + self.every_minutes
        last = self.end.hour * 60 + self.end.minute
        return [time(m // 60, m % 60) for m in range(first, last, self.every_minutes)]


@dataclass(frozen=True)
class CalendarOptions:
    weeks: int = 4
    alarm_minutes: int = 10
    base_url: str = DEFAULT_BASE_URL
    breaks: Breaks | None = None


def parse_weeks(weeks: int) -> int:
    return limits.check_weeks(weeks, "--weeks")


def parse_alarm(minutes: int) -> int:
    if not 0 <= minutes <= 24 * 60:
        raise InputError(f"the reminder must come 0 to 1440 minutes before, got {minutes}")
    return minutes


def _clock(text: str) -> time:
    hour, _, minute = text.strip(" ").partition(":")
    return time(int(hour), int(minute))


def parse_breaks(every: int, hours: str, days: str) -> Breaks:
    """Read ``--break-every``, ``--break-hours 09:00-17:00`` and ``--break-days mon-fri``."""
    if not 10 <= every <= 240:
        raise InputError(f"--break-every must be from 10 to 240 minutes, got {every}")
    if not re.fullmatch(BREAK_HOURS_PATTERN, hours):
        raise InputError(
            f"--break-hours '{hours}' is not a span of hours; use HH:MM-HH:MM, e.g. 09:00-17:00"
        )
    start_text, _, end_text = hours.partition("-")
    start, end = _clock(start_text), _clock(end_text)
    if end <= start:
        raise InputError(f"--break-hours '{hours}' ends before it starts")
    breaks = Breaks(every, start, end, _weekdays(days))
    if not breaks.times():
        raise InputError(f"no break fits: {hours} is shorter than one interval of {every} minutes")
    return breaks


def _weekdays(text: str) -> tuple[int, ...]:
    """``mon-fri``, ``mon,wed,fri`` or ``sat-sun`` as weekday numbers (Monday is 0)."""
    if not re.fullmatch(BREAK_DAYS_PATTERN, text):
        raise InputError(
            f"--break-days '{text}' is not a list of days; use e.g. mon-fri or mon,wed,fri"
        )
    chosen: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        low, _, high = part.partition("-")
        a, b = WEEKDAYS.index(low), WEEKDAYS.index(high or low)
        chosen.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return tuple(sorted(chosen))


def session_uid(person_id: int, on: date) -> str:
    return f"session-{on.isoformat()}-p{person_id}@supple"


def break_uid(person_id: int, at: time) -> str:
    return f"move-{at.strftime('%H%M')}-p{person_id}@supple"


def _alarm(minutes: int, text: str) -> icalendar.Alarm:
    import icalendar

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm


def _session_event(
    profile: Profile, plan: DayPlan, options: CalendarOptions, stamp: datetime
) -> icalendar.Event:
    import icalendar

    zone = ZoneInfo(profile.timezone)
    hour, minute = (int(part) for part in profile.session_time.split(":"))
    start = datetime.combine(plan.on, time(hour, minute), tzinfo=zone)
    link = Links(options.base_url).player(plan.on)
    total = duration(plan.estimated_seconds)
    description = "\n".join(
        [
            f"Week {plan.slot.week}, day {plan.slot.day}: {plan.goal or ''}".strip(),
            "",
            *item_lines(plan),
            "",
            f"About {total} in all, rests included.",
            f"Start the guided session: {link}",
        ]
    )
    event = icalendar.Event()
    event.add("uid", session_uid(profile.person_id, plan.on))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=math.ceil(plan.estimated_seconds / 60)))
    event.add("summary", plan.title or "Supple session")
    event.add("description", description)
    event.add("url", link)
    event.add("categories", ["Supple"])
    event.add("transp", "OPAQUE")
    event.add_component(
        _alarm(options.alarm_minutes, f"{plan.title}: about {total}, starting soon")
    )
    return event


def _break_event(
    profile: Profile, breaks: Breaks, at: time, first: date, last: date, stamp: datetime
) -> icalendar.Event | None:
    import icalendar

    zone = ZoneInfo(profile.timezone)
    day = next(
        (
            first + timedelta(n)
            for n in range((last - first).days + 1)
            if (first + timedelta(n)).weekday() in breaks.weekdays
        ),
        None,
    )
    if day is None:
        return None
    start = datetime.combine(day, at, tzinfo=zone)
    until = datetime.combine(last, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
    event = icalendar.Event()
    event.add("uid", break_uid(profile.person_id, at))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=BREAK_MINUTES))
    event.add("summary", "Movement break")
    event.add("description", BREAK_TEXT)
    event.add("categories", ["Supple"])
    event.add("transp", "TRANSPARENT")
    event.add(
        "rrule",
        {
            "freq": "weekly",
            "byday": [RRULE_DAYS[d] for d in breaks.weekdays],
            "until": until,
        },
    )
    event.add_component(_alarm(0, "Time to stand up and move for 2 minutes"))
    return event


def build_calendar(
    profile: Profile,
    days: list[DayPlan],
    options: CalendarOptions,
    *,
    first: date,
    last: date,
    stamp: datetime,
) -> icalendar.Calendar:
    """The calendar for ``days`` (rest days are left out) and, if asked, movement breaks."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Supple sessions")
    cal.add("x-wr-timezone", profile.timezone)
    for plan in days:
        if not plan.is_rest_day:
            cal.add_component(_session_event(profile, plan, options, stamp))
    if options.breaks is not None:
        for at in options.breaks.times():
            event = _break_event(profile, options.breaks, at, first, last, stamp)
            if event is not None:
                cal.add_component(event)
    # Transitions for whole years around the window, so a client showing a neighbouring
    # month still finds the zone's rules.
    cal.add_missing_timezones(
        first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 12, 31)
    )
    return cal


def window(
    profile: Profile, start: date | None, today: date, weeks: int, *, bound: date | None = None
) -> tuple[date, date]:
    """First and last date: from ``start`` (or today, or the program's start if later), both
    inside the window of dates around ``bound`` (the clock's real today; ``today`` itself when
    not given)."""
    anchor = bound or today

    def inside(day: date, what: str) -> date:
        return limits.check_date(day, start=profile.start_date, today=anchor, what=what)

    if start is not None:
        inside(start, "--from")
    first = inside(max(start or today, profile.start_date), "the calendar's first day")
    last = first + timedelta(days=7 * limits.check_weeks(weeks, "--weeks") - 1)
    inside(last, "the calendar's last day")
    return first, last


def export_calendar(
    scope: Scope,
    options: CalendarOptions,
    *,
    start: date | None = None,
) -> bytes:
    """The person's calendar as iCalendar bytes: what ``supple export ics`` writes and what
    the web app serves at ``/calendar.ics``."""
    from supple import services

    moment = scope.clock.now()
    profile = services.get_profile(scope)
    today = services.today(scope)  # a zone this machine lacks: one clear line
    block = services.session_gate(scope, today)
    if block:  # no reminders for sessions Supple would not offer
        raise Blocked(f"{block.reason} No calendar until sessions are offered again.")
    bound = services.clock_day(scope, profile.timezone)
    first, last = window(profile, start, today, options.weeks, bound=bound)
    days: list[DayPlan] = []
    on = first
    while on <= last:
        days.extend(d for d in services.week(scope, on) if first <= d.on <= last)
        on = days[-1].on + timedelta(days=1)
    stamp = moment.astimezone(UTC).replace(microsecond=0)
    cal = build_calendar(profile, days, options, first=first, last=last, stamp=stamp)
    data: bytes = cal.to_ical()
    return data
