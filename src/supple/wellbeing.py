"""Listening to the body: the safety screen, check-ins, adapted doses and progress.

These are the use cases both faces call (the terminal commands and the web app): every rule
lives in ``supple.core`` (safety, adapt, outcomes); this module only gathers the person's records
from the store, hands them to the core, and stores what the person reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from supple.core.adapt import Adaptation, History, Morning, Rating, adapt
from supple.core.errors import InputError
from supple.core.outcomes import (
    Adherence,
    PainChange,
    PsfsChange,
    Review,
    adherence,
    check_psfs,
    check_scale,
    pain_change,
    review,
    review_due,
)
from supple.core.pain import STOP_ADVICE, must_stop
from supple.core.plan import Exercise, Program
from supple.core.profile import Profile
from supple.core.safety import (
    QUESTIONS,
    Block,
    Verdict,
    pain_settled,
    verdict,
)
from supple.core.schedule import locate
from supple.services import Context, find_exercise, get_profile, program_for, rate_exercise
from supple.store import checkins, screens
from supple.store.history import session_facts

# --- history and adaptation -------------------------------------------------------------------


def load_history(ctx: Context, until: date) -> History:
    """Everything the adaptation rules read, up to and including ``until``."""
    person = ctx.require_person()
    rows = checkins.list_for(ctx.store, person, until=until)
    facts = session_facts(ctx.store, person, until)
    mornings: dict[date, Morning] = {}
    ratings: dict[tuple[date, str], Rating] = {}
    efforts: dict[date, int] = {}
    for row in rows:
        values: dict[str, Any] = row.values or {}
        if row.kind == "morning" and values.get("pain") is not None:
            mornings[row.on_date] = Morning(int(values["pain"]), int(values.get("stiffness") or 0))
        elif row.kind == "exercise":
            ratings[(row.on_date, row.subject)] = Rating(
                values.get("pain"), bool(values.get("hurt")), values.get("quality")
            )
        elif row.kind == "session" and values.get("rpe") is not None:
            efforts[row.on_date] = int(values["rpe"])
    for on, flagged in facts.hurt.items():
        for exercise_id in flagged:
            old = ratings.get((on, exercise_id), Rating(None))
            ratings[(on, exercise_id)] = Rating(old.pain, True, old.quality)
    done: dict[date, frozenset[str]] = {d: frozenset(ex) for d, ex in facts.done.items()}
    # A day logged by check-ins alone (no session recorded by a player): the exercises rated
    # that day are the ones done, since a person rates only what they did.
    for on, exercise_id in ratings:
        if on not in facts.dates:
            done[on] = done.get(on, frozenset()) | {exercise_id}
    return History(mornings, ratings, efforts, done)


def adaptation(ctx: Context, on: date, history: History | None = None) -> Adaptation:
    profile = get_profile(ctx)
    program = program_for(profile)
    history = history if history is not None else load_history(ctx, on - timedelta(days=1))
    return adapt(program, profile.start_date, history, on)


# --- safety screen and the session gate -------------------------------------------------------


def screened(ctx: Context) -> bool:
    """Whether the person has answered the red-flag screen at least once."""
    return bool(screens.runs(ctx.store, ctx.require_person()))


def record_screen(ctx: Context, answers: dict[str, bool]) -> Verdict:
    missing = [q.id for q in QUESTIONS if q.id not in answers]
    if missing:
        raise InputError(f"every question needs an answer; missing: {', '.join(missing)}")
    screens.save_screen(ctx.store, ctx.require_person(), answers)
    return verdict(answers)


def record_clearance(ctx: Context, cleared_on: date, today: date) -> None:
    if cleared_on > today:
        raise InputError(
            f"the clearance date {cleared_on.isoformat()} is in the future; give the date a "
            "clinician saw you and said exercise is safe"
        )
    screens.add_clearance(ctx.store, ctx.require_person(), cleared_on)


def _flag_block(run: screens.ScreenRun) -> Block:
    result = verdict(run.answers)
    listed = " ".join(f"“{q.text}”" for q in result.flagged)
    when = run.answered_at.date().isoformat()
    return Block(
        f"No session for now. On {when} you answered yes to: {listed} {result.advice}",
        "clearance",
    )


def gate(ctx: Context, on: date) -> Block | None:
    """Why no session may be offered on ``on``, or None (see ``services.session_gate``)."""
    person = ctx.require_person()
    runs = screens.runs(ctx.store, person)
    if not runs:
        return Block(
            f"No session yet: please answer the safety questions first ({len(QUESTIONS)} of them).",
            "screen",
        )
    cleared = screens.list_clearances(ctx.store, person)
    for run in reversed(runs):
        if verdict(run.answers).clear:
            continue
        if not any(c.recorded_at > run.answered_at and c.cleared_on <= on for c in cleared):
            return _flag_block(run)
    return _pain_stop_block(ctx, on, runs)


def _pain_stop_block(ctx: Context, on: date, runs: list[screens.ScreenRun]) -> Block | None:
    """Rule 2's second half: pain that stopped a session and has not settled in 24 hours
    brings the safety screen back before the next session."""
    person = ctx.require_person()
    stops = [
        row
        for row in checkins.list_for(ctx.store, person, kind="exercise", until=on)
        if must_stop((row.values or {}).get("pain"), (row.values or {}).get("quality"))
    ]
    if not stops:
        return None
    stop = stops[-1]
    stopped_on: date = stop.on_date
    if stopped_on == on:
        return Block(
            "You stopped today's session because of pain, so rest for the rest of the day.",
            "rest",
        )
    mornings = {
        row.on_date: row.values
        for row in checkins.list_for(ctx.store, person, kind="morning", until=on)
    }
    before, after = mornings.get(stopped_on), mornings.get(stopped_on + timedelta(days=1))
    if after is not None and pain_settled(
        before.get("pain") if before else None, int(after["pain"])
    ):
        return None
    stop_time = screens.aware(stop.recorded_at)
    if any(run.answered_at > stop_time for run in runs):
        return None  # screened again since the stop (a "yes" there is handled by the gate)
    if after is None and on == stopped_on + timedelta(days=1):
        return Block(
            "Yesterday's session stopped because of pain. First tell Supple how you feel this "
            "morning: if the pain has settled, today's session is on; if not, Supple will ask "
            "the safety questions again.",
            "morning",
        )
    return Block(
        f"The pain that stopped your session on {stopped_on.isoformat()} had not settled "
        "24 hours later, so please answer the safety questions again before the next session. "
        "If the pain is getting worse, or you notice numbness or weakness, contact a clinician.",
        "screen",
    )


# --- check-ins --------------------------------------------------------------------------------


def record_morning(ctx: Context, on: date, *, pain: int, stiffness: int) -> bool:
    """Store the morning's pain and stiffness; True when it replaced an earlier one."""
    values = {
        "pain": check_scale(pain, "morning pain"),
        "stiffness": check_scale(stiffness, "stiffness"),
    }
    return checkins.upsert(ctx.store, ctx.require_person(), "morning", on, values)


