"""Guided sessions and their events. Every event carries an id the browser made, so a retry
(or a queue flushed after a time offline) stores it once: never lost, never doubled."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from supple import services
from supple.core import pain
from supple.core.errors import SuppleError
from supple.core.fit import MAX_BUDGET, MIN_BUDGET, Choices
from supple.core.player import RecordedKind
from supple.core.timeline import to_json
from supple.services import Scope, sessions
from supple.web.api.record_models import SessionOut, SessionSummary, ok
from supple.web.clinic_guard import DeferredBearer, deferred_bearer
from supple.web.deps import RequestScope, request_scope, resolve_date
from supple.web.json_types import (
    WHOLE_NUMBER,
    JsonBool,
    JsonDate,
    JsonDateTime,
    JsonInt,
    JsonNumber,
    StoredText,
)

router = APIRouter(prefix="/sessions", tags=["sessions"])

EventKind = RecordedKind  # the kinds a client may store: the player's own, less spoken cues


if TYPE_CHECKING:
    Quality = str
else:  # the one vocabulary of supple.core.pain, as the schema's enum
    Quality = Literal[tuple(pain.QUALITIES)]


class NewSession(BaseModel):
    on: JsonDate | None = Field(None, alias="date", description="the session's date; default today")
    minutes: Annotated[int, Field(ge=MIN_BUDGET, le=MAX_BUDGET), WHOLE_NUMBER] | None = Field(
        None, description="fit the day into this many minutes"
    )
    without: list[Literal["bench", "roller", "weights"]] = Field(
        default_factory=list, max_length=3, description="props the person does not have today"
    )


MAX_STEP = 10_000
_STEP = {"type": "integer", "minimum": 0, "maximum": MAX_STEP}


def _step_rule() -> dict[str, Any]:
    """``sessions.check_step`` in the schema: a step's completion or skip names its step."""
    others = [k for k in get_args(RecordedKind) if k not in sessions.STEP_EVENTS]
    return {
        "anyOf": [
            {"properties": {"kind": {"enum": others}}},
            {"required": ["step_index"], "properties": {"step_index": _STEP}},
        ]
    }


class NewEvent(BaseModel):
    model_config = ConfigDict(json_schema_extra=_step_rule())
    id: str = Field(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9:_-]+$")
    kind: EventKind
    step_index: Annotated[int, Field(ge=0, le=MAX_STEP), WHOLE_NUMBER] | None = None
    at: JsonDateTime | None = None
    data: dict[StoredText, StoredText | JsonInt | JsonNumber | JsonBool | None] | None = None


class EventStored(BaseModel):
    id: str
    stored: bool


class Rating(BaseModel):
    exercise: str = Field(..., min_length=1, max_length=64)
    pain: Annotated[int, Field(ge=0, le=10), WHOLE_NUMBER] = Field(
        ..., description="0 (none) to 10 (worst imaginable)"
    )
    hurt: JsonBool = False
    quality: Quality | None = None


def session_json(session: sessions.Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "date": session.on.isoformat(),
        "week": session.week,
        "day": session.day,
        "finished": session.finished_at is not None,
        "stopped_reason": session.stopped_reason,
        "resume_point": session.resume_point,
        "completed": sorted(session.completed),
        "skipped": sorted(session.skipped),
        **to_json(session.timeline),
        "fit": session.fit,
    }


# Registered first: routes are matched in order, and this one is asked for most often.
_EVENT_ANSWERS: dict[int | str, dict[str, Any]] = {
    201: {"description": "Stored now", "model": EventStored},
    200: {"description": "That event id was already stored", "model": EventStored},
    404: {"description": "No such session"},
    422: {"description": "The body names the field and the reason"},
}


