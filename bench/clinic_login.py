"""Clinic sign-in time: 50 sign-ins each of a client (email and password) and of a clinician
(email and password, then the TOTP step), through the real pages, on PostgreSQL, in process
(TestClient), with the production Argon2id settings (19 MiB, 2 passes). Prints the median and
p95 of each, and of a request made with the resulting cookie (the guard's lookup included).

    SUPPLE_TEST_POSTGRES_URL=postgresql+psycopg://… python -m bench.clinic_login

Figures, not a pass/fail: the Argon2 check is most of a sign-in on purpose (it is what makes a
stolen hash slow to guess); compare with ``accounts.passwords``'s docstring (~30 ms a check).
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa

N = 50


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _show(name: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    median, p95 = statistics.median(ms), _p95(ms)
    print(f"{name:<38} median {median:6.1f} ms   p95 {p95:6.1f} ms   (n={len(ms)})")


def main() -> None:
    base = os.environ.get("SUPPLE_TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("set SUPPLE_TEST_POSTGRES_URL (a PostgreSQL database to make a schema in)")
    from tests.clinic_world import build_world

    from supple.store.database import Store

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(Store(base).url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    world = build_world(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        client_times: list[float] = []
        staff_times: list[float] = []
        use_times: list[float] = []
        for _ in range(N):
            browser = world.nobody()
            began = time.perf_counter()
            answer = browser.post(
                "/login", data={"email": world.a1.email, "password": world.a1.password}
            )
            client_times.append(time.perf_counter() - began)
            assert answer.status_code == 303, answer.text
            began = time.perf_counter()
            assert browser.get("/account").status_code == 200
            use_times.append(time.perf_counter() - began)
            browser.post("/logout")
        for _ in range(N):
            browser = world.nobody()
            code = world.code(world.clin_a)  # made before the clock starts: the person types it
            began = time.perf_counter()
            first = browser.post(
                "/login", data={"email": world.clin_a.email, "password": world.clin_a.password}
            )
            second = browser.post("/login/two-factor", data={"code": code})
            staff_times.append(time.perf_counter() - began)
            assert first.status_code == 303 and second.status_code == 303, second.text
            browser.post("/logout")
            world.clock.advance(timedelta(seconds=1))
        print(f"Clinic sign-in on PostgreSQL, {N} each (in process, production Argon2id):")
        _show("client: password", client_times)
        _show("clinician: password + TOTP code", staff_times)
        _show("a page with the sign-in cookie", use_times)
    finally:
        world.close()
        world.store.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


if __name__ == "__main__":
    main()
