"""`supple screen`, `supple checkin …` and `supple progress`: listening to your body."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from supple.cli.app import date_option, emit_json, friendly, json_option, open_scope
from supple.cli.wrap import fit, prompt_suffix
from supple.core.pain import QUALITIES

if TYPE_CHECKING:
    from datetime import date

    from supple.core.safety import Verdict
    from supple.services import Scope


def ask_screen(scope: Scope, answers_text: str | None) -> Verdict:
    """Run the red-flag screen: from ``--answers``, or one question at a time."""
    from supple import services
    from supple.core.safety import QUESTIONS, TIER_TITLES, parse_answers

    if answers_text is not None:
        answers = parse_answers(answers_text)
    else:
        click.echo(
            fit(
                "Before you start, a few safety questions. Answer y (yes) or n (no) about how "
                "things are now. Any yes means a clinician should see you before you exercise."
            )
        )
        answers = {}
        tier = None
        for number, question in enumerate(QUESTIONS, 1):
            if question.tier != tier:
                tier = question.tier
                click.echo(fit(f"\n{TIER_TITLES[tier]}"))
            reply = click.prompt(
                fit(f"{number}/{len(QUESTIONS)} {question.text}", prompt_suffix(("y", "n"))),
                type=click.Choice(["y", "n"], case_sensitive=False),
                show_choices=True,
            )
            answers[question.id] = reply.lower() == "y"
    result = services.record_screen(scope, answers)
    from supple.cli.render_wellbeing import screen_result

    screen_result(result)
    return result


@click.command()
@click.option("--list", "list_only", is_flag=True, help="Show the questions instead of asking.")
@json_option
@click.option(
    "--answers", metavar="y,n,…", help="Answer every question in order, for scripts (see --list)."
)
@click.option(
    "--cleared",
    metavar="YYYY-MM-DD",
    help="Record that a clinician saw you on this date and said exercise is safe.",
)
@date_option
@friendly
def screen(
    list_only: bool, as_json: bool, answers: str | None, cleared: str | None, on: str | None
) -> None:
    """The safety questions (red flags) to answer before exercising, one at a time."""
    from supple.core.safety import QUESTIONS

    if list_only:
        if as_json:
            emit_json([{"id": q.id, "tier": q.tier, "text": q.text} for q in QUESTIONS])
            return
        from supple.cli.render_wellbeing import questions

        questions()
        return
    from supple import services

    scope = open_scope(on)
    scope.require_subject()
    if cleared is not None:
        when = services.parse_date(cleared, "--cleared")
        services.record_clearance(scope, when)
        click.echo(
            fit(
                f"Recorded: a clinician cleared you for exercise on {when.isoformat()}. "
                "Sessions are offered again; start gently, and stop if anything feels wrong."
            )
        )
        return
    ask_screen(scope, answers)


@click.group()
def checkin() -> None:
    """Tell Supple how you feel: each morning, around a session, per exercise, each week."""


def _replaced(replaced: bool, what: str, on: date) -> None:
    if replaced:
        click.echo(f"Replaced your earlier {what} for {on.isoformat()}.")


@checkin.command()
@click.option("--pain", type=int, prompt="Pain right now (0 none – 10 worst)", help="0–10.")
@click.option("--stiffness", type=int, prompt="Stiffness right now (0–10)", help="0–10.")
@date_option
@friendly
def morning(pain: int, stiffness: int, on: str | None) -> None:
    """This morning's pain and stiffness (0–10), which shape the next sessions."""
    from supple import services

    scope = open_scope(on)
    when = services.today(scope)
    replaced = services.record_morning(scope, when, pain=pain, stiffness=stiffness)
    _replaced(replaced, "morning check-in", when)
    click.echo(f"Morning of {when.isoformat()}: pain {pain}/10, stiffness {stiffness}/10. Thanks.")


@checkin.command()
@click.option("--before-pain", type=int, help="Pain before the session (0–10).")
@click.option("--before-stiffness", type=int, help="Stiffness before the session (0–10).")
@click.option("--after-pain", type=int, help="Pain after the session (0–10).")
@click.option("--rpe", type=int, help="How hard the session felt (0 rest – 10 maximal).")
@date_option
@friendly
def session(
    before_pain: int | None,
    before_stiffness: int | None,
    after_pain: int | None,
    rpe: int | None,
    on: str | None,
) -> None:
    """Pain and stiffness before a session, pain after it, and how hard it felt (0–10)."""
    from supple import services

    scope = open_scope(on)
    when = services.today(scope)
    if all(v is None for v in (before_pain, before_stiffness, after_pain, rpe)):
        room = prompt_suffix()
        before_pain = click.prompt(fit("Pain before the session (0–10)", room), type=int)
        before_stiffness = click.prompt(fit("Stiffness before the session (0–10)", room), type=int)
        after_pain = click.prompt(fit("Pain after the session (0–10)", room), type=int)
        rpe = click.prompt(fit("How hard was it (0 rest – 10 maximal effort)", room), type=int)
    replaced = services.record_session(
        scope,
        when,
        before_pain=before_pain,
        before_stiffness=before_stiffness,
        after_pain=after_pain,
        rpe=rpe,
    )
    _replaced(replaced, "session check-in", when)
    click.echo(f"Session of {when.isoformat()} noted.")


