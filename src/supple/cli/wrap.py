"""Text broken between words to fit the terminal, for what click prints and asks.

A terminal breaks a line that is too long wherever the last column falls, even inside a word
("blad/der"); Rich wraps its own output, but plain ``click.echo`` and ``click.prompt`` do not.
"""

from __future__ import annotations

import shutil
import textwrap

NARROWEST = 20


def fit(text: str, reserve: int = 0, width: int | None = None) -> str:
    """``text`` with line breaks between words so no line is wider than the terminal.

    ``reserve`` columns stay free on the last line: a prompt's choices and the typed answer
    follow it there. Leading blank lines are kept; ``width`` defaults to the terminal's.
    """
    columns = width if width is not None else shutil.get_terminal_size().columns
    room = max(NARROWEST, columns - 1)
    body = text.lstrip("\n")
    lines = wrap(body, room)
    if len(lines[-1]) + reserve > room:
        lines[-1:] = wrap(lines[-1], max(NARROWEST // 2, room - reserve))
        if len(lines[-1]) + reserve > room:
            lines.append("")
    return "\n" * (len(text) - len(body)) + "\n".join(lines)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` broken at spaces only (never inside a word or at a hyphen)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def prompt_suffix(choices: tuple[str, ...] = (), answer: int = 2) -> int:
    """Columns that click adds after a prompt's text, `` (y, n): ``, and the typed answer."""
    shown = f" ({', '.join(choices)})" if choices else ""
    return len(shown) + len(": ") + answer
