"""The OpenAPI document says what the app truly sends.

FastAPI describes every 422 with its own ``HTTPValidationError`` (``loc``, ``msg``, ``type``),
but Supple answers ``{"detail": [{"field", "reason"}]}`` (``app._on_validation``). This replaces
that schema with ours, and lists the answers every route can give besides its own: 422 for bad
input, 404 where a path names something, and for writes the guards' 400/403/413/415.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict

REF = "#/components/schemas/"
WRITES = ("post", "put", "patch", "delete")


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


def _answers(method: str) -> dict[str, dict[str, Any]]:
    answers = {
        "422": _json("The input has problems: each names the field and the reason", "Problems")
    }
    answers["404"] = _json("Nothing with that id or name (in the path or the body)", "Refusal")
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
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, answer in _answers(method).items():
                if status == "422" or status not in responses or "content" not in responses[status]:
                    responses[status] = {
                        **answer,
                        "description": responses.get(status, answer)["description"],
                    }
    app.openapi_schema = schema
    return schema
