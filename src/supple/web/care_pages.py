"""Prescribing pages for staff (clinic mode): a client's plan and dose adjustments, clearing a
red flag, private notes; and the client's own page of what their clinicians changed (``/care``).

Thin: each route takes its scope from the clinic boundary (``for_client``: 404 for not yours),
reads the form, and calls one use case of ``services.prescribing``, ``care_team`` or
``care_notes``. A malformed field comes back as the same page with the message beside the
field it names (422), with what was typed kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from supple import services
from supple.core.access import Action
from supple.core.errors import FieldError, InputError, PlanError
from supple.services import Scope, care_notes, care_team, prescribing, record_visits, templates
from supple.web import care_forms
from supple.web.care_forms import form_fields, problem_of, whole
from supple.web.clinic_scope import CurrentUser, for_client, offered
from supple.web.deps import RequestScope
from supple.web.pages import render

router = APIRouter(include_in_schema=False)

Prescriber = Annotated[Scope, for_client(Action.PRESCRIBE)]
Adjuster = Annotated[Scope, for_client(Action.ADJUST_DOSE)]
Clearer = Annotated[Scope, for_client(Action.CLEAR_RED_FLAG)]
NoteReader = Annotated[Scope, for_client(Action.READ_PRIVATE_NOTES)]
NoteWriter = Annotated[Scope, for_client(Action.WRITE_PRIVATE_NOTES)]
UPLOAD_MAX = 60_000  # bytes of a plan file sent through this page (the body limit is 64 KiB)


# --- prescribe: the plan and the doses --------------------------------------------------------


def _prescribe_page(
    request: Request,
    scope: Scope,
    me: Any,
    *,
    problem: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> Response:
    profile = services.get_profile(scope)
    program = services.program_for(profile)
    exercises: dict[str, tuple[str, str]] = {}
    for day in program.days:
        for item in day.items:
            exercises.setdefault(
                item.exercise_id,
                (program.exercise(item.exercise_id).name, item.dose.describe()),
            )
    practice = Scope(scope.store, scope.actor, None, scope.clock)
    response = render(
        request,
        "care_prescribe.html",
        "clinic",
        f"Prescribe · {care_team.client_name(scope)}",
        me=me,
        client_id=scope.require_subject(),
        can=offered(request, scope.require_subject()),
        client=care_team.client_name(scope),
        program=program,
        custom=profile.plan_yaml is not None,
        exercises=sorted(exercises.items(), key=lambda kv: kv[1][0]),
        templates=templates.list_templates(practice),
        adjustments=prescribing.list_adjustments(scope),
        plans=list(reversed(prescribing.plan_changes(scope))),
        today=services.today(scope, profile.timezone),
        problem=problem,
        form=form or {},
        done=done,
    )
    response.status_code = status
    return response


@router.get("/clinic/clients/{client_id}/prescribe")
def prescribe_page(request: Request, scope: Prescriber, me: CurrentUser) -> Response:
    done = request.query_params.get("done")
    words = {"plan": "The plan was given.", "dose": "The dose was set."}.get(done or "")
    return _prescribe_page(request, scope, me, done=words)


def _back(scope: Scope, done: str) -> Response:
    return RedirectResponse(
        f"/clinic/clients/{scope.require_subject()}/prescribe?done={done}", status_code=303
    )


@router.post("/clinic/clients/{client_id}/plan")
async def give_plan(request: Request, scope: Prescriber, me: CurrentUser) -> Response:
    """Give the bundled program or a template (``plan`` = ``bundled`` or ``template:ID``)."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("planfile")
    reason = fields.get("reason", "")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read(UPLOAD_MAX + 1)
            if len(raw) > UPLOAD_MAX:
                raise FieldError("planfile", f"the plan file is over {UPLOAD_MAX // 1000} KB")
            name = services.upload_name(upload.filename.replace("\\", "/").rsplit("/", 1)[-1])
            prescribing.assign_upload(scope, raw, name, reason)
        else:
            choice = fields.get("plan", "")
            if choice == "bundled":
                prescribing.assign_bundled(scope, reason)
            elif choice.startswith("template:") and choice[9:].isdigit():
                prescribing.assign_template(scope, int(choice[9:]), reason)
            else:
                raise FieldError("plan", "choose the bundled program, a template or a file")
    except (InputError, PlanError) as exc:
        return _prescribe_page(request, scope, me, problem=problem_of(exc), form=fields, status=422)
    return _back(scope, "plan")


