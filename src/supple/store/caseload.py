"""A caseload's records in a fixed number of statements, however many clients it holds.

The clinic's dashboard reads every client of a clinician at once. Each function here is one
statement over the whole caseload (the clients are a subquery, never a loop and never a list of
ids), so 5 clients and 200 cost the same number of round trips; the rules that read the rows
are ``core.attention``'s, applied by ``services.caseload``.

What counts as a session done on a day is ``core.done``'s rule, the progress page's too: the
database gathers the evidence (a work step completed, read from the session's own step facts; a
session check-in; an exercise rated) and the rule decides. Days that are over come from the
nightly rollups (``rollup_schema``) when a client's rows are whole; the rest is read live.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from supple.core.access import Role
from supple.core.done import DayEvidence, session_done
from supple.core.pain import ALARMING, STOP_AT
from supple.core.step_facts import WORK_MARK
from supple.store.care_schema import alert_acks
from supple.store.clinic_schema import client_clinicians, users
from supple.store.database import Store
from supple.store.rollup_schema import day_rollups
from supple.store.schema import (
    checkins,
    clearances,
    people,
    profiles,
    screen_answers,
    session_events,
    sessions,
)
from supple.store.screens import Clearance, ScreenRun, aware

SESSION_KINDS = ("session", "exercise")


@dataclass(frozen=True)
class Client:
    """One client of the caseload and their profile (None before their first run)."""

    client_id: int
    name: str
    email: str
    start_date: date | None
    timezone: str | None
    plan_yaml: str | None
    plan_source: str | None


@dataclass(frozen=True)
class Stop:
    """An exercise rating that may stop a session (pain of ``STOP_AT`` or more, or an alarming
    kind of pain): the database picks these few out of every rating by ``core.pain``'s own
    numbers, and ``core.pain.must_stop`` decides on each."""

    on: date
    exercise_id: str
    pain: int | None
    quality: str | None


@dataclass(frozen=True)
class Acked:
    kind: str
    since: str
    by: str | None
    at: datetime


@dataclass
class Records:
    """Every client's rows the rules read, keyed by client id."""

    mornings: dict[int, dict[date, int]] = field(default_factory=lambda: defaultdict(dict))
    stops: dict[int, list[Stop]] = field(default_factory=lambda: defaultdict(list))
    session_days: dict[int, set[date]] = field(default_factory=lambda: defaultdict(set))
    last_session: dict[int, date] = field(default_factory=dict)
    last_morning: dict[int, tuple[date, int]] = field(default_factory=dict)
    screens: dict[int, list[ScreenRun]] = field(default_factory=lambda: defaultdict(list))
    clearances: dict[int, list[Clearance]] = field(default_factory=lambda: defaultdict(list))
    acks: dict[int, list[Acked]] = field(default_factory=lambda: defaultdict(list))
    clients: list[int] = field(default_factory=list)


def caseload_ids(
    clinician_id: int | None, client_id: int | None = None, among: Sequence[int] | None = None
) -> sa.Select[Any]:
    """The ``people`` ids of the active clients assigned to ``clinician_id`` (None: every
    client of the practice), narrowed to one client when ``client_id`` is given, or to a
    page's clients (``among``, a bounded list) when that is."""
    query = sa.select(users.c.person_id).where(
        users.c.role == Role.CLIENT.value, users.c.active.is_(True)
    )
    if clinician_id is not None:
        query = query.where(
            users.c.person_id.in_(
                sa.select(client_clinicians.c.person_id).where(
                    client_clinicians.c.clinician_id == clinician_id
                )
            )
        )
    if client_id is not None:
        query = query.where(users.c.person_id == client_id)
    if among is not None:
        query = query.where(users.c.person_id.in_(among))
    return query


def _sort_key() -> sa.ColumnElement[str]:
    """A client's name as the list sorts it: their name, else the person's, else the e-mail."""
    return sa.func.lower(
        sa.func.coalesce(
            sa.func.nullif(users.c.name, ""), sa.func.nullif(people.c.name, ""), users.c.email
        )
    )


