"""The practice's plan templates (migration 0011's ``plan_templates``): plan YAML under a name
unique in the practice, with who made it and when it last changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from supple.core.errors import FieldError
from supple.store.care_schema import plan_templates as table
from supple.store.clinic_schema import users
from supple.store.database import Store
from supple.store.screens import aware


class NameTaken(FieldError):
    """Another template of the practice has this name already."""

    def __init__(self, name: str) -> None:
        super().__init__("name", f"a template called “{name}” exists already; choose another name")


@dataclass(frozen=True)
class Template:
    id: int
    name: str
    plan_yaml: str
    created_by: str | None  # the author's name or email; None once the user is gone
    created_at: datetime
    updated_at: datetime


def _query() -> sa.Select[tuple[object, ...]]:
    return sa.select(table, users.c.name.label("author"), users.c.email).select_from(
        table.outerjoin(users, users.c.id == table.c.created_by)
    )


def _template(row: sa.Row[tuple[object, ...]]) -> Template:
    m = row._mapping
    return Template(
        id=m["id"],
        name=m["name"],
        plan_yaml=m["plan_yaml"],
        created_by=m["author"] or m["email"],
        created_at=aware(m["created_at"]),
        updated_at=aware(m["updated_at"]),
    )


def list_all(store: Store) -> list[Template]:
    with store.read() as conn:
        rows = conn.execute(_query().order_by(table.c.name))
        return [_template(row) for row in rows]


def get(store: Store, template_id: int) -> Template | None:
    with store.read() as conn:
        row = conn.execute(_query().where(table.c.id == template_id)).first()
    return _template(row) if row else None


def _taken(name: str) -> NameTaken:
    return NameTaken(name)


def create(store: Store, name: str, plan_yaml: str, *, by: int | None, at: datetime) -> int:
    try:
        with store.write() as conn:
            result = conn.execute(
                table.insert().values(
                    name=name, plan_yaml=plan_yaml, created_by=by, created_at=at, updated_at=at
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])
    except sa.exc.IntegrityError:
        raise _taken(name) from None


def update(store: Store, template_id: int, name: str, plan_yaml: str, *, at: datetime) -> bool:
    """Change a template; False when it does not exist."""
    try:
        with store.write() as conn:
            result = conn.execute(
                table.update()
                .where(table.c.id == template_id)
                .values(name=name, plan_yaml=plan_yaml, updated_at=at)
            )
            return bool(result.rowcount)
    except sa.exc.IntegrityError:
        raise _taken(name) from None


def delete(store: Store, template_id: int) -> bool:
    with store.write() as conn:
        return bool(conn.execute(table.delete().where(table.c.id == template_id)).rowcount)
