"""What the six hard figures must show, as geometry: limbs that keep their width, level floors,
a wall nothing passes through, a side plank seen from the front, a hollow hold that is not a
boat, and a twist whose trunk the camera sees the same way in every keyframe."""

from __future__ import annotations

import dataclasses
import math
import re
import xml.etree.ElementTree as ET

import pytest

from supple.core.figure import (
    TOLERANCE,
    VIEWS,
    Body,
    FigureSpec,
    Pose,
    Vec,
    distance,
    place,
    toward_viewer,
)
from supple.figures import figure_ids, still_for, svg_for
from supple.figures.data import bundled_figures
from supple.figures.svg import project, render

SVG = "{http://www.w3.org/2000/svg}"


def _spec(ident: str) -> FigureSpec:
    return bundled_figures()[ident]


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _unit(v: Vec) -> Vec:
    n = math.sqrt(sum(c * c for c in v))
    return (v[0] / n, v[1] / n, v[2] / n)


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _from_vertical(v: Vec) -> float:
    """Degrees between ``v`` (either way along it) and the vertical."""
    return math.degrees(math.acos(min(1.0, abs(_unit(v)[1]))))


def _elevation(a: Vec, b: Vec) -> float:
    """Degrees that the line from ``a`` to ``b`` rises above the floor."""
    d = _sub(b, a)
    return math.degrees(math.atan2(d[1], math.hypot(d[0], d[2])))


# --- every limb keeps its stroke width --------------------------------------------------


def _all_svgs() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for ident in figure_ids():
        out.append((ident, svg_for(ident)))
        out.append((f"{ident} still", still_for(ident, 0)))
        if _spec(ident).side:
            out.append((f"{ident} mirrored", svg_for(ident, side="left")))
    return out


@pytest.mark.parametrize(("name", "svg"), _all_svgs(), ids=[n for n, _ in _all_svgs()])
def test_no_part_of_a_figure_draws_its_stroke_in_screen_pixels(name: str, svg: str) -> None:
    # A non-scaling stroke keeps its width in screen pixels while the rest of the figure scales
    # with the picture: a hairline on a large view, a blob on a small one.
    assert "vector-effect" not in svg
    assert "non-scaling" not in svg


@pytest.mark.parametrize("ident", figure_ids())
def test_a_limb_that_changes_length_is_stretched_along_itself_only(ident: str) -> None:
    svg = svg_for(ident)
    scales = re.findall(r"scale:([-\d.]+) ([-\d.]+)", svg)
    assert all(float(y) == 1.0 for _, y in scales), scales
    root = ET.fromstring(svg)
    for group in root.iter(f"{SVG}g"):
        children = list(group)
        for i, line in enumerate(children):
            if line.tag != f"{SVG}line" or "animation-name" not in line.get("style", ""):
                continue
            # Lying along its own x axis, so a stretch along x leaves its width alone ...
            assert line.get("y1") is None and line.get("y2") is None and line.get("x1") is None
            # ... with square ends under the stretch and round ends that do not stretch.
            assert "b" in line.get("class", "").split()
            cap = children[i - 1]
            assert cap.tag == f"{SVG}circle"
            assert float(cap.get("r", "0")) == pytest.approx(float(line.get("stroke-width", 0)) / 2)


def test_the_stretch_check_would_catch_the_old_non_scaling_limbs() -> None:
    old = '<line x2="40" vector-effect="non-scaling-stroke" style="animation-name:k"/>'
    with pytest.raises(AssertionError):
        test_no_part_of_a_figure_draws_its_stroke_in_screen_pixels("old", old)


# --- floors are level under standing figures --------------------------------------------


def _standing(spec: FigureSpec) -> bool:
    """In every keyframe the body rests on its feet alone (one on the floor), head up.

    A wall at the back counts as standing too: it leans nothing on it but the back.
    """
    feet = ("foot_", "heel_", "toe_")
    return all(
        any(c.surface == "floor" and c.part.startswith(feet) for c in frame.contacts)
        and all(c.part.startswith(feet) or c.surface == "wall" for c in frame.contacts)
        and body["head"][1] > body["pelvis"][1]
        for frame, body in zip(spec.frames, spec.bodies(), strict=True)
    )


STANDING = [i for i in figure_ids() if _standing(_spec(i))]


def test_the_standing_figures_are_the_ones_on_their_feet() -> None:
    assert {"hip-circles", "wall-angels", "bodyweight-squats", "standing-side-bend"} <= set(
        STANDING
    )
    assert not {"side-plank-hold", "hollow-body-hold", "supine-spinal-twist"} & set(STANDING)


def _floor(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    moving = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "v")
    return next(e for e in moving.iter() if "g" in (e.get("class") or "").split())


def _standing_feet(spec: FigureSpec, view: str) -> list[tuple[float, float]]:
    """Where each foot on the floor meets it, in SVG units."""
    out: list[tuple[float, float]] = []
    for frame, body in zip(spec.frames, spec.bodies(), strict=True):
        for c in frame.contacts:
            if c.surface == "floor" and c.part.startswith(("foot_", "heel_", "toe_")):
                side = c.part[-1]
                for p in (f"heel_{side}", f"toe_{side}"):
                    x, _, z = body[p]
                    out.append(project(view, (x, 0.0, z))[:2])
    return out


