"""Security headers on every response (pages, API, static files, errors, 404s), added by the
outermost layer so nothing answers without them.

The Content-Security-Policy allows scripts from Supple's own files only (no inline script, no
``eval``); page data travels in ``<script type="application/json">`` blocks, which are data,
not code. Styles keep ``'unsafe-inline'``: the exercise figures are inline SVG animated by their
own ``<style>`` and ``style`` attributes, and the printable pages carry their stylesheet inline;
CSS cannot run code, and every value in a template is escaped, so this opens no script path.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
# Behind a TLS proxy only: browsers then refuse plain HTTP to this name for two years.
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
_OURS = {name for name, _ in HEADERS} | {b"server", HSTS[0]}


class SecurityHeaders:
    """Pure ASGI: sets the headers above on ``http.response.start`` (replacing any copy a
    route set, and dropping a ``server`` banner)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = [*HEADERS, HSTS] if hsts else HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
