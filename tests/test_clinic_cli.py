"""`supple clinic …` and the operator's use cases behind it (services/clinic_accounts.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from supple.accounts import tokens
from supple.accounts.passwords import default_passwords
from supple.core.access import Role
from supple.core.errors import InputError
from supple.services import FixedClock, Scope, clinic_accounts
from supple.store import access_log, accounts, api_tokens, invites, logins
from supple.store.database import Store, open_store
from tests.conftest import Supple

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LINK = re.compile(r"^http://localhost:8765/invite/([A-Za-z0-9_-]{43})$", re.MULTILINE)


@pytest.fixture
def clinic(supple: Supple) -> Supple:
    result = supple("clinic", "init", "--name", "Riverside Physio", "--admin-email", "eve@ex.org")
    assert result.exit_code == 0, result.output
    result = supple("clinic", "add", "--role", "clinician", "--email", "clara@ex.org")
    assert result.exit_code == 0, result.output
    return supple


def _store(db_url: str) -> Store:
    return open_store(db_url)


def test_init_creates_the_practice_and_prints_the_admins_one_time_link(
    supple: Supple, db_url: str
) -> None:
    result = supple(
        "clinic", "init", "--name", " Riverside  Physio ", "--admin-email", "Eve@Example.org"
    )
    assert result.exit_code == 0, result.output
    assert "Created the practice 'Riverside Physio' with Eve@Example.org as its admin." in (
        result.output
    )
    match = LINK.search(result.output)
    assert match is not None
    store = _store(db_url)
    practice = accounts.get_practice(store)
    assert practice is not None and practice.name == "Riverside Physio"
    admin = invites.user_for(store, tokens.digest(match.group(1)), datetime.now(UTC))
    assert admin is not None and admin.role is Role.ADMIN and admin.email == "Eve@Example.org"
    assert admin.has_password is False


def test_init_takes_a_base_url_for_the_link(supple: Supple) -> None:
    result = supple(
        "clinic", "init", "--name", "R", "--admin-email", "e@ex.org",
        "--base-url", "https://clinic.example.org/",
    )  # fmt: skip
    assert re.search(r"^https://clinic\.example\.org/invite/\S{43}$", result.output, re.M)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "R", "--admin-email", "eve"], "'eve' is not an email address"),
        (["--name", "R", "--admin-email", "e ve@ex.org"], "is not an email address"),
        (["--name", "  ", "--admin-email", "e@ex.org"], "the practice's name is empty"),
        (["--name", "R", "--admin-email", "e@ex.org", "--base-url", "ftp://x"], "web address"),
        (["--name", "R", "--admin-email", "e@ex.org", "--base-url", "localhost"], "web address"),
    ],
)
def test_init_with_bad_input_says_what_in_one_line_and_exits_2(
    supple: Supple, args: list[str], message: str
) -> None:
    result = supple("clinic", "init", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_init_refuses_a_database_that_already_holds_a_clinic(clinic: Supple) -> None:
    result = clinic("clinic", "init", "--name", "Other", "--admin-email", "x@ex.org")
    assert result.exit_code == 2
    assert result.stderr == "error: this database already holds a clinic; use `supple clinic add`\n"


def test_init_refuses_a_database_used_in_personal_mode(started: Supple) -> None:
    result = started("clinic", "init", "--name", "R", "--admin-email", "e@ex.org")
    assert result.exit_code == 2
    assert "already holds a person's data (personal mode)" in result.stderr


def test_add_before_init_asks_for_init(supple: Supple) -> None:
    result = supple("clinic", "add", "--role", "clinician", "--email", "c@ex.org")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: this database holds no clinic yet; run `supple clinic init` first\n"
    )


def test_a_client_added_with_a_password_can_sign_in_and_is_on_the_caseload(
    clinic: Supple, db_url: str
) -> None:
    result = clinic(
        "clinic", "add", "--role", "client", "--email", "anna@ex.org", "--name", "Anna Berg",
        "--clinician", "CLARA@ex.org", "--password-stdin",
        input="tulip orbit 42\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added the client anna@ex.org (client id 1)." in result.output
    assert "invite" not in result.output.lower()
    store = _store(db_url)
    anna = accounts.require_user(store, "anna@ex.org")
    clara = accounts.require_user(store, "clara@ex.org")
    assert anna.name == "Anna Berg" and anna.person_id == 1
    assert default_passwords().verify("tulip orbit 42", anna.password_hash).ok
    assert accounts.caseload(store, clara.id) == [1]


def test_a_user_added_without_a_password_gets_an_invite(clinic: Supple, db_url: str) -> None:
    result = clinic("clinic", "add", "--role", "client", "--email", "ben@ex.org")
    assert result.exit_code == 0
    match = LINK.search(result.output)
    assert match is not None
    ben = invites.user_for(_store(db_url), tokens.digest(match.group(1)), datetime.now(UTC))
    assert ben is not None and ben.email == "ben@ex.org"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "client", "--email", "a@ex.org", "--password-stdin"], "password\n",
         "one of the most common ones"),
        (["--role", "client", "--email", "a@ex.org", "--password-stdin"], "short\n",
         "use at least 8"),
        (["--role", "client", "--email", "a@ex.org", "--password-stdin"], "", "no password"),
        (["--role", "client", "--email", "a@ex.org", "--clinician", "nobody@ex.org"], None,
         "no user has the email nobody@ex.org"),
        (["--role", "clinician", "--email", "d@ex.org", "--clinician", "clara@ex.org"], None,
         "--clinician is for clients"),
        (["--role", "client", "--email", "a@ex.org", "--clinician", "b@ex.org"], None,
         "b@ex.org is not an active clinician or admin"),
        (["--role", "client", "--email", "CLARA@ex.org"], None,
         "a user with the email CLARA@ex.org already exists"),
        (["--role", "client", "--email", "a@ex.org", "--name", "x" * 201], None,
         "the name has 201 characters"),
    ],
)  # fmt: skip
def test_add_with_bad_input_says_what_in_one_line_exits_2_and_adds_no_one(
    clinic: Supple, db_url: str, args: list[str], stdin: str | None, message: str
) -> None:
    assert clinic("clinic", "add", "--role", "client", "--email", "b@ex.org").exit_code == 0
    before = clinic_accounts.users_json(Scope.operator(_store(db_url)))
    result = clinic("clinic", "add", *args, input=stdin)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert clinic_accounts.users_json(Scope.operator(_store(db_url))) == before


def test_an_unknown_role_is_refused_by_the_option_itself(clinic: Supple) -> None:
    result = clinic("clinic", "add", "--role", "owner", "--email", "a@ex.org")
    assert result.exit_code == 2
    assert "'owner' is not one of 'admin', 'clinician', 'client'" in result.stderr


def test_users_json_has_the_shape_of_the_issue(clinic: Supple) -> None:
    clinic(
        "clinic", "add", "--role", "client", "--email", "anna@ex.org", "--name", "Anna",
        "--clinician", "clara@ex.org",
    )  # fmt: skip
    clinic("clinic", "add", "--role", "client", "--email", "ben@ex.org")
    clinic("clinic", "disable", "--email", "ben@ex.org")
    result = clinic("clinic", "users", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "users": [
            {"email": "eve@ex.org", "name": None, "role": "admin", "client_id": None,
             "clinician_email": None, "active": True},
            {"email": "clara@ex.org", "name": None, "role": "clinician", "client_id": None,
             "clinician_email": None, "active": True},
            {"email": "anna@ex.org", "name": "Anna", "role": "client", "client_id": 1,
             "clinician_email": "clara@ex.org", "active": True},
            {"email": "ben@ex.org", "name": None, "role": "client", "client_id": 2,
             "clinician_email": None, "active": False},
        ]
    }  # fmt: skip
    text = clinic("clinic", "users").output.splitlines()
    assert text[2] == "anna@ex.org  client  Anna  client id 1  clinician clara@ex.org"
    assert text[3] == "ben@ex.org  client  client id 2  disabled"


def test_users_on_an_empty_database_says_how_to_start(supple: Supple) -> None:
    assert "supple clinic init" in supple("clinic", "users").output
    assert json.loads(supple("clinic", "users", "--json").output) == {"users": []}


def test_disable_ends_every_sign_in_of_that_user(clinic: Supple, db_url: str) -> None:
    store = _store(db_url)
    clara = accounts.require_user(store, "clara@ex.org")
    now = datetime.now(UTC)
    for _ in range(2):
        logins.start_session(store, clara, tokens.new_token().digest, now)
    result = clinic("clinic", "disable", "--email", "Clara@EX.org")
    assert result.output == "Disabled clara@ex.org; ended 2 sign-ins.\n"
    assert logins.live_sessions(store, clara.id, datetime.now(UTC)) == []
    again = clinic("clinic", "disable", "--email", "clara@ex.org")
    assert again.exit_code == 2 and again.stderr == "error: clara@ex.org is already disabled\n"
    unknown = clinic("clinic", "disable", "--email", "zed@ex.org")
    assert unknown.exit_code == 2 and "no user has the email zed@ex.org" in unknown.stderr


def test_a_token_is_printed_once_and_only_its_hash_is_kept(clinic: Supple, db_url: str) -> None:
    result = clinic("clinic", "token", "create", "--email", "clara@ex.org", "--name", "export")
    assert result.exit_code == 0
    value = result.stdout.strip()
    assert value.startswith("supple_pat_") and "cannot show it again" in result.stderr
    store = _store(db_url)
    found = api_tokens.find(store, tokens.digest(value))
    assert found is not None and found[0].label == "export" and found[1].email == "clara@ex.org"
    other = clinic("clinic", "token", "create", "--email", "clara@ex.org").stdout.strip()
    assert other != value
    none_named = clinic("clinic", "token", "revoke", "--email", "clara@ex.org", "--name", "x")
    assert none_named.exit_code == 2
    assert none_named.stderr == "error: clara@ex.org has no live token named 'x' to revoke\n"
    revoked = clinic("clinic", "token", "revoke", "--email", "clara@ex.org", "--name", "export")
    assert revoked.output == "Revoked 1 token of clara@ex.org.\n"
    assert api_tokens.find(store, tokens.digest(value)) is None
    assert api_tokens.find(store, tokens.digest(other)) is not None
    assert clinic("clinic", "token", "revoke", "--email", "clara@ex.org").exit_code == 0
    assert api_tokens.find(store, tokens.digest(other)) is None


def test_a_disabled_user_gets_no_new_token(clinic: Supple) -> None:
    clinic("clinic", "disable", "--email", "clara@ex.org")
    result = clinic("clinic", "token", "create", "--email", "clara@ex.org")
    assert result.exit_code == 2 and "clara@ex.org is disabled" in result.stderr
    assert result.stdout == ""


def test_every_operator_change_is_in_the_access_log(clinic: Supple, db_url: str) -> None:
    clinic("clinic", "add", "--role", "client", "--email", "anna@ex.org")
    clinic("clinic", "token", "create", "--email", "anna@ex.org")
    clinic("clinic", "disable", "--email", "anna@ex.org")
    entries = access_log.entries(_store(db_url))
    assert [(e.what, e.person_id, e.actor_user_id) for e in entries] == [
        ("supple clinic disable", 1, None),
        ("supple clinic token create", 1, None),
        ("supple clinic add --role client", 1, None),
        ("supple clinic add --role clinician", None, None),
        ("supple clinic init", None, None),
    ]


def test_the_operations_work_the_same_on_postgresql(any_store: Store) -> None:
    operator = Scope.operator(any_store, FixedClock(T0))
    created = clinic_accounts.init_clinic(
        operator, name="Riverside", admin_email="eve@ex.org", base_url="https://c.org"
    )
    assert created.practice.name == "Riverside" and created.admin.role is Role.ADMIN
    assert created.invite.url.startswith("https://c.org/invite/")
    assert created.invite.url.split("/")[-1] not in repr(created.invite)
    clinic_accounts.add_user(
        operator, role=Role.CLINICIAN, email="clara@ex.org", name=None,
        base_url="https://c.org",
    )  # fmt: skip
    client = clinic_accounts.add_user(
        operator, role=Role.CLIENT, email="anna@ex.org", name="Anna",
        base_url="https://c.org", clinician_email="clara@ex.org",
    )  # fmt: skip
    assert [u["clinician_email"] for u in clinic_accounts.users_json(operator)["users"]] == [
        None, None, "clara@ex.org",
    ]  # fmt: skip
    value = clinic_accounts.create_token(operator, email="anna@ex.org", label=None)
    found = api_tokens.find(any_store, tokens.digest(value))
    assert found is not None and found[0].label == "personal token"
    user, ended = clinic_accounts.disable(operator, email="anna@ex.org")
    assert user.id == client.user.id and ended == 0
    with pytest.raises(InputError, match="already holds a clinic"):
        clinic_accounts.init_clinic(
            operator, name="Again", admin_email="x@ex.org", base_url="https://c.org"
        )


def test_an_operator_moves_a_client_to_another_clinician_and_ends_sign_ins(
    clinic: Supple, db_url: str
) -> None:
    clinic("clinic", "add", "--role", "clinician", "--email", "bo@ex.org")
    clinic(
        "clinic", "add", "--role", "client", "--email", "anna@ex.org", "--clinician", "clara@ex.org"
    )
    moved = clinic("clinic", "assign", "--email", "anna@ex.org", "--clinician", "bo@ex.org")
    assert moved.output == "anna@ex.org is now on bo@ex.org's caseload.\n"
    listed = json.loads(clinic("clinic", "users", "--json").stdout)["users"]
    assert [u["clinician_email"] for u in listed if u["email"] == "anna@ex.org"] == ["bo@ex.org"]
    refused = clinic("clinic", "assign", "--email", "bo@ex.org", "--clinician", "clara@ex.org")
    assert refused.exit_code == 2 and "bo@ex.org is not a client" in refused.stderr
    ended = clinic("clinic", "end-sign-ins", "--email", "anna@ex.org")
    assert ended.output == "Ended 0 sign-ins of anna@ex.org; they can sign in again.\n"
    clinic("clinic", "disable", "--email", "anna@ex.org")
    enabled = clinic("clinic", "enable", "--email", "anna@ex.org")
    assert enabled.output == "Enabled anna@ex.org; they sign in with their password.\n"
    whats = [e.what for e in access_log.entries(_store(db_url), limit=4)]
    assert whats == [
        "supple clinic enable",
        "supple clinic disable",
        "supple clinic end-sign-ins",
        "supple clinic assign --clinician bo@ex.org",
    ]
