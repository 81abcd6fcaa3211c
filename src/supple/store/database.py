"""Opening the database: where it lives, SQLite's settings, and migrating on first use.

SQLite gets WAL (readers never block the writer), a busy timeout, foreign keys, and
``BEGIN IMMEDIATE`` for writes, so two writers queue instead of one failing with "database is
locked" half-way through. PostgreSQL needs none of that. Migrations run only when the stored
revision differs from the code's head; the common path is one small SELECT, without importing
Alembic at all.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
import sqlalchemy as sa

from supple.core.errors import Unavailable
from supple.settings import Settings
from supple.store import row_security
from supple.store.compiled import Compiled
from supple.store.row_security import RowActor

if TYPE_CHECKING:
    from supple.store.event_writer import EventWriter

T = TypeVar("T")

HEAD = "0017"  # the newest migration's revision; a test keeps this in step with Alembic


class DatabaseError(Unavailable):
    """The database cannot be opened or reached; the message says which and why. (The web app
    answers it with 503: at request time it means the server is down or restarting.)"""


CONNECT_TIMEOUT = 3  # seconds to reach a PostgreSQL server before a request gives up on it


NO_JIT = "-c jit=off"


def _engine_defaults(url: sa.URL) -> dict[str, Any]:
    """PostgreSQL: a server that does not answer is given up on after ``CONNECT_TIMEOUT``
    (unless the URL says otherwise), so a request fails fast, never hangs.

    Connections taken from the pool are not tested first (``pool_pre_ping`` would cost a round
    trip on every checkout, on every request). A connection the server dropped (it restarted)
    shows itself on the transaction's first statement, telling the actor: ``read`` and
    ``write`` then take a fresh connection and start again, once (``_checked_out``), and
    SQLAlchemy drops the rest of the pool's old connections by itself (it invalidates the pool
    on a disconnect).

    PostgreSQL's JIT compiler is switched off for the app's connections (``-c jit=off``, added
    to any ``options`` the URL gives): it compiles a statement the planner prices above
    ``jit_above_cost``, which cost ~700 ms on the caseload's read of idle clients, to save
    milliseconds on a query that runs in a few; every statement here is a short indexed read.

    Either database reads its JSON columns with orjson: a progress page or a dashboard reads
    thousands of stored check-ins, and the standard library's parser was most of their time."""
    if url.get_backend_name() != "postgresql":
        return {"json_deserializer": orjson.loads}
    given = url.query.get("options", "")
    options = " ".join((*((given,) if isinstance(given, str) else given), NO_JIT)).strip()
    connect_args: dict[str, Any] = {"options": options}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    return {"json_deserializer": orjson.loads, "connect_args": connect_args}


def default_url() -> str:
    """``SUPPLE_DATABASE_URL`` (read through the one ``Settings``), else a SQLite file in the
    platform's user data directory."""
    url = Settings.from_env().database_url
    if url:
        return url
    from platformdirs import user_data_path

    folder = user_data_path("supple", appauthor=False)
    return f"sqlite:///{folder / 'supple.db'}"


