"""One writer for player events, committing them in groups.

A browser player posts an event every few seconds, and several players (or one flushing its
offline queue) post at once. Giving every event its own transaction makes them queue on
SQLite's single write lock, one commit each. Here one thread per store owns the writing: it
takes the first queued event, drains whatever else is already waiting (without waiting for
more), and commits them all in one short transaction (``BEGIN IMMEDIATE`` on SQLite). Each
request is answered only after its event is committed, so an answer of "stored" is never a
promise the database has not kept, and a burst never meets "database is locked".

Each event goes in with one idempotent statement that also checks that the session belongs to
the person, so nothing is read before the write in the common case; only an event that went in
as no row is looked at again, to tell a duplicate from an unknown session. One bad event does
not fail its group: the group is rolled back and each of its events is retried alone.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from supple.store.schema import people, session_events, sessions

CLOSING_KINDS = ("session_finished", "session_stopped")
MAX_GROUP = 256  # an upper bound on one transaction's length, not a wait


@dataclass(frozen=True)
class EventWrite:
    """One event to store. ``person_id`` None stands for the local install's one person (the
    first one created), found inside the statement itself."""

    event_id: str
    session_id: str
    person_id: int | None
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
    __slots__ = ("item", "loop", "future")

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


def _statements(is_sqlite: bool) -> tuple[Any, Any, Any]:
    """The insert, the close and the follow-up check, built once per writer."""
    if is_sqlite:
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]

    def param(name: str, type_: Any) -> Any:
        # PostgreSQL types a bare parameter in a SELECT list as text; SQLite must not get a
        # CAST (its CAST to DATETIME or JSON means NUMERIC and would mangle the value).
        bound = sa.bindparam(name, type_=type_)
        return bound if is_sqlite else sa.cast(bound, type_)

    local = sa.select(sa.func.min(people.c.id)).scalar_subquery()
    owner = (sessions.c.id == sa.bindparam("session_id", type_=sa.String)) & (
        sessions.c.person_id
        == sa.func.coalesce(sa.bindparam("person_id", type_=sa.Integer), local)
    )
    source = sa.select(
        param("event_id", sa.String(64)),
        sessions.c.id,
        sessions.c.person_id,
        param("kind", sa.String(32)),
        param("step_index", sa.Integer),
        param("at", sa.DateTime(timezone=True)),
        param("data", sa.JSON),
    ).where(owner)
    columns = ["id", "session_id", "person_id", "kind", "step_index", "at", "data"]
    add = (
        insert(session_events)
        .from_select(columns, source)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(session_events.c.id)
    )
    close = (
        sessions.update()
        .where(owner)
        .values(
            finished_at=sa.bindparam("close_at", type_=sa.DateTime(timezone=True)),
            stopped_reason=sa.bindparam("close_reason", type_=sa.String(200)),
        )
    )
    known = sa.select(sa.literal(1)).where(owner)
    return add, close, known


def _params(item: EventWrite) -> dict[str, Any]:
    return {
        "event_id": item.event_id,
        "session_id": item.session_id,
        "person_id": item.person_id,
        "kind": item.kind,
        "step_index": item.step_index,
        "at": item.at,
        "data": item.data,
    }


class EventWriter:
    """The one writer thread of a store; started on first use, stopped by ``close``."""

    def __init__(
        self,
        connect: Callable[[], sa.Connection],
        lock: Any,
        is_sqlite: bool,
        wrap_error: Callable[[sa.exc.OperationalError], BaseException],
    ) -> None:
        self._connect = connect
        self._lock = lock
        self._wrap_error = wrap_error
        self._add, self._close, self._known = _statements(is_sqlite)
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="supple-event-writer", daemon=True)
        self._thread.start()

    # --- the callers' side ----------------------------------------------------------------

    async def write(self, item: EventWrite) -> Outcome:
        """Queue one event and wait, without blocking the event loop, until it is committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        self._queue.put(_Pending(item, loop, future))
        return await future

    def write_now(self, item: EventWrite) -> Outcome:
        """The same for a caller outside an event loop (a thread of its own)."""
        future: Future[Outcome] = Future()
        self._queue.put(_Pending(item, None, future))
        return future.result()

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=10)

    # --- the writer thread ----------------------------------------------------------------

    def _run(self) -> None:
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
        except Exception as exc:  # noqa: BLE001 - handed to the caller, never lost
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
            except Exception as exc:  # noqa: BLE001
                results.append(exc)
        return results

    def _transaction(self, items: list[EventWrite]) -> list[Outcome | BaseException]:
        outcomes: list[Outcome | BaseException] = []
        with self._lock, self._connect() as conn:
            conn.info["immediate"] = True
            try:
                with conn.begin():
                    for item in items:
                        params = _params(item)
                        if conn.execute(self._add, params).first() is not None:
                            if item.close_at is not None:
                                conn.execute(
                                    self._close,
                                    {
                                        "session_id": item.session_id,
                                        "person_id": item.person_id,
                                        "close_at": item.close_at,
                                        "close_reason": item.close_reason,
                                    },
                                )
                            outcomes.append(True)
                        elif conn.execute(self._known, params).first() is not None:
                            outcomes.append(False)
                        else:
                            outcomes.append(None)
            finally:
                conn.info.pop("immediate", None)
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
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
            else:
                assert isinstance(pending.future, asyncio.Future)
                by_loop.setdefault(pending.loop, []).append((pending.future, result))
        for loop, pairs in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, pairs)
            except RuntimeError:  # that loop has closed: nobody is waiting any more
                pass
