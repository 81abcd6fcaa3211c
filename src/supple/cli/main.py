"""Entry point: the root group with every command registered.

Command modules import only click at module level; services, storage and Rich are imported
inside the commands, so ``supple --help`` stays fast.
"""

from __future__ import annotations

from supple.cli import (
    commands_day,
    commands_export,
    commands_figures,
    commands_plan,
    commands_profile,
    commands_session,
    commands_web,
    commands_wellbeing,
)
from supple.cli.app import cli

__all__ = ["cli", "main"]

for module in (
    commands_profile,
    commands_day,
    commands_plan,
    commands_export,
    commands_session,
    commands_web,
    commands_wellbeing,
    commands_figures,
):
    module.register(cli)


def main() -> None:
    cli(prog_name="supple")
