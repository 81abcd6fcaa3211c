"""The access log in words: what an entry's action code means, and who its actor was, as the
client and their clinicians both read it. One wording for every page that shows the log, so a
client and their clinician never read the same entry in two ways.
"""

from __future__ import annotations

from supple.core.access import Action

WRITE = "write"  # the guard's action for a write that named none

ACTION_WORDS: dict[str, str] = {
    Action.READ_RECORD.value: "looked at the record",
    Action.WRITE_OWN_RECORD.value: "added to the record (a session, a check-in or an answer)",
    Action.PRESCRIBE.value: "changed the plan",
    Action.ADJUST_DOSE.value: "changed a dose",
    Action.CLEAR_RED_FLAG.value: "cleared a red flag after seeing the client",
    Action.ACKNOWLEDGE_ALERT.value: "marked an alert as seen",
    Action.READ_PRIVATE_NOTES.value: "read the clinic's notes",
    Action.WRITE_PRIVATE_NOTES.value: "wrote a clinic note",
    Action.READ_ACCESS_LOG.value: "looked at this list of who opened the record",
    Action.VIEW_CASELOAD.value: "looked at the caseload",
    Action.MANAGE_TEAM.value: "changed the account: invite, clinician or sign-ins",
    Action.MANAGE_TEMPLATES.value: "changed the practice's templates",
    Action.READ_PRACTICE_ACCESS_LOG.value: "read the practice's access log",
    Action.MANAGE_OWN_ACCOUNT.value: "changed their own account settings",
    WRITE: "changed something",
}

ROLE_WORDS = {"client": "client", "clinician": "clinician", "admin": "admin"}
OPERATOR = "The clinic's operator (on the server)"


def action_words(action: str) -> str:
    """An action code in plain words; a code this version does not know is shown as itself,
    never hidden (the log is append-only and may hold codes of later versions)."""
    return ACTION_WORDS.get(action, action.replace("_", " "))


def actor_words(name: str | None, email: str | None, role: str | None) -> str:
    """Who acted: "Ada Lind (clinician)"; the operator when the entry has no account."""
    if role is None and email is None:
        return OPERATOR
    who = name or email or "a former user"
    return f"{who} ({ROLE_WORDS.get(role or '', role or 'user')})"
