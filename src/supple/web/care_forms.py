"""What the clinic's prescribing forms share: reading a form's text fields, whole numbers and
dates typed in them, and the shape a page shows a refusal in (its lines and the field named)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request

from supple.core.errors import FieldError, PlanError, SuppleError
from supple.services import templates

FIELD_MAX = 10_000  # characters kept of one field (the body limit bounds the whole form)


async def form_fields(request: Request) -> dict[str, str]:
    """A form's text fields (files aside), each cut to a sane length."""
    form = await request.form()
    return {k: v[:FIELD_MAX] for k, v in form.items() if isinstance(v, str)}


def problem_of(exc: SuppleError) -> dict[str, Any]:
    """What a page shows for a refusal: the message (a plan's problems by line) and the field
    it names, which the page marks."""
    lines = templates.plan_problems(exc) if isinstance(exc, PlanError) else [str(exc)]
    return {"lines": lines, "field": getattr(exc, "field", None)}


def whole(fields: dict[str, str], key: str, label: str) -> int | None:
    """A whole number typed in ``key`` (None when left empty)."""
    raw = fields.get(key, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 6:
        raise FieldError(key, f"{label} must be a whole number, got {raw!r}")
    return int(raw)


def day(fields: dict[str, str], key: str, label: str) -> date:
    """A date typed in ``key`` (a date input sends YYYY-MM-DD)."""
    raw = fields.get(key, "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FieldError(key, f"{label} must be a date (YYYY-MM-DD), got {raw!r}") from None
