"""One writer for player events and access-log lines, committing them in groups.

A browser player posts an event every few seconds, and several players (or one flushing its
offline queue) post at once. Giving every event its own transaction makes them queue on
SQLite's single write lock, one commit each. Here one thread per store owns the writing: it
takes the first queued event, drains whatever else is already waiting (without waiting for
more), and commits them all in one short transaction (``BEGIN IMMEDIATE`` on SQLite). Each
request is answered only after its event is committed, so an answer of "stored" is never a
promise the database has not kept, and a burst never meets "database is locked".

A group goes in with one idempotent statement (``INSERT … SELECT … ON CONFLICT (id) DO
NOTHING RETURNING id``) whose join also checks that each session belongs to the person, so
nothing is read before the write in the common case; only an event that went in as no row is
looked at again, to tell a duplicate (answered ``stored: false``) from an unknown session (404).
One bad event does not fail its group: the group is rolled back and each of its events is
retried alone, in a transaction of its own.

The clinic's access-log lines (one per write a signed-in user makes, ``web.clinic_guard``) go
through the same writer: a line waits for its commit like an event, and shares a transaction
with whatever else is queued, so a player's event and the log line of the event before it
cost one commit between them rather than two.

A script or app posting with a personal API token may hand over a ``TokenEventWrite``
instead (``services.sessions.token_posted_event``): the event with the token's digest rather
than a person. Its one statement checks the token (live, its user active and a client), the
session (that client's), stores the event, appends the access-log line and notes the token's
use (at most once a minute), so such a post costs no read before it and no log line after it.
An event that does not go in comes back as not stored, and the caller asks again the usual way
(which tells a bad token, an unknown session and a duplicate apart); PostgreSQL only.

On PostgreSQL a group is one round trip in the common case: ``BEGIN``, the system actor
(``set_config(…, true)``), the events' insert, the log lines' insert and ``COMMIT`` go out
together in psycopg's pipeline mode. The rollups a late ``step_completed`` makes stale are
forgotten by the insert statement itself (a data-modifying ``WITH``), and only for a day that
has a rollup row from the session's day on. A group that closes a session reads the insert's
answer before it commits (a second round trip), as SQLite always does.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from supple.core.access import Action, Role
from supple.store import row_security
from supple.store.compiled import Compiled
from supple.store.rollup_schema import day_rollups
from supple.store.schema import sessions

CLOSING_KINDS = ("session_finished", "session_stopped")
DONE_KINDS = ("step_completed",)  # the events that may change a day's "done" (core.done)
_AS_SYSTEM = f"SELECT set_config('{row_security.KIND}', 'system', true)"
MAX_GROUP = 256  # an upper bound on one transaction's length, not a wait
CLIENT_ROLE = Role.CLIENT.value
WRITE_OWN_RECORD = Action.WRITE_OWN_RECORD.value


@dataclass(frozen=True)
class EventWrite:
    """One event to store for a person's session (the insert checks the session is theirs)."""

    event_id: str
    session_id: str
    person_id: int
    kind: str
    step_index: int | None
    at: datetime
    data: dict[str, Any] | None = None
    close_at: datetime | None = None  # set for a finishing or stopping event
    close_reason: str | None = None


@dataclass(frozen=True)
class LogLine:
    """One access-log line to append (``store.access_log`` prepares it)."""

    at: datetime
    actor_user_id: int | None
    action: str
    person_id: int | None
    what: str
    address: str | None


@dataclass(frozen=True)
class TokenEventWrite:
    """One event posted with a personal API token, not yet known to be anyone's: the insert
    itself finds the token's user and checks the session is theirs (never a closing event, whose
    close needs the insert's answer first). ``at_now`` is when it was posted (the log line's
    time, and the token's last use); ``what`` and ``address`` are the log line's."""

    event_id: str
    session_id: str
    token_digest: str
    kind: str
    step_index: int | None
    at: datetime
    data: dict[str, Any] | None
    at_now: datetime
    what: str
    address: str | None


# The outcome of one write: True stored, False already stored (the same id), None no such
# session for that person. A log line is always True. A token event is True or None (not
# stored, for whatever reason: the caller asks again the usual way).
Outcome = bool | None
Item = EventWrite | LogLine | TokenEventWrite


