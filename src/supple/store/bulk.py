"""Many rows at once, for the demo practice and the scale benchmark.

PostgreSQL gets ``COPY … FROM STDIN`` through psycopg (an order of magnitude faster than
INSERTs for millions of rows); SQLite gets one ``executemany``. Both run inside the caller's
transaction, so a chunk lands whole or not at all. Ids that other rows must point at are
reserved first (``reserve_ids``): from the table's own sequence on PostgreSQL, so a server
inserting at the same time never collides; after the largest id on SQLite, whose writer
holds the database for the length of the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa


def reserve_ids(conn: sa.Connection, table: sa.Table, count: int) -> list[int]:
    """``count`` fresh values for ``table``'s integer ``id``, in increasing order."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": count},
        )
        return sorted(int(value) for (value,) in rows)
    top = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + count))


class SharedJSON:
    """A JSON value many rows hold (a day's timeline): encoded once, not once per row."""

    __slots__ = ("text", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.text = json.dumps(value)


def insert(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``; how many. JSON
    columns take Python values or a ``SharedJSON``."""
    json_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, sa.JSON)]
    if conn.dialect.name == "postgresql":
        return _copy(conn, table, columns, rows, json_at)
    batch = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for i in json_at:
            if isinstance(row[i], SharedJSON):
                values[columns[i]] = row[i].value
        batch.append(values)
    if batch:
        conn.execute(table.insert(), batch)
    return len(batch)


def _copy(
    conn: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    json_at: Sequence[int],
) -> int:
    names = ", ".join(f'"{name}"' for name in columns)
    count = 0
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    value = row[i]
                    if isinstance(value, SharedJSON):
                        row[i] = value.text
                    elif value is not None:
                        row[i] = json.dumps(value)
            copy.write_row(row)
            count += 1
    return count


def by_columns(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Dicts as tuples in the order of ``columns``."""
    return [tuple(row[name] for name in columns) for row in rows]
