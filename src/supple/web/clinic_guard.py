"""Clinic mode's door: no page or API route answers anyone who has not signed in.

One pure ASGI layer (inside the cross-site guard, outside FastAPI) resolves who asks, once per
request, and keeps the answer in the request's scope for ``web.clinic_scope`` to read:

- ``Authorization: Bearer <personal API token>`` when the header is there (a script). The
  cookie is then ignored, and a wrong token is a 401 however good the cookie is;
- else the sign-in cookie (a browser), looked up by its hash (``services.signin.resolve``).

Being a layer rather than a dependency each route must remember, it covers routes added later
by anyone. Without a sign-in, an API call gets 401 JSON and a page a 303 to ``/login`` (with
the page to come back to). A staff sign-in that has not passed its second factor may only
finish it (or sign out). Open to all: ``/login``, ``/invite/…``, ``/static/…``, ``/healthz``,
the app's manifest and service worker, and the anti-forgery token.

Every write (POST/PUT/PATCH/DELETE) by a signed-in user is appended to the access log once the
route has answered: who, when, the method, route and status, from where, and the action and
client when the route named them (``clinic_scope.client_scope`` does). The line goes through
the store's one writer and is committed before the request's handling ends.

One request is let through before its token is looked up: a player event posted with a Bearer
token (``POST /api/v1/sessions/{id}/events``, PostgreSQL), the request a script or app makes
many times a minute. The route hands the token to the event's insert, which checks it, stores
the event and appends its log line in one statement (``store.event_writer.TokenEventWrite``);
looking the token up first cost a read and a trip to a worker thread on every post, most of
the route's time under load. Only when the event did not go in does the route ask this layer to
sign the token in (``DeferredBearer.sign_in``): a token that is not valid then gets the same 401
as anywhere else, and the rest goes on the usual way, logged here.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from supple.core import access
from supple.services import Clock, clinic_access, signin
from supple.services.clinic_access import Store
from supple.services.signin import User
from supple.web.csrf import WRITE_METHODS
from supple.web.refusals import is_api
from supple.web.unavailable import is_outage, note_outage

SIGNED_IN_KEY = "supple.signed_in"  # the request's SignedIn (or None), set by this layer
LOGGED_KEY = "supple.logged"  # (action, client id) a route recorded for the write's log entry
DEFERRED_KEY = "supple.deferred_bearer"  # a DeferredBearer: the token, not yet looked up
# The one route whose token the write itself checks (see the module's docstring).
EVENT_POST = re.compile(r"/api/v1/sessions/[^/]+/events")

SESSION_COOKIE = "supple_session"
SECURE_SESSION_COOKIE = "__Host-supple_session"  # behind TLS: Secure, Path=/, no Domain

OPEN_EXACT = frozenset(
    {
        "/login",
        "/logout",
        "/healthz",
        "/favicon.ico",
        "/manifest.webmanifest",
        "/sw.js",
        "/api/v1/csrf-token",
    }
)
OPEN_PREFIXES = ("/invite/", "/static/")
# What a staff sign-in may reach before its second factor.
SECOND_FACTOR_PATHS = frozenset({"/login/two-factor", "/login/enrol", "/logout"})
ACCOUNT_PATHS = ("/account", "/logout", "/login")
WRITE = "write"  # the access log's action for a write that named none


@dataclass(frozen=True)
class SignedIn:
    """Who a request comes from: the user, how they signed in, and from where."""

    actor: access.Actor
    user: User
    via: Literal["cookie", "bearer"]
    session_id: int | None  # the sign-in's row (None for a Bearer token)
    needs_second_factor: bool
    address: str | None

    @property
    def is_staff(self) -> bool:
        return self.actor.role in access.STAFF


@dataclass(frozen=True)
class DeferredBearer:
    """A Bearer token let through unchecked to the event route, with what the route needs: the
    token, the access-log line's wording and address should the event go in, and ``sign_in``,
    which looks the token up as this layer does for every other request and answers the refusal
    (a 401 when the token is not valid), or None once the request is signed in."""

    token: str
    address: str | None
    what_stored: str  # the log line's "what" when the event went in (201)
    sign_in: Callable[[], Awaitable[Response | None]]


def session_cookie_name(behind_tls: bool) -> str:
    return SECURE_SESSION_COOKIE if behind_tls else SESSION_COOKIE


def client_address(scope: Scope) -> str | None:
    """The caller's address as the server sees it (the proxy's ``X-Forwarded-For`` once
    uvicorn's ``--proxy-headers`` has applied it)."""
    client = scope.get("client")
    return str(client[0]) if client else None


def is_open(path: str) -> bool:
    return path in OPEN_EXACT or path.startswith(OPEN_PREFIXES)


def home_for(signed: SignedIn) -> str:
    """Where a user lands after signing in: staff on the caseload, clients on today."""
    return "/clinic" if signed.is_staff else "/"


