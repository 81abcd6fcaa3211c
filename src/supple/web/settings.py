"""The web app reads the one ``supple.settings.Settings`` (``SUPPLE_…`` variables), the very
object the CLI and the store read; ``WebSettings`` is its name on the web side."""

from __future__ import annotations

from supple.settings import DEFAULT_PORT, LOOPBACK_HOSTS
from supple.settings import Settings as WebSettings

__all__ = ["DEFAULT_PORT", "LOOPBACK_HOSTS", "WebSettings"]
