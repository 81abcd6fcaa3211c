"""The clinic's account tables (store/accounts.py, logins.py, access_log.py), on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from supple.accounts import recovery, tokens
from supple.core.access import ClientFacts, Role
from supple.core.errors import InputError, NotFound
from supple.core.login_rules import ACCOUNT_RULE, Failures, SessionState, session_state
from supple.store import (
    access_log,
    accounts,
    api_tokens,
    invites,
    logins,
    profiles,
    second_factors,
    throttle,
)
from supple.store.accounts import AccountExists
from supple.store.clinic_schema import ACCOUNT_TABLES
from supple.store.database import DatabaseError, Store

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
MIN, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def _staff(store: Store, email: str, role: Role = Role.CLINICIAN) -> accounts.User:
    return accounts.create_user(store, email=email, name=None, role=role, now=T0)


def test_a_database_holds_one_practice(any_store: Store) -> None:
    assert accounts.get_practice(any_store) is None
    accounts.create_practice(any_store, "Riverside Physio", T0)
    assert accounts.get_practice(any_store) == accounts.Practice("Riverside Physio", T0)
    with pytest.raises(InputError, match="already holds a practice"):
        accounts.create_practice(any_store, "Another", T0)


def test_a_client_user_comes_with_the_person_their_data_hangs_off(any_store: Store) -> None:
    client = accounts.create_user(
        any_store, email="anna@example.org", name="Anna Berg", role=Role.CLIENT, now=T0
    )
    assert client.person_id is not None
    assert profiles.local_person(any_store) == client.person_id
    staff = _staff(any_store, "clara@example.org")
    assert staff.person_id is None
    assert accounts.get_user(any_store, client.id) == client


@pytest.mark.parametrize("again", ["ANNA@example.org", " anna@EXAMPLE.org ", "anna@example.org"])
def test_an_email_is_unique_whatever_its_capitals(any_store: Store, again: str) -> None:
    _staff(any_store, "anna@example.org")
    with pytest.raises(AccountExists, match="already exists"):
        accounts.create_user(any_store, email=again, name=None, role=Role.CLIENT, now=T0)
    found = accounts.find_user(any_store, again)
    assert found is not None and found.email == "anna@example.org"


def test_a_failed_client_creation_leaves_no_orphan_person(any_store: Store) -> None:
    _staff(any_store, "anna@example.org")
    with pytest.raises(AccountExists):
        accounts.create_user(
            any_store, email="ANNA@example.org", name=None, role=Role.CLIENT, now=T0
        )
    assert profiles.local_person(any_store) is None


def test_an_unknown_email_is_not_found_with_a_message(any_store: Store) -> None:
    assert accounts.find_user(any_store, "nobody@example.org") is None
    with pytest.raises(NotFound, match=r"no user has the email nobody@example\.org"):
        accounts.require_user(any_store, "nobody@example.org")


def test_the_database_refuses_a_client_without_a_person_or_staff_with_one(
    any_store: Store,
) -> None:
    from supple.store.clinic_schema import users

    person = profiles.create_person(any_store, at=T0)
    rows: list[dict[str, str | int | None]] = [
        dict(email="a@x.org", email_key="a@x.org", role="client", person_id=None),
        dict(email="b@x.org", email_key="b@x.org", role="clinician", person_id=person),
        dict(email="c@x.org", email_key="c@x.org", role="owner", person_id=None),
    ]
    for row in rows:
        with pytest.raises(sa.exc.IntegrityError), any_store.write() as conn:
            conn.execute(users.insert().values(created_at=T0, active=True, **row))


def test_users_are_listed_staff_first_with_each_clients_clinicians(any_store: Store) -> None:
    admin = _staff(any_store, "eve@example.org", Role.ADMIN)
    clara = _staff(any_store, "clara@example.org")
    dan = _staff(any_store, "dan@example.org")
    anna = accounts.create_user(
        any_store, email="anna@example.org", name="Anna", role=Role.CLIENT, now=T0
    )
    ben = accounts.create_user(
        any_store, email="ben@example.org", name=None, role=Role.CLIENT, now=T0
    )
    assert anna.person_id is not None and ben.person_id is not None
    accounts.assign(any_store, anna.person_id, dan.id, T0)
    accounts.assign(any_store, anna.person_id, clara.id, T0)
    accounts.set_active(any_store, admin.id, False, T0)
    listing = accounts.list_users(any_store)
    assert [(u.email, u.role, u.client_id, u.clinician_emails, u.active) for u in listing] == [
        ("eve@example.org", Role.ADMIN, None, (), False),
        ("clara@example.org", Role.CLINICIAN, None, (), True),
        ("dan@example.org", Role.CLINICIAN, None, (), True),
        ("anna@example.org", Role.CLIENT, anna.person_id, (clara.email, dan.email), True),
        ("ben@example.org", Role.CLIENT, ben.person_id, (), True),
    ]  # fmt: skip


def test_client_facts_say_who_treats_a_client_and_nothing_about_others(
    any_store: Store,
) -> None:
    clara = _staff(any_store, "clara@example.org")
    anna = accounts.create_user(
        any_store, email="anna@example.org", name=None, role=Role.CLIENT, now=T0
    )
    assert anna.person_id is not None
    assert accounts.client_facts(any_store, anna.person_id) == ClientFacts(anna.person_id)
    assert accounts.assign(any_store, anna.person_id, clara.id, T0) is True
    assert accounts.assign(any_store, anna.person_id, clara.id, T0) is False
    assert accounts.client_facts(any_store, anna.person_id) == ClientFacts(
        anna.person_id, frozenset({clara.id})
    )
    assert accounts.caseload(any_store, clara.id) == [anna.person_id]
    assert accounts.unassign(any_store, anna.person_id, clara.id) is True
    assert accounts.caseload(any_store, clara.id) == []
    # Nobody, and a person without a client account, are both "not there".
    assert accounts.client_facts(any_store, 987654) is None
    assert accounts.client_facts(any_store, profiles.create_person(any_store, at=T0)) is None


def test_a_totp_step_is_accepted_once_and_never_an_older_one(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    second_factors.start_totp(any_store, clara.id, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert second_factors.confirm_totp(any_store, clara.id, 1000, T0) is True
    user = accounts.get_user(any_store, clara.id)
    assert user is not None and user.totp_enabled_at == T0 and user.totp_last_step == 1000
    assert second_factors.accept_totp_step(any_store, clara.id, 1000) is False
    assert second_factors.accept_totp_step(any_store, clara.id, 999) is False
    assert second_factors.accept_totp_step(any_store, clara.id, 1001) is True


def test_a_totp_step_raced_by_two_workers_is_accepted_by_one(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    second_factors.start_totp(any_store, clara.id, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    results: list[bool] = []

    def accept() -> None:
        results.append(second_factors.accept_totp_step(any_store, clara.id, 5))

    threads = [threading.Thread(target=accept) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]


def test_recovery_codes_work_once_and_a_new_set_replaces_the_old(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    first = recovery.new_codes()
    second_factors.replace_recovery_codes(any_store, clara.id, first.stored, T0)
    stored = second_factors.unused_recovery_codes(any_store, clara.id)
    assert len(stored) == 10
    code_id = recovery.find(first.shown[2], stored)
    assert code_id is not None
    assert second_factors.use_recovery_code(any_store, code_id, T0) is True
    assert second_factors.use_recovery_code(any_store, code_id, T0) is False
    left = second_factors.unused_recovery_codes(any_store, clara.id)
    assert len(left) == 9 and recovery.find(first.shown[2], left) is None
    second = recovery.new_codes()
    second_factors.replace_recovery_codes(any_store, clara.id, second.stored, T0)
    now_stored = second_factors.unused_recovery_codes(any_store, clara.id)
    assert recovery.find(first.shown[3], now_stored) is None
    assert recovery.find(second.shown[3], now_stored) is not None
    second_factors.reset_totp(any_store, clara.id)
    assert second_factors.unused_recovery_codes(any_store, clara.id) == []


def test_a_sign_in_is_found_by_its_hash_and_lives_by_the_rules(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    token = tokens.new_token()
    session = logins.start_session(
        any_store, clara, token.digest, T0, user_agent="Firefox " * 60, address="203.0.113.9"
    )
    found = logins.find_session(any_store, tokens.digest(token.value))
    assert found is not None
    stored, user = found
    assert user == clara and stored.id == session.id
    assert stored.user_agent is not None and len(stored.user_agent) == 300
    assert session_state(stored.times, user.role, T0 + 29 * MIN) is SessionState.ACTIVE
    logins.touch_session(any_store, session.id, user.role, stored.created_at, T0 + 29 * MIN)
    found = logins.find_session(any_store, token.digest)
    assert found is not None
    assert session_state(found[0].times, user.role, T0 + 58 * MIN) is SessionState.ACTIVE
    assert logins.find_session(any_store, tokens.new_token().digest) is None


def test_ending_sign_ins_one_all_or_all_but_this_one(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    ids = [logins.start_session(any_store, clara, tokens.new_token().digest, T0).id for _ in "abc"]
    assert [s.id for s in logins.live_sessions(any_store, clara.id, T0)] == ids[::-1]
    assert logins.end_session(any_store, ids[0], "logout", T0) is True
    assert logins.end_session(any_store, ids[0], "logout", T0) is False
    assert logins.end_sessions(any_store, clara.id, "others", T0, keep=ids[2]) == 1
    assert [s.id for s in logins.live_sessions(any_store, clara.id, T0)] == [ids[2]]


def test_live_sessions_leave_out_idle_and_expired_ones(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    anna = accounts.create_user(
        any_store, email="anna@example.org", name=None, role=Role.CLIENT, now=T0
    )
    logins.start_session(any_store, clara, tokens.new_token().digest, T0)
    logins.start_session(any_store, anna, tokens.new_token().digest, T0)
    assert len(logins.live_sessions(any_store, clara.id, T0 + 29 * MIN)) == 1
    assert logins.live_sessions(any_store, clara.id, T0 + 30 * MIN) == []
    assert len(logins.live_sessions(any_store, anna.id, T0 + 13 * DAY)) == 1
    assert logins.live_sessions(any_store, anna.id, T0 + 14 * DAY) == []


def test_disabling_a_user_ends_every_sign_in_of_theirs(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    dan = _staff(any_store, "dan@example.org")
    for user in (clara, clara, dan):
        logins.start_session(any_store, user, tokens.new_token().digest, T0)
    assert accounts.set_active(any_store, clara.id, False, T0 + MIN) == 2
    assert logins.live_sessions(any_store, clara.id, T0 + MIN) == []
    assert len(logins.live_sessions(any_store, dan.id, T0 + MIN)) == 1
    disabled = accounts.get_user(any_store, clara.id)
    assert disabled is not None and disabled.active is False
    assert accounts.set_active(any_store, clara.id, True, T0 + MIN) == 0


def test_api_tokens_are_found_until_revoked(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    laptop, script = tokens.new_api_token(), tokens.new_api_token()
    api_tokens.create(any_store, clara.id, laptop.digest, "laptop", T0)
    api_tokens.create(any_store, clara.id, script.digest, "script", T0)
    found = api_tokens.find(any_store, tokens.digest(laptop.value))
    assert found is not None and found[0].label == "laptop" and found[1] == clara
    api_tokens.touch(any_store, found[0].id, T0 + HOUR)
    assert api_tokens.list_for(any_store, clara.id)[0].last_used_at == T0 + HOUR
    assert api_tokens.revoke(any_store, clara.id, T0, label="laptop") == 1
    assert api_tokens.find(any_store, laptop.digest) is None
    assert api_tokens.find(any_store, script.digest) is not None
    assert api_tokens.revoke(any_store, clara.id, T0) == 1
    assert api_tokens.find(any_store, script.digest) is None


def test_an_invite_is_shown_without_being_used_then_used_once(any_store: Store) -> None:
    anna = accounts.create_user(
        any_store, email="anna@example.org", name=None, role=Role.CLIENT, now=T0
    )
    invite = tokens.new_token()
    expires = invites.create(any_store, anna.id, invite.digest, T0)
    assert expires == T0 + 7 * DAY
    for _ in range(2):  # a mail scanner's GET, then the person's
        assert invites.user_for(any_store, invite.digest, T0 + HOUR) == anna
    assert invites.use(any_store, invite.digest, T0 + HOUR) == anna.id
    assert invites.use(any_store, invite.digest, T0 + HOUR) is None
    assert invites.user_for(any_store, invite.digest, T0 + HOUR) is None


def test_an_expired_or_superseded_invite_is_refused(any_store: Store) -> None:
    anna = accounts.create_user(
        any_store, email="anna@example.org", name=None, role=Role.CLIENT, now=T0
    )
    old, new = tokens.new_token(), tokens.new_token()
    invites.create(any_store, anna.id, old.digest, T0)
    invites.create(any_store, anna.id, new.digest, T0 + MIN)
    assert invites.use(any_store, old.digest, T0 + HOUR) is None
    assert invites.user_for(any_store, new.digest, T0 + MIN + 7 * DAY) is None
    assert invites.use(any_store, new.digest, T0 + MIN + 7 * DAY) is None
    assert invites.use(any_store, tokens.new_token().digest, T0) is None


def test_the_throttle_counts_failures_per_key_in_the_database(any_store: Store) -> None:
    anna = throttle.key_for("account", "Anna@Example.org ")
    assert anna == throttle.key_for("account", "anna@example.org")
    assert anna != throttle.key_for("address", "anna@example.org")
    other = throttle.key_for("account", "ben@example.org")
    for n in range(5):
        state = throttle.record_failure(any_store, anna, "account", ACCOUNT_RULE, T0 + n * MIN)
    assert state == Failures(5, T0 + 4 * MIN)
    assert throttle.failures(any_store, anna) == state
    assert throttle.failures(any_store, other) == Failures()
    throttle.clear(any_store, anna)
    assert throttle.failures(any_store, anna) == Failures()


def test_the_throttle_forgets_after_a_quiet_spell_and_prunes_old_rows(any_store: Store) -> None:
    key = throttle.key_for("address", "203.0.113.9")
    throttle.record_failure(any_store, key, "address", ACCOUNT_RULE, T0)
    later = T0 + HOUR
    assert throttle.record_failure(any_store, key, "address", ACCOUNT_RULE, later) == Failures(
        1, later
    )
    assert throttle.prune(any_store, ACCOUNT_RULE, later + 29 * MIN) == 0
    assert throttle.prune(any_store, ACCOUNT_RULE, later + 30 * MIN) == 1
    assert throttle.failures(any_store, key) == Failures()


def test_workers_failing_at_once_are_all_counted(any_store: Store) -> None:
    key = throttle.key_for("account", "anna@example.org")

    def fail_five() -> None:
        for _ in range(5):
            throttle.record_failure(any_store, key, "account", ACCOUNT_RULE, T0)

    threads = [threading.Thread(target=fail_five) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.failures(any_store, key) == Failures(30, T0)


def test_the_access_log_reads_newest_first_by_client(any_store: Store) -> None:
    clara = _staff(any_store, "clara@example.org")
    for minute, person in ((0, 1), (1, 2), (2, 1)):
        access_log.append(
            any_store,
            at=T0 + minute * MIN,
            actor_user_id=clara.id,
            action="read_record",
            person_id=person,
            what=f"GET /clinic/clients/{person}",
            address="203.0.113.9",
        )
    access_log.append(
        any_store, at=T0 + 3 * MIN, actor_user_id=None, action="manage_team", person_id=None,
        what="supple clinic disable",
    )  # fmt: skip
    about_one = access_log.entries(any_store, person_id=1)
    assert [(e.at, e.actor_email, e.what) for e in about_one] == [
        (T0 + 2 * MIN, "clara@example.org", "GET /clinic/clients/1"),
        (T0, "clara@example.org", "GET /clinic/clients/1"),
    ]
    everything = access_log.entries(any_store)
    assert [e.actor_email for e in everything] == [None, *["clara@example.org"] * 3]
    assert len(access_log.entries(any_store, limit=2)) == 2


@pytest.mark.parametrize(
    "statement",
    ["UPDATE access_log SET what = 'nothing'", "DELETE FROM access_log"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_rewrite_the_access_log(any_store: Store, statement: str) -> None:
    access_log.append(
        any_store, at=T0, actor_user_id=None, action="read_record", person_id=1, what="GET /"
    )
    refused = pytest.raises((sa.exc.DBAPIError, DatabaseError), match="append-only")
    with refused, any_store.write() as conn:
        conn.execute(sa.text(statement))
    assert len(access_log.entries(any_store)) == 1


def test_no_token_code_or_password_is_stored_in_clear(any_store: Store) -> None:
    from supple.accounts.passwords import Passwords

    clara = _staff(any_store, "clara@example.org")
    secrets_shown: list[str] = []
    session, api, invite = tokens.new_token(), tokens.new_api_token(), tokens.new_token()
    logins.start_session(any_store, clara, session.digest, T0)
    api_tokens.create(any_store, clara.id, api.digest, "script", T0)
    invites.create(any_store, clara.id, invite.digest, T0)
    codes = recovery.new_codes()
    second_factors.replace_recovery_codes(any_store, clara.id, codes.stored, T0)
    password = "tulip orbit 42"
    hasher = Passwords(time_cost=1, memory_cost=1024, parallelism=1)
    accounts.set_password_hash(any_store, clara.id, hasher.hash(password))
    secrets_shown += [session.value, api.value, invite.value, password]
    secrets_shown += [*codes.shown, *(recovery.canonical(c) for c in codes.shown)]
    with any_store.read() as conn:
        dump = "\n".join(
            str(tuple(row))
            for table in ACCOUNT_TABLES
            for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
        )
    assert clara.email in dump  # the dump did read the tables
    for secret in secrets_shown:
        assert secret not in dump


def test_personal_mode_commands_do_not_build_the_clinic_tables() -> None:
    """`supple today` imports the schema on every start; the clinic's nine tables stay out."""
    import subprocess
    import sys

    code = (
        "import sys, supple.services; "
        "print(any(m in sys.modules for m in ('supple.store.clinic_schema', "
        "'supple.store.care_schema')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
