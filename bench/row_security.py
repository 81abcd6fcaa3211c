"""What row-level security costs a request: the caseload dashboard of one clinician with 200
clients × 90 days (``bench/clinic_data.py``), served twice side by side from one database on
PostgreSQL, by ``supple serve`` in clinic mode (one worker each, loopback, keep-alive):

    without   connected as the tables' owner, a superuser, whom the policies never hold
    with      connected as an app role made by ``grant-app-role``, held by every policy

Both servers set the actor on each transaction (one ``set_config`` per transaction; the code
is the same), so the difference is the policies' own work. Requests alternate between the two
servers; each line gives the median and p95 of ``--requests``.

    SUPPLE_TEST_POSTGRES_URL=postgresql+psycopg://postgres@… python -m bench.row_security
        [--clients 200] [--days 90] [--requests 60] [--port 8840]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from bench.clinic_dashboard import PASSWORD, Browser, _serve, _show, _sign_in_ready
from bench.clinic_data import build
from supple.accounts import totp
from supple.store import app_role
from supple.store.database import Store, open_store


def _signed_in(port: int, secret: str) -> Browser:
    # A code is used once: wait for a step no sign-in has used yet (before connecting, so the
    # keep-alive connection does not time out meanwhile).
    step = totp.step_at(datetime.now(UTC))
    while totp.step_at(datetime.now(UTC)) == step:
        time.sleep(0.5)
    client = Browser(port)
    status, body = client.request("GET", "/api/v1/csrf-token")
    client.headers["X-CSRF-Token"] = json.loads(body)["token"]
    status, body = client.request(
        "POST", "/login", {"email": "clin@bench.example", "password": PASSWORD}
    )
    assert status == 303, (status, body[:300])
    code = totp.code_at(secret, totp.step_at(datetime.now(UTC)))
    status, body = client.request("POST", "/login/two-factor", {"code": code})
    assert status == 303, (status, body[:300])
    return client


def _get(client: Browser, path: str) -> tuple[int, bytes]:
    """GET on the client's keep-alive connection, opening a new one (same cookies) when the
    server closed it while the client sat idle (uvicorn's keep-alive is 5 s)."""
    try:
        return client.request("GET", path)
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        client.conn.close()
        return client.request("GET", path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--port", type=int, default=8840)
    args = parser.parse_args()
    base = os.environ.get("SUPPLE_TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("set SUPPLE_TEST_POSTGRES_URL (a PostgreSQL database to make a schema in)")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    role = f"bench_app_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(Store(base).url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    app_url = sa.engine.make_url(Store(url).url).set(username=role)
    store = open_store(url)
    servers = []
    try:
        built = build(store, clients=args.clients, days=args.days, today=datetime.now(UTC).date())
        with store.write() as conn:
            conn.execute(sa.text("ANALYZE"))
        app_role.grant(store, role)
        secret = _sign_in_ready(store, built.clinician_id)
        servers.append(_serve(url, args.port))
        servers.append(_serve(app_url.render_as_string(hide_password=False), args.port + 1))
        without, with_rls = _signed_in(args.port, secret), _signed_in(args.port + 1, secret)
        timings: dict[str, dict[str, list[float]]] = {}
        for path in ("/clinic", "/api/v1/clients"):
            for client in (without, with_rls):  # warm each worker
                for _ in range(3):
                    status, body = _get(client, path)
                    assert status == 200, (status, body[:300])
            pair: dict[str, list[float]] = {"without": [], "with": []}
            for _ in range(args.requests):
                for name, client in (("without", without), ("with", with_rls)):
                    began = time.perf_counter()
                    status, body = _get(client, path)
                    pair[name].append(time.perf_counter() - began)
                    assert status == 200, (name, status, body[:200])
            timings[path] = pair
        print(
            f"{args.clients} clients × {args.days} days, one clinician, {args.requests} "
            "requests each, alternating, PostgreSQL, one worker per server:"
        )
        for path, pair in timings.items():
            _show(f"GET {path} without row security (owner)", pair["without"])
            _show(f"GET {path} with row security (app role)", pair["with"])
        without.close()
        with_rls.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        store.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
            conn.execute(sa.text(f'DROP ROLE "{role}"'))
        engine.dispose()


if __name__ == "__main__":
    main()
