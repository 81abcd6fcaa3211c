"""Red flags cleared by a clinician, and what a client sees of their care: who their clinicians
are and every change one of them made, with its reason.

In the clinic a red flag is cleared by a clinician who has seen the client, never by the client
(``core.access``; CLINICAL.md §1): the clearance is recorded with the clinician as its actor, and
the client reads their name beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from supple.core.access import Action
from supple.core.errors import FieldError, InputError
from supple.services.care_access import authorize, display_name
from supple.services.history import as_adjustment
from supple.services.profile import get_profile, program_for
from supple.services.safety import record_clearance
from supple.services.scope import Scope
from supple.store import accounts, adjustments, screens


def client_name(scope: Scope) -> str:
    """How the clinic's pages name the scope's client."""
    authorize(scope, Action.READ_RECORD)
    return accounts.client_name(scope.store, scope.require_subject()) or "this client"


def clear_red_flag(scope: Scope, seen_on: date) -> str:
    """Record that the acting clinician saw the client on ``seen_on`` and judged exercise safe:
    sessions are offered again (the date rules of ``core.clearance`` apply). Returns the
    clinician's name, as the clearance carries it."""
    user = authorize(scope, Action.CLEAR_RED_FLAG)
    try:
        record_clearance(scope, seen_on)
    except FieldError:
        raise
    except InputError as exc:  # the date rules of core.clearance and the window of dates
        raise FieldError("seen_on", str(exc)) from None
    return display_name(user)


@dataclass(frozen=True)
class CareChange:
    """One thing a clinician did for the client, in words, with when and by whom."""

    at: datetime
    day: date  # the client's day it takes effect (or was recorded)
    kind: str  # "plan", "dose", "clearance"
    by: str
    text: str


@dataclass(frozen=True)
class CareView:
    clinicians: list[str]
    changes: list[CareChange]  # newest first


def _names(scope: Scope, ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for user_id in ids:
        user = accounts.get_user(scope.store, user_id)
        if user is not None:
            found[user_id] = display_name(user)
    return found


def _staff_id(actor: str | None) -> int | None:
    """The user id in a clinic actor label ("clinician:7", "admin:2"), else None."""
    role, _, ident = (actor or "").partition(":")
    return int(ident) if role in ("clinician", "admin") and ident.isdigit() else None


def care_view(scope: Scope) -> CareView:
    """The client's clinicians and every change they made: plans given, doses set, red flags
    cleared. The client reads it about themself; their clinicians read it too."""
    authorize(scope, Action.READ_RECORD)
    person = scope.require_subject()
    profile = get_profile(scope)
    zone = ZoneInfo(profile.timezone)
    facts = accounts.client_facts(scope.store, person)
    clinician_ids = set(facts.clinician_ids) if facts else set()
    records = screens.clearance_records(scope.store, person)
    cleared_by = {r: _staff_id(r.actor) for r in records}
    names = _names(scope, clinician_ids | {i for i in cleared_by.values() if i is not None})
    changes: list[CareChange] = []
    for change in adjustments.plan_changes(scope.store, person):
        by = change.author or "your clinician"
        why = f": {change.reason}" if change.reason else ""
        changes.append(
            CareChange(
                change.created_at,
                change.effective_on,
                "plan",
                by,
                f"{by} gave you the plan “{change.plan_name}” ({change.source}) on "
                f"{change.effective_on.isoformat()}{why}",
            )
        )
    program = program_for(profile)
    for row in adjustments.for_person(scope.store, person):
        adjustment = as_adjustment(row, zone)
        exercise = program.catalog.get(row.exercise_id)
        plan = next(
            (i.dose for d in program.days for i in d.items if i.exercise_id == row.exercise_id),
            None,
        )
        text = (
            adjustment.sentence(plan, exercise.name if exercise else row.exercise_id)
            if plan is not None
            else f"{row.exercise_id}: from {row.from_date.isoformat()} — {adjustment.credit}"
        )
        if adjustment.ended_before_start:
            text += " (replaced before it began)"
        elif adjustment.ended_on is not None:
            text += f" (until {adjustment.ended_on.isoformat()})"
        changes.append(CareChange(row.created_at, row.from_date, "dose", adjustment.by, text))
    for record, staff in cleared_by.items():
        if staff is None:
            continue
        by = names.get(staff, "your clinician")
        changes.append(
            CareChange(
                record.recorded_at,
                record.cleared_on,
                "clearance",
                by,
                f"{by} saw you on {record.cleared_on.isoformat()} and cleared you to exercise: "
                "sessions are offered again",
            )
        )
    changes.sort(key=lambda c: c.at, reverse=True)
    return CareView(sorted(names[i] for i in clinician_ids if i in names), changes)
