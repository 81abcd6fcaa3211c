"""A demo practice: clinicians and clients with months of realistic records, for people to try
the clinic on and for the scale benchmark (``supple clinic demo-data``, ``bench/clinic_scale.py``).

Each client's course comes from ``core.demo_course`` (pure, deterministic for a seed); this
module turns it into the rows the app itself would have written: the profile on the bundled
plan, the safety screens and clearances, sessions carrying the day's real timeline with the
player's step events, and the check-ins. Rows go in chunk by chunk, each chunk one transaction
(``store.bulk``: COPY on PostgreSQL), so a chunk's clients land whole.

Secrets follow the operator's other commands: with a password (read from standard input by
the CLI) every demo account gets it, hashed once with Argon2 and never printed; without one,
the clinicians and one client get one-time invite links, and only their hashes are stored.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from supple import planfile
from supple.accounts.passwords import check_policy, default_passwords
from supple.core.access import Action, Role
from supple.core.day_plan import plan_day
from supple.core.demo_course import (
    FIRST_NAMES,
    LAST_NAMES,
    Course,
    Played,
    Rated,
    course,
    person_random,
)
from supple.core.demo_session import Walked, walk
from supple.core.errors import InputError
from supple.core.plan import Program
from supple.core.safety import QUESTIONS
from supple.core.timeline import Timeline, to_json
from supple.services import rollups
from supple.services.clinic_accounts import Invite, parse_base_url
from supple.services.scope import Scope
from supple.store import accounts, bulk, demo_practice, invites
from supple.store import sessions as session_rows
from supple.store.accounts import email_key
from supple.store.care_schema import dose_adjustments
from supple.store.clinic_schema import access_log, client_clinicians, users
from supple.store.schema import (
    checkins,
    clearances,
    people,
    profiles,
    screen_answers,
    session_events,
    sessions,
)

DOMAIN = "demo.example"  # .example is reserved (RFC 2606): no mail ever reaches anyone
WHAT = "supple clinic demo-data"
LIMITS = {"clinicians": (1, 1000), "clients": (1, 200_000), "days": (1, 1825)}
CHUNK = 100  # clients per transaction

TABLES = (
    "users",
    "people",
    "profiles",
    "client_clinicians",
    "screen_answers",
    "clearances",
    "sessions",
    "session_events",
    "checkins",
    "dose_adjustments",
    "access_log",
    "day_rollups",
)


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    invite: Invite | None  # None when the demo accounts share the password given


@dataclass
class Made:
    """What a run wrote: rows per table, the accounts to sign in with, the days covered."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    clinicians: list[Account] = field(default_factory=list)
    sample_client: Account | None = None
    first_day: date | None = None
    last_day: date | None = None
    seconds: float = 0.0
    rollup_seconds: float = 0.0  # the nightly rollup of the history written, within seconds


def check_sizes(clinicians: int, clients: int, days: int) -> None:
    """Each number within its bounds, or an ``InputError`` naming it and the bounds."""
    for what, value in (("clinicians", clinicians), ("clients", clients), ("days", days)):
        low, high = LIMITS[what]
        if not low <= value <= high:
            raise InputError(f"the number of {what} must be from {low} to {high:,}, got {value}")


