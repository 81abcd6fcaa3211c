"""Reading the values of a submitted form, with the message a person sees when one is wrong."""

from __future__ import annotations

from typing import Any

from supple.core.errors import InputError


def whole(value: Any, what: str) -> int:
    """A rating typed in a form as a whole number (the services check its range)."""
    try:
        return int(str(value))
    except ValueError:
        raise InputError(f"{what} must be a whole number from 0 to 10") from None
