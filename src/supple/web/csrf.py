"""Cross-site writes: every request that changes state must come from one of Supple's own pages.

Two independent checks, both required, for every POST/PUT/PATCH/DELETE (forms and JSON alike):

1. **Where it comes from.** The browser's ``Sec-Fetch-Site`` must be ``same-origin`` (or
   ``none``: typed or bookmarked); without that header, an ``Origin`` must name the very host
   asked. A request with neither is not from a browser page and goes on to the token check.
   (The same algorithm as Go 1.25's ``net/http.CrossOriginProtection``.)
2. **An anti-forgery token**: signed double-submit. The token is ``nonce.HMAC(key, nonce)``; it
   sits in a ``SameSite=Strict`` cookie and, repeated, in the request: the ``X-CSRF-Token``
   header (player.js) or the ``csrf_token`` form field (every form, via the ``csrf_field``
   macro). The two must match and the signature must hold. The key belongs to the install
   (``supple.web.secret``); personal mode has no login for the token to be tied to.

Why hand-written (about sixty lines) rather than a library: asgi-csrf lets through any POST
that carries no cookie (a sound rule when a cookie is the login, but personal mode has no login,
so a cross-site form would pass), and starlette-csrf reads the token from a header only (no HTML
forms). Neither checks ``Origin``/``Sec-Fetch-Site``.

JSON routes (``/api``) also take ``application/json`` only (415 otherwise): an HTML form cannot
send that type, and a ``text/plain`` body no longer reaches a route.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import AsyncGenerator
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from supple.web.refusals import is_api, refuse

COOKIE = "supple_csrf"
SECURE_COOKIE = "__Host-supple_csrf"  # behind TLS (clinic mode's --proxy-headers)
HEADER = "x-csrf-token"
FIELD = "csrf_token"
SCOPE_KEY = "supple.csrf"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})  # others reach no route (405)
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
RELOAD = "Reload the page and send it again."


def _sign(key: bytes, nonce: str) -> str:
    digest = hmac.new(key, nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(key: bytes) -> str:
    """A new token: a random nonce and its signature."""
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_sign(key, nonce)}"


def same(a: str, b: str) -> bool:
    """Constant-time equality for tokens a client sent, whatever they hold: compare_digest
    refuses ``str`` with non-ASCII characters (a header byte 0xFF, a form's ``%C3%A9``) with a
    TypeError, which would be a 500, so both are compared as bytes."""
    return hmac.compare_digest(
        a.encode("utf-8", "surrogateescape"), b.encode("utf-8", "surrogateescape")
    )


def is_signed(key: bytes, token: str) -> bool:
    nonce, _, signature = token.partition(".")
    return bool(nonce) and same(signature, _sign(key, nonce))


class CsrfState:
    """The token of one request, made only when a page or the token route asks for it."""

    __slots__ = ("_cookie", "_issued", "_raw", "key", "name", "secure")

    def __init__(
        self, key: bytes, raw_cookie: str | None, name: str = COOKIE, secure: bool = False
    ) -> None:
        self.key = key
        self.name = name
        self.secure = secure
        self._raw = raw_cookie  # parsed on first use: most reads never need it
        self._cookie: str | None = None
        self._issued: str | None = None

    @property
    def cookie(self) -> str | None:
        """The request's token cookie, when it is one this install signed."""
        if self._raw is not None:
            found, self._raw = _cookie(self._raw, self.name), None
            self._cookie = found if found and is_signed(self.key, found) else None
        return self._cookie

    @property
    def token(self) -> str:
        if self.cookie:
            return self.cookie
        if self._issued is None:
            self._issued = issue(self.key)
        return self._issued

    def set_cookie_header(self) -> tuple[bytes, bytes] | None:
        if self._issued is None:
            return None
        value = (
            f"{self.name}={self._issued}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Strict; "
            "HttpOnly"
        )
        if self.secure:
            value += "; Secure"
        return (b"set-cookie", value.encode())


def token_for(scope: Scope) -> str:
    """The token to put in a page or hand to player.js (issued and set as a cookie if new)."""
    state: CsrfState = scope[SCOPE_KEY]
    return state.token


def _cookie(raw: str, name: str = COOKIE) -> str | None:
    if name not in raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header is no token, not a 500
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def cross_site_reason(headers: Headers) -> str | None:
    """Why the browser says this request comes from another site (None: it does not)."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site in ("same-origin", "none"):
            return None
        return f"it was sent from another site (Sec-Fetch-Site: {fetch_site[:40]})"
    origin = headers.get("origin")
    if origin is None:
        return None
    if urlsplit(origin).netloc.lower() != headers.get("host", "").lower():
        return f"it was sent from another site (Origin: {origin[:80]})"
    return None


def _has_body(headers: Headers) -> bool:
    return headers.get("content-length", "0") != "0" or "transfer-encoding" in headers


def _media_type(headers: Headers) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def has_bearer(headers: Headers) -> bool:
    """Whether a request carries ``Authorization: Bearer …``. A page on another site cannot
    send that header (it is not a simple header, so the browser would ask first, and Supple
    answers no CORS question), and the clinic's guard then signs it in by that token alone,
    never by the cookie: such a request needs no anti-forgery token."""
    return headers.get("authorization", "").lstrip()[:7].lower() == "bearer "


class CrossSiteGuard:
    """Pure ASGI: checks unsafe requests before any route reads them, and sets the token cookie
    on the way out when a page issued a new token.

    In clinic mode (``bearer_exempt``), a script's ``Authorization: Bearer`` write skips the
    token (but not the ``Origin`` check); behind TLS the cookie is ``__Host-`` and ``Secure``.
    """

    def __init__(
        self, app: ASGIApp, key: bytes, *, behind_tls: bool = False, bearer_exempt: bool = False
    ) -> None:
        self.app = app
        self.key = key
        self.cookie = SECURE_COOKIE if behind_tls else COOKIE
        self.secure = behind_tls
        self.bearer_exempt = bearer_exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        state = CsrfState(self.key, headers.get("cookie"), self.cookie, self.secure)
        scope[SCOPE_KEY] = state
        if scope["method"] in WRITE_METHODS:
            checked = await self._check(scope, receive, send, headers, state)
            if checked is None:
                return
            receive = checked

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                header = state.set_cookie_header()
                if header is not None:
                    message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _check(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers, state: CsrfState
    ) -> Receive | None:
        """The request's receive (replayed if the form was read) when it passes; None once the
        refusal has been sent."""
        title = "This form was not accepted"
        if reason := cross_site_reason(headers):
            await refuse(scope, receive, send, 403, title, f"Refused: {reason}. {RELOAD}")
            return None
        media = _media_type(headers)
        if is_api(scope) and _has_body(headers) and media != "application/json":
            shown = media or "none"
            reason = f"send the body as application/json (Content-Type was {shown})"
            await refuse(scope, receive, send, 415, title, reason)
            return None
        if self.bearer_exempt and has_bearer(headers):
            return receive
        submitted = headers.get(HEADER)
        if submitted is None and media in FORM_TYPES:
            submitted, receive = await _form_token(scope, receive, media)
        if not submitted or not state.cookie or not same(submitted, state.cookie):
            missing = "its anti-forgery token is missing or out of date"
            await refuse(scope, receive, send, 403, title, f"Refused: {missing}. {RELOAD}")
            return None
        return receive


async def _form_token(scope: Scope, receive: Receive, media: str) -> tuple[str | None, Receive]:
    """The form's token field, and a receive that hands the route the same body again.

    The body is already bounded by ``BodyLimit`` (outside this guard), so reading it whole here
    is reading at most the documented limit.
    """
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    token = await _find_field(scope, body, media)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return token, replay


async def _find_field(scope: Scope, body: bytes, media: str) -> str | None:
    if media == "application/x-www-form-urlencoded":
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            if name == FIELD:
                return value
        return None
    from starlette.formparsers import MultiPartException, MultiPartParser

    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        form = await MultiPartParser(Headers(scope=scope), stream()).parse()
    except MultiPartException:
        return None
    try:
        found = form.get(FIELD)
        return found if isinstance(found, str) else None
    finally:
        await form.close()
