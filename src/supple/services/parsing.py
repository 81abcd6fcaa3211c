"""What people type, read once for every face: dates, times of day and time zones."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from supple.core.errors import InputError


def parse_date(text: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{what} '{text}' is not a date; use YYYY-MM-DD, e.g. 2026-01-31"
        ) from None


def parse_time(text: str) -> str:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InputError(f"time '{text}' is not a time of day; use HH:MM (24-hour), e.g. 07:30")
    return f"{int(match[1]):02d}:{match[2]}"


def parse_zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone '{text}'; use an Area/City name such as Europe/Paris"
        ) from None
    return text


def system_zone() -> str:
    """The machine's IANA zone name when it can be found, else UTC."""
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
        if "zoneinfo/" in target:
            return parse_zone(target.split("zoneinfo/", 1)[1])
    except (OSError, InputError):
        pass
    return "UTC"
