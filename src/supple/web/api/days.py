"""Today, the week and a day's timeline: the same ``jsonview`` shapes as ``supple … --json``."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from supple import services
from supple.jsonview import day_json, timeline_json
from supple.services import Scope
from supple.services.freshness import freshness_stamp
from supple.web import response_cache
from supple.web.api.record_models import Day, Week, ok
from supple.web.deps import DateQuery, RequestScope, pinned_scope, resolve_date

today = APIRouter(prefix="/today", tags=["today"])
week = APIRouter(prefix="/week", tags=["week"])
timeline = APIRouter(prefix="/timeline", tags=["timeline"])


@today.get("", response_model=None, responses=ok(Day))
def get_today(request: Request, on: DateQuery = None) -> Response:
    """The day's session with each dose (adapted, with its reason), its time and a tip.

    Pages and players ask for this often and it rarely changes, so the encoded answer is kept,
    keyed by the subject and a stamp of their records read from the database in one query on
    every request: any write, from this process or another, changes the stamp and so the key.
    The scope is resolved first, so the cache only ever answers for the subject it was computed
    for (the key holds the subject).
    """
    with pinned_scope(request) as scope:
        stamp = freshness_stamp(scope)
        if stamp is None:  # no profile yet: the services say so, as a 404
            return JSONResponse(today_body(scope, on))
        today = services.today(scope, stamp.timezone)
        when = today if on is None else services.in_window(scope, on)
        cache = response_cache.for_app(request.app.state, "today_cache")
        key = (scope.subject, stamp, when)
        body = cache.get(key)
        if body is None:
            body = bytes(JSONResponse(_today(scope, when)).body)
            # SQLite reads the stamp and the records in one snapshot; PostgreSQL's default
            # isolation gives each query its own, so there the stamp is read again to make sure
            # nothing changed in between.
            if scope.store.is_sqlite or freshness_stamp(scope) == stamp:
                cache.put(key, body)
    return Response(body, media_type="application/json")


def today_body(scope: Scope, on: date | None) -> dict[str, Any]:
    """The answer of ``GET /today`` for the scope's subject: the client's own route and their
    clinician's ``/clients/{client_id}/today`` both."""
    return _today(scope, resolve_date(scope, on))


def _today(scope: Scope, when: date) -> dict[str, Any]:
    body = day_json(services.day(scope, when))
    block = services.session_gate(scope, when)
    body["gate"] = block.as_json() if block else None
    return body


@week.get("", response_model=None, responses=ok(Week))
def get_week(request: Request, scope: RequestScope, on: DateQuery = None) -> dict[str, Any]:
    return week_body(scope, on)


def week_body(scope: Scope, on: date | None) -> dict[str, Any]:
    """The seven days of the week holding ``on`` (default today), as the client sees them."""
    days = services.week(scope, resolve_date(scope, on))
    return {"week": days[0].slot.week, "days": [day_json(d) for d in days]}


@timeline.get("")
def get_timeline(request: Request, scope: RequestScope, on: DateQuery = None) -> dict[str, Any]:
    """The timed steps of the day, for a player to walk."""
    return timeline_json(services.day(scope, resolve_date(scope, on)))
