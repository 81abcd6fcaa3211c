"""First run resumes where it was left: the safety questions, then the baseline, then the
start date and time. The step still owed is kept in a cookie on this browser, set as each step
is answered; while it is there, every page (but the first-run ones, the API and the static
files) opens that step instead, so Today and Progress never stand in for an unfinished start.

A red flag holds the first run where it is ("held"): the stop page and the gate must show, and
the baseline is asked once a clearance or new answers lift the flag.
"""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "supple_first_run"
Step = Literal["baseline", "when", "held"]
STEPS: tuple[Step, ...] = ("baseline", "when", "held")
OPEN = ("/start", "/api/", "/static/", "/sw.js", "/manifest.webmanifest", "/exercises", "/rules")


def pending(request: Request) -> Step | None:
    value = request.cookies.get(COOKIE)
    return next((step for step in STEPS if step == value), None)


def remember(response: Response, step: Step | None) -> Response:
    """The step owed from now on (None: the first run is complete)."""
    if step is None:
        response.delete_cookie(COOKIE, path="/")
    else:
        response.set_cookie(
            COOKIE, step, max_age=365 * 24 * 3600, path="/", httponly=True, samesite="lax"
        )
    return response


class ResumeFirstRun:
    """Plain ASGI, so the player's posts and the API pay nothing but a path check."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            if not path.startswith(OPEN) and any(
                name == b"cookie" and COOKIE.encode() in value for name, value in scope["headers"]
            ):
                step = pending(Request(scope))
                if step in ("baseline", "when"):
                    await RedirectResponse(f"/start/{step}", status_code=303)(scope, receive, send)
                    return
        await self.app(scope, receive, send)
