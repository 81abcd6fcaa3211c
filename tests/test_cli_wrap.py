"""What click prints and asks is broken between words to fit the terminal, so the terminal
never splits a word across lines ("blad/der") at any width."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import supple.cli.render
import supple.cli.render_wellbeing
from supple.cli.main import cli as root
from supple.cli.wrap import fit, prompt_suffix
from supple.core.safety import QUESTIONS

WIDTHS = (40, 60, 80)
LONGEST = max(QUESTIONS, key=lambda q: len(q.text)).text


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("reserve", [0, prompt_suffix(("y", "n"))])
def test_fitted_text_keeps_every_word_whole_and_every_line_inside_the_terminal(
    width: int, reserve: int
) -> None:
    text = fit(LONGEST, reserve, width=width)
    lines = text.split("\n")
    assert all(len(line) < width for line in lines)
    assert len(lines[-1]) + reserve < width
    assert text.split() == LONGEST.split()  # the same words, none cut in two


def test_fit_keeps_leading_blank_lines_and_leaves_short_text_alone() -> None:
    assert fit("\nSee a clinician first", width=80) == "\nSee a clinician first"
    assert fit("Short", 8, width=40) == "Short"


def test_a_word_longer_than_the_line_is_kept_whole() -> None:
    word = "x" * 50
    assert fit(f"a {word} b", width=40).split() == ["a", word, "b"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_safety_questions_never_split_a_word_at_any_terminal_width(
    db_url: str, width: int
) -> None:
    # Rich's consoles read COLUMNS once, when built: they were built at import (above), so this
    # test's narrow terminal does not stay with them for the tests that follow.
    assert supple.cli.render.console.width
    runner = CliRunner()
    env = {"COLUMNS": str(width)}
    args = ["init", "--start-date", "2026-11-02", "--timezone", "Europe/Paris"]
    result = runner.invoke(root, args, input="n\n" * len(QUESTIONS), env=env)
    assert result.exit_code == 0, result.output
    asked = result.output[: result.output.rindex("(y, n): ") + len("(y, n): n")]
    # The terminal would break any longer line wherever its last column falls.
    too_long = [line for line in asked.split("\n") if len(line) >= width]
    assert too_long == []
    flat = _flat(asked)
    assert "about how things are now" in flat
    for question in QUESTIONS:
        assert _flat(question.text) in flat
    assert re.search(r"\b(thi|blad)\n", asked) is None


@pytest.mark.parametrize("width", WIDTHS)
def test_the_session_check_in_questions_fit_the_terminal(db_url: str, width: int) -> None:
    runner = CliRunner()
    args = ["init", "--start-date", "2026-11-02", "--timezone", "Europe/Paris"]
    assert runner.invoke(root, [*args, "--answers", ",".join("n" * len(QUESTIONS))]).exit_code == 0
    env = {"COLUMNS": str(width)}
    result = runner.invoke(root, ["checkin", "session"], input="2\n3\n2\n5\n", env=env)
    assert result.exit_code == 0, result.output
    asked = result.output[: result.output.rindex(": 5") + 3]
    assert [line for line in asked.split("\n") if len(line) >= width] == []
    assert "How hard was it (0 rest – 10 maximal effort)" in _flat(asked)