def _normalise(url: str) -> str:
    # People paste "postgresql://..." from their host's panel; psycopg 3 is the driver we ship.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Store:
    """One database: a read connection for queries and a short write transaction for changes."""

    def __init__(self, url: str, **engine_args: Any) -> None:
        self.url = _normalise(url)
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError:
            raise DatabaseError(
                f"not a database URL: {url!r} (try sqlite:///path/to/supple.db "
                "or postgresql://user@host/db)"
            ) from None
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create the folder {folder} for the database: {exc.strerror}"
                ) from None
        try:
            self.engine = sa.create_engine(self.url, **{**_engine_defaults(parsed), **engine_args})
        except (sa.exc.NoSuchModuleError, sa.exc.ArgumentError, ImportError) as exc:
            raise DatabaseError(f"not a database URL Supple can use: {url!r} ({exc})") from None
        if self.is_sqlite:
            _tune_sqlite(self.engine)
        # SQLite has one writer at a time, and a writer that finds the lock taken sleeps in
        # SQLite's busy handler (milliseconds at a time). Writers of this process queue on a
        # lock of ours instead and start the moment the last one commits; other processes
        # (the CLI next to a running server) still meet the busy timeout.
        self._write_lock: AbstractContextManager[Any] = (
            threading.RLock() if self.is_sqlite else nullcontext()
        )
        # Shared by every view ``pinned()`` makes (a shallow copy shares this dict): one event
        # writer per store, started on first use.
        self._shared: dict[str, Any] = {"lock": threading.Lock()}

    _pinned: sa.Connection | None = None  # set on a view made by ``pinned()``
    _memo: dict[Hashable, Any] | None = None  # that view's reads, while nothing is written
    _actor: RowActor | None = None  # set on a view made by ``acting()``

    def acting(self, actor: RowActor | None) -> Store:
        """A view of this store whose every transaction tells PostgreSQL who acts (row-level
        security, ``store.row_security``): the seam through which a ``Scope`` puts its actor
        on each query. It shares the pool and, inside ``pinned()``, the pinned connection;
        SQLite ignores the actor. A store with no actor is denied every person-owned row by
        the app's role."""
        if actor == self._actor:
            return self
        view = copy.copy(self)
        view._actor = actor
        if self._memo is not None:
            view._memo = {}  # what one actor read is not served to another
        return view

    @property
    def actor(self) -> RowActor | None:
        return self._actor

    def _tell_actor(self, conn: sa.Connection) -> None:
        """Put this view's actor on the connection's current transaction (starting it), unless
        that transaction already carries it; a transaction that carries another actor's (a
        pinned connection shared by two views) is told this one instead."""
        if self.is_sqlite:
            return
        # (transaction, actor) last told on this connection; the transaction object is kept so
        # that a later transaction, even of a later checkout, never passes for it.
        current = conn.get_transaction()
        told_in, told = conn.info.get("supple.actor", (None, None))
        if current is None or told_in is not current:
            if self._actor is None:
                return  # a new transaction starts with no actor: nothing to tell
        elif told == self._actor:
            return
        row_security.apply(conn, self._actor or row_security.NOBODY)
        conn.info["supple.actor"] = (conn.get_transaction(), self._actor)

    @contextmanager
    def pinned(self) -> Iterator[Store]:
        """A view of this store whose reads all share one connection and one read transaction
        until the block ends (a web request: one pool checkout and one consistent snapshot
        instead of one per query). Its writes still run in their own short transaction, and the
        next read after a write starts a fresh snapshot that sees it."""
        if self._pinned is not None:
            yield self
            return
        view = copy.copy(self)
        try:
            with self.engine.connect() as conn:
                view._pinned, view._memo = conn, {}
                try:
                    yield view
                finally:
                    view._pinned, view._memo = None, None
        except sa.exc.OperationalError as exc:
            raise DatabaseError(
                f"cannot read the database at {self.safe_url}: {exc.orig}"
            ) from None

    def memo(self, key: Hashable, load: Callable[[], T]) -> T:
        """``load()``, once per pinned view: a request that asks for the same records twice
        (today's doses and its safety gate both read the profile and the check-ins) reads them
        once. Outside a pinned view, or after this view writes, it reads again."""
        if self._memo is None:
            return load()
        if key not in self._memo:
            self._memo[key] = load()
        value: T = self._memo[key]
        return value

    def _checked_out(self, begin: bool) -> tuple[sa.Connection, sa.RootTransaction | None]:
        """A connection from the pool with this view's actor told (in a transaction begun when
        ``begin``: ``BEGIN IMMEDIATE`` on SQLite). When that first statement finds the
        connection dropped by the server (a restart since it was last used), a fresh one is
        taken, once: nothing had been done on the dead one, so starting again is safe."""
        for attempt in (1, 2):
            conn = self.engine.connect()
            try:
                transaction = None
                if begin:
                    conn.info["immediate"] = True
                    try:
                        transaction = conn.begin()
                    finally:
                        conn.info.pop("immediate", None)
                self._tell_actor(conn)
            except sa.exc.DBAPIError as exc:
                conn.close()
                if attempt == 1 and exc.connection_invalidated:
                    continue
                raise
            except BaseException:
                conn.close()
                raise
            return conn, transaction
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        if self._pinned is not None:
            self._tell_actor(self._pinned)
            yield self._pinned
            return
        try:
            conn, _ = self._checked_out(begin=False)
            with conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise DatabaseError(
                f"cannot read the database at {self.safe_url}: {exc.orig}"
            ) from None

    def fetch(self, statement: sa.Select[Any], values: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows of one query (its bound parameters filled from ``values``) as mappings of
        its columns' keys: for a query every request asks once (who is signed in).

        On PostgreSQL it costs one round trip instead of four: ``BEGIN``, this view's actor
        (``set_config(…, true)``), the query and ``ROLLBACK`` go out together in psycopg's
        pipeline mode on a pooled connection, the query compiled once per store (give a
        statement built once, at import). A connection the server dropped is replaced and the
        read sent again, once. Rows are the driver's values, without SQLAlchemy's result
        processing: for plain columns (text, numbers, booleans, ``timestamptz``). SQLite, or a
        pinned view, read as ``read`` does."""
        if self.is_sqlite or self._pinned is not None:
            with self.read() as conn:
                return [dict(row._mapping) for row in conn.execute(statement, values)]
        compiled = self._compiled(statement)
        dbapi_error: type[Exception] = self.engine.dialect.loaded_dbapi.Error
        for attempt in (1, 2):
            try:  # the pool's own errors are the driver's, not wrapped by SQLAlchemy
                fairy = self.engine.raw_connection()
            except (sa.exc.OperationalError, dbapi_error) as exc:
                reason = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
                raise DatabaseError(
                    f"cannot read the database at {self.safe_url}: {reason}"
                ) from None
            driver: Any = fairy.driver_connection
            try:
                rows = _pipelined_read(driver, compiled, values, self._actor)
            except dbapi_error as exc:
                dropped = bool(
                    self.engine.dialect.is_disconnect(exc, None, None)  # type: ignore[arg-type]
                    or driver.broken
                    or driver.closed
                )
                if dropped and attempt == 1:
                    continue
                if isinstance(exc, self.engine.dialect.loaded_dbapi.OperationalError):
                    raise DatabaseError(
                        f"cannot read the database at {self.safe_url}: {exc}"
                    ) from None
                raise sa.exc.DBAPIError.instance(
                    compiled.sql, None, exc, dbapi_error, connection_invalidated=dropped
                ) from exc
            finally:
                if not _back_as_it_came(driver):
                    fairy.invalidate()  # dropped, or beyond repair: the pool opens a new one
                fairy.close()
            return [dict(zip(compiled.keys, row, strict=True)) for row in rows]
        raise AssertionError("unreachable")  # pragma: no cover

    def _compiled(self, statement: sa.Select[Any]) -> Compiled:
        cache: dict[int, Compiled] = self._shared.setdefault("compiled", {})
        found = cache.get(id(statement))
        if found is None or found.statement is not statement:
            found = cache[id(statement)] = Compiled(statement, self.engine.dialect)
        return found

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A short transaction, committed on leaving the block (rolled back on error)."""
        try:
            with self._write_lock:
                conn, transaction = self._checked_out(begin=True)
                assert transaction is not None
                with conn, transaction:
                    yield conn
        except sa.exc.OperationalError as exc:
            raise DatabaseError(
                f"cannot write to the database at {self.safe_url}: {exc.orig}"
            ) from None
        if self._memo is not None:
            self._memo.clear()
        if self._pinned is not None and self._pinned.in_transaction():
            self._pinned.rollback()  # the next read sees what was just written

    @property
    def safe_url(self) -> str:
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    def revision(self) -> str | None:
        with self.read() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def migrate(self) -> None:
        """Bring the schema to the code's head (a no-op when it is already there). The role
        that owns the tables does this; the app's own role may not (it owns nothing) and is
        told where the owner's URL goes."""
        found = self.revision()
        if found == HEAD:
            return
        from supple.store.migrate import upgrade

        try:
            with self.write() as conn:
                upgrade(conn)
        except sa.exc.ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
                raise
            raise DatabaseError(
                f"the database at {self.safe_url} is at revision {found or 'none'} and this "
                f"Supple needs {HEAD}, but its role may not change the schema "
                f"({str(exc.orig).splitlines()[0]}): give the owner's URL in "
                "SUPPLE_MIGRATION_DATABASE_URL (migrations run as the owner; the app's role "
                "only reads and writes rows)"
            ) from None

    @property
    def events(self) -> EventWriter:
        """The store's one event writer (see ``event_writer``), started on first use."""
        writer: EventWriter | None = self._shared.get("events")
        if writer is None:
            with self._shared["lock"]:
                writer = self._shared.get("events")
                if writer is None:
                    from supple.store.event_writer import EventWriter

                    writer = EventWriter(
                        self.engine.raw_connection,
                        self.engine.dialect,
                        self._write_lock,
                        self._write_error,
                    )
                    self._shared["events"] = writer
        return writer

    def _write_error(self, exc: sa.exc.OperationalError) -> DatabaseError:
        return DatabaseError(f"cannot write to the database at {self.safe_url}: {exc.orig}")

    def dispose(self) -> None:
        writer = self._shared.pop("events", None)
        if writer is not None:
            writer.close()
        self.engine.dispose()


def _pipelined_read(
    driver: Any, compiled: Compiled, values: dict[str, Any], actor: RowActor | None
) -> list[tuple[Any, ...]]:
    """One read transaction in one round trip (``Store.fetch``). The pooled connection is put in
    autocommit for the while, so that psycopg sends no ``BEGIN`` of its own (it waits for that
    one's answer), and the block's own ``BEGIN`` … ``ROLLBACK`` is the transaction the actor is
    told in; it goes back to the pool as it came."""
    driver.autocommit = True
    head, query = driver.cursor(), driver.cursor()
    with driver.pipeline():
        head.execute("BEGIN")
        if actor is not None:
            head.execute(row_security.APPLY_SQL, row_security.values(actor))
        query.execute(compiled.sql, compiled.params(values))
        head.execute("ROLLBACK")
    rows: list[tuple[Any, ...]] = query.fetchall()
    return rows


def _back_as_it_came(driver: Any) -> bool:
    """Leave a connection ``_pipelined_read`` used as the pool lent it (out of any transaction
    an error left open, autocommit off); False when it cannot be (the server dropped it)."""
    if driver.closed or driver.broken:
        return False
    try:
        if driver.pgconn.transaction_status != 0:  # not idle: an error left the block open
            driver.rollback()
        driver.autocommit = False
    except Exception:
        return False
    return True


def _tune_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" below emit BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")


def open_store(url: str | None = None, migration_url: str | None = None) -> Store:
    """Open (creating and migrating when needed) the database at ``url`` or the default.

    ``migration_url`` (``SUPPLE_MIGRATION_DATABASE_URL``) is the owner's URL when ``url`` is
    the app's unprivileged role: the schema is brought up to date through it, on a connection
    of its own that is closed at once, and the app then connects as its role."""
    store = Store(url or default_url())
    try:
        if migration_url:
            owner = Store(migration_url)
            try:
                owner.migrate()
            finally:
                owner.dispose()
        store.migrate()
    except sa.exc.OperationalError as exc:
        store.dispose()
        raise DatabaseError(f"cannot open the database at {store.safe_url}: {exc.orig}") from None
    except BaseException:
        store.dispose()  # a refusal leaves no pooled connection to the collector
        raise
    return store
