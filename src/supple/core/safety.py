"""The red-flag screen (CLINICAL.md §1): the questions, and what a set of answers means.

Supple does not diagnose. It asks about the few signs that mean exercise should wait for a
clinician, in two tiers: signs that need emergency care today, and signs that need a clinician's
go-ahead before starting. Any "yes" stops the program until a clinician's clearance is recorded.
The wording is plain on purpose: people answer these alone, at home, often in some pain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol, TypeVar

from supple.core.errors import InputError

Tier = Literal["urgent", "clinician"]

DISCLAIMER = (
    "Supple guides your exercise; it cannot examine you and does not replace a doctor or "
    "physiotherapist. If something feels wrong, stop and ask one."
)
URGENT_ADVICE = (
    "Please seek emergency care today (an emergency department, or your local emergency "
    "number). These signs can mean pressure on the nerves at the base of the spine, which needs "
    "prompt treatment. Do not do the exercises."
)
CLINICIAN_ADVICE = (
    "Please see a doctor or physiotherapist before you start. They can check what is going on "
    "and tell you whether this program suits you, or how to adapt it."
)
HOW_TO_CONTINUE = (
    "When a clinician has seen you and said exercise is safe for you, record it with "
    "`supple screen --cleared YYYY-MM-DD` (the date you were cleared)."
)

Remedy = Literal["screen", "clearance", "morning", "rest"]

# What lifts each kind of block, said for the terminal; the web pages show a form or a link
# for the same remedy instead of a command.
TERMINAL_REMEDIES: dict[Remedy, str] = {
    "screen": "Run `supple screen` to answer them (yes or no each, about two minutes).",
    "clearance": HOW_TO_CONTINUE,
    "morning": "Record this morning's check-in first: `supple checkin morning --pain N "
    "--stiffness N`.",
    "rest": "Tomorrow, record your morning check-in (`supple checkin morning`) before the next "
    "session.",
}


@dataclass(frozen=True)
class Block:
    """Why no session is offered now, and which remedy lifts it.

    The reason is written for any face; each face says how to apply the remedy in its own
    terms (a command in the terminal, a form or a link in the browser).
    """

    reason: str
    remedy: Remedy
    tier: Tier | None = None  # the red flag's tier, when a red flag is the reason
    answered_again: str | None = None  # why a "yes" still blocks after newer answers without one

    @property
    def urgent(self) -> bool:
        """Emergency signs: faces show them apart, with no clearance at hand."""
        return self.tier == "urgent"

    def for_terminal(self) -> str:
        again = f" {self.answered_again}" if self.answered_again else ""
        return f"{self.reason}{again} {TERMINAL_REMEDIES[self.remedy]}"

    def as_json(self) -> dict[str, str]:
        body = {"reason": self.reason, "remedy": self.remedy}
        if self.answered_again:
            body["answered_again"] = self.answered_again
        return body


def still_flagged(flagged_on: str, answered_on: str) -> str:
    """Why newer answers without a "yes" leave an earlier "yes" blocking (§1 of CLINICAL.md:
    only a clearance lifts it). Said plainly, because the person has just answered "no" to
    everything and expects sessions back."""
    return (
        f"Your newer answers of {answered_on} have no “yes”, and they are kept beside the "
        f"earlier ones. They do not lift the “yes” of {flagged_on}: only a clinician's "
        "clearance does. Supple cannot tell a mistaken tap from a sign that has eased for "
        "now, and these signs can come back. If that “yes” was a mistake, a doctor or "
        "physiotherapist can confirm it quickly; then record the clearance."
    )


@dataclass(frozen=True)
class Question:
    id: str
    tier: Tier
    text: str


QUESTIONS: tuple[Question, ...] = (
    Question(
        "bladder-bowel",
        "urgent",
        "Have you recently found it hard to pass urine, or lost control of your bladder or bowels?",
    ),
    Question(
        "saddle-numbness",
        "urgent",
        "Do you have numbness or a changed feeling between your legs, around your buttocks or "
        "genitals?",
    ),
    Question(
        "both-legs",
        "urgent",
        "Do you have weakness, numbness or pins and needles in both legs, or is it getting worse?",
    ),
    Question(
        "sexual-function",
        "urgent",
        "Have you noticed a new problem with sexual function since the back pain began?",
    ),
    Question(
        "injury",
        "clinician",
        "Did your back pain start after a bad fall, an accident or another significant injury?",
    ),
    Question(
        "cancer-weight",
        "clinician",
        "Have you ever had cancer, or have you lost weight recently without trying?",
    ),
    Question(
        "fever-unwell",
        "clinician",
        "Along with the back pain, do you have a fever, chills, or feel generally unwell?",
    ),
    Question(
        "immune-steroids-drugs",
        "clinician",
        "Do you take steroid medicine long-term, have a weakened immune system, or inject drugs?",
    ),
    Question(
        "night-rest-pain",
        "clinician",
        "Is your pain constant at night or at rest, without any position that eases it?",
    ),
    Question(
        "age-onset",
        "clinician",
        "Did back pain first start for you before the age of 20 or after the age of 55?",
    ),
    Question(
        "one-leg",
        "clinician",
        "Is one of your legs getting weaker or numb, or are you losing your balance?",
    ),
    Question(
        "bones-surgery",
        "clinician",
        "Do you have osteoporosis or a recent broken bone, or have you had surgery on your spine "
        "or hips in the last 6 months?",
    ),
    Question(
        "pregnancy",
        "clinician",
        "Are you pregnant? (Some positions then need a clinician to adapt them.)",
    ),
)

URGENT_TITLE = "Get emergency care today"
TIER_TITLES: Mapping[Tier, str] = {
    "urgent": "Signs that need emergency care",
    "clinician": "Things a clinician should check first",
}


@dataclass(frozen=True)
class Verdict:
    """What a set of answers means: the flagged questions and the advice that follows."""

    flagged: tuple[Question, ...]

    @property
    def clear(self) -> bool:
        return not self.flagged

    @property
    def tier(self) -> Tier | None:
        """The most serious tier answered "yes", if any."""
        if any(q.tier == "urgent" for q in self.flagged):
            return "urgent"
        return "clinician" if self.flagged else None

    @property
    def advice(self) -> str:
        if self.tier == "urgent":
            return URGENT_ADVICE
        if self.tier == "clinician":
            return CLINICIAN_ADVICE
        return "No warning signs: you can start. Stop and tell Supple if anything changes."


def verdict(answers: Mapping[str, bool]) -> Verdict:
    """The verdict for answers keyed by question id; a question not answered counts as unknown
    and is treated as neither yes nor no (callers insist on a full set first)."""
    return Verdict(tuple(q for q in QUESTIONS if answers.get(q.id)))


def parse_answers(text: str, questions: Sequence[Question] = QUESTIONS) -> dict[str, bool]:
    """``"y,n,n,…"`` in question order into answers; exactly one answer per question."""
    words = [w.strip().lower() for w in text.split(",")]
    if len(words) != len(questions):
        raise InputError(
            f"--answers needs {len(questions)} answers (y or n, comma-separated, in the order "
            f"of `supple screen --list`), got {len(words)}"
        )
    answers: dict[str, bool] = {}
    for number, (word, question) in enumerate(zip(words, questions, strict=True), 1):
        if word in ("y", "yes"):
            answers[question.id] = True
        elif word in ("n", "no"):
            answers[question.id] = False
        else:
            raise InputError(f"answer {number} ('{word}') must be y or n")
    return answers


class Screening(Protocol):
    """One run of the screen as stored: when it was answered, and the answers."""

    @property
    def answered_at(self) -> datetime: ...

    @property
    def answers(self) -> Mapping[str, bool]: ...


class Clearing(Protocol):
    """A clinician's clearance as stored: the day it names, and when it was recorded."""

    @property
    def cleared_on(self) -> date: ...

    @property
    def recorded_at(self) -> datetime: ...


S = TypeVar("S", bound=Screening)


def uncleared(runs: Sequence[S], clearances: Sequence[Clearing], on: date) -> list[S]:
    """The runs with a "yes" that no clearance answers on ``on``, oldest first: a clearance
    answers a run when it was recorded after it and names a day on or before ``on``. Any run
    left here blocks sessions (rule 1); the session gate and the clinic's queue both ask."""
    return [
        run
        for run in runs
        if not verdict(run.answers).clear
        and not any(c.recorded_at > run.answered_at and c.cleared_on <= on for c in clearances)
    ]


SETTLED_PAIN = 2


def pain_settled(before: int | None, after: int) -> bool:
    """Whether pain 24 hours after a stop has settled (CLINICAL.md §2 rule 2).

    Settled means back in the safe zone (0–2), or back to the level of the morning before the
    stop, as long as that level was not itself too much (6 or more).
    """
    if after <= SETTLED_PAIN:
        return True
    return before is not None and after <= before and after <= 5