def morning_missing(ctx: Context, on: date) -> bool:
    rows = checkins.list_for(ctx.store, ctx.require_person(), kind="morning", until=on)
    return not any(row.on_date == on for row in rows)


def record_session(
    ctx: Context,
    on: date,
    *,
    before_pain: int | None = None,
    after_pain: int | None = None,
    rpe: int | None = None,
    before_stiffness: int | None = None,
) -> bool:
    """Store a session's pain before and after and its effort; values not given are kept from an
    earlier check-in of the same day (a player records "before" and "after" at different times).
    True when an earlier check-in was replaced."""
    given = {
        "before_pain": before_pain,
        "before_stiffness": before_stiffness,
        "after_pain": after_pain,
        "rpe": rpe,
    }
    if all(v is None for v in given.values()):
        raise InputError(
            "give at least one of --before-pain, --before-stiffness, --after-pain and --rpe"
        )
    labels = {
        "before_pain": "pain before",
        "before_stiffness": "stiffness before",
        "after_pain": "pain after",
        "rpe": "effort (RPE)",
    }
    for key, value in given.items():
        if value is not None:
            check_scale(value, labels[key])
    person = ctx.require_person()
    earlier: dict[str, Any] = next(
        (
            row.values
            for row in checkins.list_for(ctx.store, person, kind="session", until=on)
            if row.on_date == on
        ),
        {},
    )
    values = {k: (v if v is not None else earlier.get(k)) for k, v in given.items()}
    return checkins.upsert(ctx.store, person, "session", on, values)


@dataclass(frozen=True)
class ExerciseRated:
    exercise: Exercise
    replaced: bool
    stop_advice: str | None  # set when the rating means the session has to stop (rule 2)


