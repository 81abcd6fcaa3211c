"""``/account/notifications`` (clinic mode): a signed-in user chooses how the clinic reaches
them, through the same use cases as ``supple clinic channels`` (``services.notify_channels``).

Secret addresses go in and never come back whole: the page lists an Apprise URL by its scheme
and last four characters. Every form carries the anti-forgery token; a mistake re-shows the
page with a 400 and the message beside the field it is about.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response

from supple.core.errors import InputError, NotFound
from supple.services import Actor, Scope, notify_channels
from supple.web.clinic_guard import signed_in_of
from supple.web.deps import channel_sealer

router = APIRouter(include_in_schema=False)

MAX_FIELD = 2000
DONE = {
    "added": "Channel added.",
    "removed": "Channel removed.",
    "saved": "Choices saved.",
}


def _scope(request: Request) -> Scope:
    signed = signed_in_of(request.scope)
    if signed is None or signed.needs_second_factor:
        raise NotFound("sign in first")
    roots = request.app.state.roots
    actor = Actor(signed.actor.role.value, signed.user.id, signed.user.person_id)
    return Scope(roots.store, actor, None, roots.clock)


def _page(request: Request, status: int = 200, **context: Any) -> Response:
    scope = _scope(request)
    user = notify_channels.user_for(scope)
    templates = request.app.state.templates
    values = {
        "title": "Notifications",
        "section": "account",
        "user": user,
        "channels": notify_channels.list_channels(scope),
        "chosen": notify_channels.choices(scope),
        "push_key": notify_channels.push_public_key(scope),
        "done": DONE.get(request.query_params.get("done") or ""),
        "error": None,
        "field": None,
        "typed": None,
        **context,
    }
    response: Response = templates.TemplateResponse(
        request, "notifications.html", values, status_code=status
    )
    response.headers["cache-control"] = "no-store"
    return response


def _refused(
    request: Request, exc: InputError, field: str, typed: dict[str, str] | None = None
) -> Response:
    """The page again, with the message beside ``field`` and what was typed kept (never a
    secret address: that is typed again)."""
    return _page(request, 400, error=str(exc), field=field, typed=typed)


def _back(done: str) -> RedirectResponse:
    return RedirectResponse(f"/account/notifications?done={done}", status_code=303)


@router.get("/account/notifications")
def notifications_page(request: Request) -> Response:
    return _page(request)


@router.post("/account/notifications/email")
def add_email(request: Request, to: Annotated[str, Form(max_length=MAX_FIELD)] = "") -> Response:
    scope = _scope(request)
    try:
        notify_channels.add_channel(
            scope, channel_sealer(request), kind="email", target=to.strip() or None
        )
    except InputError as exc:
        return _refused(request, exc, "to", {"to": to})
    return _back("added")


@router.post("/account/notifications/apprise")
def add_apprise(request: Request, url: Annotated[str, Form(max_length=MAX_FIELD)] = "") -> Response:
    scope = _scope(request)
    try:
        notify_channels.add_channel(scope, channel_sealer(request), kind="apprise", target=url)
    except InputError as exc:
        return _refused(request, exc, "url")
    return _back("added")


@router.post("/account/notifications/push")
async def add_push(request: Request) -> Response:
    """This device's push subscription, as the page's script posts it (JSON: ``endpoint`` and
    ``keys`` ``p256dh`` and ``auth``, with the anti-forgery token in its header). 201 with how
    the channel is listed; 422 with the reason when the service refuses it."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return JSONResponse({"detail": "the push subscription is not UTF-8 text"}, 422)
    scope = _scope(request)
    try:
        added = await run_in_threadpool(
            notify_channels.add_channel,
            scope,
            channel_sealer(request),
            kind="webpush",
            target=text,
        )
    except InputError as exc:
        return JSONResponse({"detail": str(exc)}, 422)
    return JSONResponse({"id": added.id, "shown": added.shown}, 201)


@router.post("/account/notifications/remove")
def remove(request: Request, channel_id: Annotated[int, Form(ge=1)]) -> Response:
    notify_channels.remove_channel(_scope(request), channel_id=channel_id)
    return _back("removed")


@router.post("/account/notifications/choices")
def save_choices(
    request: Request,
    quiet_from: Annotated[str, Form(max_length=5)] = "",
    quiet_to: Annotated[str, Form(max_length=5)] = "",
    zone: Annotated[str, Form(max_length=64)] = "",
    reminders: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    scope = _scope(request)
    typed = {"quiet_from": quiet_from, "quiet_to": quiet_to, "zone": zone}
    quiet: tuple[str, str] | None = None
    if quiet_from or quiet_to:
        if not (quiet_from and quiet_to):
            problem = InputError("quiet hours need a start and an end")
            return _refused(request, problem, "quiet", typed)
        quiet = (quiet_from, quiet_to)
    is_client = notify_channels.user_for(scope).person_id is not None
    try:
        notify_channels.set_choices(
            scope,
            quiet=quiet,
            zone=zone.strip() or None,
            reminders=(reminders == "on") if is_client else None,
        )
    except InputError as exc:
        return _refused(request, exc, "zone" if "zone" in str(exc) else "quiet", typed)
    return _back("saved")
