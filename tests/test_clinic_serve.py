"""`supple serve --clinic`: refuses a database without a clinic and the clinic's flags without
--clinic, listens beyond loopback, answers its configured names, trusts a proxy's headers only
when told, and runs several worker processes on one PostgreSQL database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.clinic_world import postgres_url
from tests.conftest import Supple


@pytest.fixture
def pg_clinic(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL database holding a clinic, as the CLI's database."""
    for url in postgres_url():
        monkeypatch.setenv("SUPPLE_DATABASE_URL", url)
        result = Supple()("clinic", "init", "--name", "Riverside", "--admin-email", "o@r.test")
        assert result.exit_code == 0, result.output
        yield url


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--workers", "2"], "--workers is for the clinic mode"),
        (["--proxy-headers"], "--proxy-headers is for the clinic mode"),
        (["--base-url", "https://c.example.org"], "--base-url is for the clinic mode"),
    ],
)
def test_the_clinic_flags_need_clinic_mode(supple: Supple, args: list[str], says: str) -> None:
    result = supple("serve", *args)
    assert result.exit_code == 2 and says in result.output


def test_a_database_without_a_clinic_is_refused_with_the_way_to_make_one(supple: Supple) -> None:
    result = supple("serve", "--clinic")
    assert result.exit_code == 2
    assert "no clinic yet" in result.output and "supple clinic init" in result.output


def _held(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import uvicorn

    ran: dict[str, Any] = {}

    def hold(server: uvicorn.Server, sockets: object = None) -> None:
        ran["config"] = server.config

    monkeypatch.setattr(uvicorn.Server, "run", hold)
    return ran


def test_the_clinic_listens_on_the_network_behind_a_proxy(
    pg_clinic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    ran = _held(monkeypatch)
    result = Supple()(
        "serve", "--clinic", "--host", "0.0.0.0", "--port", "8841", "--proxy-headers",
        "--base-url", "https://clinic.example.org",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Supple clinic is running at http://0.0.0.0:8841/" in result.output
    config = ran["config"]
    assert config.proxy_headers is True and config.host == "0.0.0.0"
    app = config.app
    settings = app.state.settings
    assert (settings.clinic, settings.proxy_headers) == (True, True)
    with TestClient(app, base_url="https://clinic.example.org") as client:
        answer = client.get("/api/v1/today")
        assert answer.status_code == 401
        assert answer.headers["strict-transport-security"].startswith("max-age=")
        assert client.get("/healthz", headers={"host": "other.example"}).status_code == 400
    app.state.store.dispose()


def test_without_tls_on_the_network_it_warns_and_trusts_no_forwarded_header(
    pg_clinic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = _held(monkeypatch)
    result = Supple()("serve", "--clinic", "--host", "0.0.0.0", "--port", "8842")
    assert result.exit_code == 0, result.output
    assert "without TLS" in result.output
    assert ran["config"].proxy_headers is False
    ran["config"].app.state.store.dispose()


def test_two_worker_processes_serve_the_clinic(pg_clinic: str) -> None:
    port = 8843
    env = {**os.environ, "SUPPLE_DATABASE_URL": pg_clinic, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "supple",
            "serve",
            "--clinic",
            "--workers",
            "2",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        health = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as answer:
                    health = json.loads(answer.read())
                break
            except OSError:
                time.sleep(0.1)
        assert health == {"status": "ok"}
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/api/v1/today", timeout=5)
        assert refused.value.code == 401
        refused.value.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        output = proc.stdout.read() if proc.stdout else ""
        if proc.stdout:
            proc.stdout.close()
    assert "Traceback" not in output
