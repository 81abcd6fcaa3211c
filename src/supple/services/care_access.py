"""Whether the scope's actor may take a clinic action on the scope's subject: the one question
every clinic use case asks first, answered by ``core.access.decide``.

The web's request boundary asks it too before a client's route runs (and answers 404); the use
cases ask again so that no face, script or later route can skip it. "Not yours" and "not there"
are the same ``NotFound``, so nothing tells a stranger that a client exists. Personal mode's
actor (``person``) and the operator hold no account: clinic actions are not theirs to take.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from supple.core import access
from supple.core.errors import NotFound, Refused
from supple.services.scope import Scope

if TYPE_CHECKING:
    from supple.store.accounts import User

# ``supple.store.accounts`` is imported inside the functions that need it: personal mode loads
# this module on every start (the services ask ``in_clinic``) and must not build the clinic's
# tables to do so.

# The scope's roles that are clinic accounts (their id is a ``users`` id).
CLINIC_ROLES = {
    "client": access.Role.CLIENT,
    "clinician": access.Role.CLINICIAN,
    "admin": access.Role.ADMIN,
}
NO_SUCH_CLIENT = "no such client"


def in_clinic(scope: Scope) -> bool:
    """Whether a clinic account acts (not personal mode's person, nor the operator)."""
    return scope.actor.role in CLINIC_ROLES and scope.actor.id is not None


def acting_user(scope: Scope) -> User | None:
    """The clinic account that acts, if it exists and matches the scope's role."""
    if not in_clinic(scope):
        return None
    from supple.store import accounts

    assert scope.actor.id is not None
    user = accounts.get_user(scope.store, scope.actor.id)
    if user is None or user.role is not CLINIC_ROLES[scope.actor.role]:
        return None
    return user


def authorize(scope: Scope, action: access.Action) -> User:
    """The acting user when ``core.access`` lets them take ``action`` on the scope's subject
    (or, for a practice action, with no subject); ``NotFound`` otherwise."""
    user = acting_user(scope)
    if user is None:
        raise NotFound(NO_SUCH_CLIENT)
    facts = None
    if action in access.CLIENT_ACTIONS:
        if scope.subject is None:
            raise NotFound(NO_SUCH_CLIENT)
        from supple.store import accounts

        facts = accounts.client_facts(scope.store, scope.subject)
    actor = access.Actor(user.id, user.role, user.person_id, user.active)
    if not access.decide(actor, action, facts):
        raise NotFound(NO_SUCH_CLIENT)
    return user


def display_name(user: User) -> str:
    """How a clinician is named to a client: their name, else their email."""
    return user.name or user.email


def clinic_refusal(scope: Scope, action: access.Action, why: str) -> None:
    """For a use case personal mode lets the person do themself: in a clinic, a client is
    told plainly that it is their clinician's to do (``Refused``), and staff must be allowed
    the action on this client (``authorize``). Nothing to check in personal mode."""
    if not in_clinic(scope):
        return
    if scope.actor.role == "client":
        raise Refused(why)
    authorize(scope, action)
