"""Clinic mode's sign-in pages: ``/login``, the second factor (enrolment at a staff member's
first sign-in, then a code each time), ``/logout``, ``/account`` and invites.

Thin: each route calls one use case of ``services.signin`` and turns its outcome into a page,
a cookie or a redirect. The sign-in cookie holds the sign-in's random id (only its hash is
stored); it is HttpOnly and SameSite=Lax, ``__Host-`` and Secure behind TLS; a client's lasts
as long as their sign-in may (they keep a phone signed in), a staff member's ends with the
browser. Every form carries the anti-forgery token and passes the Origin check
(``web.csrf``), the login form included.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from supple.accounts import totp
from supple.core.errors import InputError
from supple.core.login_rules import limits_for
from supple.services import signin
from supple.services.signin import User
from supple.web.clinic_guard import (
    SignedIn,
    client_address,
    home_for,
    session_cookie_name,
    signed_in_of,
)

router = APIRouter(include_in_schema=False)

MAX_EMAIL = 320
MAX_PASSWORD = 1024  # the policy allows 128; more is refused by the form, not hashed
MAX_CODE = 40
REFUSED = (
    "That email and password do not match an account that can sign in. Check both and try again."
)
CODE_REFUSED = (
    "That code was not accepted. Type the 6 digits your app shows now, "
    "or one of your recovery codes."
)
ENROL_REFUSED = (
    "That code was not accepted. Type the 6 digits the app shows now "
    "(they change every 30 seconds)."
)
THROTTLED = "Too many attempts. Wait {wait} and try again."


BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("Linux", "Linux"),
)


def device_name(user_agent: str | None) -> str:
    """A sign-in's device in a few words ("Firefox on Android") from its User-Agent, for the
    account page; the whole header is kept in the store."""
    if not user_agent:
        return "Unknown device"
    browser = next((name for mark, name in BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:40]


def _roots(request: Request) -> Any:
    return request.app.state.roots


def _now(request: Request) -> datetime:
    now: datetime = _roots(request).clock.now()
    return now


def _page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


def _wait_words(wait: timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


def _throttled(request: Request, name: str, wait: timedelta, **context: Any) -> Response:
    response = _page(request, name, 429, error=THROTTLED.format(wait=_wait_words(wait)), **context)
    response.headers["retry-after"] = str(max(1, int(wait.total_seconds() + 0.999)))
    return response


def _safe_next(target: str | None) -> str | None:
    """A page of ours to go back to after signing in (a path, never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target[:2000]


def _seeds(request: Request) -> signin.SeedBox:
    """The server's box for TOTP seeds, made once per app from its secret."""
    state = request.app.state
    box: signin.SeedBox | None = getattr(state, "seeds", None)
    if box is None:
        box = state.seeds = signin.SeedBox(state.secret)
    return box


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _set_session(request: Request, response: Response, result: signin.SignIn) -> None:
    assert result.token is not None and result.user is not None
    settings = _settings(request)
    max_age = None
    if result.user.role.value == "client":
        max_age = int(limits_for(result.user.role).absolute.total_seconds())
    response.set_cookie(
        session_cookie_name(settings.proxy_headers),
        result.token,
        max_age=max_age,
        path="/",
        secure=bool(settings.proxy_headers),
        httponly=True,
        samesite="lax",
    )


def _clear_session(request: Request, response: Response) -> None:
    settings = _settings(request)
    response.delete_cookie(
        session_cookie_name(settings.proxy_headers),
        path="/",
        secure=bool(settings.proxy_headers),
        httponly=True,
        samesite="lax",
    )


def _after_password(result: signin.SignIn, next_page: str | None) -> str:
    user = result.user
    assert user is not None
    if result.needs_second_factor:
        return "/login/two-factor" if user.totp_enabled_at else "/login/enrol"
    return next_page or ("/" if user.person_id is not None else "/clinic")


def _resolved(signed: SignedIn) -> signin.Resolved:
    assert signed.session_id is not None
    return signin.Resolved(signed.actor, signed.user, signed.session_id, signed.needs_second_factor)


def _practice_name(request: Request) -> str:
    return signin.practice_name(_roots(request).signin_store)


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    """For a load balancer or a proxy: the process answers and reaches its database."""
    import sqlalchemy as sa

    with _roots(request).signin_store.read() as conn:
        conn.execute(sa.text("SELECT 1"))
    return JSONResponse({"status": "ok"}, headers={"cache-control": "no-store"})


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    signed = signed_in_of(request.scope)
    if signed is not None and not signed.needs_second_factor:
        return RedirectResponse(home_for(signed), status_code=303)
    return _page(request, "login.html", title="Sign in", next=_safe_next(next), email="")


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=MAX_EMAIL)],
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    store = _roots(request).signin_store
    result = signin.sign_in(
        store,
        email,
        password,
        _now(request),
        address=client_address(request.scope),
        user_agent=request.headers.get("user-agent"),
    )
    context = {"title": "Sign in", "next": _safe_next(next), "email": email}
    if result.outcome is signin.Outcome.THROTTLED:
        return _throttled(request, "login.html", result.retry_after, **context)
    if result.outcome is signin.Outcome.REFUSED:
        return _page(request, "login.html", 401, error=REFUSED, **context)
    response = RedirectResponse(_after_password(result, _safe_next(next)), status_code=303)
    _set_session(request, response, result)
    return response


