"""Who may do what in a clinic (core/access.py): every role × action × relation, case by case.

The expected table below is written out by hand from issue 13, not derived from the module, so
a changed rule in the code fails here until someone changes this page on purpose.
"""

from __future__ import annotations

import itertools

import pytest

from supple.core.access import (
    CLIENT_ACTIONS as CLIENT_ACTIONS_SET,
)
from supple.core.access import (
    Action,
    Actor,
    ClientFacts,
    Relation,
    Role,
    decide,
    must_log,
    permitted,
    relation,
)

A, R = Action, Relation
CLIENT, CLINICIAN, ADMIN = Role.CLIENT, Role.CLINICIAN, Role.ADMIN

# Every allowed (role, action, relation); everything else is denied.
ALLOWED = {
    # A client: their own record, to read and to write, and who looked at it; their account.
    (CLIENT, A.READ_RECORD, R.OWN_RECORD),
    (CLIENT, A.WRITE_OWN_RECORD, R.OWN_RECORD),
    (CLIENT, A.READ_ACCESS_LOG, R.OWN_RECORD),
    (CLIENT, A.MANAGE_OWN_ACCOUNT, R.NO_CLIENT),
    # A clinician: everything clinical about their own caseload, the dashboard, templates.
    (CLINICIAN, A.READ_RECORD, R.CASELOAD),
    (CLINICIAN, A.PRESCRIBE, R.CASELOAD),
    (CLINICIAN, A.ADJUST_DOSE, R.CASELOAD),
    (CLINICIAN, A.CLEAR_RED_FLAG, R.CASELOAD),
    (CLINICIAN, A.ACKNOWLEDGE_ALERT, R.CASELOAD),
    (CLINICIAN, A.READ_PRIVATE_NOTES, R.CASELOAD),
    (CLINICIAN, A.WRITE_PRIVATE_NOTES, R.CASELOAD),
    (CLINICIAN, A.READ_ACCESS_LOG, R.CASELOAD),
    (CLINICIAN, A.VIEW_CASELOAD, R.NO_CLIENT),
    (CLINICIAN, A.MANAGE_TEMPLATES, R.NO_CLIENT),
    (CLINICIAN, A.MANAGE_OWN_ACCOUNT, R.NO_CLIENT),
    # An admin: reads every client; treats only the clients assigned to them; runs the team.
    (ADMIN, A.READ_RECORD, R.CASELOAD),
    (ADMIN, A.READ_RECORD, R.OTHER_CLIENT),
    (ADMIN, A.READ_PRIVATE_NOTES, R.CASELOAD),
    (ADMIN, A.READ_PRIVATE_NOTES, R.OTHER_CLIENT),
    (ADMIN, A.READ_ACCESS_LOG, R.CASELOAD),
    (ADMIN, A.READ_ACCESS_LOG, R.OTHER_CLIENT),
    (ADMIN, A.PRESCRIBE, R.CASELOAD),
    (ADMIN, A.ADJUST_DOSE, R.CASELOAD),
    (ADMIN, A.CLEAR_RED_FLAG, R.CASELOAD),
    (ADMIN, A.ACKNOWLEDGE_ALERT, R.CASELOAD),
    (ADMIN, A.WRITE_PRIVATE_NOTES, R.CASELOAD),
    (ADMIN, A.VIEW_CASELOAD, R.NO_CLIENT),
    (ADMIN, A.MANAGE_TEAM, R.NO_CLIENT),
    (ADMIN, A.MANAGE_TEMPLATES, R.NO_CLIENT),
    (ADMIN, A.READ_PRACTICE_ACCESS_LOG, R.NO_CLIENT),
    (ADMIN, A.MANAGE_OWN_ACCOUNT, R.NO_CLIENT),
}

EVERY_CASE = list(itertools.product(Role, Action, Relation))


def _case_id(case: tuple[Role, Action, Relation]) -> str:
    role, action, rel = case
    verdict = "may" if case in ALLOWED else "may-not"
    return f"{role}-{verdict}-{action}-on-{rel}"


