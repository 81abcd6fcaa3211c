"""The adaptation rules in plain words, written from the thresholds ``core.adapt`` applies.

A dose change ends with its rule's number ("… (rule 3)"); every face says that number as the
rule's short name instead (``in_words``): the terminal and paper as plain words, pages as a link
to its explanation here. So the words and the code cannot drift apart: every figure below is the
constant the rules read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from supple.core import pain
from supple.core.adapt import (
    EASY_EFFORT,
    MORNING_HIGH,
    MORNING_JUMP,
    PAUSE_DAYS,
    SAFE,
    TOO_MUCH,
    WEEK_RISE,
    WEEKLY_CAP,
)


@dataclass(frozen=True)
class RuleText:
    number: str
    name: str  # short, to stand in a sentence: "eased after too much pain"
    explanation: str

    @property
    def anchor(self) -> str:
        return f"rule-{self.number}"


def _listing(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


RULES: tuple[RuleText, ...] = (
    RuleText(
        "1",
        "too much pain during it makes it easier",
        f"An exercise you rate {TOO_MUCH}/10 or more, or say hurt beyond a stretch, becomes "
        "one step easier from the next day.",
    ),
    RuleText(
        "2",
        "pain that stops a session",
        f"Pain of {pain.STOP_AT}/10 or more, or {_listing(sorted(pain.ALARMING))} pain, ends "
        "the session at once; that exercise also becomes one step easier.",
    ),
    RuleText(
        "3",
        "a worse next morning eases yesterday's exercises",
        f"If a morning's pain is above {MORNING_HIGH}/10, or at least {MORNING_JUMP} points above "
        "the morning before, every exercise done the day before becomes one step easier and "
        f"nothing gets harder for {PAUSE_DAYS} days.",
    ),
    RuleText(
        "4",
        "a worse week holds progress",
        f"If a week's average morning pain or stiffness is {WEEK_RISE:g} point or more above the "
        "week before, nothing gets harder during the next week.",
    ),
    RuleText(
        "5",
        "two easy sessions make it harder",
        f"An exercise becomes one step harder when the last two sessions that included it both "
        f"had it rated {SAFE}/10 or less and a session effort of {EASY_EFFORT}/10 or less, "
        f"unless a pause is in force. A week's total exercise time never grows by more than "
        f"{round((WEEKLY_CAP - 1) * 100)} %.",
    ),
)

BY_NUMBER = {rule.number: rule for rule in RULES}
STEP = (
    "A step is the smallest change to a dose: first fewer (or more) repetitions or seconds, "
    "then fewer (or more) sets, then the easier (or harder) version of the exercise."
)

_MENTION = re.compile(r"\s*\(rules? (\d)(?: and (\d))?\)")


def split_mention(text: str) -> tuple[str, list[RuleText]]:
    """A reason without its "(rule N)" ending, and the rules it named."""
    found: list[RuleText] = []

    def collect(match: re.Match[str]) -> str:
        found.extend(BY_NUMBER[n] for n in match.groups() if n and n in BY_NUMBER)
        return ""

    return _MENTION.sub(collect, text), found


def _plain(rule: RuleText) -> str:
    return rule.name


def in_words(text: str, name: Callable[[RuleText], str] = _plain) -> str:
    """``text`` with its "(rule N)" ending said as each rule's short name: "… on Tuesday (too
    much pain during it makes it easier)." ``name`` words one rule (a page wraps it in a link);
    a text naming no rule comes back as it was."""
    words, rules = split_mention(text)
    if not rules:
        return text
    return f"{words.rstrip('. ')} ({' and '.join(name(rule) for rule in rules)})."
