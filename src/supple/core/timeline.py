"""A day's prescriptions turned into the timed steps a person goes through.

The timeline is the one place that knows how long things take: the day's estimated time shown
by ``today`` is the sum of its steps, and the players walk the very same list, so the estimate
and the experience cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from supple.core.plan import Dose, Exercise, Prescription

StepKind = Literal["ready", "work", "switch", "rest", "transition"]
RepMode = Literal["tempo", "done"]

READY_SECONDS = 5
SWITCH_SECONDS = 5
TRANSITION_SECONDS = 15
HALFWAY_CUE_MIN_SECONDS = 20


@dataclass(frozen=True)
class Settings:
    """What a person may tune about pacing; the defaults suit most people."""

    ready_seconds: int = READY_SECONDS
    switch_seconds: int = SWITCH_SECONDS
    transition_seconds: int = TRANSITION_SECONDS
    rest_seconds: int | None = None  # None: each exercise's own default
    rep_mode: RepMode = "tempo"


@dataclass(frozen=True)
class Step:
    """One timed step. ``seconds`` is its planned length; a rep set waiting for "done" and a
    timed block with a range may end at another moment, which the player records."""

    index: int
    kind: StepKind
    item: int  # position of the prescription in the day
    exercise_id: str
    exercise_name: str
    set_no: int
    sets: int
    side: str | None  # "left"/"right" for sided work, None otherwise
    reps: int | None
    seconds: int
    min_seconds: int | None  # for a range: the earliest point at which stopping is on plan
    waits_for_done: bool
    cue_start: str
    cue_half: str | None
    cue_end: str | None
    # A rep set: seconds per rep, and how each rep divides them (("up", 1), ("hold", 1), …), so
    # every player counts "rep 4 of 10" and names the phase from the same facts.
    rep_seconds: int | None = None
    phases: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Timeline:
    steps: tuple[Step, ...]

    @property
    def total_seconds(self) -> int:
        return sum(step.seconds for step in self.steps)

    def work_steps(self, item: int | None = None) -> list[Step]:
        return [s for s in self.steps if s.kind == "work" and (item is None or s.item == item)]


def to_json(timeline: Timeline) -> dict[str, Any]:
    """The timeline as plain data, stored with a session so a resumed session walks the very
    steps it started with even if the plan or the doses have changed since."""
    return {"steps": [asdict(step) for step in timeline.steps]}


def from_json(data: Mapping[str, Any]) -> Timeline:
    """Steps stored before a field existed take its default; JSON's lists become tuples again."""
    return Timeline(
        steps=tuple(
            Step(**{**step, "phases": tuple((str(n), int(s)) for n, s in step.get("phases", ()))})
            for step in data["steps"]
        )
    )


def _side_names(dose: Dose) -> list[str | None]:
    if dose.per is None:
        return [None]
    word = "leg" if dose.per == "leg" else "side"
    return [
        f"left {word}" if word == "leg" else "left",
        f"right {word}" if word == "leg" else "right",
    ]


def _work_seconds(dose: Dose, exercise: Exercise) -> int:
    if dose.reps is not None:
        return dose.reps * exercise.tempo_seconds
    if dose.hold_seconds is not None:
        return dose.hold_seconds
    return dose.duration_max_seconds or dose.duration_seconds or 0


def _work_cue(dose: Dose, exercise: Exercise, side: str | None, set_no: int) -> str:
    where = f", {side}" if side else ""
    sets = (
        f"Set {set_no} of {dose.set_count}{where}. "
        if dose.set_count > 1
        else (f"{side.capitalize()}. " if side else "")
    )
    if dose.reps is not None:
        return f"{sets}{dose.reps} reps. {exercise.cues[0]}"
    if dose.hold_seconds is not None:
        return f"{sets}Hold for {dose.hold_seconds} seconds. {exercise.cues[0]}"
    return f"{sets}{dose.describe()}. {exercise.cues[0]}"


def _last_seconds_cue(dose: Dose, settings: Settings) -> str | None:
    """What to say 3 s before a work step ends; a set waiting for "done" has no clock to end."""
    if dose.reps is None:
        return "3, 2, 1."
    return None if settings.rep_mode == "done" else "Last rep."


