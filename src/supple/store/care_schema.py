"""The clinic's care tables (migrations 0011 and 0012): a clinician's dose adjustments, the
practice's plan templates, private notes about a client, acknowledged alerts, and every plan
given to a client.

Like ``clinic_schema`` they sit on the shared ``metadata`` in a module of their own, so the
personal mode's start does not build them. Every row hangs off the client's ``people`` row (or,
for templates, the practice), and records the user who wrote it: a change a clinician made is
always shown with its author and reason.
"""

from __future__ import annotations

import sqlalchemy as sa

from supple.store import clinic_schema as _accounts  # noqa: F401  (users must be defined first)
from supple.store.schema import metadata


def _person() -> sa.Column[int]:
    return sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    )


def _author(name: str = "author_user_id") -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))


# One prescribed change of one exercise's dose for one client, from a date on. The dose fields
# left empty keep the plan's value. ``locked`` keeps automatic progression away from it;
# automatic easing for pain still applies (CLINICAL.md: safety first). ``ended_on`` closes it
# when a later adjustment or a new prescription replaces it.
dose_adjustments = sa.Table(
    "dose_adjustments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _person(),
    sa.Column("exercise_id", sa.String(64), nullable=False),
    sa.Column("from_date", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date, nullable=True),
    sa.Column("sets", sa.Integer, nullable=True),
    sa.Column("reps", sa.Integer, nullable=True),
    sa.Column("hold_seconds", sa.Integer, nullable=True),
    sa.Column("minutes", sa.Integer, nullable=True),
    sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),  # "clinician:7", as elsewhere
    _author(),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_dose_adjustments_person", "person_id", "from_date"),
)

# The practice's own programs, stored as the same plan YAML a person may upload and checked by
# the same loader when saved.
plan_templates = sa.Table(
    "plan_templates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("plan_yaml", sa.Text, nullable=False),
    _author("created_by"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# A clinician's private notes about a client: staff read them, the client does not.
client_notes = sa.Table(
    "client_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _person(),
    sa.Column("body", sa.Text, nullable=False),
    _author(),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_client_notes_person", "person_id", "created_at"),
)

# A needs-attention item someone on the staff has seen. An item is known by its client, its kind
# (red_flag, pain_stop, pain_unsettled, pain_rising, adherence_drop, inactive) and the moment it
# began ("since"); the same kind beginning again later is a new item.
alert_acks = sa.Table(
    "alert_acks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _person(),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("since", sa.String(32), nullable=False),  # ISO date or datetime, as flagged
    _author("acknowledged_by"),
    sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("person_id", "kind", "since", name="uq_alert_acks_item"),
)

# Every plan given to a client (migration 0012): the profile keeps only the current one, and the
# client sees each change a clinician made, with its reason.
plan_changes = sa.Table(
    "plan_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _person(),
    sa.Column("plan_name", sa.String(200), nullable=False),
    sa.Column("source", sa.String(300), nullable=False),  # the bundled plan, a template, a file
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("effective_on", sa.Date, nullable=False),  # the client's day it took effect
    sa.Column("actor", sa.String(64), nullable=True),
    _author(),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_plan_changes_person", "person_id", "created_at"),
)

CARE_TABLES = (
    "dose_adjustments",
    "plan_templates",
    "client_notes",
    "alert_acks",
    "plan_changes",
)
