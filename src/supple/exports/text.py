"""Small wordings every export shares, so a duration reads the same on paper and in a
calendar."""

from __future__ import annotations

from supple.core.day_plan import DayPlan


def duration(seconds: int) -> str:
    """A duration as people say it: "45 s", "12 min", "1 h 05 min"."""
    if seconds < 60:
        return f"{seconds} s"
    whole = round(seconds / 60)
    if whole < 60:
        return f"{whole} min"
    return f"{whole // 60} h {whole % 60:02d} min"


def item_lines(plan: DayPlan) -> list[str]:
    """One line per exercise: name, the day's dose, the plan's remark and any adaptation."""
    lines = []
    for item in plan.items:
        notes = f" ({item.prescription.notes})" if item.prescription.notes else ""
        line = f"{item.exercise.name}{notes}: {item.prescription.dose.describe()}"
        if item.variant:
            line += f", as {item.variant.name}"
        if item.reason:
            line += f" [{item.reason}]"
        lines.append(line)
    return lines
