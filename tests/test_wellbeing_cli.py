"""Listening to the body from the terminal: the safety screen, the session gate, check-ins and
adapted doses, as a person meets them."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from supple import services
from supple.core.safety import QUESTIONS
from supple.store import sessions as session_store
from supple.store.database import open_store
from tests.conftest import Supple, local_scope

NO = ",".join("n" for _ in QUESTIONS)


def flat(text: str) -> str:
    """Terminal output without panel borders or line wrapping, to search for sentences."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def answers_with_yes(index: int) -> str:
    return ",".join("y" if i == index else "n" for i in range(len(QUESTIONS)))


def init(supple: Supple, answers: str | None = NO) -> str:
    args = ["init", "--start-date", "2026-11-02", "--timezone", "Europe/Paris"]
    result = supple(*args, *(["--answers", answers] if answers is not None else []))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("index", range(len(QUESTIONS)), ids=[q.id for q in QUESTIONS])
def test_init_refuses_sessions_after_any_red_flag_yes_and_says_why(
    supple: Supple, index: int
) -> None:
    question = QUESTIONS[index]
    out = flat(init(supple, answers_with_yes(index)))
    if question.tier == "urgent":
        assert "Seek emergency care today" in out
        assert "emergency care today" in out
    else:
        assert "See a clinician first" in out
        assert "doctor or physiotherapist before you start" in out
    today = supple("today", "--date", "2026-11-03")
    assert today.exit_code == 0
    assert "No session" in today.output
    assert "supple screen --cleared" in flat(today.output)
    assert "Bird-Dog" not in today.output
    data = json.loads(supple("today", "--date", "2026-11-03", "--json").output)
    assert data["gate"] is not None and data["gate"]["remedy"] == "clearance"


def test_a_yes_answered_again_as_no_still_blocks_and_the_terminal_says_why(
    supple: Supple,
) -> None:
    init(supple, answers_with_yes(4))
    assert supple("screen", "--answers", NO).exit_code == 0
    today = flat(supple("today", "--date", "2026-11-03").output)
    assert "No session" in today
    assert "newer answers" in today and "only a clinician's clearance does" in today
    data = json.loads(supple("today", "--date", "2026-11-03", "--json").output)
    assert "only a clinician's clearance does" in data["gate"]["answered_again"]


def test_a_single_yes_is_not_told_it_was_answered_again(supple: Supple) -> None:
    init(supple, answers_with_yes(4))
    data = json.loads(supple("today", "--date", "2026-11-03", "--json").output)
    assert "answered_again" not in data["gate"]
    assert "newer answers" not in flat(supple("today", "--date", "2026-11-03").output)


def test_a_clinicians_clearance_opens_sessions_again(supple: Supple) -> None:
    init(supple, answers_with_yes(4))
    cleared = supple("screen", "--cleared", "2026-11-03", "--date", "2026-11-04")
    assert cleared.exit_code == 0, cleared.output
    assert "Recorded" in cleared.output
    out = supple("today", "--date", "2026-11-04").output
    assert "No session" not in out
    assert "Strengthening Glutes" in out


def test_a_clearance_dated_in_the_future_is_refused(supple: Supple) -> None:
    init(supple, answers_with_yes(0))
    result = supple("screen", "--cleared", "2026-11-09", "--date", "2026-11-04")
    assert result.exit_code == 2
    assert "in the future" in result.output


def test_answering_no_again_does_not_lift_an_earlier_yes(supple: Supple) -> None:
    init(supple, answers_with_yes(1))
    assert supple("screen", "--answers", NO).exit_code == 0
    assert "No session" in flat(supple("today", "--date", "2026-11-03").output)


def test_init_without_a_terminal_saves_the_profile_but_offers_no_session_yet(
    supple: Supple,
) -> None:
    out = flat(init(supple, answers=None))
    assert "safety questions were not answered" in out
    assert "Profile saved" in out
    assert "answer the safety questions first" in flat(
        supple("today", "--date", "2026-11-03").output
    )


