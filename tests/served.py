"""A real `supple serve --clinic` in a process of its own, for the tests that need the server as
it runs in production: several worker processes, real sockets, signals."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class Served:
    """The server process, its address, and what it printed (read once it has stopped)."""

    proc: subprocess.Popen[str]
    port: int
    output: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """The worker processes uvicorn's supervisor started (none with one worker)."""
        return worker_pids(self.proc.pid)


def worker_pids(parent: int) -> list[int]:
    """Children of ``parent`` that are uvicorn workers (spawned interpreters), oldest first."""
    try:
        with open(f"/proc/{parent}/task/{parent}/children") as f:
            children = [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []
    found = []
    for pid in children:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ")
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            found.append(pid)
    return found


def healthy(base: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=timeout) as answer:
            return bool(json.loads(answer.read()) == {"status": "ok"})
    except OSError:
        return False


def wait_until(check: object, seconds: float, step: float = 0.1) -> bool:
    """Poll ``check()`` until it is true or ``seconds`` have passed."""
    assert callable(check)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return bool(check())


@contextmanager
def serve_clinic(
    url: str, port: int, *args: str, env: dict[str, str] | None = None
) -> Iterator[Served]:
    """``supple serve --clinic --port PORT ARGS…`` on the clinic at ``url``, healthy on entry;
    stopped (SIGTERM, then SIGKILL) on the way out, its output kept on the ``Served``."""
    env = {**os.environ, **(env or {}), "SUPPLE_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "supple", "serve", "--clinic", "--port", str(port), *args]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    served = Served(proc, port)
    lines: list[str] = []
    # Read as it comes: a full pipe would block the server at its next log line.
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
    reader.start()
    try:
        if not wait_until(lambda: healthy(served.base) or proc.poll() is not None, 60):
            raise AssertionError(
                "the clinic server did not answer /healthz within 60 s: " + "".join(lines)[-3000:]
            )
        assert proc.poll() is None, "the clinic server stopped on its own"
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(10)
        served.output = "".join(lines)
        if proc.stdout:
            proc.stdout.close()


class Client:
    """One keep-alive connection with the client's API token, opened again after an error."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}"}
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str], bytes, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.monotonic()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            answer = self.conn.getresponse()
            content = answer.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        return answer.status, dict(answer.headers), content, time.monotonic() - start