def record_exercise(
    ctx: Context,
    on: date,
    query: str,
    *,
    pain: int | None,
    hurt: bool = False,
    quality: str | None = None,
) -> ExerciseRated:
    """Rate an exercise of that date's session, also after the fact."""
    profile = get_profile(ctx)
    program = program_for(profile)
    exercise = find_exercise(program, query)
    slot = locate(profile.start_date, on, cycle=7, weeks=program.weeks)
    day = next((d for d in program.days if d.number == slot.day), None)
    if day is None or all(item.exercise_id != exercise.id for item in day.items):
        listed = ", ".join(program.catalog[i.exercise_id].name for i in day.items) if day else ""
        raise InputError(
            f"{exercise.name} is not in the session of {on.isoformat()} (day {slot.day})"
            + (f"; that day has {listed}" if listed else "")
        )
    if pain is None and not hurt and quality is None:
        raise InputError("give --pain N (0–10), --hurt, or --quality")
    if quality is not None:
        quality = quality.strip().lower()
    replaced = rate_exercise(ctx, on, exercise.id, pain=pain, hurt=hurt, quality=quality)
    return ExerciseRated(exercise, replaced, STOP_ADVICE if must_stop(pain, quality) else None)


def psfs_baseline(ctx: Context, before: date | None = None) -> dict[str, int] | None:
    """The activities and ratings chosen at the first weekly check-in (before ``before``)."""
    for row in checkins.list_for(ctx.store, ctx.require_person(), kind="week"):
        psfs = (row.values or {}).get("psfs")
        if psfs and (before is None or row.on_date < before):
            return {str(k): int(v) for k, v in psfs.items()}
    return None


def record_week(
    ctx: Context, on: date, *, pain: int, psfs: dict[str, int] | None
) -> tuple[bool, bool]:
    """Store the past week's average pain and the PSFS; (replaced, this is the PSFS baseline)."""
    check_scale(pain, "average pain over the past week")
    baseline = psfs_baseline(ctx, before=on)
    if psfs is None and baseline is None:
        raise InputError(
            "the first weekly check-in sets your PSFS baseline: add --psfs with 3 to 5 activities "
            'your back or hips make hard, e.g. --psfs "tie shoes=4,sit 1 hour=3,lift child=5"'
        )
    values: dict[str, Any] = {"pain": pain}
    if psfs is not None:
        values["psfs"] = check_psfs(psfs, baseline)
    replaced = checkins.upsert(ctx.store, ctx.require_person(), "week", on, values)
    return replaced, baseline is None


# --- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    on: date
    profile: Profile
    adherence: Adherence
    mornings: list[tuple[date, int | None, int | None]]  # date, pain, stiffness
    weekly_pain: PainChange | None
    psfs: PsfsChange | None
    changes: list[tuple[date, str]]  # when it took effect, the sentence
    pauses: list[str]
    review: Review | None


def _session_dates(ctx: Context, history: History) -> set[date]:
    rows = checkins.list_for(ctx.store, ctx.require_person(), kind="session")
    return {d for d, ex in history.done.items() if ex} | {row.on_date for row in rows}


def _scheduled(program: Program, start: date, on: date) -> list[date]:
    days = []
    day = start
    while day <= on:
        number = locate(start, day, cycle=7, weeks=program.weeks).day
        if any(d.number == number and d.items for d in program.days):
            days.append(day)
        day += timedelta(days=1)
    return days


def progress(ctx: Context, on: date) -> Progress:
    profile = get_profile(ctx)
    program = program_for(profile)
    start = profile.start_date
    history = load_history(ctx, on)
    result = adapt(program, start, history, on + timedelta(days=1))
    done = _session_dates(ctx, history)
    mornings = []
    day = max(start, on - timedelta(days=27))
    while day <= on:
        m = history.mornings.get(day)
        mornings.append((day, m.pain if m else None, m.stiffness if m else None))
        day += timedelta(days=1)
    weeks = [row for row in checkins.list_for(ctx.store, profile.person_id, kind="week", until=on)]
    weekly_pain = None
    if len(weeks) >= 2:
        weekly_pain = pain_change(weeks[0].values["pain"], weeks[-1].values["pain"])
    psfs_rows = [row.values["psfs"] for row in weeks if row.values.get("psfs")]
    psfs = PsfsChange(psfs_rows[0], psfs_rows[-1]) if len(psfs_rows) >= 2 else None
    pain_for_review = weekly_pain or _morning_change(history, start, on)
    return Progress(
        on=on,
        profile=profile,
        adherence=adherence(start, on, _scheduled(program, start, on), done),
        mornings=mornings,
        weekly_pain=weekly_pain,
        psfs=psfs,
        changes=[(c.effective, result.sentence(c)) for c in result.changes],
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
    from supple.core.outcomes import HABIT_DAYS, HABIT_SESSIONS, sparkline

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
