"""An admin's all-clients list a page at a time (services.caseload.caseload_page): keyset pages
by name that walk forward and back to the same pages, their ends, bad cursors and limits, and
the same number of statements on every page; on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from bench.clinic_data import Caseload, build

from supple.core.errors import FieldError, NotFound
from supple.services import FixedClock, Scope, caseload
from supple.services.scope import Actor
from supple.store.database import Store, open_store
from tests.conftest import PG_URL, REQUIRE_PG, _pg_schema_url

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def as_(store: Store, role: str, user_id: int) -> Scope:
    return Scope(store, Actor(role, user_id), None, FixedClock(NOW))  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgresql"])
def clinic(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Caseload]]:
    if request.param == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'clinic.db'}")
        yield store, build(store, clients=7, days=10, today=TODAY)
        store.dispose()
        return
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SUPPLE_TEST_POSTGRES_URL must be set when SUPPLE_REQUIRE_POSTGRES=1")
        pytest.skip("set SUPPLE_TEST_POSTGRES_URL to run the clinic's PostgreSQL tests")
    for url in _pg_schema_url(PG_URL):
        store = open_store(url)
        yield store, build(store, clients=7, days=10, today=TODAY)
        store.dispose()


def test_pages_walk_forward_and_back_to_the_same_clients_by_name(
    clinic: tuple[Store, Caseload],
) -> None:
    store, built = clinic
    admin = as_(store, "admin", built.admin_id)
    whole = [r.client_id for r in caseload.caseload(admin)]
    first = caseload.caseload_page(admin, limit=3)
    second = caseload.caseload_page(admin, limit=3, after=first.next)
    third = caseload.caseload_page(admin, limit=3, after=second.next)
    pages = [[r.client_id for r in p.rows] for p in (first, second, third)]
    assert pages == [whole[:3], whole[3:6], whole[6:]]
    assert first.previous is None and third.next is None
    assert second.previous is not None and third.previous is not None
    back = caseload.caseload_page(admin, limit=3, before=third.previous)
    assert [r.client_id for r in back.rows] == pages[1] and back.next is not None
    start = caseload.caseload_page(admin, limit=3, before=back.previous)
    assert [r.client_id for r in start.rows] == pages[0] and start.previous is None
    assert start.next == first.next


@pytest.mark.parametrize(("limit", "pages"), [(7, [7]), (6, [6, 1]), (1, [1] * 7), (200, [7])])
def test_a_page_ends_exactly_where_the_list_does(
    clinic: tuple[Store, Caseload], limit: int, pages: list[int]
) -> None:
    store, built = clinic
    admin = as_(store, "admin", built.admin_id)
    sizes, after = [], None
    while True:
        page = caseload.caseload_page(admin, limit=limit, after=after)
        sizes.append(len(page.rows))
        if page.next is None:
            break
        after = page.next
    assert sizes == pages


@pytest.mark.parametrize(
    ("limit", "after", "before", "field"),
    [
        (0, None, None, "limit"),
        (201, None, None, "limit"),
        (-3, None, None, "limit"),
        (10, "not a cursor!", None, "after"),
        (10, "bm90IGpzb24", None, "after"),  # base64 of "not json"
        (10, "WyJhIiwidHdvIl0", None, "after"),  # ["a","two"]: not (name, id)
        (10, "WyJhIix0cnVlXQ", None, "after"),  # ["a",true]
        (10, None, "e30", "before"),  # {}
        (10, "x" * 601, None, "after"),
        (10, "WyJhIiwxXQ", "WyJhIiwxXQ", "before"),  # both given
    ],
)
def test_a_bad_limit_or_cursor_is_refused_naming_it(
    clinic: tuple[Store, Caseload], limit: int, after: str | None, before: str | None, field: str
) -> None:
    store, built = clinic
    with pytest.raises(FieldError) as refused:
        caseload.caseload_page(as_(store, "admin", built.admin_id), limit=limit, after=after,
                               before=before)  # fmt: skip
    assert refused.value.field == field and field in str(refused.value)


def test_a_clinicians_pages_hold_only_their_clients_and_a_client_has_none(
    clinic: tuple[Store, Caseload],
) -> None:
    store, built = clinic
    mine = caseload.caseload_page(as_(store, "clinician", built.clinician_id), limit=50)
    assert [r.client_id for r in mine.rows] == built.client_ids and mine.next is None
    other = caseload.caseload_page(as_(store, "clinician", built.admin_id + 999), limit=50)
    assert other.rows == []
    with pytest.raises(NotFound):
        caseload.caseload_page(as_(store, "person", built.client_ids[0]), limit=5)


def test_every_page_costs_the_same_number_of_statements(clinic: tuple[Store, Caseload]) -> None:
    store, built = clinic
    admin = as_(store, "admin", built.admin_id)
    counts = []
    after = None
    for _ in range(3):
        seen: list[str] = []

        def count(*event: object, seen: list[str] = seen) -> None:
            seen.append(str(event[2]))

        sa.event.listen(store.engine, "before_cursor_execute", count)
        try:
            page = caseload.caseload_page(admin, limit=3, after=after)
        finally:
            sa.event.remove(store.engine, "before_cursor_execute", count)
        counts.append(len([s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]))
        after = page.next
    assert counts[0] == counts[1] == counts[2]
