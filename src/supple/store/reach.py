"""What the worker reads to decide whom to reach: clients due a reminder, staff who get
alerts and digests, and recent alert-worthy records (the digest reads ``services.caseload``).

Every function reads the whole practice in a constant number of statements (one or two), so a
tick costs the same for five clients as for ten thousand, apart from the rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from supple.store.clinic_schema import client_clinicians, users
from supple.store.database import Store
from supple.store.notify_schema import notification_channels, notification_prefs
from supple.store.schema import checkins, people, profiles, screen_answers
from supple.store.screens import aware


@dataclass(frozen=True)
class Reachable:
    """A user with at least one channel, where they live and when they want quiet."""

    user_id: int
    email: str
    name: str | None
    role: str
    person_id: int | None
    zone: str  # the prefs' zone, else the client's profile zone, else UTC
    session_time: str | None  # a client's, from the profile
    quiet_start: str | None
    quiet_end: str | None
    reminders: bool


def reachable(
    store: Store, *, role: str | None = None, user_id: int | None = None
) -> list[Reachable]:
    """Active users who have at least one channel (of ``role``, or the one ``user_id``)."""
    has_channel = sa.exists().where(notification_channels.c.user_id == users.c.id)
    query = (
        sa.select(
            users.c.id,
            users.c.email,
            users.c.name,
            users.c.role,
            users.c.person_id,
            notification_prefs.c.timezone.label("pref_zone"),
            profiles.c.timezone.label("profile_zone"),
            profiles.c.session_time,
            notification_prefs.c.quiet_start,
            notification_prefs.c.quiet_end,
            notification_prefs.c.reminders,
        )
        .select_from(
            users.outerjoin(
                notification_prefs, notification_prefs.c.user_id == users.c.id
            ).outerjoin(profiles, profiles.c.person_id == users.c.person_id)
        )
        .where(users.c.active.is_(True), has_channel)
        .order_by(users.c.id)
    )
    if role is not None:
        query = query.where(users.c.role == role)
    if user_id is not None:
        query = query.where(users.c.id == user_id)
    with store.read() as conn:
        rows = conn.execute(query).all()
    return [
        Reachable(
            user_id=r.id,
            email=r.email,
            name=r.name,
            role=r.role,
            person_id=r.person_id,
            zone=r.pref_zone or r.profile_zone or "UTC",
            session_time=r.session_time,
            quiet_start=r.quiet_start,
            quiet_end=r.quiet_end,
            reminders=True if r.reminders is None else bool(r.reminders),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class AlertRecord:
    """Something a client recorded that their clinicians must hear of."""

    clinician_id: int
    person_id: int
    client: str  # the client's name, else their email
    kind: str  # pain_stop | red_flag
    key: str  # what identifies it: the rating's date and exercise, or the screen's id
    at: datetime
    values: dict[str, Any]


def _client_names() -> Any:
    return sa.func.coalesce(users.c.name, people.c.name, users.c.email)


def recent_alert_records(store: Store, since: datetime) -> list[AlertRecord]:
    """Exercise ratings recorded since ``since`` (the caller keeps those at the stop rule) and
    red-flag "yes" answers since then, each once per clinician of the client."""
    caseload = client_clinicians.join(
        users, users.c.person_id == client_clinicians.c.person_id
    ).join(people, people.c.id == client_clinicians.c.person_id)
    with store.read() as conn:
        name = _client_names()
        ratings = conn.execute(
            sa.select(
                client_clinicians.c.clinician_id,
                checkins.c.person_id,
                name.label("client"),
                checkins.c.on_date,
                checkins.c.subject,
                checkins.c["values"],
                checkins.c.recorded_at,
            )
            .select_from(
                caseload.join(checkins, checkins.c.person_id == client_clinicians.c.person_id)
            )
            .where(checkins.c.kind == "exercise", checkins.c.recorded_at > since)
        ).all()
        flags = conn.execute(
            sa.select(
                client_clinicians.c.clinician_id,
                screen_answers.c.person_id,
                name.label("client"),
                screen_answers.c.screen_id,
                sa.func.min(screen_answers.c.answered_at).label("at"),
                sa.func.count().label("yes"),
            )
            .select_from(
                caseload.join(
                    screen_answers, screen_answers.c.person_id == client_clinicians.c.person_id
                )
            )
            .where(screen_answers.c.answer.is_(True), screen_answers.c.answered_at > since)
            .group_by(
                client_clinicians.c.clinician_id,
                screen_answers.c.person_id,
                sa.text("client"),
                screen_answers.c.screen_id,
            )
        ).all()
    found = [
        AlertRecord(
            r.clinician_id,
            r.person_id,
            r.client,
            "pain_stop",
            f"{r.on_date.isoformat()}:{r.subject}",
            aware(r.recorded_at),
            dict(r["values"] if isinstance(r["values"], dict) else {}),
        )
        for r in (row._mapping for row in ratings)
    ]
    found += [
        AlertRecord(
            r.clinician_id,
            r.person_id,
            r.client,
            "red_flag",
            r.screen_id,
            aware(r.at),
            {"yes": r.yes},
        )
        for r in flags
    ]
    return found
