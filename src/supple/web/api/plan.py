"""The program at a glance, checking a plan file, and switching to it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from supple import services
from supple.core.errors import InputError, PlanError
from supple.core.limits import UPLOAD_NAME_BYTES, UPLOAD_NAME_PATTERN
from supple.jsonview import plan_json
from supple.web.body_limit import PLAN_TEXT_CHARS
from supple.web.deps import RequestScope
from supple.web.json_types import JsonBool

router = APIRouter(prefix="/plan", tags=["plan"])


# A file name as ``core.limits.upload_name`` takes it, which checks it (with a message naming
# the character or the part at fault); the schema states the same rule. At most 63 characters,
# so that even written in four-byte characters it stays within UPLOAD_NAME_BYTES.
NAME_CHARS = UPLOAD_NAME_BYTES // 4


def _name_length(name: str) -> str:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") would be echoed into every answer
        raise ValueError("the plan's file name is not Unicode text") from None
    if len(name) > NAME_CHARS:
        raise ValueError(
            f"the plan's file name is {len(name)} characters long; the API takes at most "
            f"{NAME_CHARS} characters"
        )
    return name


FileName = Annotated[
    str,
    AfterValidator(_name_length),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": NAME_CHARS,
            "pattern": UPLOAD_NAME_PATTERN,
        }
    ),
]
PlanYaml = Annotated[str, Field(max_length=PLAN_TEXT_CHARS, description="the plan's YAML")]


class PlanText(BaseModel):
    filename: FileName = "plan.yaml"
    text: PlanYaml


class UsePlan(BaseModel):
    """Follow a plan from now on: the bundled one (``bundled: true``), or this text."""

    model_config = ConfigDict(  # what use_plan asks, in the schema: one or the other
        json_schema_extra={
            "anyOf": [
                {"required": ["bundled"], "properties": {"bundled": {"const": True}}},
                {"required": ["text"], "properties": {"text": {"type": "string"}}},
            ]
        }
    )
    bundled: JsonBool = False
    filename: FileName = "plan.yaml"
    text: PlanYaml | None = None


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
