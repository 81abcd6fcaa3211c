"""`supple serve` as a process: SIGTERM ends it within two seconds, requests in flight or not."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from tests.conftest import ready_database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> None:
    with contextlib.suppress(OSError):  # the server going away mid-request is the point
        urllib.request.urlopen(url, timeout=30).read()


def test_sigterm_stops_the_server_within_two_seconds_while_requests_run(tmp_path: Path) -> None:
    url = ready_database(f"sqlite:///{tmp_path / 'serve.db'}")
    port = _free_port()
    env = {**os.environ, "SUPPLE_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "supple", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/api/v1/plan", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        busy = [f"{base}/plan.pdf", f"{base}/report?format=pdf", f"{base}/calendar.ics?weeks=52"]
        threads = [
            threading.Thread(target=_get, args=(busy[i % 3],), daemon=True) for i in range(9)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        assert time.monotonic() - began < 2.0
        assert "Traceback" not in (proc.stdout.read() if proc.stdout else "")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
