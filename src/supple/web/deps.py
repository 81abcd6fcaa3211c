"""The web app's composition root: the store, the clock and the person a request acts for,
built into one frozen ``Scope`` per request. The only web module that opens the store or picks
the person; routes receive the scope and pass it to the services.

In personal mode the person is the install's one person. In clinic mode it is the signed-in
client (``clinic_guard`` resolved them before any route ran), so every personal page and
``/api/v1/…`` route acts on that client's own record; staff have no record of their own and
get 404 there (their clients' records are under ``/clinic`` and ``/api/v1/clients/…``).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from supple import services
from supple.core.errors import NotFound
from supple.services import Clock, PinnedDay, Scope, SystemClock
from supple.services.scope import Actor
from supple.store.database import Store, open_store
from supple.store.profiles import local_person
from supple.store.row_security import SYSTEM
from supple.web.clinic_guard import signed_in_of
from supple.web.settings import WebSettings

if TYPE_CHECKING:
    from supple.sealing import Sealer

STAFF_HAVE_NO_RECORD = (
    "this is a client's own page, and staff have no record of their own: "
    "open a client from the caseload (/clinic, or /api/v1/clients/{client_id}/…)"
)


class Roots:
    """What every request's scope is built from, made once per app."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        store = open_store(settings.database_url, settings.migration_database_url)
        # Clinic mode: the store itself has no actor, so a query made outside a scope sees no
        # one's rows (row-level security fails closed); each request's ``Scope`` puts its
        # actor on it. Personal mode has one person and nothing to hide: the system acts.
        self.store: Store = store if settings.clinic else store.acting(SYSTEM)
        # The one narrow path that acts as the system before anyone is signed in: resolving a
        # session or a token, signing in and out, invitations, an account's own pages, and
        # appending to the access log (``clinic_guard``, ``signin_pages``).
        self.signin_store: Store = store.acting(SYSTEM)
        self.clock: Clock = (
            PinnedDay(services.parse_date(settings.today, settings.variable("today")))
            if settings.today
            else SystemClock()
        )
        self._person: int | None = None
        self._lock = threading.Lock()
        self._sealer: Sealer | None = None

    def sealer(self) -> Sealer:
        """The install's channel key (``supple.sealing``), loaded on first use: only the
        notification pages need it."""
        if self._sealer is None:
            from supple.sealing import load_sealer

            with self._lock:
                self._sealer = load_sealer(self.settings, self.store.url)
        return self._sealer

    def person(self) -> int | None:
        """The local install's person, asked of the store until one exists. Once found it is
        kept: the first person created stays the first, so later requests need no query."""
        if self._person is None:
            found = local_person(self.store)
            with self._lock:
                self._person = found
        return self._person

    async def person_async(self) -> int | None:
        """The same from the event loop: the lookup, when one is needed, runs in a worker
        thread so the loop never waits on the database."""
        if self._person is not None:
            return self._person
        return await run_in_threadpool(self.person)


def channel_sealer(request: Request) -> Sealer:
    """The sealer for notification targets, from the app's roots."""
    return _roots(request).sealer()


def _own_scope(request: Request, store: Store, roots: Roots) -> Scope:
    """The scope of a request to a personal route: personal mode's one person, or in clinic
    mode the signed-in client acting on their own record."""
    if not roots.settings.clinic:
        return Scope.local(store, roots.person(), roots.clock)
    signed = signed_in_of(request.scope)
    if signed is None or signed.needs_second_factor:
        raise NotFound("sign in first")
    if signed.user.person_id is None:
        raise NotFound(STAFF_HAVE_NO_RECORD)
    actor = Actor("client", signed.user.id, signed.user.person_id)
    return Scope(store, actor, signed.user.person_id, roots.clock)


def install(state: Any, settings: WebSettings) -> Store:
    """Open the store (migrating it when needed) and keep the roots on the app's state."""
    roots = Roots(settings)
    state.roots = roots
    state.settings = settings
    state.store = roots.store
    return roots.store


def _roots(request: Request) -> Roots:
    roots: Roots = request.app.state.roots
    return roots


async def request_scope(request: Request) -> Scope:
    """The scope of a request, its reads not pinned: the player's event posts, and routes that
    pin them themselves in their worker thread (``pinned``)."""
    roots = _roots(request)
    if roots.settings.clinic:
        return _own_scope(request, roots.store, roots)
    return Scope.local(roots.store, await roots.person_async(), roots.clock)


@contextmanager
def pinned_scope(request: Request) -> Iterator[Scope]:
    """The scope of a request, built in the route's own worker thread with its reads served by
    one pinned connection until the block ends: for a route asked for many times a minute
    (today), which then runs no dependency at all."""
    roots = _roots(request)
    with roots.store.pinned() as store:
        yield _own_scope(request, store, roots)


async def get_scope(request: Request) -> AsyncIterator[Scope]:
    """The scope of one request, its reads served by one pinned connection.

    An async dependency on purpose: a sync one costs a trip to the thread pool on the way in
    and another on the way out, on every request (the player posts an event every few
    seconds). Checking a connection out of the pool does no I/O; the queries run later, in the
    route's worker thread.
    """
    roots = _roots(request)
    if roots.settings.clinic:
        with roots.store.pinned() as store:
            yield _own_scope(request, store, roots)
        return
    person = await roots.person_async()
    with roots.store.pinned() as store:
        yield Scope.local(store, person, roots.clock)


def get_settings(request: Request) -> WebSettings:
    return _roots(request).settings


RequestScope = Annotated[Scope, Depends(get_scope)]
DateQuery = Annotated[date | None, Query(alias="date", description="YYYY-MM-DD; default today")]


def resolve_date(scope: Scope, on: date | None, field: str = "date") -> date:
    """The date asked for (inside the window of ``core.limits``), else today for the subject
    (the one ``services.today``)."""
    return services.in_window(scope, on, field) if on else services.today(scope)


FIRST_RUN_PAGES = {"screen": "/start", "baseline": "/start/baseline", "when": "/start/when"}


def first_run_redirect(scope: Scope) -> RedirectResponse | None:
    """The first-run step a visitor still owes, if any (``services.first_run_step``): every
    page but the first-run ones asks this, so none stands in for an unfinished start. A "yes"
    waiting for a clearance opens the page asked for: it shows the block and the remedy."""
    step = services.first_run_step(scope)
    if step is None or step == "clearance":
        return None
    return RedirectResponse(FIRST_RUN_PAGES[step], status_code=303)


def first_run_next(scope: Scope) -> RedirectResponse:
    """After a first-run answer: on to the step still owed, else Today (which shows a block
    waiting for a clearance)."""
    step = services.first_run_step(scope)
    page = FIRST_RUN_PAGES[step] if step in ("baseline", "when") else "/"
    return RedirectResponse(page, status_code=303)
