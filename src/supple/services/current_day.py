"""Which date "today" is for the subject: the one answer every face asks for.

From the scope's clock, in the subject's own time zone (the machine's before a profile
exists). ``--date``, ``SUPPLE_TODAY`` and tests pin it by giving the scope a pinned clock.
"""

from __future__ import annotations

from datetime import date

from supple.services.parsing import parse_zone, system_zone
from supple.services.profile import find_profile
from supple.services.scope import Scope


def today(scope: Scope, zone: str | None = None) -> date:
    """Today for the subject; ``zone`` is their time zone when the caller already holds it
    (the freshness stamp of today's answer carries it), saving a read of the profile."""
    if zone is None:
        profile = find_profile(scope)
        zone = profile.timezone if profile else system_zone()
    return scope.clock.today(parse_zone(zone))
