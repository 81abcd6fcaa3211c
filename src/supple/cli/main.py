"""Entry point: the root group with every command registered.

Command modules import only click at module level; services, storage and Rich are imported
inside the commands, so ``supple --help`` stays fast.
"""

from __future__ import annotations

from supple.cli import commands_day, commands_plan, commands_profile
from supple.cli.app import cli

__all__ = ["cli", "main"]

for module in (commands_profile, commands_day, commands_plan):
    module.register(cli)


def main() -> None:
    cli(prog_name="supple")
