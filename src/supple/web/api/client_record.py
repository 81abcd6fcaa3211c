"""One client's record for their clinician (and the practice's admins), read-only, under
``/api/v1/clients/{client_id}/…``: today, the week, sessions, check-ins, progress, the report
and who has looked at the record. Each answers exactly what the client's own route answers
(``/api/v1/today`` …), because each calls the same body function; only the scope differs
(``for_client``: "not yours" and "not there" are the same 404, and each read is logged). Staff
start no session and record no check-in for a client: there are no such writes here.

The client's own ``GET /api/v1/access-log`` (who looked at my record) is here too, beside the
staff's view of the same log.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request

from supple.core.access import Action
from supple.services import Scope, record_visits, sessions
from supple.web.api.days import today_body, week_body
from supple.web.api.record_models import (
    AccessLog,
    Checkin,
    Day,
    Progress,
    SessionOut,
    SessionSummary,
    Week,
    ok,
)
from supple.web.api.report import ANSWERS as REPORT_ANSWERS
from supple.web.api.report import Format, From, To, report_body
from supple.web.api.sessions import one_session
from supple.web.api.wellbeing import CheckinKind, checkins_body, progress_body
from supple.web.clinic_scope import ClientRecord, for_client
from supple.web.deps import DateQuery, RequestScope

router = APIRouter(prefix="/clients", tags=["client record"])
own = APIRouter(prefix="/access-log", tags=["access log"])
LogReader = Annotated[Scope, for_client(Action.READ_ACCESS_LOG)]
_MISSING: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such client, or not one of yours (the same answer)"}
}


@router.get(
    "/{client_id}/today",
    response_model=None,
    responses={**ok(Day), **_MISSING},
    summary="The client's day, as GET /api/v1/today answers them",
)
def client_today(scope: ClientRecord, on: DateQuery = None) -> dict[str, Any]:
    return today_body(scope, on)


@router.get(
    "/{client_id}/week",
    response_model=None,
    responses={**ok(Week), **_MISSING},
    summary="The client's week, as GET /api/v1/week answers them",
)
def client_week(scope: ClientRecord, on: DateQuery = None) -> dict[str, Any]:
    return week_body(scope, on)


@router.get(
    "/{client_id}/sessions",
    response_model=None,
    responses={**ok(list[SessionSummary]), **_MISSING},
    summary="The client's sessions, oldest first",
)
def client_sessions(scope: ClientRecord) -> list[dict[str, Any]]:
    return sessions.history(scope)


@router.get(
    "/{client_id}/sessions/{session_id}",
    response_model=None,
    responses={**ok(SessionOut), 404: {"description": "No such session of this client"}},
    summary="One of the client's sessions",
)
def client_session(scope: ClientRecord, session_id: str) -> dict[str, Any]:
    """Another client's session id answers 404, like one that never existed."""
    return one_session(scope, session_id)


@router.get(
    "/{client_id}/checkins",
    response_model=None,
    responses={**ok(list[Checkin]), **_MISSING},
    summary="The client's check-ins, oldest first",
)
def client_checkins(scope: ClientRecord, kind: CheckinKind | None = None) -> list[dict[str, Any]]:
    return checkins_body(scope, kind)


@router.get(
    "/{client_id}/progress",
    response_model=None,
    responses={**ok(Progress), **_MISSING},
    summary="The client's progress, as GET /api/v1/progress answers them",
)
def client_progress(scope: ClientRecord) -> dict[str, Any]:
    return progress_body(scope)


@router.get(
    "/{client_id}/report",
    response_model=None,
    responses={**REPORT_ANSWERS, **_MISSING},
    summary="The client's clinician report (JSON or FHIR)",
)
def client_report(
    request: Request,
    scope: ClientRecord,
    start: From = None,
    end: To = None,
    format: Format = "json",
) -> Any:
    return report_body(request, scope, start, end, format)


@router.get(
    "/{client_id}/access-log",
    response_model=None,
    responses={**ok(AccessLog), **_MISSING},
    summary="Who else read or changed the client's record, newest first",
)
def client_access_log(scope: LogReader) -> dict[str, Any]:
    return record_visits.visits_json(record_visits.visits(scope))


@own.get(
    "",
    response_model=None,
    responses=ok(AccessLog),
    summary="Who looked at your record: when, who, what (clinic clients)",
)
def my_access_log(scope: RequestScope) -> dict[str, Any]:
    """Every read of your record by the practice's staff and every change they made, newest
    first, in plain words; your own actions are left out."""
    return record_visits.visits_json(record_visits.visits(scope))