def make_demo(
    scope: Scope,
    *,
    clinicians: int,
    clients: int,
    days: int,
    seed: int = 1,
    password: str | None = None,
    base_url: str = "http://localhost:8765",
    events_days: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Made:
    """Fill the clinic with ``clinicians`` clinicians and ``clients`` clients (shared among them
    in turn) whose records cover the ``days`` days up to today. ``events_days`` keeps the
    player's step events to the sessions of that many last days (None: every session), as the
    benchmark does to keep a year affordable. ``progress(done, total)`` hears after each chunk.
    """
    check_sizes(clinicians, clients, days)
    base = parse_base_url(base_url)
    store, now = scope.store, scope.clock.now()
    if accounts.get_practice(store) is None:
        raise InputError("this database holds no clinic; run `supple clinic init` first")
    if demo_practice.users_at_domain(store, DOMAIN):
        raise InputError(
            f"this clinic already holds demo accounts (@{DOMAIN}); fill a new clinic instead"
        )
    password_hash = None
    if password is not None:
        sample = f"clinician-001@{DOMAIN}"
        password_hash = default_passwords().hash(check_policy(password, email=sample, name=None))
    started = time.perf_counter()
    last_day = now.date()
    first_day = last_day - timedelta(days=days - 1)
    made = Made(first_day=first_day, last_day=last_day)
    staff = _add_clinicians(scope, clinicians, seed, password_hash, made)
    program = planfile.bundled_program()
    writer = _Writer(program, staff, now, seed, password_hash, first_day, last_day, events_days)
    for begin in range(0, clients, CHUNK):
        end = min(clients, begin + CHUNK)
        with store.write() as conn:
            for table, count in writer.write_chunk(conn, range(begin, end)).items():
                made.counts[table] += count
        if progress:
            progress(end, clients)
    made.counts["users"] += clinicians
    rolled = rollups.roll_up(scope, now)  # the history's nights, as the job would have rolled
    made.counts["day_rollups"] += rolled.rows
    made.rollup_seconds = rolled.seconds
    user = accounts.require_user(store, _client_email(0))
    invite = _invite(scope, user.id, base) if password_hash is None else None
    made.sample_client = Account(user.email, user.name or "", invite)
    made.clinicians = [
        Account(a.email, a.name, _invite(scope, uid, base) if password_hash is None else None)
        for uid, a in staff.items()
    ]
    made.seconds = time.perf_counter() - started
    return made


def _client_email(index: int) -> str:
    return f"client-{index + 1:06d}@{DOMAIN}"


def _invite(scope: Scope, user_id: int, base: str) -> Invite:
    from supple.accounts import tokens

    token = tokens.new_token()
    expires = invites.create(scope.store, user_id, token.digest, scope.clock.now())
    return Invite(url=f"{base}/invite/{token.value}", expires_at=expires)


def _add_clinicians(
    scope: Scope, count: int, seed: int, password_hash: str | None, made: Made
) -> dict[int, Account]:
    """The clinicians, in one transaction; their user ids in order, with their accounts."""
    now = scope.clock.now()
    staff: dict[int, Account] = {}
    with scope.store.write() as conn:
        ids = bulk.reserve_ids(conn, users, count)
        rows = []
        for number, user_id in enumerate(ids, start=1):
            rng = random.Random(f"supple-demo-staff:{seed}:{number}")
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"clinician-{number:03d}@{DOMAIN}"
            staff[user_id] = Account(email, name, None)
            rows.append(
                (user_id, email, email_key(email), name, Role.CLINICIAN.value, None,
                 password_hash, True, now)
            )  # fmt: skip
        bulk.insert(conn, users, _USER_COLUMNS, rows)
        bulk.insert(
            conn,
            access_log,
            ("at", "actor_user_id", "action", "person_id", "what"),
            [(now, None, Action.MANAGE_TEAM.value, None, f"{WHAT} --clinicians {count}")],
        )
    made.counts["access_log"] += 1
    return staff


_USER_COLUMNS = (
    "id", "email", "email_key", "name", "role", "person_id", "password_hash", "active",
    "created_at",
)  # fmt: skip


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def at_local(on: date, minute: float, zone: str) -> datetime:
    """The UTC moment of ``minute`` minutes after local midnight of ``on`` in ``zone``."""
    local = datetime(on.year, on.month, on.day, tzinfo=_zone(zone)) + timedelta(minutes=minute)
    return local.astimezone(UTC)


class _Writer:
    """Turns courses into rows, one chunk of clients at a time."""

    def __init__(
        self,
        program: Program,
        staff: dict[int, Account],
        now: datetime,
        seed: int,
        password_hash: str | None,
        first_day: date,
        last_day: date,
        events_days: int | None,
    ) -> None:
        self.program = program
        self.staff_ids = list(staff)
        self.now = now
        self.seed = seed
        self.password_hash = password_hash
        self.first_day, self.last_day = first_day, last_day
        self.events_from = (
            last_day - timedelta(days=events_days - 1) if events_days is not None else None
        )
        self.timelines: dict[int, tuple[Timeline, bulk.SharedJSON]] = {}
        self.step_facts: dict[int, tuple[str, bulk.SharedJSON]] = {}
        for number in {d.number for d in program.days}:
            timeline = plan_day(program, first_day, first_day + timedelta(days=number - 1)).timeline
            self.timelines[number] = (timeline, bulk.SharedJSON(to_json(timeline)))
            facts = session_rows.derived(self.timelines[number][1].value)
            self.step_facts[number] = (facts["work_steps"], bulk.SharedJSON(facts["step_facts"]))
        self.walks: dict[tuple[Any, ...], Walked] = {}
        self.exercises = {d.number: [item.exercise_id for item in d.items] for d in program.days}

    def write_chunk(self, conn: sa.Connection, indexes: range) -> dict[str, int]:
        person_ids = bulk.reserve_ids(conn, people, len(indexes))
        user_ids = bulk.reserve_ids(conn, users, len(indexes))
        rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _COLUMNS}
        for index, person_id, user_id in zip(indexes, person_ids, user_ids, strict=True):
            self._client(rows, index, person_id, user_id)
        counts = {}
        for name in _ORDER:
            counts[name] = bulk.insert(conn, _TABLE[name], _COLUMNS[name], rows[name])
        return counts

    def _client(
        self, rows: dict[str, list[tuple[Any, ...]]], index: int, person_id: int, user_id: int
    ) -> None:
        made = course(self.program, person_random(self.seed, index), self.first_day, self.last_day)
        ids = random.Random(f"supple-demo-ids:{self.seed}:{index}")
        traits = made.traits
        zone = traits.zone
        joined = at_local(traits.start, -120, zone)
        clinician = self.staff_ids[index % len(self.staff_ids)]
        actor = f"clinician:{clinician}"
        email = _client_email(index)
        rows["people"].append((person_id, traits.name, joined))
        rows["users"].append(
            (user_id, email, email_key(email), traits.name, Role.CLIENT.value, person_id,
             self.password_hash, True, joined)
        )  # fmt: skip
        rows["client_clinicians"].append((person_id, clinician, joined))
        rows["profiles"].append(
            (person_id, traits.start, traits.session_time, zone, self.program.name, None, None,
             "tempo", joined, f"person:{person_id}")
        )  # fmt: skip
        rows["access_log"].append((self.now, None, Action.MANAGE_TEAM.value, person_id, WHAT))
        for screen in made.screens:
            screen_id = str(uuid.UUID(int=ids.getrandbits(128), version=4))
            moment = at_local(screen.on, screen.minute, zone)
            for question in QUESTIONS:
                rows["screen_answers"].append(
                    (person_id, screen_id, question.id, question.id in screen.yes, moment)
                )
        for clearance in made.clearances:
            rows["clearances"].append(
                (person_id, clearance.cleared_on,
                 at_local(clearance.cleared_on, clearance.minute, zone), actor)
            )  # fmt: skip
        self._checkins(rows, made, person_id, zone)
        self._sessions(rows, made, person_id, zone, ids)
        for adjustment in made.adjustments:
            dose = adjustment.dose
            minutes = dose.duration_seconds // 60 if dose.duration_seconds else None
            rows["dose_adjustments"].append(
                (person_id, adjustment.exercise_id, adjustment.from_date, adjustment.ended_on,
                 dose.sets, dose.reps, dose.hold_seconds, minutes, adjustment.locked,
                 adjustment.reason, actor, clinician,
                 at_local(adjustment.from_date - timedelta(days=1), 16 * 60, zone))
            )  # fmt: skip

    def _walk(self, played: Played) -> Walked:
        """``played`` walked at pace 1 (offsets scale with the pace), once per shape: a year
        of a large practice plays the same few thousand shapes millions of times."""
        hurt = tuple(sorted({r.item for r in played.ratings if r.hurt}))
        key = (played.day, played.items_done, played.skipped_item, played.ending, hurt)
        walked = self.walks.get(key)
        if walked is None:
            shape = replace(
                played,
                pace=1.0,
                ratings=tuple(Rated(item, 0, None, True) for item in hurt),
            )
            walked = self.walks[key] = walk(self.timelines[played.day][0], shape)
        return walked

    def _checkins(
        self, rows: dict[str, list[tuple[Any, ...]]], made: Course, person_id: int, zone: str
    ) -> None:
        out = rows["checkins"]
        for on, pain, stiffness in made.mornings:
            out.append(
                (person_id, "morning", on, "", {"pain": pain, "stiffness": stiffness},
                 at_local(on, 7 * 60 + 5, zone))
            )  # fmt: skip
        for on, pain, psfs in made.weeks:
            values: dict[str, Any] = {"pain": pain}
            if psfs is not None:
                values["psfs"] = dict(psfs)
            out.append((person_id, "week", on, "", values, at_local(on, 20 * 60, zone)))

    def _sessions(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        made: Course,
        person_id: int,
        zone: str,
        ids: random.Random,
    ) -> None:
        for played in made.sessions:
            timeline, stored = self.timelines[played.day]
            work, facts = self.step_facts[played.day]
            session_id = str(uuid.UUID(int=ids.getrandbits(128), version=4))
            started = at_local(played.on, played.start_minute, zone)
            walked = self._walk(played)
            pace = played.pace
            ended = started + timedelta(seconds=walked.seconds * pace)
            finished_at = ended if played.ending != "unfinished" else None
            reason = "pain" if played.ending == "pain" else None
            rows["sessions"].append(
                (session_id, person_id, played.on, played.week, played.day, started,
                 finished_at, reason, len(timeline.steps), stored, work, facts)
            )  # fmt: skip
            if self.events_from is None or played.on >= self.events_from:
                for event in walked.events:
                    if event.kind in ("step_started", "step_completed", "step_skipped"):
                        event_id = f"{session_id}:{event.kind[5:]}:{event.step_index}"
                    else:
                        event_id = f"{session_id}:{event.kind}:{event.step_index}"
                    rows["session_events"].append(
                        (event_id, session_id, person_id, event.kind, event.step_index,
                         started + timedelta(seconds=event.offset * pace), event.data)
                    )  # fmt: skip
            exercise_ids = self.exercises[played.day]
            seen: set[str] = set()
            for rated in played.ratings:
                exercise = exercise_ids[rated.item]
                if exercise in seen:  # one rating per exercise and day, as the store keeps
                    continue
                seen.add(exercise)
                offset = walked.rated_at.get(rated.item, walked.seconds) * pace
                rows["checkins"].append(
                    (person_id, "exercise", played.on, exercise,
                     {"pain": rated.pain, "hurt": rated.hurt, "quality": rated.quality},
                     started + timedelta(seconds=offset))
                )  # fmt: skip
            if played.before or played.after:
                before = played.before or (None, None)
                after = played.after or (None, None)
                rows["checkins"].append(
                    (person_id, "session", played.on, "",
                     {"before_pain": before[0], "before_stiffness": before[1],
                      "after_pain": after[0], "rpe": after[1]},
                     ended + timedelta(minutes=1))
                )  # fmt: skip


