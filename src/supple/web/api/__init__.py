"""The JSON API under ``/api/v1``: one router per resource, each a thin call into services."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from supple.web.api import days, exercises, plan, sessions, wellbeing

    return [
        days.today,
        days.week,
        days.timeline,
        plan.router,
        exercises.router,
        sessions.router,
        wellbeing.checkins,
        wellbeing.progress,
        wellbeing.screen,
    ]
