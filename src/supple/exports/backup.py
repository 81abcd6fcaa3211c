"""Your data, yours: everything as one JSON file, read back into an empty database, and CSV
for spreadsheets.

The JSON file carries ``"format": 1``. Reading one is strict: the whole file is checked
(well-formed, complete, the right format, every row's fields and types, no duplicates, a zone
and a plan this machine understands) before anything is written, and the write is one
transaction, so a bad or cut-short file changes nothing. Parts that Supple works out from the
stored rows (the plan's text when it is the bundled one, the adaptations) are written for the
reader's benefit and ignored on import: they are worked out again from the same rows.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from supple import __version__
from supple.core.errors import InputError, PlanError
from supple.services import Clock, Scope, records
from supple.services.records import Dump
from supple.services.scope import moment_day

FORMAT = 1


# --- the file's shape, checked before anything is written --------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Person(_Strict):
    name: str | None = Field(max_length=200)
    created_at: AwareDatetime


class _Profile(_Strict):
    start_date: date
    session_time: str = Field(pattern=r"^\d{2}:\d{2}$")
    timezone: str = Field(max_length=64)
    plan_name: str = Field(max_length=200)
    plan_source: str | None = Field(max_length=500)
    plan_yaml: str | None
    rep_mode: Literal["tempo", "done"]
    updated_at: AwareDatetime


class _Event(_Strict):
    id: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=32)
    step_index: int | None
    at: AwareDatetime
    data: dict[str, Any] | None


class _Session(_Strict):
    id: str = Field(min_length=1, max_length=36)
    on_date: date
    program_week: int = Field(ge=1)
    program_day: int = Field(ge=1)
    started_at: AwareDatetime
    finished_at: AwareDatetime | None
    stopped_reason: str | None = Field(max_length=200)
    total_steps: int = Field(ge=0)
    timeline: dict[str, Any]
    events: list[_Event]


class _Checkin(_Strict):
    kind: str = Field(min_length=1, max_length=16)
    on_date: date
    subject: str = Field(max_length=64)
    values: dict[str, Any]
    recorded_at: AwareDatetime


class _Answer(_Strict):
    screen_id: str = Field(min_length=1, max_length=36)
    question_id: str = Field(min_length=1, max_length=64)
    answer: bool
    answered_at: AwareDatetime


class _Clearance(_Strict):
    cleared_on: date
    recorded_at: AwareDatetime


class _Backup(_Strict):
    format: Literal[1]
    app: str | None = None
    exported_at: AwareDatetime | None = None
    person: _Person
    profile: _Profile | None
    plan: dict[str, Any] | None = None  # worked out on export, ignored on import
    adaptations: list[Any] | None = None  # worked out on export, ignored on import
    screen_answers: list[_Answer]
    clearances: list[_Clearance]
    sessions: list[_Session]
    checkins: list[_Checkin]


# --- out -------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def adaptations(scope: Scope, today: date) -> list[dict[str, Any]]:
    """Every dose change the rules have made up to ``today`` (those taking effect tomorrow
    included), with its rule and reason, as ``core.adapt`` words them."""
    from supple import services

    result = services.adaptation(scope, today + timedelta(days=1))
    return [
        {
            "from": change.effective,
            "evidence": change.evidence,
            "exercise": change.exercise_id,
            "rule": change.rule,
            "steps_before": change.steps_before,
            "steps_after": change.steps_after,
            "text": result.sentence(change),
        }
        for change in result.changes
    ]


def export_data(scope: Scope) -> dict[str, Any]:
    """Everything stored for the person as JSON-ready data (``supple export json``)."""
    from supple import services

    profile = services.get_profile(scope)
    moment = scope.clock.now()
    today = services.today(scope)
    dump = records.dump_records(scope)
    data = {
        "format": FORMAT,
        "app": f"supple {__version__}",
        "exported_at": moment.astimezone(UTC).replace(microsecond=0),
        "person": dump.person,
        "profile": dump.profile,
        "plan": {"name": profile.plan_name, "text": services.plan_text(profile)},
        "adaptations": adaptations(scope, today) if today >= profile.start_date else [],
        "screen_answers": dump.screen_answers,
        "clearances": dump.clearances,
        "sessions": dump.sessions,
        "checkins": dump.checkins,
    }
    result: dict[str, Any] = json.loads(json.dumps(data, default=_plain))
    return result


def export_json(scope: Scope) -> str:
    return json.dumps(export_data(scope), indent=2, ensure_ascii=False) + "\n"


# --- in --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    person_id: int
    added: dict[str, int]
    kept: dict[str, int]


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def parse_backup(text: str, source: str, clock: Clock) -> Dump:
    """Check a whole backup file: its shape and its meaning raise the first problem as one
    clear line; its values (dates by ``clock``'s today) are all listed at once."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source} is not a complete JSON file (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}); it may have been cut short. Nothing was imported."
        ) from None
    if not isinstance(raw, dict) or "format" not in raw:
        raise InputError(
            f'{source} is not a Supple export (it has no "format"). Nothing was imported.'
        )
    if raw["format"] != FORMAT:
        raise InputError(
            f"{source} is in format {raw['format']!r}; this version of Supple reads format "
            f"{FORMAT}. Nothing was imported."
        )
    try:
        backup = _Backup.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = exc.error_count() - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise InputError(
            f"{source}: {_location(first['loc'])}: {first['msg']}{extra}. Nothing was imported."
        ) from None
    _check_meaning(backup, source, clock)
    return Dump(
        person=backup.person.model_dump(),
        profile=backup.profile.model_dump() if backup.profile else None,
        sessions=[s.model_dump() for s in backup.sessions],
        checkins=[c.model_dump() for c in backup.checkins],
        screen_answers=[a.model_dump() for a in backup.screen_answers],
        clearances=[c.model_dump() for c in backup.clearances],
    )


