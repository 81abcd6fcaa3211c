"""The web face: a FastAPI app serving server-rendered pages, a small JSON API under
``/api/v1`` and one JavaScript module for the player. It calls the same services as the CLI."""

from __future__ import annotations

from supple.web.app import create_app
from supple.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
