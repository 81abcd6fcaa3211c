"""The course of a synthetic client, for a demo practice and for the scale benchmark.

Pure and deterministic: the same seed and the same index give the same person and the same
days, whatever else runs. Nothing here reads a clock, a file or a database; the service
(``services/demo_data``) turns a course into rows.

Why these shapes: a demo practice is only useful if its dashboard has something to say, and a
benchmark only means something if the data looks like a year of real use. So each person has
traits drawn once (how much pain they start with and where it settles, how regular they are,
how prone to flare-ups), and their days follow from those traits and from what happened the
day before: a flare-up raises pain for a few days and keeps them from exercising; a session
stopped for pain that has not settled by the next morning brings the safety questions back,
and a few people then answer "yes" and wait for a clinician's clearance; holidays and lapses
break the habit; some people drift away. Ratings obey the same published rules the app does
(``core.pain.must_stop`` decides whether a rating ends the session).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from supple.core.pain import must_stop
from supple.core.plan import Dose, Program
from supple.core.safety import pain_settled

ZONES: tuple[tuple[str, int], ...] = (
    # (zone, weight): most clients live near the practice, a few elsewhere.
    ("Europe/London", 50),
    ("Europe/Dublin", 10),
    ("Europe/Paris", 12),
    ("Europe/Berlin", 8),
    ("America/New_York", 8),
    ("America/Los_Angeles", 5),
    ("Australia/Sydney", 4),
    ("Asia/Tokyo", 3),
)

FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kiri",
    "Leo", "Maya", "Nils", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tess", "Umar", "Vera",
    "Wen", "Xavi", "Yara", "Zeke",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Baker", "Castro", "Dalton", "Eze", "Fischer", "Garcia", "Hale", "Ito", "Jensen",
    "Khan", "Lund", "Moreau", "Novak", "Okafor", "Patel", "Quigley", "Rossi", "Silva",
    "Tanaka", "Underwood", "Varga", "Walsh", "Young", "Zhou",
)  # fmt: skip

PSFS_ACTIVITIES = (
    "tie shoes", "sit for an hour", "lift a child", "walk 30 minutes", "get out of a car",
    "garden for an hour", "sleep through the night", "climb two flights of stairs",
    "put on socks", "carry shopping", "run for a bus", "drive for an hour",
)  # fmt: skip

# A few "yes" answers people give when the questions come back; all of them ask for a
# clinician's go-ahead, and the last one is a sign for emergency care.
FLAG_QUESTIONS = (
    "night-rest-pain",
    "fever-unwell",
    "one-leg",
    "injury",
    "both-legs",
)

EASE_REASONS = (
    "Eased after a flare-up reported at review",
    "Fewer sets while the morning pain settles",
    "Shorter holds: the stretch was provoking leg symptoms",
    "Eased for now; we will build back up at the next visit",
)
PROGRESS_REASONS = (
    "Progressed at review: moving well and pain is settling",
    "More reps: the current dose feels easy",
    "Longer holds to keep building flexibility",
)

ONE_DAY = timedelta(days=1)
UNRATED_QUALITIES = ("stretching", "stretching", "stretching", "aching", "dull", None)


@dataclass(frozen=True)
class Traits:
    """Who the person is, drawn once from their seed."""

    first_pain: float  # morning pain when they start (0-10)
    settled_pain: float  # where it tends with the program
    recovery_days: float  # how quickly it gets there
    adherence: float  # chance of a session on an ordinary day
    morning_habit: float  # chance of a morning check-in
    flare_rate: float  # chance a flare-up starts on a given day
    drift_day: int | None  # from this day of their course they mostly stop
    zone: str
    session_time: str  # "HH:MM", local
    start: date
    name: str
    psfs: tuple[tuple[str, int], ...]  # the activities chosen and their first ratings


@dataclass(frozen=True)
class Rated:
    """How one exercise of a session felt (the player asks when it ends)."""

    item: int  # position of the exercise in the day
    pain: int
    quality: str | None
    hurt: bool


@dataclass(frozen=True)
class Played:
    """One session: which items were done, how it ended, and the check-ins around it."""

    on: date
    week: int
    day: int
    start_minute: int  # minutes after local midnight
    pace: float  # how much longer than planned each step took (1.0: on time)
    items_done: int  # the first items done; the rest not reached
    skipped_item: int | None  # an item skipped on purpose (its work steps skipped)
    ending: str  # "finished", "pain" (stopped for pain) or "unfinished" (left to resume)
    ratings: tuple[Rated, ...]
    before: tuple[int, int] | None  # pain and stiffness before
    after: tuple[int, int] | None  # pain after and effort (RPE)


@dataclass(frozen=True)
class Screen:
    """One run of the red-flag screen: its date, minute, and the questions answered "yes"."""

    on: date
    minute: int
    yes: tuple[str, ...]


@dataclass(frozen=True)
class Clearance:
    """A clinician saw the person after a "yes" and cleared them on ``cleared_on``; it was
    recorded that day at ``minute``."""

    cleared_on: date
    minute: int


@dataclass(frozen=True)
class Adjustment:
    """A clinician's change of one exercise's dose from a date, with the reason."""

    exercise_id: str
    from_date: date
    ended_on: date | None
    dose: Dose
    locked: bool
    reason: str


@dataclass(frozen=True)
class Course:
    traits: Traits
    mornings: tuple[tuple[date, int, int], ...]  # date, pain, stiffness
    sessions: tuple[Played, ...]
    weeks: tuple[tuple[date, int, tuple[tuple[str, int], ...] | None], ...]  # date, pain, psfs
    screens: tuple[Screen, ...]
    clearances: tuple[Clearance, ...]
    adjustments: tuple[Adjustment, ...]


def person_random(seed: int, index: int) -> random.Random:
    """The generator of person ``index`` of seed ``seed``: independent of every other person,
    so a practice of 200 holds the same first 200 people as a practice of 10,000."""
    return random.Random(f"supple-demo:{seed}:{index}")


def _clamp(value: float, low: int = 0, high: int = 10) -> int:
    return max(low, min(high, round(value)))


def draw_traits(rng: random.Random, first_day: date, last_day: date) -> Traits:
    """A person's traits; they start between ``first_day`` and a few days before ``last_day``
    (most early on: a practice's clients accumulate)."""
    span = max(0, (last_day - first_day).days - 2)
    offset = int(span * rng.random() ** 3) if rng.random() < 0.8 else rng.randint(0, span)
    first_pain = rng.uniform(2.5, 6.2)
    kind = rng.random()
    if kind < 0.6:  # improves
        settled = rng.uniform(0.5, max(0.6, first_pain - 2.0))
    elif kind < 0.85:  # stays about where it was
        settled = first_pain - rng.uniform(0.0, 1.0)
    else:  # gets worse
        settled = min(9.0, first_pain + rng.uniform(0.5, 2.5))
    zones, weights = zip(*ZONES, strict=True)
    hour = rng.choice((6, 7, 7, 7, 8, 12, 17, 18, 18, 19, 20, 21))
    chosen = rng.sample(PSFS_ACTIVITIES, rng.randint(3, 5))
    return Traits(
        first_pain=first_pain,
        settled_pain=settled,
        recovery_days=rng.uniform(10.0, 60.0),
        adherence=rng.betavariate(5.0, 2.2),
        morning_habit=rng.uniform(0.45, 0.97),
        flare_rate=rng.choice((0.004, 0.008, 0.012, 0.03)),
        drift_day=rng.randint(14, 200) if rng.random() < 0.2 else None,
        zone=rng.choices(zones, weights)[0],
        session_time=f"{hour:02d}:{rng.choice((0, 15, 30, 45)):02d}",
        start=first_day + timedelta(days=offset),
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        psfs=tuple((name, rng.randint(2, 6)) for name in chosen),
    )


def _items_per_day(program: Program) -> dict[int, int]:
    return {day.number: len(day.items) for day in program.days}


def course(
    program: Program, rng: random.Random, first_day: date, last_day: date, cycle: int = 7
) -> Course:
    """A person's whole course from their start to ``last_day`` (inclusive)."""
    traits = draw_traits(rng, first_day, last_day)
    items = _items_per_day(program)
    mornings: list[tuple[date, int, int]] = []
    sessions: list[Played] = []
    weeks: list[tuple[date, int, tuple[tuple[str, int], ...] | None]] = []
    screens = [Screen(traits.start, _minute(traits.session_time) - 20, ())]
    clearances: list[Clearance] = []
    first_minute = _minute(traits.session_time)
    if rng.random() < 0.02:  # a "yes" at the very first screen: they wait to be seen
        screens[0] = Screen(traits.start, first_minute - 20, (rng.choice(FLAG_QUESTIONS),))
    flagged_on: date | None = traits.start if screens[0].yes else None
    clear_after = rng.randint(2, 10) if flagged_on else 0
    flare = wobble = 0.0
    lapse_left = 0
    # A session stopped for pain: its date, that day's pain, and the morning's check-in if any.
    stopped_for_pain: tuple[date, int, int | None] | None = None
    week_pains: list[int] = []
    day_count = (last_day - traits.start).days + 1
    for t in range(day_count):
        on = traits.start + timedelta(days=t)
        flare *= 0.7
        if rng.random() < traits.flare_rate:
            flare += rng.uniform(2.0, 4.0)
        level = traits.settled_pain + (traits.first_pain - traits.settled_pain) * math.exp(
            -t / traits.recovery_days
        )
        wobble = 0.7 * wobble + rng.gauss(0.0, 0.35)  # today's pain is much like yesterday's
        pain = _clamp(level + flare + wobble)
        yesterday_stop = stopped_for_pain is not None and stopped_for_pain[0] == on - ONE_DAY
        if stopped_for_pain and yesterday_stop and rng.random() < 0.5:  # did not settle
            pain = _clamp(max(pain, stopped_for_pain[1] + 2 + rng.random()))
        stiffness = _clamp(pain * 0.8 + 1.0 + rng.gauss(0.0, 0.8))
        # The app asks for the morning check-in after a stop before it offers a session.
        morning = t == 0 or yesterday_stop or rng.random() < traits.morning_habit
        if morning:
            mornings.append((on, pain, stiffness))
            week_pains.append(pain)
        # Pain that stopped a session and has not settled brings the safety questions back.
        if stopped_for_pain and yesterday_stop:
            if flagged_on is None and not pain_settled(stopped_for_pain[2], pain):
                yes = (rng.choice(FLAG_QUESTIONS),) if rng.random() < 0.25 else ()
                screens.append(Screen(on, max(first_minute - 30, 7 * 60 + 15), yes))
                if yes:
                    flagged_on, clear_after = on, rng.randint(2, 12)
            stopped_for_pain = None
        # A clinician clears most people a few days after a "yes"; some are still waiting.
        if flagged_on is not None and (on - flagged_on).days >= clear_after:
            if rng.random() < 0.8:
                clearances.append(Clearance(on, rng.randint(9 * 60, 17 * 60)))
                flagged_on = None
            else:
                clear_after += rng.randint(5, 30)
        if t > 0 and t % cycle == 0 and rng.random() < 0.75:
            weeks.append((on, _week_pain(week_pains, pain), _psfs(traits, pain)))
            week_pains = []
        elif t == 0:  # the first run sets the PSFS baseline
            weeks.append((on, pain, traits.psfs))
        if lapse_left > 0:
            lapse_left -= 1
            continue
        # A holiday, an illness, a busy spell; not in the keen first days of a course.
        if t >= 10 and rng.random() < 1 / 80:
            lapse_left = rng.randint(3, 16)
            continue
        if flagged_on is not None:
            continue
        chance = traits.adherence
        if traits.drift_day is not None and t >= traits.drift_day:
            chance *= 0.15
        if flare > 2.0:
            chance *= 0.5
        if on.weekday() >= 5:
            chance *= 0.85
        if rng.random() >= chance:
            continue
        week_no, day_no = divmod(t, cycle)
        count = items.get(day_no + 1, 0)
        if count == 0:
            continue
        played = _play(rng, on, week_no + 1, day_no + 1, count, pain, stiffness, flare, traits)
        sessions.append(played)
        if played.ending == "pain":
            stopped_for_pain = (on, pain, pain if morning else None)
    return Course(
        traits=traits,
        mornings=tuple(mornings),
        sessions=tuple(sessions),
        weeks=tuple(weeks),
        screens=tuple(screens),
        clearances=tuple(clearances),
        adjustments=_adjustments(rng, program, traits.start, last_day),
    )


def _minute(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _week_pain(pains: Sequence[int], fallback: int) -> int:
    return round(sum(pains) / len(pains)) if pains else fallback


def _psfs(traits: Traits, pain: int) -> tuple[tuple[str, int], ...]:
    """The activities re-rated: better as pain falls below where it started."""
    gain = (traits.first_pain - pain) * 0.6
    return tuple((name, _clamp(first + gain)) for name, first in traits.psfs)


def _play(
    rng: random.Random,
    on: date,
    week: int,
    day: int,
    count: int,
    pain: int,
    stiffness: int,
    flare: float,
    traits: Traits,
) -> Played:
    """One session: each exercise rated (mostly) when it ends; a rating the rules say must stop
    the session stops it there."""
    ratings: list[Rated] = []
    done = count
    ending = "finished"
    skipped = rng.randrange(count) if rng.random() < 0.05 else None
    for item in range(count):
        if item == skipped:
            continue
        felt = _clamp(pain * 0.6 + flare * 0.4 + rng.gauss(0.0, 1.3) - 0.5)
        alarm = rng.random() < 0.002 + 0.01 * (flare > 2.0)
        quality = rng.choice(("sharp", "shooting", "tingling")) if alarm else None
        if quality is None and rng.random() < 0.6:
            quality = rng.choice(UNRATED_QUALITIES)
        hurt = felt >= 6 and rng.random() < 0.5
        if must_stop(felt, quality):
            ratings.append(Rated(item, felt, quality, hurt))
            done, ending = item + 1, "pain"
            break
        if rng.random() < 0.85:
            ratings.append(Rated(item, felt, quality, hurt))
    if ending == "finished" and rng.random() < 0.04:
        done, ending = rng.randint(1, count - 1) if count > 1 else 1, "unfinished"
        ratings = [r for r in ratings if r.item < done]
    before = (pain, stiffness) if rng.random() < 0.9 else None
    after = None
    if ending != "unfinished" and rng.random() < 0.85:
        change = rng.choice((-2, -1, -1, 0, 0, 0, 1)) + (2 if ending == "pain" else 0)
        after = (_clamp(pain + change), _clamp(rng.gauss(4.5 + flare * 0.3, 1.3)))
    return Played(
        on=on,
        week=week,
        day=day,
        start_minute=_minute(traits.session_time) + rng.randint(-25, 40),
        pace=rng.uniform(1.0, 1.3),
        items_done=done,
        skipped_item=skipped if skipped is not None and skipped < done else None,
        ending=ending,
        ratings=tuple(ratings),
        before=before,
        after=after,
    )


def _adjustments(
    rng: random.Random, program: Program, start: date, last_day: date
) -> tuple[Adjustment, ...]:
    """About one person in five has had a dose changed by a clinician, once to three times;
    a later change of the same exercise ends the earlier one."""
    span = (last_day - start).days
    if span < 8 or rng.random() >= 0.2:
        return ()
    prescriptions = [item for day in program.days for item in day.items]
    made: list[Adjustment] = []
    for _ in range(rng.randint(1, 3)):
        item = rng.choice(prescriptions)
        from_date = start + timedelta(days=rng.randint(7, span))
        ease = rng.random() < 0.55
        dose = _changed(item.dose, ease)
        reason = rng.choice(EASE_REASONS if ease else PROGRESS_REASONS)
        made.append(Adjustment(item.exercise_id, from_date, None, dose, rng.random() < 0.3, reason))
    made.sort(key=lambda a: a.from_date)
    ended: list[Adjustment] = []
    for index, adjustment in enumerate(made):
        later = [a.from_date for a in made[index + 1 :] if a.exercise_id == adjustment.exercise_id]
        if later and later[0] > adjustment.from_date:
            adjustment = Adjustment(
                adjustment.exercise_id,
                adjustment.from_date,
                later[0],
                adjustment.dose,
                adjustment.locked,
                adjustment.reason,
            )
        ended.append(adjustment)
    return tuple(ended)


def _changed(dose: Dose, ease: bool) -> Dose:
    """The plan's dose one clinician's step easier or harder (the fields left None keep the
    plan's value)."""
    sets = dose.sets
    if dose.reps is not None:
        reps = max(4, dose.reps - 4) if ease else dose.reps + 4
        return Dose(sets=sets, reps=reps)
    if dose.hold_seconds is not None:
        hold = max(10, dose.hold_seconds - 10) if ease else dose.hold_seconds + 10
        return Dose(sets=sets, hold_seconds=hold)
    if sets and sets > 1 and ease:
        return Dose(sets=sets - 1)
    seconds = dose.duration_seconds or 600
    return Dose(duration_seconds=max(300, seconds - 300) if ease else seconds + 300)
