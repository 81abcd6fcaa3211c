"""First run in the browser: the red-flag screen, then the baseline (pain and PSFS), then the
start date and session time. The answers go through the same services as ``supple screen`` and
``supple checkin``, so a red flag blocks sessions here exactly as it does in the terminal."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from supple import services, wellbeing
from supple.core import safety
from supple.core.errors import InputError
from supple.web.deps import Ctx, first_run_redirect, today_for
from supple.web.pages import render

router = APIRouter(include_in_schema=False)
SLOTS = 5


def _today(request: Request, ctx: services.Context) -> date:
    return today_for(ctx, request.app.state.settings)


@router.get("/start")
def screen_page(request: Request, ctx: Ctx) -> Response:
    again = request.query_params.get("again") == "1"  # the screen asked again (rule 2)
    if services.find_profile(ctx) and wellbeing.screened(ctx) and not again:
        return RedirectResponse("/", status_code=303)
    tiers = [
        (safety.TIER_TITLES[tier], [q for q in safety.QUESTIONS if q.tier == tier])
        for tier in ("urgent", "clinician")
    ]
    return render(request, "start_screen.html", "today", "Before you start", tiers=tiers)


@router.post("/start/screen")
async def screen_answers(request: Request, ctx: Ctx) -> Response:
    form = await request.form()
    answers: dict[str, bool] = {}
    for q in safety.QUESTIONS:
        value = form.get(q.id)
        if value not in ("yes", "no"):
            raise InputError(f"please answer every question (yes or no): “{q.text}”")
        answers[q.id] = value == "yes"
    if services.find_profile(ctx) is None:
        services.init_profile(
            ctx, start_date=_today(request, ctx), session_time=None, timezone=None, plan_path=None
        )
    first_time = not wellbeing.screened(ctx)
    result = wellbeing.record_screen(ctx, answers)
    if not result.clear:
        return render(
            request,
            "start_stop.html",
            "today",
            "Please see a clinician",
            verdict=result,
            today_iso=_today(request, ctx).isoformat(),
        )
    if not first_time:  # asked again (rule 2): back to today, the baseline stands
        return RedirectResponse("/", status_code=303)
    return RedirectResponse("/start/baseline", status_code=303)


@router.get("/start/baseline")
def baseline_page(request: Request, ctx: Ctx) -> Response:
    if redirect := first_run_redirect(ctx):
        return redirect
    return render(request, "start_baseline.html", "today", "Where you start", slots=range(SLOTS))


@router.post("/start/baseline")
async def baseline_answers(request: Request, ctx: Ctx) -> Response:
    form = await request.form()
    pain = _whole(form.get("pain"), "pain over the past week")
    psfs: dict[str, int] = {}
    for n in range(SLOTS):
        name = str(form.get(f"activity{n}") or "").strip()[:80]
        if name:
            psfs[name] = _whole(form.get(f"rating{n}"), f"the rating of '{name}'")
    wellbeing.record_week(ctx, _today(request, ctx), pain=pain, psfs=psfs)
    return RedirectResponse("/start/when", status_code=303)


def _whole(value: Any, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise InputError(f"{what} must be a whole number from 0 to 10") from None


@router.get("/start/when")
def when_page(request: Request, ctx: Ctx) -> Response:
    if redirect := first_run_redirect(ctx):
        return redirect
    profile = services.get_profile(ctx)
    return render(request, "start_when.html", "today", "When you train", profile=profile)


@router.post("/start/when")
def when_answers(
    ctx: Ctx,
    start_date: str = Form(..., max_length=10),
    session_time: str = Form(..., max_length=5),
) -> Response:
    services.init_profile(
        ctx,
        start_date=services.parse_date(start_date, "start date"),
        session_time=services.parse_time(session_time),
        timezone=None,
        plan_path=None,
    )
    return RedirectResponse("/", status_code=303)


@router.post("/start/clearance")
def clearance(request: Request, ctx: Ctx, cleared_on: str = Form(..., max_length=10)) -> Response:
    """A clinician's clearance, as ``supple screen --cleared`` records it."""
    wellbeing.record_clearance(
        ctx, services.parse_date(cleared_on, "the clearance date"), _today(request, ctx)
    )
    return RedirectResponse("/", status_code=303)