@router.post(
    "/{session_id}/events",
    status_code=201,
    response_model=EventStored,
    responses=_EVENT_ANSWERS,
    openapi_extra={
        "parameters": [
            {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": NewEvent.model_json_schema()}},
        },
    },
)
async def post_event(request: Request) -> Response:
    """Store one event and answer once it is committed; 200 with ``stored: false`` when that id
    was already stored.

    The player posts one of these every few seconds, so this route is kept lean: the body is
    validated straight from its bytes and the session id read from the path (the OpenAPI
    document still describes both, through ``openapi_extra``), the scope is built without a
    dependency (once the person is known it costs no query), and the write is handed to the
    store's one writer, which commits a burst of events in one transaction. A post with an API
    token in a clinic first goes as one statement that checks the token too (``_by_token``).
    """
    body = _parsed(await request.body())
    deferred = deferred_bearer(request.scope)
    if deferred is not None:  # the token is asked about before the body's faults are told
        if isinstance(body, NewEvent) and await _by_token(request, deferred, body):
            return _answer(body.id, True)
        refusal = await deferred.sign_in()
        if refusal is not None:
            return refusal
    if not isinstance(body, NewEvent):
        raise body
    scope = await request_scope(request)
    write = sessions.posted_event(
        scope,
        request.path_params["session_id"],
        body.kind,
        body.step_index,
        data=body.data,
        event=body.id,
        at=body.at,
    )
    return _answer(body.id, await sessions.record_posted(scope, write))


def _parsed(raw: bytes) -> NewEvent | RequestValidationError:
    """The posted event, or the 422 its faults make (each located in the body)."""
    try:
        return NewEvent.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        return RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors])


async def _by_token(request: Request, deferred: DeferredBearer, body: NewEvent) -> bool:
    """Whether the event went in with its token checked by the insert itself
    (``services.sessions.token_posted_event``); False when it did not or could not go that way
    (a token that is not valid, someone else's session, a duplicate, a closing event, a step
    event without its step): the usual way then answers, with the usual words."""
    roots = request.app.state.roots
    try:
        write = sessions.token_posted_event(
            roots.store,
            roots.clock,
            deferred.token,
            request.path_params["session_id"],
            body.kind,
            body.step_index,
            data=body.data,
            event=body.id,
            at=body.at,
            what=deferred.what_stored,
            address=deferred.address,
        )
    except SuppleError:
        return False
    return write is not None and await sessions.record_token_posted(roots.store, write)


def _answer(event_id: str, stored: bool) -> Response:
    content = b'{"id":' + json.dumps(event_id).encode() + b',"stored":'
    return Response(
        content + (b"true}" if stored else b"false}"),
        status_code=201 if stored else 200,
        media_type="application/json",
    )


@router.get("", response_model=None, responses=ok(list[SessionSummary]))
def list_sessions(scope: RequestScope) -> list[dict[str, Any]]:
    """Every session with its counts, oldest first (``supple history --json``)."""
    return sessions.history(scope)


@router.post("", status_code=201, response_model=None, responses=ok(SessionOut, 201))
def start_session(request: Request, scope: RequestScope, body: NewSession) -> dict[str, Any]:
    """Open the day's session, or hand back the unfinished one so the player resumes it.
    ``minutes`` and ``without`` fit a new session to the person's time and props
    (docs/session-fitting.md); an unfinished one goes on as it was started."""
    on = resolve_date(scope, body.on)
    found = sessions.find_unfinished(scope, on)
    if found is None:
        choices = Choices(body.minutes, frozenset(body.without))
        found = sessions.start(scope, sessions.fitted_day(scope, on, choices), on)
    return session_json(found)


@router.get("/{session_id}", response_model=None, responses=ok(SessionOut))
def get_session(scope: RequestScope, session_id: str) -> dict[str, Any]:
    return one_session(scope, session_id)


def one_session(scope: Scope, session_id: str) -> dict[str, Any]:
    """One session of the scope's subject with its timeline and progress; another person's
    session is "no session", exactly like one that never existed."""
    return session_json(sessions.load(scope, session_id))


@router.post("/{session_id}/ratings")
def rate(scope: RequestScope, session_id: str, body: Rating) -> dict[str, Any]:
    """How an exercise felt when it ended; the answer says whether the session must stop."""
    on = sessions.session_date(scope, session_id)
    services.rate_exercise(
        scope, on, body.exercise, pain=body.pain, hurt=body.hurt, quality=body.quality
    )
    stop = pain.must_stop(body.pain, body.quality)
    return {"stop": stop, "advice": pain.STOP_ADVICE if stop else None}
