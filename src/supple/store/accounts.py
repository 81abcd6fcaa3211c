"""The practice, its users, and who treats whom.

Emails are unique whatever their capitals: ``email_key`` keeps the casefolded form under a
unique constraint, ``email`` the form the person typed. A client's user is created together with
the ``people`` row that all their personal data hangs off, in one transaction. Password and TOTP
state change through narrow functions, and accepting a TOTP step is one conditional UPDATE, so
two workers given the same code at the same moment cannot both accept it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from supple.core.access import ClientFacts, Role
from supple.core.errors import InputError, NotFound
from supple.store.clinic_schema import client_clinicians, login_sessions, practice, users
from supple.store.database import Store
from supple.store.schema import people
from supple.store.screens import aware


class AccountExists(InputError):
    """An email is already taken by another user (whatever its capitals)."""


@dataclass(frozen=True)
class Practice:
    name: str
    created_at: datetime


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str | None
    role: Role
    person_id: int | None  # a client's own people row; None for staff
    active: bool
    created_at: datetime
    password_hash: str | None = field(default=None, repr=False)
    totp_secret: str | None = field(default=None, repr=False)
    totp_enabled_at: datetime | None = None
    totp_last_step: int | None = None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


@dataclass(frozen=True)
class UserListing:
    """One line of ``supple clinic users``."""

    email: str
    name: str | None
    role: Role
    client_id: int | None
    clinician_emails: tuple[str, ...]
    active: bool


def email_key(email: str) -> str:
    return email.strip().casefold()


def user_from_row(row: Any) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        person_id=row.person_id,
        active=bool(row.active),
        created_at=aware(row.created_at),
        password_hash=row.password_hash,
        totp_secret=row.totp_secret,
        totp_enabled_at=aware(row.totp_enabled_at) if row.totp_enabled_at else None,
        totp_last_step=row.totp_last_step,
    )


def get_practice(store: Store) -> Practice | None:
    with store.read() as conn:
        row = conn.execute(sa.select(practice)).first()
    return Practice(row.name, aware(row.created_at)) if row else None


def has_users(store: Store) -> bool:
    with store.read() as conn:
        return conn.execute(sa.select(users.c.id).limit(1)).first() is not None


def create_practice(store: Store, name: str, now: datetime) -> Practice:
    """The practice's one row; a second call is refused by the table's constraint."""
    try:
        with store.write() as conn:
            conn.execute(practice.insert().values(id=1, name=name, created_at=now))
    except sa.exc.IntegrityError:
        raise InputError("this database already holds a practice") from None
    return Practice(name, now)


def create_user(store: Store, *, email: str, name: str | None, role: Role, now: datetime) -> User:
    """A new user without a password; a client gets their ``people`` row in the same
    transaction. ``AccountExists`` when the email is taken."""
    try:
        with store.write() as conn:
            person_id = None
            if role is Role.CLIENT:
                inserted = conn.execute(people.insert().values(name=name, created_at=now))
                key = inserted.inserted_primary_key
                assert key is not None
                person_id = int(key[0])
            result = conn.execute(
                users.insert().values(
                    email=email.strip(),
                    email_key=email_key(email),
                    name=name,
                    role=role.value,
                    person_id=person_id,
                    active=True,
                    created_at=now,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            user_id = int(key[0])
    except sa.exc.IntegrityError:
        raise AccountExists(f"a user with the email {email.strip()} already exists") from None
    return User(user_id, email.strip(), name, role, person_id, True, now)


def get_user(store: Store, user_id: int) -> User | None:
    with store.read() as conn:
        row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    return user_from_row(row) if row else None


def find_user(store: Store, email: str) -> User | None:
    """The user with this email, whatever its capitals and surrounding spaces."""
    with store.read() as conn:
        row = conn.execute(sa.select(users).where(users.c.email_key == email_key(email))).first()
    return user_from_row(row) if row else None


def require_user(store: Store, email: str) -> User:
    user = find_user(store, email)
    if user is None:
        raise NotFound(f"no user has the email {email.strip()}")
    return user


def list_users(store: Store) -> list[UserListing]:
    """Every user, staff first then clients, each by email, with a client's clinicians; in two
    statements whatever the number of users."""
    clinician = users.alias("clinician")
    with store.read() as conn:
        rows = list(conn.execute(sa.select(users).order_by(users.c.email_key)))
        links = conn.execute(
            sa.select(client_clinicians.c.person_id, clinician.c.email)
            .join(clinician, clinician.c.id == client_clinicians.c.clinician_id)
            .order_by(clinician.c.email_key)
        )
        by_person: dict[int, list[str]] = {}
        for person_id, email in links:
            by_person.setdefault(person_id, []).append(email)
    order = {Role.ADMIN: 0, Role.CLINICIAN: 1, Role.CLIENT: 2}
    listing = [
        UserListing(
            email=row.email,
            name=row.name,
            role=Role(row.role),
            client_id=row.person_id,
            clinician_emails=tuple(by_person.get(row.person_id, ())),
            active=bool(row.active),
        )
        for row in rows
    ]
    return sorted(listing, key=lambda u: order[u.role])


def set_password_hash(store: Store, user_id: int, password_hash: str) -> None:
    with store.write() as conn:
        conn.execute(
            users.update().where(users.c.id == user_id).values(password_hash=password_hash)
        )


def set_active(store: Store, user_id: int, active: bool, now: datetime) -> int:
    """Enable or disable a user. Disabling ends every sign-in of theirs in the same
    transaction; the number ended is returned."""
    with store.write() as conn:
        conn.execute(users.update().where(users.c.id == user_id).values(active=active))
        if active:
            return 0
        ended = conn.execute(
            login_sessions.update()
            .where(login_sessions.c.user_id == user_id, login_sessions.c.ended_at.is_(None))
            .values(ended_at=now, ended_reason="disabled")
        )
        return int(ended.rowcount)


def assign(store: Store, person_id: int, clinician_id: int, now: datetime) -> bool:
    """Put a client on a staff member's caseload; False when already there."""
    try:
        with store.write() as conn:
            conn.execute(
                client_clinicians.insert().values(
                    person_id=person_id, clinician_id=clinician_id, assigned_at=now
                )
            )
    except sa.exc.IntegrityError:
        return False
    return True


