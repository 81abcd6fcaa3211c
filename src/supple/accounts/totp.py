"""Time-based one-time codes (RFC 6238) for staff: enrolment with a QR code, and checking a code.

Codes are 6 digits, 30-second steps, HMAC-SHA1: what every authenticator app reads from an
``otpauth://`` link. A code from the step before or after the current one is accepted too (a
phone's clock drifts, a person types slowly), never further (ASVS 4.0.3 V2.8.1). A code is used
once (V2.8.4): the caller stores the step of the last accepted code and passes it back, and any
code of that step or an earlier one is refused, so a code seen over a shoulder is worthless.

The seed is the one secret the server keeps readable, since checking a code needs it: 160 bits
from ``secrets`` (RFC 4226 asks for 128 at least, recommends 160), in the users table. Sealing it
with a server key (ASVS V6.4.1) is for the next step; until then it is as safe as the database.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

import pyotp

from supple.accounts import qr

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of now


@dataclass(frozen=True)
class Enrolment:
    """What a person needs to add Supple to their authenticator app."""

    secret: str  # base32, also shown as text for apps that cannot scan
    uri: str  # otpauth://totp/...
    qr_svg: str  # an inline <svg> of the uri, for the enrolment page

    def __repr__(self) -> str:
        return "Enrolment(…)"


def new_secret() -> str:
    return pyotp.random_base32(32)  # 32 base32 characters: 160 bits


def enrol(email: str, issuer: str, secret: str | None = None) -> Enrolment:
    """A new seed (or ``secret``) for ``email``, as a link and a QR code labelled ``issuer``
    (the practice's name) so the app shows whose code it is."""
    secret = secret or new_secret()
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=email, issuer_name=issuer
    )
    svg = qr.svg(uri, title=f"Two-factor code for {email}")
    return Enrolment(secret=secret, uri=uri, qr_svg=svg)


def step_at(moment: datetime) -> int:
    """The number of the 30-second step ``moment`` falls in (``moment`` must be aware)."""
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def verify(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The step of ``code`` when it is right for ``now`` (± one step) and newer than
    ``last_step``; None otherwise. Store the returned step as the new ``last_step``."""
    typed = "".join(code.split())
    if len(typed) != DIGITS or not typed.isascii() or not typed.isdigit():
        return None
    current = step_at(now)
    accepted: int | None = None
    # Every candidate step is compared, whatever matched, so the time taken says nothing.
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(code_at(secret, step), typed) and (
            last_step is None or step > last_step
        ):
            accepted = step
    return accepted
