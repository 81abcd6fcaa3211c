"""Figures as SVG: CSS keyframe animation between placed poses, or one still frame.

The figure is a tree of groups (pelvis → spine → arms, pelvis → legs), each rotated and
moved in its parent's frame, so CSS interpolates joint angles and the joints never come
apart mid-move. Colours come from ``currentColor`` and CSS variables, so the host page's
light or dark theme applies; the working limbs use ``--supple-figure-accent``. Under
``prefers-reduced-motion`` the animation is replaced by the keyframes side by side.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from supple.core.figure import (
    BIKE_BARS,
    BIKE_BB_HEIGHT,
    BIKE_SADDLE,
    BONES,
    HEAD_R,
    LIMBS,
    NECK,
    VIEWS,
    Body,
    FigureSpec,
)

_PARENT = {
    "lower_torso": "",
    "chest": "lower_torso",
    "neck": "chest",
    "shoulders": "chest",
    **{
        f"{b}_{s}": p
        for s in ("r", "l")
        for b, p in (
            ("thigh", ""),
            ("shin", f"thigh_{s}"),
            ("foot", f"shin_{s}"),
            ("upper_arm", "chest"),
            ("forearm", f"upper_arm_{s}"),
            ("hand", f"forearm_{s}"),
        )
    },
}
_WIDTH = {
    "lower_torso": 19.0,
    "chest": 23.0,
    "neck": 8.0,
    "shoulders": 9.0,
    "thigh": 13.0,
    "shin": 10.0,
    "foot": 6.0,
    "upper_arm": 9.0,
    "forearm": 7.5,
    "hand": 6.0,
}
_ENDS = {name: (a, b) for name, a, b in BONES} | {"shoulders": ("shoulder_l", "shoulder_r")}
"""Each drawn segment's end points; the shoulder girdle joins the arms across the chest, so
arms seen from the front or from above stay attached to the body."""
_MARGIN = 6.0


@dataclass(frozen=True)
class _Node:
    """One segment's placement in its parent's frame, for one keyframe (SVG units)."""

    tx: float
    ty: float
    angle: float
    length: float


def _camera(view: str) -> tuple[float, float]:
    return VIEWS[view]


def project(view: str, p: tuple[float, float, float]) -> tuple[float, float, float]:
    """World point → (svg x, svg y, depth towards the viewer)."""
    yaw, elev = (math.radians(a) for a in _camera(view))
    x = math.cos(yaw) * p[0] + math.sin(yaw) * p[2]
    z = -math.sin(yaw) * p[0] + math.cos(yaw) * p[2]
    y = math.cos(elev) * p[1] - math.sin(elev) * z
    depth = math.sin(elev) * p[1] + math.cos(elev) * z
    return (x, -y, depth)


def _nodes(view: str, body: Body) -> dict[str, _Node]:
    pts = {k: project(view, v) for k, v in body.items()}
    absolute: dict[str, float] = {"": 0.0}
    out: dict[str, _Node] = {}
    for name, parent in _PARENT.items():
        a, b = _ENDS[name]
        if name == "neck":
            b = "head"
        sx, sy, _ = pts[a]
        ex, ey, _ = pts[b]
        ang = math.degrees(math.atan2(ey - sy, ex - sx))
        absolute[name] = ang
        if parent:
            px, py, _ = pts[_ENDS[parent][0]]
        else:
            px, py, _ = pts["pelvis"]
        pa = math.radians(absolute[parent])
        dx, dy = sx - px, sy - py
        lx = math.cos(pa) * dx + math.sin(pa) * dy
        ly = -math.sin(pa) * dx + math.cos(pa) * dy
        length = math.hypot(ex - sx, ey - sy)
        out[name] = _Node(lx, ly, ang - absolute[parent], length)
    px, py, _ = pts["pelvis"]
    out[""] = _Node(px, py, 0.0, 0.0)
    return out


def _unwrap(values: Sequence[float]) -> list[float]:
    out = [values[0]]
    for v in values[1:]:
        prev = out[-1]
        out.append(v + 360.0 * round((prev - v) / 360.0))
    return out


def _n(v: float) -> str:
    r = round(v)
    return "0" if r == 0 else str(r)


@dataclass(frozen=True)
class _Layout:
    spec: FigureSpec
    frames: list[dict[str, _Node]]
    near: str  # "r", "l" or "" when neither side is nearer
    box: tuple[float, float, float, float]  # min x, min y, width, height
    lit: frozenset[str]


def _layout(spec: FigureSpec) -> _Layout:
    bodies = spec.bodies()
    frames = [_nodes(spec.view, b) for b in bodies]
    first = {k: project(spec.view, v) for k, v in bodies[0].items()}
    depth_r = sum(first[f"{p}_r"][2] for p in ("hip", "shoulder", "knee"))
    depth_l = sum(first[f"{p}_l"][2] for p in ("hip", "shoulder", "knee"))
    near = "" if abs(depth_r - depth_l) < 10 else ("r" if depth_r > depth_l else "l")
    xs: list[float] = []
    ys: list[float] = []
    for body in bodies:
        for name, p in body.items():
            x, y, _ = project(spec.view, p)
            pad = HEAD_R if name == "head" else 8.0
            xs += [x - pad, x + pad]
            ys += [y - pad, y + pad]
    for x, y in _prop_points(spec, min(xs), max(xs)):
        xs.append(x)
        ys.append(y)
    x0, y0 = min(xs) - _MARGIN, min(ys) - _MARGIN
    box = (x0, y0, max(xs) + _MARGIN - x0, max(ys) + _MARGIN - y0)
    lit = frozenset(seg for limb in spec.highlight for seg in LIMBS[limb])
    if "chest" in lit:
        lit |= {"shoulders"}
    return _Layout(spec, frames, near, box, lit)


# --- props -------------------------------------------------------------------------------


def _prop_points(spec: FigureSpec, x0: float, x1: float) -> list[tuple[float, float]]:
    pts = [project(spec.view, (x, 0.0, z))[:2] for x in (x0, x1) for z in (-25.0, 25.0)]
    props = spec.props
    if props.bench:
        pts += [project(spec.view, (props.bench[i], props.bench[2], 0.0))[:2] for i in (0, 1)]
        if props.chair:
            top = props.bench[2] + CHAIR_BACK
            pts.append(project(spec.view, (props.bench[0], top, 0.0))[:2])
    if props.wall is not None:
        top = _wall_height(spec)
        zs = [p[2] for body in spec.bodies() for p in body.values()]
        pts += [project(spec.view, (props.wall, top, z))[:2] for z in (min(zs), max(zs))]
    if props.bike:
        bb = props.bike[0]
        pts += [(bb - 74.0, -68.0), (bb + 94.0, 0.0), (bb + BIKE_BARS[0], -BIKE_BARS[1] - 4)]
    return pts


CHAIR_BACK = 45.0
"""Height (cm) of a chair's backrest above its seat."""

