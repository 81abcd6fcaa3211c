"""Every malformed plan is reported as FILE:LINE:COLUMN: message, with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Supple

GOOD_ITEM = "      - {exercise: bird-dog, sets: 3, reps: 10, per: side}\n"
HEAD = "format: 1\nname: Mine\ndays:\n  - day: 1\n    title: T\n    goal: G\n    items:\n"

CASES: list[tuple[str, str, list[str]]] = [
    ("empty file", "", ["1:1: the file is empty"]),
    ("only a comment", "# nothing here\n", ["1:1: the file is empty"]),
    ("yaml syntax: unclosed bracket", "format: 1\nname: [oops\n", ["3:1: YAML syntax error"]),
    ("yaml syntax: bad indentation", "format: 1\n name: x\nfoo: 2\n", ["2:6: YAML syntax error"]),
    ("top level is a list", "- 1\n- 2\n", ["1:1: plan must be a mapping"]),
    (
        "wrong format version",
        "format: 2\nname: x\ndays: []\n",
        ["1:9: unsupported format '2'", "3:7: days must have 1 to 7 entries, has 0"],
    ),
    (
        "missing name",
        "format: 1\ndays: []\n",
        ["1:1: plan: missing required key 'name'", "2:7: days must have 1 to 7 entries"],
    ),
    (
        "unknown top-level key with suggestion",
        "format: 1\nname: x\ndayz: []\n",
        [
            "3:1: plan: unknown key 'dayz'; did you mean 'days'?",
            "1:1: plan: missing required key 'days'",
        ],
    ),
    (
        "duplicate top-level key",
        "format: 1\nname: x\nname: y\ndays: []\n",
        ["3:1: plan: duplicate key 'name'", "4:7: days must have 1 to 7 entries"],
    ),
    (
        "weeks is zero",
        "format: 1\nname: x\nweeks: 0\ndays: []\n",
        ["3:8: weeks must be from 1 to 104, got 0", "4:7: days must have 1 to 7"],
    ),
    (
        "day number out of range",
        HEAD.replace("day: 1", "day: 8") + GOOD_ITEM,
        ["4:10: day must be from 1 to 7, got 8"],
    ),
    (
        "duplicate day",
        HEAD + GOOD_ITEM + "  - day: 1\n    title: U\n    goal: H\n    items:\n" + GOOD_ITEM,
        ["9:5: day 1 is defined twice (first on line 4)"],
    ),
    (
        "unknown exercise suggests the closest id",
        HEAD + "      - {exercise: bird-dgo, sets: 3, reps: 10}\n",
        ["8:20: unknown exercise 'bird-dgo'; did you mean 'bird-dog'?"],
    ),
    (
        "negative reps",
        HEAD + "      - {exercise: bird-dog, sets: 3, reps: -4}\n",
        ["8:45: day 1 item 1 (bird-dog) reps must be from 1 to 200, got -4"],
    ),
    (
        "zero sets",
        HEAD + "      - {exercise: bird-dog, sets: 0, reps: 10}\n",
        ["8:36: day 1 item 1 (bird-dog) sets must be from 1 to 20, got 0"],
    ),
    (
        "reps as text",
        HEAD + "      - {exercise: bird-dog, sets: 3, reps: ten}\n",
        ["8:45: day 1 item 1 (bird-dog) reps must be a whole number, got 'ten'"],
    ),
    (
        "no dose at all",
        HEAD + "      - {exercise: bird-dog, sets: 3}\n",
        ["8:9: day 1 item 1 (bird-dog): needs one of reps, hold_seconds or minutes"],
    ),
    (
        "two doses at once",
        HEAD + "      - {exercise: bird-dog, reps: 3, hold_seconds: 10}\n",
        ["8:53: day 1 item 1 (bird-dog): give only one of reps, hold_seconds or minutes"],
    ),
    (
        "unknown item key",
        HEAD + "      - {exercise: bird-dog, rep: 10}\n",
        [
            "8:30: day 1 item 1: unknown key 'rep'; did you mean 'reps'?",
            "8:9: day 1 item 1 (bird-dog): needs one of reps, hold_seconds or minutes",
        ],
    ),
    (
        "bad per",
        HEAD + "      - {exercise: bird-dog, reps: 10, per: arm}\n",
        ["8:45: day 1 item 1 (bird-dog) per must be one of side, leg; got 'arm'"],
    ),
    (
        "minutes_max below minutes",
        HEAD + "      - {exercise: foam-rolling, minutes: 20, minutes_max: 15}\n",
        ["8:60: day 1 item 1 (foam-rolling): minutes_max (15) must be more than minutes (20)"],
    ),
    (
        "minutes_max without minutes",
        HEAD + "      - {exercise: foam-rolling, hold_seconds: 5, minutes_max: 15}\n",
        ["8:64: day 1 item 1 (foam-rolling): minutes_max needs minutes"],
    ),
    (
        "zero minutes",
        HEAD + "      - {exercise: foam-rolling, minutes: 0}\n",
        ["8:43: day 1 item 1 (foam-rolling) minutes must be more than zero, got 0"],
    ),
    ("items not a list", HEAD + "      oops\n", ["8:7: day 1 items must be a list"]),
    (
        "day missing its title",
        "format: 1\nname: x\ndays:\n  - day: 2\n    goal: g\n    items: []\n",
        ["4:5: day: missing required key 'title'"],
    ),
    (
        "minutes beyond three hours",
        HEAD + "      - {exercise: foam-rolling, minutes: 100000}\n",
        ["8:43: day 1 item 1 (foam-rolling) minutes must be a number up to 180, got 100000"],
    ),
    (
        "minutes_max beyond three hours",
        HEAD + "      - {exercise: foam-rolling, minutes: 20, minutes_max: 181}\n",
        ["8:60: day 1 item 1 (foam-rolling) minutes_max must be a number up to 180, got 181"],
    ),
    (
        "minutes not a number",
        HEAD + "      - {exercise: foam-rolling, minutes: .nan}\n",
        ["8:43: day 1 item 1 (foam-rolling) minutes must be a number up to 180, got .nan"],
    ),
    (
        "minutes infinite",
        HEAD + "      - {exercise: foam-rolling, minutes: .inf}\n",
        ["8:43: day 1 item 1 (foam-rolling) minutes must be a number up to 180, got .inf"],
    ),
    (
        "sets beyond twenty",
        HEAD + "      - {exercise: bird-dog, sets: 21, reps: 10}\n",
        ["8:36: day 1 item 1 (bird-dog) sets must be from 1 to 20, got 21"],
    ),
    (
        "reps beyond two hundred",
        HEAD + "      - {exercise: bird-dog, reps: 201}\n",
        ["8:36: day 1 item 1 (bird-dog) reps must be from 1 to 200, got 201"],
    ),
    (
        "hold beyond an hour",
        HEAD + "      - {exercise: bird-dog, hold_seconds: 3601}\n",
        ["8:44: day 1 item 1 (bird-dog) hold_seconds must be from 1 to 3600, got 3601"],
    ),
    (
        "a terminal escape in the notes",
        HEAD + '      - {exercise: bird-dog, reps: 10, notes: "\\e[2Jgone"}\n',
        ["8:47: day 1 item 1 (bird-dog) notes contains the control character U+001B"],
    ),
    (
        "several problems are all reported",
        HEAD + "      - {exercise: nope, reps: 10}\n      - {exercise: bird-dog, reps: 0}\n",
        [
            "8:20: unknown exercise 'nope'",
            "9:36: day 1 item 2 (bird-dog) reps must be from 1 to 200, got 0",
        ],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_malformed_plan_is_reported_at_its_line_and_column(
    supple: Supple, tmp_path: Path, case: str, text: str, expected: list[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    result = supple("plan", "validate", str(plan))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(expected), result.stderr
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith(f"{plan}:"), line
        assert want in line, f"{case}: expected {want!r} in {line!r}"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.mkdir(), p)[1], "is a directory, not a plan file"),
        (lambda p: (p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), p)[1], "is a binary file"),
        (lambda p: (p.write_bytes(b"format: 1\nname: caf\xe9\n"), p)[1], "2:10: is not UTF-8 text"),
    ],
    ids=["missing file", "directory", "binary file", "latin-1 text"],
)
def test_an_unreadable_plan_file_gets_one_clear_line(
    supple: Supple, tmp_path: Path, make: object, message: str
) -> None:
    path = make(tmp_path / "plan.yaml")  # type: ignore[operator]
    result = supple("plan", "validate", str(path))
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith(f"{path}:")


def test_the_exported_bundled_plan_validates_and_can_be_used(
    started: Supple, tmp_path: Path
) -> None:
    exported = started("plan", "export")
    plan = tmp_path / "mine.yaml"
    plan.write_text(
        exported.output.replace('name: "Stretch', 'name: "My Stretch'), encoding="utf-8"
    )
    assert started("plan", "validate", str(plan)).exit_code == 0
    used = started("plan", "use", str(plan))
    assert used.exit_code == 0 and "My Stretch" in used.output
    plan.unlink()  # the plan's text was stored: a deleted file loses nothing
    assert started("today", "--date", "2026-11-03", "--json").exit_code == 0


def test_a_plan_may_define_its_own_exercises(supple: Supple, tmp_path: Path) -> None:
    exercise = (
        "exercises:\n  - id: wall-sit\n    name: Wall Sit\n    category: strength\n"
        "    targets: [quads]\n    equipment: [wall]\n    per: null\n    tempo_seconds: 3\n"
        "    rest_seconds: 30\n    summary: S.\n    setup: [a]\n    steps: [b]\n    cues: [c, d]\n"
        "    mistakes: [m]\n    stop_if: [s]\n    easier: {name: E, how: e}\n"
        "    harder: {name: H, how: h}\n"
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(HEAD + "      - {exercise: wall-sit, sets: 2, hold_seconds: 30}\n" + exercise)
    result = supple("plan", "validate", str(plan))
    assert result.exit_code == 0, result.stderr
    assert "1 prescriptions" in result.output
