"""Opaque random tokens: sign-in ids, invite links, personal API tokens.

Each is 256 bits from ``secrets`` (ASVS 4.0.3 V3.2.2 asks for at least 64, the issue for 128),
URL-safe, and shown once. The database keeps only its SHA-256: a stolen copy of the database
opens no session. A plain (unsalted) hash is enough here because the token is random and long,
so there is nothing to guess; a slow password hash would only make every request slower.

Looking a token up by its hash uses the database's index. That comparison is not constant-time,
but an attacker cannot steer the hash of what they send, so timing tells them nothing; where a
token is compared in Python, ``matches`` uses ``hmac.compare_digest``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

TOKEN_BYTES = 32
API_TOKEN_PREFIX = "supple_pat_"  # lets secret scanners (and people) recognise a leaked token


@dataclass(frozen=True)
class Token:
    """A new token: ``value`` goes to its owner once, ``digest`` to the database."""

    value: str
    digest: str

    def __repr__(self) -> str:  # never let a log line or a traceback show the value
        return f"Token(digest={self.digest[:12]}…)"


def digest(value: str) -> str:
    """The SHA-256 of a token, as 64 hexadecimal digits."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_token(prefix: str = "") -> Token:
    value = prefix + secrets.token_urlsafe(TOKEN_BYTES)
    return Token(value=value, digest=digest(value))


def new_api_token() -> Token:
    return new_token(API_TOKEN_PREFIX)


def matches(value: str, stored_digest: str) -> bool:
    """Whether ``value`` is the token whose digest was stored, in constant time."""
    return hmac.compare_digest(digest(value), stored_digest)
