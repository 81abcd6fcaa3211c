"""Bounded bodies: no request body is read past a limit, whether it announces its length or
streams it in chunks, so a 100 MB post costs nothing but its refusal.

The limits (also in the README):

- plan uploads and plan texts (``/plan/…`` and ``/api/v1/plan/…``): 2 MiB; the JSON API takes
  plan texts of up to ``PLAN_TEXT_CHARS`` (174,421) characters, which always fit;
- every other body (forms, check-ins, player events): 64 KiB, far above the largest real one.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from supple.web.refusals import refuse

PLAN_LIMIT = 2 * 1024 * 1024
BODY_LIMIT = 64 * 1024
PLAN_PATHS = ("/plan/", "/api/v1/plan/")
# The most characters of plan text the JSON API takes: even written all as escaped astral
# characters (12 bytes each, ``\ud83d\ude00``), with its file name, it fits in PLAN_LIMIT, so a
# text the document allows is never refused for its size, and one it does not is a 422.
PLAN_TEXT_CHARS = (PLAN_LIMIT - 4096) // 12


def limit_for(path: str) -> int:
    return PLAN_LIMIT if path.startswith(PLAN_PATHS) else BODY_LIMIT


def _too_large(limit: int) -> str:
    return f"the request body is larger than this address accepts ({limit // 1024} KiB at most)"


class BodyLimit:
    """Pure ASGI: a ``Content-Length`` above the limit is answered 413 without reading a byte;
    a chunked body is counted as it streams and stopped (413) where it crosses the limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is None and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body (a GET): nothing to count
            return
        limit = limit_for(scope["path"])
        if length is not None:
            if not length.isdigit():
                title = "That request was malformed"
                reason = "Content-Length must be a whole number"
                await refuse(scope, receive, send, 400, title, reason)
                return
            if int(length) > limit:
                await refuse(scope, receive, send, 413, "That is too large", _too_large(limit))
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, _too_large(limit))
            return message

        await self.app(scope, counted, send)
