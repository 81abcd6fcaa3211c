"""Signing in and out, and knowing who is asking: the use cases the clinic's login pages, its
request guard and its API will call. Each takes the store and ``now`` explicitly rather than a
``Scope``: until a sign-in is resolved there is no actor to scope by, and resolving one is what
these do. None touches the web.

Signing in (OWASP ASVS 4.0.3 V2.2.1, V3.2.1):

1. The account (the email as typed) and the network address are each checked against the
   throttle (``core.login_rules``); a throttled attempt is refused before any password work.
2. The password is checked with the same Argon2 work whether or not the account exists, is
   disabled or has no password yet; every such failure looks the same to the caller
   (``REFUSED``) and counts against both keys.
3. On success the account's failures are forgotten, an outdated hash is replaced, and a new
   sign-in (a new random id) begins. A staff sign-in must then pass its second factor: until
   it does, ``resolve`` reports ``needs_second_factor`` and the web lets it do nothing else
   (enrolling TOTP on first sign-in, or typing a code).

The second factor is a TOTP code (replays refused) or one of the recovery codes; failures count
against the account's throttle like wrong passwords. TOTP seeds are stored sealed with the
server's key (``accounts.sealing``): every use case that writes or reads one takes the
``SeedBox``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from supple.accounts import recovery, tokens, totp
from supple.accounts.passwords import Passwords, check_policy, default_passwords
from supple.accounts.sealing import SeedBox as SeedBox
from supple.core.access import STAFF, Actor
from supple.core.errors import InputError
from supple.core.login_rules import (
    ACCOUNT_RULE,
    ADDRESS_RULE,
    SessionState,
    needs_touch,
    retry_after,
    session_state,
)
from supple.store import accounts, api_tokens, invites, logins, second_factors, throttle
from supple.store.accounts import User as User  # re-exported: the web names a sign-in's user
from supple.store.database import Store


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    REFUSED = "refused"  # wrong email or password, or a disabled account: one answer for all
    THROTTLED = "throttled"  # too many failures lately; try again after ``retry_after``


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    token: str | None = None  # the new sign-in's id, for the cookie; shown once
    user: User | None = None
    retry_after: timedelta = timedelta(0)
    needs_second_factor: bool = False

    def __repr__(self) -> str:
        return f"SignIn({self.outcome.value}, retry_after={self.retry_after})"


@dataclass(frozen=True)
class Resolved:
    """Who a request's sign-in belongs to."""

    actor: Actor
    user: User
    session_id: int
    needs_second_factor: bool  # a staff sign-in that has not passed TOTP yet


def _wait(store: Store, email: str, address: str | None, now: datetime) -> timedelta:
    account = throttle.failures(store, throttle.key_for("account", email))
    waits = [retry_after(account, ACCOUNT_RULE, now)]
    if address:
        key = throttle.key_for("address", address)
        waits.append(retry_after(throttle.failures(store, key), ADDRESS_RULE, now))
    return max(waits)


def _fail(store: Store, email: str, address: str | None, now: datetime) -> None:
    throttle.record_failure(store, throttle.key_for("account", email), "account", ACCOUNT_RULE, now)
    if address:
        key = throttle.key_for("address", address)
        throttle.record_failure(store, key, "address", ADDRESS_RULE, now)


def needs_second_factor(user: User, session: logins.LoginSession) -> bool:
    return user.role in STAFF and session.second_factor_at is None


def sign_in(
    store: Store,
    email: str,
    password: str,
    now: datetime,
    *,
    address: str | None = None,
    user_agent: str | None = None,
    passwords: Passwords | None = None,
) -> SignIn:
    passwords = passwords or default_passwords()
    wait = _wait(store, email, address, now)
    if wait > timedelta(0):
        return SignIn(Outcome.THROTTLED, retry_after=wait)
    user = accounts.find_user(store, email)
    stored = user.password_hash if user is not None and user.active else None
    verdict = passwords.verify(password, stored)
    if user is None or not verdict.ok:
        _fail(store, email, address, now)
        return SignIn(Outcome.REFUSED)
    throttle.clear(store, throttle.key_for("account", email))
    if verdict.new_hash is not None:
        accounts.set_password_hash(store, user.id, verdict.new_hash)
    token = tokens.new_token()
    session = logins.start_session(
        store, user, token.digest, now, user_agent=user_agent, address=address
    )
    return SignIn(
        Outcome.SIGNED_IN,
        token=token.value,
        user=user,
        needs_second_factor=needs_second_factor(user, session),
    )