def unassign(store: Store, person_id: int, clinician_id: int) -> bool:
    with store.write() as conn:
        removed = conn.execute(
            client_clinicians.delete().where(
                client_clinicians.c.person_id == person_id,
                client_clinicians.c.clinician_id == clinician_id,
            )
        )
        return bool(removed.rowcount)


def client_facts(store: Store, client_id: int) -> ClientFacts | None:
    """What ``core.access.decide`` needs about a client: None when no client user has that
    ``people`` id (so a personal-mode person, or nobody, is "not there")."""
    query = (
        sa.select(users.c.person_id, client_clinicians.c.clinician_id)
        .select_from(users)
        .outerjoin(client_clinicians, client_clinicians.c.person_id == users.c.person_id)
        .where(users.c.person_id == client_id, users.c.role == Role.CLIENT.value)
    )
    with store.read() as conn:
        rows = list(conn.execute(query))
    if not rows:
        return None
    return ClientFacts(
        client_id=client_id,
        clinician_ids=frozenset(r.clinician_id for r in rows if r.clinician_id is not None),
    )


def clients_facts(store: Store, client_ids: Iterable[int]) -> dict[int, ClientFacts]:
    """``client_facts`` of many clients in one statement (a page listing several); an id with
    no client user is left out."""
    ids = sorted(set(client_ids))
    if not ids:
        return {}
    query = (
        sa.select(users.c.person_id, client_clinicians.c.clinician_id)
        .select_from(users)
        .outerjoin(client_clinicians, client_clinicians.c.person_id == users.c.person_id)
        .where(users.c.person_id.in_(ids), users.c.role == Role.CLIENT.value)
    )
    found: dict[int, set[int]] = {}
    with store.read() as conn:
        for row in conn.execute(query):
            staff = found.setdefault(row.person_id, set())
            if row.clinician_id is not None:
                staff.add(row.clinician_id)
    return {pid: ClientFacts(pid, frozenset(staff)) for pid, staff in found.items()}


def caseload(store: Store, clinician_id: int) -> list[int]:
    """The ``people`` ids of the clients assigned to a staff member, in id order."""
    with store.read() as conn:
        return list(
            conn.execute(
                sa.select(client_clinicians.c.person_id)
                .where(client_clinicians.c.clinician_id == clinician_id)
                .order_by(client_clinicians.c.person_id)
            ).scalars()
        )


def user_columns() -> list[sa.Label[Any]]:
    """The users table's columns, labelled ``u_…``, for a query that joins another table."""
    return [column.label(f"u_{column.name}") for column in users.c]


def user_from_joined(row: Any) -> User:
    """The user in a joined row selected with ``user_columns``."""
    mapping = row._mapping
    return user_from_row(SimpleNamespace(**{c.name: mapping[f"u_{c.name}"] for c in users.c}))


def client_name(store: Store, person_id: int) -> str | None:
    """How staff pages name a client: their user's name, else their email (None: no client
    user has that ``people`` id)."""
    with store.read() as conn:
        row = conn.execute(
            sa.select(users.c.name, users.c.email).where(
                users.c.person_id == person_id, users.c.role == Role.CLIENT.value
            )
        ).first()
    return (row.name or row.email) if row else None
