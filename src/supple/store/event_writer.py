"""One writer for player events, committing them in groups.

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

from supple.store import row_security
from supple.store.rollup_schema import day_rollups
from supple.store.schema import sessions

CLOSING_KINDS = ("session_finished", "session_stopped")
DONE_KINDS = ("step_completed",)  # the events that may change a day's "done" (core.done)
_AS_SYSTEM = f"SELECT set_config('{row_security.KIND}', 'system', true)"
MAX_GROUP = 256  # an upper bound on one transaction's length, not a wait


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


# The outcome of one write: True stored, False already stored (the same id), None no such
# session for that person.
Outcome = bool | None


class _Pending:
    __slots__ = ("future", "item", "loop")

    def __init__(
        self,
        item: EventWrite,
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


def _params(item: EventWrite) -> dict[str, Any]:
    return {"b_session": item.session_id, "b_person": item.person_id}


class _Raw:
    """A statement compiled once for the writer's dialect and run on the driver's own cursor.

    The writer runs a few statements per event and holds the GIL while it builds them; going
    through SQLAlchemy's execution machinery each time would take that time from the event loop
    serving the requests. The values get the very bind processing SQLAlchemy would give them.
    """

    def __init__(self, statement: Any, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.order: list[str] | None = (
            list(compiled.positiontup) if compiled.positiontup is not None else None
        )
        self.names = list(compiled.binds)
        self.processors: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.processors[name] = process

    def params(self, values: dict[str, Any]) -> Any:
        ready = {
            name: (self.processors[name](values[name]) if name in self.processors else values[name])
            for name in self.names
        }
        return [ready[name] for name in self.order] if self.order is not None else ready


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
            text = (
                "WITH v (id, session_id, person_id, kind, step_index, at, data) AS "
                f"(VALUES {rows}) "
                "INSERT INTO session_events (id, session_id, person_id, kind, step_index, at, "
                "data) "
                "SELECT v.id, s.id, s.person_id, v.kind, v.step_index, v.at, v.data "
                "FROM v JOIN sessions s ON s.id = v.session_id AND s.person_id = v.person_id "
                "WHERE true ON CONFLICT (id) DO NOTHING RETURNING id"
            )
            self._sql[size] = text
        return text

    def params(self, items: list[EventWrite]) -> list[Any]:
        at, data = self._at, self._data
        flat: list[Any] = []
        for item in items:
            flat += (
                item.event_id,
                item.session_id,
                item.person_id,
                item.kind,
                item.step_index,
                at(item.at) if at else item.at,
                data(item.data) if data else item.data,
            )
        return flat


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
        self._close, self._known = _Raw(close, dialect), _Raw(known, dialect)
        self._forget = _Raw(forget, dialect)
        self._group = _GroupInsert(dialect)
        self._dbapi_error: type[Exception] = dialect.loaded_dbapi.Error
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="supple-event-writer", daemon=True)
        self._thread.start()

    # --- the callers' side ----------------------------------------------------------------

    async def write(self, item: EventWrite) -> Outcome:
        """Queue one event and wait, without blocking the event loop, until it is committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        self._put(_Pending(item, loop, future))
        return await future

    def write_now(self, item: EventWrite) -> Outcome:
        """The same for a caller outside an event loop (a thread of its own)."""
        future: Future[Outcome] = Future()
        self._put(_Pending(item, None, future))
        return future.result()

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

    def _transaction(self, items: list[EventWrite]) -> list[Outcome | BaseException]:
        """One short transaction on the writer's own connection, kept open between groups
        (checking one out of the pool and back costs more than the group's statements)."""
        with self._lock:
            conn = self._conn if self._conn is not None else self._open()
            cursor = conn.cursor()
            try:
                if self._is_sqlite:
                    self._driver(cursor.execute, "BEGIN IMMEDIATE")
                else:
                    # A group mixes people's events, each already tied to its scope's person by
                    # the service, and the insert's join checks each session is that person's:
                    # the writer acts as the system (``store.row_security``).
                    self._driver(cursor.execute, _AS_SYSTEM)
                outcomes: list[Outcome | BaseException] = list(self._group_outcomes(cursor, items))
                self._driver(conn.commit)
            except BaseException as exc:
                self._abandon(conn, exc)
                raise
            finally:
                cursor.close()
        return outcomes

    def _open(self) -> Any:
        self._conn = self._connect()
        return self._conn

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
            raise sa.exc.DBAPIError.instance(
                str(args[0]) if args else call.__name__,
                None,
                exc,
                self._dbapi_error,
                connection_invalidated=self._is_disconnect(exc),
            ) from exc

    def _run_raw(self, cursor: Any, statement: _Raw, values: dict[str, Any]) -> Any:
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
