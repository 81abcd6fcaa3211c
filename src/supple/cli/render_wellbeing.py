"""Rich renderings of the safety screen, the session gate and the progress report."""

from __future__ import annotations

from datetime import date

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from supple.cli.render import console
from supple.core.outcomes import HABIT_DAYS, HABIT_SESSIONS, sparkline
from supple.core.rules import in_words
from supple.core.safety import HOW_TO_CONTINUE, QUESTIONS, TIER_TITLES, Verdict
from supple.services import Progress


def questions() -> None:
    tier = None
    for number, q in enumerate(QUESTIONS, 1):
        if q.tier != tier:
            tier = q.tier
            console.print(Text(f"{TIER_TITLES[tier]} ({tier})", style="bold"))
        console.print(f"  {number:2}. {q.text}  [dim]({q.id})[/dim]")


def screen_result(result: Verdict) -> None:
    if result.clear:
        console.print(Text(result.advice, style="bold green"))
        return
    title = "Seek emergency care today" if result.tier == "urgent" else "See a clinician first"
    style = "bold red" if result.tier == "urgent" else "bold yellow"
    body = Text()
    body.append("You answered yes to:\n", style="bold")
    for q in result.flagged:
        body.append(f"  • {q.text}\n")
    body.append(f"\n{result.advice}\n\n")
    body.append("No session will be offered until then. ", style="bold")
    body.append(HOW_TO_CONTINUE)
    console.print(Panel(body, title=Text(title, style=style), border_style=style.split()[-1]))


def gate(message: str, on: date) -> None:
    console.print(Text(on.strftime("%A %d %B %Y"), style="dim"))
    console.print(Panel(Text(message), title=Text("No session today", style="bold red")))


def morning_prompt() -> None:
    console.print(
        Text(
            "How did you wake up? Record this morning's pain and stiffness first: "
            "`supple checkin morning` (it shapes your doses).",
            style="yellow",
        )
    )


def _week_bar(done: int, scheduled: int) -> str:
    return "●" * done + "○" * (scheduled - done)


def progress_report(report: Progress) -> None:
    a = report.adherence
    console.print(Text(f"Your progress · {report.on.strftime('%A %d %B %Y')}", style="bold cyan"))
    table = Table(box=None, pad_edge=False, header_style="bold", title_justify="left")
    table.add_column("Week", justify="right")
    table.add_column("Sessions")
    table.add_column("Done", justify="right")
    for w in a.weeks:
        table.add_row(str(w.week), _week_bar(w.done, w.scheduled), f"{w.done}/{w.scheduled}")
    console.print(table)
    console.print(f"Current streak: {a.streak} session{'s' if a.streak != 1 else ''} in a row.")
    if a.habit_reached_on:
        console.print(
            Text(
                f"Habit mark reached on {a.habit_reached_on.isoformat()}: {HABIT_SESSIONS} "
                f"sessions within {HABIT_DAYS} days. That is what keeps results coming.",
                style="bold green",
            )
        )
    else:
        console.print(
            f"Habit mark: {a.last_fortnight} of {HABIT_SESSIONS} sessions in the last "
            f"{HABIT_DAYS} days."
        )
    pains = [p for _, p, _ in report.mornings]
    stiff = [s for _, _, s in report.mornings]
    if any(v is not None for v in pains):
        first = report.mornings[0][0].strftime("%d %b")
        last = report.mornings[-1][0].strftime("%d %b")
        console.print(Text(f"\nMornings, {first} – {last} (scale 0–10, gaps = no check-in)"))
        console.print(f"  pain       {sparkline(pains)}  latest {_latest(pains)}")
        console.print(f"  stiffness  {sparkline(stiff)}  latest {_latest(stiff)}")
    if report.weekly_pain:
        console.print(f"\nAverage weekly pain: {report.weekly_pain.verdict}.")
    if report.psfs:
        console.print(f"Activities (PSFS, 0 unable – 10 as before): {report.psfs.verdict}.")
        for name, before in report.psfs.baseline.items():
            console.print(f"  {name}: {before} → {report.psfs.now.get(name, before)}")
    if report.changes or report.pauses:
        console.print(Text("\nChanges to your doses", style="bold"))
        for when, text in report.changes:
            console.print(f"  from {when.strftime('%a %d %b')}: {in_words(text)}")
        for text in report.pauses:
            console.print(f"  {in_words(text)}")
    if report.review:
        r = report.review
        titles = {
            "continue": "Continue the program",
            "maintain": "Keep it up as maintenance",
            "clinician": "See a clinician",
        }
        body = Text()
        if r.improved:
            body.append("What improved:\n", style="bold")
            for line in r.improved:
                body.append(f"  • {line}\n")
        else:
            body.append("No clear improvement recorded yet.\n")
        body.append(f"\n{r.advice}")
        style = "red" if r.decision == "clinician" else "green"
        console.print(
            Panel(
                body,
                title=Text(f"Four-week review: {titles[r.decision]}", style=f"bold {style}"),
                border_style=style,
            )
        )


def _latest(values: list[int | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{known[-1]}/10" if known else "—"
