"""A day and a week of the program at the subject's adapted doses, and the gate that says
whether a session may be offered: what ``today``, ``week``, the players and the exports show."""

from __future__ import annotations

from datetime import date, timedelta

from supple.core.day_plan import DayPlan, plan_day
from supple.core.profile import Profile
from supple.core.safety import Block
from supple.core.schedule import week_dates
from supple.core.timeline import Settings
from supple.services import history, safety
from supple.services.current_day import window_check
from supple.services.profile import get_profile, program_for
from supple.services.scope import Scope


def settings_for(profile: Profile) -> Settings:
    return Settings(rep_mode="done" if profile.rep_mode == "done" else "tempo")


def day(scope: Scope, on: date) -> DayPlan:
    """The day at its adapted doses (CLINICAL.md §2), as every face shows and plays it."""
    profile = get_profile(scope)
    window_check(scope, profile, on)
    program = program_for(profile)
    adapted = history.adaptation(scope, on)
    return plan_day(
        program, profile.start_date, on, adapt=adapted.adapted, settings=settings_for(profile)
    )


def week(scope: Scope, on: date) -> list[DayPlan]:
    """Each day of the week at the doses the history so far gives it."""
    profile = get_profile(scope)
    window_check(scope, profile, on)
    program = program_for(profile)
    settings = settings_for(profile)
    dates = week_dates(profile.start_date, on)
    past = history.load_history(scope, dates[-1] - timedelta(days=1))
    return [
        plan_day(
            program,
            profile.start_date,
            d,
            adapt=history.adaptation(scope, d, past).adapted,
            settings=settings,
        )
        for d in dates
    ]


def session_gate(scope: Scope, on: date) -> Block | None:
    """Why no session may be offered on ``on`` (a red flag not yet cleared), or None.

    Every face that offers a session (``today``, ``start``, the web player) asks this first.
    Also None before anyone exists, so the caller's own "no profile" message comes first.
    """
    if scope.subject is None:
        return None
    return safety.gate(scope, on)
