"""Pain-guided adaptation (CLINICAL.md §2): the history in, each prescription's dose out.

The rules are replayed day by day from the start of the program, so a dose on any date is a
plain function of what the person reported before that date: changes take effect the day after
their evidence and carry forward until another rule moves them. Each exercise keeps one count of
steps (negative: easier, positive: harder), applied to the plan's dose of every prescription of
that exercise, so the same stretch on two days of the week moves on both together.

A step walks a fixed ladder from the plan's dose (``dose_at``): first the reps, hold or minutes,
then the sets, then the easier or harder variant at the plan's dose; past the variant nothing
changes any more, and the person is told so.

A clinician's adjustment (``core.prescribed``) replaces the plan's dose of one exercise from a
date on: from that day the steps count from the clinician's dose, easing for pain still applies,
and a locked adjustment is never raised above.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from supple.core.day_plan import Adapted
from supple.core.pain import ALARMING, must_stop
from supple.core.plan import Dose, Exercise, Prescription, Program
from supple.core.prescribed import Adjustment, Adjustments
from supple.core.schedule import locate
from supple.core.wording import arrow

Direction = Literal["easier", "harder"]
Rule = Literal["1", "2", "3", "5"]

TOO_MUCH = 6  # rule 1: a rating of 6 or more is "too much"
SAFE = 2  # rule 5: ratings of 2 or less earn progression
EASY_EFFORT = 5  # rule 5: with session effort (RPE) of 5 or less
MORNING_HIGH = 5  # rule 3: a morning above 5 ...
MORNING_JUMP = 2  # ... or at least 2 above the morning before
WEEK_RISE = 1.0  # rule 4: a weekly average at least 1 point above the week before
PAUSE_DAYS = 7
WEEKLY_CAP = 1.2  # total weekly work time may rise by at most 20 %
RECENT_DAYS = 7  # a change back to the plan's dose is still explained for a week
QUIET_DAYS = 21  # after three weeks without records or moves, later empty days change nothing


# --- the history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """How one exercise felt on one day: pain 0–10 (None when not rated), the "this hurts"
    flag, and the kind of pain when the person said (sharp, shooting, numb, tingling…)."""

    pain: int | None
    hurt: bool = False
    quality: str | None = None

    @property
    def stops(self) -> bool:
        return must_stop(self.pain, self.quality)

    @property
    def too_much(self) -> bool:
        return self.hurt or self.stops or (self.pain is not None and self.pain >= TOO_MUCH)

    @property
    def easy(self) -> bool:
        return (
            self.pain is not None
            and self.pain <= SAFE
            and not self.hurt
            and (self.quality or "").strip().lower() not in ALARMING
        )


@dataclass(frozen=True)
class Morning:
    pain: int
    stiffness: int


@dataclass(frozen=True)
class History:
    """Everything the rules read, keyed by the local date it belongs to.

    ``done`` holds, per date, the exercises done (not skipped) in that day's session;
    ``efforts`` the session's effort (RPE 0–10); ``reduced`` the exercises of ``done`` that
    were done only with less work than the day asked (a session fitted to fewer minutes or
    without a prop, docs/session-fitting.md): they never count toward progression.
    """

    mornings: Mapping[date, Morning] = field(default_factory=dict)
    ratings: Mapping[tuple[date, str], Rating] = field(default_factory=dict)
    efforts: Mapping[date, int] = field(default_factory=dict)
    done: Mapping[date, frozenset[str]] = field(default_factory=dict)
    reduced: Mapping[date, frozenset[str]] = field(default_factory=dict)


# --- the ladder of steps ----------------------------------------------------------------------


def _regress(dose: Dose, plan: Dose) -> Dose | None:
    """One step easier than ``dose`` (rule (a) then (b)), or None when only the variant is left."""
    if dose.hold_seconds is not None:
        if dose.hold_seconds - 5 >= 10:
            return dose.with_changes(hold_seconds=dose.hold_seconds - 5)
    elif dose.reps is not None:
        if dose.reps - 2 >= 5:
            return dose.with_changes(reps=dose.reps - 2)
    elif dose.duration_seconds is not None and plan.duration_seconds is not None:
        low = dose.duration_seconds - round(plan.duration_seconds * 0.2)
        if low >= plan.duration_seconds * 0.5:
            high = dose.duration_max_seconds
            if high is not None and plan.duration_max_seconds is not None:
                high -= round(plan.duration_max_seconds * 0.2)
            return dose.with_changes(duration_seconds=low, duration_max_seconds=high)
    if dose.set_count > 1:
        return dose.with_changes(sets=dose.set_count - 1)
    return None


def _progress(dose: Dose, plan: Dose) -> Dose | None:
    """One step harder than ``dose`` (rule (a) then (b)), or None when only the variant is left."""
    if dose.set_count < plan.set_count:
        return dose.with_changes(sets=dose.set_count + 1)
    if dose.hold_seconds is not None:
        if dose.hold_seconds + 5 <= 60:
            return dose.with_changes(hold_seconds=dose.hold_seconds + 5)
    elif dose.reps is not None:
        if dose.reps + 2 <= 20:
            return dose.with_changes(reps=dose.reps + 2)
    elif dose.duration_seconds is not None and plan.duration_seconds is not None:
        high_now = dose.duration_seconds + round(plan.duration_seconds * 0.2)
        if high_now <= plan.duration_seconds * 1.5:
            high = dose.duration_max_seconds
            if high is not None and plan.duration_max_seconds is not None:
                high += round(plan.duration_max_seconds * 0.2)
            return dose.with_changes(duration_seconds=high_now, duration_max_seconds=high)
    return None


@dataclass(frozen=True)
class Level:
    """A dose on the ladder: the dose itself and, past the caps, the variant to do instead."""

    dose: Dose
    variant: Direction | None = None


@functools.lru_cache(maxsize=4096)
def ladder(plan: Dose, direction: Direction) -> tuple[Level, ...]:
    """Every level one can reach from the plan's dose in one direction, nearest first.

    Kept once made (a plan has a few dozen doses): the weekly-limit check asks for the levels of
    every exercise of every day of two weeks at each progression, so a year's history asked for
    the same ladders hundreds of thousands of times, most of a progress page's time."""
    step = _regress if direction == "easier" else _progress
    levels: list[Level] = []
    dose = plan
    while (nxt := step(dose, plan)) is not None:
        levels.append(Level(nxt))
        dose = nxt
    levels.append(Level(plan, direction))
    return tuple(levels)


