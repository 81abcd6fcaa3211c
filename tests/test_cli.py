"""The terminal face: each command works, and wrong input gets one clear line and exit 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from supple.cli.main import cli
from tests.conftest import Supple

ROOT = Path(__file__).resolve().parent.parent


def test_today_without_a_profile_says_how_to_create_one(supple: Supple) -> None:
    result = supple("today")
    assert result.exit_code == 2
    assert "supple init" in result.stderr and "Traceback" not in result.output


def test_init_then_today_shows_the_day_with_its_estimate_and_a_tip(started: Supple) -> None:
    result = started("today", "--date", "2026-11-04")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Week 1 · Day 3" in out and "Strengthening Glutes & Hip Stabilizers" in out
    assert "Step-Ups (onto a bench)" in out and "3 × 10 reps per leg" in out
    assert "in all, rests included" in out and "Tip ·" in out


def test_today_json_follows_the_contract(started: Supple) -> None:
    data = json.loads(started("today", "--date", "2026-11-10", "--json").output)
    assert (data["date"], data["week"], data["day"]) == ("2026-11-10", 2, 2)
    assert data["title"] == "Lower Back & Hamstring Flexibility"
    assert data["estimated_seconds"] == sum(i["estimated_seconds"] for i in data["items"])
    item = data["items"][4]
    assert {k: item[k] for k in ("exercise", "sets", "reps", "per", "hold_seconds")} == {
        "exercise": "bird-dog", "sets": 3, "reps": 10, "per": "side", "hold_seconds": None,
    }  # fmt: skip
    assert item["base"]["reps"] == 10


def test_after_week_four_the_program_continues_as_maintenance(started: Supple) -> None:
    data = json.loads(started("today", "--date", "2026-12-01", "--json").output)
    assert (data["week"], data["day"], data["maintenance"]) == (5, 2, True)
    assert "maintenance" in started("today", "--date", "2026-12-01").output


def test_week_json_lists_seven_days(started: Supple) -> None:
    data = json.loads(started("week", "--date", "2026-11-12", "--json").output)
    assert data["week"] == 2
    assert [d["day"] for d in data["days"]] == [1, 2, 3, 4, 5, 6, 7]
    assert data["days"][0]["date"] == "2026-11-09"


def test_week_marks_the_chosen_day(started: Supple) -> None:
    result = started("week", "--date", "2026-11-12")
    assert result.exit_code == 0 and "▶ 4" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["today", "--date", "2026-13-01"], "is not a date; use YYYY-MM-DD"),
        (["today", "--date", "2026-10-01"], "before the program starts on 2026-11-02"),
        (["week", "--date", "yesterday"], "is not a date"),
        (["init", "--timezone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["init", "--time", "25:00"], "is not a time of day"),
        (["init", "--start-date", "02/11/2026"], "--start-date '02/11/2026' is not a date"),
        (["exercise", "zzzzzz"], "no exercise matches 'zzzzzz'"),
        (["exercise", "stretch"], "matches several exercises"),
        (["plan", "use"], "give a plan FILE, or --bundled"),
        (["--db", "nonsense://", "today"], "not a database URL"),
        (["--db", "sqlite:////proc/nope/x.db", "today"], "cannot"),
    ],
)
def test_wrong_input_gets_one_clear_line_and_exit_2(
    started: Supple, args: list[str], message: str
) -> None:
    result = started(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("bird dog", "Bird-Dog Exercise"),
        ("childs pose", "Child’s Pose Stretch"),
        ("Child's Pose", "Child’s Pose Stretch"),
        ("worlds greatest", "World’s Greatest Stretch"),
        ("90/90", "90/90 Hip Stretch"),
        ("hip-flexor-stretch", "Hip Flexor Stretch"),
        ("clamshels", "Side-Lying Clamshells"),
    ],
)
def test_exercise_finds_loose_names(supple: Supple, query: str, name: str) -> None:
    result = supple("exercise", query, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["name"] == name


def test_exercise_shows_everything_needed_to_do_it(supple: Supple) -> None:
    out = supple("exercise", "bird dog").output
    for heading in (
        "Set up",
        "Move",
        "Form cues",
        "Common mistakes",
        "Stop if",
        "Easier:",
        "Harder:",
    ):
        assert heading in out


def test_the_catalog_lists_every_exercise(supple: Supple) -> None:
    data = json.loads(supple("exercise", "--json").output)
    assert len(data) == 34


def test_about_explains_the_hip_back_link_and_the_tips(supple: Supple) -> None:
    out = supple("about").output
    assert "pelvis" in out and "Be consistent" in out and "Listen to your body" in out


def test_init_updates_only_what_is_given(started: Supple) -> None:
    assert started("init", "--time", "18:15").exit_code == 0
    out = started("init").output
    assert "18:15 (Europe/Paris)" in out and "2026-11-02" in out


def test_python_dash_m_supple_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "supple", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "today" in result.stdout


def _commands(group: object, prefix: str = "") -> list[str]:
    import click

    assert isinstance(group, click.Group)
    names: list[str] = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix}{name} "))
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"`supple {re.escape(command)}\b", readme), f"README lacks `supple {command}`"
    result = Supple()(*command.split(), "--help")
    assert result.exit_code == 0 and len(result.output) > 50


def test_the_lazy_listing_matches_each_commands_own_short_help() -> None:
    import click

    from supple.cli.registry import COMMANDS

    ctx = click.Context(cli)
    for name, (_, summary) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None, name
        assert command.get_short_help_str(limit=500) == summary, name


def test_help_imports_no_command_module() -> None:
    code = "import sys; from supple.cli.main import main; sys.argv=['supple','--help']\n"
    code += "try:\n main()\nexcept SystemExit: pass\n"
    code += "print(sorted(m for m in sys.modules if m.startswith('supple.cli.commands_')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["exercise", "bird dog", "--figure", "/proc/no/such/figure.svg"],
        ["figures", "--out", "/proc/no-such-folder"],
    ],
)
def test_a_path_that_cannot_be_written_gets_one_line_and_exit_2(
    supple: Supple, args: list[str]
) -> None:
    result = supple(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot use /proc/no")
    assert "No such file or directory" in result.stderr
