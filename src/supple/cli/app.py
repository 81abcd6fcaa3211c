"""What every command shares: the root group, the ``--db`` option, the scope each command acts
in (this is the CLI's composition root: the only place it opens the store or picks the
person), and turning the errors a person can meet into one clear line and exit code 2 instead
of a traceback."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from supple import __version__
from supple.cli.registry import LazyGroup
from supple.core.errors import PlanError, SuppleError

if TYPE_CHECKING:
    from supple.sealing import Sealer
    from supple.services import Clock, Scope

F = TypeVar("F", bound=Callable[..., Any])


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="supple")
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database URL (default: SUPPLE_DATABASE_URL, else a SQLite file in your user data "
    "folder).",
)
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """Supple: a daily coach for tight hips and lower-back pain.

    Start with `supple init`, then `supple today` shows what today holds.
    """
    ctx.obj = {"db_url": db_url}


def fail(message: str) -> None:
    from supple.cli.terminal_text import clean

    click.echo(f"error: {clean(message)}", err=True)
    sys.exit(2)


def friendly(func: F) -> F:
    """Show a person's mistake as one line (or one line per plan problem) and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlanError as exc:
            from supple.cli.terminal_text import clean

            for problem in exc.problems:
                click.echo(clean(str(problem)), err=True)
            sys.exit(2)
        except SuppleError as exc:
            fail(str(exc))
        except OSError as exc:  # a file or folder the person named cannot be read or written
            where = f" {exc.filename}" if exc.filename else ""
            fail(f"cannot use{where}: {exc.strerror or exc}")

    return wrapper  # type: ignore[return-value]


def open_scope(on: str | None = None) -> Scope:
    """The scope of this command: the store named by ``--db`` (or ``SUPPLE_DATABASE_URL``, or
    the default file), the local person acting for themself, and the clock, pinned to ``on``
    (a ``--date``) or to ``SUPPLE_TODAY`` when either is given."""
    from supple.services import PinnedDay, Scope, SystemClock, parse_date
    from supple.settings import Settings
    from supple.store.database import open_store
    from supple.store.profiles import local_person
    from supple.store.row_security import SYSTEM

    settings = Settings.from_env()
    obj = click.get_current_context().find_root().obj or {}
    # The terminal is the person (or the operator) holding the database: the system acts.
    store = open_store(
        obj.get("db_url") or settings.database_url, settings.migration_database_url
    ).acting(SYSTEM)
    if on is not None:
        clock: Clock = PinnedDay(parse_date(on))
    elif settings.today:
        clock = PinnedDay(parse_date(settings.today, settings.variable("today")))
    else:
        clock = SystemClock()
    return Scope.local(store, local_person(store), clock)


def open_operator_scope() -> Scope:
    """The scope of a ``supple clinic …`` command: the store named by ``--db`` (or
    ``SUPPLE_DATABASE_URL``, or the default file) and the system clock, with the operator acting:
    they hold the database, so they have no account and no subject."""
    from supple.services import Scope
    from supple.settings import Settings
    from supple.store.database import open_store
    from supple.store.row_security import SYSTEM

    settings = Settings.from_env()
    ctx = click.get_current_context()
    obj = ctx.find_root().obj or {}
    store = open_store(
        obj.get("db_url") or settings.database_url, settings.migration_database_url
    ).acting(SYSTEM)
    # A PostgreSQL pool's connections are closed when the command ends, not left to the
    # interpreter (an in-process caller, such as the tests, would otherwise leak them).
    ctx.find_root().call_on_close(store.dispose)
    return Scope.operator(store)


def open_sealer(scope: Scope) -> Sealer:
    """The install's sealer for notification targets (``SUPPLE_CHANNEL_KEY`` or its key file,
    found from the scope's database)."""
    from supple.sealing import load_sealer
    from supple.settings import Settings

    return load_sealer(Settings.from_env(), scope.store.url)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def date_option(func: F) -> F:
    return click.option(
        "--date",
        "on",
        metavar="YYYY-MM-DD",
        help="Act as if today were this date (default: today in your time zone).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for programs.")(func)


def fit_options(func: F) -> F:
    """``--minutes N`` and ``--without bench,roller,weights``: the day fitted to the time and
    the props a person has (docs/session-fitting.md). Read by ``core.fit.parse_choices``, so a
    bad value gets the same message as on the web."""
    func = click.option(
        "--without",
        "without",
        metavar="PROPS",
        help="Props you do not have today, comma-separated: bench, roller, weights.",
    )(func)
    return click.option(
        "--minutes",
        "minutes",
        metavar="N",
        help="Fit the session into N minutes (5-120): fewer sets first, every exercise kept.",
    )(func)
