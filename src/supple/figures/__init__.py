"""Animated exercise figures, drawn by Supple from pose data.

Public API (used by the CLI, the web pages and the printable plan)::

    svg_for(exercise_id, *, side=None, animated=True) -> str
    still_for(exercise_id, frame=-1, *, side=None) -> str
    figure_ids() -> list[str]

``side`` is "right" or "left" for exercises done on each side (the other side is the mirror
image); ``None`` means the side the figure data shows first.
"""

from __future__ import annotations

from supple.core.errors import InputError, NotFound
from supple.figures.data import bundled_figures
from supple.figures.svg import render

__all__ = ["figure_ids", "still_for", "svg_for"]


def figure_ids() -> list[str]:
    """Every exercise id that has a figure, in catalog order."""
    return list(bundled_figures())


def _label(exercise_id: str, side: str | None) -> str:
    from supple.planfile import bundled_catalog

    exercise = bundled_catalog().get(exercise_id)
    name = exercise.name if exercise else exercise_id
    return f"{name}, {side} side" if side else name


def _resolve(exercise_id: str, side: str | None) -> tuple[bool, str | None]:
    spec = bundled_figures().get(exercise_id)
    if spec is None:
        raise NotFound(f"no figure for exercise '{exercise_id}'")
    if side is None or spec.side is None:
        return False, spec.side
    if side not in ("right", "left"):
        raise InputError(f"side must be 'right' or 'left', got '{side}'")
    return side != spec.side, side


def svg_for(exercise_id: str, *, side: str | None = None, animated: bool = True) -> str:
    """The figure as SVG text; animated unless ``animated`` is False (then the last keyframe)."""
    mirrored, shown = _resolve(exercise_id, side)
    spec = bundled_figures()[exercise_id]
    return render(spec, label=_label(exercise_id, shown), mirrored=mirrored, animated=animated)


def still_for(exercise_id: str, frame: int = -1, *, side: str | None = None) -> str:
    """One keyframe as a static SVG (for print): ``frame`` indexes the keyframes, -1 the last."""
    mirrored, shown = _resolve(exercise_id, side)
    spec = bundled_figures()[exercise_id]
    if not -len(spec.frames) <= frame < len(spec.frames):
        raise InputError(
            f"'{exercise_id}' has {len(spec.frames)} keyframes; frame {frame} is out of range"
        )
    return render(
        spec, label=_label(exercise_id, shown), mirrored=mirrored, animated=False, frame=frame
    )
