"""The use cases both faces (the terminal and the web app) and the exports call, each taking a
``Scope``: who acts, for whom, on which store, by which clock.

Modules import one way only, each from those above it::

    scope          Scope, Actor and the clocks; who is asking, for whom, and when
    parsing        dates, times of day and time zones as people type them
    profile        the profile and the plan followed; plan files and uploads checked
    current_day    which date "today" is for the subject; the window of dates around it
    exercises      an exercise by a loose name; each day's length
    history        the records the adaptation rules read, and the adapted doses
    safety         the red-flag screen, clearances and the session gate
    checkins       morning, session, exercise and weekly check-ins
    first_run      the first step a first run still owes, read from the stored data
    progress_report  adherence, trends, PSFS and every dose change
    days           a day and a week at adapted doses
    sessions       guided sessions: start, record, resume, close, history
    records        every record of the subject, out and back in (backups)
    freshness      the stamp today's cached answer is keyed by (the web app's)
    caseload       a clinician's clients, the needs-attention queue, acknowledging an item
    clinic_accounts  the operator's clinic: the practice, users, disabling, API tokens
    signin         signing in and out, second factors, invites, who a cookie or token is
    record_visits  who looked at a client's record, in words the client reads

The last six are imported by name (``from supple.services import sessions``) and not loaded
here, so a terminal command that needs none of them never pays for them (the last two pull in
the password hashing and TOTP libraries).

Adapters parse input and render output; every rule in between lives here or in the core, once.
The rules themselves (``supple.core``) never see a store or a clock.
"""

from __future__ import annotations

from supple.core.limits import upload_name
from supple.services.checkins import (
    ExerciseRated,
    list_checkins,
    morning_missing,
    psfs_baseline,
    rate_exercise,
    record_exercise,
    record_morning,
    record_session,
    record_week,
)
from supple.services.current_day import (
    clock_day,
    in_window,
    program_window,
    today,
    window,
    window_check,
)
from supple.services.days import day, session_gate, settings_for, week
from supple.services.exercises import day_estimates, find_exercise
from supple.services.first_run import first_run_step, has_baseline
from supple.services.history import adaptation, load_history
from supple.services.parsing import parse_date, parse_time, parse_zone, system_zone
from supple.services.profile import (
    check_uploaded_plan,
    create_person,
    current_program,
    find_profile,
    get_profile,
    init_profile,
    plan_summary,
    plan_text,
    program_for,
    use_bundled_plan,
    use_plan,
    use_plan_text,
)
from supple.services.progress_report import Progress, progress, progress_json
from supple.services.safety import (
    clearance_span,
    gate,
    record_clearance,
    record_screen,
    screened,
)
from supple.services.scope import (
    NO_PROFILE,
    Actor,
    Clock,
    FixedClock,
    PinnedDay,
    Scope,
    SystemClock,
)

__all__ = [
    "NO_PROFILE",
    "Actor",
    "Clock",
    "ExerciseRated",
    "FixedClock",
    "PinnedDay",
    "Progress",
    "Scope",
    "SystemClock",
    "adaptation",
    "check_uploaded_plan",
    "clearance_span",
    "clock_day",
    "create_person",
    "current_program",
    "day",
    "day_estimates",
    "find_exercise",
    "find_profile",
    "first_run_step",
    "gate",
    "get_profile",
    "has_baseline",
    "in_window",
    "init_profile",
    "list_checkins",
    "load_history",
    "morning_missing",
    "parse_date",
    "parse_time",
    "parse_zone",
    "plan_summary",
    "plan_text",
    "program_for",
    "program_window",
    "progress",
    "progress_json",
    "psfs_baseline",
    "rate_exercise",
    "record_clearance",
    "record_exercise",
    "record_morning",
    "record_screen",
    "record_session",
    "record_week",
    "screened",
    "session_gate",
    "settings_for",
    "system_zone",
    "today",
    "upload_name",
    "use_bundled_plan",
    "use_plan",
    "use_plan_text",
    "week",
    "window",
    "window_check",
]
