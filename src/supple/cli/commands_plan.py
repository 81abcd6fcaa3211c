"""`supple plan …` and `supple exercise`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from supple.cli.app import emit_json, friendly, json_option, open_scope

if TYPE_CHECKING:
    from supple.core.plan import Program


@click.group()
def plan() -> None:
    """Show, export, validate or switch the program you follow."""


def _current_program() -> Program:
    from supple import services

    return services.current_program(open_scope())


@plan.command("show")
@json_option
@friendly
def plan_show(as_json: bool) -> None:
    """The whole program: every day and every prescription."""
    from supple.services import day_estimates

    program = _current_program()
    estimates = day_estimates(program)
    if as_json:
        from supple.jsonview import plan_json

        emit_json(plan_json(program, estimates))
        return
    from supple.cli import render

    render.program(program, estimates)


@plan.command("export")
@friendly
def plan_export() -> None:
    """Print the current plan's YAML, to copy and edit."""
    from supple import planfile, services

    scope = open_scope()
    profile = services.find_profile(scope)
    click.echo(services.plan_text(profile) if profile else planfile.bundled_plan_text(), nl=False)


@plan.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@friendly
def plan_validate(file: Path) -> None:
    """Check a plan file; every problem is printed as FILE:LINE:COLUMN: message."""
    from supple import planfile, services

    click.echo(services.plan_summary(str(file), planfile.load_program(file)))


@plan.command("use")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@click.option("--bundled", is_flag=True, help="Go back to the plan that ships with Supple.")
@friendly
def plan_use(file: Path | None, bundled: bool) -> None:
    """Follow the plan in FILE from now on (your history is kept)."""
    from supple import services

    scope = open_scope()
    if bundled:
        program = services.use_bundled_plan(scope)
    elif file is None:
        raise click.UsageError("give a plan FILE, or --bundled")
    else:
        program = services.use_plan(scope, file)
    click.echo(f"Now following {program.name!r}.")


@click.command()
@click.argument("name", required=False)
@json_option
@click.option(
    "--figure",
    "figure_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the exercise's animated figure to this SVG file.",
)
@friendly
def exercise(name: str | None, as_json: bool, figure_out: Path | None) -> None:
    """The exercise catalog, or one exercise in full (NAME can be loose: "bird dog")."""
    from supple import services
    from supple.cli import render
    from supple.jsonview import exercise_json

    program = _current_program()
    if name is None:
        if as_json:
            emit_json([exercise_json(e) for e in program.catalog.values()])
        else:
            render.catalog(program)
        return
    found = services.find_exercise(program, name)
    if figure_out is not None:
        from supple.figures import svg_for

        figure_out.write_text(svg_for(found.id), encoding="utf-8")
        click.echo(f"Figure written to {figure_out}", err=as_json)
    if as_json:
        emit_json(exercise_json(found))
    else:
        render.exercise(found)


def register(group: click.Group) -> None:
    group.add_command(plan)
    group.add_command(exercise)
