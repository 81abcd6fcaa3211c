"""The JSON API under ``/api/v1``: one router per resource, each a thin call into services."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from supple.web.api import days, exercises, plan, report, sessions, token, wellbeing

    # Routes are matched in order: the player's events and today come first (asked for most).
    return [
        sessions.router,
        days.today,
        days.week,
        days.timeline,
        plan.router,
        exercises.router,
        wellbeing.checkins,
        wellbeing.progress,
        wellbeing.screen,
        report.router,
        token.router,
    ]
