"""A database that cannot be reached is answered with 503 and ``Retry-After``, at once.

When PostgreSQL restarts (or the network to it is cut) a request fails where it meets the
database: in a route, or before any route, where the sign-in guard looks the caller up. Either
way the caller gets a short answer instead of a 500: ``{"detail": …}`` under ``/api``, the
error page elsewhere, both with ``Retry-After``. Nothing waits for the database to come back
(the store gives up on a connection after a few seconds); once it is back, the pool tests each
connection before handing it out, so service resumes by itself.

Two places catch it: an exception handler inside FastAPI (routes), and ``OutageGuard``, a pure
ASGI layer around the sign-in guard (which runs outside FastAPI's handlers). An outage met
after the answer has gone out (the access-log line the sign-in guard writes once a write has
answered) cannot change that answer; the guard notes it (``note_outage``) and goes on.
"""

from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from supple.core.errors import Unavailable
from supple.web.refusals import refusal

RETRY_AFTER_SECONDS = 5
TITLE = "Briefly unavailable"
REASON = (
    "the database cannot be reached just now (it may be restarting), so this request was not "
    f"completed; try again in {RETRY_AFTER_SECONDS} seconds"
)
# What a lost database connection looks like: the store's own error, or SQLAlchemy's wrapping
# of the driver's (a connection refused, dropped, or closed by a server shutting down).
OUTAGES: tuple[type[Exception], ...] = (
    Unavailable,
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
)

log = logging.getLogger("supple.web")
LOG_EVERY_SECONDS = 10.0  # an outage is logged once in this long, with the count since


class _OutageLog:
    """One warning per ``LOG_EVERY_SECONDS`` while the database is away (every request meets
    the outage: a line for each would bury the log)."""

    def __init__(self) -> None:
        self.last = -LOG_EVERY_SECONDS
        self.quiet = 0
        self.lock = threading.Lock()

    def note(self, method: str, path: str, exc: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            if now - self.last < LOG_EVERY_SECONDS:
                self.quiet += 1
                return
            self.last, quiet, self.quiet = now, self.quiet, 0
        more = f" ({quiet} more requests met it since the last warning)" if quiet else ""
        log.warning("database unavailable on %s %s: %s%s", method, path, exc, more)


_outage_log = _OutageLog()


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGES) or (
        isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated
    )


def unavailable(scope: Scope) -> Response:
    """The 503 answer: JSON for programs, the error page for people."""
    answer = refusal(scope, 503, TITLE, REASON)
    answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    answer.headers["Cache-Control"] = "no-store"
    return answer


async def on_outage(request: Request, exc: Exception) -> Response:
    """FastAPI's exception handler for the errors of ``OUTAGES``."""
    _outage_log.note(request.method, request.url.path, exc)
    return unavailable(request.scope)


def note_outage(method: str, path: str, exc: BaseException) -> None:
    """Log an outage met after the answer went out (see ``_OutageLog``)."""
    _outage_log.note(method, path, exc)


class OutageGuard:
    """Pure ASGI: an outage raised by the layers inside it becomes the 503 answer, if no answer
    has started (after that it is raised on, for the server's log)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def noting_start(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, noting_start)
        except Exception as exc:
            if not is_outage(exc):
                raise
            if started:  # the answer is out (a 500 from the stack within): let it be seen
                raise
            _outage_log.note(scope["method"], scope["path"], exc)
            await unavailable(scope)(scope, receive, send)