def test_the_screen_asks_one_question_at_a_time(supple: Supple) -> None:
    init(supple, answers=None)
    result = supple("screen", input="n\n" * len(QUESTIONS))
    assert result.exit_code == 0, result.output
    assert f"1/{len(QUESTIONS)}" in result.output and f"{len(QUESTIONS)}/{len(QUESTIONS)}" in (
        result.output
    )
    assert "No warning signs" in result.output
    assert "No session" not in flat(supple("today", "--date", "2026-11-03").output)


def test_the_questions_list_as_json_with_id_and_tier(supple: Supple) -> None:
    data = json.loads(supple("screen", "--list", "--json").output)
    assert [q["id"] for q in data] == [q.id for q in QUESTIONS]
    assert {q["tier"] for q in data} == {"urgent", "clinician"}
    assert all(q["text"].endswith(("?", ")")) for q in data)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["screen", "--answers", "y,n"], f"needs {len(QUESTIONS)} answers"),
        (["screen", "--answers", NO.replace("n", "maybe", 1)], "must be y or n"),
        (["checkin", "morning", "--pain", "11", "--stiffness", "2"], "from 0 to 10, got 11"),
        (["checkin", "morning", "--pain", "3", "--stiffness", "-1"], "stiffness must be"),
        (["checkin", "morning", "--pain", "abc", "--stiffness", "2"], "is not a valid integer"),
        (["checkin", "morning", "--pain", "3", "--stiffness", "2", "--date", "3/11"], "not a date"),
        (["checkin", "session", "--date", "2026-11-03", "--rpe", "12"], "effort (RPE) must be"),
        (["checkin", "exercise", "bird dog", "--pain", "3", "--date", "2026-11-04"], "not in the"),
        (["checkin", "exercise", "bird dog", "--pain", "99", "--date", "2026-11-03"], "pain must"),
        (["checkin", "exercise", "unicycle", "--pain", "3", "--date", "2026-11-03"], "no exercise"),
        (["checkin", "week", "--pain", "4", "--psfs", "tie shoes=4,sit=3"], "3 to 5 activities"),
        (["checkin", "week", "--pain", "4", "--psfs", "tie shoes:4"], "ACTIVITY=RATING"),
        (["checkin", "week", "--pain", "4", "--psfs", "a=1,b=2,c=11"], "from 0 to 10, got 11"),
    ],
)
def test_bad_check_in_values_get_a_clear_message_and_exit_2(
    started: Supple, args: list[str], message: str
) -> None:
    result = started(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_second_check_in_for_the_same_day_replaces_the_first_and_says_so(
    started: Supple,
) -> None:
    first = started("checkin", "morning", "--pain", "3", "--stiffness", "4", "--date", "2026-11-03")
    assert "Replaced" not in first.output
    again = started("checkin", "morning", "--pain", "2", "--stiffness", "4", "--date", "2026-11-03")
    assert "Replaced your earlier morning check-in for 2026-11-03" in again.output


def test_psfs_activities_are_chosen_once_and_re_rated_weekly(started: Supple) -> None:
    psfs = "tie shoes=4,sit 1 hour=3,lift child=5"
    first = started("checkin", "week", "--pain", "5", "--psfs", psfs, "--date", "2026-11-02")
    assert first.exit_code == 0 and "PSFS activities are set" in first.output
    wrong = started("checkin", "week", "--pain", "4", "--psfs", "run=3", "--date", "2026-11-09")
    assert wrong.exit_code == 2 and "not one of your PSFS activities" in wrong.output
    partial = started("checkin", "week", "--pain", "4", "--psfs", "tie shoes=5,Sit 1 hour=4")
    assert partial.exit_code == 2 and "missing: lift child" in partial.output
    later = started(
        "checkin", "week", "--pain", "4", "--date", "2026-11-09",
        "--psfs", "tie shoes=6,sit 1 hour=6,lift child=6",
    )  # fmt: skip
    assert later.exit_code == 0, later.output
    asked = started("checkin", "week", "--date", "2026-11-16", input="3\n7\n7\n8\n")
    assert asked.exit_code == 0, asked.output
    data = json.loads(started("progress", "--date", "2026-11-16", "--json").output)
    assert data["psfs"]["baseline"] == {"tie shoes": 4, "sit 1 hour": 3, "lift child": 5}
    assert data["psfs"]["now"] == {"tie shoes": 7, "sit 1 hour": 7, "lift child": 8}
    assert data["psfs"]["important"] is True
    assert data["weekly_pain"]["size"] == "important"


def test_today_asks_for_the_morning_check_in_until_it_is_done(started: Supple) -> None:
    assert "supple checkin morning" in flat(started("today", "--date", "2026-11-03").output)
    started("checkin", "morning", "--pain", "2", "--stiffness", "3", "--date", "2026-11-03")
    assert "supple checkin morning" not in flat(started("today", "--date", "2026-11-03").output)


def test_today_shows_the_adapted_dose_with_its_base_and_reason(started: Supple) -> None:
    rated = started("checkin", "exercise", "bird dog", "--pain", "7", "--date", "2026-11-03")
    assert rated.exit_code == 0, rated.output
    data = json.loads(started("today", "--date", "2026-11-10", "--json").output)
    bird = next(i for i in data["items"] if i["exercise"] == "bird-dog")
    assert (bird["sets"], bird["reps"]) == (3, 8)
    assert (bird["base"]["sets"], bird["base"]["reps"]) == (3, 10)
    assert bird["reason"] == (
        "Bird-Dog Exercise: 3 × 10 → 3 × 8 reps per side — you rated it 7/10 on Tue 3 Nov (rule 1)"
    )
    others = [i["reason"] for i in data["items"] if i["exercise"] != "bird-dog"]
    assert others == [None] * 4
    week = json.loads(started("week", "--date", "2026-11-10", "--json").output)
    assert week["days"][1]["items"][4]["reps"] == 8


def test_the_terminal_says_a_dose_changes_rule_in_words_not_its_number(started: Supple) -> None:
    """Issue 12 point 12: "(rule 1)" is jargon; today and progress name the rule as the
    pages do, from ``core.rules``, while the JSON keeps the number for programs."""
    started("checkin", "exercise", "bird dog", "--pain", "7", "--date", "2026-11-03")
    today = flat(started("today", "--date", "2026-11-10").output)
    assert "you rated it 7/10 on Tue 3 Nov (too much pain during it makes it easier)." in today
    progress = flat(started("progress", "--date", "2026-11-10").output)
    assert "(too much pain during it makes it easier)" in progress
    for out in (today, progress):
        assert not re.search(r"\(rules? \d", out)


def test_pain_that_stops_a_session_and_does_not_settle_brings_the_screen_back(
    started: Supple,
) -> None:
    started("checkin", "morning", "--pain", "2", "--stiffness", "3", "--date", "2026-11-03")
    stop = started("checkin", "exercise", "bird dog", "--pain", "9", "--date", "2026-11-03")
    assert "Stop here and rest" in flat(stop.output)
    assert "rest for the rest of the day" in flat(started("today", "--date", "2026-11-03").output)
    next_day = flat(started("today", "--date", "2026-11-04").output)
    assert "how you feel this morning" in next_day
    started("checkin", "morning", "--pain", "5", "--stiffness", "5", "--date", "2026-11-04")
    assert "answer the safety questions again" in flat(
        started("today", "--date", "2026-11-04").output
    )
    assert started("screen", "--answers", NO).exit_code == 0
    assert "No session" not in flat(started("today", "--date", "2026-11-04").output)


def test_pain_that_settles_by_next_morning_lets_the_next_session_go_ahead(
    started: Supple,
) -> None:
    started("checkin", "morning", "--pain", "3", "--stiffness", "3", "--date", "2026-11-03")
    started(
        "checkin", "exercise", "bird dog", "--pain", "4", "--quality", "tingling",
        "--date", "2026-11-03",
    )  # fmt: skip
    started("checkin", "morning", "--pain", "2", "--stiffness", "3", "--date", "2026-11-04")
    assert "No session" not in flat(started("today", "--date", "2026-11-04").output)


def test_exercises_done_in_a_recorded_session_count_for_progression(
    started: Supple, db_url: str
) -> None:
    """The player's sessions feed rule 5: two sessions in which Bird-Dog's work steps were
    completed, each rated 1/10 at effort 4, earn a step."""
    store = open_store(db_url)
    ctx = local_scope(store)
    person = ctx.require_subject()
    for on in (date(2026, 11, 3), date(2026, 11, 10)):
        plan = services.day(ctx, on)
        steps = [
            {"index": s.index, "kind": s.kind, "exercise_id": s.exercise_id}
            for s in plan.timeline.steps
        ]
        sid = f"s-{on.isoformat()}"
        at = datetime(2026, 11, 1, tzinfo=UTC)
        session_store.create(
            store, session_id=sid, person_id=person, on=on, week=1, day=2,
            started_at=at, timeline={"steps": steps},
        )  # fmt: skip
        bird_step = next(
            s.index for s in plan.timeline.steps if s.exercise_id == "bird-dog" and s.kind == "work"
        )
        session_store.add_event(
            store, event_id=f"{sid}-1", session_id=sid, person_id=person,
            kind="step_completed", step_index=bird_step, at=at,
        )  # fmt: skip
        services.rate_exercise(ctx, on, "bird-dog", pain=1)
        services.record_session(ctx, on, rpe=4)
    history = services.load_history(ctx, date(2026, 11, 10))
    assert history.done[date(2026, 11, 3)] == frozenset({"bird-dog"})
    bird = next(
        i for i in services.day(ctx, date(2026, 11, 17)).items if i.exercise.id == "bird-dog"
    )
    assert bird.prescription.dose.reps == 12
    assert bird.reason is not None and "(rule 5)" in bird.reason
    store.dispose()


def test_progress_reports_adherence_trends_and_the_habit_mark(started: Supple) -> None:
    for day in range(2, 10):
        on = f"2026-11-{day:02d}"
        started("checkin", "morning", "--pain", str(6 - day // 3), "--stiffness", "4", "--date", on)
        started("checkin", "session", "--rpe", "4", "--after-pain", "2", "--date", on)
    result = started("progress", "--date", "2026-11-10")
    assert result.exit_code == 0, result.output
    assert "Habit mark reached on 2026-11-07" in flat(result.output)
    data = json.loads(started("progress", "--date", "2026-11-10", "--json").output)
    assert data["adherence"]["weeks"] == [
        {"week": 1, "done": 7, "scheduled": 7},
        {"week": 2, "done": 1, "scheduled": 1},
    ]
    assert data["adherence"]["streak"] == 8
    assert data["sparklines"]["pain"] == "▅▅▅▅▄▄▄▃ "
    assert data["review"] is None


def test_start_records_the_session_checkins_given_as_flags(started: Supple) -> None:
    from supple.store import checkins
    from supple.store.database import open_store

    result = started(
        "start", "--date", "2026-11-03", "--auto", "--speed", "2000", "--quiet",
        "--before-pain", "3", "--before-stiffness", "4", "--after-pain", "2", "--rpe", "5",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ctx = local_scope(open_store())
    rows = checkins.list_for(ctx.store, ctx.require_subject(), kind="session")
    assert [r.values for r in rows] == [
        {"before_pain": 3, "before_stiffness": 4, "after_pain": 2, "rpe": 5}
    ]


def test_start_refuses_an_out_of_range_rating_before_the_session_begins(started: Supple) -> None:
    result = started("start", "--date", "2026-11-03", "--auto", "--rpe", "11")
    assert result.exit_code == 2
    assert "--rpe must be a whole number from 0 to 10, got 11" in result.stderr
    assert "steps" not in result.output