@router.post("/clinic/clients/{client_id}/adjustments")
async def adjust(request: Request, scope: Adjuster, me: CurrentUser) -> Response:
    fields = await form_fields(request)
    try:
        change = prescribing.DoseChange(
            exercise_id=fields.get("exercise", "").strip(),
            from_date=care_forms.day(fields, "from_date", "the first day"),
            reason=fields.get("reason", ""),
            sets=whole(fields, "sets", "sets"),
            reps=whole(fields, "reps", "reps"),
            hold_seconds=whole(fields, "hold_seconds", "hold seconds"),
            minutes=whole(fields, "minutes", "minutes"),
            locked=fields.get("locked") == "1",
        )
        if not change.exercise_id:
            raise FieldError("exercise", "choose the exercise to adjust")
        prescribing.adjust_dose(scope, change)
    except InputError as exc:
        return _prescribe_page(request, scope, me, problem=problem_of(exc), form=fields, status=422)
    return _back(scope, "dose")


# --- safety: clearing a red flag --------------------------------------------------------------


def _safety_page(
    request: Request,
    scope: Scope,
    me: Any,
    *,
    problem: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    on = services.today(scope)
    view = care_team.care_view(scope)
    response = render(
        request,
        "care_safety.html",
        "clinic",
        f"Safety · {care_team.client_name(scope)}",
        me=me,
        client_id=scope.require_subject(),
        can=offered(request, scope.require_subject()),
        client=care_team.client_name(scope),
        block=services.session_gate(scope, on),
        clearances=[c for c in view.changes if c.kind == "clearance"],
        today=on,
        problem=problem,
        form=form or {},
        done=request.query_params.get("done") == "1",
    )
    response.status_code = status
    return response


@router.get("/clinic/clients/{client_id}/safety")
def safety_page(request: Request, scope: Clearer, me: CurrentUser) -> Response:
    return _safety_page(request, scope, me)


@router.post("/clinic/clients/{client_id}/clearances")
async def clear(request: Request, scope: Clearer, me: CurrentUser) -> Response:
    fields = await form_fields(request)
    try:
        if fields.get("seen") != "1":
            raise FieldError("seen", "confirm that you saw the client and judged exercise safe")
        care_team.clear_red_flag(scope, care_forms.day(fields, "seen_on", "the day you saw them"))
    except InputError as exc:
        return _safety_page(request, scope, me, problem=problem_of(exc), form=fields, status=422)
    return RedirectResponse(
        f"/clinic/clients/{scope.require_subject()}/safety?done=1", status_code=303
    )


# --- private notes ----------------------------------------------------------------------------


def _notes_page(
    request: Request,
    scope: Scope,
    me: Any,
    *,
    problem: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    response = render(
        request,
        "care_notes.html",
        "clinic",
        f"Notes · {care_team.client_name(scope)}",
        me=me,
        client_id=scope.require_subject(),
        can=offered(request, scope.require_subject()),
        client=care_team.client_name(scope),
        notes=care_notes.list_notes(scope),
        problem=problem,
        form=form or {},
    )
    response.status_code = status
    return response


@router.get("/clinic/clients/{client_id}/notes")
def notes_page(request: Request, scope: NoteReader, me: CurrentUser) -> Response:
    return _notes_page(request, scope, me)


@router.post("/clinic/clients/{client_id}/notes")
async def add_note(request: Request, scope: NoteWriter, me: CurrentUser) -> Response:
    fields = await form_fields(request)
    try:
        care_notes.add_note(scope, fields.get("body", ""))
    except InputError as exc:
        return _notes_page(request, scope, me, problem=problem_of(exc), form=fields, status=422)
    return RedirectResponse(f"/clinic/clients/{scope.require_subject()}/notes", status_code=303)


# --- the client's own view --------------------------------------------------------------------


@router.get("/care")
def care_page(request: Request, scope: RequestScope) -> Response:
    """Who the signed-in client's clinicians are and every change they made, with reasons."""
    view = care_team.care_view(scope)
    return render(request, "care.html", "care", "Your care", view=view)


@router.get("/care/access")
def access_page(request: Request, scope: RequestScope) -> Response:
    """Who at the clinic opened or changed the signed-in client's record, newest first."""
    return render(
        request,
        "care_access.html",
        "care",
        "Who opened your record",
        entries=record_visits.visits(scope),
        limit=record_visits.VISITS,
    )