WALL_ABOVE = 15.0
"""How far (cm) a wall reaches above the highest point of the figure."""


def _wall_height(spec: FigureSpec) -> float:
    return max(p[1] for body in spec.bodies() for p in body.values()) + WALL_ABOVE


def _floor_patch(lay: _Layout) -> tuple[float, float, float, float]:
    """The floor under the figure seen from above: (left, top, right, bottom) in SVG units.

    The patch is a rectangle lined up with the camera, not with the room, so its edges are
    level in every view: a standing figure seen from three-quarters stands on a level floor.
    It spans the shadow of every body point near the floor, and the foot of a wall.
    """
    spec = lay.spec
    low = [(p[0], 0.0, p[2]) for body in spec.bodies() for p in body.values() if p[1] < 20]
    if spec.props.wall is not None:
        low += [(spec.props.wall, 0.0, p[2]) for p in low]
    shadows = [project(spec.view, p) for p in low]
    rise = math.sin(math.radians(VIEWS[spec.view][1])) * 12
    return (
        min(x for x, _, _ in shadows) - 12,
        min(y for _, y, _ in shadows) - rise,
        max(x for x, _, _ in shadows) + 12,
        max(y for _, y, _ in shadows) + rise,
    )


def _wall(lay: _Layout) -> str:
    """The wall's face: a line seen edge-on from the side, a panel from anywhere else."""
    spec = lay.spec
    wall = spec.props.wall
    assert wall is not None
    top = _wall_height(spec)
    if spec.view == "side":
        return f'<path class="p" d="M{_n(wall - 2)} 0V{_n(-top)}" stroke-width="4"/>'
    zs = [p[2] for body in spec.bodies() for p in body.values()]
    za, zb = min(zs) - 15, max(zs) + 15
    corners = [(wall, 0.0, za), (wall, 0.0, zb), (wall, top, zb), (wall, top, za)]
    pts = " ".join(f"{_n(x)},{_n(y)}" for x, y, _ in (project(spec.view, c) for c in corners))
    return f'<polygon class="m" points="{pts}"/>'


