"""The exercise catalog and each exercise's full instructions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from supple import services
from supple.core.errors import NotFound
from supple.jsonview import exercise_json
from supple.web.deps import RequestScope

router = APIRouter(prefix="/exercises", tags=["exercises"])


@router.get("")
def list_exercises(scope: RequestScope) -> list[dict[str, Any]]:
    return [exercise_json(e) for e in services.current_program(scope).catalog.values()]


@router.get("/{exercise_id}")
def get_exercise(scope: RequestScope, exercise_id: str) -> dict[str, Any]:
    catalog = services.current_program(scope).catalog
    if exercise_id not in catalog:
        raise NotFound(f"no exercise with id '{exercise_id}'")
    return exercise_json(catalog[exercise_id])