def resolve(store: Store, token: str, now: datetime) -> Resolved | None:
    """The signed-in user behind a sign-in id (a cookie's value), or None when it is unknown,
    ended, idle, expired, or its user is disabled. Notes the use at most once a minute."""
    found = logins.find_session(store, tokens.digest(token))
    if found is None:
        return None
    session, user = found
    if not user.active or session_state(session.times, user.role, now) is not SessionState.ACTIVE:
        return None
    if needs_touch(session.times, now):
        logins.touch_session(store, session.id, user.role, session.created_at, now)
    actor = Actor(user_id=user.id, role=user.role, person_id=user.person_id, active=True)
    return Resolved(actor, user, session.id, needs_second_factor(user, session))


def resolve_api_token(store: Store, token: str, now: datetime) -> Actor | None:
    """The user behind ``Authorization: Bearer <token>``, or None (unknown, revoked, disabled).
    Its last use is noted at most once a minute."""
    found = resolve_api_token_user(store, token, now)
    return None if found is None else found[0]


def resolve_api_token_user(store: Store, token: str, now: datetime) -> tuple[Actor, User] | None:
    """The same, with the user's row (the web's boundary needs both). The token's
    ``last_used_at`` is written at most once a minute per token, not on every request: a
    script posting events many times a minute costs one read each, not a read and a write."""
    found = api_tokens.find(store, tokens.digest(token))
    if found is None or not found[1].active:
        return None
    api_token, user = found
    if api_token.last_used_at is None or now - api_token.last_used_at >= timedelta(minutes=1):
        api_tokens.touch(store, api_token.id, now)
    return Actor(user_id=user.id, role=user.role, person_id=user.person_id, active=True), user


def begin_enrolment(store: Store, user: User, issuer: str, *, seeds: SeedBox) -> totp.Enrolment:
    """A new TOTP seed for a staff member's first sign-in (or after an admin reset it), stored
    sealed."""
    enrolment = totp.enrol(user.email, issuer)
    second_factors.start_totp(store, user.id, seeds.seal(user.id, enrolment.secret))
    return enrolment


def pending_enrolment(
    store: Store, resolved: Resolved, issuer: str, *, seeds: SeedBox
) -> totp.Enrolment | None:
    """The enrolment page's QR code: the seed started earlier and not yet confirmed (so a
    reload or a wrong code shows the same one), else a new one. None when two-factor is
    already on, or the user is no staff member."""
    user = accounts.get_user(store, resolved.user.id)
    if user is None or user.role not in STAFF or user.totp_enabled_at is not None:
        return None
    if user.totp_secret is not None:
        return totp.enrol(user.email, issuer, secret=seeds.open(user.id, user.totp_secret))
    return begin_enrolment(store, user, issuer, seeds=seeds)


def sign_in_invited(
    store: Store,
    user: User,
    now: datetime,
    *,
    address: str | None = None,
    user_agent: str | None = None,
) -> SignIn:
    """The sign-in that follows setting a password through an invite (the link proved the
    email, the form the password): a new sign-in id, as after ``sign_in``."""
    token = tokens.new_token()
    session = logins.start_session(
        store, user, token.digest, now, user_agent=user_agent, address=address
    )
    return SignIn(
        Outcome.SIGNED_IN,
        token=token.value,
        user=user,
        needs_second_factor=needs_second_factor(user, session),
    )


@dataclass(frozen=True)
class AccountView:
    """What the account page lists: the user's live sign-ins and their API tokens."""

    sign_ins: list[logins.LoginSession]
    tokens: list[api_tokens.ApiToken]
    current_session_id: int | None


def account_view(store: Store, user: User, session_id: int | None, now: datetime) -> AccountView:
    return AccountView(
        logins.live_sessions(store, user.id, now), api_tokens.list_for(store, user.id), session_id
    )


def end_other_sign_ins(store: Store, user: User, keep: int | None, now: datetime) -> int:
    """End every sign-in of ``user`` but the one asking ("sign out everywhere else")."""
    return logins.end_sessions(store, user.id, "ended_by_user", now, keep=keep)