def dose_at(plan: Dose, steps: int) -> Level:
    """The level ``steps`` away from the plan's dose, held at the last level of its ladder."""
    if steps == 0:
        return Level(plan)
    levels = ladder(plan, "easier" if steps < 0 else "harder")
    return levels[min(abs(steps), len(levels)) - 1]


def work_seconds(dose: Dose, exercise: Exercise) -> int:
    """Seconds of actual work a dose asks for (rests and switches aside), as the timeline lays
    it out; the 20 % weekly limit is counted in these."""
    if dose.reps is not None:
        per_set = dose.reps * exercise.tempo_seconds
    elif dose.hold_seconds is not None:
        per_set = dose.hold_seconds
    else:
        per_set = dose.duration_max_seconds or dose.duration_seconds or 0
    return per_set * dose.set_count * dose.sides


# --- what the rules produce -------------------------------------------------------------------


def when(day: date, today: date) -> str:
    """A date as a person would say it from ``today``: "Tuesday" within the past week."""
    if 0 < (today - day).days < 7:
        return day.strftime("%A")
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


def describe(level: Level, exercise: Exercise) -> str:
    if level.variant is None:
        return level.dose.describe()
    variant = exercise.easier if level.variant == "easier" else exercise.harder
    return f"{level.variant} version “{variant.name}” at {level.dose.describe()}"


@dataclass(frozen=True)
class Change:
    """One rule moving one exercise's count of steps (or trying to, at the end of its ladder)."""

    effective: date
    evidence: date
    exercise_id: str
    rule: Rule
    steps_before: int
    steps_after: int
    why: str  # the evidence in words, ending with the rule: "you rated it 7/10 on … (rule 1)"

    @property
    def moved(self) -> bool:
        return self.steps_before != self.steps_after

    def sentence(self, plan: Dose, exercise: Exercise) -> str:
        if not self.moved:
            end = "easiest" if self.rule != "5" else "hardest"
            advice = " If it keeps hurting, ask a clinician." if self.rule != "5" else ""
            return (
                f"{exercise.name}: already at its {end} version, so no change — {self.why}.{advice}"
            )
        before = describe(dose_at(plan, self.steps_before), exercise)
        after = describe(dose_at(plan, self.steps_after), exercise)
        return f"{exercise.name}: {arrow(before, after)} — {self.why}"


