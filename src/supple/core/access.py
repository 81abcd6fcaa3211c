"""Who may do what in a clinic: one table, one decision function, no I/O.

The web asks :func:`decide` once per request with the signed-in user (the actor), the action,
and the facts the store found about the client the request names (or ``None`` when the store
found no such client). The answer is a plain yes or no. There is no reason attached on purpose:
"this client is not yours" and "there is no such client" must look the same to the caller, so
the web answers 404 to both and a stranger learns nothing by guessing ids.

The relations between an actor and a client:

    OWN_RECORD    the actor is that client (a client's user is linked to one ``people`` row)
    CASELOAD      the actor is a staff member the client is assigned to
    OTHER_CLIENT  the client exists in the practice but is neither of the above
    ABSENT        the store found no such client (never allowed, whatever the table says)
    NO_CLIENT     the action names no client: the practice's team, its templates, one's account

Choices the lead may revisit (each is one row of ``RULES``):

- An admin reads every client's record, access log and private notes, but prescribes, adjusts,
  clears red flags, acknowledges alerts and writes notes only for clients assigned to them:
  treating someone is a clinician's act, and a small practice's owner is simply assigned too.
- Clinicians build and edit the practice's templates (the issue puts that under prescribing);
  only admins manage the team and read the practice-wide access log.
- In the clinic a red flag is cleared by a clinician who saw the client, never by the client:
  the clearance carries the clinician's name (CLINICAL.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    CLINICIAN = "clinician"
    ADMIN = "admin"


STAFF = frozenset({Role.CLINICIAN, Role.ADMIN})


class Action(StrEnum):
    # About one client's record.
    READ_RECORD = "read_record"  # today, week, history, progress, check-ins, report, changes
    WRITE_OWN_RECORD = "write_own_record"  # check-ins, sessions, safety answers, own settings
    PRESCRIBE = "prescribe"  # assign the bundled program or a template, upload a plan
    ADJUST_DOSE = "adjust_dose"
    CLEAR_RED_FLAG = "clear_red_flag"
    ACKNOWLEDGE_ALERT = "acknowledge_alert"
    READ_PRIVATE_NOTES = "read_private_notes"
    WRITE_PRIVATE_NOTES = "write_private_notes"
    READ_ACCESS_LOG = "read_access_log"  # who looked at this client's record
    # About no client in particular.
    VIEW_CASELOAD = "view_caseload"  # the dashboard and GET /api/v1/clients
    MANAGE_TEAM = "manage_team"  # invite, assign, disable users, end their sessions
    MANAGE_TEMPLATES = "manage_templates"
    READ_PRACTICE_ACCESS_LOG = "read_practice_access_log"
    MANAGE_OWN_ACCOUNT = "manage_own_account"  # password, two-factor, own sign-ins and tokens


CLIENT_ACTIONS = frozenset(
    {
        Action.READ_RECORD,
        Action.WRITE_OWN_RECORD,
        Action.PRESCRIBE,
        Action.ADJUST_DOSE,
        Action.CLEAR_RED_FLAG,
        Action.ACKNOWLEDGE_ALERT,
        Action.READ_PRIVATE_NOTES,
        Action.WRITE_PRIVATE_NOTES,
        Action.READ_ACCESS_LOG,
    }
)

# The actions that only read; every other action changes something and is always logged.
READS = frozenset(
    {
        Action.READ_RECORD,
        Action.READ_PRIVATE_NOTES,
        Action.READ_ACCESS_LOG,
        Action.VIEW_CASELOAD,
        Action.READ_PRACTICE_ACCESS_LOG,
    }
)


class Relation(StrEnum):
    OWN_RECORD = "own_record"
    CASELOAD = "caseload"
    OTHER_CLIENT = "other_client"
    ABSENT = "absent"
    NO_CLIENT = "no_client"


_OWN = frozenset({Relation.OWN_RECORD})
_CASELOAD = frozenset({Relation.CASELOAD})
_ANY_CLIENT = frozenset({Relation.CASELOAD, Relation.OTHER_CLIENT})
_PRACTICE = frozenset({Relation.NO_CLIENT})
_NEVER: frozenset[Relation] = frozenset()

# (role, action) -> the relations under which the role may take the action. A pair that is
# missing is never allowed.
RULES: dict[tuple[Role, Action], frozenset[Relation]] = {
    (Role.CLIENT, Action.READ_RECORD): _OWN,
    (Role.CLIENT, Action.WRITE_OWN_RECORD): _OWN,
    (Role.CLIENT, Action.READ_ACCESS_LOG): _OWN,
    (Role.CLIENT, Action.MANAGE_OWN_ACCOUNT): _PRACTICE,
    (Role.CLINICIAN, Action.READ_RECORD): _CASELOAD,
    (Role.CLINICIAN, Action.PRESCRIBE): _CASELOAD,
    (Role.CLINICIAN, Action.ADJUST_DOSE): _CASELOAD,
    (Role.CLINICIAN, Action.CLEAR_RED_FLAG): _CASELOAD,
    (Role.CLINICIAN, Action.ACKNOWLEDGE_ALERT): _CASELOAD,
    (Role.CLINICIAN, Action.READ_PRIVATE_NOTES): _CASELOAD,
    (Role.CLINICIAN, Action.WRITE_PRIVATE_NOTES): _CASELOAD,
    (Role.CLINICIAN, Action.READ_ACCESS_LOG): _CASELOAD,
    (Role.CLINICIAN, Action.VIEW_CASELOAD): _PRACTICE,
    (Role.CLINICIAN, Action.MANAGE_TEMPLATES): _PRACTICE,
    (Role.CLINICIAN, Action.MANAGE_OWN_ACCOUNT): _PRACTICE,
    (Role.ADMIN, Action.READ_RECORD): _ANY_CLIENT,
    (Role.ADMIN, Action.PRESCRIBE): _CASELOAD,
    (Role.ADMIN, Action.ADJUST_DOSE): _CASELOAD,
    (Role.ADMIN, Action.CLEAR_RED_FLAG): _CASELOAD,
    (Role.ADMIN, Action.ACKNOWLEDGE_ALERT): _CASELOAD,
    (Role.ADMIN, Action.READ_PRIVATE_NOTES): _ANY_CLIENT,
    (Role.ADMIN, Action.WRITE_PRIVATE_NOTES): _CASELOAD,
    (Role.ADMIN, Action.READ_ACCESS_LOG): _ANY_CLIENT,
    (Role.ADMIN, Action.VIEW_CASELOAD): _PRACTICE,
    (Role.ADMIN, Action.MANAGE_TEAM): _PRACTICE,
    (Role.ADMIN, Action.MANAGE_TEMPLATES): _PRACTICE,
    (Role.ADMIN, Action.READ_PRACTICE_ACCESS_LOG): _PRACTICE,
    (Role.ADMIN, Action.MANAGE_OWN_ACCOUNT): _PRACTICE,
}


@dataclass(frozen=True)
class Actor:
    """The signed-in user. ``person_id`` is a client's own ``people`` row (None for staff)."""

    user_id: int
    role: Role
    person_id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class ClientFacts:
    """What the store knows about a client a request names: their ``people`` id and the staff
    users they are assigned to."""

    client_id: int
    clinician_ids: frozenset[int] = frozenset()


