"""Which clients need a clinician's attention, and why: the rules of the clinic's queue.

Each rule reads one client's recent records (``Record``) and says, for one day, whether an item
of its kind is open, since when, and why in plain words. Every threshold here is one the rest
of Supple already follows (docs/needs-attention.md lists them with their sources): the red-flag
screen and its clearances (``safety.uncleared``), the stop rule (``pain.must_stop``), the
24-hour response and the week-over-week rise of the adaptation (``adapt.morning_alarm``,
``adapt.weekly_rise``), what counts as planned (``outcomes.window``). Only two numbers are the
queue's own: TrueCoach's 20-point drop in adherence, and three whole days without a session.

An item is known by its client, its kind and its ``since``: the moment the condition began, kept
steady while the condition lasts, so an acknowledgement holds until the condition ends and a
later start of the same kind is a new item that needs a new look.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Literal

from supple.core.adapt import PAUSE_DAYS, morning_alarm, weekly_rise
from supple.core.outcomes import span, window
from supple.core.pain import must_stop
from supple.core.safety import Clearing, Screening, pain_settled, uncleared, verdict

Kind = Literal[
    "red_flag", "pain_stop", "pain_unsettled", "pain_rising", "adherence_drop", "inactive"
]
KINDS: tuple[Kind, ...] = (
    "red_flag",
    "pain_stop",
    "pain_unsettled",
    "pain_rising",
    "adherence_drop",
    "inactive",
)

DROP_POINTS = 20  # TrueCoach: the last 7 days' adherence at least 20 points below the 7 before
INACTIVE_DAYS = 3  # whole days without a session before today
RECENT_DAYS = 14  # a stop for pain stays in the queue this long unless acknowledged
LOOKBACK_DAYS = 40  # the records the rules read, before today (30-day adherence + rule 4)
_DAY = timedelta(days=1)
_SIX_DAYS = timedelta(days=6)  # a week's first day from its last


@dataclass(frozen=True)
class Rating:
    """One exercise rating: its day, the exercise's name, the pain and its kind."""

    on: date
    exercise: str
    pain: int | None
    quality: str | None = None

    @property
    def stops(self) -> bool:
        return must_stop(self.pain, self.quality)


@dataclass(frozen=True)
class Record:
    """What the rules read about one client, over ``LOOKBACK_DAYS`` up to today.

    ``start`` is None before the first run (no profile yet): only the red-flag rule applies.
    ``scheduled`` are the days whose program day holds a session (``day_plan.scheduled_days``),
    ``session_days`` the days a session was done, ``last_session`` the newest such day however
    old, ``mornings`` each morning's pain.
    """

    start: date | None
    scheduled: frozenset[date] = frozenset()
    session_days: frozenset[date] = frozenset()
    last_session: date | None = None
    mornings: Mapping[date, int] = field(default_factory=dict)
    ratings: Sequence[Rating] = ()
    screens: Sequence[Screening] = ()
    clearances: Sequence[Clearing] = ()


@dataclass(frozen=True)
class Flag:
    """One open item: its kind, why in words, and since when (ISO date, or a moment for a red
    flag, so that a new "yes" on the day of a clearance is a new item)."""

    kind: Kind
    reason: str
    since: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.since)


@dataclass(frozen=True)
class Ack:
    """An item someone on the staff has seen: who (their name as shown) and when."""

    kind: str
    since: str
    by: str | None
    at: datetime


def said(day: date) -> str:
    """A date as the queue shows it: "Tue 3 Nov"."""
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _run_start(today: date, holds: Callable[[date], bool], limit: int = LOOKBACK_DAYS) -> date:
    """The first day of the unbroken run of days up to ``today`` on which ``holds`` is true
    (``holds(today)`` is known to be true); looked back ``limit`` days at most."""
    day = today
    while (today - day).days < limit and holds(day - _DAY):
        day -= _DAY
    return day


# --- the rules, one per kind -------------------------------------------------------------------


