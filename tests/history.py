"""A small, fixed history for the export tests: two weeks of sessions with their events,
morning, session and weekly check-ins (with the PSFS), an exercise that hurt, a safety screen
and a clearance.

It is written through the storage functions the app itself uses, with explicit times, so every
export of it is the same bytes on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from supple import services
from supple.core.timeline import to_json
from supple.services import Scope
from supple.store import checkins
from supple.store import sessions as table
from supple.store.schema import clearances, screen_answers

START = date(2026, 11, 2)
# (day offset, morning pain, morning stiffness, session effort); days 5 and 6 are missed
DAYS = [(0, 5, 6, 4), (1, 5, 5, 4), (2, 4, 5, 5), (3, 4, 4, 3), (4, 4, 4, 4), (7, 3, 3, 4)]
DAYS += [(8, 3, 3, 3), (9, 2, 3, 4), (10, 2, 2, 3), (11, 2, 2, 3)]
HURT = (2, "side-lying-clamshells")  # on day offset 2 this exercise hurt (pain 6)
PSFS_START = {"tie shoes": 4, "sit for an hour": 3, "lift a child": 5}
PSFS_LATER = {"tie shoes": 7, "sit for an hour": 5, "lift a child": 6}
WEEKS = [(0, 5, PSFS_START), (11, 3, PSFS_LATER)]  # weekly check-ins: pain and the PSFS


def upsert(*args: Any) -> None:
    """A check-in as the app stores it, recorded now (as the app records it)."""
    checkins.upsert(*args, at=datetime.now(UTC))


def at(on: date, hour: int, minute: int = 0) -> datetime:
    return datetime(on.year, on.month, on.day, hour, minute, tzinfo=UTC)


def seed(ctx: Scope) -> None:
    """Write the history for the context's person (who must have a profile from START)."""
    person = ctx.require_subject()
    for offset, pain, stiffness, effort in DAYS:
        on = START + timedelta(days=offset)
        plan = services.day(ctx, on)
        session_id = f"s-{on.isoformat()}"
        table.create(
            ctx.store,
            session_id=session_id,
            person_id=person,
            on=on,
            week=plan.slot.week,
            day=plan.slot.day,
            started_at=at(on, 6, 30),
            timeline=to_json(plan.timeline),
        )
        for step in plan.timeline.steps:
            table.add_event(
                ctx.store,
                event_id=f"{session_id}:completed:{step.index}",
                session_id=session_id,
                person_id=person,
                kind="step_completed",
                step_index=step.index,
                at=at(on, 6, 31) + timedelta(seconds=step.index),
            )
        if (offset, plan.items[2].exercise.id) == HURT:
            step = plan.timeline.work_steps(2)[0]
            table.add_event(
                ctx.store,
                event_id=f"{session_id}:hurt",
                session_id=session_id,
                person_id=person,
                kind="hurt_flagged",
                step_index=step.index,
                at=at(on, 6, 45),
                data={"exercise": HURT[1]},
            )
            upsert(
                ctx.store,
                person,
                "exercise",
                on,
                {"pain": 6, "hurt": True, "quality": None},
                HURT[1],
            )
        table.close(ctx.store, person, session_id, at=at(on, 6, 50), reason=None)
        upsert(ctx.store, person, "morning", on, {"pain": pain, "stiffness": stiffness})
        upsert(
            ctx.store, person, "session", on, {"before_pain": pain, "after_pain": 2, "rpe": effort}
        )
    for offset, pain, psfs in WEEKS:
        upsert(
            ctx.store, person, "week", START + timedelta(days=offset), {"pain": pain, "psfs": psfs}
        )
    with ctx.store.write() as conn:
        for question, answer in (("saddle-numbness", False), ("injury", True)):
            conn.execute(
                screen_answers.insert().values(
                    person_id=person,
                    screen_id="screen-1",
                    question_id=question,
                    answer=answer,
                    answered_at=at(START, 6),
                )
            )
        conn.execute(
            clearances.insert().values(
                person_id=person, cleared_on=START, recorded_at=at(START, 6, 10)
            )
        )


def seeded_database(url: str) -> str:
    """A database at ``url`` with a profile starting on ``START`` (Paris) and the seeded history."""
    from supple.store.database import open_store
    from tests.conftest import local_scope

    store = open_store(url)
    services.init_profile(
        local_scope(store),
        start_date=START,
        session_time="07:30",
        timezone="Europe/Paris",
        plan_path=None,
    )
    seed(local_scope(store))
    store.dispose()
    return url
