"""Who looked at a client's record, in words the client reads: when, who (name and role), what.

The access log (``store.access_log``) keeps each entry as the server saw it: an action of
``core.access`` and the request (``GET /api/v1/clients/7/progress``). A client asking "who looked
at my record?" should not have to read routes, so :func:`visit_words` says each entry in plain
words; the client's own API, their clinician's API and any page showing the log use it, so the
wording lives here once. Entries the client made themselves are left out: the question is about
other people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from supple.core.access import Action
from supple.services import caseload
from supple.services.scope import Scope
from supple.store import access_log

VISITS = 50  # the newest entries shown
_SCAN = 400  # entries read to find them (the client's own are skipped)

# What an action did, said to the client about their record.
ACTION_WORDS: dict[str, str] = {
    Action.READ_RECORD.value: "looked at {part}",
    Action.READ_PRIVATE_NOTES.value: "read the staff's private notes about you",
    Action.WRITE_PRIVATE_NOTES.value: "wrote a private note about you",
    Action.READ_ACCESS_LOG.value: "looked at who has opened your record",
    Action.PRESCRIBE.value: "gave you a plan",
    Action.ADJUST_DOSE.value: "changed the dose of an exercise",
    Action.CLEAR_RED_FLAG.value: "cleared a red-flag answer after seeing you",
    Action.ACKNOWLEDGE_ALERT.value: "marked an alert about you as seen",
    Action.MANAGE_TEAM.value: "changed your account or your clinician",
}
# The part of the record a read named: the last word of its path.
PART_WORDS: dict[str, str] = {
    "": "your record",
    "today": "your session for the day",
    "week": "your week",
    "sessions": "your sessions",
    "checkins": "your check-ins",
    "progress": "your progress",
    "report": "your report",
    "plan": "your plan",
    "adjustments": "your dose changes",
    "clearances": "your safety answers and clearances",
    "prescribe": "your plan and doses",
    "safety": "your safety answers and clearances",
    "access-log": "who has opened your record",
}
ROLE_WORDS = {
    "clinician": "clinician",
    "admin": "practice admin",
    "operator": "the practice's operator, from the server's command line",
}
OPERATOR = "the practice's operator"
_PATH = re.compile(r"^[A-Z]+ /(?:api/v1|clinic)/clients/\d+(?:/(?P<part>[\w-]+))?")


def visit_words(action: str, what: str) -> str:
    """One entry in plain words, e.g. "looked at your progress" for ``read_record`` and
    ``GET /api/v1/clients/7/progress``; an action this table does not know is said generally."""
    words = ACTION_WORDS.get(action)
    if words is None:
        return "changed something in your record"
    if "{part}" not in words:
        return words
    match = _PATH.match(what)
    part = (match.group("part") or "") if match else ""
    if match and part == "sessions" and re.search(r"/sessions/[^/]+$", what):
        return words.format(part="one of your sessions")
    return words.format(part=PART_WORDS.get(part, "your record"))


@dataclass(frozen=True)
class Visit:
    at: datetime
    name: str  # the staff member's name, else their e-mail; "the practice's operator"
    role: str  # a key of ROLE_WORDS: "clinician", "admin" or "operator"
    what: str  # visit_words


def visits(scope: Scope) -> list[Visit]:
    """Who else read or changed the subject's record, newest first.

    For the client themselves (their own scope), or for staff whom ``core.access`` lets read
    this client's access log (``caseload.access_entries`` asks it; NotFound otherwise)."""
    client_id = scope.require_subject()
    if scope.actor.role == "client":
        entries = access_log.entries(scope.store, person_id=client_id, limit=_SCAN)
    else:  # asks core.access again, behind the web's boundary
        entries = caseload.access_entries(scope, limit=_SCAN)
    found = [
        Visit(
            at=e.at,
            name=e.actor_name or e.actor_email or OPERATOR,
            role=e.actor_role or "operator",
            what=visit_words(e.action, e.what),
        )
        for e in entries
        if e.actor_role != "client"
    ]
    return found[:VISITS]


def visits_json(found: list[Visit]) -> dict[str, object]:
    """The shape of ``GET /api/v1/access-log`` and ``/api/v1/clients/{client_id}/access-log``."""
    return {
        "entries": [
            {
                "at": v.at.isoformat(timespec="seconds"),
                "who": {"name": v.name, "role": v.role, "role_words": ROLE_WORDS[v.role]},
                "what": v.what,
            }
            for v in found
        ]
    }
