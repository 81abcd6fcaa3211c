"""The bundled program reproduces the seed plan's facts exactly: titles, names, doses, remarks."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Supple

# (day, name as the seed writes it, sets, reps, hold s, minutes, max minutes, per, remark)
SEED = [
    (1, "Hip Circles", 3, 10, None, None, None, "side", None),
    (1, "World’s Greatest Stretch", 1, None, 30, None, None, "side", None),
    (1, "Seated Butterfly Stretch", 1, None, 30, None, None, None, None),
    (1, "Dead Bug Exercise", 3, 12, None, None, None, None, None),
    (1, "Glute Bridge Hold", 3, None, 30, None, None, None, None),
    (2, "Standing Hamstring Stretch", 1, None, 30, None, None, "leg", None),
    (2, "Child’s Pose Stretch", 1, None, 30, None, None, None, None),
    (2, "Supine Knee-to-Chest Stretch", 1, None, 20, None, None, "leg", None),
    (2, "Pelvic Tilts", 3, 10, None, None, None, None, None),
    (2, "Bird-Dog Exercise", 3, 10, None, None, None, "side", None),
    (3, "Bodyweight Squats", 3, 15, None, None, None, None, None),
    (3, "Step-Ups", 3, 10, None, None, None, "leg", "onto a bench"),
    (3, "Side-Lying Clamshells", 3, 15, None, None, None, "side", None),
    (3, "Romanian Deadlifts", 3, 12, None, None, None, None, "light weights or bodyweight"),
    (3, "Side Plank Hold", 3, None, 30, None, None, "side", None),
    (4, "Foam Rolling", None, None, None, 5, None, None, "hips, glutes, lower back"),
    (4, "Standing Quad Stretch", 1, None, 30, None, None, "side", None),
    (4, "Hip Flexor Stretch", 1, None, 30, None, None, "side", None),
    (4, "Cat-Cow Stretch", 3, 10, None, None, None, None, None),
    (4, "Deep Breathing & Relaxation", None, None, None, 5, None, None, None),
    (5, "Lunges", 3, 10, None, None, None, "leg", "forward and side"),
    (5, "Bulgarian Split Squats", 3, 8, None, None, None, "leg", None),
    (5, "Hip Thrusts", 3, 12, None, None, None, None, "bodyweight or weighted"),
    (5, "Hollow Body Hold", 3, None, 20, None, None, None, None),
    (5, "Leg Raises", 3, 12, None, None, None, None, None),
    (6, "Pigeon Pose Stretch", 1, None, 30, None, None, "side", None),
    (6, "Seated Forward Fold", 1, None, 30, None, None, None, None),
    (6, "Wall Angels", 3, 10, None, None, None, None, None),
    (6, "Hip Flexor Stretch", 1, None, 30, None, None, "side", None),
    (6, "Thoracic Spine Extension on Foam Roller", 3, None, 30, None, None, None, None),
    (7, "Walking or Light Cycling", None, None, None, 15, 20, None, "walking or light cycling"),
    (7, "Standing Side Bend Stretch", 1, None, 20, None, None, "side", None),
    (7, "90/90 Hip Stretch", 1, None, 30, None, None, "side", None),
    (7, "Supine Spinal Twist", 1, None, 20, None, None, "side", None),
    (7, "Deep Breathing Exercises", None, None, None, 5, None, None, None),
]

TITLES = {
    1: "Hip Mobility & Core Activation",
    2: "Lower Back & Hamstring Flexibility",
    3: "Strengthening Glutes & Hip Stabilizers",
    4: "Active Recovery & Gentle Stretching",
    5: "Dynamic Hip Strength & Core Stability",
    6: "Deep Stretching & Posture Reset",
    7: "Full-Body Mobility & Recovery",
}


@pytest.fixture(scope="module")
def shown() -> dict[str, object]:
    result = Supple()("plan", "show", "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def test_plan_show_json_reproduces_all_35_prescriptions_exactly(shown: dict[str, object]) -> None:
    days = shown["days"]
    assert isinstance(days, list)
    got = [
        (
            d["day"],
            i["name"],
            i["sets"],
            i["reps"],
            i["hold_seconds"],
            i["duration_seconds"] // 60 if i["duration_seconds"] else None,
            i["duration_max_seconds"] // 60 if i["duration_max_seconds"] else None,
            i["per"],
            i["notes"],
        )
        for d in days
        for i in d["items"]
    ]
    assert got == SEED


def test_every_day_keeps_the_seed_title_and_has_its_own_goal(shown: dict[str, object]) -> None:
    days = shown["days"]
    assert isinstance(days, list)
    assert {d["day"]: d["title"] for d in days} == TITLES
    assert all(len(d["goal"]) > 40 for d in days)


def test_the_program_runs_four_weeks_and_every_day_has_an_estimate(
    shown: dict[str, object],
) -> None:
    assert shown["weeks"] == 4
    days = shown["days"]
    assert isinstance(days, list)
    assert all(d["estimated_seconds"] > 5 * 60 for d in days)


def test_hip_flexor_stretch_is_one_exercise_used_on_days_4_and_6(shown: dict[str, object]) -> None:
    days = shown["days"]
    assert isinstance(days, list)
    ids = [
        (d["day"], i["exercise"])
        for d in days
        for i in d["items"]
        if i["name"] == "Hip Flexor Stretch"
    ]
    assert ids == [(4, "hip-flexor-stretch"), (6, "hip-flexor-stretch")]
