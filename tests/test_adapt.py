"""The adaptation rules of CLINICAL.md §2, case by case, and a scripted four-week month."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from supple import planfile
from supple.core.adapt import (
    Adaptation,
    History,
    Morning,
    Rating,
    adapt,
    dose_at,
    work_seconds,
)
from supple.core.plan import Day, Dose, Prescription, Program

START = date(2026, 11, 2)  # a Monday: day 1 of week 1
BUNDLED = planfile.bundled_program()


def d(day: int) -> date:
    """Day ``day`` counted from 1 November 2026 (so 33 is 3 December)."""
    return date(2026, 11, 1) + timedelta(days=day - 1)


def level_text(plan: Dose, steps: int) -> str:
    level = dose_at(plan, steps)
    return f"{level.variant} at {level.dose.describe()}" if level.variant else level.dose.describe()


BIRD_DOG = Dose(sets=3, reps=10, per="side")
HOLD = Dose(hold_seconds=30, per="side")
BRIDGE = Dose(sets=3, hold_seconds=30)
SHORT_HOLD = Dose(hold_seconds=20)
FOAM = Dose(duration_seconds=300)
WALK = Dose(duration_seconds=900, duration_max_seconds=1200)
SPLIT = Dose(sets=3, reps=8, per="leg")
CLAMS = Dose(sets=3, reps=15, per="side")


@pytest.mark.parametrize(
    ("plan", "steps", "expected"),
    [
        # the worked example of CLINICAL.md: regressions from 3 × 10
        (BIRD_DOG, -1, "3 × 8 reps per side"),
        (BIRD_DOG, -2, "3 × 6 reps per side"),
        (BIRD_DOG, -3, "2 × 6 reps per side"),
        (BIRD_DOG, -4, "1 × 6 reps per side"),
        (BIRD_DOG, -5, "easier at 3 × 10 reps per side"),
        (BIRD_DOG, -9, "easier at 3 × 10 reps per side"),
        # ... and progressions
        (BIRD_DOG, 1, "3 × 12 reps per side"),
        (BIRD_DOG, 5, "3 × 20 reps per side"),
        (BIRD_DOG, 6, "harder at 3 × 10 reps per side"),
        (BIRD_DOG, 8, "harder at 3 × 10 reps per side"),
        # reps floor at 5: 7 → 5, and 5 cannot lose 2 more
        (CLAMS, -5, "3 × 5 reps per side"),
        (CLAMS, -6, "2 × 5 reps per side"),
        (CLAMS, 2, "3 × 19 reps per side"),
        (CLAMS, 3, "harder at 3 × 15 reps per side"),
        (SPLIT, -2, "2 × 6 reps per leg"),
        # holds: −5 s down to 10 s, +5 s up to 60 s
        (HOLD, -1, "hold 25 s per side"),
        (HOLD, -4, "hold 10 s per side"),
        (HOLD, -5, "easier at hold 30 s per side"),
        (HOLD, 6, "hold 60 s per side"),
        (HOLD, 7, "harder at hold 30 s per side"),
        (SHORT_HOLD, -2, "hold 10 s"),
        (SHORT_HOLD, -3, "easier at hold 20 s"),
        # holds in sets: the seconds first, then the sets
        (BRIDGE, -4, "3 × 10 s"),
        (BRIDGE, -5, "2 × 10 s"),
        (BRIDGE, -6, "hold 10 s"),
        (BRIDGE, -7, "easier at 3 × 30 s"),
        # timed work: 20 % of the plan's minutes, floor 50 %, cap 150 %
        (FOAM, -1, "4 min"),
        (FOAM, -2, "3 min"),
        (FOAM, -3, "easier at 5 min"),
        (FOAM, 2, "7 min"),
        (FOAM, 3, "harder at 5 min"),
        (WALK, -2, "9–12 min"),
        (WALK, -3, "easier at 15–20 min"),
        (WALK, 2, "21–28 min"),
    ],
)
def test_each_step_follows_the_ladder_of_clinical_rules(
    plan: Dose, steps: int, expected: str
) -> None:
    assert level_text(plan, steps) == expected


def test_progressing_from_fewer_sets_adds_a_set_before_anything_else() -> None:
    # 2 × 6 is three steps down; one step up restores the third set (progression (a))
    assert dose_at(BIRD_DOG, -2).dose == Dose(sets=3, reps=6, per="side")


def test_work_seconds_count_every_set_side_and_rep() -> None:
    exercise = BUNDLED.exercise("bird-dog")
    assert work_seconds(BIRD_DOG, exercise) == 3 * 10 * exercise.tempo_seconds * 2


# --- the rules over a history -----------------------------------------------------------------


def program_every_day(*items: Prescription) -> Program:
    """The same session on all seven days, so two sessions are two consecutive days."""
    days = tuple(Day(n, f"Day {n}", "test", tuple(items)) for n in range(1, 8))
    return Program("test", 4, days, BUNDLED.catalog)


DAILY = program_every_day(
    Prescription("bird-dog", BIRD_DOG), Prescription("childs-pose", Dose(hold_seconds=30))
)


def history(
    ratings: dict[tuple[int, str], Rating] | None = None,
    mornings: dict[int, tuple[int, int]] | None = None,
    sessions: dict[int, tuple[set[str], int]] | None = None,
) -> History:
    """Days are November 2026 day numbers; sessions map a day to (exercises done, effort)."""
    sessions = sessions or {}
    return History(
        mornings={d(k): Morning(*v) for k, v in (mornings or {}).items()},
        ratings={(d(k), ex): r for (k, ex), r in (ratings or {}).items()},
        efforts={d(k): effort for k, (_, effort) in sessions.items()},
        done={d(k): frozenset(done) for k, (done, _) in sessions.items()},
    )


def bird(on: int, h: History, program: Program = DAILY) -> str:
    result = adapt(program, START, h, d(on))
    item = next(i for day in program.days for i in day.items if i.exercise_id == "bird-dog")
    adapted = result.adapted(item)
    variant = f"{adapted.variant.name} at " if adapted.variant else ""
    return variant + adapted.dose.describe()


BD = {"bird-dog"}


def easy(
    *days: int, effort: int = 4, pain: int = 1, mornings: dict[int, tuple[int, int]] | None = None
) -> History:
    """Bird-Dog done and rated ``pain`` on each of ``days``, at session effort ``effort``."""
    return history(
        {(k, "bird-dog"): Rating(pain) for k in days},
        mornings,
        {k: (BD, effort) for k in days},
    )


RULE_CASES: list[tuple[str, History, int, str]] = [
    (
        "rule 1: a 6 regresses from the next day",
        history({(3, "bird-dog"): Rating(6)}),
        4,
        "3 × 8 reps per side",
    ),
    (
        "rule 1: not on the day itself",
        history({(3, "bird-dog"): Rating(6)}),
        3,
        "3 × 10 reps per side",
    ),
    ("rule 1: a 5 is acceptable", history({(3, "bird-dog"): Rating(5)}), 4, "3 × 10 reps per side"),
    (
        "rule 1: the hurt flag regresses even at pain 3",
        history({(3, "bird-dog"): Rating(3, hurt=True)}),
        4,
        "3 × 8 reps per side",
    ),
    (
        "rule 2: pain 8 regresses too",
        history({(3, "bird-dog"): Rating(8)}),
        4,
        "3 × 8 reps per side",
    ),
    (
        "rule 2: tingling pain regresses even at 2",
        history({(3, "bird-dog"): Rating(2, quality="tingling")}),
        4,
        "3 × 8 reps per side",
    ),
    (
        "rule 1 twice: two steps",
        history({(3, "bird-dog"): Rating(7), (4, "bird-dog"): Rating(6)}),
        5,
        "3 × 6 reps per side",
    ),
    ("rule 1 carries forward", history({(3, "bird-dog"): Rating(7)}), 25, "3 × 8 reps per side"),
    (
        "rule 3: morning above 5 regresses yesterday's session",
        history(mornings={4: (6, 3)}, sessions={3: (BD, 4)}),
        5,
        "3 × 8 reps per side",
    ),
    (
        "rule 3: a morning of exactly 5 with no jump changes nothing",
        history(mornings={3: (4, 3), 4: (5, 3)}, sessions={3: (BD, 4)}),
        5,
        "3 × 10 reps per side",
    ),
    (
        "rule 3: two points above the morning before",
        history(mornings={3: (2, 3), 4: (4, 3)}, sessions={3: (BD, 4)}),
        5,
        "3 × 8 reps per side",
    ),
    (
        "rule 3: exercises not done yesterday stay",
        history(mornings={4: (7, 3)}, sessions={3: ({"childs-pose"}, 4)}),
        5,
        "3 × 10 reps per side",
    ),
    (
        "rule 1 and rule 3 on the same exercise: two steps",
        history({(3, "bird-dog"): Rating(6)}, mornings={4: (6, 3)}, sessions={3: (BD, 4)}),
        5,
        "3 × 6 reps per side",
    ),
    ("rule 5: two easy sessions progress", easy(3, 4), 5, "3 × 12 reps per side"),
    (
        "rule 5: one easy session is not enough",
        easy(3),
        5,
        "3 × 10 reps per side",
    ),
    (
        "rule 5: effort 6 does not earn",
        easy(3, 4, effort=6),
        5,
        "3 × 10 reps per side",
    ),
    (
        "rule 5: pain 3 does not earn",
        easy(3, 4, pain=3),
        5,
        "3 × 10 reps per side",
    ),
    (
        "rule 5: the count restarts after a step",
        easy(3, 4, 5),
        6,
        "3 × 12 reps per side",
    ),
    (
        "rule 5: four easy sessions, two steps",
        easy(3, 4, 5, 6),
        7,
        "3 × 14 reps per side",
    ),
    (
        "rule 5: a session in between rated 3 breaks the pair",
        history(
            {(3, "bird-dog"): Rating(1), (4, "bird-dog"): Rating(3), (5, "bird-dog"): Rating(1)},
            sessions={3: (BD, 4), 4: (BD, 4), 5: (BD, 4)},
        ),
        6,
        "3 × 10 reps per side",
    ),
    (
        "rule 5: a skipped exercise's session does not count",
        history(
            {(3, "bird-dog"): Rating(1), (4, "bird-dog"): Rating(1)},
            sessions={3: (BD, 4), 4: ({"childs-pose"}, 4)},
        ),
        5,
        "3 × 10 reps per side",
    ),
    (
        "rule 5: no rating, no progression",
        history(sessions={3: (BD, 4), 4: (BD, 4)}),
        5,
        "3 × 10 reps per side",
    ),
    (
        "rule 5 after rule 1: the regression restarts the count",
        history(
            {(3, "bird-dog"): Rating(1), (4, "bird-dog"): Rating(7), (5, "bird-dog"): Rating(1)},
            sessions={3: (BD, 4), 4: (BD, 4), 5: (BD, 4)},
        ),
        6,
        "3 × 8 reps per side",
    ),
    (
        "rule 5 paused by rule 3 for seven days",
        history(
            {(5, "bird-dog"): Rating(1), (6, "bird-dog"): Rating(1)},
            mornings={4: (7, 3)},
            sessions={5: (BD, 4), 6: (BD, 4)},
        ),
        7,
        "3 × 10 reps per side",
    ),
    (
        "rule 5 works again after the rule-3 pause ends",
        history(
            {(k, "bird-dog"): Rating(1) for k in (11, 12)},
            mornings={4: (7, 3)},
            sessions={11: (BD, 4), 12: (BD, 4)},
        ),
        13,
        "3 × 12 reps per side",
    ),
]


@pytest.mark.parametrize(
    ("history_", "on", "expected"),
    [pytest.param(h, on, e, id=name) for name, h, on, e in RULE_CASES],
)
def test_each_rule_moves_bird_dog_as_clinical_md_says(
    history_: History, on: int, expected: str
) -> None:
    assert bird(on, history_) == expected


def test_regressing_past_the_easier_variant_says_plainly_that_nothing_changes() -> None:
    h = history({(k, "bird-dog"): Rating(7) for k in range(2, 9)})
    result = adapt(DAILY, START, h, d(9))
    sentences = [result.sentence(c) for c in result.changes]
    assert sentences[4] == (
        "Bird-Dog Exercise: 1 × 6 reps per side → easier version “Arm-Only or Leg-Only Reach” "
        "at 3 × 10 reps per side — you rated it 7/10 on Friday (rule 1)"
    )
    assert sentences[5].startswith(
        "Bird-Dog Exercise: already at its easiest version, so no change — you rated it 7/10"
    )
    assert result.steps["bird-dog"] == -5


def test_progressing_past_twenty_reps_switches_to_the_harder_variant_then_holds() -> None:
    h = easy(*range(2, 60))
    result = adapt(DAILY, START, h, d(60))
    item = DAILY.days[0].items[0]
    adapted = result.adapted(item)
    assert adapted.variant == BUNDLED.exercise("bird-dog").harder
    assert adapted.dose == BIRD_DOG
    assert result.steps["bird-dog"] == 6


def test_a_change_is_explained_in_a_sentence_naming_the_rule() -> None:
    result = adapt(DAILY, START, history({(3, "bird-dog"): Rating(7)}), d(4))
    adapted = result.adapted(DAILY.days[0].items[0])
    assert adapted.reason == (
        "Bird-Dog Exercise: 3 × 10 → 3 × 8 reps per side — you rated it 7/10 on Tuesday (rule 1)"
    )


def test_an_unchanged_dose_has_no_reason() -> None:
    result = adapt(DAILY, START, history(), d(10))
    assert result.adapted(DAILY.days[0].items[1]).reason is None


def test_steps_apply_to_every_prescription_of_the_exercise() -> None:
    # Hip Flexor Stretch is on days 4 and 6 of the bundled plan: both move together
    h = history({(5, "hip-flexor-stretch"): Rating(7)})
    result = adapt(BUNDLED, START, h, d(6))
    day4, day6 = BUNDLED.day(4), BUNDLED.day(6)
    for day in (day4, day6):
        item = next(i for i in day.items if i.exercise_id == "hip-flexor-stretch")
        assert result.adapted(item).dose.hold_seconds == 25


def test_rule_4_pauses_progression_for_the_next_week() -> None:
    mornings = {k: (2, 3) for k in range(2, 9)} | {k: (3, 3) for k in range(9, 16)}
    h = easy(16, 17, mornings=mornings)
    result = adapt(DAILY, START, h, d(18))
    assert result.steps.get("bird-dog", 0) == 0
    assert [p.rule for p in result.pauses] == ["4"]
    assert result.pauses[0].start == d(16) and result.pauses[0].end == d(22)


def test_rule_4_needs_a_full_point_rise() -> None:
    mornings = {k: (2, 3) for k in range(2, 9)} | {k: (3, 3) for k in range(9, 15)}
    mornings[15] = (2, 3)  # week 2 averages 2.86, 0.86 above week 1
    h = easy(16, 17, mornings=mornings)
    assert adapt(DAILY, START, h, d(18)).steps["bird-dog"] == 1


def test_rule_4_also_watches_stiffness() -> None:
    mornings = {k: (2, 3) for k in range(2, 9)} | {k: (2, 4) for k in range(9, 16)}
    h = easy(16, 17, mornings=mornings)
    assert adapt(DAILY, START, h, d(18)).steps.get("bird-dog", 0) == 0


def test_a_progression_breaking_the_twenty_percent_weekly_limit_waits() -> None:
    solo = program_every_day(Prescription("bird-dog", BIRD_DOG))
    h = easy(*range(2, 16))
    # earned on the 3rd, 5th and 7th; the third step, from the 8th, would make week 2 more
    # than 20 % longer than week 1, so it waits until the 14th; the next one until the 18th
    assert [bird(k, h, solo) for k in (4, 6, 8, 13, 14, 17, 18)] == [
        "3 × 12 reps per side",
        "3 × 14 reps per side",
        "3 × 14 reps per side",
        "3 × 14 reps per side",
        "3 × 16 reps per side",
        "3 × 16 reps per side",
        "3 × 18 reps per side",
    ]
    result = adapt(solo, START, h, d(14))
    assert "waited for the 20 % limit" in (result.adapted(solo.days[0].items[0]).reason or "")
    exercise = BUNDLED.exercise("bird-dog")
    weeks = [
        sum(
            work_seconds(
                adapt(solo, START, h, START + timedelta(days=7 * w + i))
                .adapted(solo.days[0].items[0])
                .dose,
                exercise,
            )
            for i in range(7)
        )
        for w in range(4)
    ]
    assert all(later <= earlier * 1.2 for earlier, later in pairwise(weeks))


# --- a scripted month -------------------------------------------------------------------------


def month_history() -> History:
    """Four weeks of the bundled plan: every session done at effort 4, every exercise rated 3
    (neither too much nor easy) except the scripted ratings below."""
    ratings: dict[tuple[date, str], Rating] = {}
    done: dict[date, frozenset[str]] = {}
    for offset in range(28):
        on = START + timedelta(days=offset)
        day = BUNDLED.day(offset % 7 + 1)
        done[on] = frozenset(i.exercise_id for i in day.items)
        for item in day.items:
            ratings[(on, item.exercise_id)] = Rating(3)
    scripted = {
        (3, "bird-dog"): 7,  # rule 1
        (10, "bird-dog"): 2,
        (17, "bird-dog"): 1,  # rule 5 with the 10th
        (24, "bird-dog"): 2,  # count restarted: nothing
        (5, "hip-flexor-stretch"): 1,
        (7, "hip-flexor-stretch"): 2,  # rule 5
        (12, "hip-flexor-stretch"): 0,
        (14, "hip-flexor-stretch"): 1,  # rule 5
        (19, "hip-flexor-stretch"): 2,  # then a bad morning on the 20th (rule 3)
        (21, "hip-flexor-stretch"): 1,
        (26, "hip-flexor-stretch"): 1,  # earned, but the rule-3 pause runs to the 27th
        (28, "hip-flexor-stretch"): 2,  # earned with the 26th: progresses from the 29th
    }
    for (k, exercise_id), pain in scripted.items():
        ratings[(d(k), exercise_id)] = Rating(pain)
    mornings = {START + timedelta(days=i): Morning(3, 4) for i in range(21)}
    mornings[d(20)] = Morning(6, 4)
    mornings |= {START + timedelta(days=i): Morning(3, 6) for i in range(21, 28)}
    efforts = dict.fromkeys(done, 4)
    return History(mornings, ratings, efforts, done)


def dose_on(result: Adaptation, exercise_id: str, day_number: int) -> str:
    item = next(i for i in BUNDLED.day(day_number).items if i.exercise_id == exercise_id)
    return result.adapted(item).dose.describe()


def test_a_scripted_four_week_month_gives_the_expected_doses() -> None:
    h = month_history()
    sequence = []
    for offset in range(35):
        on = START + timedelta(days=offset)
        day_number = offset % 7 + 1
        result = adapt(BUNDLED, START, h, on)
        for exercise_id in ("bird-dog", "foam-rolling", "hip-flexor-stretch"):
            if any(i.exercise_id == exercise_id for i in BUNDLED.day(day_number).items):
                sequence.append((on.day, exercise_id, dose_on(result, exercise_id, day_number)))
    assert sequence == [
        (3, "bird-dog", "3 × 10 reps per side"),
        (5, "foam-rolling", "5 min"),
        (5, "hip-flexor-stretch", "hold 30 s per side"),
        (7, "hip-flexor-stretch", "hold 30 s per side"),
        (10, "bird-dog", "3 × 8 reps per side"),
        (12, "foam-rolling", "5 min"),
        (12, "hip-flexor-stretch", "hold 35 s per side"),
        (14, "hip-flexor-stretch", "hold 35 s per side"),
        (17, "bird-dog", "3 × 8 reps per side"),
        (19, "foam-rolling", "5 min"),
        (19, "hip-flexor-stretch", "hold 40 s per side"),
        (21, "hip-flexor-stretch", "hold 35 s per side"),
        (24, "bird-dog", "3 × 10 reps per side"),
        (26, "foam-rolling", "4 min"),
        (26, "hip-flexor-stretch", "hold 35 s per side"),
        (28, "hip-flexor-stretch", "hold 35 s per side"),
        (1, "bird-dog", "3 × 10 reps per side"),
        (3, "foam-rolling", "4 min"),
        (3, "hip-flexor-stretch", "hold 40 s per side"),
        (5, "hip-flexor-stretch", "hold 40 s per side"),
    ]
    final = adapt(BUNDLED, START, h, d(30))
    assert [(p.rule, p.start.day, p.end.day) for p in final.pauses] == [
        ("3", 21, 27),
        ("4", 30, 6),
    ]
    assert [c.rule for c in final.changes if c.exercise_id == "hip-flexor-stretch"] == [
        "5",
        "5",
        "3",
        "5",
    ]


def test_a_far_date_replays_only_the_days_near_the_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from supple.core import adapt as module

    replayed: list[date] = []
    original = module._Replay.morning

    def counting(self: module._Replay, day: date) -> None:
        replayed.append(day)
        original(self, day)

    monkeypatch.setattr(module._Replay, "morning", counting)
    h = easy(*range(2, 16))
    near = adapt(DAILY, START, h, d(60))
    days_near = list(replayed)
    replayed.clear()
    far_away = adapt(DAILY, START, h, d(2000))
    assert far_away.steps == near.steps and far_away.changes == near.changes
    assert replayed == days_near and len(replayed) < 45  # records end on day 15


def test_a_progression_held_by_the_weekly_limit_goes_ahead_after_a_long_gap() -> None:
    solo = program_every_day(Prescription("bird-dog", BIRD_DOG))
    h = easy(*range(2, 16), 200, 201)
    steps = [adapt(solo, START, h, d(k)).steps["bird-dog"] for k in (40, 199, 202, 900)]
    assert steps[0] == steps[1] and steps[2] == steps[3] == steps[1] + 1