class _Pending:
    __slots__ = ("future", "item", "loop")

    def __init__(
        self,
        item: Item,
        loop: asyncio.AbstractEventLoop | None,
        future: asyncio.Future[Outcome] | Future[Outcome],
    ) -> None:
        self.item = item
        self.loop = loop
        self.future = future


def _settle(pairs: list[tuple[asyncio.Future[Outcome], Outcome | BaseException]]) -> None:
    for future, result in pairs:
        if future.done():  # the request went away (a client hung up); the event is stored
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)


def _statements() -> tuple[Any, Any, Any]:
    """Closing a session, the follow-up check (is it that person's session?) and forgetting
    the rollups from the session's day on (a step completed in a session synced late changes a
    rolled-up day), built once per writer."""
    owner = (sessions.c.id == sa.bindparam("b_session", type_=sa.String)) & (
        sessions.c.person_id == sa.bindparam("b_person", type_=sa.Integer)
    )
    close = (
        sessions.update()
        .where(owner)
        .values(
            finished_at=sa.bindparam("b_close_at", type_=sa.DateTime(timezone=True)),
            stopped_reason=sa.bindparam("b_reason", type_=sa.String(200)),
        )
    )
    known = sa.select(sessions.c.id).where(owner)
    day = sa.select(sessions.c.on_date).where(owner).scalar_subquery()
    forget = day_rollups.delete().where(
        (day_rollups.c.person_id == sa.bindparam("b_person", type_=sa.Integer))
        & (day_rollups.c.on_date >= day)
    )
    return close, known, forget


# PostgreSQL: the tail of a group insert whose ``ins`` returns (id, session_id, person_id,
# kind): the rollups a new completed step makes stale (its session's day on) are forgotten in
# the same statement, and the ids that went in are its answer.
_FORGET = (
    "forgotten AS (DELETE FROM day_rollups r USING ins JOIN sessions s "
    "ON s.id = ins.session_id WHERE ins.kind IN ("
    + ", ".join(f"'{kind}'" for kind in DONE_KINDS)
    + ") AND r.person_id = ins.person_id AND r.on_date >= s.on_date) SELECT id FROM ins"
)


def _params(item: EventWrite) -> dict[str, Any]:
    return {"b_session": item.session_id, "b_person": item.person_id}


