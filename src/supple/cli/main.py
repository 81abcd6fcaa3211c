"""Entry point for the ``supple`` console script and ``python -m supple``."""

from __future__ import annotations

from supple.cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="supple")
