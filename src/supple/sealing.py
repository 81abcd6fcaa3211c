"""Sealing the secrets a user gives for reaching them (an Apprise URL with its token, a push
subscription with its keys) and the practice's private push key: encrypted at rest with an
install key that lives outside the database, so a copy of the database alone reveals none.

The key is ``SUPPLE_CHANNEL_KEY`` (a Fernet key; every machine of a clinic needs the same), else
a file made on first use with owner-only rights: ``SUPPLE_CHANNEL_KEY_FILE``, else
``channel-key`` beside the SQLite database or in the user data folder for PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from supple.core.errors import SuppleError
from supple.settings import Settings

FILE_NAME = "channel-key"


class SealError(SuppleError):
    """A sealed value cannot be opened: the channel key changed or the value was altered."""


@dataclass(frozen=True)
class Sealer:
    """Seals and opens text with one install key."""

    key: bytes

    def seal(self, text: str) -> str:
        return Fernet(self.key).encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return Fernet(self.key).decrypt(sealed.encode()).decode()
        except (InvalidToken, ValueError):
            raise SealError(
                "a stored notification address cannot be opened with this install's channel "
                "key (was SUPPLE_CHANNEL_KEY changed?); remove the channel and add it again"
            ) from None


def key_file(settings: Settings, database_url: str) -> Path:
    if settings.channel_key_file is not None:
        return settings.channel_key_file
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        return Path(database_url.removeprefix("sqlite:///")).parent / FILE_NAME
    from platformdirs import user_data_path

    return user_data_path("supple", appauthor=False) / FILE_NAME


def load_sealer(settings: Settings, database_url: str) -> Sealer:
    """The install's sealer: the key given, else the key file (made on first use)."""
    if settings.channel_key:
        key = settings.channel_key.encode()
        try:
            Fernet(key)
        except ValueError:
            raise SealError(
                f"{settings.variable('channel_key')} is not a channel key (expected 44 "
                "characters of URL-safe base64, as `supple clinic init` or Fernet makes)"
            ) from None
        return Sealer(key)
    path = key_file(settings, database_url)
    try:
        key = path.read_bytes().strip()
        Fernet(key)
        return Sealer(key)
    except FileNotFoundError:
        pass
    except ValueError:
        raise SealError(f"the channel key file {path} does not hold a channel key") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return Sealer(key)