def _duplicate(keys: list[Any]) -> Any | None:
    seen: set[Any] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None


def _check_meaning(backup: _Backup, source: str, clock: Clock) -> None:
    """What types alone cannot tell: a zone, a time and a plan that work, and no doubles."""
    from supple import planfile, services

    def refuse(message: str) -> None:
        raise InputError(f"{source}: {message}. Nothing was imported.")

    if backup.profile is not None:
        try:
            services.parse_zone(backup.profile.timezone)
            services.parse_time(backup.profile.session_time)
        except InputError as exc:
            refuse(f"profile: {exc}")
        if backup.profile.plan_yaml is not None:
            try:
                planfile.program_from_text(backup.profile.plan_yaml, "plan")
            except PlanError as exc:
                refuse(f"profile.plan_yaml is not a valid plan: {exc.problems[0]}")
    _check_values(backup, source, clock)
    checks: list[tuple[str, list[Any]]] = [
        ("sessions: id", [s.id for s in backup.sessions]),
        ("session events: id", [e.id for s in backup.sessions for e in s.events]),
        ("checkins: slot", [(c.kind, c.on_date.isoformat(), c.subject) for c in backup.checkins]),
        ("screen_answers: question", [(a.screen_id, a.question_id) for a in backup.screen_answers]),
    ]
    for what, keys in checks:
        twice = _duplicate(keys)
        if twice is not None:
            refuse(f"{what} {twice!r} appears twice")


# The values inside each row, by the rules the CLI and the API apply (one definition each).
_SCALES: dict[str, tuple[tuple[str, bool], ...]] = {  # kind -> (rating, required)
    "morning": (("pain", True), ("stiffness", False)),
    "session": (("before_pain", False), ("before_stiffness", False), ("after_pain", False)),
    "exercise": (("pain", False),),
    "week": (("pain", True),),
}
_SESSION_EXTRA = (("rpe", False),)


