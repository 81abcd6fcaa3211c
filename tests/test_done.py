"""What counts as a session done on a day (core/done.py): one rule for the progress page, the
dashboard and the nightly rollups."""

from __future__ import annotations

from datetime import date

import pytest

from supple.core.done import DayEvidence, done_days, session_done


@pytest.mark.parametrize(
    ("evidence", "done"),
    [
        (DayEvidence(), False),  # nothing recorded
        (DayEvidence(work_steps=1), True),  # one work step completed in the player
        (DayEvidence(session_checkins=1), True),  # a session done away from the player, logged
        (DayEvidence(ratings=1), True),  # an exercise rated: a person rates what they did
        (DayEvidence(work_steps=0, session_checkins=0, ratings=0), False),
        (DayEvidence(work_steps=3, session_checkins=1, ratings=5), True),
    ],
)
def test_a_day_is_done_by_a_work_step_a_session_check_in_or_a_rating(
    evidence: DayEvidence, done: bool
) -> None:
    assert session_done(evidence) is done


def test_done_days_keeps_only_the_days_whose_evidence_counts() -> None:
    evidence = {
        date(2026, 12, 1): DayEvidence(work_steps=2),
        date(2026, 12, 2): DayEvidence(),
        date(2026, 12, 3): DayEvidence(ratings=1),
    }
    assert done_days(evidence) == {date(2026, 12, 1), date(2026, 12, 3)}
