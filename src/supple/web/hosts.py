"""DNS rebinding: a page on another site can make its own name resolve to 127.0.0.1 and then
read Supple as "itself". The browser still sends that name as ``Host``, so personal mode answers
only the loopback names (and those given with ``supple serve --allowed-host``); anything else is
a short 400 before any route runs."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from supple.web.settings import LOOPBACK_HOSTS


def host_name(host: str) -> str:
    """``localhost:8765`` → ``localhost``; ``[::1]:8765`` → ``::1``; lowercase."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


class HostGuard:
    """Pure ASGI: refuses a request whose ``Host`` is not one of the allowed names."""

    def __init__(self, app: ASGIApp, extra: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = frozenset(LOOPBACK_HOSTS) | {host_name(h) for h in extra}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = Headers(scope=scope).get("host", "")
            if host_name(host) not in self.allowed:
                shown = host[:80] or "none"
                message = (
                    f"Supple answers only on this computer's own address (Host was {shown}); "
                    "add a name with `supple serve --allowed-host NAME`.\n"
                )
                if scope["type"] == "http":
                    await PlainTextResponse(message, status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)
