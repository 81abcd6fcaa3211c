"""``web.nodelay``'s protocol on uvicorn's httptools parser (llhttp, written in C), what
``supple serve`` runs: it parses a request in a fraction of h11's time. A module of its own,
imported by its path only where httptools is installed (``cli.commands_web._http_protocol``).
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from supple.web.nodelay import set_nodelay


class NoDelayHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol, with TCP_NODELAY set as each connection is made."""

    def connection_made(self, transport: Any) -> None:
        set_nodelay(transport.get_extra_info("socket"))
        super().connection_made(transport)
