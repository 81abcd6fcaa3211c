"""Today, the week and a day's timeline: the same ``jsonview`` shapes as ``supple … --json``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from supple import services
from supple.jsonview import day_json, timeline_json
from supple.web.deps import Ctx, DateQuery, resolve_date

today = APIRouter(prefix="/today", tags=["today"])
week = APIRouter(prefix="/week", tags=["week"])
timeline = APIRouter(prefix="/timeline", tags=["timeline"])


@today.get("")
def get_today(request: Request, ctx: Ctx, on: DateQuery = None) -> dict[str, Any]:
    """The day's session with each dose (adapted, with its reason), its time and a tip."""
    when = resolve_date(request, ctx, on)
    body = day_json(services.day(ctx, when))
    body["gate"] = services.session_gate(ctx, when)
    return body


@week.get("")
def get_week(request: Request, ctx: Ctx, on: DateQuery = None) -> dict[str, Any]:
    days = services.week(ctx, resolve_date(request, ctx, on))
    return {"week": days[0].slot.week, "days": [day_json(d) for d in days]}


@timeline.get("")
def get_timeline(request: Request, ctx: Ctx, on: DateQuery = None) -> dict[str, Any]:
    """The timed steps of the day, for a player to walk."""
    return timeline_json(services.day(ctx, resolve_date(request, ctx, on)))
