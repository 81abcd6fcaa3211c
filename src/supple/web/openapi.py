"""The OpenAPI document says what the app truly sends.

FastAPI describes every 422 with its own ``HTTPValidationError`` (``loc``, ``msg``, ``type``),
but Supple answers ``{"detail": [{"field", "reason"}]}`` (``app._on_validation``). This replaces
that schema with ours, and lists the answers every route can give besides its own: 422 for bad
input, 404 where a path names something, and for writes the guards' 400/403/413/415.

Dates are bounded by the person's program (``core.limits``: a year before it starts to two
years from today) and a clearance by the answers it clears, so ``/openapi.json`` is written
for the person at each request: every ``format: date`` carries the pattern of the days it
takes now (``openapi_dates``), and a client that keeps to the document is never refused a date.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from supple import services
from supple.services import Scope
from supple.web.deps import RequestScope
from supple.web.openapi_dates import date_pattern

REF = "#/components/schemas/"
WRITES = ("post", "put", "patch", "delete")
BLOCKABLE = ("/calendar.ics",)  # answers 409 (core.errors.Blocked) while sessions are held


class FieldProblem(BaseModel):
    """One problem with the input: where (``field``) and what (``reason``). A plan's problems
    also carry ``line``, ``column`` and ``text``."""

    model_config = ConfigDict(extra="allow")
    field: str
    reason: str


class Problems(BaseModel):
    """A 422: every problem found in the request."""

    detail: list[FieldProblem]


class Refusal(BaseModel):
    """A request refused as a whole (not found, cross-site, too large, wrong type)."""

    detail: str


def _json(description: str, model: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF + model}}},
    }


def _answers(path: str, method: str) -> dict[str, dict[str, Any]]:
    answers = {
        "422": _json("The input has problems: each names the field and the reason", "Problems")
    }
    answers["404"] = _json("Nothing with that id or name (in the path or the body)", "Refusal")
    if path in BLOCKABLE:
        answers["409"] = _json(
            "Not for now: the person's records rule it out (a red flag, a stop for pain)",
            "Refusal",
        )
    if method in WRITES:
        answers |= {
            "400": _json("The body could not be read", "Refusal"),
            "403": _json(
                "Sent from another site, or without a valid anti-forgery token", "Refusal"
            ),
            "413": _json("The body is larger than the limit", "Refusal"),
            "415": _json("The body is not application/json", "Refusal"),
        }
    return answers


def _keys_as_names(node: Any) -> None:
    """A dict whose keys have a pattern: pydantic writes it as ``patternProperties``, which
    constrains only the keys that match and lets any other key through; the rule is that
    every key matches, so the pattern moves into ``propertyNames``."""
    if isinstance(node, dict):
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict) and len(patterns) == 1:
            (pattern, values), names = next(iter(patterns.items())), node.get("propertyNames", {})
            node["propertyNames"] = {**names, "pattern": pattern}
            node["additionalProperties"] = values
            del node["patternProperties"]
        for value in node.values():
            _keys_as_names(value)
    elif isinstance(node, list):
        for value in node:
            _keys_as_names(value)


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, with Supple's answers in place of FastAPI's defaults."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for model in (FieldProblem, Problems, Refusal):
        found = model.model_json_schema(ref_template=REF + "{model}")
        schemas.update(found.pop("$defs", {}))
        schemas[model.__name__] = found
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, answer in _answers(path, method).items():
                if status == "422" or status not in responses or "content" not in responses[status]:
                    responses[status] = {
                        **answer,
                        "description": responses.get(status, answer)["description"],
                    }
    _keys_as_names(schema)
    app.openapi_schema = schema
    return schema


def _bound(node: dict[str, Any], first: date, last: date, why: str) -> None:
    node["pattern"] = date_pattern(first, last)
    said = node.get("description", "")
    node["description"] = (said + "; " if said else "") + (
        f"from {first.isoformat()} to {last.isoformat()} ({why})"
    )


WINDOW = "a year before the program starts to two years from today"
PROGRAM = "a day of the program: from its start to two years from today"
# Where a date names a day of the program, so none before its start (core.schedule.locate).
PROGRAM_DAYS = ("/api/v1/today", "/api/v1/week", "/api/v1/timeline")
PROGRAM_SCHEMAS = ("NewSession", "ExerciseCheckin")  # a session, an exercise of a day's session


def _bound_dates(node: Any, first: date, last: date, why: str) -> None:
    """Every ``format: date`` under ``node`` not bounded yet gets the pattern of the days from
    first to last (the narrower bounds are laid first)."""
    if isinstance(node, dict):
        if node.get("format") == "date" and node.get("type") == "string" and "pattern" not in node:
            _bound(node, first, last, why)
        for value in node.values():
            _bound_dates(value, first, last, why)
    elif isinstance(node, list):
        for value in node:
            _bound_dates(value, first, last, why)


def document_for(app: FastAPI, scope: Scope) -> dict[str, Any]:
    """The document with the dates the person's routes take today."""
    found = copy.deepcopy(document(app))
    schemas = found["components"]["schemas"]
    if scope.subject is not None and services.find_profile(scope) is not None:
        first, last = services.clearance_span(scope)
        clearance = schemas["Clearance"]["properties"]["cleared_on"]
        _bound(clearance, first, last, "not before the answers it clears, not after today")
    program = services.program_window(scope)
    for path in PROGRAM_DAYS:
        _bound_dates(found["paths"][path], *program, PROGRAM)
    for name in PROGRAM_SCHEMAS:
        _bound_dates(schemas[name], *program, PROGRAM)
    _bound_dates(found, *services.window(scope), WINDOW)
    return found


router = APIRouter()


@router.get("/openapi.json", include_in_schema=False)
def openapi_json(request: Request, scope: RequestScope) -> JSONResponse:
    return JSONResponse(document_for(request.app, scope))
