"""How a guard says no: a short JSON ``{"detail": …}`` under ``/api``, the app's error page
elsewhere, so the person reads why a form was refused and what to do."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

MACHINE_PATHS = ("/api/", "/calendar.ics")  # read by programs: errors as JSON, not a page


def is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith(MACHINE_PATHS)


def refusal(scope: Scope, status: int, title: str, reason: str) -> Response:
    """The answer to a request refused before any route ran (nothing was stored)."""
    if is_api(scope):
        return JSONResponse({"detail": reason}, status_code=status)
    app: Any = scope.get("app")
    templates = getattr(getattr(app, "state", None), "templates", None)
    if templates is None:
        return PlainTextResponse(reason, status_code=status)
    response: Response = templates.TemplateResponse(
        Request(scope), "error.html", {"title": title, "lines": [reason]}, status_code=status
    )
    return response


async def refuse(
    scope: Scope, receive: Receive, send: Send, status: int, title: str, reason: str
) -> None:
    await refusal(scope, status, title, reason)(scope, receive, send)
