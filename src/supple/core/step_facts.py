"""A session's steps boiled down to what its records are read for, kept beside its timeline.

A session stores the whole timeline it was started with (cues, names, phases: about 11 KB), so
that a resumed session walks the very same steps. The records (progress, the dashboard, the
history list, the nightly rollups) only ask, of an event's step index: was it a *work* step,
which prescription (item) and set it belonged to, which exercise that was, and whether a fitted
session did that item with less work. Parsing every timeline to answer that was most of the
time a progress page took for a client with a year of sessions; these facts are derived once,
when the session is stored, by ``from_timeline``, the one rule for it.

``work`` is a string with one character per step ("1" a work step, "0" any other) so that SQL
on either database can ask ``substr(work, index + 1, 1) = '1'`` without parsing anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from supple.core.done import WORK

WORK_MARK, OTHER_MARK = "1", "0"


@dataclass(frozen=True)
class StepFacts:
    """Per step index: work or not, its item, set and exercise; and the items a fitted
    session reduced (docs/session-fitting.md), with the fit itself as stored."""

    work: str
    items: tuple[int | None, ...]
    sets: tuple[int | None, ...]
    exercises: tuple[str | None, ...] = ()
    reduced: frozenset[int] = frozenset()
    fit: Mapping[str, Any] | None = None

    def __len__(self) -> int:
        return len(self.work)

    def is_work(self, index: int | None) -> bool:
        return index is not None and 0 <= index < len(self.work) and self.work[index] == WORK_MARK

    def item_of(self, index: int | None) -> int | None:
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    def exercise_of(self, index: int | None, *, work_only: bool = True) -> str | None:
        """The exercise of step ``index``; None for an index the timeline never had, or (unless
        ``work_only`` is False) for a step that is not work."""
        if work_only and not self.is_work(index):
            return None
        if index is None or not 0 <= index < len(self.exercises):
            return None
        return self.exercises[index]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def from_timeline(timeline: Any) -> StepFacts:
    """The facts of a stored timeline (``core.timeline.to_json``'s shape, plus the ``fit`` a
    fitted session carries). Anything malformed tells nothing rather than failing: a step that
    is not a mapping is "not work, no item", an item without an exercise has none."""
    data = timeline if isinstance(timeline, Mapping) else {}
    steps = data.get("steps")
    steps = steps if isinstance(steps, list) else []
    work, items, sets, exercises = [], [], [], []
    for step in steps:
        step = step if isinstance(step, Mapping) else {}
        work.append(WORK_MARK if step.get("kind") == WORK else OTHER_MARK)
        items.append(_int(step.get("item")))
        sets.append(_int(step.get("set_no")))
        exercise = step.get("exercise_id")
        exercises.append(exercise if isinstance(exercise, str) else None)
    fit = data.get("fit")
    fit = fit if isinstance(fit, Mapping) else None
    changes = fit.get("changes") if fit is not None else None
    reduced = frozenset(
        c["item"]
        for c in (changes if isinstance(changes, list) else [])
        if isinstance(c, Mapping) and c.get("reduces_work") and _int(c.get("item")) is not None
    )
    return StepFacts("".join(work), tuple(items), tuple(sets), tuple(exercises), reduced, fit)


def to_json(facts: StepFacts) -> dict[str, Any]:
    """The facts as stored (``sessions.step_facts``; ``work`` has a column of its own). Each
    exercise id is written once, and each step says which by its place in that list."""
    names = list(dict.fromkeys(e for e in facts.exercises if e is not None))
    place = {name: i for i, name in enumerate(names)}
    return {
        "items": list(facts.items),
        "sets": list(facts.sets),
        "names": names,
        "exercises": [None if e is None else place[e] for e in facts.exercises],
        "reduced": sorted(facts.reduced),
        "fit": dict(facts.fit) if facts.fit is not None else None,
    }


def from_json(work: str, data: Mapping[str, Any]) -> StepFacts:
    """Facts as ``to_json`` stored them, with the ``work`` column beside them (only this
    module writes them, so their shape is trusted: this runs once per session on a progress
    page)."""
    names = data.get("names") or []
    return StepFacts(
        work=work,
        items=tuple(data.get("items", ())),
        sets=tuple(data.get("sets", ())),
        exercises=tuple(None if i is None else names[i] for i in data.get("exercises", ())),
        reduced=frozenset(data.get("reduced") or ()),
        fit=data.get("fit"),
    )
