"""What counts as a session done on a day: one rule for the client's progress page, the clinic's
dashboard and the nightly rollups the dashboard reads, so the three never disagree.

A day is done when any of these is true:

- a *work* step of one of that day's sessions was completed in the player: the get-ready
  countdown, a rest or a switch of sides is time spent, not exercise done;
- a session check-in was given for that day: a session done away from the player and logged;
- an exercise was rated that day: a person rates only what they did.

Before this rule the dashboard counted any completed step after the countdown (a rest too),
and the progress page counted a rating only on a day with no player session at all; both now
ask this function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DayEvidence:
    """What the records of one day say about training: how many work steps were completed,
    session check-ins given and exercises rated."""

    work_steps: int = 0
    session_checkins: int = 0
    ratings: int = 0


def session_done(evidence: DayEvidence) -> bool:
    """Whether the day counts as a session done (module docstring)."""
    return evidence.work_steps > 0 or evidence.session_checkins > 0 or evidence.ratings > 0


def done_days(evidence: Mapping[date, DayEvidence]) -> frozenset[date]:
    """The days among ``evidence`` that count as a session done."""
    return frozenset(day for day, seen in evidence.items() if session_done(seen))


WORK = "work"  # the timeline's step kind of exercise done (``core.timeline.StepKind``)
