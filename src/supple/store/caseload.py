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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

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


def _work_done() -> sa.ColumnElement[bool]:
    """A session with a *work* step completed (``core.done``): whether a step is work is read
    from the session's own step facts (``core.step_facts``: one character per step), so a plan
    edited since changes nothing and no timeline is parsed; ``substr`` means the same on
    SQLite and PostgreSQL (a negative index is kept out: SQLite would count it from the end)."""
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


Since = date | Mapping[int, date]


def _from(
    conn: sa.Connection,
    person: sa.ColumnElement[int],
    on: sa.ColumnElement[date],
    ids: sa.Select[Any],
    since: Since,
) -> sa.ColumnElement[bool]:
    """The caseload's rows from ``since`` on: one date for every client of ``ids``, or each
    client's own (``since`` by client id, the clients read from ``ids`` in the same
    transaction; a client it does not name has none). One condition, however many clients:
    those with the same date share a list (``_among``)."""
    if isinstance(since, date):
        return sa.and_(person.in_(ids), on >= since)
    by_date: dict[date, list[int]] = defaultdict(list)
    for client_id, day in since.items():
        by_date[day].append(client_id)
    return sa.or_(
        sa.false(),
        *(
            sa.and_(_among(conn, person, group), on >= day)
            for day, group in sorted(by_date.items())
        ),
    )


def _among(
    conn: sa.Connection, person: sa.ColumnElement[int], client_ids: list[int]
) -> sa.ColumnElement[bool]:
    """``person`` is one of ``client_ids``: on PostgreSQL one array parameter, whose text (and
    so its parse) is the same however many there are; an ``IN`` list else."""
    if conn.dialect.name == "postgresql":
        return person == sa.any_(sa.literal(client_ids, postgresql.ARRAY(sa.Integer)))
    return person.in_(client_ids)


