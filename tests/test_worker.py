"""The worker on PostgreSQL (procrastinate): the minute's tick is deferred once whatever the
number of workers, a tick defers each message once, jobs deliver through real local parts, and
a worker killed with SIGKILL in the middle of sending loses nothing and doubles nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest
import sqlalchemy as sa

from supple.jobs import tasks as job_tasks
from supple.jobs.root import Runtime
from supple.jobs.senders import Mail, Senders
from supple.jobs.worker import WorkerOptions, make_app, run
from supple.services import FixedClock, notify_channels
from supple.store import checkins
from supple.store.notify_schema import deliveries
from tests.local_endpoints import Endpoint, http_endpoint
from tests.reaching_clinic import (  # noqa: F401  (fixtures)
    BASE,
    Clinic,
    clinic_base_fixture,
    clinic_fixture,
    pg_module_url_fixture,
)

NOW = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
# Quick heartbeats, a short silence taken for death, and frequent polling: seconds, not the
# production defaults' minute.
FAST = ("--heartbeat", "0.3", "--stalled-after", "1.5", "--poll", "0.3")
MAIL = Mail("127.0.0.1", 8900, "clinic@riverside.example", None, None, "none")


def runtime(c: Clinic, moment: datetime = NOW) -> Runtime:
    return Runtime(
        c.store, c.sealer, Senders(MAIL, None, "mailto:c@ex.org"), BASE, FixedClock(moment)
    )


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    with http_endpoint() as found:
        yield found


def jobs(c: Clinic, task: str) -> list[tuple[str, dict[str, object]]]:
    with c.store.read() as conn:
        rows = conn.execute(
            sa.text("SELECT status, args FROM procrastinate_jobs WHERE task_name = :t ORDER BY id"),
            {"t": task},
        ).all()
    return [(r.status, r.args) for r in rows]


def sent(c: Clinic) -> list[tuple[str, str, str]]:
    with c.store.read() as conn:
        rows = conn.execute(
            sa.select(deliveries.c.kind, deliveries.c.period, deliveries.c.status)
        ).all()
    return [tuple(r) for r in rows]


def test_the_minutes_tick_is_deferred_once_whatever_the_number_of_workers(
    clinic: Clinic,
) -> None:
    from procrastinate.periodic import PeriodicDeferrer

    async def three_workers_defer_the_same_minute() -> None:
        stamp = int(NOW.timestamp())
        for _ in range(3):
            app = make_app(runtime(clinic))
            async with app.open_async():
                deferrer = PeriodicDeferrer(app.periodic_registry)
                [periodic] = [
                    p
                    for p in app.periodic_registry.periodic_tasks.values()
                    if p.task.name == job_tasks.TICK
                ]
                await deferrer.defer_jobs([(periodic, stamp)])
                await deferrer.defer_jobs([(periodic, stamp + 60)])

    asyncio.run(three_workers_defer_the_same_minute())
    # One tick for the minute; the next minute's found this one still waiting, and its
    # queueing lock kept a second from piling up behind it.
    ticks = jobs(clinic, "supple:tick")
    assert [args["timestamp"] for _, args in ticks] == [int(NOW.timestamp())]
    with clinic.store.read() as conn:
        defers = conn.execute(sa.text("SELECT count(*) FROM procrastinate_periodic_defers"))
        assert defers.scalar_one() == 1


def test_the_hours_rollup_is_deferred_once_whatever_the_number_of_workers_and_rolls_up(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procrastinate.periodic import PeriodicDeferrer

    async def defers_nothing(self: PeriodicDeferrer) -> None:
        await asyncio.Event().wait()  # until the worker stops it

    # The worker run below would defer the wall clock's own hourly rollup when it starts in
    # the ten minutes after one fell due (procrastinate's max_delay), and roll up to the real
    # yesterday: this test defers NOW's itself.
    monkeypatch.setattr(PeriodicDeferrer, "worker", defers_nothing)
    stamp = int(NOW.timestamp())

    async def three_workers_defer_the_same_hour() -> None:
        for _ in range(3):
            app = make_app(runtime(clinic))
            async with app.open_async():
                deferrer = PeriodicDeferrer(app.periodic_registry)
                [periodic] = [
                    p
                    for p in app.periodic_registry.periodic_tasks.values()
                    if p.task.name == job_tasks.ROLLUP
                ]
                await deferrer.defer_jobs([(periodic, stamp)])

    asyncio.run(three_workers_defer_the_same_hour())
    assert [args["timestamp"] for _, args in jobs(clinic, job_tasks.ROLLUP)] == [stamp]
    asyncio.run(run(runtime(clinic), WorkerOptions(wait=False, poll=0.1)))
    with clinic.store.read() as conn:
        rolled = conn.execute(sa.text("SELECT count(*), max(on_date) FROM day_rollups")).one()
    assert jobs(clinic, job_tasks.ROLLUP) == []  # done (successful jobs are deleted)
    assert rolled[0] > 0 and rolled[1] < NOW.date()  # the clients' days up to yesterday


def test_a_tick_defers_each_alert_once_and_a_worker_delivers_it(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    notify_channels.add_channel(
        c.scope(NOW), c.sealer, email="clara@ex.org", kind="apprise", target=endpoint.apprise("/a")
    )
    at = NOW - timedelta(minutes=1)
    checkins.upsert(c.store, c.person_id, "exercise", at.date(), {"pain": 9}, "bird-dog", at=at)
    rt = runtime(c)

    async def tick_twice_then_work() -> tuple[int, int]:
        app = make_app(rt)
        async with app.open_async():
            first = await job_tasks.find_and_defer(app, rt, NOW)
            second = await job_tasks.find_and_defer(app, rt, NOW + timedelta(minutes=1))
        await run(rt, WorkerOptions(concurrency=2, heartbeat=1, stalled_after=5, wait=False))
        return first, second

    assert asyncio.run(tick_twice_then_work()) == (1, 0)  # the second tick met the lock
    assert len(endpoint.received) == 1
    assert endpoint.received[0].json()["title"] == f"Pain stop: client {c.person_id}"
    assert sent(c) == [("alert", f"pain_stop:{c.person_id}:2026-11-04:bird-dog", "sent")]
    assert jobs(c, "supple:deliver") == []  # done, and deleted as successful
    # Once delivered, a later tick finds nothing to defer.
    again = asyncio.run(_find(rt, NOW + timedelta(minutes=2)))
    assert again == 0


async def _find(rt: Runtime, until: datetime) -> int:
    app = make_app(rt)
    async with app.open_async():
        return await job_tasks.find_and_defer(app, rt, until)


def _worker(url: str, key: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SUPPLE_DATABASE_URL=url, SUPPLE_CHANNEL_KEY=key)
    return subprocess.Popen(
        [sys.executable, "-m", "supple", "worker", *FAST],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_send_loses_nothing_and_the_next_sends_once(
    clinic: Clinic, endpoint: Endpoint, pg_module_url: str, tmp_path: Path
) -> None:
    c = clinic
    notify_channels.add_channel(
        c.scope(NOW), c.sealer, email="clara@ex.org", kind="apprise", target=endpoint.apprise("/k")
    )
    period = f"pain_stop:{c.person_id}:2026-11-04:bird-dog"

    async def defer() -> None:
        app = make_app(runtime(c))
        async with app.open_async():
            await app.configure_task(job_tasks.DELIVER).defer_async(
                user_id=c.clinician_id,
                kind="alert",
                period=period,
                person_id=c.person_id,
                detail={"kind": "pain_stop", "pain": "8"},
            )

    asyncio.run(defer())
    endpoint.release = threading.Event()  # the first worker's request is held here...
    log_path = tmp_path / "workers.log"
    with log_path.open("ab") as log:
        took = _kill_then_recover(c, endpoint, pg_module_url, log, log_path)
    assert sent(c) == [("alert", period, "sent")], log_path.read_text()
    assert len(endpoint.received) == 2  # the request cut by the kill, then the one that went
    assert [s for s, _ in jobs(c, "supple:deliver") if s in ("todo", "doing")] == []
    print(
        f"worker killed mid-send: endpoint requests {len(endpoint.received)} (1 cut by the kill),"
        f" deliveries recorded {len(sent(c))}, jobs left 0, lost 0; the next worker delivered"
        f" after {took:.1f} s"
    )


def _kill_then_recover(
    c: Clinic, endpoint: Endpoint, url: str, log: IO[bytes], log_path: Path
) -> float:
    """Start a worker, SIGKILL it once its request reaches the endpoint, start another, and
    wait until the delivery is recorded; how long the second took."""
    first = _worker(url, c.sealer.key.decode(), log)
    try:
        assert endpoint.arrived.wait(30), log_path.read_text()
        os.kill(first.pid, signal.SIGKILL)  # ...and the worker dies mid-send
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert sent(c) == []  # its uncommitted delivery row went with it
    held, endpoint.release = endpoint.release, None
    assert held is not None
    held.set()
    started = time.monotonic()
    second = _worker(url, c.sealer.key.decode(), log)
    try:
        while not sent(c) and time.monotonic() - started < 30:
            time.sleep(0.2)
        took = time.monotonic() - started
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(15)
        except subprocess.TimeoutExpired:
            second.kill()
    return took


def test_a_job_failing_on_its_last_run_is_recorded_as_given_up(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    notify_channels.add_channel(
        c.scope(NOW), c.sealer, email="clara@ex.org", kind="apprise", target=endpoint.apprise("/f")
    )
    endpoint.status = 500
    period = f"red_flag:{c.person_id}:screen-1"
    rt = runtime(c)

    async def last_run() -> None:
        app = make_app(rt)
        async with app.open_async():
            job = await app.configure_task(job_tasks.DELIVER).defer_async(
                user_id=c.clinician_id,
                kind="alert",
                period=period,
                person_id=c.person_id,
                detail={"kind": "red_flag"},
            )
        with c.store.write() as conn:  # as if the earlier runs had failed already
            conn.execute(
                sa.text("UPDATE procrastinate_jobs SET attempts = :n WHERE id = :id"),
                {"n": job_tasks.RETRIES, "id": job},
            )
        await run(rt, WorkerOptions(concurrency=1, heartbeat=1, stalled_after=5, wait=False))

    asyncio.run(last_run())
    assert len(endpoint.received) == 1
    assert sent(c) == [("alert", period, "failed")]
    assert [s for s, _ in jobs(c, job_tasks.DELIVER)] == ["failed"]
    assert asyncio.run(_find(rt, NOW)) == 0  # the tick does not make it again