def finish_enrolment(
    store: Store, resolved: Resolved, code: str, now: datetime, *, seeds: SeedBox
) -> recovery.RecoveryCodes | None:
    """Turn TOTP on with the first right code: the sign-in passes its second factor and ten new
    recovery codes are stored (returned to be shown once). None when the code is wrong."""
    user = accounts.get_user(store, resolved.user.id)
    if user is None or user.totp_secret is None or user.totp_enabled_at is not None:
        return None
    secret = seeds.open(user.id, user.totp_secret)
    step = totp.verify(secret, code, now, user.totp_last_step)
    if step is None or not second_factors.confirm_totp(store, user.id, step, now):
        _fail(store, user.email, None, now)
        return None
    logins.pass_second_factor(store, resolved.session_id, now)
    codes = recovery.new_codes()
    second_factors.replace_recovery_codes(store, user.id, codes.stored, now)
    return codes


def second_factor(
    store: Store,
    resolved: Resolved,
    code: str,
    now: datetime,
    *,
    seeds: SeedBox,
    address: str | None = None,
) -> SignIn:
    """Check a TOTP code (or a recovery code) for a signed-in staff member."""
    user = accounts.get_user(store, resolved.user.id)
    if user is None or user.totp_secret is None or user.totp_enabled_at is None:
        return SignIn(Outcome.REFUSED)
    wait = _wait(store, user.email, address, now)
    if wait > timedelta(0):
        return SignIn(Outcome.THROTTLED, retry_after=wait)
    accepted = False
    step = totp.verify(seeds.open(user.id, user.totp_secret), code, now, user.totp_last_step)
    if step is not None:
        accepted = second_factors.accept_totp_step(store, user.id, step)
    else:
        code_id = recovery.find(code, second_factors.unused_recovery_codes(store, user.id))
        accepted = code_id is not None and second_factors.use_recovery_code(store, code_id, now)
    if not accepted:
        _fail(store, user.email, address, now)
        return SignIn(Outcome.REFUSED)
    throttle.clear(store, throttle.key_for("account", user.email))
    logins.pass_second_factor(store, resolved.session_id, now)
    return SignIn(Outcome.SIGNED_IN, user=user)


def change_password(
    store: Store,
    resolved: Resolved,
    current: str,
    new: str,
    now: datetime,
    *,
    address: str | None = None,
    passwords: Passwords | None = None,
) -> SignIn:
    """A signed-in user changes their password (ASVS V2.1.5, V2.1.6): the current one is checked
    first (throttled, and failures counted, like a sign-in), then the new one against the
    policy (``WeakPassword`` says why). On success every other sign-in of the user ends
    (V3.3.3); the one asking stays."""
    passwords = passwords or default_passwords()
    user = accounts.get_user(store, resolved.user.id)
    if user is None or not user.active:
        return SignIn(Outcome.REFUSED)
    wait = _wait(store, user.email, address, now)
    if wait > timedelta(0):
        return SignIn(Outcome.THROTTLED, retry_after=wait)
    if not passwords.verify(current, user.password_hash).ok:
        _fail(store, user.email, address, now)
        return SignIn(Outcome.REFUSED)
    checked = check_policy(new, email=user.email, name=user.name)
    accounts.set_password_hash(store, user.id, passwords.hash(checked))
    logins.end_sessions(store, user.id, "password_changed", now, keep=resolved.session_id)
    return SignIn(Outcome.SIGNED_IN, user=user)


def practice_name(store: Store) -> str:
    """The practice's name (the label in a staff member's authenticator app)."""
    practice = accounts.get_practice(store)
    return practice.name if practice else "Supple clinic"


def invited_user(store: Store, invite: str, now: datetime) -> User | None:
    """Whose a still-usable invite link is, without using it (a GET: mail scanners open
    links; only setting the password consumes it)."""
    return invites.user_for(store, tokens.digest(invite), now)


def sign_out(store: Store, token: str, now: datetime) -> bool:
    found = logins.find_session(store, tokens.digest(token))
    return found is not None and logins.end_session(store, found[0].id, "logout", now)


def accept_invite(
    store: Store,
    invite: str,
    password: str,
    now: datetime,
    *,
    passwords: Passwords | None = None,
) -> User:
    """Set a password through an invite link: the policy is checked first, then the invite is
    used (once), the hash stored, and any earlier sign-ins of that user ended."""
    passwords = passwords or default_passwords()
    digest = tokens.digest(invite)
    user = invites.user_for(store, digest, now)
    if user is None:
        raise InputError("this invite link is not valid any more; ask the clinic for a new one")
    checked = check_policy(password, email=user.email, name=user.name)
    password_hash = passwords.hash(checked)
    if invites.use(store, digest, now) != user.id:
        raise InputError("this invite link is not valid any more; ask the clinic for a new one")
    accounts.set_password_hash(store, user.id, password_hash)
    logins.end_sessions(store, user.id, "password_set", now)
    return user
