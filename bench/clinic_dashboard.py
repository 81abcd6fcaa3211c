"""The caseload dashboard at size: one clinician with 200 clients, each with 90 days of sessions
and check-ins (``bench/clinic_data.py``, written in bulk), on PostgreSQL. Prints the build time,
the nightly rollup's time (the history, then one night), the caseload service's time in process,
the admin's first page of the all-clients list and one client's progress page in process, and
the time of ``GET /clinic`` and of ``GET /api/v1/clients`` over HTTP from a real server
(``supple serve`` in clinic mode, one worker, loopback, keep-alive), each as the median and p95
of 100 requests, the SQL statements one dashboard costs, and ``EXPLAIN (ANALYZE, BUFFERS)`` of
the three slowest statements seen.

    SUPPLE_TEST_POSTGRES_URL=postgresql+psycopg://… python -m bench.clinic_dashboard
        [--clients 200] [--days 90] [--requests 100] [--port 8862]

Figures, not a pass/fail (``bench/clinic_scale.py`` holds the budgets). The database is a fresh
schema of that URL's database, dropped at the end.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from bench.clinic_data import build
from bench.clinic_scale import Statements, explain
from supple.accounts import totp
from supple.accounts.passwords import default_passwords
from supple.services import Scope, SystemClock, caseload, progress_report, rollups, signin, today
from supple.services.scope import Actor
from supple.store import accounts, second_factors
from supple.store.database import Store, open_store

PASSWORD = "quiet harbour lantern"
KEY = "clinic-dashboard-bench-key-0123456789abcdef"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _show(name: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"{name:<44} median {statistics.median(ms):7.1f} ms   p95 {_p95(ms):7.1f} ms"
        f"   (n={len(ms)})"
    )


def _sign_in_ready(store: Store, user_id: int) -> str:
    """Give the clinician a password and a TOTP enrolment; the TOTP secret."""
    accounts.set_password_hash(store, user_id, default_passwords().hash(PASSWORD))
    secret = totp.new_secret()
    second_factors.start_totp(store, user_id, signin.SeedBox(KEY.encode()).seal(user_id, secret))
    now = datetime.now(UTC)
    assert second_factors.confirm_totp(store, user_id, totp.step_at(now) - 10, now)
    return secret


class Browser:
    """One keep-alive connection with cookies and the anti-forgery header, like a page."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, gzipped: bool = False
    ) -> tuple[int, bytes]:
        headers = {**self.headers, "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if gzipped:
            headers["Accept-Encoding"] = "gzip"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        answer = self.conn.getresponse()
        data = answer.read()
        for value in answer.headers.get_all("set-cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return answer.status, data

    def close(self) -> None:
        self.conn.close()


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SUPPLE_CLINIC": "1",
        "SUPPLE_DATABASE_URL": url,
        "SUPPLE_SECRET_KEY": KEY,
        "SUPPLE_BASE_URL": f"http://127.0.0.1:{port}",
    }
    supple = Path(sys.executable).with_name("supple")
    server = subprocess.Popen(
        [str(supple), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            probe.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if probe.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
        finally:
            probe.close()
    server.kill()
    raise SystemExit(f"the server on port {port} did not start within 30 s")


def _timed(client: Browser, path: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        began = time.perf_counter()
        status, body = client.request("GET", path)
        times.append(time.perf_counter() - began)
        assert status == 200, (status, body[:200])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--port", type=int, default=8862)
    args = parser.parse_args()
    base = os.environ.get("SUPPLE_TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("set SUPPLE_TEST_POSTGRES_URL (a PostgreSQL database to make a schema in)")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(Store(base).url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    store = open_store(url)
    server = None
    try:
        began = time.perf_counter()
        built = build(store, clients=args.clients, days=args.days, today=datetime.now(UTC).date())
        with store.write() as conn:
            conn.execute(sa.text("ANALYZE"))
        with store.read() as conn:
            counts = {
                table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("sessions", "session_events", "checkins")
            }
        print(
            f"Built {args.clients} clients × {args.days} days for one clinician in "
            f"{time.perf_counter() - began:.1f} s: "
            + ", ".join(f"{n:,} {table}" for table, n in counts.items())
        )
        run = rollups.roll_up(Scope.operator(store))
        print(
            f"Nightly rollup of the history: {run.rows:,} days of {run.clients} clients in "
            f"{run.seconds:.2f} s"
        )
        with store.write() as conn:  # one night again: yesterday's rows rolled up anew
            conn.execute(
                sa.text(
                    "DELETE FROM day_rollups WHERE on_date = (SELECT max(on_date) FROM day_rollups)"
                )
            )
        run = rollups.roll_up(Scope.operator(store))
        print(f"Nightly rollup, one night: {run.rows:,} rows in {run.seconds:.2f} s")
        with store.write() as conn:
            conn.execute(sa.text("ANALYZE"))
        scope = Scope(store, Actor("clinician", built.clinician_id), None, SystemClock())
        statements: list[str] = []

        def count(*event: object) -> None:
            statements.append(str(event[2]))

        sa.event.listen(store.engine, "before_cursor_execute", count)
        rows = caseload.caseload(scope)
        sa.event.remove(store.engine, "before_cursor_execute", count)
        flagged = sum(1 for r in rows if r.needs_attention)
        print(
            f"One caseload read: {len(statements)} SQL statements, {len(rows)} clients, "
            f"{flagged} needing attention, {len(caseload.queue(rows))} items"
        )
        seen = Statements(store.engine)
        seen.on = True
        service = []
        for _ in range(args.requests):
            began = time.perf_counter()
            with store.pinned() as view:
                caseload.caseload(Scope(view, scope.actor, None, SystemClock()))
            service.append(time.perf_counter() - began)
        boss = Scope(store, Actor("admin", built.admin_id), None, SystemClock())
        pages = []
        for _ in range(args.requests):
            began = time.perf_counter()
            caseload.caseload_page(boss, limit=caseload.PAGE)
            pages.append(time.perf_counter() - began)
        person = built.client_ids[len(built.client_ids) // 2]
        progress = []
        for _ in range(args.requests):
            began = time.perf_counter()
            with store.pinned() as view:
                me = Scope(view, Actor("person", person), person, SystemClock())
                progress_report.progress(me, today(me))
            progress.append(time.perf_counter() - began)
        seen.on = False
        secret = _sign_in_ready(store, built.clinician_id)
        server = _serve(url, args.port)
        client = Browser(args.port)
        try:
            status, body = client.request("GET", "/api/v1/csrf-token")
            client.headers["X-CSRF-Token"] = json.loads(body)["token"]
            status, body = client.request(
                "POST", "/login", {"email": "clin@bench.example", "password": PASSWORD}
            )
            assert status == 303, (status, body[:300])
            code = totp.code_at(secret, totp.step_at(datetime.now(UTC)))
            status, body = client.request("POST", "/login/two-factor", {"code": code})
            assert status == 303, (status, body[:300])
            _timed(client, "/clinic", 3)  # warm the worker (imports, plan parse, pool)
            page = _timed(client, "/clinic", args.requests)
            api = _timed(client, "/api/v1/clients", args.requests)
            status, zipped = client.request("GET", "/clinic", gzipped=True)
            size, unzipped = len(zipped), len(gzip.decompress(zipped))
        finally:
            client.close()
        print(f"{args.clients} clients, {args.requests} requests each, PostgreSQL, one worker:")
        _show("caseload service (in process)", service)
        _show(f"admin's list, first page of {caseload.PAGE} (in process)", pages)
        _show("one client's progress (in process)", progress)
        _show("GET /clinic (HTTP, loopback)", page)
        _show("GET /api/v1/clients (HTTP, loopback)", api)
        print(f"/clinic is {unzipped / 1024:.0f} KB, {size / 1024:.0f} KB gzipped")
        explain(url, seen)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        store.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


if __name__ == "__main__":
    main()