def _pending(request: Request) -> SignedIn | None:
    signed = signed_in_of(request.scope)
    if signed is None or signed.via != "cookie" or not signed.needs_second_factor:
        return None
    return signed


def _enrolment_page(
    request: Request, enrolment: totp.Enrolment, status: int = 200, error: str | None = None
) -> Response:
    secret = " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
    return _page(
        request,
        "login_enrol.html",
        status,
        title="Set up two-factor sign-in",
        qr_svg=enrolment.qr_svg,
        secret=secret,
        error=error,
    )


@router.get("/login/enrol")
def enrol_page(request: Request) -> Response:
    signed = _pending(request)
    if signed is None:
        return RedirectResponse("/login", status_code=303)
    store = _roots(request).signin_store
    enrolment = signin.pending_enrolment(
        store, _resolved(signed), _practice_name(request), seeds=_seeds(request)
    )
    if enrolment is None:
        return RedirectResponse("/login/two-factor", status_code=303)
    return _enrolment_page(request, enrolment)


@router.post("/login/enrol")
def enrol(request: Request, code: Annotated[str, Form(max_length=MAX_CODE)]) -> Response:
    signed = _pending(request)
    if signed is None:
        return RedirectResponse("/login", status_code=303)
    store = _roots(request).signin_store
    seeds = _seeds(request)
    codes = signin.finish_enrolment(store, _resolved(signed), code, _now(request), seeds=seeds)
    if codes is None:
        enrolment = signin.pending_enrolment(
            store, _resolved(signed), _practice_name(request), seeds=seeds
        )
        if enrolment is None:
            return RedirectResponse("/login/two-factor", status_code=303)
        return _enrolment_page(request, enrolment, 422, ENROL_REFUSED)
    return _page(
        request,
        "login_recovery.html",
        title="Your recovery codes",
        codes=codes.shown,
        home=home_for(signed),
    )


@router.get("/login/two-factor")
def two_factor_page(request: Request, next: str | None = None) -> Response:
    signed = _pending(request)
    if signed is None:
        return RedirectResponse("/login", status_code=303)
    if signed.user.totp_enabled_at is None:
        return RedirectResponse("/login/enrol", status_code=303)
    return _page(request, "login_code.html", title="Your two-factor code", next=_safe_next(next))


