"""The clinic's request boundary: who is signed in, and the ``Scope`` a route may act in.

Everyone building clinic pages and API routes uses this module (see
``/work/notes/clinic-web-interface.md`` and the README's clinic section):

- ``CurrentUser`` (a dependency): the ``SignedIn`` user of the request;
- ``for_client(action)`` (a dependency for routes with a ``{client_id}`` path parameter): the
  ``Scope`` acting on that client, after ``core.access.decide`` allowed it; not allowed and not
  there both answer 404, the same body; a staff read of a record is logged here;
- ``for_practice(action)`` (a dependency for caseload, team and template routes): the staff
  member's ``Scope`` with no subject, after ``decide`` allowed the action; else 404;
- ``client_scope`` and ``practice_scope``: the same as plain calls, for code that learns the
  client id some other way (a form field).

Every write by anyone is logged by ``clinic_guard.SignInGuard`` once the route has answered; a
route that went through ``for_client`` has its action and client on that entry.
The lookups run in FastAPI's worker threads (these are sync dependencies), never on the loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request

from supple.core.access import Action
from supple.services import Scope, clinic_access
from supple.web.clinic_guard import LOGGED_KEY, SignedIn, signed_in_of

NOT_FOUND = "not found"  # the one answer for "not yours" and "not there"


def signed_in(request: Request) -> SignedIn:
    """The request's signed-in user; 401 when there is none (the clinic's guard already
    refused such a request unless its path is an open one)."""
    found = signed_in_of(request.scope)
    if found is None or found.needs_second_factor:
        raise HTTPException(401, "sign in first")
    return found


CurrentUser = Annotated[SignedIn, Depends(signed_in)]


def _roots(request: Request) -> Any:
    return request.app.state.roots


def client_scope(request: Request, client_id: int, action: Action) -> Scope:
    """The scope for acting on client ``client_id`` (their ``people`` id), or 404.

    Asks ``core.access.decide`` with what the store knows about that client; "no such client"
    and "not yours" raise the very same 404. An allowed read by staff is appended to the access
    log at once; a write's entry is written when the route has answered (by the guard), with
    this action and client on it.
    """
    signed = signed_in(request)
    roots = _roots(request)
    scope = clinic_access.client_scope(roots.store, roots.clock, signed.actor, client_id, action)
    if scope is None:
        raise HTTPException(404, NOT_FOUND)
    if request.method in ("GET", "HEAD"):
        if signed.is_staff:  # a client reading their own record is not logged
            log_access(request, signed, action, client_id)
    else:
        request.scope[LOGGED_KEY] = (action.value, client_id)
    return scope


def practice_scope(request: Request, action: Action) -> Scope:
    """The scope for a practice-wide action (no client): the caseload, the team, templates,
    the practice's access log. 404 when the user's role may not take it."""
    signed = signed_in(request)
    roots = _roots(request)
    scope = clinic_access.practice_scope(roots.store, roots.clock, signed.actor, action)
    if scope is None:
        raise HTTPException(404, NOT_FOUND)
    if request.method not in ("GET", "HEAD"):
        request.scope[LOGGED_KEY] = (action.value, None)
    return scope


def offered(request: Request, client_id: int) -> frozenset[str]:
    """The actions on client ``client_id`` the signed-in user may take, by name, for a page to
    show only the links and buttons that lead somewhere (``"prescribe" in can``)."""
    signed = signed_in(request)
    allowed = clinic_access.allowed_on_client(_roots(request).store, signed.actor, client_id)
    return frozenset(a.value for a in allowed)


def offered_on(request: Request, client_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """``offered`` for each of many clients (the dashboard's queue), asked in one query."""
    signed = signed_in(request)
    allowed = clinic_access.allowed_on_clients(_roots(request).store, signed.actor, client_ids)
    return {cid: frozenset(a.value for a in actions) for cid, actions in allowed.items()}


def note_client(request: Request, action: Action, client_id: int | None) -> None:
    """Name the client a practice-wide write concerned (the team's change to a client's
    account) on the entry the guard writes, so it shows in that client's own access log."""
    request.scope[LOGGED_KEY] = (action.value, client_id)


def log_access(request: Request, signed: SignedIn, action: Action, client_id: int | None) -> None:
    """Append one entry now: who, when, what (method and route), for whom, from where."""
    roots = _roots(request)
    clinic_access.record(
        roots.store,
        at=roots.clock.now(),
        actor_user_id=signed.user.id,
        action=action.value,
        person_id=client_id,
        what=f"{request.method} {request.url.path}",
        address=signed.address,
    )


class ClientAccess:
    """The dependency behind ``for_client``: keeps its action so that tests (the route walk)
    can read which action a route asks for."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def __call__(
        self,
        request: Request,
        client_id: Annotated[int, Path(description="The client's id (their record's number)")],
    ) -> Scope:
        return client_scope(request, client_id, self.action)


class PracticeAccess:
    """The dependency behind ``for_practice``."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def __call__(self, request: Request) -> Scope:
        return practice_scope(request, self.action)


def for_client(action: Action) -> Any:
    """``scope: Annotated[Scope, for_client(Action.READ_RECORD)]`` in a route whose path has
    ``{client_id}``."""
    return Depends(ClientAccess(action))


def for_practice(action: Action) -> Any:
    """``scope: Annotated[Scope, for_practice(Action.VIEW_CASELOAD)]``."""
    return Depends(PracticeAccess(action))


# The common ones, ready to annotate a parameter with.
ClientRecord = Annotated[Scope, for_client(Action.READ_RECORD)]
Caseload = Annotated[Scope, for_practice(Action.VIEW_CASELOAD)]


def access_of(dependency: Callable[..., Any]) -> ClientAccess | PracticeAccess | None:
    """The access a dependency stands for (the route walk's way to read a route's rule)."""
    return dependency if isinstance(dependency, ClientAccess | PracticeAccess) else None
