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
from pathlib import Path

PREFIX = "SUPPLE_"
DEFAULT_PORT = 8765
# The names personal mode answers on (``Host``), besides those given with ``--allowed-host``.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class Settings:
    """What Supple can be told from the environment; each field is ``SUPPLE_`` + its name."""

    database_url: str | None = None  # None: a SQLite file in the user data folder
    # The owner's URL, for migrations, when ``database_url`` is the clinic app's own role (which
    # owns nothing and may only read and write rows; ``supple clinic grant-app-role``).
    migration_database_url: str | None = None
    today: str | None = None  # pin "today" (YYYY-MM-DD) for demos and tests
    # Where links that leave the page (calendar events, reports) point: never the request's
    # Host, which a rebinding page chooses.
    base_url: str = f"http://localhost:{DEFAULT_PORT}"
    # Names the web app answers besides the loopback ones (``supple serve --allowed-host``;
    # ``SUPPLE_ALLOWED_HOSTS`` takes them comma-separated).
    allowed_hosts: tuple[str, ...] = ()
    # The web app's anti-forgery key: given here (tests), else kept in ``secret_file``, else in a
    # file beside the SQLite database or in the user data folder (see ``supple.web.secret``).
    secret_key: str | None = None
    secret_file: Path | None = None
    # Clinic mode (``supple serve --clinic``): every page and API route asks for a sign-in.
    clinic: bool = False
    # Behind a TLS proxy (``--proxy-headers``): cookies ``__Host-`` and ``Secure``, HSTS sent.
    proxy_headers: bool = False
    # The key that seals each user's notification targets (Apprise URLs, push subscriptions):
    # given here (every machine of a clinic needs the same one), else kept in
    # ``channel_key_file``, else in a file beside the SQLite database or in the user data folder.
    channel_key: str | None = None
    channel_key_file: Path | None = None
    # The practice's outgoing mail (the e-mail channel). ``smtp_security``: starttls (default),
    # tls (implicit, port 465) or none (a relay on loopback only).
    smtp_host: str | None = None
    smtp_port: str | None = None
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_security: str = "starttls"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings given by ``SUPPLE_…`` variables (empty ones count as not given)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            raw = env.get(PREFIX + field.name.upper())
            if not raw:
                continue
            if field.name == "allowed_hosts":
                values[field.name] = tuple(h.strip() for h in raw.split(",") if h.strip())
            elif field.name in ("secret_file", "channel_key_file"):
                values[field.name] = Path(raw)
            elif field.type in ("bool", bool):
                values[field.name] = raw.strip().lower() in TRUE_WORDS
            else:
                values[field.name] = raw
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The ``SUPPLE_…`` variables that give back these settings (how ``supple serve
        --workers N`` hands them to worker processes, which build their own app)."""
        env: dict[str, str] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None or value == () or value is False:
                continue
            if isinstance(value, tuple):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "1"
            env[PREFIX + field.name.upper()] = str(value)
        return env

    def variable(self, name: str) -> str:
        """The environment variable a field is read from, for messages."""
        return PREFIX + name.upper()
