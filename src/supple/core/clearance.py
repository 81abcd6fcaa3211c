"""When a clinician's clearance may lift a red-flag block (CLINICAL.md §1).

A clearance answers the "yes" it clears: it must be dated on or after the day of those answers,
and not after today. A date outside that span is refused with both dates named, so a mistyped
year cannot lift a block (a clearance dated 0001-01-01 used to).
"""

from __future__ import annotations

from datetime import date

from supple.core.errors import InputError


def check_clearance(cleared_on: date, *, today: date, answered_on: date | None) -> date:
    """``cleared_on`` when it may clear red-flag answers given on ``answered_on`` (None: no
    "yes" waiting for a clearance), else why not. Answers stamped after ``today`` happen only
    when today is pinned (``--date``, a demo): their stamp says nothing of that day, so only
    the future is refused then."""
    earliest, latest = clearance_bounds(today=today, answered_on=answered_on)
    if cleared_on > latest:
        raise InputError(
            f"the clearance date {cleared_on.isoformat()} is in the future (today is "
            f"{today.isoformat()}); give the date a clinician saw you and said exercise is safe"
        )
    if earliest is not None and cleared_on < earliest:
        raise InputError(
            f"the clearance date {cleared_on.isoformat()} is before your safety answers of "
            f"{earliest.isoformat()} that it would clear; give the date a clinician saw you "
            f"since then (from {earliest.isoformat()} to {today.isoformat()})"
        )
    return cleared_on


def clearance_bounds(*, today: date, answered_on: date | None) -> tuple[date | None, date]:
    """The days a clearance may be dated: from the answers it clears (None when nothing
    bounds it from below: no "yes" waiting, or answers stamped after a pinned today) to today.
    ``check_clearance`` refuses outside them; the API's document states them."""
    return (answered_on if answered_on is not None and answered_on <= today else None), today
