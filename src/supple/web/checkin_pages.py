"""Check-ins (morning, before and after a session, weekly with the PSFS) and the progress page.
The rules and the storage are the services'; the charts are drawn by pygal (server-side SVG,
no script)."""

from __future__ import annotations

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
    return RedirectResponse("/progress?saved=1", status_code=303)


@router.get("/progress")
def progress_page(request: Request, scope: RequestScope) -> Response:
    if redirect := first_run_redirect(scope):
        return redirect
    on = services.today(scope)
    report = services.progress_json(services.progress(scope, on))
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