class _GroupInsert:
    """One ``INSERT … SELECT … FROM (VALUES …) JOIN sessions … ON CONFLICT DO NOTHING
    RETURNING id`` for a whole group: the join keeps only events whose session belongs to the
    person, and the ids returned say which went in. One statement per group rather than one per
    event: every call into the driver lets the event loop's thread take the GIL back, and the
    group's requests wait for the slowest of those hand-overs."""

    def __init__(self, dialect: sa.Dialect) -> None:
        self.is_sqlite = dialect.name == "sqlite"
        self._at = sa.DateTime(timezone=True).dialect_impl(dialect).bind_processor(dialect)
        self._data = sa.JSON().dialect_impl(dialect).bind_processor(dialect)
        self._sql: dict[int, str] = {}
        self._log_sql: dict[int, str] = {}
        self._token_sql: dict[int, str] = {}

    def sql(self, size: int) -> str:
        text = self._sql.get(size)
        if text is None:
            if self.is_sqlite:
                first = "(?, ?, ?, ?, ?, ?, ?)"
                row = first
            else:
                first = (
                    "(%s::varchar, %s::varchar, %s::integer, %s::varchar, %s::integer, "
                    "%s::timestamptz, %s::json)"
                )
                row = "(%s, %s, %s, %s, %s, %s, %s)"
            rows = ", ".join([first] + [row] * (size - 1))
            insert = (
                "INSERT INTO session_events (id, session_id, person_id, kind, step_index, at, "
                "data) "
                "SELECT v.id, s.id, s.person_id, v.kind, v.step_index, v.at, v.data "
                "FROM v JOIN sessions s ON s.id = v.session_id AND s.person_id = v.person_id "
                "WHERE true ON CONFLICT (id) DO NOTHING RETURNING id"
            )
            values = (
                f"WITH v (id, session_id, person_id, kind, step_index, at, data) AS (VALUES {rows})"
            )
            if self.is_sqlite:  # no data-modifying WITH: the writer forgets rollups itself
                text = f"{values} {insert}"
            else:
                text = f"{values}, ins AS ({insert}, session_id, person_id, kind), {_FORGET}"
            self._sql[size] = text
        return text

    def token_sql(self, size: int) -> str:
        """PostgreSQL: a group of ``TokenEventWrite``. ``who`` keeps each event whose token is
        live (not revoked: as ``store.api_tokens.find``) and whose user is an active client (as
        ``services.signin.resolve_api_token_user`` and ``web.deps`` then ask); ``ins`` keeps
        those whose session is that client's, as the person-keyed insert does; each event that
        went in gets its access-log line (``write_own_record``, as ``web.clinic_guard`` words
        it) and, at most once a minute, its token's ``last_used_at``. The user is fetched by
        its key in a ``LATERAL … LIMIT 1`` the planner cannot fold into a join: folded, it
        merge-joined the users in key order, and a client added late cost a walk over every
        user before them (4 ms at 10,000 clients, against under 1)."""
        text = self._token_sql.get(size)
        if text is None:
            first = (
                "(%s::varchar, %s::varchar, %s::varchar, %s::varchar, %s::integer, "
                "%s::timestamptz, %s::json, %s::timestamptz, %s::varchar, %s::varchar)"
            )
            rows = ", ".join([first] + ["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * (size - 1))
            text = (
                "WITH v (id, session_id, digest, kind, step_index, at, data, at_now, what, "
                f"address) AS (VALUES {rows}), "
                "who AS (SELECT DISTINCT ON (v.id) v.*, t.id AS token_id, u.id AS user_id, "
                "u.person_id FROM v JOIN api_tokens t ON t.token_hash = v.digest "
                "AND t.revoked_at IS NULL CROSS JOIN LATERAL (SELECT id, person_id FROM users "
                f"WHERE id = t.user_id AND active AND role = '{CLIENT_ROLE}' "
                "AND person_id IS NOT NULL LIMIT 1) u ORDER BY v.id), "
                "ins AS (INSERT INTO session_events (id, session_id, person_id, kind, "
                "step_index, at, data) SELECT w.id, s.id, s.person_id, w.kind, w.step_index, "
                "w.at, w.data FROM who w JOIN sessions s ON s.id = w.session_id "
                "AND s.person_id = w.person_id WHERE true ON CONFLICT (id) DO NOTHING "
                "RETURNING id, session_id, person_id, kind), "
                "logged AS (INSERT INTO access_log (at, actor_user_id, action, person_id, "
                f"what, address) SELECT w.at_now, w.user_id, '{WRITE_OWN_RECORD}', w.person_id, "
                "w.what, w.address FROM ins JOIN who w ON w.id = ins.id), "
                "touched AS (UPDATE api_tokens t SET last_used_at = w.at_now FROM "
                "(SELECT DISTINCT ON (token_id) token_id, at_now FROM who "
                "ORDER BY token_id, at_now DESC) w WHERE t.id = w.token_id "
                "AND (t.last_used_at IS NULL "
                "OR t.last_used_at <= w.at_now - interval '1 minute')), "
                f"{_FORGET}"
            )
            self._token_sql[size] = text
        return text

    def token_params(self, items: list[TokenEventWrite]) -> list[Any]:
        at = self._at
        flat: list[Any] = []
        for item in items:
            flat += self._event(item, item.token_digest)
            flat += (at(item.at_now) if at else item.at_now, item.what, item.address)
        return flat

    def log_sql(self, size: int) -> str:
        text = self._log_sql.get(size)
        if text is None:
            if self.is_sqlite:
                first = row = "(?, ?, ?, ?, ?, ?)"
            else:
                first = (
                    "(%s::timestamptz, %s::integer, %s::varchar, %s::integer, %s::varchar, "
                    "%s::varchar)"
                )
                row = "(%s, %s, %s, %s, %s, %s)"
            rows = ", ".join([first] + [row] * (size - 1))
            text = (
                "INSERT INTO access_log (at, actor_user_id, action, person_id, what, address) "
                f"VALUES {rows}"
            )
            self._log_sql[size] = text
        return text

    def log_params(self, lines: list[LogLine]) -> list[Any]:
        at = self._at
        flat: list[Any] = []
        for line in lines:
            flat += (
                at(line.at) if at else line.at,
                line.actor_user_id,
                line.action,
                line.person_id,
                line.what,
                line.address,
            )
        return flat

    def params(self, items: list[EventWrite]) -> list[Any]:
        flat: list[Any] = []
        for item in items:
            flat += self._event(item, item.person_id)
        return flat

    def _event(self, item: EventWrite | TokenEventWrite, who: int | str) -> tuple[Any, ...]:
        """An event's values as both inserts take them, ``who`` (a person, or a token's digest)
        third."""
        at, data = self._at, self._data
        return (
            item.event_id,
            item.session_id,
            who,
            item.kind,
            item.step_index,
            at(item.at) if at else item.at,
            data(item.data) if data else item.data,
        )


class EventWriter:
    """The one writer thread of a store; started on first use, stopped by ``close``."""

    def __init__(
        self,
        connect: Callable[[], Any],
        dialect: sa.Dialect,
        lock: Any,
        wrap_error: Callable[[sa.exc.OperationalError], BaseException],
    ) -> None:
        self._connect = connect
        self._conn: Any = None  # the writer's own connection, opened on first use
        self._is_sqlite = dialect.name == "sqlite"
        self._is_disconnect: Callable[[Any], bool] = lambda exc: dialect.is_disconnect(
            exc, None, None
        )
        self._lock = lock
        self._wrap_error = wrap_error
        close, known, forget = _statements()
        self._close, self._known = Compiled(close, dialect), Compiled(known, dialect)
        self._forget = Compiled(forget, dialect)
        self._group = _GroupInsert(dialect)
        self._dbapi_error: type[Exception] = dialect.loaded_dbapi.Error
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="supple-event-writer", daemon=True)
        self._thread.start()

    # --- the callers' side ----------------------------------------------------------------

    async def write(self, item: EventWrite | TokenEventWrite) -> Outcome:
        """Queue one event and wait, without blocking the event loop, until it is committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        self._put(_Pending(item, loop, future))
        return await future

    def write_now(self, item: EventWrite | TokenEventWrite) -> Outcome:
        """The same for a caller outside an event loop (a thread of its own)."""
        future: Future[Outcome] = Future()
        self._put(_Pending(item, None, future))
        return future.result()

    async def append(self, line: LogLine) -> None:
        """Queue one access-log line and wait, without blocking the event loop, until it is
        committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        self._put(_Pending(line, loop, future))
        await future

    def _put(self, pending: _Pending) -> None:
        if not self._thread.is_alive():
            raise RuntimeError("the event writer is closed (the store was disposed)")
        self._queue.put(pending)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=10)

    # --- the writer thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._serve()
        finally:
            if self._conn is not None:
                if not self._is_sqlite:
                    with contextlib.suppress(Exception):  # back to the pool as it came
                        self._conn.driver_connection.autocommit = False
                self._conn.close()
                self._conn = None

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            stop = False
            while len(group) < MAX_GROUP:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                group.append(more)
            self._deliver(group, self._commit(group))
            if stop:
                return

    def _commit(self, group: list[_Pending]) -> list[Outcome | BaseException]:
        try:
            return self._transaction([p.item for p in group])
        except sa.exc.OperationalError as exc:
            error: BaseException = self._wrap_error(exc)
            if len(group) == 1:
                return [error]
        except Exception as exc:  # handed to the caller, never lost
            if len(group) == 1:
                return [exc]
        # Something in the group failed and the whole group was rolled back: write each event
        # alone, so only the bad one fails.
        results: list[Outcome | BaseException] = []
        for pending in group:
            try:
                results.extend(self._transaction([pending.item]))
            except sa.exc.OperationalError as exc:
                results.append(self._wrap_error(exc))
            except Exception as exc:
                results.append(exc)
        return results

    def _transaction(self, items: list[Item]) -> list[Outcome | BaseException]:
        """One short transaction on the writer's own connection, kept open between groups
        (checking one out of the pool and back costs more than the group's statements)."""
        events = [i for i in items if isinstance(i, EventWrite)]
        lines = [i for i in items if isinstance(i, LogLine)]
        posted = [i for i in items if isinstance(i, TokenEventWrite)]
        if posted and self._is_sqlite:
            raise ValueError("an event posted with a token is written on PostgreSQL only")
        with self._lock:
            conn = self._conn if self._conn is not None else self._open()
            try:
                if self._is_sqlite:
                    outcomes = self._sqlite_group(conn, events, lines)
                    stored: set[str] = set()
                else:
                    outcomes, stored = self._pipelined_group(conn, events, lines, posted)
            except BaseException as exc:
                self._abandon(conn, exc)
                raise
        by_event = iter(outcomes)
        results: list[Outcome | BaseException] = []
        for item in items:
            if isinstance(item, EventWrite):
                results.append(next(by_event))
            elif isinstance(item, TokenEventWrite):
                went_in = item.event_id in stored
                stored.discard(item.event_id)  # the same id twice in a group: once stored
                results.append(True if went_in else None)
            else:
                results.append(True)
        return results

    def _sqlite_group(
        self, conn: Any, events: list[EventWrite], lines: list[LogLine]
    ) -> list[Outcome]:
        cursor = conn.cursor()
        try:
            self._driver(cursor.execute, "BEGIN IMMEDIATE")
            outcomes = self._group_outcomes(cursor, events) if events else []
            if lines:
                self._insert_lines(cursor, lines)
            self._driver(conn.commit)
        finally:
            cursor.close()
        return outcomes

    def _pipelined_group(
        self,
        conn: Any,
        events: list[EventWrite],
        lines: list[LogLine],
        posted: list[TokenEventWrite],
    ) -> tuple[list[Outcome], set[str]]:
        """PostgreSQL: the group in psycopg's pipeline mode. The connection is in autocommit
        (the writer's own: ``_open``), so the transaction is this block's explicit ``BEGIN`` …
        ``COMMIT`` and psycopg sends no ``BEGIN`` of its own (which it waits for). In the
        common case (no event closes a session) the commit goes out with the statements and
        the group costs one round trip; a group whose events were not all stored then asks, in
        a read of its own, which were duplicates and which had no such session."""
        driver = conn.driver_connection
        closing = any(e.close_at is not None for e in events)
        insert, by_token = driver.cursor(), driver.cursor()
        inserted: set[str] = set()
        try:
            with driver.pipeline() as pipeline:
                head = driver.cursor()
                # A group mixes people's events, each already tied to its scope's person by the
                # service, and the insert's join checks each session is that person's: the
                # writer acts as the system (``store.row_security``).
                head.execute("BEGIN")
                head.execute(_AS_SYSTEM)
                if events:
                    insert.execute(self._group.sql(len(events)), self._group.params(events))
                if posted:
                    group = self._group
                    by_token.execute(group.token_sql(len(posted)), group.token_params(posted))
                if lines:
                    self._insert_lines(driver.cursor(), lines)
                if closing:  # the insert's answer first: close only sessions whose event went in
                    pipeline.sync()
                    inserted = {row[0] for row in insert.fetchall()}
                    cursor = driver.cursor()
                    for item in events:
                        if item.close_at is not None and item.event_id in inserted:
                            values = _params(item)
                            values.update(b_close_at=item.close_at, b_reason=item.close_reason)
                            self._run_raw(cursor, self._close, values)
                head.execute("COMMIT")
            if events and not closing:
                inserted = {row[0] for row in insert.fetchall()}
            stored = {row[0] for row in by_token.fetchall()} if posted else set()
        except self._dbapi_error as exc:
            raise self._translated(exc, "the group's pipeline") from exc
        return self._outcomes(driver, events, inserted), stored

    def _outcomes(self, driver: Any, events: list[EventWrite], inserted: set[str]) -> list[Outcome]:
        outcomes: list[Outcome] = [None] * len(events)
        missing: list[int] = []
        left = set(inserted)
        for n, item in enumerate(events):
            if item.event_id in left:
                left.discard(item.event_id)  # the same id twice in a group: once stored
                outcomes[n] = True
            else:
                missing.append(n)
        if missing:  # rare: a retry, or someone else's session
            cursor = driver.cursor()
            self._driver(cursor.execute, "BEGIN")
            self._driver(cursor.execute, _AS_SYSTEM)
            for n in missing:
                known = self._run_raw(cursor, self._known, _params(events[n])).fetchone()
                outcomes[n] = False if known is not None else None
            self._driver(cursor.execute, "ROLLBACK")
        return outcomes

    def _insert_lines(self, cursor: Any, lines: list[LogLine]) -> None:
        sql = self._group.log_sql(len(lines))
        self._driver(cursor.execute, sql, self._group.log_params(lines))

    def _open(self) -> Any:
        try:  # the pool's own errors are the driver's, not wrapped by SQLAlchemy
            conn = self._connect()
        except self._dbapi_error as exc:
            raise self._translated(exc, "connect") from exc
        if not self._is_sqlite:
            conn.driver_connection.autocommit = True  # see ``_pipelined_group``
        self._conn = conn
        return conn

    def _abandon(self, conn: Any, exc: BaseException) -> None:
        """Roll back; a connection that cannot even do that (or that the database dropped) is
        thrown away, and the next group opens a new one."""
        dropped = isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated
        try:
            conn.rollback()
        except Exception:  # the connection is gone; a new one replaces it
            dropped = True
        if dropped:
            conn.invalidate()
            self._conn = None

    def _driver(self, call: Callable[..., Any], *args: Any) -> Any:
        """Call the driver, turning its errors into the exceptions SQLAlchemy raises."""
        try:
            return call(*args)
        except self._dbapi_error as exc:
            raise self._translated(exc, str(args[0]) if args else call.__name__) from exc

    def _translated(self, exc: Exception, statement: str) -> sa.exc.StatementError:
        return sa.exc.DBAPIError.instance(
            statement,
            None,
            exc,
            self._dbapi_error,
            connection_invalidated=self._is_disconnect(exc),
        )

    def _run_raw(self, cursor: Any, statement: Compiled, values: dict[str, Any]) -> Any:
        self._driver(cursor.execute, statement.sql, statement.params(values))
        return cursor

    def _group_outcomes(self, cursor: Any, items: list[EventWrite]) -> list[Outcome]:
        sql, params = self._group.sql(len(items)), self._group.params(items)
        self._driver(cursor.execute, sql, params)
        inserted = {row[0] for row in self._driver(cursor.fetchall)}
        outcomes: list[Outcome] = []
        done_in = {(i.person_id, i.session_id) for i in items if i.kind in DONE_KINDS}
        for person_id, session_id in sorted(done_in):
            if any(i.event_id in inserted for i in items if i.session_id == session_id):
                self._run_raw(
                    cursor, self._forget, {"b_session": session_id, "b_person": person_id}
                )
        for item in items:
            if item.event_id in inserted:
                inserted.discard(item.event_id)  # the same id twice in a group: once stored
                if item.close_at is not None:
                    values = _params(item)
                    values.update(b_close_at=item.close_at, b_reason=item.close_reason)
                    self._run_raw(cursor, self._close, values)
                outcomes.append(True)
            elif self._run_raw(cursor, self._known, _params(item)).fetchone() is not None:
                outcomes.append(False)  # already stored (rare: a retry)
            else:
                outcomes.append(None)  # no such session for that person
        return outcomes

    @staticmethod
    def _deliver(group: list[_Pending], results: list[Outcome | BaseException]) -> None:
        by_loop: dict[
            asyncio.AbstractEventLoop,
            list[tuple[asyncio.Future[Outcome], Outcome | BaseException]],
        ] = {}
        for pending, result in zip(group, results, strict=True):
            if pending.loop is None:
                future = pending.future
                assert isinstance(future, Future)
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
            else:
                assert isinstance(pending.future, asyncio.Future)
                by_loop.setdefault(pending.loop, []).append((pending.future, result))
        for loop, pairs in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, pairs)
