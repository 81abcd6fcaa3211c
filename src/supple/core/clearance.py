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
    if cleared_on > today:
        raise InputError(
            f"the clearance date {cleared_on.isoformat()} is in the future (today is "
            f"{today.isoformat()}); give the date a clinician saw you and said exercise is safe"
        )
    if answered_on is not None and cleared_on < answered_on <= today:
        raise InputError(
            f"the clearance date {cleared_on.isoformat()} is before your safety answers of "
            f"{answered_on.isoformat()} that it would clear; give the date a clinician saw you "
            f"since then (from {answered_on.isoformat()} to {today.isoformat()})"
        )
    return cleared_on