@checkin.command()
@click.argument("name")
@click.option("--pain", type=int, help="Pain when it ended (0–10).")
@click.option("--hurt", is_flag=True, help="It hurt beyond normal stretching discomfort.")
@click.option(
    "--quality",
    type=click.Choice(list(QUALITIES), case_sensitive=False),
    help="What the pain felt like.",
)
@date_option
@friendly
def exercise(name: str, pain: int | None, hurt: bool, quality: str | None, on: str | None) -> None:
    """Rate one exercise of that day's session, also afterwards (NAME can be loose)."""
    from supple import services

    scope = open_scope(on)
    when = services.today(scope)
    if pain is None and not hurt and quality is None:
        pain = click.prompt("Pain when it ended (0–10)", type=int)
    rated = services.record_exercise(scope, when, name, pain=pain, hurt=hurt, quality=quality)
    _replaced(rated.replaced, f"rating of {rated.exercise.name}", when)
    click.echo(f"{rated.exercise.name} on {when.isoformat()} noted.")
    if rated.stop_advice:
        click.secho(rated.stop_advice, fg="red", bold=True)


@checkin.command(name="week")
@click.option("--pain", type=int, prompt="Your average pain over the past week (0–10)")
@click.option(
    "--psfs",
    metavar='"ACTIVITY=N,…"',
    help="3–5 activities your back or hips make hard, each rated 0 (unable) – 10 (as before).",
)
@date_option
@friendly
def week_checkin(pain: int, psfs: str | None, on: str | None) -> None:
    """The past week's average pain and your activities (PSFS), chosen once and re-rated."""
    from supple import services
    from supple.core.outcomes import parse_psfs

    scope = open_scope(on)
    when = services.today(scope)
    baseline = services.psfs_baseline(scope, before=when)
    ratings = parse_psfs(psfs) if psfs is not None else _ask_psfs(baseline)
    replaced, first = services.record_week(scope, when, pain=pain, psfs=ratings)
    _replaced(replaced, "weekly check-in", when)
    if first:
        click.echo("Your PSFS activities are set; you will re-rate them each week.")
    click.echo(f"Week check-in of {when.isoformat()} noted.")


def _ask_psfs(baseline: dict[str, int] | None) -> dict[str, int]:
    """Ask for the PSFS: re-rate the chosen activities, or choose them the first time."""
    from supple.core.outcomes import PSFS_MAX, PSFS_MIN

    scale = "0 = unable, 10 = as before the problem"
    suffix = prompt_suffix()
    if baseline is not None:
        return {name: click.prompt(fit(f"{name} ({scale})", suffix), type=int) for name in baseline}
    click.echo(
        fit(
            f"Name {PSFS_MIN} to {PSFS_MAX} everyday activities your back or hips make hard "
            "(for example: tie shoes, sit for an hour). Press Enter on an empty line when done."
        )
    )
    names: list[str] = []
    while len(names) < PSFS_MAX:
        name = click.prompt(f"Activity {len(names) + 1}", default="", show_default=False)
        if not name.strip():
            if len(names) >= PSFS_MIN:
                break
            continue
        names.append(name.strip())
    return {name: click.prompt(fit(f"{name} ({scale})", suffix), type=int) for name in names}


@click.command()
@date_option
@json_option
@friendly
def progress(on: str | None, as_json: bool) -> None:
    """Your sessions, pain, stiffness, activities and every dose change so far."""
    from supple import services

    scope = open_scope(on)
    report = services.progress(scope, services.today(scope))
    if as_json:
        emit_json(services.progress_json(report))
        return
    from supple.cli.render_wellbeing import progress_report

    progress_report(report)


def register(group: click.Group) -> None:
    group.add_command(screen)
    group.add_command(checkin)
    group.add_command(progress)


def init_screen(scope: Scope, answers_text: str | None) -> tuple[Scope, Verdict | None]:
    """The screen `supple init` runs first, once: only while none has been answered. Returns
    the scope to go on with (acting for the person it created, the first time) and the verdict.

    Without a terminal to ask (input ends), the profile is still saved, and the session gate
    keeps sessions closed until `supple screen` is answered.
    """
    from supple import services

    if scope.subject is None:
        scope = scope.for_created(services.create_person(scope))
    elif services.screened(scope):
        return scope, None
    try:
        return scope, ask_screen(scope, answers_text)
    except click.Abort:
        click.echo(
            fit(
                "\nThe safety questions were not answered, so no session will be offered until "
                "they are: run `supple screen`."
            )
        )
        return scope, None
