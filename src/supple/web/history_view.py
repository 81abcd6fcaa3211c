"""The History page's calendar and day notes, built from the sessions' own record.

Kept apart from the route so the calendar's span (the last four weeks by default, whole months
when asked) and the wording of each day can be read and tested without a request.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from supple.core.adapt import History
from supple.core.errors import InputError
from supple.core.plan import Exercise

RECENT_WEEKS = 4

# One entry per state a calendar day can be in: the class that colours it, the words beside
# the colour in the legend, and the words read out with the day (never colour alone).
STATES: dict[str, tuple[str, str]] = {
    "done": ("Done", "session done"),
    "stopped": ("Stopped early", "session stopped early"),
    "partial": ("Started, not finished", "session started, not finished"),
}


@dataclass(frozen=True)
class ExerciseNote:
    name: str
    sets_done: int
    hurt: bool
    pain: int | None


@dataclass(frozen=True)
class DayNote:
    """What a person did in one session, in words: the calendar cell links to it."""

    session_id: str
    on: date
    day: int
    state: str
    stopped_reason: str | None
    completed_steps: int
    skipped_steps: int
    total_steps: int
    exercises: list[ExerciseNote] = field(default_factory=list)
    effort: int | None = None
    fit: Any = None  # the session's time and equipment choices, when it was fitted

    @property
    def anchor(self) -> str:
        return f"session-{self.session_id}"


@dataclass(frozen=True)
class Span:
    """The days the calendar shows, whole weeks from Monday, and its neighbours."""

    title: str
    weeks: list[list[date]]
    month: date | None  # the month shown, or None for the last four weeks
    previous: date
    following: date | None

    @property
    def first(self) -> date:
        return self.weeks[0][0]

    @property
    def last(self) -> date:
        return self.weeks[-1][-1]


def _month_start(on: date) -> date:
    return on.replace(day=1)


def _shift_month(on: date, months: int) -> date:
    index = on.year * 12 + on.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def recent_span(today: date) -> Span:
    """The four weeks ending with today's week: on the 1st of a month most of it is the month
    before, which is the point (a new month must not hide the last weeks)."""
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=RECENT_WEEKS - 1)
    weeks = [[monday + timedelta(days=7 * w + d) for d in range(7)] for w in range(RECENT_WEEKS)]
    return Span(
        title="The last four weeks",
        weeks=weeks,
        month=None,
        previous=_month_start(weeks[0][0]),
        following=None,
    )


def month_span(month: date, today: date) -> Span:
    start = _month_start(month)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(start.year, start.month)
    following = _shift_month(start, 1)
    return Span(
        title=start.strftime("%B %Y"),
        weeks=weeks,
        month=start,
        previous=_shift_month(start, -1),
        following=following if following <= today else None,
    )


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` from the query string (None: the default view); anything else is refused
    with the form it should take."""
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise InputError(f"month '{text}' is not a month; use YYYY-MM, e.g. 2026-11") from None


def _state(session: Mapping[str, Any]) -> str:
    if session["stopped_reason"]:
        return "stopped"
    return "done" if session["finished_at"] else "partial"


def by_day(notes: list[DayNote]) -> dict[date, DayNote]:
    """The calendar's view: a day shows its latest session."""
    return {note.on: note for note in notes}


def session_notes(
    history: list[dict[str, Any]], catalog: Mapping[str, Exercise], ratings: History
) -> list[DayNote]:
    """One note per session, oldest first, with exercise names from the catalog and the
    ratings given that day (a hurt rated later counts as much as one flagged in the player)."""
    notes: list[DayNote] = []
    for session in history:
        on = date.fromisoformat(session["date"])
        exercises = []
        for item in session["exercises"]:
            exercise_id = item["exercise"]
            rating = ratings.ratings.get((on, exercise_id))
            found = catalog.get(exercise_id)
            exercises.append(
                ExerciseNote(
                    name=found.name if found else exercise_id,
                    sets_done=int(item["completed_sets"]),
                    hurt=bool(item["hurt"]) or bool(rating and rating.hurt),
                    pain=rating.pain if rating else None,
                )
            )
        notes.append(
            DayNote(
                session_id=str(session["id"]),
                on=on,
                day=int(session["day"]),
                state=_state(session),
                stopped_reason=session["stopped_reason"],
                completed_steps=int(session["completed_steps"]),
                skipped_steps=int(session["skipped_steps"]),
                total_steps=int(session["total_steps"]),
                exercises=exercises,
                effort=ratings.efforts.get(on),
                fit=session.get("fit"),
            )
        )
    return notes
