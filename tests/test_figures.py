"""Exercise figures: every exercise has one, poses stay in range, bodies rest on their
surfaces, figures animate, and broken figure data is reported as FILE:LINE:COLUMN."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from supple.core.errors import PlanError
from supple.core.figure import (
    FigureSpec,
    Pose,
    PoseError,
    check_pose,
    contact_problems,
    sinking_problems,
)
from supple.figures import figure_ids, still_for, svg_for
from supple.figures.data import bundled_figures, parse_figures
from supple.planfile import bundled_catalog
from tests.conftest import Supple

IDS = list(bundled_catalog())


def _spec(ident: str) -> FigureSpec:
    return bundled_figures()[ident]


def test_every_exercise_in_the_catalog_has_a_figure() -> None:
    assert sorted(figure_ids()) == sorted(IDS)


@pytest.mark.parametrize("ident", IDS)
def test_every_keyframe_stays_within_the_joint_limits(ident: str) -> None:
    for frame in _spec(ident).frames:
        assert check_pose(frame.pose.angles) == []


@pytest.mark.parametrize("ident", IDS)
def test_every_keyframe_rests_on_its_surfaces_and_sinks_into_nothing(ident: str) -> None:
    spec = _spec(ident)
    for frame, body in zip(spec.frames, spec.bodies(), strict=True):
        assert contact_problems(body, frame.contacts, spec.props) == []
        assert sinking_problems(body, spec.props) == []


@pytest.mark.parametrize("ident", IDS)
def test_each_figure_animates_between_at_least_two_distinct_keyframes(ident: str) -> None:
    spec = _spec(ident)
    distinct = {tuple(sorted(f.pose.angles.items())) for f in spec.frames}
    assert len(distinct) >= 2
    svg = svg_for(ident)
    assert "@keyframes" in svg and "prefers-reduced-motion" in svg
    ET.fromstring(svg)


@pytest.mark.parametrize("ident", [i for i in IDS if _spec(i).side])
def test_a_per_side_figure_is_mirrored_for_the_other_side(ident: str) -> None:
    other = "left" if _spec(ident).side == "right" else "right"
    mirrored = svg_for(ident, side=other)
    assert 'transform="scale(-1 1)"' in mirrored
    assert f"{other} side" in mirrored
    ET.fromstring(mirrored)


def test_a_still_frame_is_static_svg() -> None:
    still = still_for("bird-dog", 0)
    ET.fromstring(still)
    assert "@keyframes" not in still


@pytest.mark.parametrize(
    ("angles", "message"),
    [
        ({"knee_r": -10.0}, "knee_r -10° is outside its range"),
        ({"elbow_l": 170.0}, "elbow_l 170° is outside its range"),
        ({"wing_r": 1.0}, "unknown joint 'wing_r'"),
    ],
)
def test_a_pose_outside_the_joint_limits_is_an_error(
    angles: dict[str, float], message: str
) -> None:
    with pytest.raises(PoseError, match=message):
        Pose(angles)


GOOD = "      - pose: {knee_r: 10}\n        on: [foot_l]\n      - pose: {knee_r: 20}\n"
HEAD = "format: 1\nfigures:\n  - exercise: bodyweight-squats\n    frames:\n"

BAD_CASES: list[tuple[str, str, str]] = [
    ("syntax error", "format: 1\nfigures: [oops\n", "3:1: YAML syntax error"),
    (
        "unknown exercise",
        HEAD.replace("bodyweight-squats", "body-squats") + GOOD,
        "3:15: unknown exercise 'body-squats'",
    ),
    (
        "joint out of range",
        HEAD + "      - pose: {knee_r: 200}\n" + GOOD,
        "5:24: figure 'bodyweight-squats' keyframe 1 pose: knee_r 200°",
    ),
    (
        "unknown joint",
        HEAD + "      - pose: {kne_r: 20}\n" + GOOD,
        "5:16: figure 'bodyweight-squats' keyframe 1 pose: unknown joint 'kne_r'; did you mean 'knee_r'?",
    ),
    (
        "unknown body part",
        HEAD + "      - pose: {knee_r: 20}\n        on: [elbw_r]\n" + GOOD,
        "6:14: figure 'bodyweight-squats' keyframe 1 on: unknown body part 'elbw_r'",
    ),
    (
        "prop surface without the prop",
        HEAD + "      - pose: {knee_r: 20}\n        on: [foot_r@bench]\n" + GOOD,
        "6:14: figure 'bodyweight-squats' keyframe 1 on: 'foot_r@bench' needs a bench",
    ),
    (
        "one keyframe only",
        HEAD + "      - pose: {knee_r: 20}\n",
        "5:7: figure 'bodyweight-squats' frames must have 2 to 5 entries, has 1",
    ),
    (
        "per-side exercise without side",
        HEAD.replace("bodyweight-squats", "bird-dog") + GOOD,
        "3:5: figure 'bird-dog': is done on each side, so it needs",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_malformed_figure_data_is_reported_with_file_line_and_column(
    case: str, text: str, expected: str
) -> None:
    with pytest.raises(PlanError) as caught:
        parse_figures(text, "figures.yaml", bundled_catalog(), complete=False)
    shown = [str(p) for p in caught.value.problems]
    assert any(line.startswith(f"figures.yaml:{expected}") for line in shown), shown


def test_a_figure_file_missing_an_exercise_says_which() -> None:
    with pytest.raises(PlanError, match="exercise 'dead-bug' has no figure"):
        parse_figures(HEAD + GOOD, "figures.yaml", bundled_catalog())


def test_the_exercise_command_writes_the_figure(supple: Supple, tmp_path: Path) -> None:
    out = tmp_path / "bird.svg"
    result = supple("exercise", "bird dog", "--figure", str(out))
    assert result.exit_code == 0, result.output
    ET.fromstring(out.read_text(encoding="utf-8"))


def test_figures_writes_every_svg_and_a_gallery(supple: Supple, tmp_path: Path) -> None:
    result = supple("figures", "--out", str(tmp_path / "g"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g" / "index.html").exists()
    assert len(list((tmp_path / "g").glob("*.frame1.svg"))) == len(IDS)


def test_figures_png_without_chromium_says_how_to_install_it(
    supple: Supple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supple.figures import gallery

    monkeypatch.setattr(gallery, "find_chromium", lambda: None)
    result = supple("figures", "--out", str(tmp_path / "g"), "--png")
    assert result.exit_code == 2
    assert "apt-get install -y chromium" in result.output
