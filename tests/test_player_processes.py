"""The player as a real process: a whole day with --auto, the interactive screen driven through
tmux, and SIGKILL at random moments losing no reported step."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from supple import services
from supple.services import sessions
from supple.store import checkins
from supple.store.database import open_store
from tests.conftest import Supple, local_scope
from tests.test_sessions import screened_context

pytestmark = pytest.mark.slow

DAY3 = "2026-11-04"


@pytest.fixture(autouse=True)
def screened(started: Supple, db_url: str) -> None:
    screened_context(db_url).store.dispose()


def supple_process(db_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SUPPLE_DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "supple", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def history(db_url: str) -> list[dict[str, object]]:
    ctx = local_scope(open_store(db_url))
    try:
        return sessions.history(ctx)
    finally:
        ctx.store.dispose()


def test_a_whole_day_runs_with_auto_and_shows_in_history(started: Supple, db_url: str) -> None:
    proc = supple_process(db_url, "start", "--day", "3", "--auto", "--speed", "200", "--date", DAY3)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    lines = [line for line in out.splitlines() if re.match(r"\s*\d+/48 ", line)]
    assert len(lines) == 48
    assert "Session finished: 48 of 48" in out
    data = json.loads(started("history", "--json").output)
    (row,) = data["sessions"]
    assert row["day"] == 3 and row["date"] == DAY3 and row["finished_at"] is not None
    assert (row["completed_steps"], row["skipped_steps"], row["total_steps"]) == (48, 0, 48)
    assert [e["completed_sets"] for e in row["exercises"]] == [3, 3, 3, 3, 3]
    assert not any(e["hurt"] for e in row["exercises"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_killed_session_keeps_every_reported_step_and_resumes_to_the_end(
    started: Supple, db_url: str, seed: int
) -> None:
    kill_after = random.Random(seed).randint(1, 40)
    proc = supple_process(
        db_url, "start", "--day", "3", "--auto", "--speed", "1000", "--date", DAY3
    )
    assert proc.stdout is not None
    reported: list[int] = []
    while len(reported) < kill_after:
        line = proc.stdout.readline()
        assert line, "the player ended before it was killed"
        match = re.match(r"\s*(\d+)/48 done", line)
        if match:
            reported.append(int(match[1]) - 1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    ctx = local_scope(open_store(db_url))
    session = sessions.find_unfinished(ctx, services.parse_date(DAY3))
    assert session is not None
    assert set(reported) <= session.completed
    resumed = started("start", "--resume", "--auto", "--speed", "5000", "--date", DAY3)
    assert resumed.exit_code == 0, resumed.output
    assert "Session finished: 48 of 48" in resumed.output
    (row,) = sessions.history(ctx)
    assert row["completed_steps"] == 48 and row["finished_at"] is not None
    ctx.store.dispose()


class Tmux:
    """One private tmux server running one command in a 100×32 window."""

    def __init__(self, command: str) -> None:
        self.socket = f"supple-test-{uuid.uuid4().hex[:8]}"
        self._run("new-session", "-d", "-x", "100", "-y", "32", command)

    def _run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        self._run("send-keys", *keys)

    def screen(self) -> str:
        return self._run("capture-pane", "-p")

    def wait_for(self, pattern: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if re.search(pattern, text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared; the screen was:\n{text}")

    def close(self) -> None:
        self._run("kill-server")


@pytest.fixture
def tmux_run(db_url: str, tmp_path: Path) -> Iterator[Callable[..., Tmux]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    made: list[Tmux] = []

    def make(*args: str) -> Tmux:
        cmd = " ".join([sys.executable, "-m", "supple", *args])
        shell = f"cd {tmp_path} && SUPPLE_DATABASE_URL={db_url} {cmd}; echo EXIT=$?; sleep 30"
        made.append(Tmux(shell))
        return made[-1]

    yield make
    for tmux in made:
        tmux.close()


def step_number(screen: str) -> int:
    match = re.search(r"step (\d+)/48", screen)
    assert match, screen
    return int(match[1])


def test_the_interactive_player_pauses_skips_quits_and_resumes(
    started: Supple, db_url: str, tmux_run: Callable[..., Tmux]
) -> None:
    first = tmux_run("start", "--day", "3", "--date", DAY3, "--speed", "4", "--quiet")
    first.wait_for(r"Pain right now \(0–10, Enter to skip\)")
    first.keys("2", "Enter")
    first.wait_for(r"Stiffness right now")
    first.keys("Enter")  # skipped: only what is given is stored
    screen = first.wait_for(r"GET READY|WORK")
    assert "Bodyweight Squats".upper() in screen and "space pause" in screen
    first.keys("Space")
    paused = first.wait_for("PAUSED")
    time.sleep(0.6)
    assert first.screen() == paused  # nothing moves while paused
    before = step_number(paused)
    first.keys("n")
    skipped = first.wait_for(f"step {before + 1}/48")
    assert "PAUSED" in skipped
    first.keys("Space")
    first.wait_for(r"(?s)\A(?!.*PAUSED)", timeout=5)
    first.keys("q")
    first.wait_for(r"Saved: .*--resume[\s\S]*EXIT=0")

    ctx = local_scope(open_store(db_url))
    session = sessions.find_unfinished(ctx, services.parse_date(DAY3))
    assert session is not None and before - 1 in session.skipped
    assert session.resume_point is not None and session.resume_point >= before

    second = tmux_run("start", "--day", "3", "--date", DAY3, "--speed", "400", "--quiet")
    second.wait_for(r"Continue it\? \[Y/n\]")
    second.keys("y", "Enter")
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        screen = second.screen()
        if "Session finished" in screen:
            break
        if "How much did" in screen:
            second.keys("1")
        time.sleep(0.1)
    second.wait_for(r"Pain now, after the session")
    second.keys("1", "Enter")
    second.wait_for(r"How hard was the session")
    second.keys("4", "Enter")
    assert "Session finished: 47 of 48" in second.wait_for("EXIT=0")
    (checkin,) = checkins.list_for(ctx.store, 1, kind="session")
    assert checkin.values == {
        "before_pain": 2, "before_stiffness": None, "after_pain": 1, "rpe": 4,
    }  # fmt: skip
    (row,) = sessions.history(ctx)
    assert (row["completed_steps"], row["skipped_steps"]) == (47, 1)
    last = {row.subject: row.values for row in checkins.list_for(ctx.store, 1, kind="exercise")}
    assert last["side-plank-hold"] == {"pain": 1, "hurt": False, "quality": None}
    ctx.store.dispose()
