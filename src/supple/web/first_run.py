"""First run in the browser: the red-flag screen, then the baseline (pain and PSFS), then the
start date and session time. The answers go through the same services as ``supple screen`` and
``supple checkin``, so a red flag blocks sessions here exactly as it does in the terminal.

Which step comes next is read from the stored answers (``services.first_run_step``), never
from the browser: a run left half way resumes where it was, on any device."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from supple import services
from supple.core import safety
from supple.core.errors import InputError
from supple.services import Scope
from supple.web.deps import RequestScope, first_run_next
from supple.web.forms import save_schedule, whole
from supple.web.pages import render

router = APIRouter(include_in_schema=False)
SLOTS = 5


@router.get("/start")
def screen_page(request: Request, scope: RequestScope) -> Response:
    again = request.query_params.get("again") == "1"  # the screen asked again (rule 2)
    if services.find_profile(scope) and services.screened(scope) and not again:
        return RedirectResponse("/", status_code=303)
    tiers = [
        (safety.TIER_TITLES[tier], [q for q in safety.QUESTIONS if q.tier == tier])
        for tier in ("urgent", "clinician")
    ]
    return render(request, "start_screen.html", "start", "Before you start", tiers=tiers)


@router.post("/start/screen")
async def screen_answers(request: Request, scope: RequestScope) -> Response:
    form = await request.form()
    answers: dict[str, bool] = {}
    for q in safety.QUESTIONS:
        value = form.get(q.id)
        if value not in ("yes", "no"):
            raise InputError(f"please answer every question (yes or no): “{q.text}”")
        answers[q.id] = value == "yes"
    if services.find_profile(scope) is None:
        profile = services.init_profile(
            scope,
            start_date=services.today(scope),
            session_time=None,
            timezone=None,
            plan_path=None,
            schedule_chosen=False,  # asked two steps on (``/start/when``)
        )
        if scope.subject is None:
            scope = scope.for_created(profile.person_id)
    result = services.record_screen(scope, answers)
    if not result.clear:
        return render(
            request,
            "start_stop.html",
            "today",
            safety.URGENT_TITLE if result.tier == "urgent" else "Please see a clinician",
            verdict=result,
            today_iso=services.today(scope).isoformat(),
        )
    return first_run_next(scope)  # asked again later: Today; a "yes" before: Today says why


def _not_yet(scope: Scope) -> Response | None:
    """The baseline and schedule pages wait for the screen, and for a clearance a "yes" needs."""
    step = services.first_run_step(scope)
    if step == "screen":
        return RedirectResponse("/start", status_code=303)
    if step == "clearance":
        return RedirectResponse("/", status_code=303)
    return None


def _baseline_not_yet(scope: Scope) -> Response | None:
    """The baseline is set once: asked again (the back button, a second device) the page
    moves on, and later weeks go through the weekly check-in."""
    if redirect := _not_yet(scope):
        return redirect
    return first_run_next(scope) if services.has_baseline(scope) else None


@router.get("/start/baseline")
def baseline_page(request: Request, scope: RequestScope) -> Response:
    if redirect := _baseline_not_yet(scope):
        return redirect
    return render(request, "start_baseline.html", "start", "Where you start", slots=range(SLOTS))


@router.post("/start/baseline")
async def baseline_answers(request: Request, scope: RequestScope) -> Response:
    form = await request.form()
    pain = whole(form.get("pain"), "pain over the past week")
    psfs: dict[str, int] = {}
    for n in range(SLOTS):
        name = str(form.get(f"activity{n}") or "").strip()[:80]
        if name:
            psfs[name] = whole(form.get(f"rating{n}"), f"the rating of '{name}'")
    if redirect := _baseline_not_yet(scope):
        return redirect
    services.record_week(scope, services.today(scope), pain=pain, psfs=psfs)
    return first_run_next(scope)


@router.get("/start/when")
def when_page(request: Request, scope: RequestScope) -> Response:
    if redirect := _not_yet(scope):
        return redirect
    profile = services.get_profile(scope)
    return render(request, "start_when.html", "start", "When you train", profile=profile)


@router.post("/start/when")
def when_answers(
    scope: RequestScope,
    start_date: str = Form(..., max_length=10),
    session_time: str = Form(..., max_length=5),
    timezone: str = Form("", max_length=64),
) -> Response:
    """The zone is the browser's own (filled in by ``static/settings.js``); without script
    the profile keeps the one it has, and Settings changes it."""
    if redirect := _not_yet(scope):
        return redirect
    save_schedule(scope, start_date, session_time, timezone.strip() or None)
    return first_run_next(scope)


@router.get("/start/clearance")
def clearance_page(request: Request, scope: RequestScope) -> Response:
    """The clearance form on its own page: after emergency signs it is never beside the
    advice, so recording one is a step taken on purpose."""
    if services.find_profile(scope) is None:
        return RedirectResponse("/start", status_code=303)
    today = services.today(scope).isoformat()
    return render(request, "start_clearance.html", "today", "Clearance", today_iso=today)


@router.post("/start/clearance")
def clearance(scope: RequestScope, cleared_on: str = Form(..., max_length=10)) -> Response:
    """A clinician's clearance, as ``supple screen --cleared`` records it; during a first run
    the baseline comes next."""
    services.record_clearance(scope, services.parse_date(cleared_on, "the clearance date"))
    return first_run_next(scope)
