"""The after-session check-in of a session whose player died right after the last step is
offered again: by `supple start` (also with --resume) and `supple today` in the terminal, and
on the Today page in the browser."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from supple import services
from supple.services import sessions
from supple.store import checkins
from supple.store.database import open_store
from supple.web import WebSettings, create_app
from tests.conftest import Supple, local_scope, ready_database
from tests.guarded import guarded_client
from tests.test_player_processes import DAY3, supple_process
from tests.test_sessions import screened_context

NOTICE = "ended before its after-session check-in"


@pytest.fixture
def screened(started: Supple, db_url: str) -> Supple:
    screened_context(db_url).store.dispose()
    return started


def _session_checkin(db_url: str) -> dict[str, object] | None:
    store = open_store(db_url)
    try:
        scope = local_scope(store)
        rows = checkins.list_for(store, scope.require_subject(), kind="session")
        return next((dict(r.values) for r in rows if r.on_date.isoformat() == DAY3), None)
    finally:
        store.dispose()


@pytest.mark.slow
def test_a_player_killed_after_the_last_step_offers_the_after_checkin_next_time(
    screened: Supple, db_url: str
) -> None:
    proc = supple_process(
        db_url, "start", "--day", "3", "--auto", "--speed", "5000", "--date", DAY3
    )
    assert proc.stdout is not None
    while not re.match(r"\s*48/48 done", line := proc.stdout.readline()):
        assert line, "the player ended before its last step"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    assert NOTICE in screened("today", "--date", DAY3).output
    resumed = screened(
        "start", "--resume", "--auto", "--date", DAY3, "--after-pain", "2", "--rpe", "4"
    )
    assert resumed.exit_code == 0, resumed.output
    assert NOTICE in resumed.output and "Nothing left to resume" in resumed.output
    assert _session_checkin(db_url) == {
        "before_pain": None,
        "before_stiffness": None,
        "after_pain": 2,
        "rpe": 4,
    }
    assert NOTICE not in screened("today", "--date", DAY3).output


@pytest.mark.parametrize(
    ("flags", "due"),
    [
        (("--after-pain", "1", "--rpe", "3"), False),  # given at the end: nothing is due
        (("--rpe", "3"), False),  # the effort alone counts as given
        ((), True),  # --auto without the flags asks nothing: it stays due
    ],
)
def test_only_a_complete_session_without_its_after_checkin_is_due(
    screened: Supple, flags: tuple[str, ...], due: bool
) -> None:
    run = screened("start", "--day", "3", "--auto", "--speed", "5000", "--date", DAY3, *flags)
    assert run.exit_code == 0, run.output
    assert (NOTICE in screened("today", "--date", DAY3).output) is due


def test_a_session_still_under_way_is_not_due(screened: Supple, db_url: str) -> None:
    scope = local_scope(open_store(db_url))
    on = services.parse_date(DAY3)
    session = sessions.start(scope, sessions.plan_for(scope, on), on)
    sessions.record(scope, session.id, "step_completed", 0)
    assert sessions.after_checkin_due(scope, on) is None
    scope.store.dispose()
    assert NOTICE not in screened("today", "--date", DAY3).output


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = ready_database(f"sqlite:///{tmp_path / 'web.db'}")
    app = create_app(WebSettings(database_url=url, today="2026-11-03"))
    with guarded_client(app) as test_client:
        yield test_client
    app.state.store.dispose()


def test_the_today_page_offers_the_after_checkin_of_a_session_left_without_it(
    client: TestClient,
) -> None:
    session = client.post("/api/v1/sessions", json={}).json()
    steps = [s["index"] for s in session["steps"]]
    link = 'href="/checkin?kind=after"'
    for index in steps:
        assert link not in client.get("/today").text
        event = {"id": f"done-{index:05d}", "kind": "step_completed", "step_index": index}
        client.post(f"/api/v1/sessions/{session['id']}/events", json=event)
    assert link in client.get("/today").text
    saved = client.post("/checkin", data={"kind": "after", "pain": "2", "rpe": "4"})
    assert saved.status_code == 200
    assert link not in client.get("/today").text
