"""The worker's composition root: the store, the sealer, the senders and the clock, built once
per process from ``Settings`` (the only place in ``supple.jobs`` that opens the store)."""

from __future__ import annotations

from dataclasses import dataclass, field

from supple.core.errors import SuppleError
from supple.jobs.senders import Mail, Senders
from supple.sealing import Sealer, load_sealer
from supple.services.notify_channels import push_private_key
from supple.services.scope import Clock, Scope, SystemClock
from supple.settings import Settings
from supple.store.database import Store, open_store
from supple.store.row_security import SYSTEM


class NotPostgres(SuppleError):
    """The job queue lives in PostgreSQL; SQLite has none."""


@dataclass(frozen=True)
class Runtime:
    """What every job needs, shared by the worker's jobs."""

    store: Store
    sealer: Sealer
    senders: Senders
    base_url: str
    clock: Clock = field(default_factory=SystemClock)

    def __post_init__(self) -> None:
        # The worker reads everyone's records (reminders, alerts, digests): it acts as the
        # system, told so explicitly (row-level security denies a store with no actor).
        object.__setattr__(self, "store", self.store.acting(SYSTEM))

    def scope(self) -> Scope:
        """The worker acts as the operator: no account, no subject of its own."""
        return Scope.operator(self.store, self.clock)


def conninfo(store: Store) -> str:
    """The libpq address of the store's database, for procrastinate's own connections."""
    if store.is_sqlite:
        raise NotPostgres(
            "the worker needs PostgreSQL (its job queue lives there); this clinic's database is "
            "SQLite: move it to PostgreSQL with --db postgresql://… or SUPPLE_DATABASE_URL"
        )
    import sqlalchemy as sa

    url = sa.engine.make_url(store.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def sender_for(scope: Scope, sealer: Sealer, settings: Settings) -> Senders:
    """The senders, with the practice's SMTP settings and push key."""
    contact = f"mailto:{settings.smtp_from}" if settings.smtp_from else settings.base_url
    return Senders(Mail.from_settings(settings), push_private_key(scope, sealer), contact)


def open_runtime(
    settings: Settings, db_url: str | None = None, clock: Clock | None = None
) -> Runtime:
    store = open_store(db_url or settings.database_url, settings.migration_database_url)
    conninfo(store)  # refuse SQLite before anything else
    sealer = load_sealer(settings, store.url)
    senders = sender_for(Scope.operator(store), sealer, settings)
    return Runtime(store, sealer, senders, settings.base_url.rstrip("/"), clock or SystemClock())