@pytest.mark.parametrize("case", EVERY_CASE, ids=[_case_id(c) for c in EVERY_CASE])
def test_each_role_action_and_relation_is_allowed_exactly_as_the_issue_says(
    case: tuple[Role, Action, Relation],
) -> None:
    role, action, rel = case
    assert permitted(role, action, rel) is (case in ALLOWED)


def test_the_table_covers_every_role_action_and_relation() -> None:
    assert len(EVERY_CASE) == len(Role) * len(Action) * len(Relation) == 3 * 14 * 5


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_a_client_that_is_not_there_is_never_allowed(role: Role, action: Action) -> None:
    assert permitted(role, action, R.ABSENT) is False


# Relations, from the facts the store hands over.
ANNA = Actor(user_id=10, role=CLIENT, person_id=100)  # a client, people row 100
BEN = Actor(user_id=11, role=CLIENT, person_id=101)  # another client
CLARA = Actor(user_id=20, role=CLINICIAN)  # Anna's clinician
DAN = Actor(user_id=21, role=CLINICIAN)  # another clinician
EVE = Actor(user_id=30, role=ADMIN)  # the admin, with no caseload
ANNAS_RECORD = ClientFacts(client_id=100, clinician_ids=frozenset({20}))


@pytest.mark.parametrize(
    ("actor", "client", "expected"),
    [
        (ANNA, ANNAS_RECORD, R.OWN_RECORD),
        (BEN, ANNAS_RECORD, R.OTHER_CLIENT),
        (CLARA, ANNAS_RECORD, R.CASELOAD),
        (DAN, ANNAS_RECORD, R.OTHER_CLIENT),
        (EVE, ANNAS_RECORD, R.OTHER_CLIENT),
        (Actor(user_id=30, role=ADMIN), ClientFacts(100, frozenset({30})), R.CASELOAD),
        (ANNA, None, R.ABSENT),
        (CLARA, None, R.ABSENT),
        (EVE, None, R.ABSENT),
        # A client whose user id happens to be listed as a clinician is still not staff.
        (Actor(user_id=20, role=CLIENT, person_id=555), ANNAS_RECORD, R.OTHER_CLIENT),
        # A staff user whose (meaningless) person id matches is not the client.
        (Actor(user_id=99, role=CLINICIAN, person_id=100), ANNAS_RECORD, R.OTHER_CLIENT),
        # A client not linked to any person owns no record.
        (Actor(user_id=12, role=CLIENT, person_id=None), ANNAS_RECORD, R.OTHER_CLIENT),
    ],
)
def test_the_relation_comes_from_the_facts_the_store_found(
    actor: Actor, client: ClientFacts | None, expected: Relation
) -> None:
    assert relation(actor, client) is expected


# Whole decisions about Anna's record, for each of the people of issue 13's walk test.
@pytest.mark.parametrize(
    ("actor", "action", "expected"),
    [
        (ANNA, A.READ_RECORD, True),
        (ANNA, A.WRITE_OWN_RECORD, True),
        (ANNA, A.READ_ACCESS_LOG, True),
        (ANNA, A.ADJUST_DOSE, False),
        (ANNA, A.CLEAR_RED_FLAG, False),
        (ANNA, A.READ_PRIVATE_NOTES, False),
        (BEN, A.READ_RECORD, False),
        (BEN, A.WRITE_OWN_RECORD, False),
        (BEN, A.READ_ACCESS_LOG, False),
        (CLARA, A.READ_RECORD, True),
        (CLARA, A.ADJUST_DOSE, True),
        (CLARA, A.CLEAR_RED_FLAG, True),
        (CLARA, A.WRITE_PRIVATE_NOTES, True),
        (CLARA, A.WRITE_OWN_RECORD, False),
        (DAN, A.READ_RECORD, False),
        (DAN, A.ADJUST_DOSE, False),
        (DAN, A.READ_ACCESS_LOG, False),
        (EVE, A.READ_RECORD, True),
        (EVE, A.READ_ACCESS_LOG, True),
        (EVE, A.READ_PRIVATE_NOTES, True),
        (EVE, A.ADJUST_DOSE, False),
        (EVE, A.WRITE_PRIVATE_NOTES, False),
        (EVE, A.WRITE_OWN_RECORD, False),
    ],
)
def test_decisions_about_one_clients_record(actor: Actor, action: Action, expected: bool) -> None:
    assert decide(actor, action, ANNAS_RECORD) is expected


