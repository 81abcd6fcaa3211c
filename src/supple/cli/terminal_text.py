"""Text from a plan or a person, made safe to print on a terminal.

A plan's notes, an exercise's name or a typed value may hold escape sequences (``ESC [ 2 J``
clears the screen; others retitle the window or rewrite what was printed). ``clean`` drops
every control character but tab and newline (C0, DEL and C1), and ``console`` gives a Rich
console whose every string passes through ``clean`` before it becomes styled text.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` without control characters (tab and newline kept)."""
    return _CONTROL.sub("", text)


def text(value: str, style: str = "") -> Text:
    """A Rich ``Text`` of cleaned ``value``: for renderables built by hand."""
    return Text(clean(value), style=style)


class SafeConsole(Console):
    """A Rich console that cleans every string it turns into text (tables, panels, prints)."""

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(clean(text), **options)


def console(**options: Any) -> SafeConsole:
    return SafeConsole(highlight=False, **options)
