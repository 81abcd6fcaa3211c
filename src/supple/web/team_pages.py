"""The clinic's Team page (admins): the practice's users by name, a page at a time, with a
role filter and a search; inviting a user (the single-use link and its QR code, to set up a
client's phone in the room); moving a client onto a clinician's caseload; ending a user's
sign-ins; disabling a user.

Thin: every change is a use case of ``services.clinic_accounts``, the same the operator's
``supple clinic …`` commands call, and the list is ``services.team``'s. Anyone but an admin
gets 404 here, as for a page that is not there (``for_practice(Action.MANAGE_TEAM)``). The
writes are logged by the clinic's guard; one that concerns a client names them on the entry,
so it shows in that client's own access log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from supple.accounts import qr
from supple.core.access import Action, Role
from supple.core.errors import FieldError, InputError, NotFound
from supple.services import Scope, clinic_accounts, team
from supple.services.clinic_accounts import MAX_EMAIL, MAX_NAME, AccountExists
from supple.web.clinic_scope import CurrentUser, for_practice, note_client
from supple.web.pages import render

router = APIRouter(include_in_schema=False)

Manager = Annotated[Scope, for_practice(Action.MANAGE_TEAM)]
EmailField = Annotated[str, Form(max_length=MAX_EMAIL)]
BackField = Annotated[str, Form(max_length=400)]
KEPT = ("role", "q", "after")  # the list's own query, kept across a change
DONE = {
    "assigned": "{who} is now on {to}'s caseload.",
    "ended": "Ended {signins} of {who}. They sign in again with their password.",
    "disabled": "{who} is disabled; {signins} ended.",
    "enabled": "{who} can sign in again.",
}


def _no_store(response: Response) -> Response:
    response.headers["cache-control"] = "no-store"
    return response


def _list_page(
    request: Request,
    scope: Scope,
    me: Any,
    *,
    role: str | None = None,
    q: str | None = None,
    after: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> Response:
    view = None
    try:
        view = team.team_page(scope, role=role, search=q, after=after, limit=team.PAGE)
    except InputError as exc:
        problem, status = str(exc).capitalize() + ".", 400
    kept = {k: v for k, v in (("role", role), ("q", q), ("after", after)) if v}
    done = request.query_params.get("done")
    notice = None
    if done in DONE and status == 200:
        n = request.query_params.get("n", "0")[:6]
        notice = DONE[done].format(
            who=request.query_params.get("who", "")[:MAX_EMAIL],
            to=request.query_params.get("to", "")[:MAX_NAME],
            signins=f"{n} sign-in" + ("" if n == "1" else "s"),
        )
    response = render(
        request,
        "team.html",
        "team",
        "Team",
        me=me,
        view=view,
        problem=problem,
        notice=notice,
        role=role or "",
        q=(q or "")[: team.MAX_SEARCH],
        back=urlencode(kept),
        roles=[r.value for r in Role],
    )
    response.status_code = status
    return _no_store(response)


@router.get("/clinic/team")
def team_list(
    request: Request,
    scope: Manager,
    me: CurrentUser,
    role: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The practice's users, by name, a page at a time (``after``: the last user shown)."""
    return _list_page(request, scope, me, role=role, q=q, after=after)


def _back(back: str, **done: str) -> RedirectResponse:
    """Back to the list as it was (its filter, search and page), with what was done."""
    kept = [(k, v) for k, v in parse_qsl(back)[:3] if k in KEPT]
    return RedirectResponse(f"/clinic/team?{urlencode(kept + list(done.items()))}", 303)


def _refused(
    request: Request, scope: Scope, me: Any, back: str, exc: Exception, status: int = 422
) -> Response:
    """The list again with the problem on top: 404 for a user who is not there, else
    ``status`` (the refusal's own kind: a malformed field, or a change that conflicts)."""
    status = 404 if isinstance(exc, NotFound) else status
    kept = dict(parse_qsl(back))
    return _list_page(
        request,
        scope,
        me,
        role=kept.get("role"),
        q=kept.get("q"),
        after=kept.get("after"),
        problem=str(exc).capitalize() + ".",
        status=status,
    )


def _name(user: Any) -> str:
    return str(user.name or user.email)


@router.post("/clinic/team/assign")
def assign(
    request: Request,
    scope: Manager,
    me: CurrentUser,
    email: EmailField,
    clinician: EmailField,
    back: BackField = "",
) -> Response:
    """Put a client on one clinician's caseload (instead of whoever treated them)."""
    try:
        client, staff = clinic_accounts.assign_client(scope, email=email, clinician_email=clinician)
    except (InputError, NotFound) as exc:
        return _refused(request, scope, me, back, exc, 422)
    note_client(request, Action.MANAGE_TEAM, client.person_id)
    return _back(back, done="assigned", who=_name(client), to=_name(staff))


