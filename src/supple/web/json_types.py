"""Field types for JSON bodies that take only what the OpenAPI document says they take.

Pydantic's lax mode turns ``"5"`` into 5, ``0`` into ``false`` and ``0`` into a date-time
(seconds since 1970): a body of the wrong type would be stored as something its sender never
meant. FastAPI validates bodies in Python mode, where pydantic's strict mode also refuses the
date strings JSON carries, so each type here says exactly which JSON values it accepts:

- ``JsonBool``: ``true`` or ``false`` only;
- ``JsonInt``: a JSON number with no fraction (``3`` or ``3.0``), never text or a boolean;
- ``JsonNumber``: any JSON number, never text or a boolean;
- ``JsonDate``: text written ``YYYY-MM-DD``, a real day;
- ``JsonDateTime``: an RFC 3339 date-time with its offset (``2026-11-03T07:30:00Z``), as the
  player's ``toISOString()`` sends it; one without an offset names no moment;
- ``StoredText``: text Supple keeps (``core.limits``: no control character but tab and
  newline, at most ``TEXT_MAX`` characters), the rule stated in the schema.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Strict, WithJsonSchema

from supple.core.limits import TEXT_MAX, TEXT_PATTERN

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})"
)


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number (not text, not true/false)")
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number (not text, not true/false)")
    return value


def _date_text(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # a default, or a value already read
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a day of the calendar") from None


def _date_time_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        raise ValueError("must be a date and time with its offset, e.g. 2026-11-03T07:30:00Z")
    return value


JsonBool = Annotated[bool, Strict()]
JsonInt = Annotated[int, BeforeValidator(_whole_number)]
JsonNumber = Annotated[float, BeforeValidator(_number)]
JsonDate = Annotated[date, BeforeValidator(_date_text)]
JsonDateTime = Annotated[datetime, BeforeValidator(_date_time_text)]
# Stated in the schema, checked by the services (``core.limits.check_tree``), whose message
# names the field and the character: pydantic's own, inside a union, would not.
StoredText = Annotated[
    str,
    WithJsonSchema({"type": "string", "maxLength": TEXT_MAX, "pattern": TEXT_PATTERN}),
]

# For a bounded integer: ``Annotated[int, Field(ge=…, le=…), WHOLE_NUMBER]``. The bounds come
# before the type check, so pydantic applies them to the integer itself and the schema says
# ``minimum``/``maximum`` (after a validator they would leak into it as its own ``ge``/``le``).
WHOLE_NUMBER = BeforeValidator(_whole_number)
