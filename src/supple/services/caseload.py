"""A clinician's caseload: every client with adherence, last session and morning pain, and the
needs-attention queue (the rules are ``core.attention``'s), read in a fixed number of
statements whatever the caseload's size; and acknowledging an item of that queue.

The scope's actor is a clinician or an admin (``Scope.actor``: role and user id). A clinician
sees the clients assigned to them, an admin every client of the practice; acknowledging is for
the actor's own caseload only, as ``core.access`` says. A client, or nobody, is answered as if
there were nothing there.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from supple.core import access, attention
from supple.core.attention import Ack, Flag, Rating
from supple.core.day_plan import scheduled_days
from supple.core.errors import FieldError, InputError, NotFound
from supple.core.plan import Program
from supple.core.profile import Profile
from supple.services.parsing import parse_zone
from supple.services.profile import program_for
from supple.services.scope import Scope
from supple.store import access_log, accounts
from supple.store import caseload as table

TREND_DAYS = 14
NOT_THERE = "no such client"


@dataclass(frozen=True)
class Row:
    """One client as the dashboard shows them."""

    client_id: int
    name: str
    today: date
    started: date | None  # None: the client has not done their first run yet
    adherence_7d: tuple[int, int]  # sessions done, sessions planned
    adherence_30d: tuple[int, int]
    last_session: date | None
    latest_pain: tuple[date, int] | None
    pain_trend: tuple[int | None, ...]  # morning pain, the 14 days up to today, oldest first
    flags: tuple[Flag, ...]  # waiting for a look
    acknowledged: tuple[tuple[Flag, Ack], ...]

    @property
    def needs_attention(self) -> bool:
        return bool(self.flags)


def access_actor(scope: Scope) -> access.Actor | None:
    """The scope's actor as ``core.access`` knows it, when it is a member of the staff."""
    if scope.actor.id is None or scope.actor.role not in ("clinician", "admin"):
        return None
    return access.Actor(scope.actor.id, access.Role(scope.actor.role))


def _viewer(scope: Scope) -> access.Actor:
    actor = access_actor(scope)
    if actor is None or not access.decide(actor, access.Action.VIEW_CASELOAD):
        raise NotFound("no caseload here")
    return actor


def caseload(scope: Scope) -> list[Row]:
    """Every client of the actor's caseload (an admin's: the practice's), by name."""
    actor = _viewer(scope)
    clinician = None if actor.role is access.Role.ADMIN else actor.user_id
    return sorted(_rows(scope, table.caseload_ids(clinician)), key=lambda r: r.name.casefold())


PAGE = 50  # clients per page of a paginated caseload, unless asked otherwise
MAX_PAGE = 200


@dataclass(frozen=True)
class Page:
    """One page of a caseload by name: its rows, and the cursors of the pages either side
    (None at either end)."""

    rows: list[Row]
    next: str | None
    previous: str | None


def encode_cursor(key: str, client_id: int) -> str:
    """A cursor: the (name, id) a page ends at, opaque to its reader (base64 of JSON)."""
    raw = json.dumps([key, client_id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "after") -> tuple[str, int]:
    """The (name, id) of a cursor this server gave; a ``FieldError`` naming ``field`` else."""
    problem = FieldError(
        field, f"{field} must be a cursor from a previous page (its next or previous), got "
        f"{cursor[:40]!r}"
    )  # fmt: skip
    if len(cursor) > 600:
        raise problem
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise problem from None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], str)
        or isinstance(value[1], bool)
        or not isinstance(value[1], int)
    ):
        raise problem
    return value[0], value[1]


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise FieldError("limit", f"limit must be from 1 to {MAX_PAGE}, got {limit}")
    return limit


