"""The operator's use cases for a clinic (``supple clinic …``): create the practice, add users,
list them, disable one, give out and take back personal API tokens.

Each takes the operator's ``Scope`` (``Scope.operator``: the store and the clock, no account,
no subject) and returns plain data for the face to print; none prints. The team's own use cases
(add, disable, end sign-ins, assign) also take a signed-in admin's scope, from the clinic's
Team page: ``core.access`` must let that admin manage the team. Secrets (invite links, API
tokens) are returned once, to be shown once, and only their hashes are stored. The operator's
changes are appended to the access log here, with no actor (the operator holds the database
anyway) and the command that made it; a signed-in admin's are logged by the web's guard, once,
with the admin as the actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supple.accounts import tokens
from supple.accounts.passwords import check_policy, default_passwords
from supple.core import limits
from supple.core.access import STAFF, Action, Role
from supple.core.errors import FieldError, InputError
from supple.services.care_access import authorize
from supple.services.scope import Scope
from supple.store import (
    access_log,
    accounts,
    api_tokens,
    invites,
    logins,
    profiles,
    second_factors,
    team,
)
from supple.store.database import Store

AccountExists = accounts.AccountExists  # an email already taken (the web answers 409)

MAX_EMAIL = 320
MAX_NAME = 200
MAX_LABEL = 100


@dataclass(frozen=True)
class Invite:
    """A one-time link to set a password, valid until ``expires_at``."""

    url: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"Invite(expires_at={self.expires_at.isoformat()})"


@dataclass(frozen=True)
class Added:
    user: accounts.User
    invite: Invite | None  # None when a password was given


@dataclass(frozen=True)
class Created:
    practice: accounts.Practice
    admin: accounts.User
    invite: Invite


def parse_email(email: str, field: str = "email") -> str:
    """An email address as typed, trimmed; ``FieldError`` (an ``InputError`` naming the form's
    ``field``) when it cannot be one."""
    text = email.strip()
    local, at, domain = text.rpartition("@")
    shaped = at and local and "." in domain.strip(".")
    if not shaped or any(c.isspace() or not c.isprintable() for c in text):
        raise FieldError(field, f"{email!r} is not an email address (expected name@example.org)")
    if len(text) > MAX_EMAIL:
        raise FieldError(field, f"the email has {len(text)} characters; at most {MAX_EMAIL} fit")
    return text


def parse_name(name: str | None, what: str = "name") -> str | None:
    if name is None:
        return None
    text = " ".join(name.split())
    if not text:
        raise FieldError("name", f"the {what} is empty")
    if problem := limits.text_problem(text, None):  # NUL: PostgreSQL refuses it in text
        raise FieldError("name", f"the {what} {problem}")
    if len(text) > MAX_NAME:
        raise FieldError("name", f"the {what} has {len(text)} characters; at most {MAX_NAME} fit")
    return text


def parse_base_url(base_url: str) -> str:
    text = base_url.strip().rstrip("/")
    scheme, sep, rest = text.partition("://")
    if scheme not in ("http", "https") or not sep or not rest or any(c.isspace() for c in rest):
        raise InputError(
            f"{base_url!r} is not a web address for the links "
            "(expected https://clinic.example.org or http://localhost:8765)"
        )
    return text


def _log(store: Store, now: datetime, what: str, person_id: int | None = None) -> None:
    access_log.append(
        store,
        at=now,
        actor_user_id=None,
        action=Action.MANAGE_TEAM.value,
        person_id=person_id,
        what=what,
    )


def _manager(scope: Scope) -> accounts.User | None:
    """Who manages the team in this scope: None for the operator (the command line), else the
    signed-in admin, whom ``core.access`` must allow (``NotFound`` otherwise, like any page
    that is not theirs)."""
    if scope.actor.role == "operator":
        return None
    return authorize(scope, Action.MANAGE_TEAM)


def _log_change(scope: Scope, what: str, person_id: int | None = None) -> None:
    """The operator's change goes to the log here; an admin's is logged by the web's guard."""
    if scope.actor.role == "operator":
        _log(scope.store, scope.clock.now(), what, person_id)


