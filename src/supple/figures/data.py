"""``figures.yaml``: keyframes as data, validated with FILE:LINE:COLUMN problems.

The figure data is content, like the catalog: a physiotherapist can retune a pose without
touching code. It goes through the plan loader's checker, so its errors read the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources

import yaml

from supple.core.errors import PlanError
from supple.core.figure import (
    CONTACT_PARTS,
    LIMBS,
    LIMITS,
    SURFACES,
    VIEWS,
    Contact,
    FigureSpec,
    Keyframe,
    Pose,
    Props,
    check_pose,
    flat_feet,
)
from supple.core.plan import Exercise
from supple.planfile import FLOAT_TAG as _FLOAT
from supple.planfile import INT_TAG as _INT
from supple.planfile import Checker as _Checker
from supple.planfile import check_format as _format
from supple.planfile import compose as _compose
from supple.planfile import show as _show
from supple.planfile import suggest as _suggest

FIGURES_FILE = "figures.yaml"
_BOOL = "tag:yaml.org,2002:bool"
_FIGURE_KEYS = ("view", "props", "side", "highlight", "reps_per_cycle")
_FRAME_KEYS = ("on", "settle", "x", "stay", "flat")
_PROP_KEYS = ("mat", "bench", "chair", "wall", "roller", "dumbbells", "bike")
_SURFACE_PROP = {"bench": "bench", "wall": "wall", "roller": "roller"}


def _signed(check: _Checker, node: yaml.Node, what: str) -> float | None:
    if not (isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT)):
        check.fail(node, f"{what} must be a number, got {_show(node)}")
        return None
    return float(node.value)


def _flag(check: _Checker, node: yaml.Node, what: str) -> bool:
    if not (isinstance(node, yaml.ScalarNode) and node.tag == _BOOL):
        check.fail(node, f"{what} must be true or false, got {_show(node)}")
        return False
    return str(node.value).lower() in ("true", "yes", "on")


def _props(check: _Checker, node: yaml.Node, what: str) -> tuple[Props, bool, bool]:
    fields = check.mapping(node, what, (), _PROP_KEYS) or {}
    mat = _flag(check, fields["mat"], f"{what} mat") if "mat" in fields else False
    bells = (
        _flag(check, fields["dumbbells"], f"{what} dumbbells") if "dumbbells" in fields else False
    )

    def numbers(key: str, keys: tuple[str, ...]) -> list[float] | None:
        if key not in fields:
            return None
        sub = check.mapping(fields[key], f"{what} {key}", keys)
        if sub is None or len(sub) != len(keys):
            return None
        values = [_signed(check, sub[k], f"{what} {key} {k}") for k in keys]
        return None if any(v is None for v in values) else [float(v or 0.0) for v in values]

    bench = numbers("bench", ("from", "to", "height"))
    # A chair is a bench with a backrest: bodies rest on its seat as on a bench ("@bench").
    chair = numbers("chair", ("from", "to", "height"))
    if chair and bench:
        check.fail(fields["chair"], f"{what}: a figure has a bench or a chair, not both")
    bench = bench or chair
    wall = numbers("wall", ("x",))
    roller = numbers("roller", ("x",))
    bike = numbers("bike", ("x",))
    props = Props(
        bench=(bench[0], bench[1], bench[2]) if bench else None,
        wall=wall[0] if wall else None,
        roller=(roller[0], 7.5) if roller else None,
        bike=(bike[0], 17.0) if bike else None,
        chair=chair is not None,
    )
    return props, mat, bells


def _pose(check: _Checker, node: yaml.Node, what: str) -> dict[str, float] | None:
    if not isinstance(node, yaml.MappingNode):
        check.fail(node, f"{what} must be a mapping of joint names to degrees")
        return None
    angles: dict[str, float] = {}
    ok = True
    for key_node, value_node in node.value:
        joint = str(key_node.value)
        if joint not in LIMITS:
            check.fail(key_node, f"{what}: unknown joint '{joint}'{_suggest(joint, list(LIMITS))}")
            ok = False
            continue
        if joint in angles:
            check.fail(key_node, f"{what}: duplicate joint '{joint}'")
            ok = False
            continue
        value = _signed(check, value_node, f"{what} {joint}")
        if value is None:
            ok = False
            continue
        problems = check_pose({joint: value})
        if problems:
            check.fail(value_node, f"{what}: {problems[0]}")
            ok = False
        angles[joint] = value
    return angles if ok else None


def _contacts(
    check: _Checker, node: yaml.Node, what: str, props: Props
) -> tuple[Contact, ...] | None:
    out: list[Contact] = []
    ok = True
    for i, child in enumerate(check.sequence(node, what, low=0) or []):
        text = check.text(child, f"{what}[{i + 1}]")
        if text is None:
            ok = False
            continue
        part, _, surface = text.partition("@")
        surface = surface or "floor"
        if part not in CONTACT_PARTS:
            check.fail(
                child, f"{what}: unknown body part '{part}'{_suggest(part, list(CONTACT_PARTS))}"
            )
            ok = False
        elif surface not in SURFACES:
            check.fail(child, f"{what}: unknown surface '{surface}'{_suggest(surface, SURFACES)}")
            ok = False
        elif (surface in _SURFACE_PROP and getattr(props, _SURFACE_PROP[surface]) is None) or (
            surface in ("saddle", "pedal", "bars") and props.bike is None
        ):
            prop = _SURFACE_PROP.get(surface, "bike")
            check.fail(child, f"{what}: '{text}' needs a {prop} in this figure's props")
            ok = False
        else:
            out.append(Contact(part, surface))
    return tuple(out) if ok else None


def _frame(check: _Checker, node: yaml.Node, what: str, props: Props) -> Keyframe | None:
    fields = check.mapping(node, what, ("pose",), _FRAME_KEYS)
    if fields is None or "pose" not in fields:
        return None
    before = len(check.problems)
    angles = _pose(check, fields["pose"], f"{what} pose")
    contacts = _contacts(check, fields["on"], f"{what} on", props) if "on" in fields else ()
    settle = _flag(check, fields["settle"], f"{what} settle") if "settle" in fields else False
    x = _signed(check, fields["x"], f"{what} x") if "x" in fields else 0.0
    stay = check.number(fields["stay"], f"{what} stay") if "stay" in fields else 0.0
    flat = (
        check.texts(fields["flat"], f"{what} flat", options=("r", "l")) if "flat" in fields else ()
    )
    if settle and len(contacts or ()) < 2:
        check.fail(fields["settle"], f"{what}: settle needs at least two contacts in 'on'")
    if len(check.problems) != before or angles is None or contacts is None:
        return None
    if flat:
        angles = flat_feet(angles, flat)
        leftover = check_pose(angles)
        if leftover:
            check.fail(fields["flat"], f"{what}: levelling the feet needs {leftover[0]}")
            return None
    return Keyframe(Pose(angles), contacts, settle, x or 0.0, stay or 0.0)


def _figure(check: _Checker, node: yaml.Node, catalog: Mapping[str, Exercise]) -> FigureSpec | None:
    fields = check.mapping(node, "figure", ("exercise", "frames"), _FIGURE_KEYS)
    if fields is None or "exercise" not in fields or "frames" not in fields:
        return None
    before = len(check.problems)
    ident = check.text(fields["exercise"], "figure exercise")
    if ident is not None and ident not in catalog:
        check.fail(
            fields["exercise"], f"unknown exercise '{ident}'{_suggest(ident, sorted(catalog))}"
        )
        return None
    what = f"figure '{ident}'"
    view = (
        check.choice(fields["view"], f"{what} view", tuple(VIEWS)) if "view" in fields else "side"
    )
    props, mat, bells = (
        _props(check, fields["props"], f"{what} props")
        if "props" in fields
        else (Props(), False, False)
    )
    side = (
        check.choice(fields["side"], f"{what} side", ("right", "left"))
        if "side" in fields
        else None
    )
    exercise = catalog[ident] if ident else None
    if exercise is not None and exercise.per is not None and side is None:
        check.fail(
            node,
            f"{what}: is done on each {exercise.per}, so it needs 'side: right' or 'side: left'",
        )
    if exercise is not None and exercise.per is None and side is not None:
        check.fail(fields["side"], f"{what}: is not done per side, so it takes no 'side'")
    highlight = (
        check.texts(fields["highlight"], f"{what} highlight", low=0, options=tuple(LIMBS))
        if "highlight" in fields
        else ()
    )
    reps = (
        check.integer(fields["reps_per_cycle"], f"{what} reps_per_cycle", high=4)
        if "reps_per_cycle" in fields
        else 1
    )
    frames: list[Keyframe] = []
    for i, child in enumerate(
        check.sequence(fields["frames"], f"{what} frames", low=2, high=5) or []
    ):
        frame = _frame(check, child, f"{what} keyframe {i + 1}", props)
        if frame is not None:
            frames.append(frame)
    if len(check.problems) != before or exercise is None or ident is None:
        return None
    return FigureSpec(
        exercise_id=ident,
        frames=tuple(frames),
        tempo_seconds=float(exercise.tempo_seconds),
        view=view or "side",
        props=props,
        mat=mat,
        dumbbells=bells,
        side=side,
        highlight=highlight,
        reps_per_cycle=reps or 1,
    )


def parse_figures(
    text: str, file: str, catalog: Mapping[str, Exercise], *, complete: bool = True
) -> dict[str, FigureSpec]:
    """Validate figure data against ``catalog``; with ``complete`` every exercise needs one."""
    check = _Checker(file)
    root = _compose(text, file)
    fields = check.mapping(root, "figures file", ("format", "figures"))
    figures: dict[str, FigureSpec] = {}
    if fields is not None:
        if "format" in fields:
            _format(check, fields["format"])
        children = check.sequence(fields["figures"], "figures") if "figures" in fields else None
        for child in children or []:
            spec = _figure(check, child, catalog)
            if spec is None:
                continue
            if spec.exercise_id in figures:
                check.fail(child, f"figure for '{spec.exercise_id}' is defined more than once")
                continue
            figures[spec.exercise_id] = spec
        if complete and "figures" in fields and not check.problems:
            for ident in catalog:
                if ident not in figures:
                    check.fail(fields["figures"], f"exercise '{ident}' has no figure")
    if check.problems:
        raise PlanError(check.problems)
    return figures


@functools.cache
def bundled_figures() -> Mapping[str, FigureSpec]:
    from supple.planfile import bundled_catalog

    text = resources.files("supple.content").joinpath(FIGURES_FILE).read_text(encoding="utf-8")
    return parse_figures(text, FIGURES_FILE, bundled_catalog())
