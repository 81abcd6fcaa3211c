"""TOTP seeds sealed with a server key (OWASP ASVS 4.0.3 V6.4.1): the database alone opens no
staff member's second factor.

Checking a code needs the seed itself, so it cannot be hashed like the other secrets; it is
encrypted instead, with AES-SIV (RFC 5297, through ``cryptography``) under a 512-bit key
derived by HKDF-SHA256 from the server's secret (``web.secret``: a file only the server's user
reads, kept apart from the database and its backups). AES-SIV needs no nonce, which lets the
sealed seed fit the existing 64-character column: the 20 bytes of the seed plus a 16-byte tag,
in URL-safe base64 after the ``s1:`` mark (51 characters). The user's id is bound in as
associated data, so a seed copied onto another user's row does not open.

A value without the mark is a seed stored in clear before sealing existed: it is read as it
is, and replaced by a sealed one at the next enrolment. Losing or changing the server's secret
makes every sealed seed unreadable: staff then enrol again (an admin resets their two-factor).
"""

from __future__ import annotations

import base64

MARK = "s1:"
INFO = b"supple/totp-seed/aes-siv/v1"
KEY_BYTES = 64  # AES-256-SIV


class SealError(Exception):
    """A sealed seed that does not open with this server's key (another key, or tampered)."""


def _b32decode(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


class SeedBox:
    """Seals and opens TOTP seeds (base32 text, as pyotp makes them) with one server key."""

    def __init__(self, server_secret: bytes) -> None:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESSIV
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        key = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=INFO)
        self._siv = AESSIV(key.derive(server_secret))

    def __repr__(self) -> str:
        return "SeedBox(…)"

    def seal(self, user_id: int, secret: str) -> str:
        sealed = self._siv.encrypt(_b32decode(secret), [f"user:{user_id}".encode()])
        return MARK + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def open(self, user_id: int, stored: str) -> str:
        """The base32 seed of a stored value (sealed, or clear from before sealing)."""
        if not stored.startswith(MARK):
            return stored
        from cryptography.exceptions import InvalidTag

        raw = stored[len(MARK) :]
        try:
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            seed = self._siv.decrypt(data, [f"user:{user_id}".encode()])
        except (InvalidTag, ValueError) as exc:
            raise SealError("this two-factor seed does not open with the server's key") from exc
        return base64.b32encode(seed).decode().rstrip("=")
