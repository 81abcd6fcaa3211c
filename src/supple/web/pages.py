"""Server-rendered pages. Each one calls the services the CLI calls and hands the result to a
template: no rule lives here."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from supple import services
from supple.core import limits, pain, player
from supple.core.errors import FieldError, NotFound, PlanError, SuppleError
from supple.core.fit import stored_line
from supple.core.wording import duration
from supple.figures import svg_for
from supple.jsonview import timeline_json
from supple.services import Scope, sessions
from supple.web.deps import DateQuery, RequestScope, first_run_redirect, resolve_date
from supple.web.fitting import (
    MinutesQuery,
    WithoutQuery,
    choices_from,
    minute_chips,
    prop_chips,
)
from supple.web.page_data import embed_json

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"


minutes = duration  # the same wording as the terminal, paper and calendar


def render(request: Request, name: str, section: str, title: str, **context: Any) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request,
        name,
        {"section": section, "title": title, "minutes": minutes, **context},
    )
    return response


def heading(plan: Any) -> str:
    week = f"Week {plan.slot.week}" + (" (maintenance)" if plan.slot.maintenance else "")
    return f"{plan.on.strftime('%A %d %B %Y')} · {week} · Day {plan.slot.day}"


@router.get("/")
@router.get("/today")
def today_page(
    request: Request,
    scope: RequestScope,
    on: DateQuery = None,
    minutes: MinutesQuery = None,
    without: WithoutQuery = None,
) -> Response:
    if redirect := first_run_redirect(scope):
        return redirect
    when = resolve_date(scope, on)
    choices = choices_from(minutes, without)
    whole = services.day(scope, when)
    fitted = sessions.fit_plan(scope, whole, choices)
    plan = fitted.plan
    query = choices.query()
    return render(
        request,
        "today.html",
        "today",
        plan.title or "Rest day",
        plan=plan,
        fitted=fitted,
        minute_chips=minute_chips(whole, fitted.full_seconds, choices, "/today"),
        prop_chips=prop_chips(whole, choices, "/today"),
        play_href=f"/play?date={when.isoformat()}" + (f"&{query}" if query else ""),
        heading=heading(plan),
        gate=services.session_gate(scope, when),
        morning_due=services.morning_missing(scope, when),
        after_due=sessions.after_checkin_due(scope, when) is not None,
        today_iso=when.isoformat(),
        figures={i.exercise.id: _figure(i.exercise.id) for i in plan.items},
        done=_done_on(sessions.history(scope), when),
        resumable=bool(sessions.find_unfinished(scope, when)),
    )


def _done_on(history: list[dict[str, Any]], on: date) -> dict[str, Any] | None:
    """The day's session played to its end (the newest, should there be two), or None."""
    day = on.isoformat()
    finished = [s for s in history if s["date"] == day and s["finished_at"]]
    return next((s for s in reversed(finished) if not s["stopped_reason"]), None)


@router.get("/week")
def week_page(request: Request, scope: RequestScope, on: DateQuery = None) -> Response:
    if redirect := first_run_redirect(scope):
        return redirect
    when = resolve_date(scope, on)
    days = services.week(scope, when)
    done = _done_dates(sessions.history(scope))
    status: dict[date, str] = {}
    for d in days:
        if d.on in done:
            status[d.on] = "done"
        elif d.is_rest_day:
            status[d.on] = "rest"
        elif d.on == when:
            status[d.on] = "today"
        else:
            status[d.on] = "missed" if d.on < when else "to come"
    return render(request, "week.html", "week", "Week", days=days, on=when, status=status)


def _done_dates(history: list[dict[str, Any]]) -> set[date]:
    """Days with a session played to its end (the history's own record)."""
    return {
        date.fromisoformat(s["date"])
        for s in history
        if s["finished_at"] and not s["stopped_reason"]
    }


@router.get("/history")
def history_page(request: Request, scope: RequestScope, month: str | None = None) -> Response:
    """A calendar of the last four weeks (or of one month, with its neighbours a link away)
    and, below it, each day of that span in words."""
    from supple.web import history_view as view

    if redirect := first_run_redirect(scope):
        return redirect
    today = services.today(scope)
    chosen = view.parse_month(month)
    if chosen:  # a month far from the program is refused before any work (core.limits)
        services.in_window(scope, chosen, "month")
    span = view.month_span(chosen, today) if chosen else view.recent_span(today)
    catalog = services.current_program(scope).catalog
    history = services.load_history(scope, today)
    notes = view.session_notes(sessions.history(scope), catalog, history)
    shown = [n for n in reversed(notes) if span.first <= n.on <= span.last]
    return render(
        request,
        "history.html",
        "history",
        "History",
        span=span,
        today=today,
        notes=view.by_day(notes),
        shown=shown,
        states=view.STATES,
        fit_line=stored_line,
    )


@router.get("/rules")
def rules_page(request: Request) -> Response:
    """How doses change, in plain words: the page every "why this changed" links to."""
    from supple.core.rules import RULES, STEP

    return render(request, "rules.html", "plan", "How doses change", rules=RULES, step=STEP)


@router.get("/plan")
def plan_page(request: Request, scope: RequestScope) -> Response:
    return _plan_view(request, scope)


def _plan_view(request: Request, scope: Scope, **extra: Any) -> Response:
    program = services.current_program(scope)
    profile = services.find_profile(scope)
    return render(
        request,
        "plan.html",
        "plan",
        "Plan",
        program=program,
        estimates=services.day_estimates(program),
        custom=bool(profile and profile.plan_yaml is not None),
        **extra,
    )


