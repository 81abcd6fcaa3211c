"""`supple export json`, `supple import` and `supple export csv`: a backup that comes back
identical, an import that is all or nothing, and spreadsheets that hold every record."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from supple import services
from supple.core.errors import InputError
from supple.exports import backup
from supple.services import FixedClock, Scope
from supple.store import backup as rows
from supple.store.database import Store, open_store
from supple.store.schema import checkins, people, sessions
from supple.store.sessions import derived
from tests import history
from tests.conftest import Supple, local_scope

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def fixed(scope: Scope) -> Scope:
    """The same scope with the clock stopped at ``NOW``, so two exports compare equal."""
    return dataclasses.replace(local_scope(scope.store), clock=FixedClock(NOW))


def _person(store: Store) -> Scope:
    services.init_profile(
        local_scope(store),
        start_date=history.START,
        session_time="07:30",
        timezone="Europe/Paris",
        plan_path=None,
    )
    return local_scope(store)


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Scope]:
    store = open_store(f"sqlite:///{tmp_path / 'source.db'}")
    ctx = _person(store)
    history.seed(ctx)
    yield ctx
    store.dispose()


def _counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0
            for t in (people, sessions, checkins)
        }


def test_a_backup_restored_into_an_empty_database_exports_identically(
    source: Scope, any_store: Store
) -> None:
    first = backup.export_data(fixed(source))
    target = local_scope(any_store)
    done = backup.import_data(target, json.dumps(first), "backup.json")
    again = backup.export_data(fixed(target))
    assert again == first
    assert done.added == {
        "profile": 1,
        "sessions": 10,
        "events": sum(len(s["events"]) for s in first["sessions"]),
        "checkins": 23,
        "screen_answers": 2,
        "clearances": 1,
    }
    assert first["format"] == 1
    assert first["plan"]["text"].startswith("# The bundled program")


def test_the_backup_holds_every_kind_of_record(source: Scope) -> None:
    data = backup.export_data(fixed(source))
    assert data["profile"]["timezone"] == "Europe/Paris"
    assert [s["on_date"] for s in data["sessions"]][:2] == ["2026-11-02", "2026-11-03"]
    hurt = [e for s in data["sessions"] for e in s["events"] if e["kind"] == "hurt_flagged"]
    assert hurt[0]["data"] == {"exercise": "side-lying-clamshells"}
    kinds = {c["kind"] for c in data["checkins"]}
    assert kinds == {"morning", "session", "exercise", "week"}
    (change,) = data["adaptations"]  # the clamshells hurt on Nov 4: one step easier from Nov 5
    assert change["exercise"] == "side-lying-clamshells" and change["rule"] == "1"
    assert change["from"] == "2026-11-05" and change["steps_after"] == -1
    assert "Side-Lying Clamshells" in change["text"]
    answers = {a["question_id"]: a["answer"] for a in data["screen_answers"]}
    assert answers == {"injury": True, "saddle-numbness": False}
    assert data["clearances"] == [
        {"cleared_on": "2026-11-02", "recorded_at": "2026-11-02T06:10:00+00:00"}
    ]


def test_the_cli_round_trip_gives_back_the_same_file(
    source: Scope, supple: Supple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    monkeypatch.setenv("SUPPLE_DATABASE_URL", source.store.url)
    assert supple("export", "json", "--out", str(first)).exit_code == 0
    monkeypatch.setenv("SUPPLE_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    result = supple("import", str(first))
    assert result.exit_code == 0, result.output
    assert "10 sessions" in result.output
    assert supple("export", "json", "--out", str(second)).exit_code == 0
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    a.pop("exported_at"), b.pop("exported_at")
    assert a == b
    assert supple("today", "--date", "2026-11-04").exit_code == 0


def test_an_import_into_a_database_in_use_is_refused_and_changes_nothing(
    source: Scope, tmp_path: Path
) -> None:
    text = backup.export_json(fixed(source))
    store = open_store(f"sqlite:///{tmp_path / 'used.db'}")
    ctx = _person(store)
    before = _counts(store)
    with pytest.raises(InputError, match=r"already holds data.*--merge"):
        backup.import_data(ctx, text, "backup.json")
    assert _counts(store) == before
    store.dispose()


def test_a_merge_adds_only_what_is_missing_and_keeps_the_profile(
    source: Scope, tmp_path: Path
) -> None:
    data = backup.export_data(fixed(source))
    store = open_store(f"sqlite:///{tmp_path / 'used.db'}")
    ctx = _person(store)
    services.init_profile(ctx, start_date=None, session_time="18:00", timezone=None, plan_path=None)
    partial = {**data, "sessions": data["sessions"][:3], "checkins": data["checkins"][:5]}
    backup.import_data(ctx, json.dumps(partial), "partial.json", merge=True)
    done = backup.import_data(ctx, json.dumps(data), "backup.json", merge=True)
    assert done.added["sessions"] == 7 and done.kept["sessions"] == 3
    assert done.added["checkins"] == 18 and done.kept["checkins"] == 5
    assert done.kept["profile"] == 1
    assert services.get_profile(ctx).session_time == "18:00"
    merged = backup.export_data(fixed(ctx))
    assert merged["sessions"] == data["sessions"] and merged["checkins"] == data["checkins"]
    store.dispose()


def test_a_merge_that_fails_half_way_writes_nothing(source: Scope, tmp_path: Path) -> None:
    data = backup.export_data(fixed(source))
    store = open_store(f"sqlite:///{tmp_path / 'used.db'}")
    ctx = _person(store)
    with store.write() as conn:  # someone else on the server already has this session id
        other = conn.execute(people.insert().values(created_at=NOW)).inserted_primary_key
        assert other is not None
        conn.execute(
            sessions.insert().values(
                id=data["sessions"][-1]["id"],
                person_id=other[0],
                on_date=date(2026, 11, 1),
                program_week=1,
                program_day=1,
                started_at=NOW,
                total_steps=0,
                timeline={"steps": []},
                **derived({"steps": []}),
            )
        )
    before = _counts(store)
    with pytest.raises(InputError, match="clashes with what the database holds"):
        backup.import_data(ctx, json.dumps(data), "backup.json", merge=True)
    assert _counts(store) == before
    store.dispose()


def _edit(change: Callable[[dict[str, Any]], Any]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        data = json.loads(text)
        change(data)
        return json.dumps(data)

    return apply


BAD_FILES: list[tuple[str, Callable[[str], str], str]] = [
    ("truncated", lambda t: t[: len(t) // 2], "is not a complete JSON file"),
    ("empty", lambda t: "", "is not a complete JSON file"),
    ("a list", lambda t: "[1, 2]", 'not a Supple export (it has no "format")'),
    ("newer format", _edit(lambda d: d.update(format=2)), "in format 2; this version"),
    ("no sessions key", _edit(lambda d: d.pop("sessions")), "sessions: Field required"),
    (
        "bad date",
        _edit(lambda d: d["sessions"][3].update(on_date="2026-02-30")),
        "sessions[3].on_date: Input should be a valid date",
    ),
    (
        "naive time",
        _edit(lambda d: d["checkins"][0].update(recorded_at="2026-11-02T06:00:00")),
        "checkins[0].recorded_at: Input should have timezone info",
    ),
    (
        "unknown zone",
        _edit(lambda d: d["profile"].update(timezone="Mars/Olympus_Mons")),
        "profile: unknown time zone 'Mars/Olympus_Mons'",
    ),
    (
        "broken plan",
        _edit(lambda d: d["profile"].update(plan_yaml="format: 1\nname: x\n")),
        "profile.plan_yaml is not a valid plan",
    ),
    (
        "doubled session",
        _edit(lambda d: d["sessions"].append(d["sessions"][0])),
        "sessions: id 's-2026-11-02' appears twice",
    ),
    (
        "unknown field",
        _edit(lambda d: d["clearances"][0].update(by="me")),
        "clearances[0].by: Extra inputs are not permitted",
    ),
]


@pytest.mark.parametrize(("name", "spoil", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_import_file_is_refused_in_one_line_and_changes_nothing(
    source: Scope,
    supple: Supple,
    tmp_path: Path,
    db_url: str,
    name: str,
    spoil: Callable[[str], str],
    message: str,
) -> None:
    file = tmp_path / f"{name}.json"
    file.write_text(spoil(backup.export_json(fixed(source))))
    result = supple("import", str(file))
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1 and "Nothing was imported." in result.output
    store = open_store(db_url)
    assert rows.is_empty(store)
    store.dispose()


def test_a_missing_import_file_is_reported_plainly(supple: Supple, tmp_path: Path) -> None:
    result = supple("import", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "cannot read" in result.output and "No such file" in result.output


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_sessions_csv_has_a_row_per_session_and_names_what_hurt(source: Scope) -> None:
    table = _csv(backup.sessions_csv(source))
    assert len(table) == 10
    assert table[0]["date"] == "2026-11-02" and table[0]["day"] == "1"
    assert table[0]["completed_steps"] == table[0]["total_steps"]
    assert [r["hurt"] for r in table if r["hurt"]] == ["side-lying-clamshells"]


def test_the_checkins_csv_has_a_column_for_every_rating(source: Scope) -> None:
    table = _csv(backup.checkins_csv(source))
    assert len(table) == 23
    assert list(table[0]) == [
        "date",
        "kind",
        "exercise",
        "after_pain",
        "before_pain",
        "hurt",
        "pain",
        "psfs",
        "quality",
        "rpe",
        "stiffness",
        "recorded_at",
    ]
    mornings = [r for r in table if r["kind"] == "morning"]
    assert [r["pain"] for r in mornings][:3] == ["5", "5", "4"]
    assert next(r for r in table if r["kind"] == "exercise")["hurt"] == "yes"


@pytest.mark.parametrize("what", ["sessions", "checkins"])
def test_an_empty_history_gives_a_csv_with_only_its_header(started: Supple, what: str) -> None:
    result = started("export", "csv", "--what", what)
    assert result.exit_code == 0
    assert result.output.count("\n") == 1 and result.output.startswith("date,")


def test_exporting_before_a_profile_exists_asks_for_one(supple: Supple) -> None:
    result = supple("export", "json")
    assert result.exit_code == 2 and "supple init" in result.output


def _checkin_value(index: int, key: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d["checkins"][index]["values"].update({key: value})


BAD_VALUES: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("pain as a word", _checkin_value(3, "pain", "high"), "values.pain must be a whole number"),
    ("pain not a number", _checkin_value(3, "pain", float("nan")), "from 0 to 10, got nan"),
    ("pain of 99", _checkin_value(3, "pain", 99), "from 0 to 10, got 99"),
    ("pain of -5", _checkin_value(3, "pain", -5), "from 0 to 10, got -5"),
    ("pain of 2.5", _checkin_value(3, "pain", 2.5), "from 0 to 10, got 2.5"),
    (
        "unknown kind",
        lambda d: d["checkins"][0].update(kind="evening"),
        "checkins[0].kind: 'evening' is not a kind of check-in",
    ),
    (
        "step index 99999",
        lambda d: d["sessions"][0]["events"][0].update(step_index=99999),
        "sessions[0].events[0].step_index: 99999 is not a step of the session",
    ),
    (
        "unknown question id",
        lambda d: d["screen_answers"][0].update(question_id="likes_cats"),
        "screen_answers[0].question_id: 'likes_cats' is not a safety question",
    ),
    (
        "a date far away",
        lambda d: d["checkins"][0].update(on_date="9999-12-31"),
        "checkins[0].on_date 9999-12-31 is outside the dates Supple works with",
    ),
    (
        "a start in year 1",
        lambda d: d["profile"].update(start_date="0001-01-01"),
        "profile.start_date 0001-01-01 is too far from today",
    ),
    (
        "a NUL in a note",
        lambda d: d["sessions"][0].update(stopped_reason="pain\u0000"),
        "sessions[0].stopped_reason contains the control character U+0000",
    ),
]


@pytest.mark.parametrize(("name", "spoil", "message"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_a_bad_value_in_an_import_is_named_and_nothing_is_written(
    source: Scope,
    any_store: Store,
    name: str,
    spoil: Callable[[dict[str, Any]], Any],
    message: str,
) -> None:
    data = backup.export_data(fixed(source))
    spoil(data)
    target = local_scope(any_store)
    with pytest.raises(InputError) as refused:
        backup.import_data(target, json.dumps(data), "bad.json")
    lines = str(refused.value).splitlines()
    assert any(line.startswith("bad.json: ") and message in line for line in lines), lines
    assert lines[-1] == "Nothing was imported."
    assert rows.is_empty(any_store)


def test_every_bad_value_of_an_import_is_listed_at_once(
    source: Scope, supple: Supple, tmp_path: Path, db_url: str
) -> None:
    data = backup.export_data(fixed(source))
    mornings = [i for i, c in enumerate(data["checkins"]) if c["kind"] == "morning"]
    data["checkins"][mornings[0]]["values"]["pain"] = 99
    data["checkins"][mornings[1]]["values"]["pain"] = "high"
    data["sessions"][1]["events"][0]["step_index"] = 99999
    file = tmp_path / "many.json"
    file.write_text(json.dumps(data))
    result = supple("import", str(file))
    assert result.exit_code == 2 and "Traceback" not in result.output
    first, second = (f"{file}: checkins[{i}].values.pain" for i in mornings[:2])
    assert f"{first} must be a whole number from 0 to 10, got 99" in result.output
    assert f"{second} must be a whole number from 0 to 10, got 'high'" in result.output
    assert "sessions[1].events[0].step_index: 99999 is not a step" in result.output
    store = open_store(db_url)
    assert rows.is_empty(store)
    store.dispose()
