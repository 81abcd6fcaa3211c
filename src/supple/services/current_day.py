"""Which date "today" is for the subject: the one answer every face asks for.

From the scope's clock, in the subject's own time zone (the machine's before a profile
exists). ``--date``, ``SUPPLE_TODAY`` and tests pin it by giving the scope a pinned clock.
The window of dates Supple works with (``core.limits``) is asked here too, before any work.
"""

from __future__ import annotations

from datetime import date

from supple.core import limits
from supple.core.profile import Profile
from supple.services.parsing import parse_zone, system_zone
from supple.services.profile import find_profile
from supple.services.scope import Scope, moment_day


def today(scope: Scope, zone: str | None = None) -> date:
    """Today for the subject; ``zone`` is their time zone when the caller already holds it
    (the freshness stamp of today's answer carries it), saving a read of the profile."""
    if zone is None:
        profile = find_profile(scope)
        zone = profile.timezone if profile else system_zone()
    return scope.clock.today(parse_zone(zone))


def clock_day(scope: Scope, zone: str | None = None) -> date:
    """The date of the clock's own moment in the subject's zone: the real today even when
    ``--date`` or ``SUPPLE_TODAY`` pins the day the person acts on. The window of dates
    below is anchored here, so a pinned day cannot carry the window with it."""
    if zone is None:
        profile = find_profile(scope)
        zone = profile.timezone if profile else system_zone()
    return moment_day(scope.clock, parse_zone(zone))


def in_window(scope: Scope, on: date, what: str = "date") -> date:
    """``on`` when it lies in the window of dates Supple works with for this subject
    (``core.limits``), asked before any work; before a profile exists, around today."""
    return window_check(scope, find_profile(scope), on, what)


def window_check(scope: Scope, profile: Profile | None, on: date, what: str = "date") -> date:
    """``in_window`` for a caller that holds the profile already."""
    zone = profile.timezone if profile else None
    return limits.check_date(
        on,
        start=profile.start_date if profile else None,
        today=clock_day(scope, zone),
        what=what,
    )


def window(scope: Scope) -> tuple[date, date]:
    """The first and last date ``in_window`` lets through for this subject now: what the
    API's document states for every date it takes."""
    profile = find_profile(scope)
    zone = profile.timezone if profile else None
    return limits.date_window(profile.start_date if profile else None, clock_day(scope, zone))


def program_window(scope: Scope) -> tuple[date, date]:
    """``window``, starting no earlier than the program: the days a day of the program can be
    asked for (``core.schedule.locate`` refuses one before the start)."""
    first, last = window(scope)
    profile = find_profile(scope)
    return (max(first, profile.start_date) if profile else first), last
