"""Recovery codes: ten single-use codes a staff member keeps on paper for the day their phone
is lost, shown once and stored only as salted hashes.

Each code is 16 characters from a 31-letter alphabet without look-alikes (79 bits from
``secrets``), printed in four groups of four. ASVS 4.0.3 V2.6.2 wants 112 bits, or fewer bits
salted with at least 32 random bits and hashed: each code is stored as
``salt$sha256(salt + code)`` with a 128-bit salt of its own. A used code is marked used by the
store and never accepted again (V2.6.1).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

COUNT = 10
LENGTH = 16
GROUP = 4
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1: nothing to misread


@dataclass(frozen=True)
class RecoveryCodes:
    shown: tuple[str, ...]  # for the person, once
    stored: tuple[str, ...]  # for the database, in the same order

    def __repr__(self) -> str:
        return f"RecoveryCodes({len(self.shown)} codes)"


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}{code}".encode()).hexdigest()


def canonical(code: str) -> str:
    """What a person typed, without spaces, dashes or capitals."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def hash_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    return f"{salt}${_hash(salt, canonical(code))}"


def new_codes(count: int = COUNT) -> RecoveryCodes:
    raw = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(count)]
    shown = tuple("-".join(code[i : i + GROUP] for i in range(0, LENGTH, GROUP)) for code in raw)
    return RecoveryCodes(shown=shown, stored=tuple(hash_code(code) for code in raw))


def find(code: str, stored: Iterable[tuple[int, str]]) -> int | None:
    """The id of the stored code ``code`` matches, among ``(id, salt$hash)`` pairs (the unused
    ones), or None. Every pair is checked, match or not."""
    typed = canonical(code)
    found: int | None = None
    if len(typed) != LENGTH:
        return None
    for code_id, salted in stored:
        salt, _, want = salted.partition("$")
        if hmac.compare_digest(_hash(salt, typed), want):
            found = code_id
    return found
