"""First run in the browser: the red-flag screen, then the baseline (pain and PSFS), then the
start date and session time. The answers go through the same services as ``supple screen`` and
``supple checkin``, so a red flag blocks sessions here exactly as it does in the terminal."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from supple import services
from supple.core import safety
from supple.core.errors import InputError
from supple.web import first_run_resume as resume
from supple.web.deps import RequestScope, first_run_redirect
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
    return render(request, "start_screen.html", "today", "Before you start", tiers=tiers)


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
        )
        if scope.subject is None:
            scope = scope.for_created(profile.person_id)
    first_run = not services.screened(scope) or resume.pending(request) == "held"
    result = services.record_screen(scope, answers)
    if not result.clear:
        page = render(
            request,
            "start_stop.html",
            "today",
            safety.URGENT_TITLE if result.tier == "urgent" else "Please see a clinician",
            verdict=result,
            today_iso=services.today(scope).isoformat(),
        )
        return resume.remember(page, "held") if first_run else page
    if not first_run:  # asked again (rule 2): back to today, the baseline stands
        return RedirectResponse("/", status_code=303)
    return resume.remember(RedirectResponse("/start/baseline", status_code=303), "baseline")


@router.get("/start/baseline")
def baseline_page(request: Request, scope: RequestScope) -> Response:
    if redirect := first_run_redirect(scope):
        return redirect
    return render(request, "start_baseline.html", "today", "Where you start", slots=range(SLOTS))


@router.post("/start/baseline")
async def baseline_answers(request: Request, scope: RequestScope) -> Response:
    form = await request.form()
    pain = whole(form.get("pain"), "pain over the past week")
    psfs: dict[str, int] = {}
    for n in range(SLOTS):
        name = str(form.get(f"activity{n}") or "").strip()[:80]
        if name:
            psfs[name] = whole(form.get(f"rating{n}"), f"the rating of '{name}'")
    services.record_week(scope, services.today(scope), pain=pain, psfs=psfs)
    return resume.remember(RedirectResponse("/start/when", status_code=303), "when")


@router.get("/start/when")
def when_page(request: Request, scope: RequestScope) -> Response:
    if redirect := first_run_redirect(scope):
        return redirect
    profile = services.get_profile(scope)
    return render(request, "start_when.html", "today", "When you train", profile=profile)


@router.post("/start/when")
def when_answers(
    scope: RequestScope,
    start_date: str = Form(..., max_length=10),
    session_time: str = Form(..., max_length=5),
    timezone: str = Form("", max_length=64),
) -> Response:
    """The zone is the browser's own (filled in by ``static/settings.js``); without script
    the profile keeps the one it has, and Settings changes it."""
    save_schedule(scope, start_date, session_time, timezone.strip() or None)
    return resume.remember(RedirectResponse("/", status_code=303), None)


@router.get("/start/clearance")
def clearance_page(request: Request, scope: RequestScope) -> Response:
    """The clearance form on its own page: after emergency signs it is never beside the
    advice, so recording one is a step taken on purpose."""
    if services.find_profile(scope) is None:
        return RedirectResponse("/start", status_code=303)
    today = services.today(scope).isoformat()
    return render(request, "start_clearance.html", "today", "Clearance", today_iso=today)


@router.post("/start/clearance")
def clearance(
    request: Request, scope: RequestScope, cleared_on: str = Form(..., max_length=10)
) -> Response:
    """A clinician's clearance, as ``supple screen --cleared`` records it."""
    services.record_clearance(scope, services.parse_date(cleared_on, "the clearance date"))
    if resume.pending(request) == "held":  # cleared during the first run: the baseline next
        return resume.remember(RedirectResponse("/start/baseline", status_code=303), "baseline")
    return RedirectResponse("/", status_code=303)
