"""A client's care for staff (clinic mode): the plan given, dose adjustments, private notes and
red-flag clearances under ``/api/v1/clients/{client_id}/…``, and the client's own ``GET
/api/v1/care`` (their clinicians and every change they made). Thin calls into
``services.prescribing``, ``care_team`` and ``care_notes``; "not yours" is 404 at the boundary.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from supple import services
from supple.core.access import Action
from supple.core.errors import InputError
from supple.core.prescribed import REASON_MAX, Adjustment
from supple.services import Scope, care_notes, care_team, prescribing
from supple.web.clinic_scope import ClientRecord, for_client
from supple.web.deps import RequestScope

router = APIRouter(prefix="/clients", tags=["prescribing"])
own = APIRouter(tags=["prescribing"])

Reason = Field(None, max_length=REASON_MAX, description="why, in words the client will read")


class PlanChange(BaseModel):
    plan_name: str
    source: str = Field(description="the bundled program, “template …” or “file …”")
    reason: str | None
    effective_on: date
    by: str | None
    at: datetime


class PlanNow(BaseModel):
    name: str = Field(description="the plan the client follows now")
    custom: bool = Field(description="false: the bundled program")
    changes: list[PlanChange] = Field(description="every plan given in the clinic, oldest first")


class GivePlan(BaseModel):
    """Exactly one of: ``bundled: true``, a ``template_id``, or a plan file's ``text``."""

    bundled: bool = False
    template_id: int | None = Field(None, ge=1)
    filename: str = Field("plan.yaml", min_length=1, max_length=200)
    text: str | None = Field(None, max_length=60_000, description="a plan file's YAML")
    reason: str | None = Reason


class Given(BaseModel):
    name: str


class AdjustmentOut(BaseModel):
    id: int
    exercise: str
    exercise_name: str
    from_date: date = Field(alias="from")
    ended_on: date | None = Field(description="the first day it no longer covers")
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    minutes: int | None
    locked: bool = Field(description="never raised above this dose; easing for pain still applies")
    reason: str
    by: str
    set_on: date
    status: Literal["upcoming", "in force", "ended", "replaced before it began"]
    text: str = Field(description="the change in the words the client reads")


class AdjustmentList(BaseModel):
    adjustments: list[AdjustmentOut] = Field(description="newest first")


class NewAdjustment(BaseModel):
    """One exercise's dose from a date; the values left out keep the plan's."""

    exercise: str = Field(min_length=1, max_length=64, description="an exercise id of the plan")
    from_date: date = Field(alias="from", description="the first day (today at the earliest)")
    reason: str = Field(min_length=1, max_length=REASON_MAX)
    sets: int | None = Field(None, ge=1, le=20)
    reps: int | None = Field(None, ge=1, le=200)
    hold_seconds: int | None = Field(None, ge=1, le=3600)
    minutes: int | None = Field(None, ge=1, le=180)
    locked: bool = False


class NoteOut(BaseModel):
    id: int
    body: str
    by: str | None
    at: datetime


class NoteList(BaseModel):
    notes: list[NoteOut] = Field(description="newest first")


class NewNote(BaseModel):
    body: str = Field(min_length=1, max_length=care_notes.NOTE_MAX)


class ClearanceOut(BaseModel):
    seen_on: date
    by: str
    at: datetime


class Clearances(BaseModel):
    blocked: str | None = Field(description="why no session is offered today, if none is")
    clearances: list[ClearanceOut] = Field(description="by the client's clinicians, newest first")


class NewClearance(BaseModel):
    seen_on: date = Field(description="the day the clinician saw the client (not in the future)")


class CareChange(BaseModel):
    kind: Literal["plan", "dose", "clearance"]
    day: date = Field(alias="date", description="the day it takes (or took) effect")
    by: str
    text: str
    at: datetime


class Care(BaseModel):
    clinicians: list[str]
    changes: list[CareChange] = Field(description="newest first")


def _adjustment(view: prescribing.AdjustmentView, plan_text: str) -> dict[str, Any]:
    a: Adjustment = view.adjustment
    return {
        "id": view.id,
        "exercise": a.exercise_id,
        "exercise_name": view.exercise_name,
        "from": a.from_date,
        "ended_on": a.ended_on,
        "sets": a.sets,
        "reps": a.reps,
        "hold_seconds": a.hold_seconds,
        "minutes": a.minutes,
        "locked": a.locked,
        "reason": a.reason,
        "by": a.by,
        "set_on": a.set_on,
        "status": view.status,
        "text": plan_text,
    }


def _words(scope: Scope, view: prescribing.AdjustmentView) -> str:
    program = services.program_for(services.get_profile(scope))
    plan = next(
        (
            i.dose
            for d in program.days
            for i in d.items
            if i.exercise_id == view.adjustment.exercise_id
        ),
        None,
    )
    if plan is None:
        return f"{view.exercise_name}: {view.adjustment.credit}"
    return view.adjustment.sentence(plan, view.exercise_name)


