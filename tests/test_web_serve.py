"""`supple serve` in personal mode: loopback only, the banner names the address really bound,
names added with --allowed-host are answered, and no `server` banner goes out."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from tests.conftest import Supple


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "supple.lan"])
def test_serving_beyond_loopback_is_refused_in_one_line(supple: Supple, host: str) -> None:
    result = supple("serve", "--host", host)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "no login" in lines[0] and "127.0.0.1" in lines[0] and "clinic mode" in lines[0]


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("127.0.0.1", "http://127.0.0.1:8821/"),
        ("localhost", "http://localhost:8821/"),
        ("::1", "http://[::1]:8821/"),
        ("127.0.0.2", "http://127.0.0.2:8821/"),
    ],
)
def test_the_banner_prints_the_address_bound(
    supple: Supple, monkeypatch: pytest.MonkeyPatch, host: str, shown: str
) -> None:
    import uvicorn

    ran: dict[str, Any] = {}

    def hold(server: uvicorn.Server, sockets: object = None) -> None:
        config = server.config
        ran.update(
            host=config.host, port=config.port, server_header=config.server_header, app=config.app
        )
        ran["frozen"] = gc.get_freeze_count()

    # serve runs uvicorn's Server itself (with an exit deadline), so its run is what is held
    monkeypatch.setattr(uvicorn.Server, "run", hold)
    result = supple("serve", "--host", host, "--port", "8821", "--allowed-host", "supple.lan")
    assert result.exit_code == 0, result.output
    assert f"Supple is running at {shown}" in result.output
    assert ran["host"] == host.strip("[]") and ran["port"] == 8821
    assert ran["server_header"] is False
    assert ran["frozen"] > 0  # what startup built is out of the collector's sight (settle_heap)
    settings = ran["app"].state.settings
    assert settings.allowed_hosts == ("supple.lan",)
    assert settings.base_url == "http://localhost:8821"
    ran["app"].state.store.dispose()
