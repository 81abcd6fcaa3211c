"""Clinic mode's sign-in through the web: the login form and its throttle, the staff's second
factor (enrolment, codes, replays, recovery codes), sessions' cookies and time-outs, logout,
disabling, the account page, invites, Bearer tokens, the guards behind TLS, and the boundary's
404 and access log. On PostgreSQL (``tests.clinic_world``)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

import httpx2 as httpx
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from supple.accounts import totp
from supple.core.access import Action, Role
from supple.services import Scope, clinic_accounts
from supple.store import access_log, accounts
from supple.web.clinic_scope import ClientRecord, CurrentUser, for_client
from supple.web.csrf import HEADER
from tests.clinic_world import BASE, PASSWORD, ClinicWorld, Member

MIN = timedelta(minutes=1)


def _login(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/login", data={"email": email, "password": password})


def _cookies(answer: httpx.Response) -> list[str]:
    return list(answer.headers.get_list("set-cookie"))


def _session_cookie(answer: httpx.Response, name: str = "supple_session") -> str:
    found = [c for c in _cookies(answer) if c.startswith(f"{name}=")]
    assert len(found) == 1, _cookies(answer)
    return found[0]


# --- Signing in ---------------------------------------------------------------------------


def test_a_client_signs_in_with_a_password_and_lands_on_today(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    client = w.nobody()
    answer = _login(client, w.a1.email.upper())
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    cookie = _session_cookie(answer)
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(value) >= 43  # 256 random bits, URL-safe
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # plain HTTP: a Secure cookie would never come back
    assert "max-age" in flags  # a client keeps a phone signed in
    assert client.get("/api/v1/today").status_code == 200


def test_the_login_page_has_the_token_and_no_script_of_its_own(clinic_world: ClinicWorld) -> None:
    page = clinic_world.nobody().get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) is None
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("a1@riverside.test", "not the password"),
        ("nobody@riverside.test", PASSWORD),
        ("", PASSWORD),
    ],
)
def test_a_failed_sign_in_says_the_same_whether_or_not_the_account_exists(
    clinic_world: ClinicWorld, email: str, password: str
) -> None:
    client = clinic_world.nobody()
    answer = _login(client, email, password)
    assert answer.status_code in (401, 422)
    if email:
        assert answer.status_code == 401
        assert "do not match an account that can sign in" in answer.text
        assert "supple_session=" not in " ".join(_cookies(answer))


def test_a_disabled_client_cannot_sign_in_and_is_told_nothing_more(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    clinic_accounts.disable(Scope.operator(w.store, w.clock), email=w.a2.email)
    answer = _login(w.nobody(), w.a2.email)
    assert answer.status_code == 401 and "do not match an account" in answer.text


def test_five_wrong_passwords_throttle_the_account_with_429_even_for_the_right_one(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    client = w.nobody()
    for _ in range(5):
        assert _login(client, w.a1.email, "wrong password!").status_code == 401
    answer = _login(client, w.a1.email)
    assert answer.status_code == 429
    assert "Too many attempts. Wait 30 seconds" in answer.text
    assert answer.headers["retry-after"] == "30"
    w.clock.advance(timedelta(seconds=31))
    assert _login(client, w.a1.email).status_code == 303


def test_the_throttle_of_an_unknown_account_looks_like_that_of_a_real_one(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    for email in ("a1@riverside.test", "ghost@riverside.test"):
        client = w.nobody()
        for _ in range(5):
            _login(client, email, "wrong password!")
        answer = _login(client, email, "wrong password!")
        assert answer.status_code == 429 and "Wait 30 seconds" in answer.text


def test_the_throttle_holds_across_workers_because_it_lives_in_the_database(
    clinic_world: ClinicWorld,
) -> None:
    """A second app on the same database (another worker) sees the same failures."""
    from supple.web import WebSettings, create_app

    w = clinic_world
    for _ in range(5):
        _login(w.nobody(), w.a1.email, "wrong password!")
    other = create_app(WebSettings(database_url=w.store.url, clinic=True, secret_key="k" * 32))
    other.state.roots.clock = w.clock
    with TestClient(other, base_url=BASE, follow_redirects=False) as second:
        second.headers[HEADER] = second.get("/api/v1/csrf-token").json()["token"]
        assert _login(second, w.a1.email).status_code == 429
    other.state.store.dispose()


def test_twenty_failures_from_one_address_throttle_every_account_from_it(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    client = w.nobody()
    for n in range(20):
        _login(client, f"guess{n}@riverside.test", "wrong password!")
    assert _login(client, w.b1.email).status_code == 429


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"sec-fetch-site": "cross-site"},
    ],
)
def test_a_login_posted_from_another_site_is_refused(
    clinic_world: ClinicWorld, headers: dict[str, str]
) -> None:
    w = clinic_world
    client = w.nobody()
    answer = client.post(
        "/login", data={"email": w.a1.email, "password": PASSWORD}, headers=headers
    )
    assert answer.status_code == 403 and "another site" in answer.text
    assert not any(c.startswith("supple_session=") for c in _cookies(answer))


def test_a_login_without_the_anti_forgery_token_is_refused(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    client = TestClient(w.app, base_url=BASE, follow_redirects=False)
    answer = client.post("/login", data={"email": w.a1.email, "password": PASSWORD})
    assert answer.status_code == 403 and "anti-forgery" in answer.text


def test_signing_in_gives_a_new_id_and_an_id_planted_before_is_worthless(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    client = w.nobody()
    client.cookies.set("supple_session", "planted-by-someone-else", domain="localhost")
    answer = _login(client, w.a1.email)
    assert "planted-by-someone-else" not in _session_cookie(answer)
    stranger = TestClient(w.app, base_url=BASE, follow_redirects=False)
    stranger.cookies.set("supple_session", "planted-by-someone-else", domain="localhost")
    assert stranger.get("/api/v1/today").status_code == 401


# --- Who may reach what before signing in --------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/today", "/api/v1/checkins", "/api/v1/progress"])
def test_the_api_answers_401_json_to_nobody(clinic_world: ClinicWorld, path: str) -> None:
    answer = clinic_world.nobody().get(path)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/json"
    assert "sign in" in answer.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/week", "/history", "/settings", "/account"])
def test_pages_send_nobody_to_the_login_page_and_back(clinic_world: ClinicWorld, path: str) -> None:
    answer = clinic_world.nobody().get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] in ("/login", f"/login?next=%2F{path[1:]}")


@pytest.mark.parametrize(
    "path", ["/login", "/healthz", "/static/app.css", "/api/v1/csrf-token", "/invite/nothing"]
)
def test_the_open_paths_answer_without_a_sign_in(clinic_world: ClinicWorld, path: str) -> None:
    answer = clinic_world.nobody().get(path)
    assert answer.status_code in (200, 404) and answer.status_code != 401
    if path == "/healthz":
        assert answer.json() == {"status": "ok"}


def test_after_login_the_page_asked_for_opens(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    client = w.nobody()
    answer = client.post(
        "/login", data={"email": w.a1.email, "password": PASSWORD, "next": "/week"}
    )
    assert answer.headers["location"] == "/week"
    evil = client.post(
        "/login", data={"email": w.a1.email, "password": PASSWORD, "next": "//evil.example/"}
    )
    assert evil.headers["location"] == "/"


# --- The second factor ---------------------------------------------------------------------


def test_staff_must_pass_the_code_before_anything_else(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    client = w.nobody()
    assert _login(client, w.clin_a.email).headers["location"] == "/login/two-factor"
    assert client.get("/api/v1/today").status_code == 401
    assert client.get("/account").headers["location"] == "/login/two-factor"
    page = client.get("/login/two-factor")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    answer = client.post("/login/two-factor", data={"code": w.code(w.clin_a)})
    assert (answer.status_code, answer.headers["location"]) == (303, "/clinic")
    assert client.get("/account").status_code == 200
    assert _session_cookie(_login(w.nobody(), w.clin_a.email)).lower().count("max-age") == 0


def test_a_code_used_once_is_refused_the_second_time(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    first, second = w.nobody(), w.nobody()
    _login(first, w.clin_a.email)
    _login(second, w.clin_a.email)
    code = w.code(w.clin_a)
    assert first.post("/login/two-factor", data={"code": code}).status_code == 303
    replay = second.post("/login/two-factor", data={"code": code})
    assert replay.status_code == 401 and "not accepted" in replay.text
    assert second.get("/api/v1/today").status_code == 401


def test_a_wrong_code_is_refused_and_counts_toward_the_throttle(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    client = w.nobody()
    _login(client, w.clin_b.email)
    for _ in range(5):
        assert client.post("/login/two-factor", data={"code": "000000"}).status_code == 401
    throttled = client.post("/login/two-factor", data={"code": w.code(w.clin_b)})
    assert throttled.status_code == 429 and "Wait" in throttled.text


def _new_staff(w: ClinicWorld, key: str) -> Member:
    added = clinic_accounts.add_user(
        Scope.operator(w.store, w.clock),
        role=Role.CLINICIAN,
        email=f"{key}@riverside.test",
        name="Cleo New",
        base_url=BASE,
        password=PASSWORD,
    )
    return Member(key, added.user.email, Role.CLINICIAN, added.user, token="")


def test_first_sign_in_enrols_totp_with_a_qr_code_and_shows_recovery_codes_once(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    cleo = _new_staff(w, "cleo")
    client = w.nobody()
    assert _login(client, cleo.email).headers["location"] == "/login/enrol"
    page = client.get("/login/enrol")
    assert page.status_code == 200 and "<svg" in page.text
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) is None
    shown = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text)
    assert shown is not None
    secret = shown.group(1).replace(" ", "")
    assert client.get("/login/enrol").text.count(shown.group(1)) == 1  # a reload: same seed
    wrong = client.post("/login/enrol", data={"code": "123456"})
    assert wrong.status_code == 422 and shown.group(1) in wrong.text
    code = totp.code_at(secret, totp.step_at(w.clock.now()))
    done = client.post("/login/enrol", data={"code": code})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", done.text)
    assert len(codes) == 10
    assert client.get("/account").status_code == 200
    assert client.get("/login/enrol").status_code == 303  # never shown again
    again = w.nobody()
    assert _login(again, cleo.email).headers["location"] == "/login/two-factor"
    assert again.post("/login/two-factor", data={"code": codes[0]}).status_code == 303
    third = w.nobody()
    _login(third, cleo.email)
    assert third.post("/login/two-factor", data={"code": codes[0]}).status_code == 401
    assert third.post("/login/two-factor", data={"code": codes[1].upper()}).status_code == 303


# --- Sessions: time-outs, logout, disabling, the account page -------------------------------


@pytest.mark.parametrize(
    ("who", "idle", "works"),
    [
        ("clin_a", timedelta(minutes=29), True),
        ("clin_a", timedelta(minutes=31), False),
        ("a1", timedelta(days=13), True),
        ("a1", timedelta(days=15), False),
    ],
)
def test_a_sign_in_left_idle_too_long_stops_working(
    clinic_world: ClinicWorld, who: str, idle: timedelta, works: bool
) -> None:
    w = clinic_world
    client = w.browser(getattr(w, who))
    w.clock.advance(idle)
    path = "/api/v1/today" if who == "a1" else "/account"
    assert (client.get(path).status_code == 200) is works


@pytest.mark.parametrize(
    ("who", "limit"), [("clin_a", timedelta(hours=12)), ("a1", timedelta(days=30))]
)
def test_a_busy_sign_in_still_ends_at_its_absolute_limit(
    clinic_world: ClinicWorld, who: str, limit: timedelta
) -> None:
    w = clinic_world
    client = w.browser(getattr(w, who))
    step = timedelta(minutes=20) if who == "clin_a" else timedelta(days=5)
    path = "/account"
    elapsed = timedelta(0)
    while elapsed + step < limit:
        w.clock.advance(step)
        elapsed += step
        assert client.get(path).status_code == 200
    w.clock.advance(limit - elapsed)
    assert client.get(path).status_code == 303  # to the login page


def test_logout_ends_the_sign_in_for_good(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    client = w.browser(w.a1)
    cookie = client.cookies.get("supple_session")
    answer = client.post("/logout")
    assert (answer.status_code, answer.headers["location"]) == (303, "/login?signed_out=1")
    assert (
        'supple_session=""' in " ".join(_cookies(answer))
        or "max-age=0" in " ".join(_cookies(answer)).lower()
    )
    thief = TestClient(w.app, base_url=BASE, follow_redirects=False)
    thief.cookies.set("supple_session", str(cookie), domain="localhost")
    assert thief.get("/api/v1/today").status_code == 401


def test_disabling_a_user_ends_their_sign_ins_and_their_tokens_stop(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    browser, script = w.browser(w.b1), w.bearer(w.b1)
    assert browser.get("/api/v1/today").status_code == 200
    assert script.get("/api/v1/today").status_code == 200
    clinic_accounts.disable(Scope.operator(w.store, w.clock), email=w.b1.email)
    assert browser.get("/api/v1/today").status_code == 401
    assert script.get("/api/v1/today").status_code == 401


def test_the_account_page_lists_sign_ins_and_ends_the_others(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    phone = w.browser(w.a1)
    laptop = w.browser(w.a1)
    page = phone.get("/account")
    assert page.status_code == 200
    assert page.text.count("<li><strong>") == 3  # two sign-ins and one API token
    assert "this device" in page.text and "tests" in page.text
    ended = phone.post("/account/end-others")
    assert ended.headers["location"] == "/account?ended=1"
    assert laptop.get("/api/v1/today").status_code == 401
    assert phone.get("/api/v1/today").status_code == 200
    assert "Signed out 1 other sign-in." in phone.get("/account?ended=1").text


# --- API tokens and the anti-forgery token --------------------------------------------------


CHECKIN = {"kind": "morning", "date": "2026-11-03", "pain": 3, "stiffness": 4}


def test_a_bearer_token_writes_without_the_anti_forgery_token(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    answer = w.bearer(w.a1).post("/api/v1/checkins", json=CHECKIN)
    assert answer.status_code == 201, answer.text


def test_a_cookie_write_without_the_anti_forgery_token_is_refused(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    client = w.browser(w.a1)
    del client.headers[HEADER]
    answer = client.post("/api/v1/checkins", json=CHECKIN)
    assert answer.status_code == 403


@pytest.mark.parametrize("header", ["Bearer supple_pat_nonsense", "Basic YTpi", "Bearer "])
def test_a_bad_authorization_header_is_401_even_with_a_good_cookie(
    clinic_world: ClinicWorld, header: str
) -> None:
    w = clinic_world
    client = w.browser(w.a1)
    answer = client.get("/api/v1/today", headers={"authorization": header})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")


# --- Behind a TLS proxy, and the Host allow-list --------------------------------------------


def test_behind_tls_cookies_are_host_prefixed_and_secure_and_hsts_is_sent(
    clinic_world_tls: ClinicWorld,
) -> None:
    w = clinic_world_tls
    token_cookie = " ".join(_cookies(TestClient(w.app, base_url=w.base).get("/login")))
    assert "__Host-supple_csrf=" in token_cookie and "Secure" in token_cookie
    client = w.nobody()
    answer = _login(client, w.a1.email)
    session = _session_cookie(answer, "__Host-supple_session")
    assert "secure" in session.lower() and "path=/" in session.lower()
    assert "domain" not in session.lower()
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    assert client.get("/api/v1/today").status_code == 200


def test_without_tls_no_hsts_is_sent(clinic_world: ClinicWorld) -> None:
    assert "strict-transport-security" not in clinic_world.nobody().get("/login").headers


def test_the_clinic_answers_its_configured_names_only(clinic_world: ClinicWorld) -> None:
    answer = clinic_world.nobody().get("/login", headers={"host": "evil.example"})
    assert answer.status_code == 400


# --- Invites ---------------------------------------------------------------------------------


def _invite(w: ClinicWorld, role: Role, key: str) -> str:
    added = clinic_accounts.add_user(
        Scope.operator(w.store, w.clock),
        role=role,
        email=f"{key}@riverside.test",
        name=key.title(),
        base_url=BASE,
        clinician_email=w.clin_a.email if role is Role.CLIENT else None,
    )
    assert added.invite is not None
    return added.invite.url.removeprefix(BASE)


def test_opening_an_invite_shows_whose_it_is_and_does_not_use_it(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    path = _invite(w, Role.CLIENT, "dora")
    scanner = w.nobody()
    for _ in range(3):  # a mail scanner, then the person, then a reload
        page = scanner.get(path)
        assert (
            page.status_code == 200 and "Dora" in page.text and "dora@riverside.test" in page.text
        )
    person = w.nobody()
    answer = person.post(path, data={"password": "maple river 2026", "confirm": "maple river 2026"})
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert person.get("/start").status_code == 200  # signed in, onto the first run
    assert w.nobody().get(path).status_code == 404
    again = w.nobody().post(path, data={"password": "x" * 12, "confirm": "x" * 12})
    assert again.status_code == 404 and "does not work any more" in again.text


def test_an_invited_clinician_goes_on_to_set_up_two_factor(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    path = _invite(w, Role.CLINICIAN, "eli")
    client = w.nobody()
    answer = client.post(path, data={"password": "maple river 2026", "confirm": "maple river 2026"})
    assert answer.headers["location"] == "/login/enrol"
    assert client.get("/api/v1/today").status_code == 401


@pytest.mark.parametrize(
    ("password", "confirm", "says"),
    [
        ("short", "short", "at least 8"),
        ("password1", "password1", "most common"),
        ("maple river 2026", "maple river 2027", "not the same"),
    ],
)
def test_an_invite_refuses_a_weak_or_mistyped_password_and_stays_usable(
    clinic_world: ClinicWorld, password: str, confirm: str, says: str
) -> None:
    w = clinic_world
    path = _invite(w, Role.CLIENT, "finn")
    client = w.nobody()
    answer = client.post(path, data={"password": password, "confirm": confirm})
    assert answer.status_code == 422 and says in answer.text
    assert client.get(path).status_code == 200


# --- The boundary: for_client, 404 for not yours, the access log ----------------------------


def _peek_routes(w: ClinicWorld) -> None:
    router = APIRouter()

    @router.get("/api/v1/clients/{client_id}/peek")
    def peek(scope: ClientRecord, me: CurrentUser) -> dict[str, object]:
        return {"subject": scope.subject, "actor": scope.actor.label, "me": me.user.email}

    @router.post("/api/v1/clients/{client_id}/nudge")
    def nudge(scope: Annotated[Scope, for_client(Action.ADJUST_DOSE)]) -> dict[str, object]:
        return {"subject": scope.subject}

    w.app.include_router(router)


def test_not_yours_is_404_exactly_like_not_there_and_staff_reads_are_logged(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    _peek_routes(w)
    a1 = w.a1.client_id
    ada, bo, admin = w.browser(w.clin_a), w.browser(w.clin_b), w.bearer(w.admin)
    mine = ada.get(f"/api/v1/clients/{a1}/peek")
    assert mine.json() == {
        "subject": a1,
        "actor": f"clinician:{w.clin_a.user.id}",
        "me": w.clin_a.email,
    }
    not_mine = bo.get(f"/api/v1/clients/{a1}/peek")
    not_there = bo.get("/api/v1/clients/999999/peek")
    assert (not_mine.status_code, not_mine.text) == (not_there.status_code, not_there.text)
    assert not_mine.status_code == 404
    assert admin.get(f"/api/v1/clients/{a1}/peek").status_code == 200
    log = access_log.entries(w.store, person_id=a1)
    reads = [(e.actor_email, e.action, e.what) for e in log if e.action == "read_record"]
    assert (w.admin.email, "read_record", f"GET /api/v1/clients/{a1}/peek") in reads
    assert (w.clin_a.email, "read_record", f"GET /api/v1/clients/{a1}/peek") in reads
    assert all(e.actor_email != w.clin_b.email for e in log)


def test_every_write_is_logged_with_its_action_client_and_address(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    _peek_routes(w)
    a1 = w.a1.client_id
    assert w.browser(w.clin_a).post(f"/api/v1/clients/{a1}/nudge").status_code == 200
    assert w.browser(w.admin).post(f"/api/v1/clients/{a1}/nudge").status_code == 404
    assert w.bearer(w.a1).post("/api/v1/checkins", json=CHECKIN).status_code == 201
    log = access_log.entries(w.store, person_id=a1)
    writes = {(e.actor_email, e.action, e.what) for e in log}
    assert (w.clin_a.email, "adjust_dose", f"POST /api/v1/clients/{a1}/nudge (200)") in writes
    assert (w.a1.email, "write_own_record", "POST /api/v1/checkins (201)") in writes
    refused = [e for e in access_log.entries(w.store) if e.actor_email == w.admin.email]
    assert [e.what for e in refused if "nudge" in e.what] == [
        f"POST /api/v1/clients/{a1}/nudge (404)"
    ]
    assert all(e.address == "testclient" for e in log if e.actor_user_id is not None)


def test_a_client_reading_their_own_record_is_not_logged_but_staff_reads_are(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    _peek_routes(w)
    a1 = w.a1.client_id
    assert w.browser(w.a1).get(f"/api/v1/clients/{a1}/peek").status_code == 200
    assert w.browser(w.a2).get(f"/api/v1/clients/{a1}/peek").status_code == 404
    assert not [e for e in access_log.entries(w.store, person_id=a1) if e.action == "read_record"]


def test_staff_have_no_record_of_their_own_on_the_personal_routes(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    ada = w.browser(w.clin_a)
    answer = ada.get("/api/v1/today")
    assert answer.status_code == 404 and "staff have no record" in answer.json()["detail"]
    assert ada.get("/").headers["location"] == "/clinic"
    user = accounts.get_user(w.store, w.clin_a.user.id)
    assert user is not None and user.person_id is None


@pytest.mark.parametrize(
    ("user_agent", "shown"),
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/120.0 Safari/537.36 Edg/120.0", "Edge on Windows"),
        ("Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
         "Firefox on Android"),
        ("curl/8.5.0", "curl/8.5.0"),
        (None, "Unknown device"),
    ],
)  # fmt: skip
def test_the_account_page_names_devices_in_a_few_words(user_agent: str | None, shown: str) -> None:
    from supple.web.signin_pages import device_name

    assert device_name(user_agent) == shown


def test_an_operator_resets_a_lost_two_factor_and_the_next_sign_in_enrols_again(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    signed = w.browser(w.clin_b)
    user, ended = clinic_accounts.reset_two_factor(
        Scope.operator(w.store, w.clock), email=w.clin_b.email
    )
    assert user.id == w.clin_b.user.id and ended == 1 and signed.get("/account").status_code == 303
    assert _login(w.nobody(), w.clin_b.email).headers["location"] == "/login/enrol"
    logged = [e.what for e in access_log.entries(w.store) if "reset-two-factor" in e.what]
    assert logged == ["supple clinic reset-two-factor"]


def test_a_client_has_no_two_factor_to_reset(clinic_world: ClinicWorld) -> None:
    from supple.core.errors import InputError

    w = clinic_world
    with pytest.raises(InputError, match="password only"):
        clinic_accounts.reset_two_factor(Scope.operator(w.store, w.clock), email=w.a1.email)


NEW_PASSWORD = "copper meadow 1987"


def test_a_password_change_keeps_this_sign_in_and_ends_the_others(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    here, elsewhere = w.browser(w.a1), w.browser(w.a1)
    assert here.get("/account/password").status_code == 200
    answer = here.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert answer.headers["location"] == "/account?password=changed"
    assert "every other sign-in of yours has ended" in here.get(answer.headers["location"]).text
    assert here.get("/api/v1/today").status_code == 200
    assert elsewhere.get("/api/v1/today").status_code == 401
    assert _login(w.nobody(), w.a1.email).status_code == 401
    assert _login(w.nobody(), w.a1.email, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("current", "password", "confirm", "status", "says"),
    [
        ("not my password", NEW_PASSWORD, NEW_PASSWORD, 401, "current password was not right"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", 422, "not the same"),
        (PASSWORD, "qwerty123", "qwerty123", 422, "most common"),
        (PASSWORD, "a1@riverside.test", "a1@riverside.test", 422, "your email"),
    ],
)
def test_a_password_change_is_refused_with_a_reason_and_changes_nothing(
    clinic_world: ClinicWorld, current: str, password: str, confirm: str, status: int, says: str
) -> None:
    w = clinic_world
    client = w.browser(w.a1)
    answer = client.post(
        "/account/password", data={"current": current, "password": password, "confirm": confirm}
    )
    assert answer.status_code == status and says in answer.text
    assert _login(w.nobody(), w.a1.email).status_code == 303


def test_guessing_the_current_password_is_throttled(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    client = w.browser(w.a2)
    wrong = {"current": "guess guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(5):
        assert client.post("/account/password", data=wrong).status_code == 401
    right = {**wrong, "current": PASSWORD}
    assert client.post("/account/password", data=right).status_code == 429