def caseload_page(
    scope: Scope, *, limit: int = PAGE, after: str | None = None, before: str | None = None
) -> Page:
    """One page of the actor's caseload by name (an admin's: the whole practice), read in a
    fixed number of statements whatever the page's place: ``after`` a cursor (the next page)
    or ``before`` one (the previous), not both."""
    actor = _viewer(scope)
    check_limit(limit)
    if after is not None and before is not None:
        raise FieldError("before", "give after or before, not both")
    start = decode_cursor(after, "after") if after is not None else None
    end = decode_cursor(before, "before") if before is not None else None
    clinician = None if actor.role is access.Role.ADMIN else actor.user_id
    found = table.page_ids(scope.store, table.caseload_ids(clinician), limit, start, end)
    more = len(found) > limit
    found = found[:limit]
    if end is not None:
        found.reverse()
    order = {client_id: i for i, (client_id, _) in enumerate(found)}
    ids = table.caseload_ids(clinician, among=list(order))
    rows = sorted(_rows(scope, ids), key=lambda r: order[r.client_id])
    first, last = (found[0], found[-1]) if found else (None, None)
    has_next = more if end is None else True
    has_previous = (start is not None) if end is None else more
    return Page(
        rows,
        encode_cursor(last[1], last[0]) if last and has_next else None,
        encode_cursor(first[1], first[0]) if first and has_previous else None,
    )


def queue(rows: Sequence[Row]) -> list[tuple[Row, Flag]]:
    """The needs-attention items of every client, the most urgent kind first, then the oldest."""
    order = {kind: i for i, kind in enumerate(attention.KINDS)}
    items = [(row, flag) for row in rows for flag in row.flags]
    return sorted(items, key=lambda item: (order[item[1].kind], item[1].since, item[0].name))


def _rows(scope: Scope, ids: Any) -> list[Row]:
    now = scope.clock.now()
    since = now.date() - timedelta(days=attention.LOOKBACK_DAYS + 1)
    found, records = table.read(scope.store, ids, since)
    return [_row(scope, client, records) for client in found]


def _row(scope: Scope, client: table.Client, records: table.Records) -> Row:
    cid = client.client_id
    zone = parse_zone(client.timezone) if client.timezone else "UTC"
    today = scope.clock.today(zone)
    program = _program(client)
    start = client.start_date
    mornings = {d: p for d, p in records.mornings.get(cid, {}).items() if d <= today}
    ratings = [_rating(stop, program) for stop in records.stops.get(cid, []) if stop.on <= today]
    done = frozenset(d for d in records.session_days.get(cid, set()) if d <= today)
    scheduled: frozenset[date] = frozenset()
    if start is not None and program is not None:
        first = today - timedelta(days=attention.LOOKBACK_DAYS)
        scheduled = frozenset(scheduled_days(program, start, first, today))
    last = records.last_session.get(cid)
    record = attention.Record(
        start=start,
        scheduled=scheduled,
        session_days=done,
        last_session=last if last is None or last <= today else max(done, default=None),
        mornings=mornings,
        ratings=ratings,
        screens=records.screens.get(cid, []),
        clearances=records.clearances.get(cid, []),
    )
    acks = [Ack(a.kind, a.since, a.by, a.at) for a in records.acks.get(cid, [])]
    waiting, seen = attention.split(attention.flags(record, today), acks)
    latest = records.last_morning.get(cid)
    return Row(
        client_id=cid,
        name=client.name,
        today=today,
        started=start,
        adherence_7d=attention.adherence_counts(record, today, 7),
        adherence_30d=attention.adherence_counts(record, today, 30),
        last_session=record.last_session,
        latest_pain=latest if latest is None or latest[0] <= today else None,
        pain_trend=tuple(attention.pain_trend(mornings, today, TREND_DAYS)),
        flags=tuple(waiting),
        acknowledged=tuple(seen),
    )


def _program(client: table.Client) -> Program | None:
    if client.start_date is None or client.timezone is None:
        return None
    profile = Profile(
        person_id=client.client_id,
        start_date=client.start_date,
        session_time="00:00",
        timezone=client.timezone,
        plan_name="",
        plan_source=client.plan_source,
        plan_yaml=client.plan_yaml,
    )
    return program_for(profile)


def _rating(stop: table.Stop, program: Program | None) -> Rating:
    exercise = program.catalog.get(stop.exercise_id) if program else None
    return Rating(stop.on, exercise.name if exercise else stop.exercise_id, stop.pain, stop.quality)


