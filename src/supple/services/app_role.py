"""Giving the clinic app a PostgreSQL role of its own (``supple clinic grant-app-role``).

The app then connects as a role that owns nothing, so the row-level security the owner's
migrations put on every person-owned table holds every query it makes; the migrations keep
running as the owner (``SUPPLE_MIGRATION_DATABASE_URL``). Only the operator, who holds the
database, may do this.
"""

from __future__ import annotations

from supple.core.errors import InputError
from supple.services.scope import Scope
from supple.store import app_role
from supple.store.app_role import Granted

__all__ = ["Granted", "grant_app_role", "parse_role"]

MAX_ROLE = 63  # PostgreSQL cuts a longer name short, silently


def parse_role(name: str) -> str:
    """A role name as given, refused when PostgreSQL could not keep it as written."""
    if not name or not name.strip():
        raise InputError("the role's name is empty")
    if name != name.strip():
        raise InputError(f"the role's name {name!r} begins or ends with a space")
    if len(name.encode()) > MAX_ROLE:
        raise InputError(
            f"the role's name has {len(name.encode())} bytes; PostgreSQL keeps at most {MAX_ROLE}"
        )
    if "\x00" in name or not name.isprintable():
        raise InputError(f"the role's name {name!r} holds a character that cannot be printed")
    if name.lower().startswith("pg_"):
        raise InputError(f"{name!r}: names beginning with pg_ are PostgreSQL's own")
    return name


def grant_app_role(scope: Scope, role: str) -> Granted:
    """Create (when missing) and grant the app's role; idempotent."""
    if scope.actor.role != "operator":
        raise InputError("only the operator, at the server's terminal, grants the app's role")
    return app_role.grant(scope.store, parse_role(role))
