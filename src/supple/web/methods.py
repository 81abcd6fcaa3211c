"""The ``Allow`` header of a 405: every method the address answers, not only those of the one
route Starlette tried first (``/api/v1/sessions`` has a GET route and a POST route; RFC 9110
asks a 405 to list them all, and so does the OpenAPI document)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Match
from starlette.types import Scope

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed(routes: list[BaseRoute], scope: Scope) -> str:
    """The methods some route answers in full at this path, comma-separated. Each method is
    asked of the routes as they stand (included routers match through to their own), so
    nothing about their nesting is assumed."""
    found = [
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    ]
    return ", ".join(found)