@router.post("/clinic/team/end-sign-ins")
def end_sign_ins(
    request: Request, scope: Manager, me: CurrentUser, email: EmailField, back: BackField = ""
) -> Response:
    """End every sign-in of a user; they stay able to sign in again."""
    try:
        user, ended = clinic_accounts.end_sign_ins(scope, email=email)
    except (InputError, NotFound) as exc:
        return _refused(request, scope, me, back, exc, 422)
    note_client(request, Action.MANAGE_TEAM, user.person_id)
    return _back(back, done="ended", who=_name(user), n=str(ended))


@router.post("/clinic/team/disable")
def disable(
    request: Request, scope: Manager, me: CurrentUser, email: EmailField, back: BackField = ""
) -> Response:
    """Disable a user: every sign-in and API token of theirs stops working at once."""
    try:
        user, ended = clinic_accounts.disable(scope, email=email)
    except (InputError, NotFound) as exc:
        return _refused(request, scope, me, back, exc, 409)
    note_client(request, Action.MANAGE_TEAM, user.person_id)
    return _back(back, done="disabled", who=_name(user), n=str(ended))


@router.post("/clinic/team/enable")
def enable(
    request: Request, scope: Manager, me: CurrentUser, email: EmailField, back: BackField = ""
) -> Response:
    """Let a disabled user sign in again."""
    try:
        user = clinic_accounts.enable(scope, email=email)
    except (InputError, NotFound) as exc:
        return _refused(request, scope, me, back, exc, 409)
    note_client(request, Action.MANAGE_TEAM, user.person_id)
    return _back(back, done="enabled", who=_name(user))


def _invite_form(
    request: Request,
    scope: Scope,
    me: Any,
    *,
    fields: dict[str, str] | None = None,
    problem: FieldError | InputError | None = None,
    status: int = 200,
) -> Response:
    response = render(
        request,
        "team_invite.html",
        "team",
        "Invite to the practice",
        me=me,
        form=fields or {"role": "client"},
        problem=str(problem).capitalize() + "." if problem else None,
        field=getattr(problem, "field", None),
        staff=team.takers(scope),
        roles=[r.value for r in Role],
    )
    response.status_code = status
    return _no_store(response)


@router.get("/clinic/team/invite")
def invite_form(request: Request, scope: Manager, me: CurrentUser) -> Response:
    return _invite_form(request, scope, me)


@router.post("/clinic/team/invite")
def invite(
    request: Request,
    scope: Manager,
    me: CurrentUser,
    role: Annotated[str, Form(max_length=20)],
    email: EmailField,
    name: Annotated[str, Form(max_length=MAX_NAME * 2)] = "",
    clinician: EmailField = "",
) -> Response:
    """Add a user and show their single-use link once, with its QR code for a phone."""
    fields = {"role": role, "email": email, "name": name, "clinician": clinician}
    try:
        chosen = team.parse_role(role)
        if chosen is None:
            raise FieldError("role", "choose what the new user does: client, clinician or admin")
        added = clinic_accounts.add_user(
            scope,
            role=chosen,
            email=email,
            name=name if name.strip() else None,
            base_url=request.app.state.settings.base_url,
            clinician_email=clinician if chosen is Role.CLIENT and clinician else None,
        )
    except AccountExists as exc:
        problem = FieldError("email", f"{exc}: find them on the Team page instead")
        return _invite_form(request, scope, me, fields=fields, problem=problem, status=409)
    except (InputError, NotFound) as exc:
        shown = exc if isinstance(exc, InputError) else InputError(str(exc))
        return _invite_form(request, scope, me, fields=fields, problem=shown, status=422)
    assert added.invite is not None  # no password was given: an invite is made
    note_client(request, Action.MANAGE_TEAM, added.user.person_id)
    now: datetime = request.app.state.roots.clock.now()
    response = render(
        request,
        "team_invited.html",
        "team",
        "Invite made",
        me=me,
        user=added.user,
        url=added.invite.url,
        expires_at=added.invite.expires_at,
        days=max(1, round((added.invite.expires_at - now).total_seconds() / 86400)),
        qr_svg=qr.svg(added.invite.url, title=f"Invite link for {added.user.email}"),
    )
    response.status_code = 201
    return _no_store(response)
