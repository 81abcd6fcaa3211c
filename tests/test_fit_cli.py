"""`supple today` and `supple start` with --minutes and --without, and what history keeps."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Supple

DAY3 = "2026-11-04"  # Wednesday of week 1: day 3, 27 minutes in full, a bench and weights
DAY4 = "2026-11-05"
CHECKINS = ("--before-pain", "2", "--before-stiffness", "2", "--after-pain", "1", "--rpe", "3")


def today_json(supple: Supple, *args: str) -> dict[str, Any]:
    result = supple("today", "--json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


@pytest.mark.parametrize("minutes", [10, 15, 20])
def test_today_with_minutes_previews_the_fitted_day_within_the_budget(
    started: Supple, minutes: int
) -> None:
    full = today_json(started, "--date", DAY3)
    fitted = today_json(started, "--date", DAY3, "--minutes", str(minutes))
    assert full["fit"] is None
    fit = fitted["fit"]
    assert isinstance(fit, dict) and fit["minutes"] == minutes and fit["fits"]
    assert fitted["estimated_seconds"] == fit["seconds"] <= minutes * 60
    assert fit["full_seconds"] == full["estimated_seconds"]
    assert [i["exercise"] for i in fitted["items"]] == [i["exercise"] for i in full["items"]]


def test_today_without_a_bench_names_the_swap_and_its_reason(started: Supple) -> None:
    result = started("today", "--date", DAY3, "--without", "bench")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Low Step-Ups instead of Step-Ups (no bench): step onto the bottom stair" in text
    assert "(onto a bench)" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--minutes", "0"], "error: minutes must be a whole number from 5 to 120, got '0'"),
        (["--minutes", "ten"], "got 'ten'"),
        (["--without", "couch"], "error: unknown prop 'couch' after --without; choose from"),
    ],
)
@pytest.mark.parametrize("command", ["today", "start"])
def test_bad_choices_are_one_line_and_exit_2(
    started: Supple, command: str, args: list[str], message: str
) -> None:
    extra = ["--auto"] if command == "start" else []
    result = started(command, "--date", DAY3, *extra, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_fitted_session_lists_its_changes_and_history_keeps_them(started: Supple) -> None:
    played = started(
        "start", "--date", DAY4, "--auto", "--speed", "10000", "--minutes", "10",
        "--without", "roller", *CHECKINS,
    )  # fmt: skip
    assert played.exit_code == 0, played.output
    assert "Fitted to 10 minutes" in played.output
    assert "Child’s Pose Stretch instead of Foam Rolling (no foam roller)" in played.output
    assert "Session finished" in played.output
    rows = json.loads(started("history", "--json").output)["sessions"]
    fit = rows[0]["fit"]
    assert fit["minutes"] == 10 and fit["without"] == ["roller"] and fit["seconds"] <= 600
    assert {c["kind"] for c in fit["changes"]} >= {"swap", "minutes"}
    done = {e["exercise"] for e in rows[0]["exercises"] if e["completed_sets"]}
    assert "childs-pose" in done and "foam-rolling" not in done  # what was actually done
    text = " ".join(started("history").output.split())
    assert f"{DAY4}: fitted to 10 minutes, no foam roller" in text
    assert "Child’s Pose Stretch instead of Foam Rolling" in text


def test_a_swapped_exercise_can_be_rated_after_the_fact(started: Supple) -> None:
    played = started(
        "start", "--date", DAY4, "--auto", "--speed", "10000", "--without", "roller", *CHECKINS
    )
    assert played.exit_code == 0, played.output
    rated = started("checkin", "exercise", "child's pose", "--pain", "2", "--date", DAY4)
    assert rated.exit_code == 0, rated.output
    refused = started("checkin", "exercise", "bird dog", "--pain", "2", "--date", DAY4)
    assert refused.exit_code == 2 and "not in the session" in refused.output


@pytest.mark.parametrize(
    ("choices", "clamshells_next_week"),
    [
        ((), "3 × 17 reps per side"),  # two easy full sessions earn a step (rule 5)
        (("--minutes", "15"), "3 × 15 reps per side"),  # two easy sessions of 2 sets do not
        (("--without", "bench"), "3 × 17 reps per side"),  # the clamshells were done in full
    ],
)
def test_only_full_work_earns_progression(
    started: Supple, choices: tuple[str, ...], clamshells_next_week: str
) -> None:
    for on in ("2026-11-04", "2026-11-05"):
        played = started(
            "start", "--day", "3", "--date", on, "--auto", "--speed", "10000", *choices, *CHECKINS
        )
        assert played.exit_code == 0, played.output
        rated = started("checkin", "exercise", "clamshells", "--pain", "1", "--date", on)
        assert rated.exit_code == 0, rated.output
    week2 = today_json(started, "--date", "2026-11-11")
    clamshells = next(i for i in week2["items"] if i["exercise"] == "side-lying-clamshells")
    assert f"{clamshells['sets']} × {clamshells['reps']} reps per side" == clamshells_next_week
