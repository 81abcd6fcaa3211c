"""Errors a person can meet, each with a message that says where and what.

    SuppleError
     ├── PlanError          a plan or catalog file is not valid (carries every problem found)
     ├── ScheduleError      a date outside the program (before its start)
     ├── NotFound           an exercise, session or profile that does not exist
     ├── Refused            not this actor's to do, on a record they may see (403)
     ├── Blocked            refused for now by the person's own state (a red flag, a stop for
     │                      pain), however well it was asked: HTTP 409
     ├── InputError         a value given on the command line or in a form is malformed
     │    └── FieldError    ... naming the form field or body key it came from
     └── Unavailable        a part Supple stands on (its database) cannot be reached now:
                            nothing wrong with the request, try it again shortly (HTTP 503)

Adapters turn these into exit code 2 (CLI) or 4xx/503 (web); anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


class SuppleError(Exception):
    """Base of every error meant to be shown to a person rather than as a traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, located by 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PlanError(SuppleError):
    """A plan or catalog file failed validation; ``problems`` lists every issue found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ScheduleError(SuppleError):
    """The requested date does not fall inside the program."""


class NotFound(SuppleError):
    """Something asked for by name or id does not exist."""


class Refused(SuppleError):
    """The actor may see the record but this is not theirs to do: in a clinic, a client
    clearing their own red flag or changing the plan their clinician gave them."""


class Blocked(SuppleError):
    """What was asked is well formed, but the person's records rule it out for now."""


class InputError(SuppleError):
    """A value typed by a person is malformed or out of range."""


class FieldError(InputError):
    """A malformed value of one named form field or body key: a page marks that field, an API
    answer names it; the message says what is wrong in words."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class Unavailable(SuppleError):
    """The database (or another part Supple needs) cannot be reached or refused the connection:
    a restart, a network cut. The request may succeed unchanged a few seconds later."""
