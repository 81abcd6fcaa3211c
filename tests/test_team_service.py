"""The team's use cases (services.team, services.clinic_accounts) on SQLite and PostgreSQL:
the page of users by name with its keyset cursor, the role filter and the search, moving a
client onto another clinician's caseload, ending sign-ins, and the rules of who may do it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from supple.core.access import Role
from supple.core.errors import FieldError, InputError, NotFound
from supple.services import Scope, clinic_accounts, team
from supple.services.scope import Actor, FixedClock
from supple.store import accounts, logins
from supple.store.database import Store

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
BASE = "http://localhost"


def _operator(store: Store) -> Scope:
    return Scope.operator(store, FixedClock(T0))


def _as(store: Store, user: accounts.User) -> Scope:
    return Scope(store, Actor(user.role.value, user.id), None, FixedClock(T0))


def _add(store: Store, email: str, role: Role, name: str | None = None, **kw: str) -> accounts.User:
    added = clinic_accounts.add_user(
        _operator(store), role=role, email=email, name=name, base_url=BASE, **kw
    )
    return added.user


@pytest.fixture
def practice(any_store: Store) -> tuple[Store, accounts.User]:
    created = clinic_accounts.init_clinic(
        _operator(any_store), name="Riverside", admin_email="owner@riverside.test", base_url=BASE
    )
    return any_store, created.admin


def _names(page: team.TeamPage) -> list[str]:
    return [row.name or row.email for row in page.rows]


def test_the_team_is_listed_by_name_whatever_the_capitals_with_each_clients_clinician(
    practice: tuple[Store, accounts.User],
) -> None:
    store, admin = practice
    _add(store, "ada@riverside.test", Role.CLINICIAN, "Ada Lind")
    _add(store, "zed@example.org", Role.CLIENT, "zed Young", clinician_email="ada@riverside.test")
    _add(store, "bea@example.org", Role.CLIENT, "Bea Ortiz")
    page = team.team_page(_as(store, admin))
    assert _names(page) == ["Ada Lind", "Bea Ortiz", "owner@riverside.test", "zed Young"]
    zed = page.rows[-1]
    assert (zed.role, [c[1] for c in zed.clinicians], zed.active) == (
        Role.CLIENT,
        ["Ada Lind"],
        True,
    )
    assert page.next_after is None
    assert [email for _, email, _ in page.staff] == ["ada@riverside.test", "owner@riverside.test"]


@pytest.mark.parametrize(
    ("users", "pages"),
    [
        (0, [1]),  # only the admin
        (2, [3]),  # exactly one page
        (3, [3, 1]),  # one more than a page
        (5, [3, 3]),  # two full pages, nothing after
    ],
    ids=["one-user", "exactly-a-page", "a-page-and-one", "two-full-pages"],
)
def test_pages_follow_the_keyset_without_repeating_or_skipping_anyone(
    practice: tuple[Store, accounts.User], users: int, pages: list[int]
) -> None:
    store, admin = practice
    for i in range(users):
        # Two users share each name: the id breaks the tie, so none is lost at a page's edge.
        _add(store, f"u{i}@example.org", Role.CLIENT, f"Same {i // 2}")
    seen: list[int] = []
    sizes: list[int] = []
    after: str | None = None
    while True:
        page = team.team_page(_as(store, admin), after=after, limit=3)
        sizes.append(len(page.rows))
        seen += [row.user_id for row in page.rows]
        if page.next_after is None:
            break
        after = str(page.next_after)
    assert sizes == pages
    assert len(seen) == len(set(seen)) == users + 1


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "9" * 13, "٣", "999999"])
def test_a_bad_cursor_is_refused_with_a_message_naming_the_first_page(
    practice: tuple[Store, accounts.User], cursor: str
) -> None:
    store, admin = practice
    with pytest.raises(InputError, match="start again from the first page"):
        team.team_page(_as(store, admin), after=cursor)


def test_the_role_filter_and_the_search_narrow_the_list(
    practice: tuple[Store, accounts.User],
) -> None:
    store, admin = practice
    _add(store, "ada@riverside.test", Role.CLINICIAN, "Ada Lind")
    _add(store, "sam@example.org", Role.CLIENT, "Sam Ortiz")
    _add(store, "percent%@example.org", Role.CLIENT, "Odd_Name")
    scope = _as(store, admin)
    assert _names(team.team_page(scope, role="clinician")) == ["Ada Lind"]
    assert _names(team.team_page(scope, search="ORTIZ")) == ["Sam Ortiz"]
    assert _names(team.team_page(scope, search="riverside")) == [
        "Ada Lind",
        "owner@riverside.test",
    ]
    assert _names(team.team_page(scope, search="%")) == ["Odd_Name"]  # no wildcard
    assert _names(team.team_page(scope, search="_")) == ["Odd_Name"]
    assert _names(team.team_page(scope, role="client", search="ada")) == []
    with pytest.raises(FieldError, match="role must be one of"):
        team.team_page(scope, role="owner")


@pytest.mark.parametrize(
    ("search", "reason"),
    [
        ("\x00x", "control character U\\+0000"),
        ("a\x1bb", "control character U\\+001B"),
        ("x" * 101, "101 characters long"),
    ],
    ids=["nul", "escape", "too-long"],
)
def test_a_search_the_database_cannot_take_is_refused_in_words(
    practice: tuple[Store, accounts.User], search: str, reason: str
) -> None:
    store, admin = practice
    with pytest.raises(FieldError, match=reason):
        team.team_page(_as(store, admin), search=search)


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.CLIENT])
def test_only_an_admin_reads_or_changes_the_team(
    practice: tuple[Store, accounts.User], role: Role
) -> None:
    store, _ = practice
    _add(store, "ada@riverside.test", Role.CLINICIAN)
    someone = _add(store, "x@example.org", role)
    scope = _as(store, someone)
    with pytest.raises(NotFound):
        team.team_page(scope)
    with pytest.raises(NotFound):
        clinic_accounts.add_user(
            scope, role=Role.CLIENT, email="new@example.org", name=None, base_url=BASE
        )
    with pytest.raises(NotFound):
        clinic_accounts.end_sign_ins(scope, email="ada@riverside.test")
    with pytest.raises(NotFound):
        clinic_accounts.disable(scope, email="ada@riverside.test")
    assert accounts.find_user(store, "new@example.org") is None


def test_assigning_moves_the_client_off_the_old_caseload_in_one_step(
    practice: tuple[Store, accounts.User],
) -> None:
    store, admin = practice
    ada = _add(store, "ada@riverside.test", Role.CLINICIAN)
    bo = _add(store, "bo@riverside.test", Role.CLINICIAN)
    sam = _add(store, "sam@example.org", Role.CLIENT, clinician_email="ada@riverside.test")
    assert sam.person_id is not None
    clinic_accounts.assign_client(
        _as(store, admin), email="sam@example.org", clinician_email="bo@riverside.test"
    )
    assert accounts.caseload(store, ada.id) == []
    assert accounts.caseload(store, bo.id) == [sam.person_id]
    # Again, to the same: still one clinician.
    clinic_accounts.assign_client(
        _as(store, admin), email="sam@example.org", clinician_email="bo@riverside.test"
    )
    facts = accounts.client_facts(store, sam.person_id)
    assert facts is not None and facts.clinician_ids == frozenset({bo.id})


@pytest.mark.parametrize(
    ("client", "clinician", "message"),
    [
        ("ada@riverside.test", "bo@riverside.test", "is not a client"),
        ("sam@example.org", "sam@example.org", "is not an active clinician"),
        ("sam@example.org", "gone@riverside.test", "is not an active clinician"),
        ("sam@example.org", "nobody@riverside.test", "no user has the email"),
        ("sam@example.org", "not an email", "is not an email address"),
    ],
)
def test_assigning_refuses_what_cannot_treat_or_be_treated(
    practice: tuple[Store, accounts.User], client: str, clinician: str, message: str
) -> None:
    store, admin = practice
    _add(store, "ada@riverside.test", Role.CLINICIAN)
    _add(store, "bo@riverside.test", Role.CLINICIAN)
    _add(store, "gone@riverside.test", Role.CLINICIAN)
    clinic_accounts.disable(_operator(store), email="gone@riverside.test")
    _add(store, "sam@example.org", Role.CLIENT, clinician_email="ada@riverside.test")
    with pytest.raises(InputError, match=message):
        clinic_accounts.assign_client(_as(store, admin), email=client, clinician_email=clinician)


def test_ending_sign_ins_keeps_the_user_and_counts_only_live_ones(
    practice: tuple[Store, accounts.User],
) -> None:
    store, admin = practice
    sam = _add(store, "sam@example.org", Role.CLIENT)
    for digest in ("a" * 64, "b" * 64):
        logins.start_session(store, sam, digest, T0 - timedelta(minutes=5))
    page = team.team_page(_as(store, admin), role="client")
    assert page.rows[0].sign_ins == 2
    user, ended = clinic_accounts.end_sign_ins(_as(store, admin), email="sam@example.org")
    assert (user.email, ended) == ("sam@example.org", 2)
    assert team.team_page(_as(store, admin), role="client").rows[0].sign_ins == 0
    assert accounts.require_user(store, "sam@example.org").active


def test_an_admin_cannot_disable_themself_but_another_admin_can(
    practice: tuple[Store, accounts.User],
) -> None:
    store, admin = practice
    with pytest.raises(InputError, match="cannot disable your own account"):
        clinic_accounts.disable(_as(store, admin), email="OWNER@riverside.test")
    assert accounts.require_user(store, admin.email).active
    other = _add(store, "second@riverside.test", Role.ADMIN)
    clinic_accounts.disable(_as(store, other), email=admin.email)
    assert not accounts.require_user(store, admin.email).active


def test_an_admins_changes_are_not_logged_twice_the_operators_are_logged_here(
    practice: tuple[Store, accounts.User],
) -> None:
    from supple.store import access_log

    store, admin = practice
    before = len(access_log.entries(store))
    _add(store, "sam@example.org", Role.CLIENT)
    assert len(access_log.entries(store)) == before + 1  # the operator's: here
    clinic_accounts.end_sign_ins(_as(store, admin), email="sam@example.org")
    assert len(access_log.entries(store)) == before + 1  # an admin's: by the web's guard


def test_a_taken_email_is_refused_as_account_exists(practice: tuple[Store, accounts.User]) -> None:
    store, admin = practice
    _add(store, "sam@example.org", Role.CLIENT)
    with pytest.raises(clinic_accounts.AccountExists, match="already exists"):
        clinic_accounts.add_user(
            _as(store, admin), role=Role.CLIENT, email="SAM@example.org", name=None, base_url=BASE
        )


def test_a_disabled_user_is_enabled_again_and_an_active_one_is_refused(
    practice: tuple[Store, accounts.User],
) -> None:
    store, admin = practice
    _add(store, "sam@example.org", Role.CLIENT)
    with pytest.raises(InputError, match="is not disabled"):
        clinic_accounts.enable(_as(store, admin), email="sam@example.org")
    clinic_accounts.disable(_as(store, admin), email="sam@example.org")
    assert not accounts.require_user(store, "sam@example.org").active
    clinic_accounts.enable(_as(store, admin), email="sam@example.org")
    assert accounts.require_user(store, "sam@example.org").active
