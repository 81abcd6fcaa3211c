"""Finding an exercise by a loose name, and how long each day of a program takes."""

from __future__ import annotations

import difflib
import re

from supple.core.errors import InputError, NotFound
from supple.core.plan import Exercise, Program
from supple.core.timeline import build


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("’", "'"))


def find_exercise(catalog: dict[str, Exercise] | Program, query: str) -> Exercise:
    """Find an exercise by id or by a loose version of its name ("bird dog", "childs pose")."""
    entries = list((catalog.catalog if isinstance(catalog, Program) else catalog).values())
    wanted = _squash(query)
    if not wanted:
        raise InputError('give part of an exercise\'s name, e.g. `supple exercise "bird dog"`')
    for exact in (e for e in entries if wanted in (_squash(e.id), _squash(e.name))):
        return exact
    partial = [e for e in entries if wanted in _squash(e.name) or wanted in _squash(e.id)]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        listed = ", ".join(e.name for e in partial)
        raise InputError(f"'{query}' matches several exercises: {listed}; be more specific")
    by_name = {_squash(e.name): e for e in entries}
    close = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.6)
    if close:
        return by_name[close[0]]
    raise NotFound(f"no exercise matches '{query}'; `supple exercise` lists them all")


def day_estimates(program: Program) -> dict[int, int]:
    """Each day's estimated seconds, from the same timeline a session walks."""
    return {d.number: build(d.items, program.catalog).total_seconds for d in program.days}