def page_ids(
    store: Store,
    ids: sa.Select[Any],
    limit: int,
    after: tuple[str, int] | None = None,
    before: tuple[str, int] | None = None,
) -> list[tuple[int, str]]:
    """One page of the clients in ``ids`` by (name, id): up to ``limit`` + 1 after the key
    ``after`` (or before ``before``, nearest first), with each one's key; the extra one says
    whether there is more. A keyset page: its cost does not grow with how far into the list it
    is."""
    key = _sort_key()
    query = (
        sa.select(users.c.person_id, key)
        .select_from(users)
        .join(people, people.c.id == users.c.person_id)
        .where(users.c.person_id.in_(ids))
    )
    if before is not None:
        query = query.where(sa.tuple_(key, users.c.person_id) < sa.tuple_(*before))
        query = query.order_by(key.desc(), users.c.person_id.desc())
    else:
        if after is not None:
            query = query.where(sa.tuple_(key, users.c.person_id) > sa.tuple_(*after))
        query = query.order_by(key, users.c.person_id)
    with store.read() as conn:
        return [(row[0], row[1]) for row in conn.execute(query.limit(limit + 1))]


def clients(conn: sa.Connection, ids: sa.Select[Any]) -> list[Client]:
    query = (
        sa.select(
            users.c.person_id,
            users.c.name,
            users.c.email,
            people.c.name.label("person_name"),
            profiles.c.start_date,
            profiles.c.timezone,
            profiles.c.plan_yaml,
            profiles.c.plan_source,
        )
        .select_from(users)
        .join(people, people.c.id == users.c.person_id)
        .outerjoin(profiles, profiles.c.person_id == users.c.person_id)
        .where(users.c.person_id.in_(ids))
        .order_by(users.c.person_id)
    )
    return [
        Client(
            client_id=row.person_id,
            name=row.name or row.person_name or row.email,
            email=row.email,
            start_date=row.start_date,
            timezone=row.timezone,
            plan_yaml=row.plan_yaml,
            plan_source=row.plan_source,
        )
        for row in conn.execute(query)
    ]


def _work_done(dialect: str) -> sa.ColumnElement[bool]:
    """A session with a *work* step completed (``core.done``): whether a step is work is read
    from the session's own step facts (``core.step_facts``: one character per step), so a plan
    edited since changes nothing and no timeline is parsed. ``dialect`` is kept for callers;
    ``substr`` means the same on SQLite and PostgreSQL."""
    del dialect
    is_work = sa.func.substr(sessions.c.work_steps, session_events.c.step_index + 1, 1) == WORK_MARK
    return sa.exists(
        sa.select(session_events.c.id).where(
            session_events.c.session_id == sessions.c.id,
            session_events.c.kind == "step_completed",
            session_events.c.step_index >= 0,
            is_work,
        )
    )


@dataclass
class Days:
    """What each client's days from some date on say, as the rules read them: the morning's
    pain, the ratings that may stop a session, and the days that count as a session done."""

    mornings: dict[int, dict[date, int]] = field(default_factory=lambda: defaultdict(dict))
    stops: dict[int, list[Stop]] = field(default_factory=lambda: defaultdict(list))
    done: dict[int, set[date]] = field(default_factory=lambda: defaultdict(set))


def days_from(conn: sa.Connection, ids: sa.Select[Any], since: date) -> Days:
    """The caseload's days from ``since`` on, computed from the records (three statements;
    each row is small: the database takes the pain out of the stored check-in, and leaves the
    ratings that stop nothing where they are)."""
    days = Days()
    pain = checkins.c["values"]["pain"].as_integer()
    for person_id, on, value in conn.execute(
        sa.select(checkins.c.person_id, checkins.c.on_date, pain).where(
            checkins.c.person_id.in_(ids),
            checkins.c.on_date >= since,
            checkins.c.kind == "morning",
        )
    ):
        if value is not None:
            days.mornings[person_id][on] = value
    quality = checkins.c["values"]["quality"].as_string()
    for row in conn.execute(
        sa.select(checkins.c.person_id, checkins.c.on_date, checkins.c.subject, pain, quality)
        .where(
            checkins.c.person_id.in_(ids),
            checkins.c.on_date >= since,
            checkins.c.kind == "exercise",
            sa.or_(pain >= STOP_AT, sa.func.lower(quality).in_(sorted(ALARMING))),
        )
        .order_by(checkins.c.id)  # as rated: a day's stops are named in that order
    ):
        days.stops[row.person_id].append(Stop(row.on_date, row.subject, row[3], row[4]))
    played = sa.select(
        sessions.c.person_id, sessions.c.on_date.label("on"), sa.literal("work").label("what")
    ).where(
        sessions.c.person_id.in_(ids), sessions.c.on_date >= since, _work_done(conn.dialect.name)
    )
    logged = sa.select(
        checkins.c.person_id, checkins.c.on_date.label("on"), checkins.c.kind.label("what")
    ).where(
        checkins.c.person_id.in_(ids),
        checkins.c.on_date >= since,
        checkins.c.kind.in_(SESSION_KINDS),
    )
    seen: dict[tuple[int, date], set[str]] = defaultdict(set)
    for person_id, on, what in conn.execute(sa.union(played, logged)):
        seen[(person_id, on)].add(what)
    for (person_id, on), what in seen.items():
        evidence = DayEvidence(
            work_steps=int("work" in what),
            session_checkins=int("session" in what),
            ratings=int("exercise" in what),
        )
        if session_done(evidence):
            days.done[person_id].add(on)
    return days


