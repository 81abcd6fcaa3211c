"""Guided sessions as use cases shared by the terminal player and the web player: start one,
record what happens the moment it happens, find where an interrupted one stands, close it, and
list the history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from supple.accounts import tokens
from supple.core import step_facts
from supple.core.day_plan import DayPlan
from supple.core.errors import InputError, NotFound, SuppleError
from supple.core.fit import Choices, Fitted, fit
from supple.core.limits import check_tree
from supple.core.safety import Block
from supple.core.schedule import week_dates
from supple.core.timeline import Timeline, from_json, to_json
from supple.services import days
from supple.services.current_day import in_window
from supple.services.profile import get_profile, program_for
from supple.services.scope import Clock, Scope
from supple.store import checkins
from supple.store import sessions as table
from supple.store.event_writer import CLOSING_KINDS, EventWrite, TokenEventWrite

if TYPE_CHECKING:
    from supple.store.database import Store

STEP_EVENTS = ("step_completed", "step_skipped")
QUIT = "quit"


class SessionRefused(SuppleError):
    """No session may start now (a red flag waiting for clearance, or nothing to do).

    ``block`` is set when the safety gate refused, so a face can offer its own remedy.
    """

    def __init__(self, message: str, block: Block | None = None) -> None:
        super().__init__(message)
        self.block = block


@dataclass
class Session:
    """A stored session and how far it got."""

    id: str
    on: date
    week: int
    day: int
    timeline: Timeline
    started_at: datetime
    finished_at: datetime | None = None
    stopped_reason: str | None = None
    completed: set[int] = field(default_factory=set)
    skipped: set[int] = field(default_factory=set)
    fit: dict[str, Any] | None = None  # how the day was fitted to the person's choices

    @property
    def resume_point(self) -> int | None:
        """The first step neither completed nor skipped; None when every step is accounted
        for."""
        for step in self.timeline.steps:
            if step.index not in self.completed and step.index not in self.skipped:
                return step.index
        return None


def plan_for(scope: Scope, on: date, day: int | None = None) -> DayPlan:
    """The day to play: the date's own program day, or day ``day`` of the same program week
    (so any adapted doses are those of that week)."""
    in_window(scope, on)
    if day is None:
        return days.day(scope, on)
    profile = get_profile(scope)
    program = program_for(profile)
    if day not in {d.number for d in program.days}:
        numbers = ", ".join(str(d.number) for d in program.days)
        raise InputError(f"there is no day {day} in your plan (its days are {numbers})")
    anchor = max(on, profile.start_date)
    for candidate in week_dates(profile.start_date, anchor, cycle=program.cycle_length):
        plan = days.day(scope, candidate)
        if plan.slot.day == day:
            return plan
    raise InputError(f"day {day} is not in this program week")


def fitted_day(scope: Scope, on: date, choices: Choices, day: int | None = None) -> Fitted:
    """The day to play (``plan_for``) fitted to the person's minutes and missing props
    (docs/session-fitting.md); without choices, the day as it is."""
    return fit_plan(scope, plan_for(scope, on, day), choices)


def fit_plan(scope: Scope, plan: DayPlan, choices: Choices) -> Fitted:
    """``plan`` fitted to the choices, with the person's catalog and pacing."""
    profile = get_profile(scope)
    catalog = program_for(profile).catalog
    return fit(plan, catalog, choices, days.settings_for(profile))


def start(scope: Scope, plan: DayPlan | Fitted, on: date) -> Session:
    """Open a session for ``on`` playing ``plan``'s timeline, after the safety gate agrees.
    A fitted day stores its choices and every change with the steps, for history and the
    adaptation rules."""
    fitted = plan if isinstance(plan, Fitted) and plan.choices.any else None
    plan = plan.plan if isinstance(plan, Fitted) else plan
    person = scope.require_subject()
    block = days.session_gate(scope, on)
    if block:
        raise SessionRefused(block.for_terminal(), block)
    if not plan.timeline.steps:
        raise SessionRefused(
            f"{on.isoformat()} is a rest day in your plan; choose a day with `--day N`"
        )
    session = Session(
        id=str(uuid.uuid4()),
        on=on,
        week=plan.slot.week,
        day=plan.slot.day,
        timeline=plan.timeline,
        started_at=scope.clock.now(),
        fit=fitted.to_json() if fitted else None,
    )
    stored = to_json(plan.timeline)
    if session.fit is not None:
        stored["fit"] = session.fit
    table.create(
        scope.store,
        session_id=session.id,
        person_id=person,
        on=on,
        week=session.week,
        day=session.day,
        started_at=session.started_at,
        timeline=stored,
    )
    return session