def client_row(scope: Scope, client_id: int) -> Row:
    """One client's row, for a member of the staff who may read their record; NotFound as for
    a client that does not exist otherwise."""
    actor = access_actor(scope)
    facts = accounts.client_facts(scope.store, client_id)
    if actor is None or not access.decide(actor, access.Action.READ_RECORD, facts):
        raise NotFound(NOT_THERE)
    rows = _rows(scope, table.caseload_ids(None, client_id))
    if not rows:
        raise NotFound(NOT_THERE)
    return rows[0]


@dataclass(frozen=True)
class Acknowledged:
    flag: Flag
    ack: Ack
    new: bool  # False: it had been acknowledged already (the first acknowledgement stands)


def acknowledge(scope: Scope, client_id: int, kind: str, since: str) -> Acknowledged:
    """Record that the actor has seen one open item of a client on their caseload.

    Not their client (or no such client): NotFound, as for any client not there. An item that
    is not open (a wrong kind or since, or a condition that has ended since the page was
    drawn): InputError naming it.
    """
    actor = access_actor(scope)
    facts = accounts.client_facts(scope.store, client_id)
    if actor is None or not access.decide(actor, access.Action.ACKNOWLEDGE_ALERT, facts):
        raise NotFound(NOT_THERE)
    if kind not in attention.KINDS:
        raise InputError(f"kind must be one of {', '.join(attention.KINDS)}, got {kind!r}")
    rows = _rows(scope, table.caseload_ids(None, client_id))
    if not rows:
        raise NotFound(NOT_THERE)
    row = rows[0]
    for flag, ack in row.acknowledged:
        if flag.key == (kind, since):
            return Acknowledged(flag, ack, new=False)
    waiting = next((f for f in row.flags if f.key == (kind, since)), None)
    if waiting is None:
        raise InputError(
            f"{row.name} has no open {kind.replace('_', ' ')} item since {since}; "
            "it may have ended since the page was shown"
        )
    now = scope.clock.now()
    new = table.acknowledge(
        scope.store, person_id=client_id, kind=kind, since=since, by=actor.user_id, at=now
    )
    me = accounts.get_user(scope.store, actor.user_id)
    by = (me.name or me.email) if me else None
    return Acknowledged(waiting, Ack(kind, since, by, now), new)


def row_json(row: Row) -> dict[str, Any]:
    """One client as ``GET /api/v1/clients`` lists them (docs/api.md)."""
    return {
        "client_id": row.client_id,
        "name": row.name,
        "adherence_7d": attention.share(*row.adherence_7d),
        "adherence_30d": attention.share(*row.adherence_30d),
        "last_session": row.last_session.isoformat() if row.last_session else None,
        "latest_pain": (
            {
                "date": row.latest_pain[0].isoformat(),
                "pain": row.latest_pain[1],
                "trend_14d": list(row.pain_trend),
            }
            if row.latest_pain
            else None
        ),
        "needs_attention": row.needs_attention,
        "flags": [{"kind": f.kind, "reason": f.reason, "since": f.since} for f in row.flags],
        "acknowledged": [
            {
                "kind": f.kind,
                "reason": f.reason,
                "since": f.since,
                "by": a.by,
                "at": a.at.isoformat(timespec="seconds"),
            }
            for f, a in row.acknowledged
        ],
    }


def caseload_json(rows: Sequence[Row]) -> dict[str, Any]:
    return {"clients": [row_json(row) for row in rows]}


VISITS = 50  # the newest access-log entries a client's page shows


def access_entries(scope: Scope, limit: int = VISITS) -> list[access_log.Entry]:
    """Who read or changed the subject's record lately, newest first, for staff who may read
    that log (``core.access``: the client's clinicians, and admins); NotFound otherwise."""
    client_id = scope.require_subject()
    actor = access_actor(scope)
    facts = accounts.client_facts(scope.store, client_id)
    if actor is None or not access.decide(actor, access.Action.READ_ACCESS_LOG, facts):
        raise NotFound(NOT_THERE)
    return access_log.entries(scope.store, person_id=client_id, limit=limit)
