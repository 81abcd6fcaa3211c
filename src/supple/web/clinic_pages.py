"""The caseload dashboard ``/clinic`` (clinic mode, staff): the needs-attention queue first, each
item with its reason, since when and a button to mark it seen; then every client with adherence
over 7 and 30 days, last session, and morning pain with a small two-week trend. The same
``services.caseload`` calls as ``GET /api/v1/clients``. And one client's page,
``/clinic/clients/{client_id}``, built from the same services the client's own pages use."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from supple import services
from supple.core import attention
from supple.core.access import Action
from supple.core.errors import InputError
from supple.exports.links import Links
from supple.services import Scope, caseload, record_visits
from supple.web.clinic_scope import (
    Caseload,
    ClientRecord,
    CurrentUser,
    for_client,
    offered,
    offered_on,
)
from supple.web.exports import report_response
from supple.web.pages import render

router = APIRouter(include_in_schema=False)

LABELS: dict[str, str] = {
    "red_flag": "Red flag",
    "pain_stop": "Stopped for pain",
    "pain_unsettled": "Pain not settled",
    "pain_rising": "Pain rising",
    "adherence_drop": "Adherence dropping",
    "inactive": "No recent session",
}
TREND_W, TREND_H = 96, 28


def since_words(since: str) -> str:
    """An item's since as the page says it: "Tue 3 Nov" (a red flag's moment by its day)."""
    return attention.said(date.fromisoformat(since[:10]))


def trend(values: tuple[int | None, ...]) -> dict[str, Any] | None:
    """The two-week trend as an SVG polyline on the fixed 0–10 scale (gaps break the line),
    with the same values in words for a screen reader."""
    if not any(v is not None for v in values):
        return None
    step = TREND_W / max(1, len(values) - 1)
    lines: list[list[str]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if lines[-1]:
                lines.append([])
            continue
        y = TREND_H - 2 - (TREND_H - 4) * value / 10
        lines[-1].append(f"{i * step:.1f},{y:.1f}")
    words = ", ".join("none" if v is None else str(v) for v in values)
    return {
        "lines": [" ".join(points) for points in lines if points],
        "dots": [
            (f"{i * step:.1f}", f"{TREND_H - 2 - (TREND_H - 4) * v / 10:.1f}")
            for i, v in enumerate(values)
            if v is not None
            and (i == 0 or values[i - 1] is None)
            and (i + 1 == len(values) or values[i + 1] is None)
        ],
        "label": f"Morning pain over the last {len(values)} days, oldest first: {words}",
        "width": TREND_W,
        "height": TREND_H,
    }


def share_words(counts: tuple[int, int]) -> str:
    done, planned = counts
    share = attention.share(done, planned)
    return "—" if share is None else f"{share} %"


@router.get("/clinic")
def dashboard(
    request: Request,
    scope: Caseload,
    me: CurrentUser,
    after: Annotated[str | None, Query(max_length=600)] = None,
    before: Annotated[str | None, Query(max_length=600)] = None,
) -> Response:
    return _dashboard(request, scope, me, after=after, before=before)


def _dashboard(
    request: Request,
    scope: Scope,
    me: Any,
    problem: str | None = None,
    status: int = 200,
    after: str | None = None,
    before: str | None = None,
) -> Response:
    """A clinician's whole caseload; an admin's practice a page at a time (keyset, by name),
    each page with its own needs-attention items first."""
    page = None
    if scope.actor.role == "admin" or after or before:
        page = caseload.caseload_page(scope, limit=caseload.PAGE, after=after, before=before)
        rows = page.rows
    else:
        rows = caseload.caseload(scope)
    queue = caseload.queue(rows)
    response = render(
        request,
        "clinic.html",
        "clinic",
        "Caseload",
        me=me,
        rows=rows,
        queue=queue,
        can_by_client=offered_on(request, {row.client_id for row, _ in queue}),
        labels=LABELS,
        since_words=since_words,
        said=attention.said,
        trend=trend,
        share_words=share_words,
        problem=problem,
        page=page,
    )
    response.status_code = status
    return response


@router.post("/clinic/clients/{client_id}/acknowledge")
def acknowledge(
    request: Request,
    scope: Annotated[Scope, for_client(Action.ACKNOWLEDGE_ALERT)],
    me: CurrentUser,
    kind: Annotated[str, Form(max_length=32)],
    since: Annotated[str, Form(max_length=32)],
) -> Response:
    """Mark one item seen and go back to the queue; an item that has ended meanwhile is said
    so above the queue (409), with nothing recorded."""
    try:
        caseload.acknowledge(scope, scope.require_subject(), kind, since)
    except InputError as problem:
        practice = Scope(scope.store, scope.actor, None, scope.clock)
        return _dashboard(request, practice, me, str(problem), status=409)
    return RedirectResponse("/clinic#queue", status_code=303)


HISTORY_ROWS = 14  # the newest sessions the client page lists
CHECKIN_DAYS = 14


@router.get("/clinic/clients/{client_id}")
def client_page(request: Request, scope: ClientRecord, me: CurrentUser) -> Response:
    """One client as their clinician follows them: what needs a look, today and the week as
    the client sees them, sessions, progress with every dose change and its reason, check-ins,
    the report, and who has looked at the record."""
    from supple.services import sessions
    from supple.web.checkin_pages import MARKS, morning_charts

    if not me.is_staff:  # a client's own record is on their own pages
        return RedirectResponse("/", status_code=303)
    client_id = scope.require_subject()
    row = caseload.client_row(scope, client_id)
    context: dict[str, Any] = {
        "row": row,
        "labels": LABELS,
        "since_words": since_words,
        "can": offered(request, client_id),
    }
    if row.started is not None:
        on = services.today(scope)
        progress = services.progress(scope, on)
        report = services.progress_json(progress)
        history = sessions.history(scope)
        first = on - timedelta(days=CHECKIN_DAYS - 1)
        context |= {
            "on": on,
            "today": services.day(scope, on),
            "gate": services.session_gate(scope, on),
            "week": services.week(scope, on),
            "done": {s["date"] for s in history if s["completed_steps"]},
            "history": list(reversed(history))[:HISTORY_ROWS],
            "report": report,
            "charts": morning_charts(report["mornings"]),
            "grid": progress.adherence.days[-8:],
            "marks": MARKS,
            "checkins": [
                c for c in reversed(services.list_checkins(scope, until=on)) if c.on_date >= first
            ],
        }
    context["visits"] = record_visits.visits(scope)
    return render(request, "clinic_client.html", "clinic", row.name, me=me, **context)


@router.get("/clinic/clients/{client_id}/report")
def client_report(
    request: Request,
    scope: ClientRecord,
    me: CurrentUser,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    format: Literal["html", "pdf", "fhir"] = "html",
) -> Response:
    """The clinician report of this client (page, PDF or FHIR), as the client's own /report
    (where a client asking here for their own is sent)."""
    if not me.is_staff:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/report{query}", status_code=303)
    links = Links(request.app.state.settings.base_url, own=False)  # the client's pages aren't
    return report_response(scope, start, end, format, links)