def _rolled(
    conn: sa.Connection, ids: sa.Select[Any], found: list[Client], since: date
) -> tuple[dict[int, date], Days]:
    """The rollups of the caseload from ``since`` on (one statement), and for each client the
    first day to read live: the day after the newest rollup when the client's rows run without
    a gap from the first day the window needs, else that first day (rollups missing: every day
    is read live, never a wrong number)."""
    rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in conn.execute(
        sa.select(
            day_rollups.c.person_id,
            day_rollups.c.on_date,
            day_rollups.c.done,
            day_rollups.c.morning_pain,
            day_rollups.c.stops,
        )
        .where(day_rollups.c.person_id.in_(ids), day_rollups.c.on_date >= since)
        .order_by(day_rollups.c.person_id, day_rollups.c.on_date)
    ):
        rows[row[0]].append(tuple(row[1:]))
    live_from: dict[int, date] = {}
    rolled = Days()
    for client in found:
        if client.start_date is None:
            continue
        first = max(since, client.start_date)
        cid = client.client_id
        mine = [r for r in rows.get(cid, []) if r[0] >= first]
        contiguous = bool(mine) and (mine[-1][0] - first).days + 1 == len(mine)
        if not contiguous or mine[0][0] != first:
            live_from[cid] = first
            continue
        live_from[cid] = mine[-1][0] + timedelta(days=1)
        done, mornings = rolled.done[cid], rolled.mornings[cid]
        for on, was_done, pain, stops in mine:
            if was_done:
                done.add(on)
            if pain is not None:
                mornings[on] = pain
            for exercise_id, stop_pain, quality in stops or ():
                rolled.stops[cid].append(Stop(on, exercise_id, stop_pain, quality))
    return live_from, rolled


def read(store: Store, ids: sa.Select[Any], since: date) -> tuple[list[Client], Records]:
    """The caseload's clients and their records: morning pain, ratings that may stop a session
    and the days with a session from ``since`` on (from the nightly rollups where they are
    whole, the rest live), and, however old, each client's last session, last morning,
    red-flag answers, clearances and acknowledged items. Ten statements, whatever the
    caseload's size."""
    records = Records()
    with store.read() as conn:
        found = clients(conn, ids)
        live_from, rolled = _rolled(conn, ids, found, since)
        live = days_from(conn, ids, min(live_from.values(), default=since))
        for client in found:
            cid = client.client_id
            edge = live_from.get(cid, since)
            records.mornings[cid] = rolled.mornings.get(cid, {}) | {
                d: p for d, p in live.mornings.get(cid, {}).items() if d >= edge
            }
            records.stops[cid] = rolled.stops.get(cid, []) + [
                s for s in live.stops.get(cid, []) if s.on >= edge
            ]
            records.session_days[cid] = rolled.done.get(cid, set()) | {
                d for d in live.done.get(cid, set()) if d >= edge
            }
        records.clients = [c.client_id for c in found]
        _last_sessions(conn, ids, records, since)
        _last_mornings(conn, ids, records)
        _screens(conn, ids, records)
        for cleared in conn.execute(
            sa.select(clearances.c.person_id, clearances.c.cleared_on, clearances.c.recorded_at)
            .where(clearances.c.person_id.in_(ids))
            .order_by(clearances.c.recorded_at, clearances.c.id)
        ):
            records.clearances[cleared.person_id].append(
                Clearance(cleared.cleared_on, aware(cleared.recorded_at))
            )
        for ack in conn.execute(
            sa.select(
                alert_acks.c.person_id,
                alert_acks.c.kind,
                alert_acks.c.since,
                alert_acks.c.acknowledged_at,
                users.c.name,
                users.c.email,
            )
            .outerjoin(users, users.c.id == alert_acks.c.acknowledged_by)
            .where(alert_acks.c.person_id.in_(ids))
        ):
            records.acks[ack.person_id].append(
                Acked(ack.kind, ack.since, ack.name or ack.email, aware(ack.acknowledged_at))
            )
    return found, records


