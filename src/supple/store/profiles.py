"""Reading and writing people and their profiles, and the one place that picks a person by
default: ``local_person``, asked for only by the composition roots (the CLI's and the web
app's), never by a use case."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from supple.core.profile import Profile
from supple.store.database import Store
from supple.store.schema import people, profiles


def local_person(store: Store) -> int | None:
    """The single person of a local install (the first one created), if any.

    The only "pick a person" rule in Supple: every other read and write names its person."""
    with store.read() as conn:
        return conn.execute(sa.select(sa.func.min(people.c.id))).scalar()


def holds_people(store: Store) -> bool:
    """Whether any person is on record: a clinic is created only in a database without one
    (personal data is never folded into a practice). Picks no one."""
    with store.read() as conn:
        return conn.execute(sa.select(people.c.id).limit(1)).first() is not None


def create_person(store: Store, *, at: datetime, name: str | None = None) -> int:
    with store.write() as conn:
        result = conn.execute(people.insert().values(name=name, created_at=at))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def get_profile(store: Store, person_id: int) -> Profile | None:
    return store.memo(("profile", person_id), lambda: _load_profile(store, person_id))


def _load_profile(store: Store, person_id: int) -> Profile | None:
    with store.read() as conn:
        row = conn.execute(sa.select(profiles).where(profiles.c.person_id == person_id)).first()
    if row is None:
        return None
    return Profile(
        person_id=row.person_id,
        start_date=row.start_date,
        session_time=row.session_time,
        timezone=row.timezone,
        plan_name=row.plan_name,
        plan_source=row.plan_source,
        plan_yaml=row.plan_yaml,
        rep_mode=row.rep_mode,
        schedule_chosen=bool(row.schedule_chosen),
    )


def save_profile(store: Store, profile: Profile, *, at: datetime, actor: str | None) -> None:
    """Create or change the profile; ``actor`` says who (the person, or later a clinician)."""
    values = dict(
        start_date=profile.start_date,
        session_time=profile.session_time,
        timezone=profile.timezone,
        plan_name=profile.plan_name,
        plan_source=profile.plan_source,
        plan_yaml=profile.plan_yaml,
        rep_mode=profile.rep_mode,
        schedule_chosen=profile.schedule_chosen,
        updated_at=at,
        actor=actor,
    )
    with store.write() as conn:
        updated = conn.execute(
            profiles.update().where(profiles.c.person_id == profile.person_id).values(**values)
        )
        if updated.rowcount == 0:
            conn.execute(profiles.insert().values(person_id=profile.person_id, **values))
