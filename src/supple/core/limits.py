"""The bounds on every input that sets an amount of work, and the text Supple will store.

Each rule is written once here and asked by every face (the CLI's options, the web's queries,
forms and bodies, and ``supple import``) before any work starts, so that no single request can
make Supple walk millions of days or build years of calendar, and no stored text holds a byte
a database or a terminal would choke on. The README's "Limits" section lists them for people.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from supple.core.errors import InputError

DAYS_BEFORE_START = 365  # a date may be up to a year before the program starts ...
DAYS_AFTER_TODAY = 730  # ... and up to two years after today
START_YEARS_BACK = 5  # a program may have started up to five years ago ...
START_DAYS_AHEAD = 365  # ... or start up to a year from today
CALENDAR_WEEKS = (1, 52)  # weeks of sessions in one calendar export
SPEED = (0.1, 10_000.0)  # times real time for the terminal player (a session in 0.2 s at most)
TEXT_MAX = 2000  # characters in one stored free-text field
UPLOAD_NAME_BYTES = 255  # bytes (UTF-8) in an uploaded file's name, as most file systems allow

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# The same rule as a whole-text pattern, for schemas that state it (JSON Schema, pydantic).
TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f]*$"
# ``upload_name`` as a pattern (its byte bound aside): no control character, no folder part,
# not ``.`` or ``..``.
_NAME = r"[^\x00-\x08\x0b-\x1f\x7f/\\]"
_NAME_NO_DOT = r"[^\x00-\x08\x0b-\x1f\x7f/\\.]"
UPLOAD_NAME_PATTERN = rf"^(?:{_NAME_NO_DOT}{_NAME}*|\.{_NAME_NO_DOT}{_NAME}*|\.\.{_NAME}+)$"


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at the ends of the calendar instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def date_window(start: date | None, today: date) -> tuple[date, date]:
    """The first and last date Supple works with for a program that started on ``start``
    (None before a profile exists: then today stands in for it)."""
    first = _shift(min(start or today, today), -DAYS_BEFORE_START)
    return first, _shift(today, DAYS_AFTER_TODAY)


def check_date(on: date, *, start: date | None, today: date, what: str = "date") -> date:
    """``on`` when it lies in the window around the program, else why not, with the bounds."""
    first, last = date_window(start, today)
    if not first <= on <= last:
        raise InputError(
            f"{what} {on.isoformat()} is outside the dates Supple works with: from "
            f"{first.isoformat()} (a year before the program starts) to {last.isoformat()} "
            "(two years from today)"
        )
    return on


def check_start(on: date, *, today: date, what: str = "start date") -> date:
    """A program start date: up to five years back, or up to a year ahead."""
    first = _shift(today, -round(START_YEARS_BACK * 365.25))
    last = _shift(today, START_DAYS_AHEAD)
    if not first <= on <= last:
        raise InputError(
            f"{what} {on.isoformat()} is too far from today: choose a date from "
            f"{first.isoformat()} to {last.isoformat()}"
        )
    return on


def check_range(first: date, last: date, *, what: str = "range") -> None:
    """A range of dates (a report) must not end before it starts."""
    if last < first:
        raise InputError(
            f"the {what} ends on {last.isoformat()}, before it starts on {first.isoformat()}"
        )


def check_weeks(weeks: int, what: str = "weeks") -> int:
    low, high = CALENDAR_WEEKS
    if not low <= weeks <= high:
        raise InputError(f"{what} must be from {low} to {high}, got {weeks}")
    return weeks


def check_speed(speed: float, what: str = "--speed") -> float:
    low, high = SPEED
    if not math.isfinite(speed) or not low <= speed <= high:
        raise InputError(f"{what} must be a number from {low:g} to {high:g}, got {speed:g}")
    return speed


def base_name(filename: str) -> str:
    """The last part of a client's file name: browsers may send a whole path (``C:\\plans\\x``
    or ``home/me/x``), and only the file's own name is ours to show."""
    return re.split(r"[/\\]", filename)[-1]


def upload_name(filename: str, what: str = "the plan's file name") -> str:
    """``filename`` when it is one plain file name, the name problems will be shown under;
    refused when it could not be a file's name: empty, ``.`` or ``..``, with a folder part,
    a control character, or more than ``UPLOAD_NAME_BYTES`` bytes of UTF-8. Nothing is ever
    written under it (uploads are read in memory); the rule keeps what is shown plain."""
    reason = None
    bad = _CONTROL.search(filename)
    size = len(filename.encode("utf-8", "surrogatepass"))
    if not filename:
        reason = "is empty"
    elif bad:
        reason = f"contains the control character U+{ord(bad.group()):04X}; rename the file"
    elif "/" in filename or "\\" in filename:
        reason = "contains a path separator; give the file's own name only"
    elif filename in {".", ".."}:
        reason = "is not a file name; rename the file"
    elif size > UPLOAD_NAME_BYTES:
        reason = f"is {size} bytes long; the most is {UPLOAD_NAME_BYTES}: rename the file"
    if reason:
        shown = _CONTROL.sub("?", filename)[:80]
        raise InputError(f"{what} '{shown}' {reason}")
    return filename


def text_problem(text: str, limit: int | None = TEXT_MAX) -> str | None:
    """Why ``text`` cannot be stored (a control character, or too long), or None.

    Tab and newline are fine; NUL and the other C0 control characters (and DEL) are not:
    PostgreSQL refuses NUL in text, and the others turn into terminal commands when printed.
    """
    bad = _CONTROL.search(text)
    if bad:
        return (
            f"contains the control character U+{ord(bad.group()):04X} at position "
            f"{bad.start() + 1}; remove it"
        )
    if limit is not None and len(text) > limit:
        return f"is {len(text)} characters long; the most is {limit}"
    return None


def check_tree(value: object, what: str) -> None:
    """``check_text`` on every string inside ``value`` (dict keys included), for the JSON
    values a check-in or a player event stores; the message says where the string sits."""
    if isinstance(value, str):
        check_text(value, what)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_tree(key, f"{what}: the name {key!r}")
            check_tree(item, f"{what}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_tree(item, f"{what}[{index}]")


def check_text(text: str, what: str, limit: int | None = TEXT_MAX) -> str:
    problem = text_problem(text, limit)
    if problem:
        raise InputError(f"{what} {problem}")
    return text
