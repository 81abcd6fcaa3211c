"""Check-ins, progress and the red-flag screen: thin calls into ``supple.services``, the same
functions ``supple checkin``, ``supple progress`` and ``supple screen`` call, so a rule (what a
scale allows, when a red flag blocks sessions) lives there once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from supple import services
from supple.core import pain, safety
from supple.core.errors import InputError
from supple.services import Scope
from supple.web.api.record_models import Checkin, Progress, ok
from supple.web.deps import RequestScope, resolve_date
from supple.web.json_types import WHOLE_NUMBER, JsonBool, JsonDate, StoredText

checkins = APIRouter(prefix="/checkins", tags=["check-ins"])
progress = APIRouter(prefix="/progress", tags=["progress"])
screen = APIRouter(prefix="/screen", tags=["screen"])

Scale = Annotated[int, Field(ge=0, le=10, description="0 (none) to 10 (worst)"), WHOLE_NUMBER]
if TYPE_CHECKING:
    Quality = str
else:  # the one vocabulary of supple.core.pain, as the schema's enum
    Quality = Literal[tuple(pain.QUALITIES)]


class MorningCheckin(BaseModel):
    kind: Literal["morning"]
    on: JsonDate | None = Field(None, alias="date", description="YYYY-MM-DD; default today")
    pain: Scale
    stiffness: Scale


class SessionCheckin(BaseModel):
    kind: Literal["session"]
    on: JsonDate | None = Field(None, alias="date", description="YYYY-MM-DD; default today")
    before_pain: Scale | None = None
    before_stiffness: Scale | None = None
    after_pain: Scale | None = None
    rpe: Scale | None = Field(None, description="effort, 0 (rest) to 10 (maximal)")


class ExerciseCheckin(BaseModel):
    kind: Literal["exercise"]
    on: JsonDate | None = Field(None, alias="date", description="YYYY-MM-DD; default today")
    exercise: str = Field(..., min_length=1, max_length=80)
    pain: Scale | None = None
    hurt: JsonBool = False
    quality: Quality | None = None


class WeekCheckin(BaseModel):
    kind: Literal["week"]
    on: JsonDate | None = Field(None, alias="date", description="YYYY-MM-DD; default today")
    pain: Scale = Field(..., description="average pain over the past week")
    psfs: dict[Annotated[StoredText, Field(min_length=1, max_length=80)], Scale] | None = Field(
        None, description="activity → how well you can do it (0 unable – 10 as before)"
    )


NewCheckin = Annotated[
    MorningCheckin | SessionCheckin | ExerciseCheckin | WeekCheckin, Field(discriminator="kind")
]


class Answers(BaseModel):
    answers: dict[str, JsonBool] = Field(
        ...,
        description="question id → yes (true) or no (false); every question, no other",
        json_schema_extra={  # what post_screen and services.record_screen ask, in the schema
            "properties": {q.id: {"type": "boolean"} for q in safety.QUESTIONS},
            "required": [q.id for q in safety.QUESTIONS],
            "additionalProperties": False,
        },
    )


class Clearance(BaseModel):
    cleared_on: JsonDate = Field(..., description="the day a clinician said exercise is safe")


def _row_json(row: Any) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "date": row.on_date.isoformat(),
        "subject": row.subject or None,
        **(row.values or {}),
    }


CheckinKind = Literal["morning", "session", "exercise", "week"]


@checkins.get("", response_model=None, responses=ok(list[Checkin]))
def list_checkins(scope: RequestScope, kind: CheckinKind | None = None) -> list[dict[str, Any]]:
    """Every check-in, oldest first (optionally of one kind)."""
    return checkins_body(scope, kind)


def checkins_body(scope: Scope, kind: CheckinKind | None) -> list[dict[str, Any]]:
    """The subject's check-ins, oldest first: the client's own list and their clinician's."""
    return [_row_json(r) for r in services.list_checkins(scope, kind=kind)]


@checkins.post("", status_code=201)
def add_checkin(request: Request, scope: RequestScope, body: NewCheckin) -> dict[str, Any]:
    """Record a check-in; ``replaced`` says an earlier one of the same day was updated."""
    on = resolve_date(scope, body.on)
    result: dict[str, Any] = {"kind": body.kind, "date": on.isoformat()}
    if isinstance(body, MorningCheckin):
        result["replaced"] = services.record_morning(
            scope, on, pain=body.pain, stiffness=body.stiffness
        )
    elif isinstance(body, SessionCheckin):
        result["replaced"] = services.record_session(
            scope,
            on,
            before_pain=body.before_pain,
            before_stiffness=body.before_stiffness,
            after_pain=body.after_pain,
            rpe=body.rpe,
        )
    elif isinstance(body, ExerciseCheckin):
        rated = services.record_exercise(
            scope, on, body.exercise, pain=body.pain, hurt=body.hurt, quality=body.quality
        )
        result.update(
            exercise=rated.exercise.id,
            replaced=rated.replaced,
            stop=rated.stop_advice is not None,
            advice=rated.stop_advice,
        )
    else:
        replaced, first = services.record_week(scope, on, pain=body.pain, psfs=body.psfs)
        result.update(replaced=replaced, baseline=first)
    return result


@progress.get("", response_model=None, responses=ok(Progress))
def get_progress(request: Request, scope: RequestScope) -> dict[str, Any]:
    """Adherence, pain and stiffness trends, and the PSFS against its baseline (``supple
    progress --json``)."""
    return progress_body(scope)


def progress_body(scope: Scope) -> dict[str, Any]:
    """The subject's progress up to today: the client's own and their clinician's view."""
    return services.progress_json(services.progress(scope, services.today(scope)))


@screen.get("")
def get_screen(request: Request, scope: RequestScope) -> dict[str, Any]:
    """The red-flag questions, and whether a session may be offered today (and why not)."""
    on = services.today(scope)
    return {
        "questions": [
            {"id": q.id, "tier": q.tier, "tier_title": safety.TIER_TITLES[q.tier], "text": q.text}
            for q in safety.QUESTIONS
        ],
        "screened": services.screened(scope),
        "gate": _gate_json(scope, on),
    }


@screen.post("")
def post_screen(scope: RequestScope, body: Answers) -> dict[str, Any]:
    """Record a full set of answers; any yes blocks sessions until a clearance is recorded."""
    known = {q.id for q in safety.QUESTIONS}
    unknown = sorted(set(body.answers) - known)
    if unknown:
        raise InputError(f"unknown question id: {', '.join(unknown)}")
    result = services.record_screen(scope, body.answers)
    return {
        "clear": result.clear,
        "flagged": [q.id for q in result.flagged],
        "advice": None if result.clear else result.advice,
    }


@screen.post("/clearance", status_code=201)
def post_clearance(request: Request, scope: RequestScope, body: Clearance) -> dict[str, Any]:
    """Record the day a clinician said exercise is safe; the answer says if a block remains."""
    on = services.today(scope)
    services.record_clearance(scope, body.cleared_on)
    return {"cleared_on": body.cleared_on.isoformat(), "gate": _gate_json(scope, on)}


def _gate_json(scope: Scope, on: date) -> dict[str, str] | None:
    block = services.gate(scope, on)
    return block.as_json() if block else None
