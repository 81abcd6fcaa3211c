"""An articulated human figure: joint angles in, placed 3-D points out.

Exercise figures are drawn from poses rather than stored as pictures, so they stay small,
sharp and free of anyone else's licence. A pose is a set of joint angles, each checked against
an anatomical range (a pose outside it is an error, not a drawing), turned into points by
forward kinematics and then *placed*: moved (and, if asked, pitched) until the body parts that
should rest on the floor, a bench, a wall, a foam roller or a bike do rest there. The checks the
tests run (contact within a tolerance, nothing sunk into a surface) live here too, so the
rules are written once.

World axes: x forward (the figure faces +x at rest), y up, z towards the person's right (the
near side in the default side view). Lengths are centimetres of a 172 cm adult.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from supple.core.errors import SuppleError

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]

SIDES = ("r", "l")

# Segment lengths (cm).
PELVIS_HALF = 9.0
LOWER_TORSO = 22.0
CHEST = 30.0
SHOULDER_DROP = 5.0
SHOULDER_HALF = 16.0
NECK = 7.0
HEAD_R = 10.5
UPPER_ARM = 29.0
FOREARM = 26.0
HAND = 9.0
THIGH = 44.0
SHIN = 43.0
FOOT = 16.0
ANKLE_HEIGHT = 5.0

# Drawn half-thickness of each part (cm): contact and sinking are measured from the surface.
RADIUS = {
    "pelvis": 10.0,
    "waist": 9.0,
    "chest": 11.0,
    # The mid-back point stands for the chest's surface, so it gets the chest's thickness: a
    # supine figure then rests on its shoulder blades as well as its pelvis.
    "chest_mid": 11.0,
    "neck": 4.0,
    "head": HEAD_R,
    "shoulder": 5.0,
    "elbow": 4.0,
    "wrist": 3.5,
    "hand": 3.0,
    "hip": 7.0,
    "thigh": 6.5,
    "knee": 5.5,
    "ankle": 4.0,
    "heel": 1.5,
    "toe": 2.0,
}

TOLERANCE = 2.5
"""How far (cm) a contact may float or press in before it counts as wrong."""


class PoseError(SuppleError):
    """A pose asks a joint to go beyond its anatomical range, or names an unknown joint."""


def _limits() -> dict[str, tuple[float, float]]:
    table: dict[str, tuple[float, float]] = {
        "tilt": (-180.0, 180.0),
        "roll": (-180.0, 180.0),
        "turn": (-180.0, 180.0),
        "lumbar": (-30.0, 60.0),
        "lumbar_bend": (-30.0, 30.0),
        "lumbar_twist": (-15.0, 15.0),
        "thoracic": (-25.0, 45.0),
        "thoracic_bend": (-25.0, 25.0),
        "thoracic_twist": (-45.0, 45.0),
        "neck": (-50.0, 60.0),
        "neck_turn": (-70.0, 70.0),
    }
    for s in SIDES:
        table |= {
            f"hip_{s}": (-30.0, 140.0),
            f"hip_abd_{s}": (-30.0, 75.0),
            f"hip_rot_{s}": (-45.0, 60.0),
            f"knee_{s}": (0.0, 160.0),
            f"ankle_{s}": (-50.0, 35.0),
            f"shoulder_{s}": (-60.0, 185.0),
            f"shoulder_abd_{s}": (-20.0, 180.0),
            f"shoulder_rot_{s}": (-90.0, 90.0),
            f"elbow_{s}": (0.0, 150.0),
            f"wrist_{s}": (-70.0, 80.0),
        }
    return table


LIMITS: Mapping[str, tuple[float, float]] = _limits()
"""Every joint angle a pose may set, with its range in degrees (flexion positive)."""


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees; joints not named stay at 0 (standing tall, arms by the sides)."""

    angles: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = check_pose(self.angles)
        if problems:
            raise PoseError("; ".join(problems))

    def get(self, joint: str) -> float:
        return float(self.angles.get(joint, 0.0))


def check_pose(angles: Mapping[str, float]) -> list[str]:
    """Every way ``angles`` breaks the joint table, as sentences (empty when the pose is fine)."""
    problems: list[str] = []
    for joint, value in angles.items():
        if joint not in LIMITS:
            problems.append(f"unknown joint '{joint}'")
            continue
        low, high = LIMITS[joint]
        if not low <= value <= high:
            problems.append(f"{joint} {value:g}° is outside its range {low:g}° to {high:g}°")
    return problems


# --- small 3-D helpers -------------------------------------------------------------------


def _rx(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))


