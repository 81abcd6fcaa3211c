"""The shapes of a client's record in the OpenAPI document: today, the week, sessions,
check-ins, progress, the report and the access log.

These models describe; they do not serialize. The routes (a client's own and their clinician's
under ``/clients/{client_id}/…``) return the plain data of ``jsonview`` and ``services`` (the
same as ``supple … --json``), and name a model here only as the documented answer (``ok``), so
the two routes cannot drift apart through a model applied to one of them. Objects stay open
(``extra="allow"``): a field added to the data later is not an error for a script.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


def ok(model: Any, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route whose answer ``model`` describes (without serializing it)."""
    return {status: {"description": "Successful Response", "model": model}}


class Dose(_Open):
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    duration_seconds: int | None
    duration_max_seconds: int | None
    per: str | None = Field(description="“side” or “leg” when done on each, else null")


class Prescribed(_Open):
    by: str
    set_on: str
    from_: str = Field(alias="from")
    reason: str
    locked: bool


class DayItem(Dose):
    exercise: str = Field(description="the exercise's id in the catalog")
    name: str
    notes: str | None
    estimated_seconds: int
    base: Dose = Field(description="the plan's dose before any adaptation")
    variant: str | None = Field(description="an easier or harder variant in use, by name")
    reason: str | None = Field(description="why the dose differs from the plan, in words")
    prescribed: Prescribed | None = Field(description="a clinician's dose in force (clinic)")


class Tip(_Open):
    title: str
    text: str


class Gate(_Open):
    reason: str
    remedy: str = Field(description="what lifts the block: rest, answers, a clearance …")
    answered_again: str | None = Field(None, description="newer answers that left it in place")


class Day(_Open):
    """One day of the program as the client sees it, each dose adapted with its reason."""

    day_date: str = Field(alias="date", description="YYYY-MM-DD")
    week: int
    day: int
    maintenance: bool
    title: str | None = Field(description="null on a rest day")
    goal: str | None
    estimated_seconds: int
    items: list[DayItem]
    tip: Tip | None
    gate: Gate | None = Field(
        None, description="(today only) why no session is offered today, else null"
    )


class Week(_Open):
    week: int
    days: list[Day] = Field(description="Monday to Sunday of the program's week")


class ExerciseDone(_Open):
    exercise: str
    completed_sets: int
    hurt: bool


class SessionSummary(_Open):
    """One session in the history (``supple history --json``)."""

    id: str
    session_date: str = Field(alias="date")
    day: int
    started_at: str | None
    finished_at: str | None
    stopped_reason: str | None
    completed_steps: int
    skipped_steps: int
    total_steps: int
    exercises: list[ExerciseDone]
    fit: dict[str, Any] | None = Field(description="how the session was fitted (time, props)")


class SessionOut(_Open):
    """One session with the timed steps it walks and where it stands."""

    id: str
    session_date: str = Field(alias="date")
    week: int
    day: int
    finished: bool
    stopped_reason: str | None
    resume_point: int | None = Field(description="the step to resume from")
    completed: list[int] = Field(description="indexes of the steps done")
    skipped: list[int]
    steps: list[dict[str, Any]] = Field(description="the timeline's steps, in order")
    fit: dict[str, Any] | None


class Checkin(_Open):
    """One check-in; its values (pain, stiffness, rpe, psfs …) sit beside these fields."""

    kind: Literal["morning", "session", "exercise", "week"]
    checkin_date: str = Field(alias="date")
    subject: str | None = Field(description="the exercise of an exercise check-in")


class Progress(_Open):
    """Adherence, morning pain and stiffness, weekly pain and PSFS against their baselines,
    every dose change with its reason (``supple progress --json``)."""

    progress_date: str = Field(alias="date")
    adherence: dict[str, Any]
    mornings: list[dict[str, Any]]
    sparklines: dict[str, Any]
    weekly_pain: dict[str, Any] | None
    psfs: dict[str, Any] | None
    adaptations: list[dict[str, Any]]
    pauses: list[str]
    review: dict[str, Any] | None


class ReportWeek(_Open):
    week: int
    first: str = Field(alias="from")
    last: str = Field(alias="to")
    done: int
    scheduled: int
    share: int = Field(description="done over scheduled, in %")


class ReportOut(_Open):
    """The clinician report's data (``format=json``); ``format=fhir`` answers a FHIR R4
    ``Bundle`` instead (media type ``application/fhir+json``)."""

    first: str = Field(alias="from")
    last: str = Field(alias="to")
    generated: str
    plan: str
    weeks: list[ReportWeek]
    sessions_done: int
    sessions_scheduled: int
    habit_reached_on: str | None
    mornings: list[dict[str, Any]]
    weekly_pain: list[dict[str, Any]]
    pain_change: dict[str, Any] | None
    psfs: dict[str, Any] | None
    hurting: list[dict[str, Any]]
    changes: list[dict[str, Any]] = Field(description="every dose change, with its reason")
    pauses: list[str]
    review: dict[str, Any] | None


class Who(BaseModel):
    name: str = Field(description="the staff member's name (else e-mail), or the operator")
    role: Literal["clinician", "admin", "operator"]
    role_words: str = Field(description="the role in words")


class Visit(BaseModel):
    at: str = Field(description="when, UTC (ISO 8601)")
    who: Who
    what: str = Field(description="what they did, in plain words")


class AccessLog(BaseModel):
    """Who else read or changed the client's record, newest first (the client's own entries
    are left out)."""

    entries: list[Visit]
