"""Plan and personal text printed at a terminal carries no control characters."""

from __future__ import annotations

import io

import pytest
from rich.table import Table

from supple.cli.terminal_text import SafeConsole, clean, text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Bird-Dog", "Bird-Dog"),
        ("two\nlines\tand a tab", "two\nlines\tand a tab"),
        ("\x1b[2Jcleared", "[2Jcleared"),
        ("\x1b]0;title\x07x", "]0;titlex"),
        ("nul\x00byte", "nulbyte"),
        ("c1\x9bcsi", "c1csi"),
        ("del\x7f", "del"),
        ("café ✓", "café ✓"),
    ],
)
def test_clean_drops_control_characters_but_tab_and_newline(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert text(raw).plain == shown


def test_the_console_cleans_every_string_it_renders() -> None:
    out = io.StringIO()
    console = SafeConsole(file=out, width=60, color_system=None, highlight=False)
    table = Table("exercise")
    table.add_row("\x1b[2JBird-Dog\x07")
    console.print(table)
    console.print("notes: \x1b]0;pwned\x07 keep the back flat")
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
    assert "Bird-Dog" in out.getvalue() and "keep the back flat" in out.getvalue()
