"""Today, the week and a day's timeline: the same ``jsonview`` shapes as ``supple … --json``."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from supple import services
from supple.jsonview import day_json, timeline_json
from supple.services import Context
from supple.store import freshness
from supple.store.database import Store
from supple.web import response_cache
from supple.web.deps import Ctx, DateQuery, RequestContext, get_settings, resolve_date

today = APIRouter(prefix="/today", tags=["today"])
week = APIRouter(prefix="/week", tags=["week"])
timeline = APIRouter(prefix="/timeline", tags=["timeline"])


@today.get("", response_model=dict[str, Any])
def get_today(request: Request, on: DateQuery = None) -> Response:
    """The day's session with each dose (adapted, with its reason), its time and a tip.

    Pages and players ask for this often and it rarely changes, so the encoded answer is kept,
    keyed by a stamp of the person's records read from the database in one query on every
    request: any write, from this process or another, changes the stamp and so the key.
    """
    store: Store = request.app.state.store
    settings = get_settings(request)
    with store.pinned() as view:
        stamp = freshness.today_stamp(view)
        ctx = RequestContext(view)
        if stamp is None:  # no profile yet: the services say so, as a 404
            return JSONResponse(_today(ctx, resolve_date(request, ctx, on)))
        ctx.person_id = stamp.person_id
        if on is None:
            when = (
                services.parse_date(settings.today, "SUPPLE_TODAY")
                if settings.today
                else services.local_today(stamp.timezone)
            )
        else:
            when = on
        cache = response_cache.for_app(request.app.state, "today_cache")
        key = (stamp, when)
        body = cache.get(key)
        if body is None:
            body = bytes(JSONResponse(_today(ctx, when)).body)
            # SQLite reads the stamp and the records in one snapshot; PostgreSQL's default
            # isolation gives each query its own, so there the stamp is read again to make sure
            # nothing changed in between.
            if store.is_sqlite or freshness.today_stamp(view, stamp.person_id) == stamp:
                cache.put(key, body)
    return Response(body, media_type="application/json")


def _today(ctx: Context, when: date) -> dict[str, Any]:
    body = day_json(services.day(ctx, when))
    block = services.session_gate(ctx, when)
    body["gate"] = block.as_json() if block else None
    return body


@week.get("")
def get_week(request: Request, ctx: Ctx, on: DateQuery = None) -> dict[str, Any]:
    days = services.week(ctx, resolve_date(request, ctx, on))
    return {"week": days[0].slot.week, "days": [day_json(d) for d in days]}


@timeline.get("")
def get_timeline(request: Request, ctx: Ctx, on: DateQuery = None) -> dict[str, Any]:
    """The timed steps of the day, for a player to walk."""
    return timeline_json(services.day(ctx, resolve_date(request, ctx, on)))
