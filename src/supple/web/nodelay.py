"""TCP_NODELAY on every connection the server accepts, whatever the number of workers.

A response goes out as two writes (its head, then its body). With Nagle's algorithm on, the
kernel holds the second until the client acknowledges the first, and a client delays that
acknowledgement by up to ~40 ms: each keep-alive response then stalls for it. asyncio switches
Nagle off only for a socket that says it is TCP (``proto == IPPROTO_TCP``). A single uvicorn
process opens its listening socket that way; with ``--workers`` > 1 the supervisor opens it
with ``proto`` 0, the workers inherit it, and every connection they accept keeps Nagle on
(uvicorn issue #3149). So the protocol sets the option itself on each connection.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


def set_nodelay(sock: socket.socket | None) -> None:
    """Switch Nagle off on a connected TCP socket (anything else is left alone)."""
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    with contextlib.suppress(OSError):  # the client already went away
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11(H11Protocol):
    """uvicorn's h11 protocol, with TCP_NODELAY set as each connection is made. Named by
    ``supple serve`` as the ``http`` protocol of every worker (a class at module level, so a
    worker process started by the supervisor finds it by its import path)."""

    def connection_made(self, transport: Any) -> None:
        set_nodelay(transport.get_extra_info("socket"))
        super().connection_made(transport)
