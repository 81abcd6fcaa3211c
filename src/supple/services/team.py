"""The Team page's reads (clinic mode, admins): a page of the practice's users by name, with
a role filter and a search, and who can take a client. The changes the page makes (invite,
assign, disable, end sign-ins) are ``clinic_accounts``' use cases, the same ones the operator's
``supple clinic …`` commands call.

Pages follow a keyset: ``after`` is the id of the last user of the page before, so a page is
as quick deep in the list as at its top and nobody is shown twice or skipped when a user is
added meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from supple.core import limits
from supple.core.access import Action, Role
from supple.core.errors import FieldError, InputError
from supple.services.care_access import authorize
from supple.services.scope import Scope
from supple.store import team
from supple.store.team import TeamRow

PAGE = 50  # users per page
MAX_SEARCH = 100
BAD_CURSOR = (
    "this page link is not valid (it was cut short or edited); "
    "start again from the first page of the team"
)

__all__ = ["PAGE", "TeamPage", "TeamRow", "parse_after", "parse_role", "takers", "team_page"]


@dataclass(frozen=True)
class TeamPage:
    rows: list[TeamRow]
    role: Role | None
    search: str
    after: int | None
    next_after: int | None  # None: this is the last page
    staff: list[tuple[int, str, str]]  # who can take a client: (id, email, name or email)


def parse_role(text: str | None) -> Role | None:
    """The role filter as the page sends it ("" or missing: every role)."""
    if not text:
        return None
    try:
        return Role(text)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise FieldError("role", f"role must be one of {allowed}, got {text[:40]!r}") from None


def parse_after(text: str | None) -> int | None:
    """The cursor of a page link: a user's id as digits ("" or missing: the first page)."""
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise InputError(BAD_CURSOR)
    return int(text)


def team_page(
    scope: Scope,
    *,
    role: str | None = None,
    search: str | None = None,
    after: str | None = None,
    limit: int = PAGE,
) -> TeamPage:
    """One page of the practice's users for an admin (``NotFound`` for anyone else, as for a
    page that is not there); a bad filter or cursor is an ``InputError`` naming it."""
    authorize(scope, Action.MANAGE_TEAM)
    chosen = parse_role(role)
    text = " ".join((search or "").split())
    if problem := limits.text_problem(text, MAX_SEARCH):  # NUL: PostgreSQL refuses it in text
        raise FieldError("q", f"the search {problem}")
    cursor = parse_after(after)
    if cursor is not None and not team.user_exists(scope.store, cursor):
        raise InputError(BAD_CURSOR)
    found = team.page(
        scope.store,
        now=scope.clock.now(),
        limit=limit + 1,
        role=chosen,
        search=text or None,
        after=cursor,
    )
    more = len(found) > limit
    rows = found[:limit]
    return TeamPage(
        rows=rows,
        role=chosen,
        search=text,
        after=cursor,
        next_after=rows[-1].user_id if more else None,
        staff=team.active_staff(scope.store),
    )


def takers(scope: Scope) -> list[tuple[int, str, str]]:
    """Who can take a client (the active clinicians and admins), for an admin's forms."""
    authorize(scope, Action.MANAGE_TEAM)
    return team.active_staff(scope.store)
