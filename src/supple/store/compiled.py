"""A statement compiled once for a dialect and run on the driver's own cursor.

The event writer runs a few statements per event, and every clinic request resolves its
sign-in with one query; going through SQLAlchemy's execution machinery each time costs CPU the
event loop serving the requests could use. The values get the very bind processing SQLAlchemy
would give them; the rows come back as the driver gives them (no result processing: use it for
columns whose driver values are already what SQLAlchemy would return).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa


class Compiled:
    """``statement`` compiled for ``dialect``: its SQL, how to order its parameters, and (for
    a select) the keys of its columns."""

    def __init__(self, statement: Any, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.statement = statement
        self.sql = str(compiled)
        self.order: list[str] | None = (
            list(compiled.positiontup) if compiled.positiontup is not None else None
        )
        self.names = list(compiled.binds)
        # Values written into the statement itself (``column == 1``), used unless given.
        self.fixed = {
            name: bind.effective_value
            for name, bind in compiled.binds.items()
            if bind.callable is None and not bind.required
        }
        self.processors: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.processors[name] = process
        selected = getattr(statement, "selected_columns", None)
        self.keys: list[str] = list(selected.keys()) if selected is not None else []

    def params(self, values: dict[str, Any]) -> Any:
        if self.fixed:
            values = {**self.fixed, **values}
        ready = {
            name: (self.processors[name](values[name]) if name in self.processors else values[name])
            for name in self.names
        }
        return [ready[name] for name in self.order] if self.order is not None else ready
