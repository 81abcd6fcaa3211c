"""A clinician's private notes about a client: staff on the client's care write and read them,
the client never sees them (``core.access``: a client has no note action at all)."""

from __future__ import annotations

from supple.core import limits
from supple.core.access import Action
from supple.core.errors import FieldError
from supple.services.care_access import authorize
from supple.services.scope import Scope
from supple.store import notes
from supple.store.notes import Note

NOTE_MAX = 5000

__all__ = ["Note", "add_note", "list_notes"]


def add_note(scope: Scope, body: str) -> Note:
    """Append a note about the client (notes are never edited: a correction is a new note)."""
    user = authorize(scope, Action.WRITE_PRIVATE_NOTES)
    text = body.replace("\r\n", "\n").strip()
    if not text:
        raise FieldError("body", "the note is empty; write something to keep")
    problem = limits.text_problem(text, limit=NOTE_MAX)
    if problem:
        raise FieldError("body", f"the note {problem}")
    return notes.add(scope.store, scope.require_subject(), text, by=user.id, at=scope.clock.now())


def list_notes(scope: Scope) -> list[Note]:
    """The client's notes, newest first."""
    authorize(scope, Action.READ_PRIVATE_NOTES)
    return notes.for_person(scope.store, scope.require_subject())
