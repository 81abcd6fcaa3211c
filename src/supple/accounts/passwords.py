"""Passwords: the policy a new one must meet, and Argon2id hashing through pwdlib.

The policy (OWASP ASVS 4.0.3 V2.1, NIST SP 800-63B §5.1.1.2):

- at least 8 characters (ASVS 5.0 6.2.1; 4.0.3 V2.1.1 asked for 12) and at most 128, so 64 and
  more are allowed (V2.1.2) while the work of hashing stays bounded; counted after Unicode NFKC
  normalisation, so the same password typed on two keyboards is the same password;
- any printable character, spaces and emoji included, nothing truncated (V2.1.3, V2.1.4);
- no composition rules, no expiry (V2.1.9, V2.1.10);
- not one of the 30,000 most common passwords (V2.1.7), whatever its capitals, nor the account's
  own email, the part before its @, the person's name, or the app's name.

The common passwords are zxcvbn's list (Dropbox's strength estimator, maintained for Python as
``zxcvbn``): the most frequent passwords of public breach corpora, ranked, shipped inside the
package, so the check needs no network and leaks nothing. It loads on first use (~50 ms).

Hashing (V2.4.1, V2.4.2): Argon2id with OWASP's recommended setting of 19 MiB, 2 passes,
1 lane, 16-byte random salt: ~30 ms a check on these 2-core machines, where argon2-cffi's own
default (64 MiB, 3 passes, 4 lanes) took ~400 ms under load, a cost a guesser could turn against
the server. A stored hash made with other settings verifies and is replaced by one with the
current settings at that moment, so raising the cost later upgrades every account at its next
sign-in.
"""

from __future__ import annotations

import functools
import secrets
import unicodedata
from dataclasses import dataclass

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

from supple.core.errors import InputError

MIN_LENGTH = 8
MAX_LENGTH = 128
APP_WORDS = frozenset({"supple"})

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1


class WeakPassword(InputError):
    """A new password does not meet the policy; the message says which rule and how to fix it."""


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@functools.cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_policy(password: str, *, email: str | None = None, name: str | None = None) -> str:
    """The normalised password when it meets the policy; ``WeakPassword`` saying why if not."""
    password = normalise(password)
    length = len(password)
    if length < MIN_LENGTH:
        raise WeakPassword(
            f"the password has {length} characters; use at least {MIN_LENGTH} "
            "(a few words in a row make a good one)"
        )
    if length > MAX_LENGTH:
        raise WeakPassword(f"the password has {length} characters; use at most {MAX_LENGTH}")
    if not password.strip():
        raise WeakPassword("the password is only spaces; use some letters, words or digits")
    folded = password.casefold()
    if folded in common_passwords():
        raise WeakPassword(
            "that password is one of the most common ones and is tried first by anyone guessing; "
            "choose another"
        )
    personal = set(APP_WORDS)
    if email:
        personal |= {email.casefold(), email.split("@", 1)[0].casefold()}
    if name:
        personal |= {name.casefold(), name.casefold().replace(" ", "")}
    if folded in personal or folded.replace(" ", "") in personal:
        raise WeakPassword(
            "the password is your email, your name or the app's name; choose something else"
        )
    return password


@dataclass(frozen=True)
class Verified:
    """The outcome of checking a password: whether it matched, and a new hash to store when the
    stored one was made with older settings (None when nothing needs storing)."""

    ok: bool
    new_hash: str | None = None


class Passwords:
    """Argon2id hashing with fixed settings (the defaults above; tests pass cheaper ones)."""

    def __init__(
        self,
        time_cost: int = TIME_COST,
        memory_cost: int = MEMORY_COST_KIB,
        parallelism: int = PARALLELISM,
    ) -> None:
        self._hash = PasswordHash(
            (Argon2Hasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism),)
        )
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        """The hash to store for a password that passed ``check_policy``."""
        return self._hash.hash(normalise(password))

    def verify(self, password: str, stored: str | None) -> Verified:
        """Check ``password`` against ``stored``. With no stored hash (no such account, or a
        password never set) it still spends the same time on a dummy hash, so the answer's
        speed does not tell whether the account exists."""
        candidate = normalise(password)
        if len(candidate) > MAX_LENGTH:
            candidate = candidate[:MAX_LENGTH]
            stored = None  # too long to be anyone's password: do the same work, then refuse
        if stored is None:
            self._hash.verify(candidate, self._dummy_hash())
            return Verified(ok=False)
        try:
            ok, new_hash = self._hash.verify_and_update(candidate, stored)
        except UnknownHashError:
            self._hash.verify(candidate, self._dummy_hash())
            return Verified(ok=False)
        return Verified(ok=ok, new_hash=new_hash if ok else None)

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hash.hash(secrets.token_urlsafe(16))
        return self._dummy


@functools.cache
def default_passwords() -> Passwords:
    """The process's hasher at the production settings."""
    return Passwords()
