"""When to reach a person, and how a stored target is shown back: pure rules for the worker.

A reminder is due at the person's own session time in their own zone, every day, so its moment
in UTC moves with daylight saving: it is computed from the local date, never by adding 24 hours.
A wall time that does not exist that day (the hour skipped in spring) is moved forward by the
gap (02:30 becomes 03:30); a wall time that happens twice (the hour repeated in autumn) is the
first of the two. Quiet hours hold a message back until they end; they may run past midnight.

The worker asks "what fell due in this window?" rather than "what is due now?", so a tick that
runs late, or a worker that was down for a while, still sends what fell due since the last
tick, and nothing twice (the deliveries table keys every message by its period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How late a reminder may still go out after its moment (a worker down for a while): later
# than this, the session time has long passed and the reminder would only be noise.
REMINDER_GRACE = timedelta(hours=2)
# The weekly digest goes out on Monday morning in the clinician's zone.
DIGEST_WEEKDAY = 0
DIGEST_AT = time(8, 0)
DIGEST_GRACE = timedelta(hours=12)

KINDS = ("reminder", "alert", "digest", "test")


def local_moment(day: date, at: time, zone: str) -> datetime:
    """The UTC moment of wall time ``at`` on ``day`` in ``zone`` (a skipped wall time moves
    forward by the gap, a repeated one is the first)."""
    # fold=0 reads the wall time with the offset in force before a change: in a gap that lands
    # after the gap (the skipped time moved forward by its length), in an overlap on the first.
    wall = datetime.combine(day, at).replace(tzinfo=ZoneInfo(zone), fold=0)
    return wall.astimezone(UTC)


def due_in_window(
    at: time, zone: str, since: datetime, until: datetime, grace: timedelta = REMINDER_GRACE
) -> date | None:
    """The local date whose moment of ``at`` falls in (``since``, ``until``], looking back at
    most ``grace`` from ``until``; the latest such date, or None."""
    start = max(since, until - grace)
    if start >= until:
        return None
    tz = ZoneInfo(zone)
    last = until.astimezone(tz).date()
    day = last
    while day >= start.astimezone(tz).date() - timedelta(days=1):
        moment = local_moment(day, at, zone)
        if start < moment <= until:
            return day
        day -= timedelta(days=1)
    return None


def digest_due_in_window(zone: str, since: datetime, until: datetime) -> date | None:
    """The Monday whose digest moment (08:00 local) falls in the window, or None."""
    day = due_in_window(DIGEST_AT, zone, since, until, DIGEST_GRACE)
    if day is None or day.weekday() != DIGEST_WEEKDAY:
        return None
    return day


def week_key(day: date) -> str:
    """The ISO week of ``day`` (``2026-W13``): the period a weekly digest is keyed by."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class QuietHours:
    """A stretch of the day, in the person's zone, when nothing is sent (held until it ends).
    ``start == end`` means no quiet hours at all."""

    start: time
    end: time

    def covers(self, wall: time) -> bool:
        """True when the wall time ``wall`` falls inside the quiet stretch (its end excluded)."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end  # past midnight


def quiet_until(moment: datetime, quiet: QuietHours | None, zone: str) -> datetime | None:
    """When the quiet stretch covering ``moment`` ends (UTC), or None when ``moment`` is not in
    quiet hours and a message may go now."""
    if quiet is None:
        return None
    local = moment.astimezone(ZoneInfo(zone))
    if not quiet.covers(local.time().replace(tzinfo=None)):
        return None
    day = local.date()
    end_today = local_moment(day, quiet.end, zone)
    if end_today > moment:
        return end_today
    return local_moment(day + timedelta(days=1), quiet.end, zone)


def shown_secret(target: str) -> str:
    """How a stored secret address is shown back: its scheme and last four characters only
    (``json://…7a3f``), never the whole of it (tokens and passwords live inside such URLs)."""
    scheme, sep, rest = target.partition("://")
    if not sep:
        scheme, rest = "", target
    tail = rest[-4:] if len(rest) > 8 else ""
    head = f"{scheme}://" if scheme else ""
    return f"{head}…{tail}"