def _level_under(floor: ET.Element, feet: list[tuple[float, float]]) -> bool:
    """The floor is one horizontal stroke through the feet, or a band with level edges
    that holds them."""
    if floor.tag == f"{SVG}path":
        match = re.fullmatch(r"M(-?\d+) (-?\d+)H(-?\d+)", floor.get("d", ""))
        if match is None:
            return False
        return all(abs(fy - float(match[2])) <= TOLERANCE for _, fy in feet)
    if floor.tag == f"{SVG}rect":
        top = float(floor.get("y", "0"))
        bottom = top + float(floor.get("height", "0"))
        return all(top <= fy <= bottom for _, fy in feet)
    return False


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("ident", STANDING)
def test_the_floor_is_level_under_a_standing_figure_in_every_view(ident: str, view: str) -> None:
    spec = dataclasses.replace(_spec(ident), view=view)
    floor = _floor(render(spec, label=ident))
    assert _level_under(floor, _standing_feet(spec, view)), ET.tostring(floor)


@pytest.mark.parametrize(
    ("case", "element"),
    [
        ("a floor drawn along the room's x axis", '<path d="M-40 12L60 -20"/>'),
        ("a level line above the feet", '<path d="M-40 -30H60"/>'),
        ("a band that misses the feet", '<rect y="-60" height="10"/>'),
    ],
    ids=["slanted", "above the feet", "band elsewhere"],
)
def test_the_floor_check_rejects_a_floor_that_is_not_level_under_the_feet(
    case: str, element: str
) -> None:
    floor = ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{element}</svg>')[0]
    feet = _standing_feet(_spec("hip-circles"), "three-quarter")
    assert not _level_under(floor, feet)


# --- wall angels: against a wall nothing passes through ---------------------------------


def test_no_part_of_the_wall_angel_passes_through_the_wall() -> None:
    spec = _spec("wall-angels")
    wall = spec.props.wall
    assert wall is not None
    for body in spec.bodies():
        for name, point in body.items():
            if name in ("nose", "head_base"):
                continue
            # Bones are straight between points on the room side, so none crosses the wall.
            assert distance(point, _radius_of(name), "wall", spec.props) >= -TOLERANCE, name


def _radius_of(name: str) -> float:
    from supple.core.figure import _radius

    return _radius(name)


@pytest.mark.parametrize(
    "part", ["pelvis", "chest_mid", "head", "elbow_r", "elbow_l", "hand_r", "hand_l"]
)
def test_the_wall_angel_keeps_back_head_elbows_and_hands_on_the_wall(part: str) -> None:
    spec = _spec("wall-angels")
    for body in spec.bodies():
        gap = distance(body[part], _radius_of(part), "wall", spec.props)
        assert abs(gap) <= TOLERANCE, (part, gap)


def test_the_wall_angel_slides_from_goalpost_to_overhead() -> None:
    goalpost, overhead = _spec("wall-angels").bodies()
    for s in ("r", "l"):
        # Goalpost: elbows at shoulder height, forearms pointing up.
        assert abs(goalpost[f"elbow_{s}"][1] - goalpost[f"shoulder_{s}"][1]) < 8
        assert goalpost[f"wrist_{s}"][1] - goalpost[f"elbow_{s}"][1] > 20
        # Overhead: hands well above the head.
        assert overhead[f"hand_{s}"][1] > overhead["head"][1] + 20


def test_the_wall_is_drawn_behind_the_whole_figure() -> None:
    spec = _spec("wall-angels")
    root = ET.fromstring(svg_for("wall-angels"))
    moving = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "v")
    panel = next(iter(moving))
    assert panel.tag == f"{SVG}polygon"  # first drawn, so behind the body
    corners = [p.split(",") for p in panel.get("points", "").split()]
    xs = [float(x) for x, _ in corners]
    ys = [float(y) for _, y in corners]
    for body in spec.bodies():
        for name in ("hand_r", "hand_l", "elbow_r", "elbow_l", "head"):
            x, y, _ = project(spec.view, body[name])
            assert min(xs) < x < max(xs) and min(ys) < y < max(ys), name


# --- side plank: side-on, stacked, seen from the front ----------------------------------


def _hold(ident: str) -> Body:
    return _spec(ident).bodies()[-1]


def test_the_side_plank_stacks_hips_and_shoulders_vertically() -> None:
    body = _hold("side-plank-hold")
    assert _from_vertical(_sub(body["hip_l"], body["hip_r"])) < 20
    assert _from_vertical(_sub(body["shoulder_l"], body["shoulder_r"])) < 20
    assert body["hip_l"][1] > body["hip_r"][1] and body["shoulder_l"][1] > body["shoulder_r"][1]