def _props_svg(lay: _Layout) -> str:
    spec, view = lay.spec, lay.spec.view
    x0, _, w, _ = lay.box
    xa, xb = x0 + 4, x0 + w - 4
    out: list[str] = []
    if spec.props.wall is not None:
        out.append(_wall(lay))
    if VIEWS[view][1]:
        # Seen from above, the floor is a faint level band under the figure, and a mat a thin
        # level band along its near edge (a block under a seated figure would read as a seat).
        left, top, right, bottom = _floor_patch(lay)
        if spec.mat:
            out.append(
                f'<rect class="m g" x="{_n(left)}" y="{_n(bottom - 3)}" '
                f'width="{_n(right - left)}" height="3" rx="1"/>'
            )
        else:
            out.append(
                f'<rect class="m l g" x="{_n(xa)}" y="{_n(top)}" '
                f'width="{_n(xb - xa)}" height="{_n(bottom - top)}" rx="2"/>'
            )
    elif spec.mat:
        out.append(
            f'<rect class="m g" x="{_n(xa)}" y="0" width="{_n(xb - xa)}" height="2.5" rx="1"/>'
        )
    else:
        out.append(f'<path class="p g" d="M{_n(xa)} 0H{_n(xb)}" stroke-width="2"/>')
    p = spec.props
    if p.bench:
        a, b, top = p.bench
        back = f"M{_n(a + 2)} {_n(-top)}V{_n(-top - CHAIR_BACK)}" if p.chair else ""
        out.append(
            f'<path class="p" d="M{_n(a)} {_n(-top)}H{_n(b)}M{_n(a + 4)} {_n(-top)}V0'
            f'M{_n(b - 4)} {_n(-top)}V0{back}" stroke-width="5"/>'
        )
    if p.roller:
        cx, r = p.roller
        out.append(f'<circle class="p" cx="{_n(cx)}" cy="{_n(-r)}" r="{r:g}" stroke-width="3"/>')
    if p.bike:
        bb, crank = p.bike
        sx, sy = bb + BIKE_SADDLE[0], -BIKE_SADDLE[1]
        hx, hy = bb + BIKE_BARS[0], -BIKE_BARS[1]
        rear, front = bb - 40, bb + 60
        out.append(
            f'<g class="p" stroke-width="3"><circle cx="{_n(rear)}" cy="-34" r="34"/>'
            f'<circle cx="{_n(front)}" cy="-34" r="34"/>'
            f'<circle cx="{_n(bb)}" cy="{_n(-BIKE_BB_HEIGHT)}" r="{_n(crank)}" stroke-width="1"/>'
            f'<path d="M{_n(rear)} -34L{_n(bb)} {_n(-BIKE_BB_HEIGHT)}L{_n(sx + 4)} {_n(sy + 4)}'
            f"M{_n(sx - 6)} {_n(sy)}h14M{_n(bb)} {_n(-BIKE_BB_HEIGHT)}L{_n(hx - 8)} {_n(hy + 14)}"
            f"L{_n(hx)} {_n(hy)}M{_n(hx - 8)} {_n(hy + 14)}L{_n(front)} -34M{_n(rear)} -34"
            f'L{_n(sx + 2)} {_n(sy + 6)}"/></g>'
        )
    return "".join(out)


# --- the figure tree ---------------------------------------------------------------------


def _children(name: str, near: str) -> list[str]:
    far = {"r": "l", "l": "r"}.get(near, "")
    order_sides = [far, near] if near else ["l", "r"]
    if name == "":
        return [f"thigh_{order_sides[0]}", "lower_torso", f"thigh_{order_sides[1]}"]
    if name == "lower_torso":
        return ["chest"]
    if name == "chest":
        return [f"upper_arm_{order_sides[0]}", "neck", f"upper_arm_{order_sides[1]}"]
    base, _, side = name.rpartition("_")
    nxt = {"thigh": "shin", "shin": "foot", "upper_arm": "forearm", "forearm": "hand"}.get(base)
    return [f"{nxt}_{side}"] if nxt else []


