"""Rich renderings of days, weeks, plans and exercises for people at a terminal."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from supple.cli import terminal_text
from supple.core.day_plan import DayPlan
from supple.core.plan import Exercise, Program
from supple.core.profile import Profile
from supple.core.rules import in_words
from supple.core.safety import DISCLAIMER
from supple.core.wording import duration

if TYPE_CHECKING:
    from supple.core.fit import Fitted

console = terminal_text.console()


minutes = duration


def _heading(plan: DayPlan) -> str:
    week = (
        f"Week {plan.slot.week} (maintenance)"
        if plan.slot.maintenance
        else f"Week {plan.slot.week}"
    )
    return f"{plan.on.strftime('%A %d %B %Y')} · {week} · Day {plan.slot.day}"


def day(plan: DayPlan, fitted: Fitted | None = None) -> None:
    console.print(Text(_heading(plan), style="dim"))
    if plan.is_rest_day:
        console.print(Text("Rest day", style="bold"))
        console.print("Your plan has nothing scheduled today. A walk keeps the hips loose.")
        return
    console.print(Text(plan.title or "", style="bold cyan"))
    console.print(Text(plan.goal or "", style="italic"))
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Exercise")
    table.add_column("Dose")
    table.add_column("Time", justify="right")
    for number, item in enumerate(plan.items, 1):
        name = Text(item.exercise.name)
        if item.prescription.notes:
            name.append(f" ({item.prescription.notes})", style="dim")
        dose = Text(item.prescription.dose.describe())
        if item.variant:
            dose.append(f"\n{item.variant.name}", style="yellow")
        if item.reason:
            dose.append(f"\n{in_words(item.reason)}", style="yellow")
        for reason in fitted.details(number - 1) if fitted else []:
            dose.append(f"\n{reason}", style="magenta")
        table.add_row(str(number), name, dose, minutes(item.estimated_seconds))
    console.print(table)
    if fitted and (summary := fitted.summary()):
        console.print(Text(summary, style="bold magenta"))
    console.print(
        Text(f"About {minutes(plan.estimated_seconds)} in all, rests included.", style="bold")
    )
    if plan.tip:
        console.print(
            Text.assemble(("Tip · ", "green"), (plan.tip.title, "bold green"), f": {plan.tip.text}")
        )
    console.print(Text(DISCLAIMER, style="dim"))


def week(days: list[DayPlan], on: date) -> None:
    first = days[0]
    label = f"Week {first.slot.week}" + (" (maintenance)" if first.slot.maintenance else "")
    table = Table(title=label, title_justify="left", header_style="bold")
    table.add_column("Day", justify="right")
    table.add_column("Date")
    table.add_column("Session")
    table.add_column("Exercises")
    table.add_column("Time", justify="right")
    for plan in days:
        marker = "▶ " if plan.on == on else ""
        names = ", ".join(i.exercise.name for i in plan.items) or "rest"
        table.add_row(
            f"{marker}{plan.slot.day}",
            plan.on.strftime("%a %d %b"),
            plan.title or "Rest day",
            names,
            minutes(plan.estimated_seconds) if plan.items else "—",
        )
    console.print(table)


def program(program: Program, estimates: dict[int, int]) -> None:
    console.print(Text(program.name, style="bold cyan"))
    console.print(
        f"{program.weeks} weeks, then keep going as maintenance. Day 1 is your start date."
    )
    for d in program.days:
        table = Table(
            title=f"Day {d.number}: {d.title}  ·  about {minutes(estimates[d.number])}",
            title_justify="left",
            show_header=False,
            box=None,
            pad_edge=False,
        )
        table.add_column("Exercise")
        table.add_column("Dose")
        for item in d.items:
            notes = f" ({item.notes})" if item.notes else ""
            table.add_row(
                f"  {program.exercise(item.exercise_id).name}{notes}", item.dose.describe()
            )
        console.print(table)


def catalog(program: Program) -> None:
    table = Table(header_style="bold")
    table.add_column("Exercise")
    table.add_column("Kind")
    table.add_column("Works")
    table.add_column("Needs")
    for e in sorted(program.catalog.values(), key=lambda e: e.name):
        table.add_row(e.name, e.category, ", ".join(e.targets), ", ".join(e.equipment))
    console.print(table)
    console.print('Details: supple exercise "NAME" (a loose name works, e.g. "bird dog").')


def _numbered(title: str, lines: tuple[str, ...]) -> Text:
    text = Text(f"{title}\n", style="bold")
    for n, line in enumerate(lines, 1):
        text.append(f"  {n}. {line}\n", style="")
    return text


def _bullets(title: str, lines: tuple[str, ...], style: str = "") -> Text:
    text = Text(f"{title}\n", style="bold")
    for line in lines:
        text.append(f"  • {line}\n", style=style)
    return text


def exercise(e: Exercise) -> None:
    facts = f"{e.category} · works {', '.join(e.targets)} · needs {', '.join(e.equipment)}"
    if e.per:
        facts += f" · one {e.per} at a time"
    body = Group(
        Text(facts, style="dim"),
        Text(e.summary + (f"\nNote: {e.notes}" if e.notes else "") + "\n"),
        _numbered("Set up", e.setup),
        _numbered("Move", e.steps),
        _bullets("Form cues", e.cues, "green"),
        _bullets("Common mistakes", e.mistakes),
        _bullets("Stop if", e.stop_if, "red"),
        Text.assemble(
            ("Easier: ", "bold"),
            f"{e.easier.name}. {e.easier.how}\n",
            ("Harder: ", "bold"),
            f"{e.harder.name}. {e.harder.how}",
        ),
        Text(
            f"\nPace: about {e.tempo_seconds} s per rep; rest {e.rest_seconds} s between sets.",
            style="dim",
        ),
    )
    console.print(Panel(body, title=Text(e.name, style="bold cyan"), title_align="left"))


def about(program: Program) -> None:
    console.print(Text("Why tight hips and back pain go together", style="bold cyan"))
    console.print(program.about + "\n")
    console.print(Text("Advice for the program", style="bold cyan"))
    for n, tip in enumerate(program.tips, 1):
        console.print(Text.assemble(f"{n}. ", (tip.title, "bold"), f": {tip.text}"))
    console.print()
    console.print(Text(DISCLAIMER, style="italic"))


def profile_saved(profile: Profile, where: str, *, blocked: bool = False) -> None:
    console.print(Text("Profile saved.", style="bold green"))
    console.print(f"  Day 1:        {profile.start_date.isoformat()}")
    console.print(f"  Session time: {profile.session_time} ({profile.timezone})")
    console.print(f"  Plan:         {profile.plan_name}")
    console.print(Text(f"  Data:         {where}", style="dim"))
    if blocked:
        console.print(Text("Because of your answers above, no session is offered for now.", "bold"))
    else:
        console.print("Next: `supple today` shows today's session.")
