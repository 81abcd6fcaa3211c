"""Every record of the subject, out and back in: what the backup export and ``supple import``
read and write, through the store's one dump and restore."""

from __future__ import annotations

import sqlalchemy as sa

from supple.core.errors import InputError
from supple.services.scope import Scope
from supple.store.backup import Counts, Dump, dump, is_empty, restore

__all__ = ["Counts", "Dump", "dump_records", "restore_records"]


def dump_records(scope: Scope) -> Dump:
    """Everything stored for the subject, in a stable order."""
    return dump(scope.store, scope.require_subject())


def restore_records(scope: Scope, data: Dump, source: str, *, merge: bool) -> tuple[int, Counts]:
    """Write ``data`` in one transaction: into an empty database for a new person, or with
    ``merge`` adding only what the subject's records lack. Returns the person's id (the caller
    acts for a new one through ``scope.for_created``) and what was added and kept."""
    if not is_empty(scope.store) and not merge:
        raise InputError(
            "this database already holds data; import into an empty one, or add --merge to "
            "add only what it is missing (your profile and records are kept). Nothing was "
            "imported."
        )
    try:
        return restore(scope.store, data, person_id=scope.subject)
    except sa.exc.IntegrityError as exc:
        raise InputError(
            f"{source} clashes with what the database holds ({exc.orig}). Nothing was imported."
        ) from None