CLIENT_ACTIONS = sorted(CLIENT_ACTIONS_SET)
TREATING = [A.PRESCRIBE, A.ADJUST_DOSE, A.CLEAR_RED_FLAG, A.ACKNOWLEDGE_ALERT]


@pytest.mark.parametrize("actor", [ANNA, BEN, CLARA, DAN])
@pytest.mark.parametrize("action", CLIENT_ACTIONS)
def test_not_yours_and_not_there_get_the_same_answer(actor: Actor, action: Action) -> None:
    """Deciding on someone else's client and on a missing one must be indistinguishable."""
    someone_elses = ClientFacts(client_id=777, clinician_ids=frozenset({999}))
    assert decide(actor, action, someone_elses) is False
    assert decide(actor, action, None) is False


@pytest.mark.parametrize("action", [*TREATING, A.WRITE_PRIVATE_NOTES, A.WRITE_OWN_RECORD])
def test_an_admin_treats_no_one_outside_their_caseload_existing_or_not(action: Action) -> None:
    someone_elses = ClientFacts(client_id=777, clinician_ids=frozenset({999}))
    assert decide(EVE, action, someone_elses) is False
    assert decide(EVE, action, None) is False


@pytest.mark.parametrize("action", CLIENT_ACTIONS)
def test_an_admin_reading_a_client_that_is_not_there_is_denied(action: Action) -> None:
    assert decide(EVE, action, None) is False


@pytest.mark.parametrize(
    ("actor", "action", "expected"),
    [
        (CLARA, A.VIEW_CASELOAD, True),
        (EVE, A.VIEW_CASELOAD, True),
        (ANNA, A.VIEW_CASELOAD, False),
        (EVE, A.MANAGE_TEAM, True),
        (CLARA, A.MANAGE_TEAM, False),
        (ANNA, A.MANAGE_TEAM, False),
        (CLARA, A.MANAGE_TEMPLATES, True),
        (ANNA, A.MANAGE_TEMPLATES, False),
        (EVE, A.READ_PRACTICE_ACCESS_LOG, True),
        (CLARA, A.READ_PRACTICE_ACCESS_LOG, False),
        (ANNA, A.MANAGE_OWN_ACCOUNT, True),
        (CLARA, A.MANAGE_OWN_ACCOUNT, True),
        (EVE, A.MANAGE_OWN_ACCOUNT, True),
    ],
)
def test_decisions_that_name_no_client(actor: Actor, action: Action, expected: bool) -> None:
    assert decide(actor, action) is expected


@pytest.mark.parametrize("action", [A.VIEW_CASELOAD, A.MANAGE_TEAM, A.MANAGE_OWN_ACCOUNT])
def test_a_practice_action_that_names_a_client_is_denied(action: Action) -> None:
    assert decide(EVE, action, ANNAS_RECORD) is False


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_a_disabled_user_may_do_nothing(role: Role, action: Action) -> None:
    disabled = Actor(user_id=20, role=role, person_id=100, active=False)
    assert decide(disabled, action, ANNAS_RECORD) is False
    assert decide(disabled, action, None) is False


@pytest.mark.parametrize(
    ("actor", "action", "logged"),
    [
        (ANNA, A.READ_RECORD, False),  # a client reading their own record
        (ANNA, A.READ_ACCESS_LOG, False),
        (ANNA, A.WRITE_OWN_RECORD, True),  # every write by anyone
        (ANNA, A.MANAGE_OWN_ACCOUNT, True),
        (CLARA, A.READ_RECORD, True),  # every read of a record by staff
        (CLARA, A.READ_PRIVATE_NOTES, True),
        (CLARA, A.READ_ACCESS_LOG, True),
        (EVE, A.READ_RECORD, True),
        (CLARA, A.ADJUST_DOSE, True),
        (EVE, A.MANAGE_TEAM, True),
        (CLARA, A.VIEW_CASELOAD, False),  # the list itself, not a record
        (EVE, A.READ_PRACTICE_ACCESS_LOG, False),
    ],
)
def test_what_goes_to_the_access_log(actor: Actor, action: Action, logged: bool) -> None:
    assert must_log(actor, action) is logged
