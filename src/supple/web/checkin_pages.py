"""Check-ins (morning, before and after a session, weekly with the PSFS) and the progress page.
The rules and the storage are the services'; the charts are drawn by pygal (server-side SVG,
no script)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from supple import services
from supple.charts import rating_chart
from supple.core.errors import InputError
from supple.web.deps import RequestScope, first_run_redirect
from supple.web.forms import whole
from supple.web.pages import render

router = APIRouter(include_in_schema=False)
KINDS = ("morning", "before", "after", "week")


@router.get("/checkin")
def checkin_page(
    request: Request,
    scope: RequestScope,
    kind: str = Query("morning", pattern="^(morning|before|after|week)$"),
) -> Response:
    if redirect := first_run_redirect(scope):
        return redirect
    baseline = services.psfs_baseline(scope)
    return render(
        request, "checkin.html", "checkin", "Check-in", kind=kind, kinds=KINDS, baseline=baseline
    )


@router.post("/checkin")
async def checkin_save(request: Request, scope: RequestScope) -> Response:
    form = await request.form()
    kind = str(form.get("kind") or "")
    on = services.today(scope)
    if kind == "morning":
        services.record_morning(
            scope,
            on,
            pain=whole(form.get("pain"), "pain"),
            stiffness=whole(form.get("stiffness"), "stiffness"),
        )
    elif kind in ("before", "after"):
        pain = whole(form.get("pain"), "pain")
        rpe = whole(form.get("rpe"), "effort") if kind == "after" else None
        if kind == "before":
            services.record_session(scope, on, before_pain=pain)
        else:
            services.record_session(scope, on, after_pain=pain, rpe=rpe)
    elif kind == "week":
        baseline = services.psfs_baseline(scope) or {}
        psfs = {name: whole(form.get(f"psfs:{name}"), name) for name in baseline}
        services.record_week(scope, on, pain=whole(form.get("pain"), "pain"), psfs=psfs or None)
    else:
        raise InputError("choose a check-in: morning, before, after or week")
    if kind == "morning":  # the morning's check-in comes before the day's session
        return RedirectResponse("/?saved=morning", status_code=303)
    return RedirectResponse("/progress?saved=1", status_code=303)


@router.get("/progress")
def progress_page(request: Request, scope: RequestScope) -> Response:
    if redirect := first_run_redirect(scope):
        return redirect
    on = services.today(scope)
    progress = services.progress(scope, on)
    report = services.progress_json(progress)
    return render(
        request,
        "progress.html",
        "progress",
        "Progress",
        report=report,
        charts=morning_charts(report["mornings"]),
        grid=progress.adherence.days[-GRID_WEEKS:],
        marks=MARKS,
    )


GRID_WEEKS = 8  # the adherence picture shows the last eight program weeks
MARKS = {"done": "Done", "missed": "Missed", "today": "Today, still to do", "rest": "Rest day"}


def morning_charts(mornings: list[dict[str, Any]]) -> dict[str, str] | None:
    """The mornings drawn twice, for a phone's width and a wider screen (the page shows one)."""
    from datetime import date

    if not any(m["pain"] is not None or m["stiffness"] is not None for m in mornings):
        return None
    labels = [
        f"{date.fromisoformat(m['date']).day} {date.fromisoformat(m['date']):%b}" for m in mornings
    ]
    series: dict[str, Sequence[float | None]] = {
        "pain": [m["pain"] for m in mornings],
        "stiffness": [m["stiffness"] for m in mornings],
    }
    title = "Morning pain and stiffness (0–10)"
    return {
        medium: rating_chart(title, labels, series, medium=medium) for medium in ("phone", "screen")
    }