def red_flag(record: Record, today: date) -> Flag | None:
    """A "yes" to the safety screen that no clearance answers yet (CLINICAL.md §1)."""
    waiting = uncleared(record.screens, record.clearances, today)
    if not waiting:
        return None
    first = waiting[0]
    flagged = verdict(waiting[-1].answers)
    urgent = " (a sign that needs emergency care)" if flagged.tier == "urgent" else ""
    questions = "; ".join(f"“{q.text}”" for q in flagged.flagged)
    moment = first.answered_at
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return Flag(
        "red_flag",
        f"Answered yes to the safety screen{urgent}: {questions} No session until a clinician "
        "who has seen them records a clearance.",
        moment.isoformat(timespec="seconds"),
    )


def pain_stop(record: Record, today: date) -> Flag | None:
    """The newest session stopped for pain (rule 2: 8/10 or more, or sharp, shooting, numb or
    tingling pain) in the last two weeks; each stop is an item of its own."""
    stops = [r for r in record.ratings if r.stops and 0 <= (today - r.on).days < RECENT_DAYS]
    if not stops:
        return None
    on = max(r.on for r in stops)
    that_day = [r for r in stops if r.on == on]
    what = ", ".join(
        f"{r.exercise} {r.pain}/10" + (f" ({r.quality})" if r.quality else "")
        if r.pain is not None
        else f"{r.exercise} ({r.quality} pain)"
        for r in that_day
    )
    return Flag("pain_stop", f"Session stopped for pain on {said(on)}: {what}.", on.isoformat())


def _unsettled_mornings(record: Record, today: date) -> dict[date, Callable[[], str]]:
    """Each morning that says pain did not settle, with why (in words when asked: only the
    newest is shown): rule 3's 24-hour response (above 5, or 2 points above the morning
    before), and the morning after a stop for pain that was not back to the safe zone or the
    level before (rule 2), or never reported."""
    found: dict[date, Callable[[], str]] = {}
    mornings = record.mornings
    for day, pain in mornings.items():
        before = mornings.get(day - _DAY)
        alarm = morning_alarm(pain, before)
        if alarm == "high":
            found[day] = partial(_above_five, pain, day)
        elif alarm == "jump" and before is not None:
            found[day] = partial(_jump, pain, day, before)
    for stop in {r.on for r in record.ratings if r.stops}:
        after_day = stop + _DAY
        if after_day in found or after_day >= today:
            continue
        after = mornings.get(after_day)
        if after is None:
            found[after_day] = partial(_unreported, stop)
        elif not pain_settled(mornings.get(stop), after):
            found[after_day] = partial(_not_settled, after, after_day, stop)
    return found


def _above_five(pain: int, day: date) -> str:
    return f"morning pain {pain}/10 on {said(day)}, above 5"


def _jump(pain: int, day: date, before: int) -> str:
    return f"morning pain {pain}/10 on {said(day)}, {pain - before} points above the morning before"


def _unreported(stop: date) -> str:
    return f"no morning check-in after the stop for pain on {said(stop)}"


def _not_settled(after: int, after_day: date, stop: date) -> str:
    return (
        f"morning pain {after}/10 on {said(after_day)}, not settled after the stop for pain on "
        f"{said(stop)}"
    )


def pain_unsettled(record: Record, today: date) -> Flag | None:
    """Pain that had not settled by the next morning; open for the 7 days rule 3 pauses
    progression, since the first of such mornings that follow each other within that time."""
    found = _unsettled_mornings(record, today)
    days = sorted(d for d in found if d <= today)
    if not days or (today - days[-1]).days >= PAUSE_DAYS:
        return None
    since = days[-1]
    for day in reversed(days[:-1]):
        if (since - day).days > PAUSE_DAYS:
            break
        since = day
    return Flag(
        "pain_unsettled",
        f"Pain did not settle by the next morning: {found[days[-1]]()}.",
        since.isoformat(),
    )


def _week_rise(record: Record, end: date) -> tuple[float, float] | None:
    """Rule 4 on the program week ending ``end``: its average morning pain against the week
    before's, when at least 1 point higher."""

    def pains(last: date) -> list[int]:
        days = span(last - _SIX_DAYS, last)
        return [p for d in days if (p := record.mornings.get(d)) is not None]

    return weekly_rise(pains(end), pains(end - timedelta(days=7)))


def pain_rising(record: Record, today: date) -> Flag | None:
    """The last whole program week's average morning pain at least 1 point above the week
    before's (rule 4), since the day after the first of such weeks in a row."""
    if record.start is None or (today - record.start).days < 14:
        return None
    end = today - timedelta(days=(today - record.start).days % 7 + 1)  # last whole week's end
    rise = _week_rise(record, end)
    if rise is None:
        return None
    first = end
    while (first - record.start).days >= 20 and _week_rise(record, first - timedelta(days=7)):
        first -= timedelta(days=7)
    now, then = rise
    return Flag(
        "pain_rising",
        f"Weekly morning pain rising: {now:.1f}/10 on average in the week to {said(end)}, "
        f"{now - then:.1f} above the week before ({then:.1f}).",
        (first + timedelta(days=1)).isoformat(),
    )


def adherence_counts(record: Record, on: date, days: int) -> tuple[int, int]:
    """Sessions done and planned over the ``days`` days up to ``on`` (``outcomes.window``)."""
    return window(on - timedelta(days=days - 1), on, on, record.scheduled, record.session_days)


def share(done: int, planned: int) -> int | None:
    """Done over planned as a whole percentage; None when nothing was planned."""
    return round(100 * done / planned) if planned else None


def _drop(record: Record, on: date) -> tuple[tuple[int, int], tuple[int, int]] | None:
    done, planned = adherence_counts(record, on, 7)
    before = window(
        on - timedelta(days=13),
        on - timedelta(days=7),
        on,
        record.scheduled,
        record.session_days,
    )
    now_share, then_share = share(done, planned), share(*before)
    if now_share is None or then_share is None or then_share - now_share < DROP_POINTS:
        return None
    return (done, planned), before


def adherence_drop(record: Record, today: date) -> Flag | None:
    """TrueCoach's rule: sessions done over planned in the last 7 days at least 20 points below
    the 7 days before, since the first day of the run of days on which that held."""
    if record.start is None:
        return None
    found = _drop(record, today)
    if found is None:
        return None
    (done, planned), (done_then, planned_then) = found
    since = _run_start(today, lambda d: _drop(record, d) is not None)
    return Flag(
        "adherence_drop",
        f"Adherence dropping: {done} of {planned} planned sessions in the last 7 days "
        f"({share(done, planned)} %), against {done_then} of {planned_then} "
        f"({share(done_then, planned_then)} %) the 7 days before.",
        since.isoformat(),
    )


def inactive(record: Record, today: date) -> Flag | None:
    """No session on any of the three whole days before today, since the first of them."""
    if record.start is None:
        return None
    last = record.last_session
    idle_from = last + timedelta(days=1) if last is not None else record.start
    idle = (today - idle_from).days
    if idle < INACTIVE_DAYS:
        return None
    if last is None:
        reason = f"No session yet: the program began on {said(record.start)} ({_days(idle)} ago)."
    else:
        reason = f"No session for {_days(idle)}: the last was on {said(last)}."
    return Flag("inactive", reason, idle_from.isoformat())


RULES: Mapping[Kind, Callable[[Record, date], Flag | None]] = {
    "red_flag": red_flag,
    "pain_stop": pain_stop,
    "pain_unsettled": pain_unsettled,
    "pain_rising": pain_rising,
    "adherence_drop": adherence_drop,
    "inactive": inactive,
}


def flags(record: Record, today: date) -> list[Flag]:
    """Every open item for one client on ``today``, in the order of ``KINDS`` (the most urgent
    first)."""
    return [flag for kind in KINDS if (flag := RULES[kind](record, today)) is not None]


def split(found: Sequence[Flag], acks: Sequence[Ack]) -> tuple[list[Flag], list[tuple[Flag, Ack]]]:
    """The items still waiting for a look, and those acknowledged (each with its ack): an ack
    counts for the item with the same kind and since, never for a later start."""
    seen = {(a.kind, a.since): a for a in acks}
    waiting = [f for f in found if f.key not in seen]
    acknowledged = [(f, seen[f.key]) for f in found if f.key in seen]
    return waiting, acknowledged


def pain_trend(mornings: Mapping[date, int], today: date, days: int = 14) -> list[int | None]:
    """Morning pain over the ``days`` days up to today, oldest first (None: not reported)."""
    return [mornings.get(day) for day in span(today - timedelta(days=days - 1), today)]
