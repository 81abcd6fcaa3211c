"""Who may open a client's record in the clinic, and the access log that remembers who did.

The web's request boundary (``web.clinic_scope``, ``web.clinic_guard``) calls these; each one
asks ``core.access`` for the rule and the store for the facts, so the boundary itself holds no
rule and touches no table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from supple.core import access
from supple.services.scope import Actor, Clock, Scope, row_actor
from supple.store import access_log
from supple.store.accounts import client_facts, clients_facts
from supple.store.database import Store
from supple.store.row_security import SYSTEM

__all__ = [
    "Store",
    "allowed_on_client",
    "allowed_on_clients",
    "client_scope",
    "practice_scope",
    "record",
    "scope_actor",
]


def scope_actor(actor: access.Actor) -> Actor:
    """The ``Scope``'s actor for a signed-in user: its role, its ``users`` id, and a client's
    own ``people`` id."""
    return Actor(actor.role.value, actor.user_id, actor.person_id)


def _acting(store: Store, actor: access.Actor) -> Store:
    """``store`` asked as the signed-in user (row-level security holds the facts it reads)."""
    return store.acting(row_actor(scope_actor(actor)))


def client_scope(
    store: Store, clock: Clock, actor: access.Actor, client_id: int, action: access.Action
) -> Scope | None:
    """The scope for ``actor`` taking ``action`` on client ``client_id`` (their ``people`` id),
    or None when ``core.access.decide`` says no: not there and not theirs alike."""
    scope = Scope(store, scope_actor(actor), client_id, clock)
    if not access.decide(actor, action, client_facts(scope.store, client_id)):
        return None
    return scope


def allowed_on_client(
    store: Store, actor: access.Actor, client_id: int
) -> frozenset[access.Action]:
    """Every action on client ``client_id`` that ``core.access.decide`` allows ``actor``: what a
    page offers (a link, a button) is asked of the one rule, never worked out again in a
    template. One query for the facts, whatever the number of actions."""
    facts = client_facts(_acting(store, actor), client_id)
    return frozenset(a for a in access.CLIENT_ACTIONS if access.decide(actor, a, facts))


def allowed_on_clients(
    store: Store, actor: access.Actor, client_ids: Iterable[int]
) -> dict[int, frozenset[access.Action]]:
    """``allowed_on_client`` for each of many clients (a list page), in one query."""
    ids = set(client_ids)
    facts = clients_facts(_acting(store, actor), ids)
    return {
        cid: frozenset(a for a in access.CLIENT_ACTIONS if access.decide(actor, a, facts.get(cid)))
        for cid in ids
    }


def practice_scope(
    store: Store, clock: Clock, actor: access.Actor, action: access.Action
) -> Scope | None:
    """The scope for a practice-wide action (no client), or None when the role may not."""
    if not access.decide(actor, action):
        return None
    return Scope(store, scope_actor(actor), None, clock)


async def record_queued(
    store: Store,
    *,
    at: datetime,
    actor_user_id: int | None,
    action: str,
    person_id: int | None,
    what: str,
    address: str | None,
) -> None:
    """``record`` from the event loop: the line goes through the store's one writer and is
    committed, with whatever is queued beside it, before this returns (a web request's write)."""
    entry = access_log.line(
        at=at,
        actor_user_id=actor_user_id,
        action=action,
        person_id=person_id,
        what=what,
        address=address,
    )
    await access_log.append_queued(store, entry)


def record(
    store: Store,
    *,
    at: datetime,
    actor_user_id: int | None,
    action: str,
    person_id: int | None,
    what: str,
    address: str | None,
) -> None:
    """Append one entry to the access log (append-only: the database refuses any change).
    Appended as the system: every request is logged, whoever made it and whatever its actor
    may read (a clinician who has just handed a client on is still logged for it)."""
    access_log.append(
        store.acting(SYSTEM),
        at=at,
        actor_user_id=actor_user_id,
        action=action,
        person_id=person_id,
        what=what,
        address=address,
    )
