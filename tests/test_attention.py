"""The needs-attention rules (core.attention), case by case: each kind when it opens, when it
does not, and since when; acknowledgements that hold and a later start that is a new item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from supple.core import attention
from supple.core.attention import Ack, Flag, Rating, Record
from supple.core.safety import QUESTIONS

START = date(2026, 11, 2)  # a Monday: program weeks run Monday to Sunday
EVERY_DAY = frozenset(START + timedelta(days=i) for i in range(60))


def d(n: int) -> date:
    """Day ``n`` of the program (1 is the start)."""
    return START + timedelta(days=n - 1)


def days(first: int, last: int) -> frozenset[date]:
    return frozenset(d(n) for n in range(first, last + 1))


@dataclass(frozen=True)
class Run:
    answered_at: datetime
    answers: dict[str, bool]


@dataclass(frozen=True)
class Cleared:
    cleared_on: date
    recorded_at: datetime


def at(n: int, hour: int = 8) -> datetime:
    day = d(n)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


NO = {q.id: False for q in QUESTIONS}
YES_URGENT = {**NO, "bladder-bowel": True}
YES_CLINICIAN = {**NO, "injury": True}


def record(**changes: object) -> Record:
    base: dict[str, object] = dict(
        start=START, scheduled=EVERY_DAY, session_days=days(1, 40), last_session=d(40)
    )
    base.update(changes)
    return Record(**base)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    name: str
    record: Record
    today: date
    since: str | None  # None: no item of the kind
    words: tuple[str, ...] = field(default=())


def check(kind: attention.Kind, case: Case) -> None:
    flag = attention.RULES[kind](case.record, case.today)
    if case.since is None:
        assert flag is None, flag
        return
    assert flag is not None
    assert (flag.kind, flag.since) == (kind, case.since)
    for word in case.words:
        assert word in flag.reason


RED_FLAG = [
    Case("a clear screen opens nothing", record(screens=[Run(at(1), NO)]), d(5), None),
    Case(
        "a yes waiting for a clearance opens an item from its moment",
        record(screens=[Run(at(1), NO), Run(at(3, 9), YES_CLINICIAN)]),
        d(5),
        "2026-11-04T09:00:00+00:00",
        ("significant injury", "clearance"),
    ),
    Case(
        "an emergency sign says so",
        record(screens=[Run(at(3), YES_URGENT)]),
        d(5),
        "2026-11-04T08:00:00+00:00",
        ("emergency care",),
    ),
    Case(
        "a clearance recorded after the yes closes it",
        record(screens=[Run(at(3), YES_CLINICIAN)], clearances=[Cleared(d(4), at(4))]),
        d(5),
        None,
    ),
    Case(
        "a clearance recorded before the yes does not",
        record(screens=[Run(at(3), YES_CLINICIAN)], clearances=[Cleared(d(2), at(2))]),
        d(5),
        "2026-11-04T08:00:00+00:00",
    ),
    Case(
        "a new yes after a clearance is a new item with its own moment",
        record(
            screens=[Run(at(3), YES_CLINICIAN), Run(at(4, 15), YES_URGENT)],
            clearances=[Cleared(d(4), at(4, 10))],
        ),
        d(5),
        "2026-11-05T15:00:00+00:00",
    ),
    Case(
        "the oldest uncleared yes gives the since",
        record(screens=[Run(at(3), YES_CLINICIAN), Run(at(4), YES_URGENT)]),
        d(5),
        "2026-11-04T08:00:00+00:00",
    ),
    Case(
        "a client without a profile is still screened",
        Record(start=None, screens=[Run(at(3), YES_CLINICIAN)]),
        d(5),
        "2026-11-04T08:00:00+00:00",
    ),
]


@pytest.mark.parametrize("case", RED_FLAG, ids=lambda c: c.name)
def test_red_flag(case: Case) -> None:
    check("red_flag", case)


PAIN_STOP = [
    Case("ratings below 8 stop nothing", record(ratings=[Rating(d(3), "Bird-Dog", 7)]), d(5), None),
    Case(
        "a rating of 8 is a stop, on its day",
        record(ratings=[Rating(d(3), "Bird-Dog", 8)]),
        d(5),
        "2026-11-04",
        ("Bird-Dog 8/10", "Wed 4 Nov"),
    ),
    Case(
        "a top rating appears on the day itself",
        record(ratings=[Rating(d(5), "Bird-Dog", 10)]),
        d(5),
        "2026-11-06",
        ("10/10",),
    ),
    Case(
        "sharp pain is a stop whatever its number",
        record(ratings=[Rating(d(3), "Bird-Dog", 3, "sharp")]),
        d(5),
        "2026-11-04",
        ("(sharp)",),
    ),
    Case(
        "tingling without a number is a stop",
        record(ratings=[Rating(d(3), "Bird-Dog", None, "tingling")]),
        d(5),
        "2026-11-04",
        ("tingling pain",),
    ),
    Case(
        "the newest stop is the item",
        record(ratings=[Rating(d(2), "Bridge", 9), Rating(d(4), "Bird-Dog", 8)]),
        d(5),
        "2026-11-05",
        ("Bird-Dog",),
    ),
    Case(
        "a stop two weeks old has left the queue",
        record(ratings=[Rating(d(1), "Bird-Dog", 9)]),
        d(15),
        None,
    ),
    Case(
        "a stop 13 days old is still there",
        record(ratings=[Rating(d(2), "Bird-Dog", 9)]),
        d(15),
        "2026-11-03",
    ),
]


@pytest.mark.parametrize("case", PAIN_STOP, ids=lambda c: c.name)
def test_pain_stop(case: Case) -> None:
    check("pain_stop", case)


PAIN_UNSETTLED = [
    Case("steady mornings open nothing", record(mornings={d(3): 3, d(4): 4, d(5): 3}), d(6), None),
    Case(
        "a morning above 5 opens an item (rule 3)",
        record(mornings={d(3): 3, d(4): 6}),
        d(6),
        "2026-11-05",
        ("6/10", "above 5"),
    ),
    Case(
        "a morning 2 points above the one before opens an item",
        record(mornings={d(3): 2, d(4): 4}),
        d(6),
        "2026-11-05",
        ("2 points above",),
    ),
    Case(
        "a rise of 1 point does not",
        record(mornings={d(3): 3, d(4): 4}),
        d(6),
        None,
    ),
    Case(
        "the item closes after the 7 days rule 3 pauses for",
        record(mornings={d(3): 3, d(4): 6}),
        d(11),
        None,
    ),
    Case(
        "bad mornings within 7 days of each other are one item, since the first",
        record(mornings={d(2): 7, d(3): 3, d(8): 7}),
        d(10),
        "2026-11-03",
    ),
    Case(
        "a bad morning after a quiet week is a new item",
        record(mornings={d(2): 7, d(3): 3, d(11): 7}),
        d(12),
        "2026-11-12",
    ),
    Case(
        "pain not settled the morning after a stop (rule 2) opens an item",
        record(ratings=[Rating(d(3), "Bird-Dog", 8)], mornings={d(3): 3, d(4): 4}),
        d(5),
        "2026-11-05",
        ("not settled", "Wed 4 Nov"),
    ),
    Case(
        "pain back in the safe zone the morning after a stop does not",
        record(ratings=[Rating(d(3), "Bird-Dog", 8)], mornings={d(3): 3, d(4): 2}),
        d(5),
        None,
    ),
    Case(
        "no morning check-in after a stop opens an item once that morning is over",
        record(ratings=[Rating(d(3), "Bird-Dog", 8)]),
        d(5),
        "2026-11-05",
        ("no morning check-in",),
    ),
    Case(
        "the morning after a stop is awaited on that day itself",
        record(ratings=[Rating(d(3), "Bird-Dog", 8)]),
        d(4),
        None,
    ),
]


@pytest.mark.parametrize("case", PAIN_UNSETTLED, ids=lambda c: c.name)
def test_pain_unsettled(case: Case) -> None:
    check("pain_unsettled", case)


def week_of(first_day: int, pain: int) -> dict[date, int]:
    return {d(n): pain for n in range(first_day, first_day + 7)}


PAIN_RISING = [
    Case(
        "a week 1 point above the week before opens an item the day after it",
        record(mornings={**week_of(1, 2), **week_of(8, 3)}),
        d(16),
        "2026-11-16",
        ("3.0/10", "1.0 above"),
    ),
    Case(
        "a rise under 1 point does not",
        record(mornings={**week_of(1, 2), **week_of(8, 2), d(14): 8}),
        d(16),
        None,
    ),
    Case(
        "a week without mornings says nothing",
        record(mornings=week_of(8, 5)),
        d(16),
        None,
    ),
    Case(
        "the week in progress does not count yet",
        record(mornings={**week_of(1, 2), **week_of(8, 2), d(15): 9}),
        d(17),
        None,
    ),
    Case(
        "weeks rising in a row are one item, since the first",
        record(mornings={**week_of(1, 1), **week_of(8, 2), **week_of(15, 3)}),
        d(23),
        "2026-11-16",
    ),
    Case(
        "after a week that did not rise, the item closes",
        record(mornings={**week_of(1, 1), **week_of(8, 3), **week_of(15, 3)}),
        d(23),
        None,
    ),
    Case("before two whole weeks nothing is compared", record(mornings=week_of(1, 2)), d(10), None),
]


@pytest.mark.parametrize("case", PAIN_RISING, ids=lambda c: c.name)
def test_pain_rising(case: Case) -> None:
    check("pain_rising", case)


ADHERENCE_DROP = [
    Case(
        "every session done opens nothing",
        record(session_days=days(1, 20), last_session=d(20)),
        d(21),
        None,
    ),
    Case(
        "7 of 7 then 4 of 6 (33 points) opens an item",
        record(session_days=days(1, 14) | days(15, 19), last_session=d(19)),
        d(22),
        "2026-11-23",
        ("4 of 6", "67 %", "7 of 7", "100 %"),
    ),
    Case(
        "7 of 7 then 6 of 7 (14 points) does not",
        record(session_days=days(1, 14) | days(15, 20), last_session=d(20)),
        d(22),
        None,
    ),
    Case(
        "exactly 20 points below opens an item",
        record(
            scheduled=days(1, 10) | days(12, 16),
            session_days=days(1, 10) | days(12, 15),
            last_session=d(15),
        ),
        d(18),
        "2026-11-18",
    ),
    Case(
        "the drop holds since the first day of its run",
        record(session_days=days(1, 14) | days(15, 16), last_session=d(16)),
        d(21),
        "2026-11-20",
    ),
    Case(
        "today does not count until it is done",
        record(session_days=days(1, 14), last_session=d(14)),
        d(15),
        None,
    ),
    Case(
        "nothing planned the week before: no comparison",
        record(scheduled=days(8, 30), session_days=days(8, 9), last_session=d(9)),
        d(14),
        None,
    ),
    Case("no profile yet: no adherence", Record(start=None), d(14), None),
]


@pytest.mark.parametrize("case", ADHERENCE_DROP, ids=lambda c: c.name)
def test_adherence_drop(case: Case) -> None:
    check("adherence_drop", case)


INACTIVE = [
    Case(
        "a session two days ago is not yet inactive",
        record(session_days=days(1, 8), last_session=d(8)),
        d(11),
        None,
    ),
    Case(
        "three whole days without a session open an item from the first of them",
        record(session_days=days(1, 8), last_session=d(8)),
        d(12),
        "2026-11-10",
        ("3 days", "Mon 9 Nov"),
    ),
    Case(
        "the item keeps its since while the gap grows",
        record(session_days=days(1, 8), last_session=d(8)),
        d(20),
        "2026-11-10",
        ("11 days",),
    ),
    Case(
        "no session since the start counts from the start",
        record(session_days=frozenset(), last_session=None),
        d(4),
        "2026-11-02",
        ("No session yet",),
    ),
    Case(
        "a session today ends it",
        record(session_days=days(1, 3) | {d(12)}, last_session=d(12)),
        d(12),
        None,
    ),
    Case(
        "a last session older than the records read still counts",
        record(session_days=frozenset(), last_session=d(1) - timedelta(days=90)),
        d(2),
        (d(1) - timedelta(days=89)).isoformat(),
    ),
    Case("no profile yet: nothing to miss", Record(start=None), d(12), None),
]


@pytest.mark.parametrize("case", INACTIVE, ids=lambda c: c.name)
def test_inactive(case: Case) -> None:
    check("inactive", case)


def test_the_kinds_come_most_urgent_first_and_each_once() -> None:
    busy = record(
        screens=[Run(at(3), YES_CLINICIAN)],
        ratings=[Rating(d(10), "Bird-Dog", 9)],
        mornings={d(10): 2, d(11): 7},
        session_days=days(1, 10),
        last_session=d(10),
    )
    kinds = [f.kind for f in attention.flags(busy, d(15))]
    assert kinds == ["red_flag", "pain_stop", "pain_unsettled", "adherence_drop", "inactive"]
    assert attention.flags(record(), d(41)) == []


ITEM = Flag("inactive", "No session for 3 days: the last was on Mon 9 Nov.", "2026-11-10")


def test_an_acknowledged_item_stays_acknowledged() -> None:
    ack = Ack("inactive", "2026-11-10", "Dr Lee", at(13))
    waiting, seen = attention.split([ITEM], [ack])
    assert waiting == []
    assert seen == [(ITEM, ack)]


def test_the_same_kind_starting_again_later_is_a_new_item() -> None:
    old = Ack("inactive", "2026-11-03", "Dr Lee", at(5))
    waiting, seen = attention.split([ITEM], [old])
    assert waiting == [ITEM]
    assert seen == []


def test_an_acknowledgement_of_another_kind_does_not_count() -> None:
    other = Ack("pain_stop", "2026-11-10", "Dr Lee", at(13))
    assert attention.split([ITEM], [other]) == ([ITEM], [])


def test_the_since_of_an_open_condition_stays_put_day_after_day() -> None:
    gap = record(session_days=days(1, 8), last_session=d(8))
    found = [attention.inactive(gap, d(n)) for n in range(12, 30)]
    assert all(found)
    assert {f.since for f in found if f} == {"2026-11-10"}


def test_the_pain_trend_covers_two_weeks_with_gaps() -> None:
    trend = attention.pain_trend({d(1): 3, d(14): 5}, d(14))
    assert len(trend) == 14
    assert trend[0] == 3 and trend[-1] == 5 and trend[1:-1] == [None] * 12


@pytest.mark.parametrize(
    ("done", "planned", "expected"), [(0, 0, None), (0, 3, 0), (2, 3, 67), (5, 5, 100)]
)
def test_shares_are_whole_percentages(done: int, planned: int, expected: int | None) -> None:
    assert attention.share(done, planned) == expected
