"""The install's anti-forgery key: 32 random bytes kept in a file only its owner can read.

Personal mode has no login, so the key is tied to the install, not to a person: it lives beside
the SQLite database (``supple.db`` → ``web-secret``) or, for a PostgreSQL URL, in the user data
folder. Kept across restarts, a form left open in a tab still posts after the server restarts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from supple.web.settings import WebSettings

KEY_BYTES = 32
FILE_NAME = "web-secret"


def key_file(settings: WebSettings, database_url: str) -> Path:
    """Where this install keeps its key."""
    if settings.secret_file is not None:
        return settings.secret_file
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        return Path(database_url.removeprefix("sqlite:///")).parent / FILE_NAME
    from platformdirs import user_data_path

    return user_data_path("supple", appauthor=False) / FILE_NAME


def load_key(settings: WebSettings, database_url: str) -> bytes:
    """The key, made on first use (owner read/write only) and read back ever after."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = key_file(settings, database_url)
    try:
        key = path.read_bytes()
        if len(key) >= KEY_BYTES:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(KEY_BYTES).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key
