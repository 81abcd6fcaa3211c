"""`supple today` and `supple week`."""

from __future__ import annotations

import click

from supple.cli.app import date_option, emit_json, fit_options, friendly, json_option, open_scope


@click.command()
@date_option
@fit_options
@json_option
@friendly
def today(on: str | None, minutes: str | None, without: str | None, as_json: bool) -> None:
    """What today's session holds: exercises, doses, time, and a tip.

    With --minutes or --without, the day as `supple start` would play it with those choices.
    """
    from supple import services
    from supple.core.fit import parse_choices
    from supple.jsonview import day_json

    choices = parse_choices(minutes, without)
    scope = open_scope(on)
    when = services.today(scope)
    fitted = None
    if choices.any:  # imported only then: `supple today` alone stays quick to start
        from supple.services import sessions

        fitted = sessions.fitted_day(scope, when, choices)
    plan = fitted.plan if fitted else services.day(scope, when)
    gate = services.session_gate(scope, when) if not plan.is_rest_day else None
    ask_morning = services.morning_missing(scope, when)
    if as_json:
        emit_json(
            {
                **day_json(plan),
                "gate": gate.as_json() if gate else None,
                "morning_checkin_missing": ask_morning,
                "fit": fitted.to_json() if fitted else None,
            }
        )
        return
    from supple.cli import render, render_wellbeing

    if gate:
        render_wellbeing.gate(gate.for_terminal(), plan.on)
        return
    if ask_morning:
        render_wellbeing.morning_prompt()
    from supple.services import sessions

    if sessions.after_checkin_due(scope, when) is not None:
        from supple.cli.wrap import fit

        click.echo(
            fit(
                "Your session ended before its after-session check-in: `supple start` asks it, "
                f"or `supple checkin session --after-pain N --rpe N --date {when.isoformat()}`."
            )
        )
    render.day(plan, fitted)


@click.command()
@date_option
@json_option
@friendly
def week(on: str | None, as_json: bool) -> None:
    """The seven days of this program week at a glance."""
    from supple import services
    from supple.jsonview import day_json

    scope = open_scope(on)
    when = services.today(scope)
    days = services.week(scope, when)
    if as_json:
        emit_json({"week": days[0].slot.week, "days": [day_json(d) for d in days]})
        return
    from supple.cli import render

    render.week(days, when)


def register(group: click.Group) -> None:
    group.add_command(today)
    group.add_command(week)
