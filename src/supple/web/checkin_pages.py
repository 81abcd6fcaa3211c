"""Check-ins (morning, before and after a session, weekly with the PSFS) and the progress page.
The rules and the storage are ``wellbeing``'s; the charts are drawn by pygal (server-side SVG,
no script)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from supple import wellbeing
from supple.charts import rating_chart
from supple.core.errors import InputError
from supple.web.deps import Ctx, first_run_redirect, today_for
from supple.web.pages import render

router = APIRouter(include_in_schema=False)
KINDS = ("morning", "before", "after", "week")


def _whole(value: Any, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise InputError(f"{what} must be a whole number from 0 to 10") from None


@router.get("/checkin")
def checkin_page(
    request: Request,
    ctx: Ctx,
    kind: str = Query("morning", pattern="^(morning|before|after|week)$"),
) -> Response:
    if redirect := first_run_redirect(ctx):
        return redirect
    baseline = wellbeing.psfs_baseline(ctx)
    return render(
        request, "checkin.html", "checkin", "Check-in", kind=kind, kinds=KINDS, baseline=baseline
    )


@router.post("/checkin")
async def checkin_save(request: Request, ctx: Ctx) -> Response:
    form = await request.form()
    kind = str(form.get("kind") or "")
    on = today_for(ctx, request.app.state.settings)
    if kind == "morning":
        wellbeing.record_morning(
            ctx,
            on,
            pain=_whole(form.get("pain"), "pain"),
            stiffness=_whole(form.get("stiffness"), "stiffness"),
        )
    elif kind in ("before", "after"):
        pain = _whole(form.get("pain"), "pain")
        rpe = _whole(form.get("rpe"), "effort") if kind == "after" else None
        if kind == "before":
            wellbeing.record_session(ctx, on, before_pain=pain)
        else:
            wellbeing.record_session(ctx, on, after_pain=pain, rpe=rpe)
    elif kind == "week":
        baseline = wellbeing.psfs_baseline(ctx) or {}
        psfs = {name: _whole(form.get(f"psfs:{name}"), name) for name in baseline}
        wellbeing.record_week(ctx, on, pain=_whole(form.get("pain"), "pain"), psfs=psfs or None)
    else:
        raise InputError("choose a check-in: morning, before, after or week")
    return RedirectResponse("/progress?saved=1", status_code=303)


@router.get("/progress")
def progress_page(request: Request, ctx: Ctx) -> Response:
    if redirect := first_run_redirect(ctx):
        return redirect
    on = today_for(ctx, request.app.state.settings)
    report = wellbeing.progress_json(wellbeing.progress(ctx, on))
    mornings = report["mornings"]
    chart = None
    if any(m["pain"] is not None or m["stiffness"] is not None for m in mornings):
        chart = rating_chart(
            "Morning pain and stiffness (0–10)",
            [m["date"][5:] for m in mornings],
            {
                "pain": [m["pain"] for m in mornings],
                "stiffness": [m["stiffness"] for m in mornings],
            },
        )
    return render(request, "progress.html", "progress", "Progress", report=report, chart=chart)
