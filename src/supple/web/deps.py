"""What every route needs: the person's context and the date it acts on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import RedirectResponse

from supple import services
from supple.services import Context
from supple.store import profiles
from supple.store.database import Store
from supple.web.settings import WebSettings


class RequestContext(Context):
    """A context that looks the person up on first use, so that the lookup runs in the worker
    thread with the route's own database work, not in the event loop."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._person: int | None = None
        self._known = False

    @property
    def person_id(self) -> int | None:
        if not self._known:
            self._person, self._known = profiles.local_person(self.store), True
        return self._person

    @person_id.setter
    def person_id(self, value: int | None) -> None:
        self._person, self._known = value, True


async def get_context(request: Request) -> AsyncIterator[Context]:
    """The person's context for one request, its reads served by one pinned connection.

    An async dependency on purpose: a sync one costs a trip to the thread pool on the way in
    and another on the way out, on every request (the player posts an event every few
    seconds). Checking a connection out of the pool does no I/O; the queries run later, in the
    route's worker thread.
    """
    with request.app.state.store.pinned() as store:
        yield RequestContext(store)


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


Ctx = Annotated[Context, Depends(get_context)]
DateQuery = Annotated[date | None, Query(alias="date", description="YYYY-MM-DD; default today")]


def today_for(ctx: Context, settings: WebSettings) -> date:
    """Today in the person's own time zone (or the pinned date of a demo or a test)."""
    if settings.today:
        return services.parse_date(settings.today, "SUPPLE_TODAY")
    profile = services.find_profile(ctx)
    return services.local_today(profile.timezone if profile else services.system_zone())


def resolve_date(request: Request, ctx: Context, on: date | None) -> date:
    return on or today_for(ctx, get_settings(request))


def first_run_redirect(ctx: Context) -> RedirectResponse | None:
    """Where a visitor without a profile or an answered safety screen must go first: every
    page but the first-run ones asks this, so none is reachable before the screen."""
    from supple import wellbeing

    if services.find_profile(ctx) is None or not wellbeing.screened(ctx):
        return RedirectResponse("/start", status_code=303)
    return None
