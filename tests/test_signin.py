"""Signing in and out, second factors, invites, and resolving who asks (services/signin.py),
on SQLite and PostgreSQL, against a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from supple.accounts import tokens, totp
from supple.accounts.passwords import Passwords, WeakPassword
from supple.core.access import Actor, Role
from supple.core.errors import InputError
from supple.services import signin
from supple.store import accounts, api_tokens, invites, logins, throttle
from supple.store.database import Store

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
MIN, HOUR = timedelta(minutes=1), timedelta(hours=1)
CHEAP = Passwords(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "tulip orbit 42"
ADDRESS = "203.0.113.9"
SEEDS = signin.SeedBox(b"test server secret, 32 bytes or more")


def _user(store: Store, email: str, role: Role, password: str | None = PASSWORD) -> accounts.User:
    user = accounts.create_user(store, email=email, name=None, role=role, now=T0)
    if password is not None:
        accounts.set_password_hash(store, user.id, CHEAP.hash(password))
    return user


def _second(store: Store, resolved: signin.Resolved, code: str, now: datetime) -> signin.SignIn:
    return signin.second_factor(store, resolved, code, now, seeds=SEEDS)


def _sign_in(
    store: Store, email: str, password: str = PASSWORD, now: datetime = T0
) -> signin.SignIn:
    return signin.sign_in(store, email, password, now, address=ADDRESS, passwords=CHEAP)


def test_a_client_signs_in_and_is_resolved_from_the_cookie_value(any_store: Store) -> None:
    anna = _user(any_store, "anna@ex.org", Role.CLIENT)
    result = _sign_in(any_store, "ANNA@ex.org")
    assert result.outcome is signin.Outcome.SIGNED_IN and result.token is not None
    assert result.needs_second_factor is False
    assert result.token not in repr(result)
    resolved = signin.resolve(any_store, result.token, T0 + MIN)
    assert resolved is not None
    assert resolved.actor == Actor(anna.id, Role.CLIENT, anna.person_id)
    assert resolved.needs_second_factor is False


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("anna@ex.org", "tulip orbit 43"),  # wrong password
        ("nobody@ex.org", PASSWORD),  # no such account
        ("ben@ex.org", PASSWORD),  # disabled
        ("carl@ex.org", PASSWORD),  # invited, no password yet
    ],
)
def test_every_failed_sign_in_gets_the_same_answer(
    any_store: Store, email: str, password: str
) -> None:
    _user(any_store, "anna@ex.org", Role.CLIENT)
    ben = _user(any_store, "ben@ex.org", Role.CLIENT)
    accounts.set_active(any_store, ben.id, False, T0)
    _user(any_store, "carl@ex.org", Role.CLIENT, password=None)
    result = _sign_in(any_store, email, password)
    assert result == signin.SignIn(signin.Outcome.REFUSED)
    account = throttle.failures(any_store, throttle.key_for("account", email))
    address = throttle.failures(any_store, throttle.key_for("address", ADDRESS))
    assert account.count == 1 and address.count == 1


def test_five_failures_throttle_the_account_before_any_password_work(any_store: Store) -> None:
    _user(any_store, "anna@ex.org", Role.CLIENT)
    for n in range(5):
        assert _sign_in(any_store, "anna@ex.org", "wrong one!", T0 + n * MIN).outcome == "refused"
    now = T0 + 4 * MIN + timedelta(seconds=10)
    throttled = _sign_in(any_store, "anna@ex.org", PASSWORD, now)
    assert throttled.outcome is signin.Outcome.THROTTLED
    assert throttled.retry_after == timedelta(seconds=20)
    assert throttled.token is None
    later = _sign_in(any_store, "anna@ex.org", PASSWORD, T0 + 5 * MIN)
    assert later.outcome is signin.Outcome.SIGNED_IN
    # The account's failures are forgotten; the address's are not.
    assert throttle.failures(any_store, throttle.key_for("account", "anna@ex.org")).count == 0
    assert throttle.failures(any_store, throttle.key_for("address", ADDRESS)).count == 5


def test_an_account_that_does_not_exist_is_throttled_the_same_way(any_store: Store) -> None:
    for _ in range(5):
        _sign_in(any_store, "nobody@ex.org", "guess guess")
    assert _sign_in(any_store, "nobody@ex.org", "guess guess").outcome == "throttled"


def test_a_stored_hash_with_old_settings_is_upgraded_at_sign_in(any_store: Store) -> None:
    anna = _user(any_store, "anna@ex.org", Role.CLIENT)
    stronger = Passwords(time_cost=2, memory_cost=2048, parallelism=1)
    result = signin.sign_in(any_store, "anna@ex.org", PASSWORD, T0, passwords=stronger)
    assert result.outcome is signin.Outcome.SIGNED_IN
    upgraded = accounts.get_user(any_store, anna.id)
    assert upgraded is not None and upgraded.password_hash is not None
    assert "$m=2048,t=2,p=1$" in upgraded.password_hash


@pytest.mark.parametrize(
    ("later", "role", "alive"),
    [
        (29 * MIN, Role.CLIENT, True),
        (29 * MIN, Role.CLINICIAN, True),
        (31 * MIN, Role.CLINICIAN, False),  # staff: 30 minutes idle
        (31 * MIN, Role.CLIENT, True),
        (15 * 24 * HOUR, Role.CLIENT, False),  # clients: 14 days idle
    ],
)
def test_a_sign_in_left_idle_stops_resolving(
    any_store: Store, later: timedelta, role: Role, alive: bool
) -> None:
    _user(any_store, "u@ex.org", role)
    token = _sign_in(any_store, "u@ex.org").token
    assert token is not None
    assert (signin.resolve(any_store, token, T0 + later) is not None) is alive


def test_using_a_sign_in_keeps_it_alive_until_its_absolute_limit(any_store: Store) -> None:
    _user(any_store, "clara@ex.org", Role.CLINICIAN)
    token = _sign_in(any_store, "clara@ex.org").token
    assert token is not None
    for quarter in range(1, 48):  # every 15 minutes for 11 h 45
        assert signin.resolve(any_store, token, T0 + quarter * 15 * MIN) is not None
    assert signin.resolve(any_store, token, T0 + 12 * HOUR) is None


def test_signing_out_or_being_disabled_ends_the_sign_in(any_store: Store) -> None:
    anna = _user(any_store, "anna@ex.org", Role.CLIENT)
    first, second = _sign_in(any_store, "anna@ex.org").token, _sign_in(any_store, "anna@ex.org")
    assert first is not None and second.token is not None
    assert signin.sign_out(any_store, first, T0 + MIN) is True
    assert signin.sign_out(any_store, first, T0 + MIN) is False
    assert signin.resolve(any_store, first, T0 + MIN) is None
    assert signin.resolve(any_store, second.token, T0 + MIN) is not None
    accounts.set_active(any_store, anna.id, False, T0 + 2 * MIN)
    assert signin.resolve(any_store, second.token, T0 + 2 * MIN) is None
    assert signin.resolve(any_store, "made-up", T0) is None


def _enrolled(store: Store, email: str = "clara@ex.org") -> tuple[signin.Resolved, str]:
    """A clinician who signed in and enrolled TOTP at T0; returns the sign-in and the seed."""
    _user(store, email, Role.CLINICIAN)
    token = _sign_in(store, email).token
    assert token is not None
    resolved = signin.resolve(store, token, T0)
    assert resolved is not None and resolved.needs_second_factor
    enrolment = signin.begin_enrolment(store, resolved.user, "Riverside Physio", seeds=SEEDS)
    code = totp.code_at(enrolment.secret, totp.step_at(T0))
    codes = signin.finish_enrolment(store, resolved, code, T0, seeds=SEEDS)
    assert codes is not None and len(codes.shown) == 10
    return resolved, enrolment.secret


def test_staff_enrol_totp_at_first_sign_in_and_then_pass_the_second_factor(
    any_store: Store,
) -> None:
    resolved, secret = _enrolled(any_store)
    # The enrolling sign-in passed its second factor with that first code.
    session = logins.live_sessions(any_store, resolved.user.id, T0)[0]
    assert session.second_factor_at == T0
    # The next sign-in asks for a code again, and a fresh code lets it through.
    later = T0 + HOUR
    token = _sign_in(any_store, "clara@ex.org", now=later).token
    assert token is not None
    again = signin.resolve(any_store, token, later)
    assert again is not None and again.needs_second_factor
    code = totp.code_at(secret, totp.step_at(later))
    assert _second(any_store, again, code, later).outcome == "signed_in"
    passed = signin.resolve(any_store, token, later + MIN)
    assert passed is not None and passed.needs_second_factor is False


def test_a_wrong_enrolment_code_turns_nothing_on(any_store: Store) -> None:
    _user(any_store, "clara@ex.org", Role.CLINICIAN)
    token = _sign_in(any_store, "clara@ex.org").token
    assert token is not None
    resolved = signin.resolve(any_store, token, T0)
    assert resolved is not None
    enrolment = signin.begin_enrolment(any_store, resolved.user, "Riverside Physio", seeds=SEEDS)
    wrong = totp.code_at(enrolment.secret, totp.step_at(T0) + 5)
    assert signin.finish_enrolment(any_store, resolved, wrong, T0, seeds=SEEDS) is None
    user = accounts.get_user(any_store, resolved.user.id)
    assert user is not None and user.totp_enabled_at is None
    still = signin.resolve(any_store, token, T0)
    assert still is not None and still.needs_second_factor


def test_a_replayed_totp_code_is_refused(any_store: Store) -> None:
    _, secret = _enrolled(any_store)
    later = T0 + HOUR
    code = totp.code_at(secret, totp.step_at(later))
    tokens_ = [_sign_in(any_store, "clara@ex.org", now=later).token for _ in range(2)]
    first, second = (signin.resolve(any_store, t or "", later) for t in tokens_)
    assert first is not None and second is not None
    assert _second(any_store, first, code, later).outcome == "signed_in"
    assert _second(any_store, second, code, later).outcome == "refused"
    # The enrolment code (step of T0) is older still.
    enrol_code = totp.code_at(secret, totp.step_at(T0))
    assert _second(any_store, second, enrol_code, later).outcome == "refused"


def test_a_recovery_code_passes_the_second_factor_once(any_store: Store) -> None:
    _user(any_store, "clara@ex.org", Role.CLINICIAN)
    token = _sign_in(any_store, "clara@ex.org").token or ""
    resolved = signin.resolve(any_store, token, T0)
    assert resolved is not None
    enrolment = signin.begin_enrolment(any_store, resolved.user, "P", seeds=SEEDS)
    codes = signin.finish_enrolment(
        any_store, resolved, totp.code_at(enrolment.secret, totp.step_at(T0)), T0, seeds=SEEDS
    )
    assert codes is not None
    later = T0 + HOUR
    one, two = (
        signin.resolve(any_store, _sign_in(any_store, "clara@ex.org", now=later).token or "", later)
        for _ in range(2)
    )  # fmt: skip
    assert one is not None and two is not None
    assert _second(any_store, one, codes.shown[0].upper(), later).outcome == ("signed_in")
    assert _second(any_store, two, codes.shown[0], later).outcome == "refused"
    assert _second(any_store, two, codes.shown[1], later).outcome == "signed_in"


def test_wrong_second_factor_codes_are_throttled_like_passwords(any_store: Store) -> None:
    resolved, _ = _enrolled(any_store)
    later = T0 + HOUR
    for _ in range(5):
        assert _second(any_store, resolved, "000000", later).outcome == "refused"
    assert _second(any_store, resolved, "000000", later).outcome == "throttled"


def test_a_client_never_needs_a_second_factor(any_store: Store) -> None:
    _user(any_store, "anna@ex.org", Role.CLIENT)
    token = _sign_in(any_store, "anna@ex.org").token or ""
    resolved = signin.resolve(any_store, token, T0)
    assert resolved is not None and resolved.needs_second_factor is False
    assert _second(any_store, resolved, "123456", T0).outcome == "refused"


def test_an_invite_sets_the_password_once(any_store: Store) -> None:
    carl = _user(any_store, "carl@ex.org", Role.CLIENT, password=None)
    invite = tokens.new_token()
    invites.create(any_store, carl.id, invite.digest, T0)
    with pytest.raises(WeakPassword, match="most common"):
        signin.accept_invite(any_store, invite.value, "password1", T0, passwords=CHEAP)
    user = signin.accept_invite(any_store, invite.value, "stretch every morning", T0 + MIN,
                                passwords=CHEAP)  # fmt: skip
    assert user.id == carl.id
    assert _sign_in(any_store, "carl@ex.org", "stretch every morning").outcome == "signed_in"
    with pytest.raises(InputError, match="not valid any more"):
        signin.accept_invite(any_store, invite.value, "another good one", T0, passwords=CHEAP)
    with pytest.raises(InputError, match="not valid any more"):
        signin.accept_invite(any_store, "made-up", "another good one", T0, passwords=CHEAP)


def test_an_api_token_resolves_to_its_user_until_revoked_or_disabled(any_store: Store) -> None:
    clara = _user(any_store, "clara@ex.org", Role.CLINICIAN)
    token = tokens.new_api_token()
    api_tokens.create(any_store, clara.id, token.digest, "script", T0)
    assert signin.resolve_api_token(any_store, token.value, T0) == Actor(clara.id, Role.CLINICIAN)
    assert api_tokens.list_for(any_store, clara.id)[0].last_used_at == T0
    signin.resolve_api_token(any_store, token.value, T0 + timedelta(seconds=30))
    assert api_tokens.list_for(any_store, clara.id)[0].last_used_at == T0
    accounts.set_active(any_store, clara.id, False, T0)
    assert signin.resolve_api_token(any_store, token.value, T0) is None
    accounts.set_active(any_store, clara.id, True, T0)
    api_tokens.revoke(any_store, clara.id, T0)
    assert signin.resolve_api_token(any_store, token.value, T0) is None
    assert signin.resolve_api_token(any_store, "supple_pat_made_up", T0) is None


def test_the_totp_seed_is_stored_sealed_and_opens_for_its_own_user_only(any_store: Store) -> None:
    from supple.accounts.sealing import SealError

    resolved, secret = _enrolled(any_store)
    stored = accounts.get_user(any_store, resolved.user.id)
    assert stored is not None and stored.totp_secret is not None
    assert stored.totp_secret.startswith("s1:") and secret not in stored.totp_secret
    assert len(stored.totp_secret) <= 64  # fits the column as it is
    assert SEEDS.open(resolved.user.id, stored.totp_secret) == secret
    with pytest.raises(SealError):
        SEEDS.open(resolved.user.id + 1, stored.totp_secret)
    with pytest.raises(SealError):
        signin.SeedBox(b"another server's secret").open(resolved.user.id, stored.totp_secret)


def test_a_seed_stored_in_clear_before_sealing_still_works(any_store: Store) -> None:
    from supple.store import second_factors

    staff = _user(any_store, "old@ex.org", Role.ADMIN)
    secret = totp.new_secret()
    second_factors.start_totp(any_store, staff.id, secret)
    step = totp.step_at(T0)
    assert second_factors.confirm_totp(any_store, staff.id, step, T0)
    later = T0 + HOUR
    resolved = signin.resolve(
        any_store, _sign_in(any_store, "old@ex.org", now=later).token or "", later
    )
    assert resolved is not None
    code = totp.code_at(secret, totp.step_at(later))
    assert _second(any_store, resolved, code, later).outcome == "signed_in"
