"""`supple start` (the guided session) and `supple history`."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

import click

from supple.cli.app import (
    date_option,
    emit_json,
    fail,
    fit_options,
    friendly,
    json_option,
    open_scope,
)
from supple.cli.wrap import fit, prompt_suffix

if TYPE_CHECKING:
    from collections.abc import Mapping

    from supple.cli.play import Runner
    from supple.core.fit import Fitted
    from supple.core.plan import Exercise
    from supple.services import Scope
    from supple.services.sessions import Session


@click.command()
@click.option("--day", "day", type=int, metavar="N", help="Play day N of this program week.")
@date_option
@fit_options
@click.option(
    "--speed",
    type=float,
    default=1.0,
    show_default=True,
    metavar="FACTOR",
    help="Run time FACTOR times faster (for demos and tests).",
)
@click.option("--auto", is_flag=True, help="No keyboard: reps run at tempo, one line per step.")
@click.option("--resume", is_flag=True, help="Continue today's unfinished session.")
@click.option("--quiet", is_flag=True, help="No bell and no spoken cues.")
@click.option("--before-pain", type=int, metavar="0-10", help="Pain right now (asked if omitted).")
@click.option("--before-stiffness", type=int, metavar="0-10", help="Stiffness right now.")
@click.option("--after-pain", type=int, metavar="0-10", help="Pain after the session.")
@click.option("--rpe", type=int, metavar="0-10", help="How hard the session felt.")
@friendly
def start(
    day: int | None,
    on: str | None,
    minutes: str | None,
    without: str | None,
    speed: float,
    auto: bool,
    resume: bool,
    quiet: bool,
    before_pain: int | None,
    before_stiffness: int | None,
    after_pain: int | None,
    rpe: int | None,
) -> None:
    """Play a session step by step: get ready, work, switch sides, rest, next exercise.

    Before it starts you rate pain and stiffness, and after it your pain and effort (each
    0–10, Enter skips); the adaptation rules need them. Flags give them without asking.
    --minutes and --without fit the day to the time and props you have; every change is
    listed before the first step.
    """
    from supple import services
    from supple.cli.play import Runner
    from supple.core import limits
    from supple.core.fit import parse_choices
    from supple.core.outcomes import check_scale
    from supple.core.pain import STOP_ADVICE
    from supple.services import sessions

    limits.check_speed(speed)
    flags = {"--before-pain": before_pain, "--before-stiffness": before_stiffness}
    flags |= {"--after-pain": after_pain, "--rpe": rpe}
    for flag, value in flags.items():
        if value is not None:
            check_scale(value, flag)
    choices = parse_choices(minutes, without)
    interactive = not auto
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        fail("the interactive player needs a terminal; use --auto to run without one")
    scope = open_scope(on)
    when = services.today(scope)
    session = sessions.find_unfinished(scope, when, day)
    if _offer_after_checkin(scope, when, interactive, after_pain, rpe) and resume:
        if session is not None and session.resume_point is None:
            sessions.finish(scope, session.id)
        if session is None or session.resume_point is None:
            click.echo(f"Nothing left to resume on {when.isoformat()}: that session is complete.")
            return
    if session is not None and session.resume_point is None:
        sessions.finish(scope, session.id)
        session = None
    if session is not None and not resume:
        left = len(session.timeline.steps) - len(session.completed | session.skipped)
        question = (
            f"You have an unfinished day {session.day} session from {when.isoformat()} "
            f"({left} steps left). Continue it?"
        )
        # Without a keyboard to ask, continuing is the choice that loses nothing.
        if not interactive or click.confirm(question, default=True):
            resume = True
        else:
            session = None
    if resume and session is None:
        fail(f"no unfinished session on {when.isoformat()} to resume")
    if session is None:
        fitted = sessions.fitted_day(scope, when, choices, day)
        session = sessions.start(scope, fitted, when)
        plan = fitted.plan
        title = f"Day {plan.slot.day} · {plan.title}"
        _fit_notes(fitted)
    else:
        if choices.any:
            click.echo(
                "An unfinished session goes on as it was started; --minutes and --without apply "
                "to a new one."
            )
        block = services.session_gate(scope, when)
        if block:
            fail(block.for_terminal())
        title = _title(scope, session)
    checkin = _SessionCheckin(scope, when, ask=interactive)
    if not session.completed and not session.skipped:
        checkin.before(before_pain, before_stiffness)
    runner = Runner(scope, session, title=title, speed=speed, auto=auto, quiet=quiet)
    if auto:
        runner.print(f"{title} · {len(session.timeline.steps)} steps")
        runner.run_auto()
    else:
        runner.run_interactive()
    _farewell(runner, STOP_ADVICE)
    if runner.player.status == "finished" or runner.stopped_for_pain:
        checkin.after(after_pain, rpe)


def _fit_notes(fitted: Fitted) -> None:
    """Every change the choices made, before the first step, so nothing is a surprise."""
    summary = fitted.summary()
    if summary:
        click.echo(summary)
    for change in fitted.changes:
        click.echo(f"  · {change.reason}")


def _offer_after_checkin(
    scope: Scope, on: date, ask: bool, pain: int | None, rpe: int | None
) -> bool:
    """Ask the after-session check-in of a session that ended without it (the player was
    closed right after the last step); True when one was due."""
    from supple.services import sessions

    due = sessions.after_checkin_due(scope, on)
    if due is None:
        return False
    click.echo(
        f"Your day {due.day} session of {on.isoformat()} ended before its after-session check-in."
    )
    _SessionCheckin(scope, on, ask=ask).after(pain, rpe)
    if sessions.after_checkin_due(scope, on) is not None:
        click.echo(
            "It is still due: `supple checkin session --after-pain N --rpe N "
            f"--date {on.isoformat()}` gives it."
        )
    return True


class _SessionCheckin:
    """The session's check-ins: pain and stiffness before, pain and effort after.

    Asked at the terminal (Enter skips) unless given as flags; stored through the same service
    as `supple checkin session`, so a rating from either place lands in one record.
    """

    def __init__(self, scope: Scope, on: date, *, ask: bool) -> None:
        self.scope, self.on, self.ask = scope, on, ask

    def _value(self, given: int | None, question: str, scale: str = "0–10") -> int | None:
        if given is not None or not self.ask:
            return given
        while True:
            answer = click.prompt(
                fit(f"{question} ({scale}, Enter to skip)", prompt_suffix()),
                default="",
                show_default=False,
            )
            if not answer.strip():
                return None
            if answer.strip().isdigit() and 0 <= int(answer) <= 10:
                return int(answer)
            click.echo("Please type a whole number from 0 to 10, or press Enter to skip.")

    def _record(self, **values: int | None) -> None:
        from supple import services

        if any(v is not None for v in values.values()):
            services.record_session(self.scope, self.on, **values)

    def before(self, pain: int | None, stiffness: int | None) -> None:
        self._record(
            before_pain=self._value(pain, "Pain right now"),
            before_stiffness=self._value(stiffness, "Stiffness right now"),
        )

    def after(self, pain: int | None, rpe: int | None) -> None:
        self._record(
            after_pain=self._value(pain, "Pain now, after the session"),
            rpe=self._value(rpe, "How hard was the session", "0 rest – 10 maximal effort"),
        )


def _title(scope: Scope, session: Session) -> str:
    from supple import services

    try:
        name = services.current_program(scope).day(session.day).title
    except KeyError:
        return f"Day {session.day}"
    return f"Day {session.day} · {name}"


def _farewell(runner: Runner, advice: str) -> None:
    player = runner.player
    done = len(player.completed)
    total = len(player.timeline.steps)
    if runner.stopped_for_pain:
        from supple.cli import terminal_text

        console = terminal_text.console()
        console.print("Session stopped.", style="bold")
        console.print(advice)
    elif player.status == "finished":
        click.echo(f"Session finished: {done} of {total} steps done. Well done.")
    else:
        click.echo(
            f"Saved: {done} of {total} steps done. `supple start --resume` continues where "
            "you stopped."
        )


@click.command()
@json_option
@friendly
def history(as_json: bool) -> None:
    """Your sessions: date, program day, steps done, exercises, and anything that hurt."""
    from supple import services
    from supple.services import sessions

    scope = open_scope()
    rows = sessions.history(scope)
    zone = services.get_profile(scope).timezone
    if as_json:
        emit_json({"sessions": rows})
        return
    from rich.table import Table

    from supple.cli import terminal_text
    from supple.core.fit import stored_line

    if not rows:
        click.echo("No sessions yet: `supple start` plays today's.")
        return
    catalog = services.current_program(scope).catalog
    table = Table(header_style="bold")
    for column in ("Date", "Day", "Started", "Status", "Steps", "Exercises done", "Hurt"):
        table.add_column(column)
    for row in rows:
        if row["finished_at"] is None:
            status = "unfinished"
        elif row["stopped_reason"]:
            status = "stopped early"
        else:
            status = "finished"
        steps = f"{row['completed_steps']}/{row['total_steps']}"
        if row["skipped_steps"]:
            steps += f" ({row['skipped_steps']} skipped)"
        sets = [e["completed_sets"] for e in row["exercises"]]
        exercises = f"{sum(1 for n in sets if n)} of {len(sets)}"
        hurt = ", ".join(_name(catalog, e["exercise"]) for e in row["exercises"] if e["hurt"])
        table.add_row(
            row["date"],
            str(row["day"]),
            _local_time(row["started_at"], zone),
            status,
            steps,
            exercises,
            hurt or "—",
        )
    console = terminal_text.console()
    console.print(table)
    for row in rows:
        if row.get("fit"):
            console.print(f"{row['date']}: {stored_line(row['fit'])}", style="magenta")
            for change in row["fit"].get("changes", []):
                console.print(f"  · {change['reason']}")


def _name(catalog: Mapping[str, Exercise], exercise_id: str) -> str:
    found = catalog.get(exercise_id)
    return found.name if found else exercise_id


def _local_time(stamp: str | None, zone: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def register(group: click.Group) -> None:
    group.add_command(start)
    group.add_command(history)
