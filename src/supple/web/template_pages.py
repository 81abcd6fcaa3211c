"""The practice's plan templates (clinic mode, staff): the list with a catalog search, the form
that builds a template (days, exercises, sets/reps/hold/minutes/per side), editing one as the
form or as YAML, and deleting one.

The form's fields become plan YAML in ``services.templates`` (``draft_from_fields``) and go
through the plan loader like any upload; a refusal comes back on the same page naming the field
(or the YAML's line), with everything typed kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from supple import planfile
from supple.core.access import Action
from supple.core.errors import FieldError, InputError, PlanError
from supple.services import Scope, templates
from supple.services.templates import ITEMS_PER_DAY, DayDraft, ItemDraft, TemplateDraft
from supple.web.care_forms import form_fields, problem_of
from supple.web.clinic_scope import CurrentUser, for_practice
from supple.web.pages import render

router = APIRouter(include_in_schema=False)

Manager = Annotated[Scope, for_practice(Action.MANAGE_TEMPLATES)]
BLANK_ROWS = 2  # empty exercise rows offered under each day's own


def _catalog_search(request: Request) -> dict[str, Any]:
    query = request.query_params.get("q", "")[:100]
    area = request.query_params.get("area", "")[:40]
    equipment = request.query_params.get("equipment", "")[:40]
    problem = None
    try:
        found = templates.search_catalog(query, area, equipment)
    except FieldError as exc:
        found, problem = [], {"lines": [str(exc)], "field": exc.field}
    return {
        "q": query,
        "area": area,
        "equipment": equipment,
        "found": found,
        "searched": bool(query or area or equipment),
        "search_problem": problem,
        "areas": planfile.TARGETS,
        "equipments": planfile.EQUIPMENT,
    }


def _rows(draft: TemplateDraft | None) -> list[dict[str, Any]]:
    """The form's seven days, each with its exercises and a few empty rows to add more."""
    by_day: dict[int, DayDraft] = {d.number: d for d in draft.days} if draft else {}
    days = []
    for number in templates.DAYS:
        day = by_day.get(number)
        items: list[dict[str, str]] = [_typed(item) for item in day.items] if day else []
        blanks = min(BLANK_ROWS if items else 3, ITEMS_PER_DAY - len(items))
        days.append(
            {
                "number": number,
                "title": day.title if day else "",
                "goal": day.goal if day else "",
                "entries": items + [dict.fromkeys(templates.ITEM_FIELDS, "")] * blanks,
                "used": day is not None,
            }
        )
    return days


def _typed(item: ItemDraft) -> dict[str, str]:
    """One exercise of a draft as the form's fields show it."""
    shown = {}
    for key in templates.ITEM_FIELDS:
        value = getattr(item, key)
        if isinstance(value, float):
            value = f"{value:g}"
        shown[key] = "" if value is None else str(value)
    return shown


def _typed_rows(fields: dict[str, str]) -> list[dict[str, Any]]:
    """The days as typed, for a form sent back with a problem."""
    days = []
    for number in templates.DAYS:
        items = []
        for index in range(1, ITEMS_PER_DAY + 1):
            key = f"d{number}_i{index}_"
            row = {k: fields.get(key + k, "") for k in templates.ITEM_FIELDS}
            if any(row.values()) or index <= BLANK_ROWS:
                items.append(row)
        days.append(
            {
                "number": number,
                "title": fields.get(f"d{number}_title", ""),
                "goal": fields.get(f"d{number}_goal", ""),
                "entries": items,
                "used": any(r["exercise"] for r in items),
            }
        )
    return days


def _form_page(
    request: Request,
    scope: Scope,
    me: Any,
    *,
    template: templates.Template | None = None,
    draft: TemplateDraft | None = None,
    fields: dict[str, str] | None = None,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    if draft is None and template is not None and fields is None:
        try:
            program = templates.template_program(template.plan_yaml)
            draft = templates.draft_from_program(template.name, program)
        except PlanError as exc:  # saved before a stricter loader: shown, fixed as YAML
            problem = problem_of(exc)
    days = _typed_rows(fields) if fields is not None else _rows(draft)
    response = render(
        request,
        "template_form.html",
        "templates",
        template.name if template else "New template",
        me=me,
        template=template,
        template_name=(fields or {}).get("name", "")
        if fields is not None
        else (draft.name if draft else ""),
        weeks=(fields or {}).get("weeks") if fields is not None else (draft.weeks if draft else 4),
        days=days,
        catalog=sorted(planfile.bundled_catalog().values(), key=lambda e: e.name),
        yaml_text=(fields or {}).get("plan_yaml") or (template.plan_yaml if template else ""),
        problem=problem,
        **_catalog_search(request),
    )
    response.status_code = status
    return response


@router.get("/clinic/templates")
def list_page(request: Request, scope: Manager, me: CurrentUser) -> Response:
    return render(
        request,
        "templates.html",
        "templates",
        "Templates",
        me=me,
        templates=templates.list_templates(scope),
        done=request.query_params.get("done"),
    )


@router.get("/clinic/templates/new")
def new_page(request: Request, scope: Manager, me: CurrentUser) -> Response:
    return _form_page(request, scope, me)


@router.post("/clinic/templates/new")
async def create(request: Request, scope: Manager, me: CurrentUser) -> Response:
    return await _save(request, scope, me, None)


@router.get("/clinic/templates/{template_id}")
def edit_page(request: Request, scope: Manager, me: CurrentUser, template_id: int) -> Response:
    template = templates.get_template(scope, template_id)
    return _form_page(request, scope, me, template=template)


@router.post("/clinic/templates/{template_id}")
async def update(request: Request, scope: Manager, me: CurrentUser, template_id: int) -> Response:
    return await _save(request, scope, me, template_id)


async def _save(request: Request, scope: Scope, me: Any, template_id: int | None) -> Response:
    """Save from the form's fields, or (``as_yaml``) from the YAML text area."""
    fields = await form_fields(request)
    template = templates.get_template(scope, template_id) if template_id is not None else None
    try:
        if fields.get("as_yaml") == "1":
            saved = templates.save_template(
                scope, fields.get("name", ""), fields.get("plan_yaml", ""), template_id
            )
        else:
            draft = templates.draft_from_fields(fields)
            saved = templates.save_draft(scope, draft, template_id)
    except (InputError, PlanError) as exc:
        problem = problem_of(exc)
        if isinstance(exc, PlanError) and fields.get("as_yaml") != "1":
            # Lines of YAML the form wrote are no help: the messages name day and exercise.
            problem = {"lines": [p.message for p in exc.problems], "field": None}
        return _form_page(
            request, scope, me, template=template, fields=fields, problem=problem, status=422
        )
    return RedirectResponse(f"/clinic/templates?done={saved.id}", status_code=303)


@router.post("/clinic/templates/{template_id}/delete")
def delete(scope: Manager, template_id: int) -> Response:
    templates.delete_template(scope, template_id)
    return RedirectResponse("/clinic/templates?done=deleted", status_code=303)
