"""The Settings page: start date, session time and time zone, checked by the same parsers and
saved by the same service as `supple init`; voice and sounds are this browser's own choices
(``static/settings.js`` keeps them where the player reads them)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from supple import services
from supple.web.deps import RequestScope, first_run_redirect
from supple.web.forms import save_schedule
from supple.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/settings")
def settings_page(request: Request, scope: RequestScope) -> Response:
    if redirect := first_run_redirect(scope):
        return redirect
    profile = services.get_profile(scope)
    return render(request, "settings.html", "settings", "Settings", profile=profile)


@router.post("/settings")
def settings_save(
    scope: RequestScope,
    start_date: str = Form(..., max_length=10),
    session_time: str = Form(..., max_length=5),
    timezone: str = Form(..., max_length=64),
) -> Response:
    """Every field is checked before anything is saved, as `supple init` does."""
    save_schedule(scope, start_date, session_time, timezone.strip())
    return RedirectResponse("/settings?saved=1", status_code=303)
