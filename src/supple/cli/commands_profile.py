"""`supple init` and `supple about`."""

from __future__ import annotations

from pathlib import Path

import click

from supple.cli.app import friendly, open_scope


@click.command()
@click.option("--start-date", metavar="YYYY-MM-DD", help="Day 1 of the program (default: today).")
@click.option(
    "--time", "session_time", metavar="HH:MM", help="When you plan to train (default 07:30)."
)
@click.option("--timezone", metavar="Area/City", help="Your time zone (default: this computer's).")
@click.option(
    "--plan", "plan_path", type=click.Path(path_type=Path), help="Follow your own plan file."
)
@click.option("--if-missing", is_flag=True, help="Do nothing when a profile already exists.")
@click.option(
    "--answers",
    metavar="y,n,…",
    help="Answer the safety questions non-interactively (see `supple screen --list`).",
)
@friendly
def init(
    start_date: str | None,
    session_time: str | None,
    timezone: str | None,
    plan_path: Path | None,
    if_missing: bool,
    answers: str | None,
) -> None:
    """Create your profile (or change it): start date, session time, time zone, plan.

    The first time, it asks the safety questions before anything else.
    """
    from supple import services
    from supple.cli import render
    from supple.cli.commands_wellbeing import init_screen

    scope = open_scope()
    if if_missing and services.find_profile(scope):
        init_screen(scope, answers)
        return
    # Check everything typed before asking the safety questions, so a typo costs nothing.
    start = services.parse_date(start_date, "--start-date") if start_date else None
    at = services.parse_time(session_time) if session_time else None
    zone = services.parse_zone(timezone) if timezone else None
    if answers is not None:
        from supple.core.safety import parse_answers

        parse_answers(answers)
    scope, screened = init_screen(scope, answers)
    profile = services.init_profile(
        scope, start_date=start, session_time=at, timezone=zone, plan_path=plan_path
    )
    blocked = screened is not None and not screened.clear
    render.profile_saved(profile, scope.store.safe_url, blocked=blocked)


@click.command()
@friendly
def about() -> None:
    """Why tight hips and back pain go together, and the plan's advice."""
    from supple import planfile
    from supple.cli import render

    render.about(planfile.bundled_program())


def register(group: click.Group) -> None:
    group.add_command(init)
    group.add_command(about)
