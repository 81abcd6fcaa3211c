"""Sign-in lifetimes and the guessing throttle (core/login_rules.py), against a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from supple.core.access import Role
from supple.core.login_rules import (
    ACCOUNT_RULE,
    ADDRESS_RULE,
    Failures,
    SessionState,
    SessionTimes,
    ThrottleRule,
    after_failure,
    blocked_until,
    current,
    expires_at,
    needs_touch,
    retry_after,
    session_state,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
MIN, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.mark.parametrize(
    ("role", "last_seen", "now", "ended", "expected"),
    [
        # Staff: 30 minutes idle, 12 hours in all.
        (Role.CLINICIAN, T0, T0 + 29 * MIN, None, SessionState.ACTIVE),
        (Role.CLINICIAN, T0, T0 + 30 * MIN, None, SessionState.IDLE),
        (Role.ADMIN, T0, T0 + 31 * MIN, None, SessionState.IDLE),
        (Role.CLINICIAN, T0 + 11 * HOUR, T0 + 11 * HOUR + 29 * MIN, None, SessionState.ACTIVE),
        (Role.CLINICIAN, T0 + 11 * HOUR + 50 * MIN, T0 + 12 * HOUR, None, SessionState.EXPIRED),
        (Role.ADMIN, T0 + 12 * HOUR, T0 + 12 * HOUR, None, SessionState.EXPIRED),
        # Clients: 14 days idle, 30 days in all.
        (Role.CLIENT, T0, T0 + 31 * MIN, None, SessionState.ACTIVE),
        (Role.CLIENT, T0, T0 + 13 * DAY, None, SessionState.ACTIVE),
        (Role.CLIENT, T0, T0 + 14 * DAY, None, SessionState.IDLE),
        (Role.CLIENT, T0 + 29 * DAY, T0 + 29 * DAY + HOUR, None, SessionState.ACTIVE),
        (Role.CLIENT, T0 + 29 * DAY, T0 + 30 * DAY, None, SessionState.EXPIRED),
        # Ended (logout, an admin, disabling) wins over everything, from the moment it happened.
        (Role.CLIENT, T0, T0 + MIN, T0 + MIN, SessionState.ENDED),
        (Role.CLINICIAN, T0, T0 + MIN, T0 + 2 * MIN, SessionState.ACTIVE),
        (Role.CLINICIAN, T0, T0 + 13 * HOUR, T0 + MIN, SessionState.ENDED),
    ],
)
def test_a_sign_in_is_active_until_idle_expired_or_ended(
    role: Role,
    last_seen: datetime,
    now: datetime,
    ended: datetime | None,
    expected: SessionState,
) -> None:
    times = SessionTimes(created_at=T0, last_seen_at=last_seen, ended_at=ended)
    assert session_state(times, role, now) is expected


@pytest.mark.parametrize(
    ("role", "last_seen", "expected"),
    [
        (Role.CLINICIAN, T0, T0 + 30 * MIN),  # idle comes first
        (Role.CLINICIAN, T0 + 11 * HOUR + 45 * MIN, T0 + 12 * HOUR),  # absolute comes first
        (Role.CLIENT, T0, T0 + 14 * DAY),
        (Role.CLIENT, T0 + 20 * DAY, T0 + 30 * DAY),
    ],
)
def test_a_sign_in_expires_at_the_earlier_of_its_two_limits(
    role: Role, last_seen: datetime, expected: datetime
) -> None:
    assert expires_at(SessionTimes(T0, last_seen), role) == expected


@pytest.mark.parametrize(
    ("since_last_seen", "expected"),
    [(timedelta(0), False), (59 * timedelta(seconds=1), False), (MIN, True), (HOUR, True)],
)
def test_last_seen_is_written_at_most_once_a_minute(
    since_last_seen: timedelta, expected: bool
) -> None:
    assert needs_touch(SessionTimes(T0, T0), T0 + since_last_seen) is expected


def _fail(times: int, start: datetime = T0, every: timedelta = timedelta(seconds=1)) -> Failures:
    state = Failures()
    for n in range(times):
        state = after_failure(state, ACCOUNT_RULE, start + n * every)
    return state


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (0, timedelta(0)),
        (1, timedelta(0)),
        (4, timedelta(0)),
        (5, timedelta(seconds=30)),
        (6, timedelta(seconds=60)),
        (7, timedelta(minutes=2)),
        (8, timedelta(minutes=4)),
        (9, timedelta(minutes=8)),
        (10, timedelta(minutes=15)),  # 16 minutes, capped
        (40, timedelta(minutes=15)),
    ],
)
def test_an_account_waits_longer_after_each_failure_past_five(
    failures: int, wait: timedelta
) -> None:
    # All failures in the same instant, so the wait is measured from that instant.
    state = _fail(failures, every=timedelta(0))
    assert retry_after(state, ACCOUNT_RULE, T0) == wait


def test_the_wait_counts_down_with_the_clock() -> None:
    state = _fail(5, every=timedelta(0))
    assert retry_after(state, ACCOUNT_RULE, T0 + timedelta(seconds=10)) == timedelta(seconds=20)
    assert retry_after(state, ACCOUNT_RULE, T0 + timedelta(seconds=30)) == timedelta(0)
    assert blocked_until(state, ACCOUNT_RULE) == T0 + timedelta(seconds=30)


def test_an_address_gets_twenty_failures_before_any_wait() -> None:
    state = Failures()
    for _ in range(19):
        state = after_failure(state, ADDRESS_RULE, T0)
    assert retry_after(state, ADDRESS_RULE, T0) == timedelta(0)
    state = after_failure(state, ADDRESS_RULE, T0)
    assert retry_after(state, ADDRESS_RULE, T0) == timedelta(seconds=30)


@pytest.mark.parametrize(
    ("failures", "later", "forgotten"),
    [
        (3, 14 * MIN, False),  # no wait, 15 quiet minutes not yet passed
        (3, 15 * MIN, True),
        (5, 15 * MIN, False),  # a 30 s wait, then 15 quiet minutes
        (5, 15 * MIN + timedelta(seconds=30), True),
        (12, 29 * MIN, False),  # a 15 min wait, then 15 quiet minutes
        (12, 30 * MIN, True),
    ],
)
def test_failures_are_forgotten_after_a_quiet_spell_past_the_last_wait(
    failures: int, later: timedelta, forgotten: bool
) -> None:
    state = _fail(failures, every=timedelta(0))
    assert (current(state, ACCOUNT_RULE, T0 + later) == Failures()) is forgotten


def test_a_failure_after_the_quiet_spell_starts_counting_again_from_one() -> None:
    state = _fail(7, every=timedelta(0))
    later = T0 + 2 * HOUR
    assert after_failure(state, ACCOUNT_RULE, later) == Failures(count=1, last_at=later)


def test_a_failure_inside_the_spell_adds_to_the_count() -> None:
    state = _fail(2, every=timedelta(0))
    assert after_failure(state, ACCOUNT_RULE, T0 + MIN) == Failures(count=3, last_at=T0 + MIN)


@pytest.mark.parametrize(
    ("rule", "expected"), [(ACCOUNT_RULE, 12), (ADDRESS_RULE, 27)], ids=["account", "address"]
)
def test_a_guesser_trying_whenever_allowed_gets_far_fewer_than_100_tries_an_hour(
    rule: ThrottleRule, expected: int
) -> None:
    """ASVS 4.0.3 V2.2.1: no more than 100 failed attempts per hour on one account."""
    state, now, tries = Failures(), T0, 0
    while True:
        now += retry_after(state, rule, now)
        if now >= T0 + HOUR:
            break
        state = after_failure(state, rule, now)
        tries += 1
    assert tries == expected


def test_a_guesser_who_waits_out_every_quiet_spell_also_stays_far_below_100() -> None:
    state, now, tries = Failures(), T0, 0
    while now < T0 + HOUR:
        wait = retry_after(state, ACCOUNT_RULE, now)
        if wait:  # instead of waiting the wait, wait until everything is forgotten
            assert state.last_at is not None
            now = state.last_at + wait + ACCOUNT_RULE.quiet
            state = current(state, ACCOUNT_RULE, now)
            continue
        state = after_failure(state, ACCOUNT_RULE, now)
        tries += 1
    assert tries == 20  # 5 each at 08:00, 08:15:30, 08:31 and 08:46:30
