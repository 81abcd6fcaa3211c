"""Passwords, tokens, two-factor codes and recovery codes (supple.accounts), without a database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from supple.accounts import recovery, tokens, totp
from supple.accounts.passwords import (
    MAX_LENGTH,
    Passwords,
    WeakPassword,
    check_policy,
    common_passwords,
    default_passwords,
)
from supple.core.errors import InputError

# Tests hash with cheap settings; one test below uses the production ones.
CHEAP = Passwords(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.mark.parametrize(
    "password",
    [
        "tulip orbit 42",  # 14 characters, words and spaces
        "Xq7#mP2v",  # exactly 8
        "é" * 8,  # any printable Unicode
        "stretch 🧘 every morning",
        "a" * 40 + " " + "b" * 23,  # 64 characters
        "w" * 127 + "z",  # the maximum, 128
    ],
)
def test_a_password_that_meets_the_policy_is_accepted(password: str) -> None:
    assert check_policy(password, email="anna@example.org", name="Anna Berg") == password


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "has 0 characters; use at least 8"),
        ("7chars!", "has 7 characters; use at least 8"),
        ("w" * 129, "has 129 characters; use at most 128"),
        (" " * 10, "only spaces"),
        ("password", "most common"),
        ("PassWord1", "most common"),  # capitals do not hide a common one
        ("12345678", "most common"),
        ("iloveyou", "most common"),
        ("annaberg1@example.org", "your email"),
        ("ANNABERG1@Example.org", "your email"),
        ("annaberg1", "your email"),  # the part before the @
        ("Anna Berg", "your name"),
        ("annaberg", "your name"),  # the name without its space
        ("Sup ple  ", "the app's name"),  # spaces do not hide it either
    ],
)
def test_a_password_that_breaks_a_rule_is_refused_saying_which(password: str, message: str) -> None:
    with pytest.raises(WeakPassword, match=re.escape(message)):
        check_policy(password, email="annaberg1@example.org", name="Anna Berg")


def test_a_weak_password_is_an_input_error_the_faces_already_show_as_one_line() -> None:
    assert issubclass(WeakPassword, InputError)


def test_the_common_list_is_the_packages_thirty_thousand_passwords() -> None:
    common = common_passwords()
    assert len(common) == 30000
    assert {"123456", "password", "qwerty", "dragon"} <= common


def test_passwords_are_normalised_so_the_same_text_typed_two_ways_matches() -> None:
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    stored = CHEAP.hash(composed)
    assert CHEAP.verify(decomposed, stored).ok


def test_a_hash_verifies_its_password_and_nothing_else() -> None:
    stored = CHEAP.hash("tulip orbit 42")
    assert stored.startswith("$argon2id$")
    assert "tulip" not in stored
    assert CHEAP.verify("tulip orbit 42", stored) == CHEAP.verify("tulip orbit 42", stored)
    assert CHEAP.verify("tulip orbit 42", stored).ok is True
    assert CHEAP.verify("tulip orbit 43", stored).ok is False
    assert CHEAP.verify("Tulip orbit 42", stored).ok is False


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    assert CHEAP.hash("tulip orbit 42") != CHEAP.hash("tulip orbit 42")


@pytest.mark.parametrize("stored", [None, "", "not a hash", "$2b$12$bcryptlookingthing"])
def test_no_account_or_an_unknown_hash_is_a_plain_no(stored: str | None) -> None:
    assert CHEAP.verify("tulip orbit 42", stored).ok is False


def test_an_overlong_password_is_refused_without_hashing_all_of_it() -> None:
    stored = CHEAP.hash("w" * MAX_LENGTH)
    assert CHEAP.verify("w" * MAX_LENGTH, stored).ok is True
    assert CHEAP.verify("w" * (MAX_LENGTH + 1), stored).ok is False


def test_a_hash_with_old_settings_is_replaced_at_the_next_good_sign_in() -> None:
    old = CHEAP.hash("tulip orbit 42")
    production = default_passwords()
    verdict = production.verify("tulip orbit 42", old)
    assert verdict.ok is True
    assert verdict.new_hash is not None
    assert "$m=19456,t=2,p=1$" in verdict.new_hash
    again = production.verify("tulip orbit 42", verdict.new_hash)
    assert again == again.__class__(ok=True, new_hash=None)


def test_a_wrong_password_against_an_old_hash_asks_for_no_new_hash() -> None:
    old = CHEAP.hash("tulip orbit 42")
    assert default_passwords().verify("tulip orbit 41", old).new_hash is None


def test_tokens_are_long_random_and_kept_only_as_their_sha256() -> None:
    first, second = tokens.new_token(), tokens.new_token()
    assert first.value != second.value
    assert len(first.value) >= 43  # 256 bits in URL-safe base64
    assert re.fullmatch(r"[0-9a-f]{64}", first.digest)
    assert first.digest == tokens.digest(first.value)
    assert tokens.matches(first.value, first.digest)
    assert not tokens.matches(second.value, first.digest)
    assert first.value not in repr(first)


def test_an_api_token_says_what_it_is() -> None:
    token = tokens.new_api_token()
    assert token.value.startswith("supple_pat_")
    assert tokens.matches(token.value, token.digest)


NOW = datetime(2026, 12, 1, 8, 0, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_enrolment_gives_a_seed_a_link_and_a_qr_code() -> None:
    enrolment = totp.enrol("clara@example.org", "Riverside Physio")
    assert re.fullmatch(r"[A-Z2-7]{32}", enrolment.secret)
    assert enrolment.uri.startswith("otpauth://totp/Riverside%20Physio:clara%40example.org?")
    assert f"secret={enrolment.secret}" in enrolment.uri
    assert "issuer=Riverside%20Physio" in enrolment.uri
    assert enrolment.qr_svg.startswith("<svg") and "</svg>" in enrolment.qr_svg
    assert enrolment.secret not in repr(enrolment)
    assert totp.enrol("x@example.org", "P").secret != enrolment.secret


def test_codes_match_rfc_6238s_own_test_vector() -> None:
    # RFC 6238 appendix B: ASCII "12345678901234567890", T = 59 s -> 94287082 (8 digits); the
    # last 6 digits are the 6-digit code.
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59 // 30) == "287082"


@pytest.mark.parametrize(
    ("offset_steps", "accepted"),
    [(-2, False), (-1, True), (0, True), (1, True), (2, False)],
)
def test_a_code_from_one_step_either_side_is_accepted_and_no_further(
    offset_steps: int, accepted: bool
) -> None:
    step = totp.step_at(NOW) + offset_steps
    code = totp.code_at(SECRET, step)
    assert (totp.verify(SECRET, code, NOW, None) == step) is accepted


def test_a_code_used_once_is_refused_the_second_time() -> None:
    code = totp.code_at(SECRET, totp.step_at(NOW))
    step = totp.verify(SECRET, code, NOW, last_step=None)
    assert step == totp.step_at(NOW)
    assert totp.verify(SECRET, code, NOW + timedelta(seconds=5), last_step=step) is None


def test_after_a_code_is_used_an_older_one_is_refused_too() -> None:
    current = totp.step_at(NOW)
    older = totp.code_at(SECRET, current - 1)
    assert totp.verify(SECRET, older, NOW, last_step=current) is None
    newer = totp.code_at(SECRET, current + 1)
    assert totp.verify(SECRET, newer, NOW, last_step=current) == current + 1


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "１２３４５６", "12 34 5"])
def test_anything_but_six_digits_is_refused(typed: str) -> None:
    assert totp.verify(SECRET, typed, NOW, None) is None


def test_spaces_in_a_typed_code_are_ignored() -> None:
    code = totp.code_at(SECRET, totp.step_at(NOW))
    assert totp.verify(SECRET, f" {code[:3]} {code[3:]} ", NOW, None) == totp.step_at(NOW)


def test_another_seeds_code_is_refused() -> None:
    code = totp.code_at("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", totp.step_at(NOW))
    assert totp.code_at(SECRET, totp.step_at(NOW)) != code
    assert totp.verify(SECRET, code, NOW, None) is None


def test_ten_recovery_codes_are_shown_once_and_stored_salted() -> None:
    codes = recovery.new_codes()
    assert len(codes.shown) == len(codes.stored) == 10
    assert len(set(codes.shown)) == 10
    for shown, stored in zip(codes.shown, codes.stored, strict=True):
        assert re.fullmatch(r"([a-z2-9]{4}-){3}[a-z2-9]{4}", shown)
        salt, _, digest = stored.partition("$")
        assert len(salt) == 32 and len(digest) == 64
        assert recovery.canonical(shown) not in stored
    assert codes.shown[0] not in repr(codes)


def test_the_same_code_stored_twice_hashes_differently() -> None:
    assert recovery.hash_code("abcd-efgh-jkmn-pqrs") != recovery.hash_code("abcd-efgh-jkmn-pqrs")


@pytest.mark.parametrize(
    "typed",
    ["{code}", "{code_upper}", "{code_bare}", " {code} "],
)
def test_a_recovery_code_is_found_however_it_is_typed(typed: str) -> None:
    codes = recovery.new_codes()
    stored = list(enumerate(codes.stored, start=100))
    code = codes.shown[4]
    text = typed.format(code=code, code_upper=code.upper(), code_bare=code.replace("-", ""))
    assert recovery.find(text, stored) == 104


def test_a_wrong_used_or_short_recovery_code_is_not_found() -> None:
    codes = recovery.new_codes()
    unused = list(enumerate(codes.stored))[1:]  # the first one was used: the store leaves it out
    assert recovery.find(codes.shown[0], unused) is None
    assert recovery.find("abcd-efgh-jkmn-pqrs", unused) is None
    assert recovery.find(codes.shown[1][:-1], unused) is None
    assert recovery.find("", unused) is None
