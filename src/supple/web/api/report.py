"""The clinician report as data: ``GET /api/v1/report`` for the signed-in person (their own,
as ``/report`` shows it), as JSON or as the FHIR bundle ``/report?format=fhir`` downloads. The
clinician's ``/api/v1/clients/{client_id}/report`` calls the same :func:`report_body`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from supple import services
from supple.exports.links import Links
from supple.services import Scope
from supple.web.api.record_models import ReportOut
from supple.web.deps import RequestScope
from supple.web.exports import report_response

router = APIRouter(prefix="/report", tags=["report"])

From = Annotated[date | None, Query(alias="from", description="YYYY-MM-DD; default: the start")]
To = Annotated[date | None, Query(alias="to", description="YYYY-MM-DD; default: today")]
Format = Annotated[
    Literal["json", "fhir"],
    Query(description="json: the report's data; fhir: a FHIR R4 Bundle (application/fhir+json)"),
]
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report (format=json), or a FHIR R4 Bundle (format=fhir)",
        "model": ReportOut,
        "content": {"application/fhir+json": {"schema": {"type": "object"}}},
    },
    422: {"description": "A date outside the window, or nothing recorded in the period"},
}


def report_body(
    request: Request, scope: Scope, start: date | None, end: date | None, format: str
) -> dict[str, Any] | Response:
    """The subject's report over a period: the data as JSON, or the FHIR bundle (the very
    response of ``/report?format=fhir``). Its links use the configured base URL."""
    if format == "fhir":
        links = Links(request.app.state.settings.base_url, own=scope.actor.role == "client")
        return report_response(scope, start, end, "fhir", links)
    from supple.exports import report
    from supple.exports.report_json import report_json

    return report_json(report.build(scope, start, end or services.today(scope)))


@router.get("", response_model=None, responses=ANSWERS, summary="Your clinician report")
def get_report(
    request: Request,
    scope: RequestScope,
    start: From = None,
    end: To = None,
    format: Format = "json",
) -> Any:
    """The report ``supple report`` writes, over ``from``–``to`` (default: the program so far).
    A period with nothing recorded is a 422 that says so."""
    return report_body(request, scope, start, end, format)