class _Writer:
    """Builds the nested groups, either animated (CSS) or fixed at one keyframe."""

    def __init__(self, lay: _Layout, prefix: str, frame: int | None) -> None:
        self.lay = lay
        self.prefix = prefix
        self.frame = frame
        self.keyframes: list[str] = []
        self.counter = 0

    def _values(self, name: str) -> tuple[list[float], list[float], list[float], list[float]]:
        nodes = [f[name] for f in self.lay.frames]
        nodes.append(nodes[0])  # the loop ends where it started
        return (
            [n.tx for n in nodes],
            [n.ty for n in nodes],
            _unwrap([n.angle for n in nodes]),
            [n.length for n in nodes],
        )

    def _animate(self, name: str) -> tuple[str, str]:
        """(group attributes, line attributes) for one node."""
        tx, ty, ang, ln = self._values(name)
        if self.frame is not None:
            i = self.frame
            rot = f" rotate({_n(ang[i])})" if _n(ang[i]) != "0" else ""
            return f' transform="translate({_n(tx[i])} {_n(ty[i])}){rot}"', f' x2="{_n(ln[i])}"'
        moves = _n(max(tx) - min(tx)) != "0" or _n(max(ty) - min(ty)) != "0"
        turns = _n(max(ang) - min(ang)) != "0"
        grows = abs(max(ln) - min(ln)) > 1.5
        static_t = f"translate:{_n(tx[0])}px {_n(ty[0])}px;" if not moves else ""
        static_r = f"rotate:{_n(ang[0])}deg;" if not turns and _n(ang[0]) != "0" else ""
        group = static_t + static_r
        line = f' x2="{_n(ln[0])}"'
        if moves or turns:
            key = f"{self.prefix}{self.counter}"
            self.counter += 1
            self.keyframes.append(
                self._rule(
                    key,
                    lambda i: (
                        (f"translate:{_n(tx[i])}px {_n(ty[i])}px;" if moves else "")
                        + (f"rotate:{_n(ang[i])}deg" if turns else "")
                    ),
                )
            )
            group += f"animation-name:{key}"
        if grows:
            # A limb whose drawn length changes (it turns towards or away from the camera) is
            # stretched along its own axis only, so its width stays the width of every other
            # limb at every size; its round ends are circles that do not stretch (see node()).
            key = f"{self.prefix}{self.counter}"
            self.counter += 1
            base = max(ln)
            self.keyframes.append(self._rule(key, lambda i: f"scale:{ln[i] / base:.3f} 1"))
            line = f' x2="{_n(base)}" style="animation-name:{key}"'
        attrs = (' class="a"' if "animation" in group else "") + (
            f' style="{group}"' if group else ""
        )
        return attrs, line

    def _rule(self, key: str, value: object) -> str:
        assert callable(value)
        spec = self.lay.spec
        total = spec.cycle_seconds()
        stops: list[str] = []
        n = len(spec.frames)
        for i, (arrive, leave) in enumerate(spec.timeline()):
            marks = [arrive] if leave == arrive else [arrive, leave]
            pct = ",".join(f"{100 * t / total:.3g}%" for t in marks)
            stops.append(f"{pct}{{{value(i)}}}")
        stops.append(f"100%{{{value(n)}}}")
        return f"@keyframes {key}{{{''.join(stops)}}}"

    def _end_cap(self, name: str, cap: str) -> str:
        """A stretching leaf's far end: the round cap carried along its tip by a translation."""
        ln = self._values(name)[3]
        if self.frame is not None:
            return f'<g transform="translate({_n(ln[self.frame])} 0)">{cap}</g>'
        key = f"{self.prefix}{self.counter}"
        self.counter += 1
        self.keyframes.append(self._rule(key, lambda i: f"translate:{_n(ln[i])}px 0"))
        return f'<g class="a" style="animation-name:{key}">{cap}</g>'

    def node(self, name: str, cap: str = "") -> str:
        """One segment's group with its children; ``cap`` is the parent's end cap, if any."""
        lay = self.lay
        if name == "":
            attrs, _ = self._animate("")
            inner = "".join(self.node(c) for c in _children("", lay.near))
            return f"<g{attrs}>{inner}</g>"
        attrs, line = self._animate(name)
        base, _, side = name.rpartition("_")
        kind = base if side in ("r", "l") else name
        width = _WIDTH[kind]
        lit = name in lay.lit
        # The far side is drawn lighter and thinner, unless it is the limb that works.
        far = bool(side in ("r", "l") and lay.near and side != lay.near and not lit)
        if far:
            width *= 0.85
        stretches = "animation-name" in line
        classes = (["w"] if lit else []) + (["a", "b"] if stretches else [])
        cls = f' class="{" ".join(classes)}"' if classes else ""
        width = float(f"{width:.3g}")  # as written, so a round end matches its line exactly
        dot = f'<circle r="{width / 2:g}" class="h{" w" if lit else ""}"/>'
        kids = _children(name, lay.near)
        # Where a stretching segment ends, a child starting there carries its round cap.
        at_end = [k for k in kids if _ENDS[k][0] == _ENDS[name][1]] if stretches else []
        if name == "neck":
            seg = (
                f'<line x2="{_n(NECK)}" stroke-width="{_n(width)}"/>'
                f'<circle cx="{_n(NECK + HEAD_R)}" r="{HEAD_R:g}" class="h"/>'
            )
        else:
            seg = (dot if stretches else "") + f'<line{line} stroke-width="{width:.3g}"{cls}/>'
        lit_cls = ' class="w"' if lit else ""
        bells = (
            f'<path d="M0 -6v12" stroke-width="7"{lit_cls}/>'
            if kind == "hand" and lay.spec.dumbbells
            else ""
        )
        if stretches and not at_end:
            seg += self._end_cap(name, dot + bells)
        elif bells:
            seg += f'<g transform="translate({_n(self._values(name)[3][0])} 0)">{bells}</g>'

        def child(k: str) -> str:
            return self.node(k, dot if k in at_end else "")

        if name == "chest":
            inner = child(kids[0]) + seg + child("shoulders") + child("neck") + child(kids[2])
        else:
            inner = seg + "".join(child(c) for c in kids)
        if far and kind in ("thigh", "upper_arm"):
            attrs = (
                attrs.replace(' class="a"', ' class="a f"')
                if ' class="a"' in attrs
                else attrs + ' class="f"'
            )
        return f"<g{attrs}>{cap}{inner}</g>"


