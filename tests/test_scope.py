"""The Scope seam: a frozen scope built at the edges, the person chosen by one store function,
writes that say who made them, one "today" from the injected clock, and the today cache that
answers only for the subject the request resolved to."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from supple import planfile, services
from supple.core.errors import InputError, NotFound
from supple.core.safety import QUESTIONS
from supple.services import Actor, FixedClock, PinnedDay, Scope
from supple.settings import Settings
from supple.store import profiles
from supple.store.database import Store, open_store
from supple.store.schema import clearances
from supple.store.schema import profiles as profile_rows
from supple.web import WebSettings, create_app
from tests.conftest import Supple, ready_database
from tests.guarded import guarded_client

SRC = Path(__file__).parents[1] / "src" / "supple"
NOW = datetime(2026, 11, 3, 22, 30, tzinfo=UTC)  # already the 4th in Tokyo


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'scope.db'}")
    yield store
    store.dispose()


def _profile(scope: Scope, start: date, zone: str = "UTC") -> int:
    made = services.init_profile(
        scope, start_date=start, session_time="07:30", timezone=zone, plan_path=None
    )
    return made.person_id


# --- the scope itself -------------------------------------------------------------------------


def test_a_scope_cannot_be_changed_once_built(store: Store) -> None:
    scope = Scope.local(store, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scope.subject = 1  # type: ignore[misc]


def test_creating_a_profile_returns_the_new_person_and_leaves_the_scope_alone(
    store: Store,
) -> None:
    visitor = Scope.local(store, None)
    person = _profile(visitor, date(2026, 11, 2))
    assert visitor.subject is None and visitor.actor == Actor("person", None)
    acting = visitor.for_created(person)
    assert (acting.subject, acting.actor) == (person, Actor("person", person))
    assert services.get_profile(acting).person_id == person


def test_a_clinician_who_creates_a_person_stays_the_one_who_acts(store: Store) -> None:
    clinician = Scope(store, Actor("clinician", 7), None)
    person = _profile(clinician, date(2026, 11, 2))
    assert clinician.for_created(person).actor == Actor("clinician", 7)


def test_the_operator_acts_without_an_account_a_subject_or_a_label(store: Store) -> None:
    operator = Scope.operator(store, FixedClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)))
    assert operator.actor == Actor("operator", None) and operator.actor.label is None
    assert operator.subject is None
    with pytest.raises(NotFound, match="no profile yet"):
        operator.require_subject()


def test_without_a_subject_the_use_cases_answer_no_profile(store: Store) -> None:
    with pytest.raises(NotFound, match="no profile yet"):
        services.record_morning(Scope.local(store, None), date(2026, 11, 3), pain=2, stiffness=2)


# --- who acts is recorded ---------------------------------------------------------------------


def _actors(store: Store) -> tuple[list[str | None], list[str | None]]:
    with store.read() as conn:
        plans = list(conn.execute(sa.select(profile_rows.c.actor)).scalars())
        cleared = list(conn.execute(sa.select(clearances.c.actor)).scalars())
    return plans, cleared


def test_a_plan_change_and_a_clearance_record_who_made_them(store: Store) -> None:
    # A clinician's own (a clinic account's) are in tests/test_prescribing.py: in a clinic they
    # go through ``services.prescribing`` and ``care_team``, which ask core.access first.
    person = _profile(Scope.local(store, None), date(2026, 11, 2))
    scope = Scope(store, Actor("person", person), person, FixedClock(NOW))
    services.use_bundled_plan(scope)
    services.record_clearance(scope, date(2026, 11, 3))
    assert _actors(store) == ([f"person:{person}"], [f"person:{person}"])


def test_the_terminal_records_the_local_person_as_the_actor(started: Supple, db_url: str) -> None:
    assert started("plan", "use", "--bundled").exit_code == 0
    assert started("screen", "--cleared", "2026-11-02").exit_code == 0
    other = open_store(db_url)
    try:
        assert _actors(other) == (["person:1"], ["person:1"])
    finally:
        other.dispose()


# --- one person default -----------------------------------------------------------------------


def test_the_person_is_picked_by_default_in_one_store_function_only() -> None:
    pattern = re.compile(r"min\(\s*people")  # min(people.id) in SQL, func.min(people.c.id)
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["store/profiles.py"]
    hits = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "local_person(" in path.read_text(encoding="utf-8")
    ]
    assert sorted(hits) == ["cli/app.py", "store/profiles.py", "web/deps.py"]


def test_the_local_person_is_the_first_one_created(store: Store) -> None:
    assert profiles.local_person(store) is None
    first = profiles.create_person(store, at=NOW)
    profiles.create_person(store, at=NOW)
    assert profiles.local_person(store) == first


# --- one today, from the clock ----------------------------------------------------------------


def test_no_service_reads_the_wall_clock() -> None:
    wall = re.compile(r"datetime\.now\(|date\.today\(|time\.time\(|\butcnow\(")
    readers = [
        path.name
        for path in (SRC / "services").glob("*.py")
        if wall.search(path.read_text(encoding="utf-8").replace("self.now(", ""))
        and path.name != "scope.py"  # the clocks themselves
    ]
    assert readers == []


@pytest.mark.parametrize(
    ("zone", "expected"), [("UTC", date(2026, 11, 3)), ("Asia/Tokyo", date(2026, 11, 4))]
)
def test_today_is_the_clocks_date_in_the_persons_zone(
    store: Store, zone: str, expected: date
) -> None:
    person = _profile(Scope.local(store, None), date(2026, 11, 2), zone)
    assert services.today(Scope.local(store, person, FixedClock(NOW))) == expected


def test_a_pinned_day_is_today_in_every_zone(store: Store) -> None:
    person = _profile(Scope.local(store, None), date(2026, 11, 2), "Pacific/Kiritimati")
    pinned = Scope.local(store, person, PinnedDay(date(2026, 12, 24)))
    assert services.today(pinned) == date(2026, 12, 24)


def test_supple_today_pins_the_terminal_and_date_wins_over_it(
    started: Supple, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPLE_TODAY", "2026-11-10")
    assert json.loads(started("today", "--json").output)["date"] == "2026-11-10"
    pinned = started("today", "--json", "--date", "2026-11-04")
    assert json.loads(pinned.output)["date"] == "2026-11-04"


def test_a_malformed_supple_today_is_one_line_naming_the_variable(
    started: Supple, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPLE_TODAY", "tomorrow")
    result = started("today")
    assert result.exit_code == 2
    assert result.output.startswith("error: SUPPLE_TODAY 'tomorrow' is not a date")


# --- one settings object ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, Settings()),
        ({"SUPPLE_DATABASE_URL": "sqlite:///x.db"}, Settings(database_url="sqlite:///x.db")),
        ({"SUPPLE_TODAY": "2026-11-03", "TODAY": "x"}, Settings(today="2026-11-03")),
        ({"SUPPLE_TODAY": ""}, Settings()),
    ],
)
def test_settings_are_read_from_supple_variables_only(
    environ: dict[str, str], expected: Settings
) -> None:
    assert Settings.from_env(environ) == expected


def test_the_web_reads_the_same_settings_object() -> None:
    assert WebSettings is Settings


# --- the today cache answers only for the resolved subject ------------------------------------


def test_the_today_cache_answers_for_the_subject_the_request_resolved_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'two.db'}"
    ready_database(url)  # the local person: week 1 on 2026-11-03
    seed = open_store(url)
    other = _profile(Scope.local(seed, None), date(2026, 10, 20), "Europe/Paris")  # week 3
    services.record_screen(Scope.local(seed, other), {q.id: False for q in QUESTIONS})
    seed.dispose()
    app = create_app(WebSettings(database_url=url, today="2026-11-03"))
    with guarded_client(app) as client:
        assert client.get("/api/v1/today").json()["week"] == 1  # cached for the local person
        # The composition root resolves another subject (as a clinic's login will): the
        # cached answer is not theirs.
        monkeypatch.setattr(app.state.roots, "person", lambda: other)
        assert client.get("/api/v1/today").json()["week"] == 3
        assert len(app.state.today_cache) == 2
    app.state.store.dispose()


# --- plan uploads ------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    ready_database(url)
    app = create_app(WebSettings(database_url=url, today="2026-11-03"))
    with guarded_client(app) as test_client:
        yield test_client
    app.state.store.dispose()


BAD_NAMES = ["", "..", ".", "a\x00b.yaml", "dir/plan.yaml", "dir\\plan.yaml", "é" * 128 + ".yaml"]


@pytest.mark.parametrize("name", BAD_NAMES, ids=["empty", "dotdot", "dot", "nul", "slash",
                                                 "backslash", "too-long"])  # fmt: skip
def test_a_plan_name_that_is_not_one_plain_file_name_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="the plan's file name"):
        services.check_uploaded_plan(planfile.bundled_plan_text().encode(), name)


@pytest.mark.parametrize("name", ["..", "a\x00b.yaml", "dir/plan.yaml", "é" * 130])
def test_the_api_answers_a_bad_plan_name_with_422(client: TestClient, name: str) -> None:
    answer = client.post("/api/v1/plan/validate", json={"filename": name, "text": "format: 1\n"})
    assert answer.status_code == 422
    assert "file name" in answer.json()["detail"][0]["reason"]


def test_the_page_answers_an_upload_named_dotdot_with_422(client: TestClient) -> None:
    files = {"planfile": ("..", b"format: 1\n", "application/yaml")}
    assert client.post("/plan/check", files=files).status_code == 422


def test_an_upload_is_checked_in_memory_with_problems_naming_its_base_name(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def no_temporary_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("a plan upload must not touch the disk")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_temporary_files)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temporary_files)
    files = {"planfile": ("home/me/mine.yaml", b"format: 1\n\x00", "application/yaml")}
    page = client.post("/plan/check", files=files).text
    assert "mine.yaml:1:1: is a binary file, not a YAML plan" in page
    bad = b"format: 1\nname: \xff\n"
    answer = client.post("/plan/check", files={"planfile": ("mine.yaml", bad, "text/yaml")})
    assert "mine.yaml:2:7: is not UTF-8 text" in answer.text


def test_serve_reads_the_same_settings_as_every_command(
    supple: Supple, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    import uvicorn

    served: list[object] = []
    # serve runs uvicorn's Server itself (with an exit deadline), so its run is what is held
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda self, sockets=None: served.append(self.config.app)
    )
    monkeypatch.setenv("SUPPLE_TODAY", "2026-11-10")
    assert supple("serve").exit_code == 0
    (app,) = served
    settings = app.state.settings  # type: ignore[attr-defined]
    assert (settings.today, settings.database_url) == ("2026-11-10", db_url)
    app.state.store.dispose()  # type: ignore[attr-defined]
