"""Wordings every face shares, so a duration reads the same in the terminal, on a page, on
paper and in a calendar."""

from __future__ import annotations


def duration(seconds: int) -> str:
    """A duration as people say it: "45 s", "12 min", "1 h 05 min"."""
    if seconds < 60:
        return f"{seconds} s"
    whole = round(seconds / 60)
    if whole < 60:
        return f"{whole} min"
    return f"{whole // 60} h {whole % 60:02d} min"
