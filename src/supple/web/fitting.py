"""The "I have N minutes" and "no bench / no roller / no weights" choices on the pages.

They travel as plain query parameters (``?minutes=15&without=bench,roller``): a choice only
shapes what is shown and played, so links do the job, with no form to post, no script and
no anti-forgery token. The rule itself is ``core.fit``; this module only builds the links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query

from supple.core.day_plan import DayPlan
from supple.core.fit import BUDGETS, PROP_NAMES, PROPS, Choices, parse_choices

MinutesQuery = Annotated[
    str | None, Query(description="fit the day into this many minutes (5–120)")
]
WithoutQuery = Annotated[
    list[str] | None,
    Query(description="props you do not have today: bench, roller, weights (comma-separated)"),
]


def choices_from(minutes: str | None, without: list[str] | None) -> Choices:
    return parse_choices(minutes, without or [])


@dataclass(frozen=True)
class Chip:
    """One choice as a link: its words, where it leads, and whether it is in force."""

    label: str
    href: str
    chosen: bool


def _href(path: str, on: str, choices: Choices) -> str:
    query = choices.query()
    return f"{path}?date={on}" + (f"&{query}" if query else "")


def minute_chips(plan: DayPlan, full_seconds: int, choices: Choices, path: str) -> list[Chip]:
    """ "I have 10 / 15 / 20 minutes" for the budgets shorter than the whole day, and "all of
    it" to go back; nothing when the whole day is shorter than every budget."""
    on = plan.on.isoformat()
    offers = [m for m in BUDGETS if m * 60 < full_seconds]
    if not offers and choices.minutes is None:
        return []
    chips = [
        Chip(
            f"{m} min",
            _href(path, on, Choices(None if choices.minutes == m else m, choices.without)),
            choices.minutes == m,
        )
        for m in offers
    ]
    chips.append(
        Chip("all", _href(path, on, Choices(None, choices.without)), choices.minutes is None)
    )
    return chips


def prop_chips(plan: DayPlan, choices: Choices, path: str) -> list[Chip]:
    """ "no bench", "no foam roller", "no weights" for the props the day's exercises use (``plan``
    before any swap); each link toggles its own prop and keeps the rest of the choices."""
    on = plan.on.isoformat()
    used = {equipment for item in plan.items for equipment in item.exercise.equipment}
    chips = []
    for word, equipment in PROPS.items():
        if equipment not in used and word not in choices.without:
            continue
        toggled = choices.without ^ {word}
        chips.append(
            Chip(
                PROP_NAMES[word],
                _href(path, on, Choices(choices.minutes, frozenset(toggled))),
                word in choices.without,
            )
        )
    return chips