def _last_sessions(conn: sa.Connection, ids: sa.Select[Any], records: Records, since: date) -> None:
    """Each client's newest day with a session done, however long ago (one statement): the
    newest of the days already read from ``since`` on, and for the clients with none there, a
    walk back along the (person, date) indexes from ``since`` that stops at the first hit."""
    for person_id, days in records.session_days.items():
        if days:
            records.last_session[person_id] = max(days)
    idle = sorted(set(records.clients) - set(records.last_session))
    client = ids.where(users.c.person_id.in_(idle)).subquery()
    played = (
        sa.select(sessions.c.on_date)
        .where(
            sessions.c.person_id == client.c.person_id,
            sessions.c.on_date < since,
            _work_done(conn.dialect.name),
        )
        .order_by(sessions.c.on_date.desc())
        .limit(1)
        .scalar_subquery()
    )
    logged = [  # one kind each: the (person, kind, date) index then gives its newest at once
        sa.select(sa.func.max(checkins.c.on_date))
        .where(
            checkins.c.person_id == client.c.person_id,
            checkins.c.kind == kind,
            checkins.c.on_date < since,
        )
        .scalar_subquery()
        for kind in SESSION_KINDS
    ]
    for person_id, *older in conn.execute(sa.select(client.c.person_id, played, *logged)):
        found = [day for day in older if day is not None]
        if found:
            records.last_session[person_id] = max(found)


def _last_mornings(conn: sa.Connection, ids: sa.Select[Any], records: Records) -> None:
    """Each client's newest morning check-in, however long ago (one statement)."""
    client = ids.subquery()
    earlier = checkins.alias("earlier")
    newest = (
        sa.select(sa.func.max(earlier.c.on_date))
        .where(earlier.c.person_id == client.c.person_id, earlier.c.kind == "morning")
        .scalar_subquery()
    )
    pain = checkins.c["values"]["pain"].as_integer()
    query = sa.select(checkins.c.person_id, checkins.c.on_date, pain).join(
        client,
        (client.c.person_id == checkins.c.person_id)
        & (checkins.c.kind == "morning")
        & (checkins.c.subject == "")
        & (checkins.c.on_date == newest),
    )
    for person_id, on, value in conn.execute(query):
        if value is not None:
            records.last_morning[person_id] = (on, value)


def _screens(conn: sa.Connection, ids: sa.Select[Any], records: Records) -> None:
    """The "yes" answers of every screen, grouped into runs (a "no" changes no verdict)."""
    runs: dict[str, ScreenRun] = {}
    for row in conn.execute(
        sa.select(screen_answers)
        .where(screen_answers.c.person_id.in_(ids), screen_answers.c.answer.is_(True))
        .order_by(screen_answers.c.answered_at, screen_answers.c.id)
    ):
        run = runs.get(row.screen_id)
        if run is None:
            run = runs[row.screen_id] = ScreenRun(row.screen_id, aware(row.answered_at), {})
            records.screens[row.person_id].append(run)
        run.answers[row.question_id] = True


def acknowledge(
    store: Store, *, person_id: int, kind: str, since: str, by: int, at: datetime
) -> bool:
    """Record that ``by`` has seen an item; False when it was acknowledged already (the first
    acknowledgement is kept)."""
    try:
        with store.write() as conn:
            conn.execute(
                alert_acks.insert().values(
                    person_id=person_id,
                    kind=kind,
                    since=since,
                    acknowledged_by=by,
                    acknowledged_at=at,
                )
            )
    except sa.exc.IntegrityError:
        return False
    return True
