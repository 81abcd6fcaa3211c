"""Reading the values of a submitted form, with the message a person sees when one is wrong."""

from __future__ import annotations

from typing import Any

from supple import services
from supple.core.errors import InputError
from supple.services import Scope


def whole(value: Any, what: str) -> int:
    """A rating typed in a form as a whole number (the services check its range)."""
    try:
        return int(str(value))
    except ValueError:
        raise InputError(f"{what} must be a whole number from 0 to 10") from None


def save_schedule(scope: Scope, start_date: str, session_time: str, zone: str | None) -> None:
    """When the person trains, from the first run's form or Settings: every field checked
    before anything is saved, by the same service as `supple init`; a ``zone`` of None keeps
    the profile's."""
    services.init_profile(
        scope,
        start_date=services.parse_date(start_date, "start date"),
        session_time=services.parse_time(session_time),
        timezone=None if zone is None else services.parse_zone(zone),
        plan_path=None,
    )