def days_from(conn: sa.Connection, ids: sa.Select[Any], since: Since) -> Days:
    """The caseload's days from ``since`` on (one date, or each client's own: ``_from``),
    computed from the records (three statements; each row is small: the database takes the
    pain out of the stored check-in, and leaves the ratings that stop nothing where they
    are)."""
    days = Days()
    pain = checkins.c["values"]["pain"].as_integer()
    for person_id, on, value in conn.execute(
        sa.select(checkins.c.person_id, checkins.c.on_date, pain).where(
            _from(conn, checkins.c.person_id, checkins.c.on_date, ids, since),
            checkins.c.kind == "morning",
        )
    ):
        if value is not None:
            days.mornings[person_id][on] = value
    quality = checkins.c["values"]["quality"].as_string()
    for row in conn.execute(
        sa.select(checkins.c.person_id, checkins.c.on_date, checkins.c.subject, pain, quality)
        .where(
            _from(conn, checkins.c.person_id, checkins.c.on_date, ids, since),
            checkins.c.kind == "exercise",
            sa.or_(pain >= STOP_AT, sa.func.lower(quality).in_(sorted(ALARMING))),
        )
        .order_by(checkins.c.id)  # as rated: a day's stops are named in that order
    ):
        days.stops[row.person_id].append(Stop(row.on_date, row.subject, row[3], row[4]))
    played = sa.select(
        sessions.c.person_id, sessions.c.on_date.label("on"), sa.literal("work").label("what")
    ).where(
        _from(conn, sessions.c.person_id, sessions.c.on_date, ids, since),
        _work_done(),
    )
    logged = sa.select(
        checkins.c.person_id, checkins.c.on_date.label("on"), checkins.c.kind.label("what")
    ).where(
        _from(conn, checkins.c.person_id, checkins.c.on_date, ids, since),
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


@dataclass(frozen=True)
class Rolled:
    """One client's rollups: how many days, the oldest and the newest, the days done, each
    morning's pain, and each day's stops as stored (by date)."""

    client_id: int
    count: int
    oldest: date
    newest: date
    done: list[date]
    mornings: dict[date, int]
    stops: list[tuple[date, list[list[Any]] | None]]


def _rolled(
    conn: sa.Connection, ids: sa.Select[Any], found: list[Client], since: date
) -> tuple[dict[int, date], Days]:
    """The rollups of the caseload from ``since`` on (one statement, a row per client), and
    for each client the first day to read live: the day after the newest rollup when the
    client's rows run without a gap from the first day the window needs, else that first day
    (rollups missing: every day is read live, never a wrong number)."""
    first = {c.client_id: max(since, c.start_date) for c in found if c.start_date is not None}
    live_from: dict[int, date] = {}
    rolled = Days()
    for row in _per_client(
        conn, _from(conn, day_rollups.c.person_id, day_rollups.c.on_date, ids, first)
    ):
        start = first[row.client_id]
        if row.oldest != start or (row.newest - start).days + 1 != row.count:
            continue  # a gap, or none on the first day: every day read live
        live_from[row.client_id] = row.newest + timedelta(days=1)
        rolled.done[row.client_id] = set(row.done)
        rolled.mornings[row.client_id] = row.mornings
        rolled.stops[row.client_id] = [
            Stop(on, exercise_id, pain, quality)
            for on, stops in row.stops
            for exercise_id, pain, quality in stops or ()
        ]
    for cid, start in first.items():
        live_from.setdefault(cid, start)
    return live_from, rolled


def _per_client(conn: sa.Connection, where: sa.ColumnElement[bool]) -> Iterator[Rolled]:
    """Each client's rollups where ``where`` holds, gathered by the database into one row
    (``Rolled``): in PostgreSQL's arrays there, in SQLite's JSON arrays else."""
    r = day_rollups.c
    has_pain, has_stops = r.morning_pain.is_not(None), r.stops.is_not(None)
    counted = (r.person_id, sa.func.count(), sa.func.min(r.on_date), sa.func.max(r.on_date))
    if conn.dialect.name == "postgresql":
        by_date = postgresql.aggregate_order_by
        query = sa.select(
            *counted,
            sa.func.array_agg(r.on_date).filter(r.done),
            # the same rows in the same order for both, unsorted: they become a dict
            sa.func.array_agg(r.on_date).filter(has_pain),
            sa.func.array_agg(r.morning_pain).filter(has_pain),
            sa.func.json_agg(
                by_date(sa.func.json_build_array(r.on_date, r.stops), r.on_date)
            ).filter(has_stops),
        )
        for cid, count, oldest, newest, done, pain_days, pains, stops in conn.execute(
            query.where(where).group_by(r.person_id)
        ):
            mornings = dict(zip(pain_days or (), pains or (), strict=True))
            stopped = [(date.fromisoformat(on), found) for on, found in stops or ()]
            yield Rolled(cid, count, oldest, newest, done or [], mornings, stopped)
        return
    query = sa.select(
        *counted,
        _json_list(r.on_date).filter(r.done),
        _json_list(sa.func.json_array(r.on_date, r.morning_pain)).filter(has_pain),
        _json_list(sa.func.json_array(r.on_date, sa.func.json(r.stops))).filter(has_stops),
    )
    for cid, count, oldest, newest, done, mornings, stops in conn.execute(
        query.where(where).group_by(r.person_id)
    ):
        days = [date.fromisoformat(on) for on in done or ()]
        pains = {date.fromisoformat(on): pain for on, pain in mornings or ()}
        stopped = sorted(  # by date; a day's own stops keep their order
            ((date.fromisoformat(on), found) for on, found in stops or ()), key=lambda s: s[0]
        )
        yield Rolled(cid, count, oldest, newest, days, pains, stopped)


def _json_list(value: sa.ColumnElement[Any]) -> sa.FunctionElement[Any]:
    return sa.func.json_group_array(value, type_=sa.JSON)


def read(store: Store, ids: sa.Select[Any], since: date) -> tuple[list[Client], Records]:
    """The caseload's clients and their records: morning pain, ratings that may stop a session
    and the days with a session from ``since`` on (from the nightly rollups where they are
    whole, the rest live), and, however old, each client's last session, last morning,
    red-flag answers, clearances and acknowledged items. Nine statements at most, whatever the
    caseload's size: after the first, each reads the clients that one found (an array of ids,
    not the caseload's query again)."""
    records = Records()
    with store.read() as conn:
        found = clients(conn, ids)
        live_from, rolled = _rolled(conn, ids, found, since)
        live = days_from(conn, ids, {c.client_id: live_from.get(c.client_id, since) for c in found})
        for client in found:  # each read live from its own edge on: the two never overlap
            cid = client.client_id
            records.mornings[cid] = rolled.mornings.get(cid, {}) | live.mornings.get(cid, {})
            records.stops[cid] = rolled.stops.get(cid, []) + live.stops.get(cid, [])
            records.session_days[cid] = rolled.done.get(cid, set()) | live.done.get(cid, set())
        records.clients = [c.client_id for c in found]
        _newest(conn, records, since)
        _screens(conn, records)
        for cleared in conn.execute(
            sa.select(clearances.c.person_id, clearances.c.cleared_on, clearances.c.recorded_at)
            .where(_among(conn, clearances.c.person_id, records.clients))
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
            .where(_among(conn, alert_acks.c.person_id, records.clients))
        ):
            records.acks[ack.person_id].append(
                Acked(ack.kind, ack.since, ack.name or ack.email, aware(ack.acknowledged_at))
            )
    return found, records


def _newest(conn: sa.Connection, records: Records, since: date) -> None:
    """Each client's newest day with a session done and newest morning check-in, however long
    ago (one statement at most, and none when nobody is idle).

    Both are the newest of the days already read from ``since`` on, when there are any there
    (a morning check-in always holds its pain: ``services.checkins``). Only for the clients
    with none does the database walk back along the (person, date) indexes, stopping at the
    first hit: a caseload whose clients are all active sends nothing."""
    for person_id, days in records.session_days.items():
        if days:
            records.last_session[person_id] = max(days)
    for person_id, mornings in records.mornings.items():
        if mornings:
            newest = max(mornings)
            records.last_morning[person_id] = (newest, mornings[newest])
    idle = sorted(set(records.clients) - set(records.last_session))
    unreported = sorted(set(records.clients) - set(records.last_morning))
    # Each walk is a branch of its own over its own clients: the planner counts its cost for
    # those rows only (a cost counted for every client can pass PostgreSQL's JIT threshold).
    day, number = sa.literal(None, sa.Date), sa.literal(None, sa.Integer)
    walks: list[sa.Select[Any]] = []
    if idle:
        client = _rows_of(conn, idle)
        walks.append(sa.select(client.c.person_id, *_last_sessions(client, since), day, number))
    if unreported:
        client = _rows_of(conn, unreported)
        walks.append(sa.select(client.c.person_id, day, day, day, *_last_morning(client)))
    if not walks:
        return
    for person_id, *older, morning, value in conn.execute(sa.union_all(*walks)):
        found = [day for day in older if day is not None]
        if found:
            records.last_session[person_id] = max(found)
        if value is not None:
            records.last_morning[person_id] = (morning, value)


def _rows_of(conn: sa.Connection, client_ids: list[int]) -> sa.Subquery:
    """``client_ids`` as rows of one column, ``person_id``: the people with those ids."""
    person = people.c.id
    return sa.select(person.label("person_id")).where(_among(conn, person, client_ids)).subquery()


def _last_sessions(client: sa.Subquery, since: date) -> list[sa.ScalarSelect[Any]]:
    """A client's newest day before ``since`` with a work step done, with a session check-in
    and with a rating: the newest of the three is their last session (``core.done``)."""
    person = client.c.person_id
    played = (
        sa.select(sessions.c.on_date)
        .where(sessions.c.person_id == person, sessions.c.on_date < since, _work_done())
        .order_by(sessions.c.on_date.desc())
        .limit(1)
        .scalar_subquery()
    )
    logged = [  # one kind each: the (person, kind, date) index then gives its newest at once
        sa.select(sa.func.max(checkins.c.on_date))
        .where(
            checkins.c.person_id == person,
            checkins.c.kind == kind,
            checkins.c.on_date < since,
        )
        .scalar_subquery()
        for kind in SESSION_KINDS
    ]
    return [played, *logged]


def _last_morning(client: sa.Subquery) -> tuple[sa.ScalarSelect[Any], sa.ScalarSelect[Any]]:
    """A client's newest morning check-in, however old: its day and its pain."""
    person = client.c.person_id
    earlier = checkins.alias("earlier")
    newest = (
        sa.select(sa.func.max(earlier.c.on_date))
        .where(earlier.c.person_id == person, earlier.c.kind == "morning")
        .correlate(client)  # the client's, in the pain's subquery too
        .scalar_subquery()
    )
    pain = (
        sa.select(checkins.c["values"]["pain"].as_integer())
        .where(
            checkins.c.person_id == person,
            checkins.c.kind == "morning",
            checkins.c.subject == "",
            checkins.c.on_date == newest,
        )
        .scalar_subquery()
    )
    return newest, pain


def _screens(conn: sa.Connection, records: Records) -> None:
    """The "yes" answers of every screen, grouped into runs (a "no" changes no verdict)."""
    runs: dict[str, ScreenRun] = {}
    for row in conn.execute(
        sa.select(screen_answers)
        .where(
            _among(conn, screen_answers.c.person_id, records.clients),
            screen_answers.c.answer.is_(True),
        )
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