_TABLE: dict[str, sa.Table] = {
    "people": people,
    "users": users,
    "client_clinicians": client_clinicians,
    "profiles": profiles,
    "access_log": access_log,
    "screen_answers": screen_answers,
    "clearances": clearances,
    "sessions": sessions,
    "session_events": session_events,
    "checkins": checkins,
    "dose_adjustments": dose_adjustments,
}
# Parents before children, for the foreign keys.
_ORDER = tuple(_TABLE)
_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "created_at"),
    "users": _USER_COLUMNS,
    "client_clinicians": ("person_id", "clinician_id", "assigned_at"),
    "profiles": (
        "person_id", "start_date", "session_time", "timezone", "plan_name", "plan_source",
        "plan_yaml", "rep_mode", "updated_at", "actor",
    ),
    "access_log": ("at", "actor_user_id", "action", "person_id", "what"),
    "screen_answers": ("person_id", "screen_id", "question_id", "answer", "answered_at"),
    "clearances": ("person_id", "cleared_on", "recorded_at", "actor"),
    "sessions": (
        "id", "person_id", "on_date", "program_week", "program_day", "started_at",
        "finished_at", "stopped_reason", "total_steps", "timeline", "work_steps", "step_facts",
    ),
    "session_events": ("id", "session_id", "person_id", "kind", "step_index", "at", "data"),
    "checkins": ("person_id", "kind", "on_date", "subject", "values", "recorded_at"),
    "dose_adjustments": (
        "person_id", "exercise_id", "from_date", "ended_on", "sets", "reps", "hold_seconds",
        "minutes", "locked", "reason", "actor", "author_user_id", "created_at",
    ),
}  # fmt: skip
