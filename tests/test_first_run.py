"""Where a first run stands is read from the stored data (``services.first_run_step``): the
screen, a clearance when a "yes" needs one, the baseline, then when the person trains."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from supple import services
from supple.core.safety import QUESTIONS
from supple.services import Scope
from supple.store.database import Store, open_store
from tests.conftest import BASELINE_PSFS, local_scope

NO = {q.id: False for q in QUESTIONS}
INJURY = {**NO, "injury": True}
DAY = date(2026, 11, 2)


@pytest.fixture
def store(tmp_path: object) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path}/first.db")
    yield opened
    opened.dispose()


def _scope(store: Store) -> Scope:
    return local_scope(store, services.PinnedDay(DAY))


def _profile(chosen: bool) -> Callable[[Scope], None]:
    def make(scope: Scope) -> None:
        services.init_profile(
            scope,
            start_date=DAY,
            session_time=None,
            timezone="Europe/Paris",
            plan_path=None,
            schedule_chosen=chosen,
        )

    return make


def _screen(answers: dict[str, bool]) -> Callable[[Scope], None]:
    def answer(scope: Scope) -> None:
        services.record_screen(scope, answers)

    return answer


def _baseline(scope: Scope) -> None:
    services.record_week(scope, DAY, pain=4, psfs=BASELINE_PSFS)


def _cleared(scope: Scope) -> None:
    services.record_clearance(scope, DAY)


def _chosen(scope: Scope) -> None:
    services.init_profile(
        scope, start_date=DAY, session_time="18:15", timezone=None, plan_path=None
    )


CASES = [
    ("a profile made by the browser, nothing answered", [_profile(False)], "screen"),
    ("screened clear, no baseline yet", [_profile(False), _screen(NO)], "baseline"),
    ("a yes not yet cleared holds the run", [_profile(False), _screen(INJURY)], "clearance"),
    ("a yes answered again as no still holds", [_profile(False), _screen(INJURY), _screen(NO)],
     "clearance"),
    ("a cleared yes moves on to the baseline", [_profile(False), _screen(INJURY), _cleared],
     "baseline"),
    ("a baseline and no schedule yet", [_profile(False), _screen(NO), _baseline], "when"),
    ("everything answered", [_profile(False), _screen(NO), _baseline, _chosen], None),
    ("supple init chose the schedule; the baseline is still owed",
     [_profile(True), _screen(NO)], "baseline"),
    ("supple init, screened and a baseline", [_profile(True), _screen(NO), _baseline], None),
    ("a yes after the first run is the gate's, not a first-run step",
     [_profile(True), _screen(NO), _baseline, _screen(INJURY)], None),
]  # fmt: skip


@pytest.mark.parametrize(("_title", "steps", "owed"), CASES, ids=[c[0] for c in CASES])
def test_the_step_owed_is_read_from_what_is_stored(
    store: Store, _title: str, steps: list[Callable[[Scope], None]], owed: str | None
) -> None:
    for step in steps:
        step(_scope(store))
    assert services.first_run_step(_scope(store)) == owed


def test_nobody_yet_owes_the_screen(store: Store) -> None:
    assert services.first_run_step(_scope(store)) == "screen"


def test_a_chosen_schedule_stays_chosen_when_the_profile_changes_again(store: Store) -> None:
    _profile(False)(_scope(store))
    _chosen(_scope(store))
    services.init_profile(
        _scope(store), start_date=None, session_time=None, timezone=None, plan_path=None,
        schedule_chosen=False,
    )  # fmt: skip
    assert services.get_profile(_scope(store)).schedule_chosen
