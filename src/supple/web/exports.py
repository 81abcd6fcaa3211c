"""Exports on the web: the calendar feed, the printable plan, the clinician report and the
backup. Each route calls the same ``supple.exports`` function as the matching CLI command."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from supple import services
from supple.core.limits import CALENDAR_WEEKS
from supple.exports import ics
from supple.exports.links import Links
from supple.services import Scope
from supple.web.deps import RequestScope, resolve_date

router = APIRouter(tags=["exports"])


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/calendar.ics", response_class=Response)
def calendar_feed(
    request: Request,
    scope: RequestScope,
    weeks: Annotated[int, Query(ge=CALENDAR_WEEKS[0], le=CALENDAR_WEEKS[1])] = 4,
    alarm_minutes: Annotated[int, Query(ge=0, le=1440)] = 10,
    movement_breaks: bool = False,
    break_every: Annotated[int, Query(ge=10, le=240)] = 30,
    break_hours: Annotated[str, Query(pattern=ics.BREAK_HOURS_PATTERN)] = "09:00-17:00",
    break_days: Annotated[str, Query(pattern=ics.BREAK_DAYS_PATTERN, max_length=200)] = "mon-fri",
) -> Response:
    """The sessions as an iCalendar feed to subscribe to (same events as `supple export ics`)."""
    options = ics.CalendarOptions(
        weeks=weeks,
        alarm_minutes=alarm_minutes,
        base_url=request.app.state.settings.base_url,
        breaks=ics.parse_breaks(break_every, break_hours, break_days) if movement_breaks else None,
    )
    start = services.today(scope)
    body = ics.export_calendar(scope, options, start=start)
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get("/plan.pdf", response_class=Response, include_in_schema=False)
def plan_pdf(
    request: Request,
    scope: RequestScope,
    paper: Literal["a4", "letter"] = "a4",
    on: Annotated[date | None, Query(alias="date")] = None,
) -> Response:
    """The printable plan (what the Print button downloads)."""
    from supple.exports import printable

    when = resolve_date(scope, on)
    pdf = printable.export_pdf(scope, when, paper, request.app.state.settings.base_url)
    return Response(pdf, media_type="application/pdf", headers=_attachment("supple-plan.pdf"))


@router.get("/print", response_class=HTMLResponse, include_in_schema=False)
def plan_print(
    request: Request,
    scope: RequestScope,
    paper: Literal["a4", "letter"] = "a4",
    on: Annotated[date | None, Query(alias="date")] = None,
) -> HTMLResponse:
    """The printable plan as a page, for the browser's own Print."""
    from supple.exports import printable

    when = resolve_date(scope, on)
    base_url = request.app.state.settings.base_url
    return HTMLResponse(printable.render_html(printable.sheet(scope, when, paper, base_url)))


@router.get("/report", response_class=Response, include_in_schema=False)
def clinician_report(
    request: Request,
    scope: RequestScope,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    format: Literal["html", "pdf", "fhir"] = "html",
) -> Response:
    """The clinician report (same as `supple report`)."""
    links = Links(request.app.state.settings.base_url, own=True)
    return report_response(scope, start, end, format, links)


def report_response(
    scope: Scope,
    start: date | None,
    end: date | None,
    format: Literal["html", "pdf", "fhir"],
    links: Links,
) -> Response:
    """The report of the scope's subject as a page, a PDF or a FHIR bundle: the person's own
    ``/report`` and their clinician's ``/clinic/clients/{client_id}/report`` alike. Its links
    are built from the configured base URL, never the request's Host."""
    from supple.exports import report

    # report.build checks both ends against the window of dates (core.limits)
    data = report.build(scope, start, end or services.today(scope))
    if format == "fhir":
        from supple.exports.fhir import bundle

        return JSONResponse(
            bundle(data),
            media_type="application/fhir+json",
            headers=_attachment("supple-report.fhir.json"),
        )
    if format == "pdf":
        return Response(
            report.render_pdf(data, links),
            media_type="application/pdf",
            headers=_attachment("supple-report.pdf"),
        )
    return HTMLResponse(report.render_html(data, links))


@router.get("/export.json", response_class=JSONResponse, include_in_schema=False)
def backup(scope: RequestScope) -> JSONResponse:
    """Everything, as `supple export json` writes it."""
    from supple.exports.backup import export_data

    return JSONResponse(export_data(scope), headers=_attachment("supple-backup.json"))
