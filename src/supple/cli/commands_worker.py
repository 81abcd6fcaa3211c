"""`supple worker`: run a background worker for a clinic (reminders, alerts, digests)."""

from __future__ import annotations

import click

from supple.cli.app import friendly


@click.command()
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="How many jobs this worker runs at once.",
)
@click.option(
    "--heartbeat",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, 300),
    metavar="SECONDS",
    help="How often this worker tells the database it is alive.",
)
@click.option(
    "--stalled-after",
    default=30.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    metavar="SECONDS",
    help="A worker silent this long is taken for dead and its jobs run again elsewhere.",
)
@click.option(
    "--poll",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0.1, 300),
    metavar="SECONDS",
    help="How often to look at the queue besides the database's notifications (jobs handed "
    "back from a dead worker, or waiting for their time, are found this way).",
)
@click.option(
    "--until-idle",
    is_flag=True,
    help="Stop once the queue is empty instead of waiting for more (for scripts and tests).",
)
@click.pass_context
@friendly
def worker(
    ctx: click.Context,
    concurrency: int,
    heartbeat: float,
    stalled_after: float,
    poll: float,
    until_idle: bool,
) -> None:
    """Run a background worker: reminders, alerts and digests (clinic, PostgreSQL).

    Start one or more on any machines that share the clinic's database: each minute's work
    is done once whatever their number. Stop it with Ctrl-C (it finishes the jobs it holds).
    """
    import asyncio
    import logging

    from supple.jobs.root import open_runtime
    from supple.jobs.worker import WorkerOptions, run
    from supple.settings import Settings

    if heartbeat >= stalled_after:
        raise click.BadParameter("must be longer than --heartbeat", param_hint="--stalled-after")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings.from_env()
    runtime = open_runtime(settings, ctx.find_root().obj.get("db_url"))
    click.echo(
        f"Supple worker on {runtime.store.safe_url}: {concurrency} at once; Ctrl-C stops it.",
        err=True,
    )
    options = WorkerOptions(concurrency, heartbeat, stalled_after, poll, wait=not until_idle)
    try:
        asyncio.run(run(runtime, options))
    except KeyboardInterrupt:
        pass
    finally:
        runtime.store.dispose()


def register(group: click.Group) -> None:
    group.add_command(worker)
