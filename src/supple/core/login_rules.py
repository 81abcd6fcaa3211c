"""How long a sign-in lasts and how fast someone may guess a password: pure rules, ``now`` given.

Sign-ins (OWASP ASVS 4.0.3 V3.3.2, level 2: re-authenticate after 12 hours, or 30 minutes idle):

    staff (clinicians, admins)  idle 30 minutes   absolute 12 hours   (ASVS L2 as written)
    clients                     idle 14 days      absolute 30 days

Staff see many people's health records, often on shared computers in a clinic, so they get
ASVS's level-2 numbers. Clients see only their own data, on their own phone, and a program they
follow every morning would be abandoned if it asked for a password daily; their numbers follow
NIST SP 800-63B's AAL1 (re-authenticate at least every 30 days) instead of ASVS V3.3.2. That is
a deliberate, documented departure for client accounts only.

``last_seen`` is written at most once a minute per sign-in (``TOUCH_EVERY``), so a page load
does not cost a database write; the idle limit is therefore exact to within a minute.

Guessing (ASVS 4.0.3 V2.2.1: at most 100 failed attempts per hour on one account): failures
are counted per account (the email as typed, whether or not such an account exists, so the
throttle never tells who has one) and per network address. After ``threshold`` failures, each
further attempt waits ``first_delay`` doubled for every failure past the threshold, up to
``max_delay``. The count is forgotten once ``quiet`` has passed after the last wait ended
without a new failure; a successful sign-in clears the account's count (not the address's).

    per account   5 failures, then 30 s, 60 s, 2 min, … up to 15 min; forgotten after 15 quiet min
    per address  20 failures, then the same waits (a clinic's computers may share one address)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from supple.core.access import STAFF, Role


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


STAFF_LIMITS = SessionLimits(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
CLIENT_LIMITS = SessionLimits(idle=timedelta(days=14), absolute=timedelta(days=30))
TOUCH_EVERY = timedelta(minutes=1)


def limits_for(role: Role) -> SessionLimits:
    return STAFF_LIMITS if role in STAFF else CLIENT_LIMITS


@dataclass(frozen=True)
class SessionTimes:
    """When a sign-in started, was last used, and ended (by logout, an admin, …) if it did."""

    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None


class SessionState(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # logged out, ended by an admin, by disabling the user, by the user
    IDLE = "idle"  # unused for longer than the idle limit
    EXPIRED = "expired"  # older than the absolute limit, however busy


def session_state(times: SessionTimes, role: Role, now: datetime) -> SessionState:
    limits = limits_for(role)
    if times.ended_at is not None and times.ended_at <= now:
        return SessionState.ENDED
    if now >= times.created_at + limits.absolute:
        return SessionState.EXPIRED
    if now >= times.last_seen_at + limits.idle:
        return SessionState.IDLE
    return SessionState.ACTIVE


def expires_at(times: SessionTimes, role: Role) -> datetime:
    """The moment the sign-in stops working if it is not used again: the earlier of its idle
    and absolute limits (a cookie's lifetime, and the store's index of live sign-ins)."""
    limits = limits_for(role)
    return min(times.last_seen_at + limits.idle, times.created_at + limits.absolute)


def absolute_expiry(created_at: datetime, role: Role) -> datetime:
    return created_at + limits_for(role).absolute


def needs_touch(times: SessionTimes, now: datetime) -> bool:
    """Whether this use of the sign-in should be written down as its ``last_seen``."""
    return now - times.last_seen_at >= TOUCH_EVERY


@dataclass(frozen=True)
class ThrottleRule:
    threshold: int  # failures allowed before any wait
    first_delay: timedelta
    max_delay: timedelta
    quiet: timedelta  # after the last wait ends, this long without failures forgets them


ACCOUNT_RULE = ThrottleRule(5, timedelta(seconds=30), timedelta(minutes=15), timedelta(minutes=15))
ADDRESS_RULE = ThrottleRule(20, timedelta(seconds=30), timedelta(minutes=15), timedelta(minutes=15))


@dataclass(frozen=True)
class Failures:
    """The stored state for one account or address: how many failures, the last one when."""

    count: int = 0
    last_at: datetime | None = None


def _wait(failures: Failures, rule: ThrottleRule) -> timedelta:
    past = failures.count - rule.threshold
    if past < 0:
        return timedelta(0)
    # Doubling from first_delay; the exponent is capped so huge counts cannot overflow.
    doubled: timedelta = rule.first_delay * (2 ** min(past, 32))
    return min(doubled, rule.max_delay)


def blocked_until(failures: Failures, rule: ThrottleRule) -> datetime | None:
    """When the next attempt may be made, or None when it may be made at once."""
    if failures.last_at is None or failures.count < rule.threshold:
        return None
    return failures.last_at + _wait(failures, rule)


def current(failures: Failures, rule: ThrottleRule, now: datetime) -> Failures:
    """The failures still counted at ``now``: all of them, or none once forgotten."""
    if failures.last_at is None:
        return Failures()
    if now >= failures.last_at + _wait(failures, rule) + rule.quiet:
        return Failures()
    return failures


def retry_after(failures: Failures, rule: ThrottleRule, now: datetime) -> timedelta:
    """How long before an attempt is allowed (zero: allowed now)."""
    until = blocked_until(current(failures, rule, now), rule)
    if until is None or until <= now:
        return timedelta(0)
    return until - now


def after_failure(failures: Failures, rule: ThrottleRule, now: datetime) -> Failures:
    """The state to store after a failed attempt at ``now``."""
    kept = current(failures, rule, now)
    return replace(kept, count=kept.count + 1, last_at=now)