@router.post("/plan/check")
async def plan_check(
    request: Request, scope: RequestScope, planfile: Annotated[UploadFile, File()]
) -> Response:
    """Show the upload's problems exactly as ``supple plan validate`` prints them."""
    raw = await planfile.read(1_000_001)
    filename = _client_file_name(planfile.filename)
    try:
        program, text = services.check_uploaded_plan(raw, filename)
    except PlanError as exc:
        lines = [str(p) for p in exc.problems]
        return _plan_view(request, scope, lines=lines, valid=False)
    lines = [services.plan_summary(filename, program)]
    return _plan_view(request, scope, lines=lines, valid=True, text=text, filename=filename)


def _client_file_name(sent: str | None) -> str:
    """A browser's name for the file: its last part (some send the whole path), under the one
    rule for upload names (``core.limits.upload_name``); ``plan.yaml`` when it sends none."""
    return limits.upload_name(limits.base_name(sent or "") or "plan.yaml")


@router.post("/plan/use")
def plan_use(
    scope: RequestScope,
    bundled: str | None = Form(None),
    text: str | None = Form(None, max_length=1_000_000),
    filename: str = Form("plan.yaml", max_length=200),
) -> Response:
    if bundled:
        services.use_bundled_plan(scope)
    elif text:
        services.use_plan_text(scope, text, _client_file_name(filename))
    else:  # a hand-made form: say so rather than pretend the plan changed
        raise FieldError("text", "choose the bundled program or give a plan file's text")
    return RedirectResponse("/plan", status_code=303)


def _figure(exercise_id: str, **options: Any) -> str | None:
    """The exercise's figure, or None when it has none (or it cannot be drawn)."""
    try:
        svg: str = svg_for(exercise_id, **options)
    except (KeyError, ValueError, LookupError, OSError, SuppleError):
        return None
    return svg


@router.get("/exercises")
def exercises_page(request: Request, scope: RequestScope) -> Response:
    catalog = services.current_program(scope).catalog
    items = sorted(catalog.values(), key=lambda e: e.name)
    has_figures = _figure(items[0].id) is not None if items else False
    return render(
        request,
        "exercises.html",
        "exercises",
        "Exercises",
        exercises=items,
        has_figures=has_figures,
    )


@router.get("/exercises/figures")
def figures_page(request: Request, scope: RequestScope) -> Response:
    catalog = services.current_program(scope).catalog
    items = sorted(catalog.values(), key=lambda e: e.name)
    figures = [(e, _figure(e.id)) for e in items]
    if not any(svg for _, svg in figures):
        raise NotFound("the exercise figures are not available in this version")
    return render(request, "figures.html", "exercises", "Figures", figures=figures)


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, scope: RequestScope, exercise_id: str) -> Response:
    catalog = services.current_program(scope).catalog
    if exercise_id not in catalog:
        raise NotFound(f"no exercise with id '{exercise_id}'")
    e = catalog[exercise_id]
    return render(request, "exercise.html", "exercises", e.name, e=e, figure=_figure(e.id))


@router.get("/play")
def player_page(
    request: Request,
    scope: RequestScope,
    on: DateQuery = None,
    minutes: MinutesQuery = None,
    without: WithoutQuery = None,
) -> Response:
    """The full-screen player; the timeline is embedded so the page works offline once loaded.
    The minutes and props chosen on Today fit the day here, and travel with the new session."""
    if redirect := first_run_redirect(scope):
        return redirect
    when = resolve_date(scope, on)
    today = services.today(scope)
    if when > today:
        return _not_yet(request, scope, when, today)
    choices = choices_from(minutes, without)
    gate = services.session_gate(scope, when)
    plan = sessions.fitted_day(scope, when, choices).plan
    rules = {
        "rest_step": player.REST_STEP,
        "last_seconds": player.LAST_SECONDS,
        "stop_at": pain.STOP_AT,
        "alarming": sorted(pain.ALARMING),
        "stop_advice": pain.STOP_ADVICE,
        "stop_rule": pain.STOP_RULE,
    }
    picked = {"minutes": choices.minutes, "without": sorted(choices.without)}
    data = embed_json({**timeline_json(plan), "rules": rules, "choices": picked})
    figures: dict[str, str] = {}
    for step in plan.timeline.steps:
        side = step.side.split()[0] if step.side else None
        key = f"{step.exercise_id}|{side or ''}"
        if key not in figures:
            figures[key] = _figure(step.exercise_id, side=side) or ""
    return render(
        request,
        "player.html",
        "today",
        "Session",
        plan=plan,
        gate=gate,
        today_iso=when.isoformat(),
        data=data,
        figures={k: v for k, v in figures.items() if v},
        qualities=pain.QUALITIES,
    )


def _not_yet(request: Request, scope: Scope, when: date, today: date) -> Response:
    """A later day's session cannot be played before its day (its doses are adapted from the
    days before it): say so, show what it will hold, and point to today's session. Answered
    with 200, as the calendar's reminder links to it ahead of the day."""
    plan = services.day(scope, when)
    return render(
        request,
        "play_later.html",
        "today",
        "Not yet",
        plan=plan,
        heading=heading(plan),
        when=when,
        today=today,
    )


@router.get("/player")
def old_player_link(request: Request) -> Response:
    """Calendars exported before the player moved to ``/play`` still link here."""
    query = request.url.query
    return RedirectResponse("/play" + (f"?{query}" if query else ""), status_code=308)


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for this on pages without an icon link (the printable ones)."""
    return FileResponse(STATIC / "icon.svg", media_type="image/svg+xml")


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    return FileResponse(STATIC / "manifest.webmanifest", media_type="application/manifest+json")


@router.get("/sw.js")
def service_worker() -> Response:
    """Served from the root so its scope covers every page."""
    return FileResponse(
        STATIC / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )
