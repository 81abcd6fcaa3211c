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


def arrow(before: str, after: str) -> str:
    """ "3 × 10 reps per side" and "3 × 8 reps per side" as "3 × 10 → 3 × 8 reps per side"."""
    words_a, words_b = before.split(" "), after.split(" ")
    shared = 0
    while (
        shared < min(len(words_a), len(words_b)) - 1
        and words_a[-1 - shared] == words_b[-1 - shared]
        and not any(ch.isdigit() for ch in words_a[-1 - shared])
    ):
        shared += 1
    if shared == 0 or "version" in before or "version" in after:
        return f"{before} → {after}"
    head_a = " ".join(words_a[: len(words_a) - shared])
    head_b = " ".join(words_b[: len(words_b) - shared])
    return f"{head_a} → {head_b} {' '.join(words_a[len(words_a) - shared :])}"
