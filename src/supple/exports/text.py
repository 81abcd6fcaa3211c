"""Small wordings every export shares, so a duration reads the same on paper and in a
calendar."""

from __future__ import annotations

from supple.core.day_plan import DayPlan
from supple.core.rules import in_words
from supple.core.wording import duration

__all__ = ["duration", "item_lines"]


def item_lines(plan: DayPlan) -> list[str]:
    """One line per exercise: name, the day's dose, the plan's remark and any adaptation."""
    lines = []
    for item in plan.items:
        notes = f" ({item.prescription.notes})" if item.prescription.notes else ""
        line = f"{item.exercise.name}{notes}: {item.prescription.dose.describe()}"
        if item.variant:
            line += f", as {item.variant.name}"
        if item.reason:
            line += f" [{in_words(item.reason)}]"
        lines.append(line)
    return lines
