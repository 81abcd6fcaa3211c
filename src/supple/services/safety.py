"""The red-flag screen, clinicians' clearances, and the session gate every face asks before it
offers a session (CLINICAL.md rules 1 and 2); the rules themselves are ``supple.core.safety``'s
and ``supple.core.pain``'s."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from supple.core.access import Action
from supple.core.clearance import check_clearance, clearance_bounds
from supple.core.errors import InputError
from supple.core.pain import must_stop
from supple.core.safety import (
    QUESTIONS,
    Block,
    Verdict,
    pain_settled,
    still_flagged,
    uncleared,
    verdict,
)
from supple.services.care_access import clinic_refusal
from supple.services.current_day import in_window, today, window
from supple.services.profile import get_profile
from supple.services.scope import Scope
from supple.store import checkins, screens


def screened(scope: Scope) -> bool:
    """Whether the person has answered the red-flag screen at least once."""
    return bool(screens.runs(scope.store, scope.require_subject()))


def record_screen(scope: Scope, answers: dict[str, bool]) -> Verdict:
    missing = [q.id for q in QUESTIONS if q.id not in answers]
    if missing:
        raise InputError(f"every question needs an answer; missing: {', '.join(missing)}")
    screens.save_screen(scope.store, scope.require_subject(), answers, at=scope.clock.now())
    return verdict(answers)


CLINIC_CLEARANCE = (
    "in the clinic a red flag is cleared by your clinician after they have seen you; "
    "contact them (in an emergency, call the emergency number)"
)


def record_clearance(scope: Scope, cleared_on: date) -> None:
    """Record the day a clinician said exercise is safe: between the red-flag answers it
    clears and today, never a day still to come (``core.clearance``). In a clinic only the
    client's clinician records it (CLINICAL.md §1, ``core.access``)."""
    clinic_refusal(scope, Action.CLEAR_RED_FLAG, CLINIC_CLEARANCE)
    check_clearance(cleared_on, today=today(scope), answered_on=_flagged_on(scope))
    in_window(scope, cleared_on, "the clearance date")
    screens.add_clearance(
        scope.store,
        scope.require_subject(),
        cleared_on,
        at=scope.clock.now(),
        actor=scope.actor.label,
    )


def clearance_span(scope: Scope) -> tuple[date, date]:
    """The first and last day ``record_clearance`` accepts now: the rule of
    ``core.clearance`` inside the window of dates."""
    first, last = window(scope)
    earliest, latest = clearance_bounds(today=today(scope), answered_on=_flagged_on(scope))
    return max(first, earliest or first), min(last, latest)


def _flagged_on(scope: Scope) -> date | None:
    """The local date of the newest screen with a "yes", if any."""
    runs = screens.runs(scope.store, scope.require_subject())
    flagged = [r for r in runs if not verdict(r.answers).clear]
    if not flagged:
        return None
    zone = ZoneInfo(get_profile(scope).timezone)
    return screens.aware(flagged[-1].answered_at).astimezone(zone).date()


def _flag_block(run: screens.ScreenRun, later: list[screens.ScreenRun]) -> Block:
    """The block of a "yes" not yet cleared; ``later`` are the runs answered after it, and a
    clear one among them is told why it does not lift the "yes"."""
    result = verdict(run.answers)
    listed = " ".join(f"“{q.text}”" for q in result.flagged)
    when = run.answered_at.date().isoformat()
    newer = [r for r in later if verdict(r.answers).clear]
    return Block(
        f"No session for now. On {when} you answered yes to: {listed} {result.advice}",
        "clearance",
        result.tier,
        still_flagged(when, newer[-1].answered_at.date().isoformat()) if newer else None,
    )


def gate(scope: Scope, on: date) -> Block | None:
    """Why no session may be offered on ``on``, or None (see ``days.session_gate``)."""
    person = scope.require_subject()
    runs = screens.runs(scope.store, person)
    if not runs:
        return Block(
            f"No session yet: please answer the safety questions first ({len(QUESTIONS)} of them).",
            "screen",
        )
    waiting = uncleared(runs, screens.list_clearances(scope.store, person), on)
    if waiting:
        newest = waiting[-1]
        return _flag_block(newest, [r for r in runs if r.answered_at > newest.answered_at])
    return _pain_stop_block(scope, on, runs)


def _pain_stop_block(scope: Scope, on: date, runs: list[screens.ScreenRun]) -> Block | None:
    """Rule 2's second half: pain that stopped a session and has not settled in 24 hours
    brings the safety screen back before the next session."""
    person = scope.require_subject()
    stops = [
        row
        for row in checkins.list_for(scope.store, person, kind="exercise", until=on)
        if must_stop((row.values or {}).get("pain"), (row.values or {}).get("quality"))
    ]
    if not stops:
        return None
    stop = stops[-1]
    stopped_on: date = stop.on_date
    if stopped_on == on:
        return Block(
            "You stopped today's session because of pain, so rest for the rest of the day.",
            "rest",
        )
    mornings = {
        row.on_date: row.values
        for row in checkins.list_for(scope.store, person, kind="morning", until=on)
    }
    before, after = mornings.get(stopped_on), mornings.get(stopped_on + timedelta(days=1))
    if after is not None and pain_settled(
        before.get("pain") if before else None, int(after["pain"])
    ):
        return None
    stop_time = screens.aware(stop.recorded_at)
    if any(run.answered_at > stop_time for run in runs):
        return None  # screened again since the stop (a "yes" there is handled by the gate)
    if after is None and on == stopped_on + timedelta(days=1):
        return Block(
            "Yesterday's session stopped because of pain. First tell Supple how you feel this "
            "morning: if the pain has settled, today's session is on; if not, Supple will ask "
            "the safety questions again.",
            "morning",
        )
    return Block(
        f"The pain that stopped your session on {stopped_on.isoformat()} had not settled "
        "24 hours later, so please answer the safety questions again before the next session. "
        "If the pain is getting worse, or you notice numbness or weakness, contact a clinician.",
        "screen",
    )
