"""The caseload for staff (clinic mode): every client of the signed-in clinician (an admin's:
the practice's) with adherence, last session, morning pain and the needs-attention items, and
acknowledging one item. Thin calls into ``services.caseload``; the rules are
``core.attention``'s, described in docs/needs-attention.md."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from supple.core import attention
from supple.core.access import Action
from supple.services import Scope, caseload
from supple.web.clinic_scope import Caseload, for_client

router = APIRouter(prefix="/clients", tags=["caseload"])
MAX = caseload.MAX_PAGE

if TYPE_CHECKING:
    Kind = str
else:  # the kinds of core.attention, as the schema's enum
    Kind = Literal[attention.KINDS]


class Item(BaseModel):
    """One needs-attention item: its kind, why in plain words, and since when (a date, or for
    a red flag the moment of the answer, UTC)."""

    kind: Kind
    reason: str
    since: str


class Seen(Item):
    """An item someone on the staff has acknowledged: who and when."""

    by: str | None
    at: datetime


class LatestPain(BaseModel):
    on: date = Field(alias="date", description="the newest morning check-in's date")
    pain: int = Field(description="its pain, 0 to 10")
    trend_14d: list[int | None] = Field(
        description="morning pain over the 14 days up to today, oldest first (null: none given)"
    )


class ClientRow(BaseModel):
    client_id: int
    name: str
    adherence_7d: int | None = Field(
        description="sessions done over sessions planned in the last 7 days, in % (null: none "
        "planned; today counts once done)"
    )
    adherence_30d: int | None = Field(description="the same over 30 days")
    last_session: date | None
    latest_pain: LatestPain | None
    needs_attention: bool = Field(description="true when an item waits for a look")
    flags: list[Item] = Field(description="the items waiting for a look, most urgent kind first")
    acknowledged: list[Seen] = Field(description="items still open that someone has seen")


class ClientList(BaseModel):
    clients: list[ClientRow]
    next: str | None = Field(
        None, description="the cursor of the next page (pass it as after=), null on the last"
    )
    previous: str | None = Field(
        None, description="the cursor of the page before (pass it as before=), null on the first"
    )


class Acknowledge(BaseModel):
    kind: Kind
    since: str = Field(min_length=1, max_length=32, description="the item's since, as listed")


class Acknowledged(Seen):
    new: bool = Field(description="false when it had been acknowledged already (that one stays)")


@router.get(
    "",
    response_model=ClientList,
    response_model_by_alias=True,
    summary="The caseload, with the needs-attention items",
)
def list_clients(
    scope: Caseload,
    limit: Annotated[int | None, Query(description=f"clients per page, 1 to {MAX}")] = None,
    after: Annotated[str | None, Query(max_length=600, description="a next cursor")] = None,
    before: Annotated[str | None, Query(max_length=600, description="a previous cursor")] = None,
) -> dict[str, Any]:
    """A clinician's assigned clients, or every client for an admin, by name. An admin's list
    comes a page at a time (``limit``, 50 unless given; ``after``/``before`` a cursor of a
    page before); a clinician's whole caseload at once unless they ask for a page."""
    if scope.actor.role == "admin" or limit is not None or after or before:
        page = caseload.caseload_page(
            scope, limit=caseload.PAGE if limit is None else limit, after=after, before=before
        )
        return caseload.caseload_json(page.rows) | {"next": page.next, "previous": page.previous}
    return caseload.caseload_json(caseload.caseload(scope)) | {"next": None, "previous": None}


@router.post(
    "/{client_id}/acknowledgements",
    response_model=Acknowledged,
    status_code=201,
    summary="Acknowledge one needs-attention item",
    responses={200: {"description": "It had been acknowledged already", "model": Acknowledged}},
)
def acknowledge(
    scope: Annotated[Scope, for_client(Action.ACKNOWLEDGE_ALERT)],
    body: Acknowledge,
    response: Response,
) -> dict[str, Any]:
    """Record that the signed-in clinician has seen the item (kind and since as listed). A 422
    names the item when it is not open (it may have ended since it was listed)."""
    done = caseload.acknowledge(scope, scope.require_subject(), body.kind, body.since)
    if not done.new:
        response.status_code = 200
    return {
        "kind": done.flag.kind,
        "reason": done.flag.reason,
        "since": done.flag.since,
        "by": done.ack.by,
        "at": done.ack.at,
        "new": done.new,
    }
