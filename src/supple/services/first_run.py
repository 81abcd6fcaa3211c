"""Where a person's first run stands, read from what is stored: the safety questions, a
clinician's clearance when a "yes" needs one, the baseline, then when they train.

Nothing about it lives in the browser, so a first run left half way resumes at the step it
lacks on any browser or device, and no step can be skipped by clearing or forging a cookie.
"""

from __future__ import annotations

from typing import Literal

from supple.services.current_day import today
from supple.services.profile import find_profile
from supple.services.safety import gate, screened
from supple.services.scope import Scope
from supple.store import checkins

Step = Literal["screen", "clearance", "baseline", "when"]


def has_baseline(scope: Scope) -> bool:
    """Whether a weekly check-in (the baseline's pain and activities) is on record."""
    return bool(checkins.list_for(scope.store, scope.require_subject(), kind="week"))


def first_run_step(scope: Scope) -> Step | None:
    """The first step still owed, or None once the first run is complete.

    "clearance": a "yes" no clearance has lifted holds the run where it is (the pages show
    the block and the clearance); the baseline is asked once it is lifted. A person who
    finished long ago and answers "yes" later is not in a first run: None.
    """
    profile = find_profile(scope)
    if profile is None or not screened(scope):
        return "screen"
    baseline = has_baseline(scope)
    if baseline and profile.schedule_chosen:
        return None
    block = gate(scope, today(scope))
    if block is not None and block.remedy == "clearance":
        return "clearance"
    return "when" if baseline else "baseline"
