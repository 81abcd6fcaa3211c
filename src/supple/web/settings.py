"""Typed settings read from ``SUPPLE_…`` variables, so the server, the tests and the bench all
configure the app the same way (and a test overrides a value without touching os.environ)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """What the web app needs to know; ``SUPPLE_DATABASE_URL`` is the variable the CLI reads."""

    model_config = SettingsConfigDict(env_prefix="SUPPLE_", extra="ignore")

    database_url: str | None = None  # None: the CLI's default SQLite file
    today: str | None = None  # pin "today" (YYYY-MM-DD) for demos and tests
