"""docs/session-fitting.md shows every day of the bundled plan at 10, 15 and 20 minutes; the
tables there must be what the rule gives, so they are rebuilt here and compared."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from supple import planfile
from supple.core.day_plan import plan_day
from supple.core.fit import BUDGETS, Choices, Fitted, fit

DOC = Path(__file__).parent.parent / "docs" / "session-fitting.md"
START = date(2026, 11, 2)


def clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def brief(result: Fitted) -> str:
    """Each changed exercise with its new dose, in one cell."""
    if not result.changes:
        return "nothing: the whole day fits"
    parts = []
    for position, item in enumerate(result.plan.items):
        if any(c.item == position for c in result.changes):
            extra = ""
            rest = item.prescription.rest_seconds
            if rest is not None and item.prescription.dose.set_count > 1:
                extra = f", rests {rest} s"
            parts.append(f"{item.exercise.name} {item.prescription.dose.describe()}{extra}")
    return "; ".join(parts)


def tables() -> str:
    program = planfile.bundled_program()
    out = []
    for day in program.days:
        plan = plan_day(program, START, START + timedelta(days=day.number - 1))
        out.append(f"#### Day {day.number}: {day.title} ({clock(plan.estimated_seconds)} in full)")
        out.append("")
        out.append("| I have | it takes | what changes |")
        out.append("|---|---|---|")
        for minutes in BUDGETS:
            result = fit(plan, program.catalog, Choices(minutes))
            took = clock(result.seconds) + ("" if result.fits else " (its shortest)")
            out.append(f"| {minutes} min | {took} | {brief(result)} |")
        out.append("")
    return "\n".join(out)


def test_the_worked_examples_in_the_docs_are_what_the_rule_gives() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- tables -->") + len("<!-- tables -->\n")
    end = text.index("<!-- /tables -->")
    assert text[start:end].strip() == tables().strip()


if __name__ == "__main__":
    print(tables())