def _ry(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))


def _rz(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def _mul(a: Mat, b: Mat) -> Mat:
    rows = tuple(
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )
    return rows  # type: ignore[return-value]


def _apply(m: Mat, v: Vec) -> Vec:
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _at(origin: Vec, m: Mat, local: Vec) -> Vec:
    return _add(origin, _apply(m, local))


# --- forward kinematics ------------------------------------------------------------------

Body = dict[str, Vec]
"""Named points: pelvis, waist, neck_base, head, hip_r, knee_r, ankle_r, heel_r, toe_r,
thigh_r, shoulder_r, elbow_r, wrist_r, hand_r (and the _l ones), chest_mid."""

BONES: tuple[tuple[str, str, str], ...] = (
    ("lower_torso", "pelvis", "waist"),
    ("chest", "waist", "neck_base"),
    ("neck", "neck_base", "head_base"),
    *(
        bone
        for s in SIDES
        for bone in (
            (f"thigh_{s}", f"hip_{s}", f"knee_{s}"),
            (f"shin_{s}", f"knee_{s}", f"ankle_{s}"),
            (f"foot_{s}", f"ankle_{s}", f"toe_{s}"),
            (f"upper_arm_{s}", f"shoulder_{s}", f"elbow_{s}"),
            (f"forearm_{s}", f"elbow_{s}", f"wrist_{s}"),
            (f"hand_{s}", f"wrist_{s}", f"hand_{s}"),
        )
    ),
)
"""Each drawn segment: (name, start point, end point)."""


def root_matrix(pose: Pose) -> Mat:
    """Whole-body orientation: turn about the body's long axis, roll, then tilt forward."""
    return _mul(_rz(-pose.get("tilt")), _mul(_rx(pose.get("roll")), _ry(pose.get("turn"))))


def forward(pose: Pose, root: Vec = (0.0, 0.0, 0.0), orient: Mat | None = None) -> Body:
    """Every named point of the figure for ``pose`` with the pelvis at ``root``."""
    g = pose.get
    r0 = orient if orient is not None else root_matrix(pose)
    pts: Body = {"pelvis": root}
    lumbar = _mul(
        r0,
        _mul(_rz(-g("lumbar")), _mul(_rx(g("lumbar_bend")), _ry(g("lumbar_twist")))),
    )
    pts["waist"] = _at(root, lumbar, (0.0, LOWER_TORSO, 0.0))
    chest = _mul(
        lumbar,
        _mul(_rz(-g("thoracic")), _mul(_rx(g("thoracic_bend")), _ry(g("thoracic_twist")))),
    )
    pts["neck_base"] = _at(pts["waist"], chest, (0.0, CHEST, 0.0))
    pts["chest_mid"] = _at(pts["waist"], chest, (0.0, CHEST * 0.6, 0.0))
    neck = _mul(chest, _mul(_rz(-g("neck")), _ry(g("neck_turn"))))
    pts["head_base"] = _at(pts["neck_base"], neck, (0.0, NECK, 0.0))
    pts["head"] = _at(pts["neck_base"], neck, (0.0, NECK + HEAD_R, 0.0))
    pts["nose"] = _at(pts["neck_base"], neck, (HEAD_R, NECK + HEAD_R, 0.0))
    for s, sign in (("r", 1.0), ("l", -1.0)):
        hip_m = _mul(
            r0,
            _mul(_rz(g(f"hip_{s}")), _rx(-sign * g(f"hip_abd_{s}"))),
        )
        thigh = _mul(hip_m, _ry(-sign * g(f"hip_rot_{s}")))
        pts[f"hip_{s}"] = _at(root, r0, (0.0, 0.0, sign * PELVIS_HALF))
        pts[f"knee_{s}"] = _at(pts[f"hip_{s}"], thigh, (0.0, -THIGH, 0.0))
        # The back of the upper thigh, just below the buttock: where a foam roller sits when
        # it rolls off the glute.
        pts[f"thigh_{s}"] = _at(pts[f"hip_{s}"], thigh, (0.0, -THIGH * 0.35, 0.0))
        shin = _mul(thigh, _rz(-g(f"knee_{s}")))
        pts[f"ankle_{s}"] = _at(pts[f"knee_{s}"], shin, (0.0, -SHIN, 0.0))
        foot = _mul(shin, _rz(g(f"ankle_{s}")))
        pts[f"heel_{s}"] = _at(pts[f"ankle_{s}"], foot, (-2.0, -ANKLE_HEIGHT, 0.0))
        pts[f"toe_{s}"] = _at(pts[f"ankle_{s}"], foot, (FOOT, -ANKLE_HEIGHT + 1.5, 0.0))
        shoulder = _at(pts["waist"], chest, (0.0, CHEST - SHOULDER_DROP, sign * SHOULDER_HALF))
        pts[f"shoulder_{s}"] = shoulder
        arm = _mul(
            chest,
            _mul(
                _rx(-sign * g(f"shoulder_abd_{s}")),
                _mul(_rz(g(f"shoulder_{s}")), _ry(sign * g(f"shoulder_rot_{s}"))),
            ),
        )
        pts[f"elbow_{s}"] = _at(shoulder, arm, (0.0, -UPPER_ARM, 0.0))
        fore = _mul(arm, _rz(g(f"elbow_{s}")))
        pts[f"wrist_{s}"] = _at(pts[f"elbow_{s}"], fore, (0.0, -FOREARM, 0.0))
        hand = _mul(fore, _rz(g(f"wrist_{s}")))
        pts[f"hand_{s}"] = _at(pts[f"wrist_{s}"], hand, (0.0, -HAND, 0.0))
    return pts


def _radius(point: str) -> float:
    base = point.rsplit("_", 1)[0] if point.endswith(("_r", "_l")) else point
    return RADIUS.get(base, RADIUS.get(point, 4.0))


# --- surfaces and contacts ---------------------------------------------------------------

CONTACT_PARTS: Mapping[str, tuple[str, ...]] = {
    "head": ("head",),
    "back": ("pelvis", "chest_mid"),
    "upper_back": ("chest_mid",),
    "shoulders": ("neck_base",),
    "pelvis": ("pelvis",),
    **{
        f"{part}_{s}": tuple(f"{p}_{s}" for p in points)
        for s in SIDES
        for part, points in (
            ("foot", ("heel", "toe")),
            ("heel", ("heel",)),
            ("toe", ("toe",)),
            ("knee", ("knee",)),
            ("thigh", ("thigh",)),
            ("shin", ("knee", "ankle")),
            ("hip", ("hip",)),
            ("shoulder", ("shoulder",)),
            ("hand", ("hand",)),
            ("forearm", ("elbow", "wrist")),
            ("elbow", ("elbow",)),
        )
    },
}
"""Contact names used in figure data, each the body points that must touch."""

SURFACES = ("floor", "bench", "wall", "roller", "saddle", "pedal", "bars")


@dataclass(frozen=True)
class Props:
    """Where the props are (cm). A missing prop cannot be touched."""

    bench: tuple[float, float, float] | None = None  # x from, x to, top height
    wall: float | None = None  # x of the wall face; the body stays on the +x side
    roller: tuple[float, float] | None = None  # centre x, radius (it lies on the floor)
    bike: tuple[float, float] | None = None  # x of the bottom bracket, crank length
    chair: bool = False  # the bench is a chair seat, drawn with a backrest at its rear (x from)


BIKE_SADDLE = (-14.0, 88.0)  # relative to the bottom bracket (x) and the floor (y)
BIKE_BARS = (42.0, 100.0)
BIKE_BB_HEIGHT = 28.0


def distance(point: Vec, radius: float, surface: str, props: Props) -> float:
    """Signed gap between a part's surface and ``surface`` (negative means sunk into it)."""
    x, y, _ = point
    if surface == "floor":
        return y - radius
    if surface == "bench" and props.bench is not None:
        x0, x1, top = props.bench
        return y - radius - top if x0 - radius <= x <= x1 + radius else math.inf
    if surface == "wall" and props.wall is not None:
        return x - radius - props.wall
    if surface == "roller" and props.roller is not None:
        cx, r = props.roller
        return math.hypot(x - cx, y - r) - r - radius
    if props.bike is not None:
        bb, crank = props.bike
        if surface == "saddle":
            return math.hypot(x - (bb + BIKE_SADDLE[0]), y - BIKE_SADDLE[1]) - radius
        if surface == "pedal":
            return abs(math.hypot(x - bb, y - BIKE_BB_HEIGHT) - crank) - radius
        if surface == "bars":
            return math.hypot(x - (bb + BIKE_BARS[0]), y - BIKE_BARS[1]) - radius
    return math.inf


@dataclass(frozen=True)
class Contact:
    """A named part that must rest on a surface."""

    part: str
    surface: str = "floor"


def _gap(body: Body, contact: Contact, props: Props) -> float:
    """The largest miss among a contact's points (0 when they all touch)."""
    gaps = [
        distance(body[p], _radius(p), contact.surface, props) for p in CONTACT_PARTS[contact.part]
    ]
    return max(gaps, key=abs)


def _moved(body: Body, dx: float, dy: float) -> Body:
    return {k: (v[0] + dx, v[1] + dy, v[2]) for k, v in body.items()}


def _pitched(body: Body, pivot: Vec, deg: float) -> Body:
    m = _rz(deg)
    return {
        k: _add(pivot, _apply(m, (v[0] - pivot[0], v[1] - pivot[1], v[2] - pivot[2])))
        for k, v in body.items()
    }


def _anchor(body: Body, contact: Contact, x: float, props: Props) -> Body:
    """Move the body so the contact's first point touches its surface at ``x`` (if horizontal)."""
    name = CONTACT_PARTS[contact.part][0]
    px, py, _ = body[name]
    r = _radius(name)
    if contact.surface == "wall" and props.wall is not None:
        return _moved(body, props.wall + r - px, 0.0)
    if contact.surface == "roller" and props.roller is not None:
        cx, rr = props.roller
        return _moved(body, cx - px, 2 * rr + r - py)
    if contact.surface == "bench" and props.bench is not None:
        return _moved(body, x - px, props.bench[2] + r - py)
    if contact.surface == "saddle" and props.bike is not None:
        sx, sy = props.bike[0] + BIKE_SADDLE[0], BIKE_SADDLE[1]
        return _moved(body, sx - px, sy + r - py)
    return _moved(body, x - px, r - py)


def place(
    pose: Pose,
    contacts: tuple[Contact, ...],
    props: Props = Props(),
    *,
    x: float = 0.0,
    pitch_to_second: bool = False,
) -> Body:
    """Put the figure where its contacts touch.

    The first contact anchors the body (at ``x`` on a horizontal surface). With
    ``pitch_to_second`` the whole body then rotates about that contact, within ±90°, until
    the second contact touches too: this is how a lying or leaning figure settles onto its
    back, a roller or a bench without hand-tuning the trunk angle.
    """
    body = forward(pose)
    if not contacts:
        return body
    first = contacts[0]
    body = _anchor(body, first, x, props)
    wall_contacts = [c for c in contacts[1:] if c.surface == "wall"]
    if wall_contacts and first.surface != "wall":
        gap = _gap(body, wall_contacts[0], props)
        body = _moved(body, -gap, 0.0)
    if pitch_to_second and len(contacts) > 1:
        pivot = body[CONTACT_PARTS[first.part][0]]
        second = contacts[1]

        def gap_at(deg: float) -> float:
            return _gap(_pitched(body, pivot, deg), second, props)

        lo, hi = _bracket(gap_at)
        for _ in range(50):
            mid = (lo + hi) / 2
            if (gap_at(lo) > 0) == (gap_at(mid) > 0):
                lo = mid
            else:
                hi = mid
        body = _pitched(body, pivot, (lo + hi) / 2)
        body = _anchor(body, first, body[CONTACT_PARTS[first.part][0]][0], props)
    return body


def _bracket(gap_at: object) -> tuple[float, float]:
    """The smallest rotation range around 0 over which the gap changes sign."""
    assert callable(gap_at)
    start = gap_at(0.0)
    for step in range(1, 91):
        for deg in (float(step), float(-step)):
            if (gap_at(deg) > 0) != (start > 0):
                return (0.0, deg)
    raise PoseError("no rotation brings the second contact onto its surface")


def contact_problems(body: Body, contacts: tuple[Contact, ...], props: Props) -> list[str]:
    """Contacts that float or press in by more than the tolerance."""
    out: list[str] = []
    for c in contacts:
        for p in CONTACT_PARTS[c.part]:
            gap = distance(body[p], _radius(p), c.surface, props)
            if abs(gap) > TOLERANCE:
                out.append(f"{c.part} is {gap:+.1f} cm from the {c.surface}")
    return out


def sinking_problems(body: Body, props: Props) -> list[str]:
    """Body points that sink into the floor or a prop by more than the tolerance."""
    out: list[str] = []
    for name, point in body.items():
        if name in ("nose", "head_base"):
            continue
        r = _radius(name)
        for surface in ("floor", "bench", "wall", "roller"):
            gap = distance(point, r, surface, props)
            if surface == "bench" and props.bench is not None and gap < -TOLERANCE:
                # Below the top counts only while inside the bench's height (not beside it).
                x0, x1, top = props.bench
                inside = x0 + r < point[0] < x1 - r and point[1] < top
                if not inside:
                    continue
            if gap < -TOLERANCE:
                out.append(f"{name} sinks {-gap:.1f} cm into the {surface}")
    return out


def flat_feet(angles: Mapping[str, float], sides: tuple[str, ...]) -> dict[str, float]:
    """``angles`` with the ankles of ``sides`` turned so each sole lies level.

    The result is not range-checked here: the caller reports a levelled ankle that ends up
    beyond its range as a problem with the figure data.
    """
    out = dict(angles)
    for s in sides:
        for _ in range(3):
            raw = object.__new__(Pose)
            object.__setattr__(raw, "angles", out)
            body = forward(raw)
            heel, toe = body[f"heel_{s}"], body[f"toe_{s}"]
            run = math.hypot(toe[0] - heel[0], toe[2] - heel[2])
            slope = math.degrees(math.atan2(toe[1] - heel[1], run))
            out[f"ankle_{s}"] = round(out.get(f"ankle_{s}", 0.0) - slope, 1)
    return out


# --- a whole figure ------------------------------------------------------------------------

VIEWS: Mapping[str, tuple[float, float]] = {
    "side": (0.0, 0.0),
    "high": (0.0, 30.0),
    "front": (-90.0, 0.0),
    "front-high": (-90.0, 25.0),
    "three-quarter": (-60.0, 30.0),
    "top": (0.0, 70.0),
    "above-side": (0.0, 45.0),
}
"""Camera presets: (yaw, elevation) in degrees; "side" shows the person's right side, "top"
looks down on a figure lying on the floor; "above-side" looks down at 45 degrees from the
right, where knees bent up and knees dropped towards the camera read in one view."""


def toward_viewer(view: str) -> Vec:
    """The unit vector from the figure towards the camera of ``view`` (world axes).

    The renderer's depth axis: a body axis parallel to it is seen end-on, one at right angles
    to it is seen at full length.
    """
    yaw, elev = (math.radians(a) for a in VIEWS[view])
    return (-math.cos(elev) * math.sin(yaw), math.sin(elev), math.cos(elev) * math.cos(yaw))


LIMBS: Mapping[str, tuple[str, ...]] = {
    "trunk": ("lower_torso", "chest"),
    **{
        f"{limb}_{s}": tuple(f"{b}_{s}" for b in bones)
        for s in SIDES
        for limb, bones in (
            ("leg", ("thigh", "shin", "foot")),
            ("arm", ("upper_arm", "forearm", "hand")),
        )
    },
}
"""Highlight names and the segments they light up."""


@dataclass(frozen=True)
class Keyframe:
    """One position of the movement and how it rests on its surfaces."""

    pose: Pose
    contacts: tuple[Contact, ...] = ()
    settle: bool = False
    x: float = 0.0
    stay: float = 0.0


@dataclass(frozen=True)
class FigureSpec:
    """Everything needed to draw one exercise: keyframes, props, camera and timing."""

    exercise_id: str
    frames: tuple[Keyframe, ...]
    tempo_seconds: float
    view: str = "side"
    props: Props = Props()
    mat: bool = False
    dumbbells: bool = False
    side: str | None = None
    highlight: tuple[str, ...] = ()
    reps_per_cycle: int = 1

    def bodies(self) -> list[Body]:
        """Each keyframe, placed."""
        return [
            place(f.pose, f.contacts, self.props, x=f.x, pitch_to_second=f.settle)
            for f in self.frames
        ]

    def timeline(self) -> list[tuple[float, float]]:
        """(arrive, leave) seconds of each keyframe in one loop; the loop ends back at the start.

        Moving between keyframes shares the tempo evenly; a keyframe's ``stay`` is a pause
        there (how a hold eases in and stays).
        """
        move = self.tempo_seconds * self.reps_per_cycle / len(self.frames)
        out: list[tuple[float, float]] = []
        t = 0.0
        for i, f in enumerate(self.frames):
            if i:
                t += move
            out.append((t, t + f.stay))
            t += f.stay
        return out

    def cycle_seconds(self) -> float:
        return self.timeline()[-1][1] + self.tempo_seconds * self.reps_per_cycle / len(self.frames)


def figure_problems(spec: FigureSpec) -> list[str]:
    """Every contact that misses and every part sunk into a surface, frame by frame."""
    out: list[str] = []
    for i, (frame, body) in enumerate(zip(spec.frames, spec.bodies(), strict=True)):
        for p in contact_problems(body, frame.contacts, spec.props):
            out.append(f"keyframe {i + 1}: {p}")
        for p in sinking_problems(body, spec.props):
            out.append(f"keyframe {i + 1}: {p}")
    return out
