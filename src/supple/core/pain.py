"""When pain must end a session (CLINICAL.md §2, rule 2), written once for every player.

Pain of 8 or more out of 10, or pain that is sharp, shooting, numb or tingling, ends the
session at once: the terminal player and the web player both ask this function.
"""

from __future__ import annotations

STOP_AT = 8

# What a pain felt like: the one vocabulary the terminal's --quality choices, the API's schema
# and the player's options are built from (value -> how a page words it).
QUALITIES: dict[str, str] = {
    "stretching": "A stretch (the usual)",
    "aching": "Aching",
    "dull": "Dull",
    "sharp": "Sharp",
    "shooting": "Shooting",
    "numb": "Numb",
    "tingling": "Tingling",
}
ALARMING = frozenset({"sharp", "shooting", "numb", "tingling"})

STOP_ADVICE = (
    "Stop here and rest. Pain this strong, or pain that is sharp, shooting, numb or tingling, "
    "is a sign to stop, not to push on. Supple will make this exercise easier next time. "
    "If the pain has not settled within 24 hours, or you notice numbness, weakness or changes "
    "in bladder or bowel control, contact a clinician."
)

# The rule above in words, for a person who has just been stopped by it.
STOP_RULE = (
    f"Supple ends a session when pain reaches {STOP_AT} out of 10, or when it feels sharp, "
    "shooting, numb or tingling."
)


def must_stop(pain: int | None, quality: str | None = None) -> bool:
    """True when the session has to stop now because of this rating."""
    if pain is not None and pain >= STOP_AT:
        return True
    return quality is not None and quality.strip().lower() in ALARMING
