"""Progress: adherence, pain and stiffness trends, the PSFS against its baseline, every dose
change, and the week-4 review, as one report the terminal, the web and the exports share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from supple.core.adapt import History, adapt
from supple.core.day_plan import scheduled_days
from supple.core.done import DayEvidence, done_days
from supple.core.outcomes import (
    HABIT_DAYS,
    HABIT_SESSIONS,
    Adherence,
    PainChange,
    PsfsChange,
    Review,
    adherence,
    pain_change,
    review,
    review_due,
    sparkline,
)
from supple.core.profile import Profile
from supple.services.current_day import in_window
from supple.services.history import load_adjustments, load_history
from supple.services.profile import get_profile, program_for
from supple.services.scope import Scope
from supple.store import checkins


@dataclass(frozen=True)
class Progress:
    on: date
    profile: Profile
    adherence: Adherence
    mornings: list[tuple[date, int | None, int | None]]  # date, pain, stiffness
    weekly_pain: PainChange | None
    psfs: PsfsChange | None
    changes: list[tuple[date, str]]  # when it took effect, the sentence (rules and clinicians)
    pauses: list[str]
    review: Review | None


def _session_dates(scope: Scope, history: History, on: date) -> frozenset[date]:
    """The days that count as a session done (``core.done``, the dashboard's rule too)."""
    logged: Counter[date] = Counter()
    rated: Counter[date] = Counter()
    for row in checkins.list_for(scope.store, scope.require_subject(), until=on):
        if row.kind == "session":
            logged[row.on_date] += 1
        elif row.kind == "exercise":
            rated[row.on_date] += 1
    days = history.done.keys() | logged.keys() | rated.keys()
    evidence = {  # work steps done (and days rated alone), session check-ins, ratings
        day: DayEvidence(len(history.done.get(day, ())), logged[day], rated[day]) for day in days
    }
    return done_days(evidence)


def progress(scope: Scope, on: date) -> Progress:
    in_window(scope, on)
    profile = get_profile(scope)
    program = program_for(profile)
    start = profile.start_date
    history = load_history(scope, on)
    result = adapt(
        program, start, history, on + timedelta(days=1), load_adjustments(scope, profile)
    )
    done = _session_dates(scope, history, on)
    mornings = []
    day = max(start, on - timedelta(days=27))
    while day <= on:
        m = history.mornings.get(day)
        mornings.append((day, m.pain if m else None, m.stiffness if m else None))
        day += timedelta(days=1)
    weeks = [
        row for row in checkins.list_for(scope.store, profile.person_id, kind="week", until=on)
    ]
    weekly_pain = None
    if len(weeks) >= 2:
        weekly_pain = pain_change(weeks[0].values["pain"], weeks[-1].values["pain"])
    psfs_rows = [row.values["psfs"] for row in weeks if row.values.get("psfs")]
    psfs = PsfsChange(psfs_rows[0], psfs_rows[-1]) if len(psfs_rows) >= 2 else None
    pain_for_review = weekly_pain or _morning_change(history, start, on)
    return Progress(
        on=on,
        profile=profile,
        adherence=adherence(start, on, scheduled_days(program, start, start, on), done),
        mornings=mornings,
        weekly_pain=weekly_pain,
        psfs=psfs,
        changes=result.every_change(),
        pauses=[p.sentence for p in result.pauses],
        review=review(pain_for_review, psfs) if review_due(start, on) else None,
    )


def _morning_change(history: History, start: date, on: date) -> PainChange | None:
    """Week 1's average morning pain against the last seven days', when no weekly check-ins."""
    first = [m.pain for d, m in history.mornings.items() if 0 <= (d - start).days < 7]
    last = [m.pain for d, m in history.mornings.items() if 0 <= (on - d).days < 7]
    if not first or not last:
        return None
    return pain_change(round(sum(first) / len(first), 1), round(sum(last) / len(last), 1))


def progress_json(report: Progress) -> dict[str, Any]:
    """The progress report as plain data: the CLI's ``--json`` and the web API share it."""
    a = report.adherence
    return {
        "date": report.on.isoformat(),
        "adherence": {
            "weeks": [{"week": w.week, "done": w.done, "scheduled": w.scheduled} for w in a.weeks],
            "streak": a.streak,
            "last_14_days": a.last_fortnight,
            "habit_mark": {
                "sessions": HABIT_SESSIONS,
                "days": HABIT_DAYS,
                "reached_on": a.habit_reached_on.isoformat() if a.habit_reached_on else None,
            },
        },
        "mornings": [
            {"date": d.isoformat(), "pain": p, "stiffness": s} for d, p, s in report.mornings
        ],
        "sparklines": {
            "pain": sparkline([p for _, p, _ in report.mornings]),
            "stiffness": sparkline([s for _, _, s in report.mornings]),
        },
        "weekly_pain": (
            {
                "baseline": report.weekly_pain.baseline,
                "now": report.weekly_pain.now,
                "size": report.weekly_pain.size,
                "verdict": report.weekly_pain.verdict,
            }
            if report.weekly_pain
            else None
        ),
        "psfs": (
            {
                "baseline": dict(report.psfs.baseline),
                "now": dict(report.psfs.now),
                "mean_before": round(report.psfs.mean_before, 2),
                "mean_now": round(report.psfs.mean_now, 2),
                "important": report.psfs.important,
                "verdict": report.psfs.verdict,
            }
            if report.psfs
            else None
        ),
        "adaptations": [{"from": d.isoformat(), "text": text} for d, text in report.changes],
        "pauses": report.pauses,
        "review": (
            {
                "decision": report.review.decision,
                "improved": list(report.review.improved),
                "advice": report.review.advice,
            }
            if report.review
            else None
        ),
    }
