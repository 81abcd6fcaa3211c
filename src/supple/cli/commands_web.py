"""`supple serve`: the web app (FastAPI under uvicorn), imported only when asked for.

Personal mode has no login, so it listens on this computer's loopback address only and answers
only loopback names (plus ``--allowed-host``). Clinic mode (``--clinic``) asks everyone to sign
in, so it may listen on the network; it answers the names of ``--base-url`` and
``--allowed-host``, may run several worker processes (``--workers``, each building its own app
from the ``SUPPLE_…`` settings), and behind a TLS proxy (``--proxy-headers``) trusts the
proxy's ``X-Forwarded-For``/``-Proto`` and marks its cookies ``__Host-``/``Secure`` with HSTS.
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
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback only, unless --clinic).",
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
@click.option(
    "--clinic", is_flag=True, help="Clinic mode: accounts and sign-in (see `supple clinic`)."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Clinic mode: worker processes (each serves requests; they share the database).",
)
@click.option(
    "--proxy-headers",
    is_flag=True,
    help="Clinic mode behind a TLS proxy: trust its X-Forwarded-* headers; Secure cookies, HSTS.",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    metavar="IPS",
    help="With --proxy-headers: the proxy addresses whose X-Forwarded-* are believed.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Clinic mode: the public address (https://clinic.example.org); its name is answered.",
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
    clinic: bool,
    workers: int,
    proxy_headers: bool,
    forwarded_allow_ips: str,
    base_url: str | None,
) -> None:
    """Run Supple in your browser: today, the guided player, check-ins and progress."""
    if not clinic:
        for given, flag in ((workers != 1, "--workers"), (proxy_headers, "--proxy-headers")):
            if given:
                fail(f"{flag} is for the clinic mode; add --clinic (personal mode is one process)")
        if base_url:
            fail("--base-url is for the clinic mode; add --clinic")
    if not clinic and not is_loopback(host):
        fail(
            f"--host {host} would let anyone on the network read and change your data "
            "(personal mode has no login); stay on 127.0.0.1, or run the clinic mode, which "
            "has logins: supple serve --clinic"
        )
    if clinic:
        _serve_clinic(
            ctx,
            host=host,
            port=port,
            allowed_hosts=allowed_hosts,
            db_url=db_url,
            workers=workers,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
            base_url=base_url,
        )
        return
    import webbrowser
    from dataclasses import replace

    import uvicorn

    from supple.web import WebSettings, create_app
    from supple.web.app import settle_heap

    db_url = db_url or (ctx.find_root().obj or {}).get("db_url")
    settings = WebSettings.from_env()
    settings = replace(
        settings,
        database_url=db_url or settings.database_url,
        base_url=f"http://localhost:{port}",
        allowed_hosts=settings.allowed_hosts + allowed_hosts,
    )
    app = create_app(settings)
    settle_heap()
    address = bound_address(host, port)
    click.echo(f"Supple is running at {address}  (Ctrl+C to stop)")
    click.echo(f"Data: {app.state.store.safe_url}")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(address,)).start()
    config = uvicorn.Config(
        app,
        http=_http_protocol(),
        host=host.strip("[]"),
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        server_header=False,
    )
    _server_class(uvicorn.Server)(config).run()


def _serve_clinic(
    ctx: click.Context,
    *,
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    db_url: str | None,
    workers: int,
    proxy_headers: bool,
    forwarded_allow_ips: str,
    base_url: str | None,
) -> None:
    """The clinic server: checks the database holds a clinic, then runs one process, or
    ``workers`` processes that each build the app from the same settings."""
    from dataclasses import replace

    import uvicorn

    from supple.services import clinic_accounts
    from supple.web import WebSettings, create_app
    from supple.web.app import settle_heap

    db_url = db_url or (ctx.find_root().obj or {}).get("db_url")
    settings = WebSettings.from_env()
    settings = replace(
        settings,
        database_url=db_url or settings.database_url,
        base_url=clinic_accounts.parse_base_url(
            base_url or os.environ.get("SUPPLE_BASE_URL") or f"http://localhost:{port}"
        ),
        allowed_hosts=settings.allowed_hosts + allowed_hosts,
        clinic=True,
        proxy_headers=proxy_headers,
    )
    app = create_app(settings)  # migrates the database and makes the key file, once
    store = app.state.store
    if not clinic_accounts.holds_clinic(store):
        store.dispose()  # the pool's connections closed now, not whenever the collector runs
        fail(
            "this database holds no clinic yet: create it first with "
            "`supple clinic init --name NAME --admin-email EMAIL`"
        )
    click.echo(f"Supple clinic is running at {bound_address(host, port)}  (Ctrl+C to stop)")
    click.echo(f"Data: {store.safe_url}")
    if not proxy_headers and not is_loopback(host):
        click.echo(
            "Warning: without TLS, passwords and sign-in cookies cross the network in clear; "
            "put a TLS proxy in front and add --proxy-headers.",
            err=True,
        )
    options: dict[str, Any] = dict(
        http=_http_protocol(),
        host=host.strip("[]"),
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        server_header=False,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips if proxy_headers else None,
    )
    if workers == 1:
        settle_heap()
        _server_class(uvicorn.Server)(uvicorn.Config(app, **options)).run()
        return
    store.dispose()
    os.environ.update(settings.to_env())
    options.update(_health_ping_patience())
    uvicorn.run("supple.web.app:app_from_env", factory=True, workers=workers, **options)


HEALTH_PING_SECONDS = 30


def _health_ping_patience() -> dict[str, int]:
    """More time for a worker to answer the supervisor's health ping where uvicorn has the
    setting (0.55 and later). Its default, 5 s, restarts a worker that is still importing the
    app on a busy machine, again and again, so the server never comes up; a worker that is
    really stuck is still replaced, only later. Older uvicorn has no such ping."""
    import inspect

    import uvicorn

    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.Config).parameters:
        return {"timeout_worker_healthcheck": HEALTH_PING_SECONDS}
    return {}


def _http_protocol() -> str:
    """The HTTP protocol of every server process: uvicorn's httptools protocol (a dependency)
    with TCP_NODELAY set on each connection (``web.nodelay``; without it, ``--workers`` > 1
    stalls keep-alive answers on uvicorn before 0.55). Named by its import path, not passed as
    the class: a worker process then imports it while loading the app, after it has begun
    answering the supervisor's health pings. (Unpickling the class would import
    ``supple.web`` first, and a worker slower than the pings' five seconds on a busy machine
    is killed and started again, over and over.) An environment installed before httptools
    was a dependency keeps h11."""
    from importlib.util import find_spec

    if find_spec("httptools") is None:
        return "supple.web.nodelay:NoDelayH11"
    return "supple.web.nodelay_httptools:NoDelayHttpTools"


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