def test_the_side_plank_rests_on_a_forearm_under_the_shoulder_and_stacked_feet() -> None:
    body = _hold("side-plank-hold")
    shoulder, elbow = body["shoulder_r"], body["elbow_r"]
    assert math.hypot(shoulder[0] - elbow[0], shoulder[2] - elbow[2]) < 5
    assert math.hypot(body["ankle_l"][0] - body["ankle_r"][0], 0) < 5
    assert body["ankle_l"][1] > body["ankle_r"][1]
    # The body is one straight line from the feet to the head.
    feet_to_hips = _unit(_sub(body["pelvis"], body["ankle_r"]))
    hips_to_neck = _unit(_sub(body["neck_base"], body["pelvis"]))
    assert math.degrees(math.acos(_dot(feet_to_hips, hips_to_neck))) < 12
    # The top hand rests on the top hip, as the catalog's set-up says.
    assert math.dist(body["hand_l"], body["hip_l"]) < 15


def _chest_normal(body: Body) -> Vec:
    spine = _sub(body["neck_base"], body["waist"])
    across = _sub(body["shoulder_r"], body["shoulder_l"])
    return _unit(_cross(spine, across))


def test_the_side_plank_camera_faces_the_chest() -> None:
    spec = _spec("side-plank-hold")
    for body in spec.bodies():
        facing = abs(_dot(toward_viewer(spec.view), _chest_normal(body)))
        assert facing > math.cos(math.radians(25))


def test_the_side_plank_camera_check_rejects_a_view_along_the_body() -> None:
    body = _hold("side-plank-hold")
    assert abs(_dot(toward_viewer("side"), _chest_normal(body))) < math.cos(math.radians(25))


# --- hollow body: lying, low back down, shoulders and legs a little off the floor -------


def _hollow_problems(body: Body) -> list[str]:
    out: list[str] = []
    if abs(distance(body["pelvis"], 10.0, "floor", _spec("hollow-body-hold").props)) > TOLERANCE:
        out.append("hips off the floor")
    if distance(body["waist"], 9.0, "floor", _spec("hollow-body-hold").props) > 4:
        out.append("lower back lifted")
    trunk = _elevation(body["pelvis"], body["neck_base"])
    if not 10 <= trunk <= 30:
        out.append(f"trunk at {trunk:.0f}°")
    for s in ("r", "l"):
        legs = _elevation(body[f"hip_{s}"], body[f"ankle_{s}"])
        if not 15 <= legs <= 35:
            out.append(f"legs at {legs:.0f}°")
        if math.dist(body[f"hip_{s}"], body[f"ankle_{s}"]) < 82:
            out.append("knees bent")
        # Arms reach towards the feet, low, as the catalog's steps say.
        if body[f"hand_{s}"][0] <= body[f"shoulder_{s}"][0] + 30:
            out.append("arms not reaching towards the feet")
    return out


def test_the_hollow_body_hold_lies_on_its_low_back_with_shoulders_and_legs_lifted() -> None:
    assert _hollow_problems(_hold("hollow-body-hold")) == []


BOATS = [
    (
        "the old figure",
        {"tilt": -90, "lumbar": 15, "thoracic": 20, "neck": 20, "hip_r": 40, "hip_l": 40},
    ),
    (
        "a V-sit",
        {"tilt": -40, "hip_r": 110, "hip_l": 110, "shoulder_r": 80, "shoulder_l": 80},
    ),
    ("lying flat", {"tilt": -90, "shoulder_r": 20, "shoulder_l": 20}),
]


@pytest.mark.parametrize(("case", "angles"), BOATS, ids=[c for c, _ in BOATS])
def test_a_boat_or_a_flat_body_is_not_a_hollow_hold(case: str, angles: dict[str, float]) -> None:
    from supple.core.figure import Contact

    body = place(Pose(angles), (Contact("pelvis"),))
    assert _hollow_problems(body) != []


# --- supine twist: one camera, the trunk seen the same way, the knees visibly dropping ---


def test_the_twist_keeps_both_shoulders_and_hands_on_the_floor_in_every_keyframe() -> None:
    spec = _spec("supine-spinal-twist")
    for body in spec.bodies():
        across = _sub(body["shoulder_l"], body["shoulder_r"])
        assert _from_vertical(across) > 80  # the shoulder line lies flat
        for s in ("r", "l"):
            assert abs(distance(body[f"hand_{s}"], 3.0, "floor", spec.props)) <= TOLERANCE


def test_the_twist_camera_sees_the_trunk_the_same_way_while_the_knees_drop() -> None:
    spec = _spec("supine-spinal-twist")
    bodies = spec.bodies()
    view = toward_viewer(spec.view)
    normals = [_chest_normal(b) for b in bodies]
    facing = [_dot(view, n) for n in normals]
    assert max(facing) - min(facing) < 0.1  # the chest turns no more than a few degrees
    shoulders = [project(spec.view, b["neck_base"])[:2] for b in bodies]
    assert max(math.dist(shoulders[0], s) for s in shoulders) < 5
    knees = [project(spec.view, b["knee_r"])[:2] for b in bodies]
    assert math.dist(knees[0], knees[-1]) > 25  # the drop shows on screen
    first, last = bodies[0], bodies[-1]
    # The knees go to the right (+z), as the catalog's first step says.
    assert last["knee_r"][2] - last["hip_r"][2] > first["knee_r"][2] - first["hip_r"][2] + 30
