"""The program at a glance, checking a plan file, and switching to it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from supple import services
from supple.core.errors import InputError, PlanError
from supple.jsonview import plan_json
from supple.web.deps import RequestScope

router = APIRouter(prefix="/plan", tags=["plan"])


class PlanText(BaseModel):
    filename: str = Field("plan.yaml", min_length=1, max_length=200)
    text: str = Field(..., max_length=1_000_000, description="the plan's YAML")


class UsePlan(BaseModel):
    bundled: bool = False
    filename: str = Field("plan.yaml", min_length=1, max_length=200)
    text: str | None = Field(None, max_length=1_000_000)


@router.get("")
def get_plan(scope: RequestScope) -> dict[str, Any]:
    program = services.current_program(scope)
    return plan_json(program, services.day_estimates(program))


@router.post("/validate")
def validate_plan(body: PlanText) -> dict[str, Any]:
    """Check a plan; the lines are exactly those ``supple plan validate`` prints."""
    try:
        program, _ = services.check_uploaded_plan(body.text.encode("utf-8"), body.filename)
    except PlanError as exc:
        return {"valid": False, "lines": [str(p) for p in exc.problems]}
    return {"valid": True, "lines": [services.plan_summary(body.filename, program)]}


@router.post("/use")
def use_plan(scope: RequestScope, body: UsePlan) -> dict[str, Any]:
    """Follow the given plan (or the bundled one) from now on; history is kept."""
    if body.bundled:
        program = services.use_bundled_plan(scope)
    elif body.text is None:
        raise InputError("give the plan's text, or bundled: true")
    else:
        program, text = services.check_uploaded_plan(body.text.encode("utf-8"), body.filename)
        program = services.use_plan_text(scope, text, body.filename)
    return {"name": program.name}