def _bearer(headers: Headers) -> str | None:
    """The token of an ``Authorization`` header ("" when the header is there but is not a
    Bearer token: that is refused, never passed over for the cookie)."""
    value = headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _cookie(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw or name not in raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip() or None
    return None


class SignInGuard:
    """Pure ASGI: resolves the sign-in, refuses those without one, logs every write."""

    def __init__(self, app: ASGIApp, roots: Any, *, behind_tls: bool) -> None:
        self.app = app
        self.roots = roots  # deps.Roots: the store, and the clock (read each time: tests move it)
        self.cookie = session_cookie_name(behind_tls)

    @property
    def store(self) -> Store:
        store: Store = self.roots.signin_store  # who is signed in is asked as the system
        return store

    @property
    def clock(self) -> Clock:
        clock: Clock = self.roots.clock
        return clock

    def _resolve(self, headers: Headers, address: str | None) -> SignedIn | None:
        now = self.clock.now()
        bearer = _bearer(headers)
        if bearer is not None:
            found = signin.resolve_api_token_user(self.store, bearer, now) if bearer else None
            if found is None:
                return None
            actor, user = found
            return SignedIn(actor, user, "bearer", None, False, address)
        value = _cookie(headers, self.cookie)
        resolved = signin.resolve(self.store, value, now) if value else None
        if resolved is None:
            return None
        return SignedIn(
            resolved.actor,
            resolved.user,
            "cookie",
            resolved.session_id,
            resolved.needs_second_factor,
            address,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(OPEN_PREFIXES[1]):  # static files: no lookup at all
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        address = client_address(scope)
        bearer = _bearer(headers)
        if (
            bearer
            and scope["method"] == "POST"
            and not self.store.is_sqlite
            and EVENT_POST.fullmatch(path)
        ):
            self._defer(scope, path, headers, bearer, address)
        else:
            signed = await run_in_threadpool(self._resolve, headers, address)
            scope[SIGNED_IN_KEY] = signed
            if not is_open(path):
                refusal = self._refusal(scope, path, headers, signed)
                if refusal is not None:
                    await refusal(scope, receive, send)
                    return
            if signed is None or scope["method"] not in WRITE_METHODS:
                await self.app(scope, receive, send)
                return
        status = 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            signed = scope[SIGNED_IN_KEY]  # a deferred token's route signed in only if it had to
            try:
                if signed is not None:
                    await self._log_write(scope, signed, path, status)
            except Exception as exc:
                if not is_outage(exc):
                    raise
                # The database went away after the route answered: the answer stands, this
                # write's access-log line is lost (said in the server's log).
                note_outage(scope["method"], path, exc)

    def _defer(
        self, scope: Scope, path: str, headers: Headers, token: str, address: str | None
    ) -> None:
        async def sign_in() -> Response | None:
            signed = await run_in_threadpool(self._resolve, headers, address)
            scope[SIGNED_IN_KEY] = signed
            return self._refusal(scope, path, headers, signed)

        scope[SIGNED_IN_KEY] = None
        scope[DEFERRED_KEY] = DeferredBearer(
            token, address, _what(scope["method"], path, 201), sign_in
        )

    def _refusal(
        self, scope: Scope, path: str, headers: Headers, signed: SignedIn | None
    ) -> Response | None:
        if signed is None:
            if is_api(scope):
                problem = (
                    "this API token is not valid (unknown, revoked, or its user is disabled)"
                    if headers.get("authorization") is not None
                    else "sign in first: send the session cookie, or Authorization: Bearer <token>"
                )
                return JSONResponse(
                    {"detail": problem},
                    status_code=401,
                    headers={"www-authenticate": 'Bearer realm="supple"'},
                )
            return RedirectResponse(_login_url(scope), status_code=303)
        if signed.needs_second_factor and path not in SECOND_FACTOR_PATHS:
            if is_api(scope):
                detail = "finish signing in with your two-factor code first"
                return JSONResponse({"detail": detail}, status_code=401)
            return RedirectResponse("/login/two-factor", status_code=303)
        if signed.is_staff and path == "/" and scope["method"] == "GET":
            return RedirectResponse(home_for(signed), status_code=303)
        return None

    async def _log_write(self, scope: Scope, signed: SignedIn, path: str, status: int) -> None:
        """Append the write's line through the store's one writer (``store.event_writer``):
        committed before this returns, in one transaction with what is queued beside it."""
        noted: tuple[str, int | None] | None = scope.get(LOGGED_KEY)
        if noted is not None:
            action, person = noted
        elif path.startswith(ACCOUNT_PATHS):
            action, person = access.Action.MANAGE_OWN_ACCOUNT.value, signed.actor.person_id
        elif signed.actor.role is access.Role.CLIENT:
            action, person = access.Action.WRITE_OWN_RECORD.value, signed.actor.person_id
        else:
            action, person = WRITE, None
        await clinic_access.record_queued(
            self.store,
            at=self.clock.now(),
            actor_user_id=signed.user.id,
            action=action,
            person_id=person,
            what=_what(scope["method"], path, status),
            address=signed.address,
        )


def _what(method: str, path: str, status: int) -> str:
    """An access-log line's wording of a write: ``POST /api/v1/… (201)``. A path with a
    control character (a NUL, which PostgreSQL refuses as text) is written with it escaped."""
    if not path.isprintable():
        path = path.encode("unicode_escape").decode("ascii")
    return f"{method} {path} ({status})"


def deferred_bearer(scope: Any) -> DeferredBearer | None:
    """The token this layer let through unchecked to the event route (None: it did not)."""
    found: DeferredBearer | None = scope.get(DEFERRED_KEY)
    return found


def _login_url(scope: Scope) -> str:
    """``/login``, with the page asked for to come back to (a GET of our own path only)."""
    path: str = scope["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    if scope["method"] != "GET" or path in ("/", "/logout"):
        return "/login"
    target = f"{path}?{query}" if query else path
    return f"/login?next={quote(target, safe='')}"


def signed_in_of(scope: Any) -> SignedIn | None:
    """The sign-in this layer found for a request's ASGI scope (None: nobody)."""
    found: SignedIn | None = scope.get(SIGNED_IN_KEY)
    return found