@router.get(
    "/{client_id}/plan", response_model=PlanNow, summary="The client's plan and who gave it"
)
def get_plan(scope: ClientRecord) -> dict[str, Any]:
    profile = services.get_profile(scope)
    return {
        "name": profile.plan_name,
        "custom": profile.plan_yaml is not None,
        "changes": [
            {
                "plan_name": c.plan_name,
                "source": c.source,
                "reason": c.reason,
                "effective_on": c.effective_on,
                "by": c.author,
                "at": c.created_at,
            }
            for c in prescribing.plan_changes(scope)
        ],
    }


@router.post(
    "/{client_id}/plan",
    response_model=Given,
    summary="Give the client the bundled program, a template or a plan file",
)
def give_plan(
    scope: Annotated[Scope, for_client(Action.PRESCRIBE)], body: GivePlan
) -> dict[str, Any]:
    """A plan file is checked by the loader ``supple plan validate`` uses (422 lists its
    problems by line). The client's running dose adjustments end today."""
    chosen = sum((body.bundled, body.template_id is not None, body.text is not None))
    if chosen != 1:
        raise InputError("give exactly one of bundled: true, a template_id or a plan's text")
    if body.bundled:
        program = prescribing.assign_bundled(scope, body.reason)
    elif body.template_id is not None:
        program = prescribing.assign_template(scope, body.template_id, body.reason)
    else:
        assert body.text is not None
        program = prescribing.assign_upload(
            scope, body.text.encode("utf-8"), body.filename, body.reason
        )
    return {"name": program.name}


@router.get(
    "/{client_id}/adjustments",
    response_model=AdjustmentList,
    response_model_by_alias=True,
    summary="Every dose adjustment made for the client",
)
def list_adjustments(scope: ClientRecord) -> dict[str, Any]:
    views = prescribing.list_adjustments(scope)
    return {"adjustments": [_adjustment(v, _words(scope, v)) for v in views]}


@router.post(
    "/{client_id}/adjustments",
    response_model=AdjustmentOut,
    response_model_by_alias=True,
    status_code=201,
    summary="Set one exercise's dose from a date, with a reason",
)
def adjust(
    scope: Annotated[Scope, for_client(Action.ADJUST_DOSE)], body: NewAdjustment
) -> dict[str, Any]:
    """A later adjustment of the same exercise ends the earlier one on its first day. Locked:
    automatic progression never raises the dose above this one (easing for pain still
    applies). A 422 names the field: an exercise not in the plan, a day in the past, reps for
    a held stretch."""
    prescribing.adjust_dose(
        scope,
        prescribing.DoseChange(
            body.exercise,
            body.from_date,
            body.reason,
            body.sets,
            body.reps,
            body.hold_seconds,
            body.minutes,
            body.locked,
        ),
    )
    view = prescribing.list_adjustments(scope)[0]
    return _adjustment(view, _words(scope, view))


@router.get(
    "/{client_id}/notes",
    response_model=NoteList,
    summary="Private notes about the client (staff only)",
)
def list_notes(scope: Annotated[Scope, for_client(Action.READ_PRIVATE_NOTES)]) -> dict[str, Any]:
    return {
        "notes": [
            {"id": n.id, "body": n.body, "by": n.author, "at": n.created_at}
            for n in care_notes.list_notes(scope)
        ]
    }


@router.post(
    "/{client_id}/notes", response_model=NoteOut, status_code=201, summary="Add a private note"
)
def add_note(
    scope: Annotated[Scope, for_client(Action.WRITE_PRIVATE_NOTES)], body: NewNote
) -> dict[str, Any]:
    note = care_notes.add_note(scope, body.body)
    return {"id": note.id, "body": note.body, "by": note.author, "at": note.created_at}


def _clearances(scope: Scope) -> dict[str, Any]:
    block = services.session_gate(scope, services.today(scope))
    view = care_team.care_view(scope)
    return {
        "blocked": block.reason if block else None,
        "clearances": [
            {"seen_on": c.day, "by": c.by, "at": c.at}
            for c in view.changes
            if c.kind == "clearance"
        ],
    }


@router.get(
    "/{client_id}/clearances",
    response_model=Clearances,
    summary="Whether a red flag blocks sessions, and the clearances by clinicians",
)
def list_clearances(scope: ClientRecord) -> dict[str, Any]:
    return _clearances(scope)


@router.post(
    "/{client_id}/clearances",
    response_model=Clearances,
    status_code=201,
    summary="Record that you saw the client and judged exercise safe",
)
def clear(
    scope: Annotated[Scope, for_client(Action.CLEAR_RED_FLAG)], body: NewClearance
) -> dict[str, Any]:
    """Sessions are offered again from ``seen_on``; the client reads your name beside it. The
    day must not be in the future nor before the answers it clears (422 says which)."""
    care_team.clear_red_flag(scope, body.seen_on)
    return _clearances(scope)


@own.get(
    "/care",
    response_model=Care,
    response_model_by_alias=True,
    summary="Your clinicians and every change they made, with reasons (clinic clients)",
)
def my_care(scope: RequestScope) -> dict[str, Any]:
    view = care_team.care_view(scope)
    return {
        "clinicians": view.clinicians,
        "changes": [
            {"kind": c.kind, "date": c.day, "by": c.by, "text": c.text, "at": c.at}
            for c in view.changes
        ],
    }
