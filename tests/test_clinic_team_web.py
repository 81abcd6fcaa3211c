"""The Team page and the client's access log on the web (clinic mode, PostgreSQL): who may open
each new route, inviting with a QR code, assigning, ending sign-ins, disabling, the pages of the
list, and a client reading who opened their record."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supple.services import team
from supple.store import access_log
from tests.clinic_world import ClinicWorld, Member, build_world, postgres_url

PASSWORD = "maple river 2026"
ADDED = "changed your account or your clinician"
OPERATOR = "The practice&#39;s operator, from the server&#39;s command line"


@pytest.fixture(scope="module")
def shared() -> Iterator[ClinicWorld]:
    for url in postgres_url():
        built = build_world(url)
        try:
            yield built
        finally:
            built.close()
            built.store.dispose()


@pytest.fixture
def world() -> Iterator[ClinicWorld]:
    for url in postgres_url():
        built = build_world(url)
        try:
            yield built
        finally:
            built.close()
            built.store.dispose()


WHO = ("admin", "clinician", "client", "nobody")
# (method, path, what each one gets): an admin's empty form is refused by the form (422),
# never by the door; everyone else meets the door: 404 as for a page not there, or the login.
ROUTES = [
    ("GET", "/clinic/team", {"admin": 200, "clinician": 404, "client": 404}),
    ("GET", "/clinic/team/invite", {"admin": 200, "clinician": 404, "client": 404}),
    ("POST", "/clinic/team/invite", {"admin": 422, "clinician": 404, "client": 404}),
    ("POST", "/clinic/team/assign", {"admin": 422, "clinician": 404, "client": 404}),
    ("POST", "/clinic/team/end-sign-ins", {"admin": 422, "clinician": 404, "client": 404}),
    ("POST", "/clinic/team/disable", {"admin": 422, "clinician": 404, "client": 404}),
    ("POST", "/clinic/team/enable", {"admin": 422, "clinician": 404, "client": 404}),
    ("GET", "/care/access", {"admin": 404, "clinician": 404, "client": 200}),
]


def _member(w: ClinicWorld, who: str) -> Member:
    return {"admin": w.admin, "clinician": w.clin_a, "client": w.a1}[who]


@pytest.fixture(scope="module")
def browsers(shared: ClinicWorld) -> dict[str, TestClient]:
    found = {who: shared.browser(_member(shared, who)) for who in WHO if who != "nobody"}
    found["nobody"] = shared.nobody()
    return found


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    ("method", "path", "expected"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_each_new_route_answers_only_those_it_is_for(
    browsers: dict[str, TestClient], who: str, method: str, path: str, expected: dict[str, int]
) -> None:
    body: dict[str, Any] = {"data": {}} if method == "POST" else {}
    answer = browsers[who].request(method, path, **body)
    if who == "nobody":
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
        return
    assert answer.status_code == expected[who], answer.text[:300]
    if answer.status_code == 404:
        # The team's pages: the very page of a path that is not there; the client's own log:
        # what staff get on every personal page (they have no record of their own).
        like = "/care" if path == "/care/access" else "/clinic/no-such-page"
        assert answer.text == browsers[who].get(like).text


def test_admins_see_the_team_link_and_clinicians_do_not(browsers: dict[str, TestClient]) -> None:
    assert 'href="/clinic/team"' in browsers["admin"].get("/clinic").text
    assert 'href="/clinic/team"' not in browsers["clinician"].get("/clinic").text
    care = browsers["client"].get("/care").text
    assert 'href="/care/access"' in care
    assert 'href="/care/access"' in browsers["client"].get("/account").text


def test_the_team_lists_everyone_by_name_with_clinician_status_and_sign_ins(
    shared: ClinicWorld, browsers: dict[str, TestClient]
) -> None:
    page = browsers["admin"].get("/clinic/team")
    assert page.status_code == 200
    names = re.findall(r'<p class="who"><strong>([^<]+)</strong>', page.text)
    assert names == ["A1", "A2", "Ada", "Admin", "B1", "Bo", "owner@riverside.test"]
    assert "treated by Ada" in page.text and "treated by Bo" in page.text
    assert "1 live sign-in" in page.text  # the admin's own, at least
    assert 'name="csrf_token"' in page.text  # every form of the page carries the token
    clients = browsers["admin"].get("/clinic/team?role=client&q=a")
    assert re.findall(r'<p class="who"><strong>([^<]+)</strong>', clients.text) == ["A1", "A2"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("after=abc", "this page link is not valid"),
        ("after=999999", "this page link is not valid"),
        ("role=owner", "role must be one of"),
    ],
)
def test_a_bad_cursor_or_filter_is_a_400_page_that_says_so(
    browsers: dict[str, TestClient], query: str, says: str
) -> None:
    answer = browsers["admin"].get(f"/clinic/team?{query}")
    assert answer.status_code == 400
    assert says in answer.text.lower() and 'href="/clinic/team"' in answer.text


@pytest.mark.parametrize(("size", "pages"), [(7, [7]), (6, [6, 1])], ids=["one-page", "page+1"])
def test_the_list_comes_a_page_at_a_time_with_a_next_link_only_when_more_follow(
    browsers: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch, size: int, pages: list[int]
) -> None:
    monkeypatch.setattr(team, "PAGE", size)
    seen: list[int] = []
    url: str | None = "/clinic/team"
    while url:
        text = browsers["admin"].get(url).text
        seen.append(text.count('class="card member"'))
        found = re.search(r'href="(/clinic/team\?[^"]*after=\d+[^"]*)">Next page', text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == pages


def _invite(browser: TestClient, **fields: str) -> tuple[int, str]:
    answer = browser.post("/clinic/team/invite", data=fields)
    return answer.status_code, answer.text


def test_an_invite_shows_its_link_and_qr_once_and_the_link_is_used_only_by_a_post(
    world: ClinicWorld,
) -> None:
    w = world
    admin = w.browser(w.admin)
    status, text = _invite(
        admin, role="client", email="dora@example.org", name="Dora Kim", clinician=w.clin_b.email
    )
    assert status == 201, text
    link = re.search(r'<code class="secret invite-link">([^<]+)</code>', text)
    assert link is not None
    path = link.group(1).removeprefix(w.base)
    assert path.startswith("/invite/")
    assert "<svg" in text and "Invite link for dora@example.org" in text
    assert "works once" in text and "10 Nov 2026" in text and "(7 days from now)" in text
    for _ in range(2):  # a mail scanner, then the person: nothing is used up
        assert w.nobody().get(path).status_code == 200
    phone = w.nobody()
    done = phone.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert (done.status_code, done.headers["location"]) == (303, "/")
    assert w.nobody().get(path).status_code == 404
    caseload = w.bearer(w.clin_b).get("/api/v1/clients").json()["clients"]
    assert "Dora Kim" in [c["name"] for c in caseload]
    entry = access_log.entries(w.store, limit=5)
    assert any(
        e.actor_user_id == w.admin.user.id and e.action == "manage_team" and e.person_id
        for e in entry
    )


@pytest.mark.parametrize(
    ("fields", "status", "says", "field"),
    [
        ({"role": "client", "email": "A1@riverside.test"}, 409, "already exists", "email"),
        ({"role": "client", "email": "not an email"}, 422, "is not an email address", "email"),
        ({"role": "boss", "email": "x@example.org"}, 422, "role must be one of", "role"),
        ({"role": "client", "email": "y@example.org", "clinician": "a2@riverside.test"}, 422,
         "is not an active clinician", "clinician"),
    ],
)  # fmt: skip
def test_a_refused_invite_shows_the_form_again_with_the_field_marked(
    browsers: dict[str, TestClient], fields: dict[str, str], status: int, says: str, field: str
) -> None:
    code, text = _invite(browsers["admin"], **fields)
    assert code == status
    assert says in text.lower()
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', text)
    assert fields["email"] in text  # what was typed is kept


def test_assigning_moves_a_client_onto_the_other_clinicians_caseload(world: ClinicWorld) -> None:
    w = world
    a1 = w.a1.client_id
    ada, bo = w.browser(w.clin_a), w.browser(w.clin_b)
    assert ada.get(f"/clinic/clients/{a1}").status_code == 200
    assert bo.get(f"/clinic/clients/{a1}").status_code == 404
    admin = w.browser(w.admin)
    answer = admin.post(
        "/clinic/team/assign",
        data={"email": w.a1.email, "clinician": w.clin_b.email, "back": "role=client&x=1"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/clinic/team?role=client&done=assigned")
    notice = admin.get(answer.headers["location"]).text
    assert "A1 is now on Bo&#39;s caseload." in notice
    assert f"/clinic/clients/{a1}" in bo.get("/clinic").text
    assert bo.get(f"/clinic/clients/{a1}").status_code == 200
    assert ada.get(f"/clinic/clients/{a1}").status_code == 404
    assert f"/clinic/clients/{a1}" not in ada.get("/clinic").text
    seen = w.browser(w.a1).get("/care/access").text
    assert f"<strong>Admin (practice admin)</strong> {ADDED}" in seen


def test_disabling_ends_the_users_sign_ins_at_once_and_not_the_admins_own(
    world: ClinicWorld,
) -> None:
    w = world
    phone = w.browser(w.a1)
    assert phone.get("/care").status_code == 200
    admin = w.browser(w.admin)
    answer = admin.post("/clinic/team/disable", data={"email": w.a1.email})
    assert answer.status_code == 303 and "done=disabled" in answer.headers["location"]
    assert phone.get("/care").headers["location"].startswith("/login")
    assert phone.get("/api/v1/today").status_code == 401
    relogin = w.nobody().post("/login", data={"email": w.a1.email, "password": w.a1.password})
    assert relogin.status_code == 401
    mine = admin.post("/clinic/team/disable", data={"email": w.admin.email})
    assert mine.status_code == 409 and "cannot disable your own account" in mine.text
    again = admin.post("/clinic/team/disable", data={"email": w.a1.email})
    assert again.status_code == 409 and "already disabled" in again.text
    unknown = admin.post("/clinic/team/disable", data={"email": "nobody@example.org"})
    assert unknown.status_code == 404
    assert admin.get("/clinic/team").status_code == 200  # the admin is still signed in
    back = admin.post("/clinic/team/enable", data={"email": w.a1.email})
    assert back.status_code == 303 and "done=enabled" in back.headers["location"]
    assert w.browser(w.a1).get("/care").status_code == 200  # signs in again
    assert phone.get("/care").status_code == 303  # the old sign-in stays ended
    logged = [e for e in access_log.entries(w.store, person_id=w.a1.client_id)]
    assert any(e.actor_user_id == w.admin.user.id and "disable" in e.what for e in logged)


def test_ending_sign_ins_signs_the_user_out_everywhere_but_keeps_the_account(
    world: ClinicWorld,
) -> None:
    w = world
    phone, laptop = w.browser(w.a1), w.browser(w.a1)
    answer = w.browser(w.admin).post("/clinic/team/end-sign-ins", data={"email": w.a1.email})
    assert answer.status_code == 303
    assert "done=ended" in answer.headers["location"] and "n=2" in answer.headers["location"]
    for browser in (phone, laptop):
        assert browser.get("/api/v1/today").status_code == 401
    assert w.browser(w.a1).get("/api/v1/today").status_code == 200  # signs in again


def test_a_client_reads_who_opened_their_record_in_words_and_nothing_of_others(
    world: ClinicWorld,
) -> None:
    w = world
    ada, admin = w.browser(w.clin_a), w.browser(w.admin)
    assert ada.get(f"/clinic/clients/{w.a1.client_id}").status_code == 200
    assert admin.get(f"/clinic/clients/{w.a2.client_id}").status_code == 200
    client = w.browser(w.a1)
    client.post("/api/v1/sessions", json={})  # the client's own write: not in their view
    page = client.get("/care/access")
    assert page.status_code == 200
    rows = re.findall(r"<strong>([^<]+)</strong> ([^<]+)</span>", page.text)
    assert rows == [
        ("Ada (clinician)", "looked at your record"),
        (OPERATOR, ADDED),  # `supple clinic add`
    ]
    assert "Admin" not in page.text and "POST" not in page.text
    other = w.browser(w.b1).get("/care/access").text
    assert re.findall(r"<strong>([^<]+)</strong>", other) == [OPERATOR]
    # Staff read the same entry in the same words on the client's page.
    staff = ada.get(f"/clinic/clients/{w.a1.client_id}").text
    assert "<strong>Ada (clinician)</strong> looked at your record" in staff
    assert "<strong>A1" not in staff  # the client's own use is left out there too
