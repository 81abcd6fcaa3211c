"""The tables. Every row that belongs to a person carries ``person_id`` from the first
migration on: the local app has one person, the clinic server many, and adding the column
later would mean rewriting every query and every stored row."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# The session events the adaptation rules read (store/history.py); the rest are the player's
# own bookkeeping (paused, resumed, …).
FACT_KINDS = ("step_completed", "hurt_flagged")
FACT_EVENTS = "kind IN ({})".format(", ".join(f"'{kind}'" for kind in FACT_KINDS))

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("session_time", sa.String(5), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("plan_name", sa.String(200), nullable=False),
    sa.Column("plan_source", sa.String(500), nullable=True),
    sa.Column("plan_yaml", sa.Text, nullable=True),
    sa.Column("rep_mode", sa.String(10), nullable=False, server_default="tempo"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(64), nullable=True),  # who last changed it (0003)
    # False from the browser's first run until its schedule step is answered (0014)
    sa.Column("schedule_chosen", sa.Boolean, nullable=False, server_default=sa.true()),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("on_date", sa.Date, nullable=False),
    sa.Column("program_week", sa.Integer, nullable=False),
    sa.Column("program_day", sa.Integer, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("stopped_reason", sa.String(200), nullable=True),
    sa.Column("total_steps", sa.Integer, nullable=False),
    sa.Column("timeline", sa.JSON, nullable=False),
    # core.step_facts, derived from the timeline when the session is stored (migration 0017)
    sa.Column("work_steps", sa.Text, nullable=False),
    sa.Column("step_facts", sa.JSON, nullable=False),
    sa.Index("ix_sessions_person_date", "person_id", "on_date"),
)

session_events = sa.Table(
    "session_events",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # client-made, so a retry is idempotent
    sa.Column(
        "session_id",
        sa.String(36),
        sa.ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("step_index", sa.Integer, nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data", sa.JSON, nullable=True),
    sa.Index("ix_session_events_session", "session_id", "step_index"),
    # Migration 0002 also adds the partial index ix_session_events_person_facts (person_id, kind
    # WHERE FACT_EVENTS). It is left out here on purpose: a postgresql_where argument makes
    # SQLAlchemy import its PostgreSQL dialect when this module loads, which costs every CLI
    # command ~50 ms, and these tables are created by the migrations, not from this metadata.
)

checkins = sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("kind", sa.String(16), nullable=False),  # morning | session | exercise | week
    sa.Column("on_date", sa.Date, nullable=False),
    sa.Column("subject", sa.String(64), nullable=False, server_default=""),  # exercise id, or ""
    sa.Column("values", sa.JSON, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("person_id", "kind", "on_date", "subject", name="uq_checkins_one_per_day"),
    sa.Index("ix_checkins_person_recorded", "person_id", "recorded_at"),
)

screen_answers = sa.Table(
    "screen_answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("screen_id", sa.String(36), nullable=False),  # one run of the screen
    sa.Column("question_id", sa.String(64), nullable=False),
    sa.Column("answer", sa.Boolean, nullable=False),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_screen_answers_person", "person_id", "answered_at"),
)

clearances = sa.Table(
    "clearances",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("cleared_on", sa.Date, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(64), nullable=True),  # who recorded it (0003)
    sa.Index("ix_clearances_person", "person_id", "recorded_at"),
)


# The clinic's account tables (migration 0010) are declared on this same ``metadata`` in
# ``clinic_schema``: building nine more tables costs every command ~15 ms at start-up, which
# the personal mode's `supple today` has no reason to pay.
