"""What the terminal player shows: the exercise and side, a big countdown or rep counter, the
set, the whole session's progress, the form cue, what comes next, and the keys.

Everything is a pure function of the player's state and a few notes from the runner, so the
screen can be rendered to a string in tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from supple.cli import terminal_text
from supple.core.player import Player
from supple.core.timeline import Step

# A 3-column, 5-row block font for the countdown, drawn by hand.
GLYPHS = {
    "0": ["███", "█ █", "█ █", "█ █", "███"],
    "1": [" █ ", "██ ", " █ ", " █ ", "███"],
    "2": ["███", "  █", "███", "█  ", "███"],
    "3": ["███", "  █", "███", "  █", "███"],
    "4": ["█ █", "█ █", "███", "  █", "  █"],
    "5": ["███", "█  ", "███", "  █", "███"],
    "6": ["███", "█  ", "███", "█ █", "███"],
    "7": ["███", "  █", "  █", "  █", "  █"],
    "8": ["███", "█ █", "███", "█ █", "███"],
    "9": ["███", "█ █", "███", "  █", "███"],
    ":": ["   ", " █ ", "   ", " █ ", "   "],
    "/": ["  █", "  █", " █ ", "█  ", "█  "],
    " ": ["   ", "   ", "   ", "   ", "   "],
}

KIND_LABEL = {
    "ready": "GET READY",
    "work": "WORK",
    "switch": "SWITCH",
    "rest": "REST",
    "transition": "NEXT EXERCISE",
}
KIND_STYLE = {
    "ready": "bold yellow",
    "work": "bold green",
    "switch": "bold magenta",
    "rest": "bold blue",
    "transition": "bold yellow",
}


@dataclass
class Notes:
    """What the runner adds to the screen besides the player's state."""

    title: str
    message: str | None = None  # a one-line notice (hurt flagged, rest changed, …)
    rating_for: str | None = None  # exercise name when a pain rating is being asked


def big(text: str) -> Text:
    rows = [" ".join(GLYPHS.get(ch, GLYPHS[" "])[r] for ch in text) for r in range(5)]
    return Text("\n".join(rows), style="bold")


def clock_text(seconds: float) -> str:
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else str(whole)


def describe(step: Step) -> str:
    """A step in a few words, for "next up" and for the one-line-per-step log."""
    where = f" · {step.side}" if step.side and step.kind == "work" else ""
    sets = f" · set {step.set_no} of {step.sets}" if step.sets > 1 else ""
    if step.kind == "work":
        amount = f"{step.reps} reps" if step.reps is not None else clock_text(step.seconds) + " s"
        if step.reps is None and step.seconds >= 60:
            amount = clock_text(step.seconds)
        return f"{step.exercise_name}{sets}{where} · {amount}"
    if step.kind == "switch":
        return f"Switch to {step.side}"
    if step.kind == "rest":
        return f"Rest {step.seconds} s"
    return step.exercise_name


def time_left(player: Player) -> str:
    """The rest of the session as people say it, counting only steps still to do."""
    current = player.remaining()
    seconds = current if current is not None else float(player.step.seconds)
    later = player.timeline.steps[player.index + 1 :]
    seconds += sum(s.seconds for s in later if s.index not in player.completed)
    minutes = round(seconds / 60)
    return f"about {minutes} min" if minutes >= 1 else f"{math.ceil(seconds)} s"


def counter(player: Player) -> tuple[str, str]:
    """The big figure and its caption: a countdown, or the rep being done."""
    step = player.step
    remaining = player.remaining()
    if step.kind == "work" and step.reps is not None:
        if remaining is None:
            return str(step.reps), "reps · press d when the set is done"
        tempo = step.seconds / step.reps if step.reps else 1.0
        rep = min(step.reps, int(player.elapsed() // tempo) + 1)
        return f"{rep}/{step.reps}", f"rep {rep} of {step.reps} · {clock_text(remaining)} s left"
    if remaining is None:
        return clock_text(player.elapsed()), "seconds"
    caption = "seconds left"
    if step.min_seconds is not None:
        if player.elapsed() >= step.min_seconds:
            caption += " · you may stop now: press d"
        else:
            window = clock_text(step.seconds - step.min_seconds)
            caption += f" · you may stop (d) any time in the last {window}"
    return clock_text(remaining), caption


def screen(player: Player, notes: Notes) -> RenderableType:
    step = player.step
    steps = player.timeline.steps
    items = max(s.item for s in steps) + 1
    head = Table.grid(padding=(0, 1), expand=True)
    head.add_column(ratio=1, no_wrap=True, overflow="ellipsis", style="bold cyan")
    head.add_column(no_wrap=True, justify="right", style="dim")
    head.add_row(
        notes.title, f"exercise {step.item + 1}/{items} · step {step.index + 1}/{len(steps)}"
    )
    label = KIND_LABEL[step.kind]
    if player.status == "paused":
        label = "PAUSED · " + label
    name = step.exercise_name.upper()
    if step.side and step.kind in ("work", "switch"):
        name += f" · {step.side.upper()}"
    figure, caption = counter(player)
    if player.over:
        label = "SESSION FINISHED" if player.status == "finished" else "SESSION STOPPED"
        done_now = len(player.completed)
        figure, caption = f"{done_now}/{len(steps)}", "steps done"
    if step.kind == "work" and step.sets > 1:
        set_line = f"Set {step.set_no} of {step.sets}"
    elif step.kind == "rest":
        set_line = f"Set {step.set_no + 1} of {step.sets} next · + or - changes the rest by 15 s"
    else:
        set_line = ""
    done = len(player.completed | player.skipped)
    progress = Table.grid(padding=(0, 1), expand=True)
    progress.add_column(ratio=1)
    progress.add_column(no_wrap=True, style="dim")
    progress.add_row(
        ProgressBar(total=len(steps), completed=done),
        f"{done}/{len(steps)} steps · {time_left(player)} left",
    )
    upcoming = steps[step.index + 1] if step.index + 1 < len(steps) else None
    next_up = describe(upcoming) if upcoming else "the end of the session"
    parts: list[RenderableType] = [
        head,
        Text(label, style="bold red" if player.status != "running" else KIND_STYLE[step.kind]),
        terminal_text.text(name, style="bold reverse"),
        Text(""),
        big(figure),
        terminal_text.text(caption, style="dim"),
        terminal_text.text(set_line, style="bold"),
        Text(""),
        terminal_text.text(step.cue_start, style="italic"),
        Text(""),
        Text.assemble(("Coming up: ", "bold"), terminal_text.clean(next_up)),
        progress,
    ]
    if notes.rating_for:
        parts.append(
            Text(
                f"How much did {terminal_text.clean(notes.rating_for)} hurt? Press 0 (not at "
                "all) to 9 (9 or worse), or Enter to skip.",
                style="bold yellow",
            )
        )
    if notes.message:
        parts.append(terminal_text.text(notes.message, style="yellow"))
    keys = Table.grid(padding=(0, 2))
    keys.add_row(
        "space pause",
        "→/n skip",
        "←/b back",
        "+/- rest",
        "d done",
        "h hurts",
        "q quit (saved)",
    )
    parts.append(keys)
    return Panel(Group(*parts), border_style="cyan")