def _from_row(scope: Scope, row: Any) -> Session:
    session = Session(
        id=row.id,
        on=row.on_date,
        week=row.program_week,
        day=row.program_day,
        timeline=from_json(row.timeline),
        started_at=row.started_at,
        finished_at=row.finished_at,
        stopped_reason=row.stopped_reason,
        fit=_fit_of(row.timeline),
    )
    steps = {step.index for step in session.timeline.steps}
    for event in table.events(scope.store, scope.require_subject(), row.id):
        if event.step_index not in steps:  # an index the timeline never had tells nothing
            continue
        if event.kind == "step_completed":
            session.completed.add(event.step_index)
        elif event.kind == "step_skipped":
            session.skipped.add(event.step_index)
    session.skipped -= session.completed
    return session


def check_step(kind: str, step_index: int | None) -> None:
    """A step's completion or skip names its step; without one it could not count, so it is
    refused rather than stored."""
    if kind in STEP_EVENTS and step_index is None:
        raise InputError(f"a {kind} event needs its step_index (the step's number)")


def _fit_of(timeline: Any) -> dict[str, Any] | None:
    fitted = timeline.get("fit") if isinstance(timeline, dict) else None
    return fitted if isinstance(fitted, dict) else None


def session_date(scope: Scope, session_id: str) -> date:
    """The date of one of the subject's sessions, in one indexed lookup (ratings arrive often,
    and reading the whole session each time would slow every step of a long session)."""
    row = table.get(scope.store, scope.require_subject(), session_id)
    if row is None:
        raise NotFound(f"no session {session_id}")
    on: date = row.on_date
    return on


def load(scope: Scope, session_id: str) -> Session:
    row = table.get(scope.store, scope.require_subject(), session_id)
    if row is None:
        raise NotFound(f"no session {session_id}")
    return _from_row(scope, row)


def find_unfinished(scope: Scope, on: date, day: int | None = None) -> Session | None:
    """The newest session of ``on`` that was neither finished nor stopped (of program day
    ``day`` when given)."""
    for row in table.unfinished(scope.store, scope.require_subject(), on):
        if day is None or row.program_day == day:
            return _from_row(scope, row)
    return None


def after_checkin_due(scope: Scope, on: date) -> Session | None:
    """The session of ``on`` whose every step is done but whose after-session check-in (pain
    after, effort) was never given: a player killed right after the last step leaves one. The
    next ``supple start``, ``supple today`` and the Today page offer that check-in."""
    person = scope.require_subject()
    rated = any(
        row.on_date == on
        and (
            (row.values or {}).get("after_pain") is not None
            or (row.values or {}).get("rpe") is not None
        )
        for row in checkins.list_for(scope.store, person, kind="session", until=on)
    )
    if rated:
        return None
    for row in table.of_date(scope.store, person, on):
        if row.stopped_reason is None:
            session = _from_row(scope, row)
            if session.resume_point is None and session.completed:
                return session
    return None


def event_id(session_id: str, kind: str, step_index: int | None) -> str:
    """Completing or skipping a step has one id per step, so a repeat never counts twice;
    anything else gets a fresh id, made once by the caller and reused on a retry."""
    if kind in STEP_EVENTS and step_index is not None:
        return f"{session_id}:{kind[5:]}:{step_index}"
    return uuid.uuid4().hex