def _value_problems(backup: _Backup, clock: Clock) -> list[str]:
    """Every value a view would trip over, each as ``where: what is wrong``."""
    from supple import planfile, services
    from supple.core import limits
    from supple.core.outcomes import check_scale
    from supple.core.safety import QUESTIONS

    problems: list[str] = []

    def check(where: str, rule: Any, *args: Any, **kwargs: Any) -> None:
        try:
            rule(*args, **kwargs)
        except InputError as exc:
            problems.append(f"{where}: {exc}" if where else str(exc))

    profile = backup.profile
    zone = profile.timezone if profile and _zone_ok(profile.timezone) else services.system_zone()
    today = moment_day(clock, zone)
    start = profile.start_date if profile else None
    if profile is not None:
        check("", limits.check_start, profile.start_date, today=today, what="profile.start_date")
    catalog = planfile.bundled_program().catalog
    if profile is not None and profile.plan_yaml is not None:
        with _quiet():
            catalog = planfile.program_from_text(profile.plan_yaml, "plan").catalog
    check("", limits.check_tree, backup.person.name, "person.name")
    for i, row in enumerate(backup.checkins):
        where = f"checkins[{i}]"
        check("", limits.check_date, row.on_date, start=start, today=today, what=f"{where}.on_date")
        if row.kind not in _SCALES:
            known = ", ".join(_SCALES)
            problems.append(f"{where}.kind: {row.kind!r} is not a kind of check-in ({known})")
            continue
        scales = _SCALES[row.kind] + (_SESSION_EXTRA if row.kind == "session" else ())
        for key, required in scales:
            value = row.values.get(key)
            if value is not None or required:
                check("", check_scale, value, f"{where}.values.{key}")
        if row.kind == "exercise" and row.subject not in catalog:
            problems.append(f"{where}.subject: {row.subject!r} is not an exercise of the plan")
        psfs = row.values.get("psfs") if row.kind == "week" else None
        if psfs is not None and not isinstance(psfs, dict):
            problems.append(f"{where}.values.psfs: must map activities to ratings")
        for name, value in (psfs or {}).items():
            check("", check_scale, value, f"{where}.values.psfs[{name!r}]")
        check("", limits.check_tree, row.values, f"{where}.values")
    known_questions = {q.id for q in QUESTIONS}
    for i, answer in enumerate(backup.screen_answers):
        if answer.question_id not in known_questions:
            problems.append(
                f"screen_answers[{i}].question_id: {answer.question_id!r} is not a safety question"
            )
    for i, clearance in enumerate(backup.clearances):
        what = f"clearances[{i}].cleared_on"
        check("", limits.check_date, clearance.cleared_on, start=start, today=today, what=what)
    for i, session in enumerate(backup.sessions):
        where = f"sessions[{i}]"
        check(
            "",
            limits.check_date,
            session.on_date,
            start=start,
            today=today,
            what=f"{where}.on_date",
        )
        steps = session.timeline.get("steps")
        count = len(steps) if isinstance(steps, list) else 0
        if not isinstance(steps, list):
            problems.append(f"{where}.timeline.steps: must be a list of steps")
        for j, event in enumerate(session.events):
            if event.step_index is not None and not 0 <= event.step_index < count:
                problems.append(
                    f"{where}.events[{j}].step_index: {event.step_index} is not a step of the "
                    f"session (it has {count})"
                )
            check("", limits.check_tree, event.data, f"{where}.events[{j}].data")
        check("", limits.check_tree, session.stopped_reason, f"{where}.stopped_reason")
    return problems


def _zone_ok(zone: str) -> bool:
    from supple import services

    try:
        services.parse_zone(zone)
    except InputError:
        return False
    return True


class _quiet:
    """Leave a broken plan to the check that reports it (``_check_meaning``)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: object, tb: object) -> bool:
        return isinstance(exc, PlanError)


def _check_values(backup: _Backup, source: str, clock: Clock) -> None:
    problems = _value_problems(backup, clock)
    if problems:
        listed = "\n".join(f"{source}: {p}" for p in problems)
        raise InputError(f"{listed}\nNothing was imported.")


def import_data(scope: Scope, text: str, source: str, *, merge: bool = False) -> Imported:
    """Restore a backup into an empty database, or with ``merge`` add what is missing."""
    dump = parse_backup(text, source, scope.clock)
    person, counts = records.restore_records(scope, dump, source, merge=merge)
    return Imported(person, counts.added, counts.kept)


# --- CSV for spreadsheets --------------------------------------------------------------------


def sessions_csv(scope: Scope) -> str:
    """One row per session: when, which day, how far it got, what hurt."""
    from supple.services import sessions

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "date",
            "day",
            "started_at",
            "finished_at",
            "stopped_reason",
            "completed_steps",
            "skipped_steps",
            "total_steps",
            "hurt",
        ]
    )
    for s in sessions.history(scope):
        hurt = ";".join(e["exercise"] for e in s["exercises"] if e["hurt"])
        writer.writerow(
            [
                s["date"],
                s["day"],
                s["started_at"],
                s["finished_at"] or "",
                s["stopped_reason"] or "",
                s["completed_steps"],
                s["skipped_steps"],
                s["total_steps"],
                hurt,
            ]
        )
    return out.getvalue()


def checkins_csv(scope: Scope) -> str:
    """One row per check-in, with a column for every rating any of them holds."""
    dump = records.dump_records(scope)
    keys = sorted({key for c in dump.checkins for key in c["values"]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "kind", "exercise", *keys, "recorded_at"])
    for c in dump.checkins:
        values = [_cell(c["values"].get(key)) for key in keys]
        recorded = c["recorded_at"].isoformat(timespec="seconds")
        writer.writerow([c["on_date"].isoformat(), c["kind"], c["subject"], *values, recorded])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
