"""The jobs: a tick once a minute that finds what fell due, and one job per message.

Every job runs the services' synchronous code in a thread (``asyncio.to_thread``) and defers
with procrastinate's async calls. A message's job carries a queueing lock named by its key, so
a tick that finds it again while it waits (held by quiet hours, or between retries) adds
nothing; once delivered, skipped or given up, the deliveries table says so and later ticks
leave it alone.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from procrastinate import App, JobContext, RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued

from supple.core.notify import DIGEST_GRACE, REMINDER_GRACE
from supple.jobs.root import Runtime
from supple.services import reaching, rollups
from supple.services.scope import FixedClock, Scope

log = logging.getLogger("supple.jobs")

# A failed job runs again after 6 s, 36 s, 3.6 min and 21.6 min (procrastinate waits
# exponential_wait ** (retries so far + 1)): a mail server down for a while is waited for; a
# message still failing on the fifth run is recorded as given up.
RETRIES = 4
RETRY = RetryStrategy(max_attempts=RETRIES, exponential_wait=6)
TICK_LOOKBACK = max(REMINDER_GRACE, DIGEST_GRACE)


def _runtime(context: JobContext) -> Runtime:
    runtime: Runtime = context.additional_context["runtime"]
    return runtime


TICK = "supple:tick"
DELIVER = "supple:deliver"
ROLLUP = "supple:rollup"


async def defer_due(app: App, due: list[reaching.Due]) -> int:
    """Defer one ``deliver`` job per message; how many were new (a locked one is waiting)."""
    added = 0
    for item in due:
        try:
            await app.configure_task(DELIVER, queueing_lock=item.lock).defer_async(**_args(item))
            added += 1
        except AlreadyEnqueued:
            continue
    return added


def _args(due: reaching.Due) -> dict[str, Any]:
    return {
        "user_id": due.user_id,
        "kind": due.kind,
        "period": due.period,
        "person_id": due.person_id,
        "detail": due.detail,
    }


async def find_and_defer(app: App, runtime: Runtime, until: datetime) -> int:
    """Defer a job for each message that fell due up to ``until`` and has none yet."""
    scope = runtime.scope()
    since = until - TICK_LOOKBACK
    due = await asyncio.to_thread(reaching.due_reminders, scope, since, until)
    due += await asyncio.to_thread(reaching.due_alerts, scope, until)
    due += await asyncio.to_thread(reaching.due_digests, scope, since, until)
    return await defer_due(app, due)


def register(app: App) -> None:
    """Define the jobs on ``app`` (each app its own task objects: a procrastinate blueprint
    can be added to one app only, and tests open several)."""

    @app.periodic(cron="* * * * *", periodic_id="tick")
    @app.task(name=TICK, queueing_lock="tick", pass_context=True)
    async def tick(context: JobContext, timestamp: int) -> int:
        """Find the reminders, alerts and digests that fell due up to this minute."""
        until = datetime.fromtimestamp(timestamp, UTC)
        return await find_and_defer(context.app, _runtime(context), until)

    @app.periodic(cron="7 * * * *", periodic_id="rollup")
    @app.task(name=ROLLUP, queueing_lock="rollup", retry=RETRY, pass_context=True)
    async def rollup(context: JobContext, timestamp: int) -> str:
        """Roll up the days that have ended (in each client's zone) since the last run: hourly,
        since clients' nights fall at different hours; deferred once per hour whatever the
        number of workers (procrastinate's periodic defers are unique per task and moment)."""
        at = datetime.fromtimestamp(timestamp, UTC)
        scope = Scope.operator(_runtime(context).store, FixedClock(at))
        run = await asyncio.to_thread(rollups.roll_up, scope, at)
        return f"rolled up {run.rows} days of {run.clients} clients in {run.seconds:.1f} s"

    @app.task(name=DELIVER, retry=RETRY, pass_context=True)
    async def deliver(
        context: JobContext,
        user_id: int,
        kind: str,
        period: str,
        person_id: int | None = None,
        detail: dict[str, str] | None = None,
    ) -> str:
        """Deliver one message to each of the user's channels, once."""
        runtime = _runtime(context)
        due = reaching.Due(user_id, kind, period, person_id, detail or {})
        scope = runtime.scope()
        try:
            outcome = await asyncio.to_thread(
                reaching.deliver, scope, runtime.sealer, runtime.senders, due, runtime.base_url
            )
        except reaching.NotDelivered as exc:
            if context.job.attempts >= RETRIES:  # the last run: procrastinate will not retry it
                await asyncio.to_thread(reaching.give_up, scope, due, str(exc))
                log.warning("gave up %s after %d runs: %s", due.lock, RETRIES + 1, exc)
            raise
        if outcome.held_until is not None:
            # Quiet hours: the same message again when they end (a queueing lock binds waiting
            # jobs only, and this one is running, so the held one takes the lock).
            await context.app.configure_task(
                DELIVER,
                queueing_lock=due.lock,
                schedule_at=outcome.held_until + timedelta(seconds=1),
            ).defer_async(**_args(due))
            return f"held until {outcome.held_until.isoformat()}"
        if outcome.skipped:
            return f"skipped: {outcome.skipped}"
        return f"sent {len(outcome.sent)}, already {len(outcome.already)}"
