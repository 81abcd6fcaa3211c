"""`supple serve --clinic --workers 2` sets TCP_NODELAY on the connections its workers accept
(uvicorn issue #3149: the socket the workers inherit makes asyncio skip it, and each keep-alive
answer then waits ~40 ms for the client's delayed acknowledgement).

The option is read from the server's own socket: the test borrows the worker's file descriptor
(``pidfd_getfd``, Linux 5.6+, allowed on one's own descendants). Where the kernel refuses that,
the timing of keep-alive requests still shows whether Nagle held the answers back.

uvicorn 0.55 opens the workers' socket as TCP and the option is set without us; the protocol
of ``web.nodelay`` keeps it so on the older uvicorn the project allows, which the second test
shows on a socket opened as those did.
"""

from __future__ import annotations

import ctypes
import errno
import http.client
import os
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from supple.web.nodelay import NoDelayH11
from supple.web.nodelay_httptools import NoDelayHttpTools
from tests.clinic_world import postgres_url
from tests.conftest import Supple
from tests.served import serve_clinic, wait_until

PORT = 8850
SYS_PIDFD_GETFD = 438  # the same number on x86-64 and arm64 (the unified syscall table)
REQUESTS = 20
STALL = 0.040  # what one answer held back by a delayed acknowledgement costs


@pytest.fixture
def clinic_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for url in postgres_url():
        monkeypatch.setenv("SUPPLE_DATABASE_URL", url)
        result = Supple()("clinic", "init", "--name", "Riverside", "--admin-email", "o@r.test")
        assert result.exit_code == 0, result.output
        yield url


def _socket_inode(server_port: int, client_port: int) -> int | None:
    """The inode of the server's end of one loopback connection (from /proc/net/tcp)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                lines = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], int(fields[9])
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                return inode
    return None


def _server_nodelay(workers: list[int], inode: int) -> bool | None:
    """TCP_NODELAY of the worker's socket with that inode (None: the kernel would not lend
    the descriptor)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for pid in workers:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except FileNotFoundError:
                continue
            if target != f"socket:[{inode}]":
                continue
            pidfd = os.pidfd_open(pid)
            try:
                borrowed = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(fd), 0)
                if borrowed < 0:
                    assert ctypes.get_errno() in (errno.EPERM, errno.ENOSYS, errno.EACCES)
                    return None
                sock = socket.socket(fileno=borrowed)
                try:
                    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                finally:
                    sock.close()  # our copy only: the worker's descriptor stays open
            finally:
                os.close(pidfd)
    raise AssertionError(f"no worker holds the connection's socket (inode {inode})")


def keep_alive_timings(port: int, path: str, n: int) -> list[float]:
    """Seconds per request of ``n`` GETs in a row on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    times = []
    try:
        for _ in range(n):
            start = time.perf_counter()
            conn.request("GET", path)
            answer = conn.getresponse()
            answer.read()
            times.append(time.perf_counter() - start)
            assert answer.status == 200
    finally:
        conn.close()
    return times


def test_every_worker_connection_has_nagle_switched_off(clinic_url: str) -> None:
    with serve_clinic(clinic_url, PORT, "--workers", "2") as served:
        assert len(served.workers()) == 2
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
        try:
            conn.request("GET", "/healthz")
            assert conn.getresponse().read()
            assert conn.sock is not None
            inode = _socket_inode(PORT, conn.sock.getsockname()[1])
            assert inode is not None
            nodelay = _server_nodelay(served.workers(), inode)
        finally:
            conn.close()
        timings = keep_alive_timings(PORT, "/healthz", REQUESTS)
    median = statistics.median(timings)
    print(f"\nkeep-alive GET /healthz, 2 workers: median {median * 1000:.1f} ms over {REQUESTS}")
    assert nodelay in (True, None)  # None: the kernel lends no descriptor; timing decides
    assert min(timings) < STALL / 2, timings  # held back by Nagle, none would be this fast
    assert "Traceback" not in served.output


async def _small_answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize(
    ("protocol", "nodelay"),
    [("h11", False), ("httptools", False), (NoDelayH11, True), (NoDelayHttpTools, True)],
)
def test_the_protocol_switches_nagle_off_where_asyncio_leaves_it_on(
    protocol: Any, nodelay: bool
) -> None:
    """A listening socket opened with ``proto`` 0 (as uvicorn's supervisor did before 0.55):
    asyncio leaves Nagle on for what it accepts; ``NoDelayH11`` and ``NoDelayHttpTools`` (what
    ``supple serve`` runs) switch it off."""
    import uvicorn

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_small_answer, http=protocol, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: server.started, 10)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/")
        assert conn.getresponse().read() == b"ok"
        flags = [
            p.transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            for p in server.server_state.connections
        ]
        conn.close()
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
    assert flags and all(bool(f) is nodelay for f in flags)