def _invite(store: Store, user: accounts.User, now: datetime, base_url: str) -> Invite:
    token = tokens.new_token()
    expires = invites.create(store, user.id, token.digest, now)
    return Invite(url=f"{base_url}/invite/{token.value}", expires_at=expires)


def init_clinic(scope: Scope, *, name: str, admin_email: str, base_url: str) -> Created:
    """Create the practice and its first admin in an empty database; the admin sets their
    password through the returned link."""
    store, now = scope.store, scope.clock.now()
    practice_name = parse_name(name, "practice's name")
    email = parse_email(admin_email)
    base = parse_base_url(base_url)
    assert practice_name is not None
    if accounts.get_practice(store) is not None or accounts.has_users(store):
        raise InputError("this database already holds a clinic; use `supple clinic add`")
    if profiles.holds_people(store):
        raise InputError(
            "this database already holds a person's data (personal mode); "
            "create the clinic in a new, empty database"
        )
    practice = accounts.create_practice(store, practice_name, now)
    admin = accounts.create_user(store, email=email, name=None, role=Role.ADMIN, now=now)
    _log(store, now, "supple clinic init")
    return Created(practice, admin, _invite(store, admin, now, base))


def add_user(
    scope: Scope,
    *,
    role: Role,
    email: str,
    name: str | None,
    base_url: str,
    clinician_email: str | None = None,
    password: str | None = None,
) -> Added:
    """Add a user. A client may be put on a clinician's caseload at once. With a password (it
    must meet the policy) the user can sign in straight away; without, they get an invite."""
    _manager(scope)
    store, now = scope.store, scope.clock.now()
    address = parse_email(email)
    display = parse_name(name)
    base = parse_base_url(base_url)
    if accounts.get_practice(store) is None:
        raise InputError("this database holds no clinic yet; run `supple clinic init` first")
    clinician = None
    if clinician_email is not None:
        if role is not Role.CLIENT:
            raise FieldError(
                "clinician", "--clinician is for clients: only a client has a clinician"
            )
        clinician = _treating(store, clinician_email)
    password_hash = None
    if password is not None:
        checked = check_policy(password, email=address, name=display)
        password_hash = default_passwords().hash(checked)
    user = accounts.create_user(store, email=address, name=display, role=role, now=now)
    if password_hash is not None:
        accounts.set_password_hash(store, user.id, password_hash)
    if clinician is not None and user.person_id is not None:
        accounts.assign(store, user.person_id, clinician.id, now)
    _log_change(scope, f"supple clinic add --role {role.value}", user.person_id)
    invite = None if password_hash is not None else _invite(store, user, now, base)
    return Added(user, invite)


def _treating(store: Store, email: str) -> accounts.User:
    """The active clinician or admin with this email, who can take a client."""
    clinician = accounts.find_user(store, parse_email(email, "clinician"))
    if clinician is None:
        raise FieldError("clinician", f"no user has the email {email.strip()}")
    if clinician.role not in STAFF or not clinician.active:
        raise FieldError(
            "clinician",
            f"{clinician.email} is not an active clinician or admin, so cannot treat a client",
        )
    return clinician


def holds_clinic(store: Store) -> bool:
    """Whether the database holds a practice (``supple clinic init`` was run)."""
    return accounts.get_practice(store) is not None


def users_json(scope: Scope) -> dict[str, Any]:
    """``{"users": [{"email", "name", "role", "client_id", "clinician_email", "active"}]}``
    (``client_id`` and ``clinician_email`` are null for staff and for an unassigned client)."""
    return {
        "users": [
            {
                "email": u.email,
                "name": u.name,
                "role": u.role.value,
                "client_id": u.client_id,
                "clinician_email": u.clinician_emails[0] if u.clinician_emails else None,
                "active": u.active,
            }
            for u in accounts.list_users(scope.store)
        ]
    }


