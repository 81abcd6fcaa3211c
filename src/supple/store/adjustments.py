"""A clinician's dose adjustments of a client's exercises (migration 0011's
``dose_adjustments``), and the plan given to a client together with its record.

Reading a person's adjustments happens on every computation of a day's doses, in personal mode
too (where there are none), so the read goes through lightweight table clauses: importing
``care_schema`` would build the clinic's thirteen tables on every ``supple today``. Writes are
clinic-only and use the declared tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from supple.core.profile import Profile
from supple.store.database import Store
from supple.store.screens import aware

_adjustments = sa.table(
    "dose_adjustments",
    sa.column("id"),
    sa.column("person_id"),
    sa.column("exercise_id"),
    sa.column("from_date", sa.Date),
    sa.column("ended_on", sa.Date),
    sa.column("sets"),
    sa.column("reps"),
    sa.column("hold_seconds"),
    sa.column("minutes"),
    sa.column("locked", sa.Boolean),
    sa.column("reason"),
    sa.column("actor"),
    sa.column("author_user_id"),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_users = sa.table("users", sa.column("id"), sa.column("name"), sa.column("email"))


@dataclass(frozen=True)
class AdjustmentRow:
    id: int
    exercise_id: str
    from_date: date
    ended_on: date | None
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    minutes: int | None
    locked: bool
    reason: str
    author_user_id: int | None
    author: str | None  # the author's name, else their email; None once the user is gone
    created_at: datetime


@dataclass(frozen=True)
class NewAdjustment:
    exercise_id: str
    from_date: date
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    minutes: int | None
    locked: bool
    reason: str


def for_person(store: Store, person_id: int) -> list[AdjustmentRow]:
    """Every adjustment made for the person, oldest first (read once per request)."""
    return store.memo(("adjustments", person_id), lambda: _load(store, person_id))


def _load(store: Store, person_id: int) -> list[AdjustmentRow]:
    query = (
        sa.select(_adjustments, _users.c.name, _users.c.email)
        .select_from(_adjustments.outerjoin(_users, _users.c.id == _adjustments.c.author_user_id))
        .where(_adjustments.c.person_id == person_id)
        .order_by(_adjustments.c.created_at, _adjustments.c.id)
    )
    with store.read() as conn:
        rows = list(conn.execute(query))
    return [
        AdjustmentRow(
            id=row.id,
            exercise_id=row.exercise_id,
            from_date=row.from_date,
            ended_on=row.ended_on,
            sets=row.sets,
            reps=row.reps,
            hold_seconds=row.hold_seconds,
            minutes=row.minutes,
            locked=bool(row.locked),
            reason=row.reason,
            author_user_id=row.author_user_id,
            author=row.name or row.email,
            created_at=aware(row.created_at),
        )
        for row in rows
    ]


def add(
    store: Store,
    person_id: int,
    new: NewAdjustment,
    *,
    at: datetime,
    actor: str,
    author_user_id: int | None,
) -> int:
    """Record an adjustment and, in the same transaction, end every earlier one of the same
    exercise still covering its first day or later (a later adjustment ends the earlier)."""
    from supple.store.care_schema import dose_adjustments as table

    with store.write() as conn:
        conn.execute(
            table.update()
            .where(
                table.c.person_id == person_id,
                table.c.exercise_id == new.exercise_id,
                sa.or_(table.c.ended_on.is_(None), table.c.ended_on > new.from_date),
            )
            .values(ended_on=new.from_date)
        )
        result = conn.execute(
            table.insert().values(
                person_id=person_id,
                exercise_id=new.exercise_id,
                from_date=new.from_date,
                ended_on=None,
                sets=new.sets,
                reps=new.reps,
                hold_seconds=new.hold_seconds,
                minutes=new.minutes,
                locked=new.locked,
                reason=new.reason,
                actor=actor,
                author_user_id=author_user_id,
                created_at=at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def assign_plan(
    store: Store,
    profile: Profile,
    *,
    source: str,
    reason: str | None,
    effective_on: date,
    at: datetime,
    actor: str | None,
    author_user_id: int | None,
) -> None:
    """Give the person the plan in ``profile`` in one transaction: the profile changes, the
    change is appended to ``plan_changes``, and every adjustment still covering
    ``effective_on`` or later ends there (its exercise may not even be in the new plan)."""
    from supple.store.care_schema import dose_adjustments, plan_changes
    from supple.store.schema import profiles

    with store.write() as conn:
        updated = conn.execute(
            profiles.update()
            .where(profiles.c.person_id == profile.person_id)
            .values(
                plan_name=profile.plan_name,
                plan_source=profile.plan_source,
                plan_yaml=profile.plan_yaml,
                updated_at=at,
                actor=actor,
            )
        )
        if updated.rowcount != 1:
            raise LookupError(f"no profile for person {profile.person_id}")
        conn.execute(
            plan_changes.insert().values(
                person_id=profile.person_id,
                plan_name=profile.plan_name,
                source=source,
                reason=reason,
                effective_on=effective_on,
                actor=actor,
                author_user_id=author_user_id,
                created_at=at,
            )
        )
        conn.execute(
            dose_adjustments.update()
            .where(
                dose_adjustments.c.person_id == profile.person_id,
                sa.or_(
                    dose_adjustments.c.ended_on.is_(None),
                    dose_adjustments.c.ended_on > effective_on,
                ),
            )
            .values(ended_on=effective_on)
        )


@dataclass(frozen=True)
class PlanChange:
    plan_name: str
    source: str
    reason: str | None
    effective_on: date
    author_user_id: int | None
    author: str | None
    created_at: datetime


def plan_changes(store: Store, person_id: int) -> list[PlanChange]:
    """Every plan given to the person through ``assign_plan``, oldest first."""
    from supple.store.care_schema import plan_changes as table
    from supple.store.clinic_schema import users

    query = (
        sa.select(table, users.c.name, users.c.email)
        .select_from(table.outerjoin(users, users.c.id == table.c.author_user_id))
        .where(table.c.person_id == person_id)
        .order_by(table.c.created_at, table.c.id)
    )
    with store.read() as conn:
        return [
            PlanChange(
                plan_name=row.plan_name,
                source=row.source,
                reason=row.reason,
                effective_on=row.effective_on,
                author_user_id=row.author_user_id,
                author=row.name or row.email,
                created_at=aware(row.created_at),
            )
            for row in conn.execute(query)
        ]
