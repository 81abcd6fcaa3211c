"""`supple serve`: the web app (FastAPI under uvicorn), imported only when asked for.

Personal mode has no login, so it listens on this computer's loopback address only and answers
only loopback names (plus ``--allowed-host``); a clinic mode with logins is what will serve a
network.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from types import FrameType
from typing import Any

import click

from supple.cli.app import fail, friendly

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this computer."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bound_address(host: str, port: int) -> str:
    """The URL the server really listens on (IPv6 in brackets)."""
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}/"


SHUTDOWN_SECONDS = 1  # running requests get up to this long once asked to stop ...
EXIT_DEADLINE = 1.0  # ... but the process ends this long after the signal, whatever runs


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on."
)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (repeatable); loopback names always work.",
)
@click.option("--db", "db_url", metavar="URL", help="Database URL (same as the global --db).")
@click.option(
    "--open", "open_browser", is_flag=True, help="Open the app in your web browser once it is up."
)
@click.pass_context
@friendly
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    db_url: str | None,
    open_browser: bool,
) -> None:
    """Run Supple in your browser: today, the guided player, check-ins and progress."""
    if not is_loopback(host):
        fail(
            f"--host {host} would let anyone on the network read and change your data "
            "(personal mode has no login); stay on 127.0.0.1 until the clinic mode, which "
            "has logins, is available"
        )
    import webbrowser
    from dataclasses import replace

    import uvicorn

    from supple.web import WebSettings, create_app

    db_url = db_url or (ctx.find_root().obj or {}).get("db_url")
    settings = WebSettings.from_env()
    settings = replace(
        settings,
        database_url=db_url or settings.database_url,
        base_url=f"http://localhost:{port}",
        allowed_hosts=settings.allowed_hosts + allowed_hosts,
    )
    app = create_app(settings)
    address = bound_address(host, port)
    click.echo(f"Supple is running at {address}  (Ctrl+C to stop)")
    click.echo(f"Data: {app.state.store.safe_url}")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(address,)).start()
    config = uvicorn.Config(
        app,
        host=host.strip("[]"),
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        server_header=False,
    )
    _server_class(uvicorn.Server)(config).run()


def _server_class(base: type[Any]) -> type[Any]:
    """uvicorn's server, with a deadline on the way out.

    On SIGTERM or Ctrl+C uvicorn stops accepting, gives running requests ``SHUTDOWN_SECONDS``
    and cancels them; but a request computing in a worker thread cannot be cancelled, and the
    interpreter would wait for it. The deadline ends the process regardless, so the server is
    gone within two seconds whatever it was doing (every write is committed or not at all).
    """

    class Server(base):  # type: ignore[misc]
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            deadline = threading.Timer(EXIT_DEADLINE, os._exit, args=(0,))
            deadline.daemon = True
            deadline.start()

    return Server


def register(group: click.Group) -> None:
    group.add_command(serve)
