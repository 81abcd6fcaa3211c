"""Running a worker: procrastinate's worker over the jobs, plus a loop that hands back the
jobs of workers that died (their heartbeat stopped) so another runs them again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import procrastinate

from supple.jobs.root import Runtime, conninfo
from supple.jobs.tasks import register

log = logging.getLogger("supple.jobs")


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 4
    heartbeat: float = 10.0  # seconds between this worker's heartbeats
    stalled_after: float = 30.0  # a worker silent this long is dead; its jobs run again
    poll: float = 5.0  # seconds between looks at the queue besides PostgreSQL's notifications
    wait: bool = True  # False: stop when the queue is empty (tests)


def make_app(runtime: Runtime) -> procrastinate.App:
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(runtime.store))
    )
    register(app)
    return app


async def rescue_stalled(app: procrastinate.App, stalled_after: float) -> int:
    """Put back in the queue every job left "doing" by a worker whose heartbeat stopped."""
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after)
    count = 0
    for job in stalled:
        await app.job_manager.retry_job(job)
        log.warning("job %s (%s) of a dead worker is queued again", job.id, job.task_name)
        count += 1
    return count


async def _rescue_loop(app: procrastinate.App, stalled_after: float) -> None:
    while True:
        try:
            await rescue_stalled(app, stalled_after)
        except Exception:  # a passing database error: try again next round
            log.exception("looking for the jobs of dead workers failed")
        await asyncio.sleep(max(0.5, stalled_after / 3))


async def run(runtime: Runtime, options: WorkerOptions) -> None:
    app = make_app(runtime)
    async with app.open_async():
        rescuer = asyncio.create_task(_rescue_loop(app, options.stalled_after))
        try:
            await app.run_worker_async(
                concurrency=options.concurrency,
                wait=options.wait,
                update_heartbeat_interval=options.heartbeat,
                fetch_job_polling_interval=options.poll,
                stalled_worker_timeout=options.stalled_after,
                additional_context={"runtime": runtime},
                delete_jobs="successful",
            )
        finally:
            rescuer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await rescuer
