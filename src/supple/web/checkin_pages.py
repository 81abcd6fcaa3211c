"""Check-ins (morning, before and after a session, weekly with the PSFS) and the progress page.
The rules and the storage are ``wellbeing``'s; the charts are drawn by pygal (server-side SVG,
no script)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from supple import wellbeing
from supple.core.errors import InputError
from supple.web.deps import Ctx, today_for
from supple.web.pages import _needs_first_run, render

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
    if _needs_first_run(ctx):
        return RedirectResponse("/start", status_code=303)
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


def _chart(title: str, labels: list[str], series: dict[str, list[float | None]]) -> str:
    import pygal
    from pygal.style import Style

    style = Style(
        background="transparent",
        plot_background="transparent",
        foreground="currentColor",
        foreground_strong="currentColor",
        foreground_subtle="#8a958f",
        colors=("#0b8f6b", "#c2410c", "#2563eb"),
        font_family="system-ui, sans-serif",
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        title_font_size=16,
    )
    chart = pygal.Line(
        style=style,
        js=[],
        width=640,
        height=300,
        range=(0, 10),
        show_dots=True,
        x_label_rotation=0,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(labels) // 6),
        legend_at_bottom=True,
        disable_xml_declaration=True,
        explicit_size=False,
        title=title,
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    svg: str = chart.render(is_unicode=True)
    return svg.replace("<svg ", '<svg role="img" aria-label="' + title + '" ', 1)


@router.get("/progress")
def progress_page(request: Request, ctx: Ctx) -> Response:
    if _needs_first_run(ctx):
        return RedirectResponse("/start", status_code=303)
    on = today_for(ctx, request.app.state.settings)
    report = wellbeing.progress_json(wellbeing.progress(ctx, on))
    mornings = report["mornings"]
    chart = None
    if any(m["pain"] is not None or m["stiffness"] is not None for m in mornings):
        chart = _chart(
            "Morning pain and stiffness (0–10)",
            [m["date"][5:] for m in mornings],
            {
                "pain": [m["pain"] for m in mornings],
                "stiffness": [m["stiffness"] for m in mornings],
            },
        )
    return render(request, "progress.html", "progress", "Progress", report=report, chart=chart)