@dataclass(frozen=True)
class Pause:
    """A stretch of days in which no exercise progresses (rules 3 and 4)."""

    rule: Literal["3", "4"]
    start: date
    end: date  # inclusive
    why: str

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def sentence(self) -> str:
        return (
            f"No exercise progresses from {self.start.isoformat()} to {self.end.isoformat()}: "
            f"{self.why}"
        )


@dataclass(frozen=True)
class Adaptation:
    """The outcome of the rules for one date: each exercise's steps, and every change so far."""

    program: Program
    on: date
    steps: Mapping[str, int]
    changes: tuple[Change, ...]
    pauses: tuple[Pause, ...]
    adjustments: Adjustments = field(default_factory=Adjustments)

    def plan_dose(self, exercise_id: str, day: date | None = None) -> Dose | None:
        """The dose of the exercise's first prescription the rules started from on ``day``
        (the plan's, or a clinician's in force then), used to word a change."""
        for plan_day in self.program.days:
            for item in plan_day.items:
                if item.exercise_id == exercise_id:
                    if day is None:
                        return item.dose
                    return self.adjustments.base(exercise_id, item.dose, day)
        return None

    def sentence(self, change: Change) -> str:
        plan = self.plan_dose(change.exercise_id, change.effective)
        exercise = self.program.catalog[change.exercise_id]
        return change.sentence(plan, exercise) if plan is not None else change.why

    def prescribed_sentence(self, adjustment: Adjustment) -> str:
        plan = self.plan_dose(adjustment.exercise_id)
        exercise = self.program.catalog.get(adjustment.exercise_id)
        name = exercise.name if exercise else adjustment.exercise_id
        if plan is None:
            return f"{name}: from {adjustment.from_date.isoformat()} — {adjustment.credit}"
        return adjustment.sentence(plan, name)

    def every_change(self) -> list[tuple[date, str]]:
        """Every dose change so far in words, automatic and by a clinician, by the day it took
        (or takes) effect: what the progress views list."""
        dated = [(c.effective, 1, self.sentence(c)) for c in self.changes]
        dated += [(a.from_date, 0, self.prescribed_sentence(a)) for a in self.adjustments.all]
        return [(day, text) for day, _, text in sorted(dated, key=lambda x: (x[0], x[1]))]

    def adapted(self, item: Prescription) -> Adapted:
        """The prescription's dose on ``on``, and why it differs from the plan if it does: a
        clinician's dose in force is always said, with what the rules did since."""
        prescribed = self.adjustments.covering(item.exercise_id, self.on)
        base = prescribed.dose_for(item.dose) if prescribed else item.dose
        level = dose_at(base, self.steps.get(item.exercise_id, 0))
        exercise = self.program.catalog[item.exercise_id]
        variant = None
        if level.variant is not None:
            variant = exercise.easier if level.variant == "easier" else exercise.harder
        since = self.adjustments.since(item.exercise_id, self.on)
        latest = next(
            (
                c
                for c in reversed(self.changes)
                if c.exercise_id == item.exercise_id and (since is None or c.effective >= since)
            ),
            None,
        )
        changed = level != Level(base)
        recent = latest is not None and (self.on - latest.effective).days < RECENT_DAYS
        reason = latest.sentence(base, exercise) if latest and (changed or recent) else None
        if prescribed is not None:
            credit = prescribed.sentence(item.dose, exercise.name)
            reason = credit if reason is None else f"{credit}. Since then: {reason}"
        return Adapted(level.dose, variant, reason, prescribed)

    def in_pause(self) -> Pause | None:
        return next((p for p in self.pauses if p.covers(self.on)), None)


# --- the two morning rules, also read by the clinic's needs-attention queue ------------------


def morning_alarm(pain: int, before: int | None) -> Literal["high", "jump"] | None:
    """Rule 3's test of one morning: "high" when its pain is above 5, "jump" when it is at
    least 2 points above the morning before (``before``: None when that morning is unknown)."""
    if pain > MORNING_HIGH:
        return "high"
    if before is not None and pain >= before + MORNING_JUMP:
        return "jump"
    return None