def _style(prefix: str, seconds: float, keyframes: Sequence[str]) -> str:
    s = f".{prefix}"
    return (
        f"<style>{s}{{fill:none;stroke:currentColor;stroke-linecap:round;stroke-linejoin:round}}"
        f"{s} .h{{fill:currentColor;stroke:none}}{s} .b{{stroke-linecap:butt}}"
        f"{s} .h.w{{fill:var(--supple-figure-accent,#e8590c)}}"
        f"{s} .f{{opacity:.5}}"
        f"{s} .w{{stroke:var(--supple-figure-accent,#e8590c)}}"
        f"{s} .p{{opacity:.4}}{s} .m{{fill:currentColor;stroke:none;opacity:.15}}"
        f"{s} .l{{opacity:.07}}"
        f"{s} .a{{animation:{seconds:.3g}s ease-in-out infinite both}}"
        f"{s} .s{{display:none}}"
        f"@media (prefers-reduced-motion:reduce){{{s} .a{{animation:none}}"
        f"{s} .v{{display:none}}{s} .s{{display:inline}}}}" + "".join(keyframes) + "</style>"
    )


def _svg_open(lay: _Layout, prefix: str, mirrored: bool, label: str) -> str:
    x0, y0, w, h = lay.box
    vx = -(x0 + w) if mirrored else x0
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(vx)} {_n(y0)} {_n(w)} {_n(h)}" '
        f'class="{prefix}" role="img" aria-label="{html.escape(label)}">'
    )


def render(
    spec: FigureSpec, *, label: str, mirrored: bool = False, animated: bool = True, frame: int = -1
) -> str:
    """The SVG text for ``spec``: animated with a reduced-motion strip, or one still keyframe."""
    lay = _layout(spec)
    side = "l" if mirrored else "r"
    prefix = f"sf-{spec.exercise_id}-{side if spec.side else 'n'}{'' if animated else 's'}"
    flip = ' transform="scale(-1 1)"' if mirrored else ""
    props = _props_svg(lay)
    n = len(spec.frames)
    if not animated:
        body = _Writer(lay, prefix, frame % n).node("")
        return (
            _svg_open(lay, prefix, mirrored, label)
            + _style(prefix, 1, [])
            + f"<g{flip}>{props}{body}</g></svg>"
        )
    writer = _Writer(lay, prefix, None)
    moving = writer.node("")
    x0, y0, w, h = lay.box
    k = 1 / n
    ex = x0 * (1 - k)
    ey = y0 + h * (1 - k) / 2 - k * y0
    strip = "".join(
        f'<g transform="translate({_n((n - 1 - i if mirrored else i) * w)} 0)">{props}'
        f"{_Writer(lay, prefix, i).node('')}</g>"
        for i in range(n)
    )
    return (
        _svg_open(lay, prefix, mirrored, label)
        + _style(prefix, spec.cycle_seconds(), writer.keyframes)
        + f'<g{flip}><g class="v">{props}{moving}</g>'
        + f'<g class="s" transform="matrix({k:.3g} 0 0 {k:.3g} {_n(ex)} {_n(ey)})">{strip}</g>'
        + "</g></svg>"
    )
