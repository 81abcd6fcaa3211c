"""`supple start` (the guided session) and `supple history`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from supple.cli.app import context, date_option, emit_json, fail, friendly, json_option

if TYPE_CHECKING:
    from supple.cli.play import Runner
    from supple.services import Context
    from supple.sessions import Session


@click.command()
@click.option("--day", "day", type=int, metavar="N", help="Play day N of this program week.")
@date_option
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
@friendly
def start(
    day: int | None, on: str | None, speed: float, auto: bool, resume: bool, quiet: bool
) -> None:
    """Play a session step by step: get ready, work, switch sides, rest, next exercise."""
    from supple import services, sessions
    from supple.cli.play import Runner
    from supple.core.errors import InputError
    from supple.core.pain import STOP_ADVICE

    if speed <= 0 or speed > 10_000:
        raise InputError(f"--speed must be above 0 and at most 10000, got {speed:g}")
    interactive = not auto
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        fail("the interactive player needs a terminal; use --auto to run without one")
    ctx = context()
    profile = services.get_profile(ctx)
    when = services.parse_date(on) if on else services.local_today(profile.timezone)
    session = sessions.find_unfinished(ctx, when, day)
    if session is not None and session.resume_point is None:
        sessions.finish(ctx, session.id)
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
        plan = sessions.plan_for(ctx, when, day)
        session = sessions.start(ctx, plan, when)
        title = f"Day {plan.slot.day} · {plan.title}"
    else:
        refusal = services.session_gate(ctx, when)
        if refusal:
            fail(refusal)
        title = _title(ctx, session)
    runner = Runner(ctx, session, title=title, speed=speed, auto=auto, quiet=quiet)
    if auto:
        runner.print(f"{title} · {len(session.timeline.steps)} steps")
        runner.run_auto()
    else:
        runner.run_interactive()
    _farewell(runner, STOP_ADVICE)


def _title(ctx: Context, session: Session) -> str:
    from supple import services

    try:
        name = services.current_program(ctx).day(session.day).title
    except KeyError:
        return f"Day {session.day}"
    return f"Day {session.day} · {name}"


def _farewell(runner: Runner, advice: str) -> None:
    player = runner.player
    done = len(player.completed)
    total = len(player.timeline.steps)
    if runner.stopped_for_pain:
        from rich.console import Console

        console = Console(highlight=False)
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
    from supple import services, sessions

    ctx = context()
    rows = sessions.history(ctx)
    zone = services.get_profile(ctx).timezone
    if as_json:
        emit_json({"sessions": rows})
        return
    from rich.console import Console
    from rich.table import Table

    if not rows:
        click.echo("No sessions yet: `supple start` plays today's.")
        return
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
        hurt = ", ".join(e["exercise"] for e in row["exercises"] if e["hurt"]) or "—"
        table.add_row(
            row["date"],
            str(row["day"]),
            _local_time(row["started_at"], zone),
            status,
            steps,
            exercises,
            hurt,
        )
    Console(highlight=False).print(table)


def _local_time(stamp: str | None, zone: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def register(group: click.Group) -> None:
    group.add_command(start)
    group.add_command(history)