def weekly_rise(now: Sequence[int], then: Sequence[int]) -> tuple[float, float] | None:
    """Rule 4's test: the averages (this week, the week before) when this week's is at least
    1 point above, else None (also when either week has no rating)."""
    if not now or not then:
        return None
    avg_now, avg_then = sum(now) / len(now), sum(then) / len(then)
    return (avg_now, avg_then) if avg_now >= avg_then + WEEK_RISE else None


# --- replaying the rules ----------------------------------------------------------------------


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@dataclass
class _Replay:
    program: Program
    start: date
    history: History
    today: date
    adjustments: Adjustments = field(default_factory=Adjustments)
    steps: dict[str, int] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    earned: dict[str, list[date]] = field(default_factory=dict)  # rule 5 streaks
    waiting: dict[str, str] = field(default_factory=dict)  # progressions held by the 20 % cap
    in_force: dict[date, dict[str, int]] = field(default_factory=dict)
    _forced: list[date] = field(default_factory=list)  # the keys of in_force, in order
    _rated: dict[date, dict[str, Rating]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (day, exercise_id), rating in self.history.ratings.items():
            self._rated.setdefault(day, {})[exercise_id] = rating
        self._rebases = self.adjustments.rebases()

    def steps_on(self, day: date) -> Mapping[str, int]:
        """The steps in force on ``day``: a day the replay skipped keeps the last ones set."""
        found = self.in_force.get(day)
        if found is not None:
            return found
        at = bisect.bisect_right(self._forced, day)
        return self.in_force[self._forced[at - 1]] if at else {}

    def force(self, day: date) -> None:
        self.in_force[day] = dict(self.steps)
        if not self._forced or self._forced[-1] < day:
            self._forced.append(day)

    def plans_of(self, exercise_id: str, on: date) -> list[Dose]:
        """The doses the steps of an exercise apply to on ``on``: the plan's, or a
        clinician's adjustment of them."""
        return [
            self.base(item, on)
            for day in self.program.days
            for item in day.items
            if item.exercise_id == exercise_id
        ]

    def base(self, item: Prescription, on: date) -> Dose:
        if not self.adjustments:
            return item.dose
        return self.adjustments.base(item.exercise_id, item.dose, on)

    def rebase(self, day: date) -> None:
        """A clinician's dose starting or ending on ``day`` becomes the ground its exercise's
        steps count from: the count, the earned streak and any waiting progression start
        again. Done before the rules read the day before, so easing for pain seen that day
        still applies on top of the new dose."""
        for exercise_id in self._rebases.get(day, ()):
            self.steps.pop(exercise_id, None)
            self.earned.pop(exercise_id, None)
            self.waiting.pop(exercise_id, None)

    def held(self, exercise_id: str, effective: date) -> bool:
        """Whether a locked adjustment keeps the exercise from one more step up."""
        adjustment = self.adjustments.covering(exercise_id, effective)
        return (
            adjustment is not None and adjustment.locked and self.steps.get(exercise_id, 0) + 1 > 0
        )

    def move(
        self, exercise_id: str, by: int, rule: Rule, evidence: date, why: str, note: bool = True
    ) -> bool:
        """Move an exercise one step; False (and, if ``note``, a plain "no change") at the end."""
        if exercise_id not in self.program.catalog:
            return False
        before = self.steps.get(exercise_id, 0)
        after = before + by
        plans = self.plans_of(exercise_id, evidence + timedelta(days=1))
        moves = any(dose_at(p, after) != dose_at(p, before) for p in plans)
        if moves:
            self.steps[exercise_id] = after
        if moves or note:
            self.changes.append(
                Change(
                    evidence + timedelta(days=1),
                    evidence,
                    exercise_id,
                    rule,
                    before,
                    after if moves else before,
                    why,
                )
            )
        self.earned.pop(exercise_id, None)
        self.waiting.pop(exercise_id, None)
        return moves

    def paused(self, day: date) -> bool:
        return any(p.covers(day) for p in self.pauses)

    def day_work(self, day: date, steps: Mapping[str, int]) -> int:
        slot = locate(self.start, day, cycle=7, weeks=self.program.weeks)
        plan_day = next((d for d in self.program.days if d.number == slot.day), None)
        if plan_day is None:
            return 0
        return sum(
            work_seconds(
                dose_at(self.base(item, day), steps.get(item.exercise_id, 0)).dose,
                self.program.catalog[item.exercise_id],
            )
            for item in plan_day.items
        )

    def within_cap(self, exercise_id: str, effective: date) -> bool:
        """Whether one more step for the exercise from ``effective`` keeps weekly work time
        within 20 % of the week before: this week against the last (week 1 has none), and the
        next week, which carries the step on every day, against this one."""
        week_start = effective - timedelta(days=(effective - self.start).days % 7)
        trial = {**self.steps, exercise_id: self.steps.get(exercise_id, 0) + 1}
        this_week = sum(
            self.day_work(d, self.steps_on(d) if d < effective else trial)
            for d in _days(week_start, week_start + timedelta(days=6))
        )
        if week_start > self.start:
            previous = sum(
                self.day_work(d, self.steps_on(d))
                for d in _days(week_start - timedelta(days=7), week_start - timedelta(days=1))
            )
            if this_week > previous * WEEKLY_CAP:
                return False
        following = week_start + timedelta(days=7)
        next_week = sum(
            self.day_work(d, trial) for d in _days(following, following + timedelta(days=6))
        )
        return next_week <= this_week * WEEKLY_CAP

    def progress(self, exercise_id: str, evidence: date, why: str) -> None:
        effective = evidence + timedelta(days=1)
        if self.held(exercise_id, effective):
            self.earned.pop(exercise_id, None)  # earned again from scratch, and held again
            return
        if not self.within_cap(exercise_id, effective):
            self.waiting[exercise_id] = why
            return
        self.move(exercise_id, +1, "5", evidence, why, note=False)

    def morning(self, day: date) -> None:
        """Rule 3: a bad morning regresses yesterday's session and pauses progression."""
        today = self.history.mornings.get(day)
        if today is None:
            return
        before = self.history.mornings.get(day - timedelta(days=1))
        alarm = morning_alarm(today.pain, before.pain if before else None)
        if alarm is None:
            return
        said = when(day, self.today)
        if alarm == "high":
            why = f"your morning pain on {said} was {today.pain}/10, above 5"
        else:
            assert before is not None
            why = (
                f"your morning pain on {said} was {today.pain}/10, "
                f"{today.pain - before.pain} points above the morning before"
            )
        yesterday = day - timedelta(days=1)
        for exercise_id in sorted(self.history.done.get(yesterday, frozenset())):
            self.move(
                exercise_id,
                -1,
                "3",
                day,
                f"{why}, after your session on {when(yesterday, self.today)} (rule 3)",
            )
        self.pauses.append(
            Pause(
                "3",
                day + timedelta(days=1),
                day + timedelta(days=PAUSE_DAYS),
                f"{why} (rule 3).",
            )
        )

    def session(self, day: date) -> None:
        """Rules 1, 2 and 5 for the exercises rated or done on ``day``."""
        said = when(day, self.today)
        rated = self._rated.get(day, {})
        regressed: set[str] = set()
        for exercise_id, rating in sorted(rated.items()):
            if not rating.too_much:
                continue
            if rating.stops:
                what = (
                    f"pain {rating.pain}/10"
                    if rating.pain is not None and rating.pain >= 8
                    else f"{rating.quality} pain"
                )
                why = f"{what} stopped your session on {said} (rules 1 and 2)"
                rule: Rule = "2"
            elif rating.pain is not None and rating.pain >= TOO_MUCH:
                why = f"you rated it {rating.pain}/10 on {said} (rule 1)"
                rule = "1"
            else:
                why = f"you said it hurt beyond a stretch on {said} (rule 1)"
                rule = "1"
            self.move(exercise_id, -1, rule, day, why)
            regressed.add(exercise_id)
        effort = self.history.efforts.get(day)
        for exercise_id in sorted(self.history.done.get(day, frozenset()) - regressed):
            earned = rated.get(exercise_id)
            if earned is None or not earned.easy or effort is None or effort > EASY_EFFORT:
                self.earned.pop(exercise_id, None)
                self.waiting.pop(exercise_id, None)
                continue
            if exercise_id in self.history.reduced.get(day, frozenset()):
                continue  # easy on less work says nothing about the full dose: no step earned
            streak = [*self.earned.get(exercise_id, []), day][-2:]
            self.earned[exercise_id] = streak
            if len(streak) < 2 or self.paused(day + timedelta(days=1)):
                continue
            first = self.history.ratings[(streak[0], exercise_id)].pain
            why = (
                f"you rated it {first}/10 and {earned.pain}/10 in your last two sessions "
                f"({when(streak[0], self.today)} and {said}), with effort 5/10 or less (rule 5)"
            )
            self.waiting.pop(exercise_id, None)
            self.progress(exercise_id, day, why)

    def week_end(self, day: date) -> None:
        """Rule 4: on a program week's last day, compare its mornings with the week before."""
        offset = (day - self.start).days
        if offset % 7 != 6 or offset < 13:
            return
        this = [self.history.mornings.get(d) for d in _days(day - timedelta(days=6), day)]
        last = [
            self.history.mornings.get(d)
            for d in _days(day - timedelta(days=13), day - timedelta(days=7))
        ]
        week = offset // 7 + 1
        for label, pick in (("pain", 0), ("stiffness", 1)):
            now = [(m.pain, m.stiffness)[pick] for m in this if m]
            then = [(m.pain, m.stiffness)[pick] for m in last if m]
            rise = weekly_rise(now, then)
            if rise is not None:
                avg_now, avg_then = rise
                self.pauses.append(
                    Pause(
                        "4",
                        day + timedelta(days=1),
                        day + timedelta(days=PAUSE_DAYS),
                        f"week {week}'s average morning {label} was {avg_now:.1f}/10, "
                        f"{avg_now - avg_then:.1f} above week {week - 1}'s {avg_then:.1f} "
                        "(rule 4).",
                    )
                )
                return

    def retry_waiting(self, day: date) -> None:
        """Progressions held back by the weekly limit go ahead as soon as it allows them."""
        effective = day + timedelta(days=1)
        if self.paused(effective):
            return
        for exercise_id, why in sorted(self.waiting.items()):
            if self.held(exercise_id, effective):
                self.waiting.pop(exercise_id, None)
            elif self.within_cap(exercise_id, effective):
                self.move(
                    exercise_id,
                    +1,
                    "5",
                    day,
                    f"{why}; it waited for the 20 % limit on weekly work time",
                    note=False,
                )

    def run(self) -> None:
        """Replay every day that can change something, and jump over the quiet stretches.

        A day without records changes nothing once three weeks have passed with no record, no
        move and no pause: rule 4 only looks back two weeks, and a progression held by the
        20 % limit has by then been tried on each weekday with the same doses in force, so it
        would fail again on every later day. The cost grows with the days that hold records,
        not with the distance to ``today``.
        """
        self.force(self.start)
        busy = sorted(
            {d for d in self.history.mornings}
            | {d for d, _ in self.history.ratings}
            | set(self.history.efforts)
            | set(self.history.done)
            | {d - timedelta(days=1) for d in self._rebases}
        )
        last = self.today - timedelta(days=1)
        day, quiet_since = self.start, self.start
        while day <= last:
            nxt = day + timedelta(days=1)
            rebased = nxt in self._rebases
            if rebased:
                self.rebase(nxt)
            before = (dict(self.steps), len(self.changes), len(self.pauses))
            self.retry_waiting(day)
            self.morning(day)
            self.session(day)
            self.week_end(day)
            self.force(nxt)
            eventful = (
                rebased
                or day in self.history.mornings
                or day in self._rated
                or day in self.history.done
                or before != (self.steps, len(self.changes), len(self.pauses))
                or self.paused(nxt)
            )
            if eventful:
                quiet_since = nxt
            elif (day - quiet_since).days >= QUIET_DAYS:
                at = bisect.bisect_left(busy, nxt)
                nxt = busy[at] if at < len(busy) else last + timedelta(days=1)
                quiet_since = nxt
            day = nxt


def adapt(
    program: Program,
    start: date,
    history: History,
    on: date,
    adjustments: Iterable[Adjustment] = (),
) -> Adaptation:
    """Each exercise's steps in force on ``on``, from the evidence of the days before it and
    the clinician's adjustments (``core.prescribed``) made for the person."""
    given = adjustments if isinstance(adjustments, Adjustments) else Adjustments(adjustments)
    replay = _Replay(program, start, history, on, given)
    replay.run()
    return Adaptation(
        program, on, dict(replay.steps), tuple(replay.changes), tuple(replay.pauses), given
    )
