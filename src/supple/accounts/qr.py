"""QR codes as inline SVG (segno), drawn on the server: a phone's camera opens the link with
no script on the page and nothing sent to a third party. TOTP enrolment and the clinic's
invites both draw theirs here."""

from __future__ import annotations

import segno


def svg(text: str, title: str, scale: int = 4) -> str:
    """An inline ``<svg>`` of ``text`` with a ``<title>`` (its name for a screen reader).
    Error correction "m" survives a smudged screen or a glare."""
    return str(segno.make(text, error="m").svg_inline(scale=scale, title=title))
