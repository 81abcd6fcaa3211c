"""`supple export pdf`: the printable plan holds every prescription, on the paper asked for,
and says what to install when the system lacks WeasyPrint's libraries."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from supple import planfile
from tests.conftest import Supple

# WeasyPrint takes a second or two per document on these machines: each paper size is
# rendered once per test run and shared.
_CACHE: dict[str, bytes] = {}


def _pdf(supple: Supple, tmp_path: Path, paper: str) -> bytes:
    if paper not in _CACHE:
        out = tmp_path / f"plan-{paper}.pdf"
        result = supple(
            "export", "pdf", "--paper", paper, "--date", "2026-11-04", "--out", str(out)
        )
        assert result.exit_code == 0, result.output
        _CACHE[paper] = out.read_bytes()
    return _CACHE[paper]


def _pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    # A line that breaks after a hyphen ("hip-" / "width") is one word again.
    texts = [(page.extract_text() or "").replace("-\n", "-") for page in reader.pages]
    return [" ".join(text.split()) for text in texts]


def test_the_first_page_shows_every_prescription_of_the_week_and_a_four_week_grid(
    started: Supple, tmp_path: Path
) -> None:
    glance = _pages(_pdf(started, tmp_path, "a4"))[0]
    program = planfile.bundled_program()
    assert "Week 1 at a glance" in glance
    for day in program.days:
        assert day.title in glance
        for item in day.items:
            assert program.exercise(item.exercise_id).name in glance
            assert item.dose.describe() in glance
    for week in range(1, 5):
        assert f"Week {week} " in glance
    assert "Mon 02 Nov" in glance and "Sun 29 Nov" in glance  # the grid's first and last days


def test_each_day_has_its_own_card_with_every_dose_step_and_cue(
    started: Supple, tmp_path: Path
) -> None:
    pages = _pages(_pdf(started, tmp_path, "a4"))
    program = planfile.bundled_program()
    cards = pages[1:]
    assert len(cards) == len(program.days)  # one page each: easy to pin up a single day
    for day, card in zip(program.days, cards, strict=True):
        assert f"Day {day.number} {day.title}" in card
        for item in day.items:
            exercise = program.exercise(item.exercise_id)
            assert f"{exercise.name} {item.dose.describe()}" in card
            for line in (*exercise.setup, *exercise.steps, *exercise.cues, *exercise.stop_if):
                assert " ".join(line.split()) in card


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_the_plan_prints_on_a4_or_letter(
    started: Supple, tmp_path: Path, paper: str, size: tuple[int, int]
) -> None:
    reader = PdfReader(io.BytesIO(_pdf(started, tmp_path, paper)))
    assert len(reader.pages) == 8  # the week at a glance, then one page per day
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == size
    assert "it cannot examine you" in (reader.pages[0].extract_text() or "")


def test_without_weasyprints_libraries_the_command_says_what_to_install(
    started: Supple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now fails
    result = started("export", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "apt-get install libpango-1.0-0" in result.output
    assert result.output.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--date", "04/11/2026"), "is not a date"), (("--paper", "a3"), "Invalid value")],
)
def test_bad_pdf_options_are_refused(started: Supple, args: tuple[str, ...], message: str) -> None:
    result = started("export", "pdf", *args)
    assert result.exit_code == 2 and message in result.output
