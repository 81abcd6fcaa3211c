"""Which module defines each command, and the group that imports it only when needed.

``supple --help`` lists every command from ``COMMANDS`` without importing a single command
module, and ``supple today`` imports just the module that defines ``today``: start-up is mostly
the interpreter and click. A test keeps each summary equal to its command's own short help, so
the listing cannot drift from the commands.
"""

from __future__ import annotations

import importlib

import click

# name -> (module under supple.cli, one-line summary shown by `supple --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "about": (
        "commands_profile",
        "Why tight hips and back pain go together, and the plan's advice.",
    ),
    "checkin": (
        "commands_wellbeing",
        "Tell Supple how you feel: each morning, around a session, per exercise, each week.",
    ),
    "clinic": (
        "commands_clinic",
        "Run a clinic: create it, add staff and clients, users, API tokens, notification channels.",
    ),
    "exercise": (
        "commands_plan",
        'The exercise catalog, or one exercise in full (NAME can be loose: "bird dog").',
    ),
    "export": (
        "commands_export",
        "Your program and data as a calendar, a printable plan, JSON or CSV.",
    ),
    "figures": (
        "commands_figures",
        "Write every exercise's animated figure (SVG) and an index.html gallery.",
    ),
    "history": (
        "commands_session",
        "Your sessions: date, program day, steps done, exercises, and anything that hurt.",
    ),
    "import": (
        "commands_export",
        "Restore a `supple export json` file into an empty database (all or nothing).",
    ),
    "init": (
        "commands_profile",
        "Create your profile (or change it): start date, session time, time zone, plan.",
    ),
    "plan": ("commands_plan", "Show, export, validate or switch the program you follow."),
    "progress": (
        "commands_wellbeing",
        "Your sessions, pain, stiffness, activities and every dose change so far.",
    ),
    "report": (
        "commands_export",
        "A report for your clinician: adherence, pain, PSFS, what hurt, every dose change.",
    ),
    "screen": (
        "commands_wellbeing",
        "The safety questions (red flags) to answer before exercising, one at a time.",
    ),
    "serve": (
        "commands_web",
        "Run Supple in your browser: today, the guided player, check-ins and progress.",
    ),
    "start": (
        "commands_session",
        "Play a session step by step: get ready, work, switch sides, rest, next exercise.",
    ),
    "today": ("commands_day", "What today's session holds: exercises, doses, time, and a tip."),
    "week": ("commands_day", "The seven days of this program week at a glance."),
    "worker": (
        "commands_worker",
        "Run a background worker: reminders, alerts and digests (clinic, PostgreSQL).",
    ),
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(f"supple.cli.{COMMANDS[cmd_name][0]}")
            module.register(self)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary) for name, (_, summary) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