def disable(scope: Scope, *, email: str) -> tuple[accounts.User, int]:
    """Disable a user and end every sign-in of theirs: the user, and how many sign-ins ended.
    Their API tokens stay on record but open nothing while the user is disabled."""
    me = _manager(scope)
    store, now = scope.store, scope.clock.now()
    user = accounts.require_user(store, parse_email(email))
    if me is not None and me.id == user.id:
        raise InputError(
            "you cannot disable your own account: another admin can, "
            "or the operator with `supple clinic disable`"
        )
    if not user.active:
        raise InputError(f"{user.email} is already disabled")
    ended = accounts.set_active(store, user.id, False, now)
    _log_change(scope, "supple clinic disable", user.person_id)
    return user, ended


def enable(scope: Scope, *, email: str) -> accounts.User:
    """Let a disabled user sign in again (with their password; their sign-ins stay ended)."""
    _manager(scope)
    store, now = scope.store, scope.clock.now()
    user = accounts.require_user(store, parse_email(email))
    if user.active:
        raise InputError(f"{user.email} is not disabled")
    accounts.set_active(store, user.id, True, now)
    _log_change(scope, "supple clinic enable", user.person_id)
    return user


def end_sign_ins(scope: Scope, *, email: str) -> tuple[accounts.User, int]:
    """End every sign-in of a user without disabling them (a lost phone, a shared computer):
    they sign in again with their password. The user, and how many sign-ins ended."""
    _manager(scope)
    store, now = scope.store, scope.clock.now()
    user = accounts.require_user(store, parse_email(email))
    ended = logins.end_sessions(store, user.id, "ended_by_admin", now)
    _log_change(scope, "supple clinic end-sign-ins", user.person_id)
    return user, ended


def assign_client(
    scope: Scope, *, email: str, clinician_email: str
) -> tuple[accounts.User, accounts.User]:
    """Put a client on one clinician's caseload, instead of whoever treated them before: the
    old clinician stops seeing the record at once. The client and their clinician."""
    _manager(scope)
    store, now = scope.store, scope.clock.now()
    client = accounts.require_user(store, parse_email(email))
    if client.role is not Role.CLIENT or client.person_id is None:
        raise InputError(f"{client.email} is not a client: only a client has a clinician")
    clinician = _treating(store, clinician_email)
    team.reassign(store, client.person_id, clinician.id, now)
    _log_change(scope, f"supple clinic assign --clinician {clinician.email}", client.person_id)
    return client, clinician


def reset_two_factor(scope: Scope, *, email: str) -> tuple[accounts.User, int]:
    """For a staff member who lost both their phone and their recovery codes: forget their TOTP
    seed and recovery codes and end their sign-ins; at their next sign-in they enrol again.
    The user and how many sign-ins ended."""
    store, now = scope.store, scope.clock.now()
    user = accounts.require_user(store, parse_email(email))
    if user.role not in STAFF:
        raise InputError(f"{user.email} is a client: clients sign in with a password only")
    second_factors.reset_totp(store, user.id)
    ended = logins.end_sessions(store, user.id, "two_factor_reset", now)
    _log(store, now, "supple clinic reset-two-factor")
    return user, ended


def create_token(scope: Scope, *, email: str, label: str | None) -> str:
    """A new personal API token for an active user: its value, to be shown once."""
    store, now = scope.store, scope.clock.now()
    user = accounts.require_user(store, parse_email(email))
    if not user.active:
        raise InputError(f"{user.email} is disabled; enable them before giving out a token")
    name = parse_name(label, "token's name") or "personal token"
    if len(name) > MAX_LABEL:
        raise InputError(f"the token's name has {len(name)} characters; at most {MAX_LABEL} fit")
    token = tokens.new_api_token()
    api_tokens.create(store, user.id, token.digest, name, now)
    _log(store, now, "supple clinic token create", user.person_id)
    return token.value


def revoke_tokens(scope: Scope, *, email: str, label: str | None) -> int:
    """Revoke a user's tokens (only those named ``label`` when given); how many."""
    store, now = scope.store, scope.clock.now()
    user = accounts.require_user(store, parse_email(email))
    name = parse_name(label, "token's name")
    revoked = api_tokens.revoke(store, user.id, now, label=name)
    if revoked == 0:
        which = f"named {name!r} " if name else ""
        raise InputError(f"{user.email} has no live token {which}to revoke")
    _log(store, now, "supple clinic token revoke", user.person_id)
    return revoked
