"""How fresh the subject's records are: the stamp a cache of today's answer is keyed by (the
web app's; not imported by ``supple.services`` itself, so the terminal never loads it)."""

from __future__ import annotations

from supple.services.scope import Scope
from supple.store.freshness import Stamp, today_stamp

__all__ = ["Stamp", "freshness_stamp"]


def freshness_stamp(scope: Scope) -> Stamp | None:
    """A stamp of everything today's answer is computed from, read in one query (None before
    the subject has a profile): any write to those records changes it."""
    if scope.subject is None:
        return None
    return today_stamp(scope.store, scope.subject)
