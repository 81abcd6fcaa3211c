"""A date's bounds, written so an OpenAPI document can state them.

JSON Schema has no minimum or maximum for ``format: date``. A ``YYYY-MM-DD`` string sorts as
its day does, so a regular expression for "the strings from ``first`` to ``last``" is exactly
the bound; beside ``format: date`` (which rules out a 13th month or 30 February) it says which
dates a route takes. ASCII digits only (``[0-9]``, not ``\\d``, which means any script's digits
in Python and only ASCII in ECMAScript, the dialect OpenAPI patterns are written in), and
the ``-`` between the parts unescaped, as ECMAScript's unicode mode requires.
"""

from __future__ import annotations

from datetime import date

_DIGIT = "[0-9]"


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"[{low}-{high}]"


def _any(shape: str) -> str:
    return "".join(_DIGIT if c.isdigit() else c for c in shape)


def _alternatives(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _at_least(text: str) -> str:
    """Strings of ``text``'s shape that sort at or after it."""
    if not text:
        return ""
    head, rest = text[0], text[1:]
    if not head.isdigit():
        return head + _at_least(rest)
    parts = [head + _at_least(rest)]
    if head != "9":
        parts.append(_span(int(head) + 1, 9) + _any(rest))
    return _alternatives(parts)


def _at_most(text: str) -> str:
    """Strings of ``text``'s shape that sort at or before it."""
    if not text:
        return ""
    head, rest = text[0], text[1:]
    if not head.isdigit():
        return head + _at_most(rest)
    parts = [head + _at_most(rest)]
    if head != "0":
        parts.append(_span(0, int(head) - 1) + _any(rest))
    return _alternatives(parts)


def _between(low: str, high: str) -> str:
    same = 0
    while same < len(low) and low[same] == high[same]:
        same += 1
    if same == len(low):
        return low
    prefix, a, b = low[:same], int(low[same]), int(high[same])
    rest_low, rest_high = low[same + 1 :], high[same + 1 :]
    parts = [f"{a}{_at_least(rest_low)}"]
    if b - a > 1:
        parts.append(_span(a + 1, b - 1) + _any(rest_low))
    parts.append(f"{b}{_at_most(rest_high)}")
    return prefix + _alternatives(parts)


def date_pattern(first: date, last: date) -> str:
    """An anchored pattern matching the ``YYYY-MM-DD`` strings from ``first`` to ``last``
    (those two included); one matching nothing when ``last`` is before ``first``."""
    if last < first:
        return "^(?!)$"
    return "^" + _between(first.isoformat(), last.isoformat()) + "$"