def relation(actor: Actor, client: ClientFacts | None) -> Relation:
    """How ``actor`` stands to ``client`` (``None``: the store found no such client)."""
    if client is None:
        return Relation.ABSENT
    if actor.role is Role.CLIENT and actor.person_id == client.client_id:
        return Relation.OWN_RECORD
    if actor.role in STAFF and actor.user_id in client.clinician_ids:
        return Relation.CASELOAD
    return Relation.OTHER_CLIENT


def permitted(role: Role, action: Action, relation: Relation) -> bool:
    """The table itself: may ``role`` take ``action`` under ``relation``?"""
    return relation in RULES.get((role, action), _NEVER)


def decide(actor: Actor, action: Action, client: ClientFacts | None = None) -> bool:
    """Allow or deny. A client action without a client (not found) is denied, like one on a
    client that is not the actor's; a practice action that names a client is malformed and
    denied too; a disabled user may do nothing."""
    if not actor.active:
        return False
    if action in CLIENT_ACTIONS:
        return permitted(actor.role, action, relation(actor, client))
    return client is None and permitted(actor.role, action, Relation.NO_CLIENT)


def must_log(actor: Actor, action: Action) -> bool:
    """Whether an allowed action goes to the access log: every write by anyone, and every read
    of a client's record by staff (a client reading their own record is not logged)."""
    if action not in READS:
        return True
    return actor.role in STAFF and action in CLIENT_ACTIONS
