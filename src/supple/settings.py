"""The one settings object: every ``SUPPLE_…`` variable the CLI, the web app and the store read.

A plain frozen dataclass rather than pydantic-settings on purpose: the CLI reads it on every
command, and importing pydantic-settings costs more start-up time than ``supple today``'s whole
budget allows (see ``bench/cli_startup.py``). A test passes its own values instead of editing
``os.environ``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "SUPPLE_"


@dataclass(frozen=True)
class Settings:
    """What Supple can be told from the environment; each field is ``SUPPLE_`` + its name."""

    database_url: str | None = None  # None: a SQLite file in the user data folder
    today: str | None = None  # pin "today" (YYYY-MM-DD) for demos and tests

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings given by ``SUPPLE_…`` variables (empty ones count as not given)."""
        env = os.environ if environ is None else environ
        values = {
            field.name: env.get(PREFIX + field.name.upper()) or None
            for field in dataclasses.fields(cls)
        }
        return cls(**values)

    def variable(self, name: str) -> str:
        """The environment variable a field is read from, for messages."""
        return PREFIX + name.upper()
