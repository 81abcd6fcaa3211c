"""Who is asking, for whom, and when: the frozen ``Scope`` every use case takes.

A scope is built at the edges only (the CLI's root and the web app's dependencies) and passed
explicitly to every use case, which never changes it. ``actor`` is who acts (today the local
person; in a clinic a client, a clinician or an admin, or the operator at the server's
terminal); ``subject`` is whose records are read and written. The clock is injected so that no
use case reads the wall clock: ``--date``, ``SUPPLE_TODAY`` and tests pin the day through
``PinnedDay`` or ``FixedClock``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal, Protocol
from zoneinfo import ZoneInfo

from supple.core.errors import NotFound
from supple.store.row_security import SYSTEM, RowActor

if TYPE_CHECKING:
    from supple.store.database import Store

NO_PROFILE = (
    "no profile yet: run `supple init`, or open the web app's first run at /start, to create "
    "one (it asks a few safety questions first)"
)

Role = Literal["person", "client", "clinician", "admin", "operator"]


class Clock(Protocol):
    """Where use cases get the time from."""

    def now(self) -> datetime:
        """This moment, timezone-aware (UTC)."""
        ...

    def today(self, zone: str) -> date:
        """Today's date in the IANA zone ``zone``."""
        ...


@dataclass(frozen=True)
class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self, zone: str) -> date:
        return self.now().astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True)
class PinnedDay:
    """Today is ``day`` wherever the person lives (``--date``, ``SUPPLE_TODAY``); moments are
    still the real ones, so what is recorded says when it really happened."""

    day: date
    wall: Clock = field(default_factory=SystemClock)

    def now(self) -> datetime:
        return self.wall.now()

    def today(self, zone: str) -> date:
        return self.day


@dataclass(frozen=True)
class FixedClock:
    """A clock that never moves (tests, reproducible exports)."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment.astimezone(UTC)

    def today(self, zone: str) -> date:
        return self.moment.astimezone(ZoneInfo(zone)).date()


def moment_day(clock: Clock, zone: str) -> date:
    """The date of the clock's own moment in ``zone``: the real today under a pinned day
    (``PinnedDay`` keeps real moments), the fixed one under a ``FixedClock``. Bounds on
    input are anchored here, so pinning the day cannot move them."""
    return clock.now().astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True)
class Actor:
    """Who acts: a role and the id it is known by (None: a local visitor before any person
    exists, or the operator of a clinic server, who holds the database and has no account).
    ``person`` is personal mode's one person (its ``people`` id); in a clinic, ``client``,
    ``clinician`` and ``admin`` carry the signed-in user's ``users`` id, and a client also
    their own ``people`` id, which the database holds their queries to."""

    role: Role
    id: int | None
    person_id: int | None = None  # a client's own ``people`` id (row-level security's key)

    @property
    def label(self) -> str | None:
        """How a write records its actor (``"person:1"``), None for nobody yet."""
        return None if self.id is None else f"{self.role}:{self.id}"


def row_actor(actor: Actor) -> RowActor:
    """Who the database's row-level security is told acts for ``actor`` (one place; see
    ``store.row_security``). A client is held to their own person (``person_id``, never the
    subject a request names); staff are known by their ``users`` id. The operator at the
    server's terminal and personal mode's one person act as the system: the operator holds the
    database, and a personal install has no one else's rows to hide."""
    if actor.role in ("client", "clinician", "admin"):
        return RowActor(actor.role, actor.id, actor.person_id)
    return SYSTEM


@dataclass(frozen=True)
class Scope:
    """The store, who acts, whose records, and the clock: one per command or request.

    Made, the scope's store becomes a view that tells PostgreSQL its actor at the start of
    every transaction (``Store.acting``), so each query a use case runs through it is held by
    row-level security to what this actor may see, whatever filters the query forgot."""

    store: Store
    actor: Actor
    subject: int | None
    clock: Clock = field(default_factory=SystemClock)

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", self.store.acting(row_actor(self.actor)))

    @classmethod
    def local(cls, store: Store, person: int | None, clock: Clock | None = None) -> Scope:
        """A person acting for themself (the personal install: the CLI and ``supple serve``)."""
        return cls(store, Actor("person", person), person, clock or SystemClock())

    @classmethod
    def operator(cls, store: Store, clock: Clock | None = None) -> Scope:
        """The operator running ``supple clinic …`` on the server: no account, no subject (each
        command names the users it changes), and writes recorded with no actor."""
        return cls(store, Actor("operator", None), None, clock or SystemClock())

    def require_subject(self) -> int:
        """The subject's id; before anyone exists, the "no profile yet" answer."""
        if self.subject is None:
            raise NotFound(NO_PROFILE)
        return self.subject

    def for_created(self, person: int) -> Scope:
        """The scope acting for a person just created: a new scope, this one is unchanged. A
        local visitor without a person yet becomes that person; any other actor stays who acts.
        """
        actor = self.actor
        if actor.role == "person" and actor.id is None:
            actor = Actor("person", person)
        return Scope(self.store, actor, person, self.clock)