@router.post("/login/two-factor")
def two_factor(
    request: Request,
    code: Annotated[str, Form(max_length=MAX_CODE)],
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    signed = _pending(request)
    if signed is None:
        return RedirectResponse("/login", status_code=303)
    store = _roots(request).signin_store
    result = signin.second_factor(
        store,
        _resolved(signed),
        code,
        _now(request),
        seeds=_seeds(request),
        address=client_address(request.scope),
    )
    context = {"title": "Your two-factor code", "next": _safe_next(next)}
    if result.outcome is signin.Outcome.THROTTLED:
        return _throttled(request, "login_code.html", result.retry_after, **context)
    if result.outcome is signin.Outcome.REFUSED:
        return _page(request, "login_code.html", 401, error=CODE_REFUSED, **context)
    return RedirectResponse(_safe_next(next) or home_for(signed), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    settings = _settings(request)
    token = request.cookies.get(session_cookie_name(settings.proxy_headers))
    if token:
        signin.sign_out(_roots(request).signin_store, token, _now(request))
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    _clear_session(request, response)
    return response


def _current(request: Request) -> SignedIn:
    signed = signed_in_of(request.scope)
    assert signed is not None  # the guard let no one else through
    return signed


@router.get("/account")
def account_page(request: Request) -> Response:
    signed = _current(request)
    view = signin.account_view(
        _roots(request).signin_store, signed.user, signed.session_id, _now(request)
    )
    return _page(
        request,
        "account.html",
        title="Your account",
        section="account",
        user=signed.user,
        view=view,
        ended=request.query_params.get("ended"),
    )


def _password_page(request: Request, status: int = 200, error: str | None = None) -> Response:
    return _page(
        request, "account_password.html", status, title="Change your password", error=error
    )


@router.get("/account/password")
def password_page(request: Request) -> Response:
    if _current(request).via != "cookie":
        return RedirectResponse("/account", status_code=303)
    return _password_page(request)


@router.post("/account/password")
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=MAX_PASSWORD)],
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
    confirm: Annotated[str, Form(max_length=MAX_PASSWORD)],
) -> Response:
    signed = _current(request)
    if signed.via != "cookie":
        return RedirectResponse("/account", status_code=303)
    if password != confirm:
        error = "The two new passwords are not the same. Type the same password in both fields."
        return _password_page(request, 422, error)
    try:
        result = signin.change_password(
            _roots(request).signin_store,
            _resolved(signed),
            current,
            password,
            _now(request),
            address=client_address(request.scope),
        )
    except InputError as exc:
        return _password_page(request, 422, str(exc).capitalize() + ".")
    if result.outcome is signin.Outcome.THROTTLED:
        wait = result.retry_after
        response = _password_page(request, 429, THROTTLED.format(wait=_wait_words(wait)))
        response.headers["retry-after"] = str(max(1, int(wait.total_seconds() + 0.999)))
        return response
    if result.outcome is signin.Outcome.REFUSED:
        return _password_page(request, 401, "Your current password was not right. Try again.")
    return RedirectResponse("/account?password=changed", status_code=303)


@router.post("/account/end-others")
def end_others(request: Request) -> Response:
    signed = _current(request)
    ended = signin.end_other_sign_ins(
        _roots(request).signin_store, signed.user, signed.session_id, _now(request)
    )
    return RedirectResponse(f"/account?ended={ended}", status_code=303)


INVITE_GONE = (
    "This invite link does not work any more: it was used, replaced by a newer one, "
    "or it expired. Ask the clinic for a new one."
)


def _invited(request: Request, token: str) -> User | None:
    if len(token) > 200:
        return None
    return signin.invited_user(_roots(request).signin_store, token, _now(request))


@router.get("/invite/{token}")
def invite_page(request: Request, token: str) -> Response:
    """Shows whose invite this is and a form; never uses it (mail scanners open links)."""
    user = _invited(request, token)
    if user is None:
        return _page(request, "invite.html", 404, title="Invite not valid", gone=INVITE_GONE)
    return _page(request, "invite.html", title="Set your password", invited=user, token=token)


@router.post("/invite/{token}")
def accept_invite(
    request: Request,
    token: str,
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
    confirm: Annotated[str, Form(max_length=MAX_PASSWORD)],
) -> Response:
    user = _invited(request, token)
    if user is None:
        return _page(request, "invite.html", 404, title="Invite not valid", gone=INVITE_GONE)
    context: dict[str, Any] = {"title": "Set your password", "invited": user, "token": token}
    if password != confirm:
        error = "The two passwords are not the same. Type the same password in both fields."
        return _page(request, "invite.html", 422, error=error, **context)
    store, now = _roots(request).signin_store, _now(request)
    try:
        user = signin.accept_invite(store, token, password, now)
    except InputError as exc:
        return _page(request, "invite.html", 422, error=str(exc).capitalize() + ".", **context)
    result = signin.sign_in_invited(
        store,
        user,
        now,
        address=client_address(request.scope),
        user_agent=request.headers.get("user-agent"),
    )
    target = "/login/enrol" if result.needs_second_factor else "/"
    response = RedirectResponse(target, status_code=303)
    _set_session(request, response, result)
    return response