def rest_seconds(item: Prescription, exercise: Exercise, settings: Settings) -> int:
    """The rest between two sets: the prescription's own (a fitted session shortens it), else
    the person's pacing setting, else the exercise's default."""
    if item.rest_seconds is not None:
        return item.rest_seconds
    return settings.rest_seconds if settings.rest_seconds is not None else exercise.rest_seconds


def build(
    items: Sequence[Prescription],
    catalog: Mapping[str, Exercise],
    settings: Settings | None = None,
) -> Timeline:
    """Lay out a day: ready, then for each exercise its sets and sides with switches and rests,
    and a transition that names the next exercise and its first cue."""
    settings = settings or Settings()
    steps: list[Step] = []

    def add(**fields: object) -> None:
        steps.append(Step(index=len(steps), **fields))  # type: ignore[arg-type]

    for item_no, item in enumerate(items):
        exercise = catalog[item.exercise_id]
        dose = item.dose
        name = item.variant.name if item.variant else exercise.name
        first_cue = item.variant.how if item.variant else exercise.cues[0]
        lead_kind: StepKind = "ready" if item_no == 0 else "transition"
        lead_seconds = settings.ready_seconds if item_no == 0 else settings.transition_seconds
        add(
            kind=lead_kind,
            item=item_no,
            exercise_id=exercise.id,
            exercise_name=name,
            set_no=1,
            sets=dose.set_count,
            side=None,
            reps=None,
            seconds=lead_seconds,
            min_seconds=None,
            waits_for_done=False,
            cue_start=f"{'Get ready' if item_no == 0 else 'Next'}: {name}, "
            f"{dose.describe()}. {first_cue}",
            cue_half=None,
            cue_end="Starting in 3, 2, 1.",
        )
        rest = rest_seconds(item, exercise, settings)
        sides = _side_names(dose)
        for set_no in range(1, dose.set_count + 1):
            for side_no, side in enumerate(sides):
                seconds = _work_seconds(dose, exercise)
                is_hold = dose.reps is None
                add(
                    kind="work",
                    item=item_no,
                    exercise_id=exercise.id,
                    exercise_name=name,
                    set_no=set_no,
                    sets=dose.set_count,
                    side=side,
                    reps=dose.reps,
                    seconds=seconds,
                    min_seconds=dose.duration_seconds if dose.duration_max_seconds else None,
                    waits_for_done=dose.reps is not None and settings.rep_mode == "done",
                    cue_start=_work_cue(dose, exercise, side, set_no),
                    cue_half=(
                        f"Halfway. {exercise.cues[1 % len(exercise.cues)]}"
                        if is_hold and seconds >= HALFWAY_CUE_MIN_SECONDS
                        else None
                    ),
                    cue_end=_last_seconds_cue(dose, settings),
                    rep_seconds=None if is_hold else exercise.tempo_seconds,
                    phases=() if is_hold else exercise.phases,
                )
                if side_no + 1 < len(sides):
                    other = sides[side_no + 1] or ""
                    word = "legs" if dose.per == "leg" else "sides"
                    add(
                        kind="switch",
                        item=item_no,
                        exercise_id=exercise.id,
                        exercise_name=name,
                        set_no=set_no,
                        sets=dose.set_count,
                        side=other,
                        reps=None,
                        seconds=settings.switch_seconds,
                        min_seconds=None,
                        waits_for_done=False,
                        cue_start=f"Switch {word}: {other}.",
                        cue_half=None,
                        cue_end="Starting in 3, 2, 1.",
                    )
            if set_no < dose.set_count:
                add(
                    kind="rest",
                    item=item_no,
                    exercise_id=exercise.id,
                    exercise_name=name,
                    set_no=set_no,
                    sets=dose.set_count,
                    side=None,
                    reps=None,
                    seconds=rest,
                    min_seconds=None,
                    waits_for_done=False,
                    cue_start=f"Rest. Set {set_no + 1} of {dose.set_count} next.",
                    cue_half=None,
                    cue_end="Get ready.",
                )
    return Timeline(steps=tuple(steps))
