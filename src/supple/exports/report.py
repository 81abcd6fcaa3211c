"""The clinician report: what a physiotherapist wants to see of a period, on one page or two.

Adherence per week, morning pain and stiffness, the weekly pain and PSFS against their
baselines with the verdicts of ``core.outcomes``, the exercises that hurt, and every dose
change ``core.adapt`` made with its reason. This module only gathers and lays out: every
number and verdict comes from ``supple.services`` and the core, as on the progress page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from supple.core import limits
from supple.core.errors import InputError
from supple.exports.links import Links

if TYPE_CHECKING:
    from supple.core.outcomes import PainChange, PsfsChange, Review
    from supple.core.plan import Program
    from supple.core.profile import Profile
    from supple.services import Scope


@dataclass(frozen=True)
class WeekRow:
    week: int
    first: date
    last: date
    done: int
    scheduled: int

    @property
    def share(self) -> int:
        return round(100 * self.done / self.scheduled) if self.scheduled else 0


@dataclass(frozen=True)
class Hurt:
    on: date
    exercise_id: str
    name: str
    pain: int | None
    quality: str | None
    flagged: bool  # "hurt beyond stretching discomfort" was pressed or ticked


@dataclass(frozen=True)
class PainRating:
    """One 0–10 pain rating as recorded, for the FHIR Observations."""

    on: date
    value: int
    context: str  # "morning", "past week average", "before the session", "during Bird-Dog" …
    recorded_at: datetime


@dataclass(frozen=True)
class Report:
    profile: Profile
    program: Program
    first: date
    last: date
    generated: datetime
    weeks: list[WeekRow]
    habit_reached_on: date | None
    mornings: list[tuple[date, int | None, int | None]]
    weekly_pain: list[tuple[date, int]]
    pain: PainChange | None
    psfs: PsfsChange | None
    psfs_dates: tuple[date, date] | None
    hurting: list[Hurt]
    changes: list[tuple[date, str]]
    pauses: list[str]
    review: Review | None
    ratings: list[PainRating]
    psfs_scores: list[tuple[date, dict[str, int], datetime]]

    @property
    def sessions_done(self) -> int:
        return sum(w.done for w in self.weeks)

    @property
    def sessions_scheduled(self) -> int:
        return sum(w.scheduled for w in self.weeks)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def period(
    profile: Profile,
    start: date | None,
    end: date | None,
    today: date,
    *,
    bound: date | None = None,
) -> tuple[date, date]:
    """The period asked for, within the program: from its start (or ``start``) to today (or
    ``end``); dates given must lie in the window around ``bound`` (the clock's real today;
    ``today`` when not given)."""
    for given, what in ((start, "--from"), (end, "--to")):
        if given is not None:
            limits.check_date(given, start=profile.start_date, today=bound or today, what=what)
    last = end or today
    first = max(start or profile.start_date, profile.start_date)
    if last < profile.start_date:
        raise InputError(
            f"the period ends on {last.isoformat()}, before the program starts on "
            f"{profile.start_date.isoformat()}"
        )
    if first > last:
        raise InputError(
            f"--from {first.isoformat()} is after --to {last.isoformat()}; give the earlier "
            "date first"
        )
    return first, last


def build(scope: Scope, start: date | None = None, end: date | None = None) -> Report:
    """Gather the report for a period; an empty period is refused with a clear message."""
    from supple import services

    moment = scope.clock.now()
    profile = services.get_profile(scope)
    bound = services.clock_day(scope, profile.timezone)
    first, last = period(profile, start, end, services.today(scope), bound=bound)
    program = services.program_for(profile)
    progress = services.progress(scope, last)
    history = services.load_history(scope, last)

    def inside(day: date) -> bool:
        return first <= day <= last

    weeks = []
    for w in progress.adherence.weeks:
        w_first = profile.start_date + timedelta(days=7 * (w.week - 1))
        w_last = w_first + timedelta(days=6)
        if w_last >= first and w_first <= last:
            weeks.append(WeekRow(w.week, w_first, w_last, w.done, w.scheduled))
    mornings = []
    day = first
    while day <= last:
        m = history.mornings.get(day)
        mornings.append((day, m.pain if m else None, m.stiffness if m else None))
        day += timedelta(days=1)
    hurting = [
        Hurt(on, ident, program.catalog[ident].name, r.pain, r.quality, r.hurt)
        for (on, ident), r in sorted(history.ratings.items())
        if inside(on) and ident in program.catalog and r.too_much
    ]
    rows = services.list_checkins(scope, until=last)
    ratings, weekly, psfs_scores = _ratings(rows, program, first)
    psfs_rows = [
        (r.on_date, r.values["psfs"]) for r in rows if r.kind == "week" and r.values.get("psfs")
    ]
    report = Report(
        profile=profile,
        program=program,
        first=first,
        last=last,
        generated=moment.astimezone(UTC).replace(microsecond=0),
        weeks=weeks,
        habit_reached_on=progress.adherence.habit_reached_on,
        mornings=mornings,
        weekly_pain=weekly,
        pain=progress.weekly_pain,
        psfs=progress.psfs,
        psfs_dates=(psfs_rows[0][0], psfs_rows[-1][0]) if len(psfs_rows) >= 2 else None,
        hurting=hurting,
        changes=[(d, text) for d, text in progress.changes if first <= d <= last + timedelta(1)],
        pauses=progress.pauses,
        review=progress.review,
        ratings=ratings,
        psfs_scores=psfs_scores,
    )
    if (
        report.sessions_done == 0
        and not ratings
        and not psfs_scores
        and not any(p is not None or s is not None for _, p, s in mornings)
    ):
        raise InputError(
            f"nothing to report from {first.isoformat()} to {last.isoformat()}: no sessions or "
            "check-ins were recorded in that period"
        )
    return report


def _ratings(
    rows: list[Any], program: Program, first: date
) -> tuple[list[PainRating], list[tuple[date, int]], list[tuple[date, dict[str, int], datetime]]]:
    """Every pain rating and PSFS score in the period, from the stored check-ins."""
    ratings: list[PainRating] = []
    weekly: list[tuple[date, int]] = []
    psfs: list[tuple[date, dict[str, int], datetime]] = []
    for row in rows:
        if row.on_date < first:
            continue
        values: dict[str, Any] = row.values or {}
        at = _aware(row.recorded_at)
        found: list[tuple[str, Any]] = []
        if row.kind == "morning":
            found = [("on waking", values.get("pain"))]
        elif row.kind == "week":
            found = [("average over the past week", values.get("pain"))]
            if values.get("pain") is not None:
                weekly.append((row.on_date, int(values["pain"])))
            if values.get("psfs"):
                psfs.append((row.on_date, {str(k): int(v) for k, v in values["psfs"].items()}, at))
        elif row.kind == "session":
            found = [
                ("before the session", values.get("before_pain")),
                ("after the session", values.get("after_pain")),
            ]
        elif row.kind == "exercise":
            exercise = program.catalog.get(row.subject)
            found = [(f"during {exercise.name if exercise else row.subject}", values.get("pain"))]
        ratings.extend(
            PainRating(row.on_date, int(value), what, at)
            for what, value in found
            if value is not None
        )
    return ratings, weekly, psfs


# --- HTML and PDF --------------------------------------------------------------------------


def _data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_html(report: Report, links: Links | None = None) -> str:
    """The report as a page; ``links`` lead to the web app (the rules behind each dose
    change, the person's progress and history)."""
    from supple.charts import rating_chart
    from supple.core.safety import DISCLAIMER
    from supple.exports.printable import environment

    chart = None
    if any(p is not None or s is not None for _, p, s in report.mornings):
        chart = _data_url(
            rating_chart(
                "Morning pain and stiffness (0–10)",
                [d.strftime("%d %b") for d, _, _ in report.mornings],
                {
                    "pain": [p for _, p, _ in report.mornings],
                    "stiffness": [s for _, _, s in report.mornings],
                },
                medium="paper",
            )
        )
    weekly_chart = None
    if len(report.weekly_pain) >= 3:  # two points are said better in words than drawn
        weekly_chart = _data_url(
            rating_chart(
                "Average pain over the past week (0–10)",
                [d.strftime("%d %b") for d, _ in report.weekly_pain],
                {"weekly pain": [p for _, p in report.weekly_pain]},
                medium="paper",
            )
        )
    return (
        environment()
        .get_template("report.html")
        .render(
            r=report,
            chart=chart,
            weekly_chart=weekly_chart,
            disclaimer=DISCLAIMER,
            links=links or Links(),
        )
    )


def render_pdf(report: Report, links: Links | None = None) -> bytes:
    from supple.exports.printable import html_to_pdf

    return html_to_pdf(render_html(report, links))