def record(
    scope: Scope,
    session_id: str,
    kind: str,
    step_index: int | None,
    *,
    data: dict[str, Any] | None = None,
    event: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Write one event and commit it now; False when that event id was already stored."""
    check_step(kind, step_index)
    check_tree(data, "the event's data")
    return table.add_event(
        scope.store,
        event_id=event or event_id(session_id, kind, step_index),
        session_id=session_id,
        person_id=scope.require_subject(),
        kind=kind,
        step_index=step_index,
        at=at or scope.clock.now(),
        data=data,
    )


def _check_posted(
    session_id: str, kind: str, step_index: int | None, data: dict[str, Any] | None
) -> None:
    """What a posted event must be, whichever way it is written. A session id no session can
    have (a NUL, which PostgreSQL refuses as text) is no session, as ``store.sessions.get``
    answers it, without asking the database."""
    if "\x00" in session_id:
        raise NotFound(f"no session {session_id}")
    check_step(kind, step_index)
    check_tree(data, "the event's data")


def posted_event(
    scope: Scope,
    session_id: str,
    kind: str,
    step_index: int | None,
    *,
    data: dict[str, Any] | None = None,
    event: str | None = None,
    at: datetime | None = None,
) -> EventWrite:
    """The write for an event a player posts without having loaded the session (the web
    player, many a minute): the session's ownership is checked by the insert itself. An event
    that ends the session (finished, or stopped with the reason in ``data``) also closes it, in
    the same transaction. Before anyone exists there is no such session either."""
    if scope.subject is None:
        raise NotFound(f"no session {session_id}")
    _check_posted(session_id, kind, step_index, data)
    now = scope.clock.now()
    close_at = now if kind in CLOSING_KINDS else None
    reason = None
    if kind == "session_stopped":
        reason = str((data or {}).get("reason") or "stopped")[:200]
    return EventWrite(
        event_id=event or event_id(session_id, kind, step_index),
        session_id=session_id,
        person_id=scope.subject,
        kind=kind,
        step_index=step_index,
        at=at or now,
        data=data,
        close_at=close_at,
        close_reason=reason,
    )


def token_posted_event(
    store: Store,
    clock: Clock,
    token: str,
    session_id: str,
    kind: str,
    step_index: int | None,
    *,
    data: dict[str, Any] | None,
    event: str | None,
    at: datetime | None,
    what: str,
    address: str | None,
) -> TokenEventWrite | None:
    """The write for an event posted with a personal API token before anyone has looked the
    token up (clinic mode, PostgreSQL): who acts is the token's user, as the insert itself finds
    them (``store.event_writer.TokenEventWrite``), so a post costs one statement rather than a
    read of the token first. None when this event cannot go that way (it closes the session,
    whose close waits for the insert's answer; or SQLite): the caller asks the usual way, as it
    does when ``record_token_posted`` says the event did not go in. The checks are
    ``posted_event``'s, and raise as they do."""
    if kind in CLOSING_KINDS or store.is_sqlite:
        return None
    _check_posted(session_id, kind, step_index, data)
    now = clock.now()
    return TokenEventWrite(
        event_id=event or event_id(session_id, kind, step_index),
        session_id=session_id,
        token_digest=tokens.digest(token),
        kind=kind,
        step_index=step_index,
        at=at or now,
        data=data,
        at_now=now,
        what=what,
        address=address,
    )


async def record_token_posted(store: Store, write: TokenEventWrite) -> bool:
    """Hand the token's event to the store's writer and wait until it is committed: True when
    it went in, with its access-log line. False says nothing more (a token that is not valid,
    someone else's or no session, an id already stored): the caller asks the usual way, which
    tells those apart."""
    return bool(await store.events.write(write))


async def record_posted(scope: Scope, write: EventWrite) -> bool:
    """Hand the event to the store's writer and wait until it is committed; False when that
    event id was already stored, NotFound when the person has no such session."""
    stored = await scope.store.events.write(write)
    if stored is None:
        raise NotFound(f"no session {write.session_id}")
    return stored


def finish(scope: Scope, session_id: str) -> None:
    table.close(scope.store, scope.require_subject(), session_id, at=scope.clock.now(), reason=None)


def stop(scope: Scope, session_id: str, reason: str) -> None:
    """End a session early for good (pain, or the person chose to end it): it will not be
    offered for resuming. Quitting to continue later records a ``quit`` event instead."""
    table.close(
        scope.store, scope.require_subject(), session_id, at=scope.clock.now(), reason=reason
    )


# --- history ---------------------------------------------------------------------------------


def history(scope: Scope) -> list[dict[str, Any]]:
    """Every session with its counts, oldest first, in the shape ``supple history --json``
    prints and the web API returns."""
    rows, evs = table.list_all(scope.store, scope.require_subject())
    by_session: dict[str, list[Any]] = {}
    for event in evs:
        by_session.setdefault(event.session_id, []).append(event)
    later = _hurt_in_checkins(scope)
    return [_summary(row, by_session.get(row.id, []), later) for row in rows]


def _hurt_in_checkins(scope: Scope) -> set[tuple[date, str]]:
    """(date, exercise) pairs a check-in said hurt, e.g. `supple checkin exercise X --hurt`
    the day after: the history shows them as if flagged in the player."""
    return {
        (row.on_date, row.subject)
        for row in checkins.list_for(scope.store, scope.require_subject(), kind="exercise")
        if (row.values or {}).get("hurt")
    }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def _summary(row: Any, evs: list[Any], hurt_later: set[tuple[date, str]]) -> dict[str, Any]:
    facts = step_facts.from_json(row.work_steps, row.step_facts)
    steps = set(range(len(facts)))
    completed = {e.step_index for e in evs if e.kind == "step_completed"} & steps
    skipped = ({e.step_index for e in evs if e.kind == "step_skipped"} & steps) - completed
    hurt = {(e.data or {}).get("exercise") for e in evs if e.kind == "hurt_flagged"}
    hurt |= {exercise for on, exercise in hurt_later if on == row.on_date}
    exercises: dict[str, dict[tuple[int | None, int | None], bool]] = {}
    for index in sorted(steps):
        exercise = facts.exercise_of(index)
        if exercise is not None:
            sets = exercises.setdefault(exercise, {})
            key = (facts.items[index], facts.sets[index])
            sets[key] = sets.get(key, True) and index in completed
    return {
        "id": row.id,
        "date": row.on_date.isoformat(),
        "day": row.program_day,
        "started_at": _iso(row.started_at),
        "finished_at": _iso(row.finished_at),
        "stopped_reason": row.stopped_reason,
        "completed_steps": len(completed),
        "skipped_steps": len(skipped),
        "total_steps": row.total_steps,
        "exercises": [
            {"exercise": exercise, "completed_sets": sum(sets.values()), "hurt": exercise in hurt}
            for exercise, sets in exercises.items()
        ],
        "fit": dict(facts.fit) if facts.fit is not None else None,
    }
