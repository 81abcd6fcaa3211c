"""Every route of the clinic app, asked by six people: the client A1, another client (B1), A1's
clinician, another clinician, an admin, and nobody. Only those ``core.access`` allows get through;
everyone else gets 404, exactly like a route with nothing there (401 or the login page when
nobody is signed in). The routes are read from the app itself, so routes added later are walked
too, and a route with ``{client_id}`` that declares no access fails here. On PostgreSQL.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from supple import planfile
from supple.core import access
from supple.services import Actor, Scope, templates
from supple.store.accounts import client_facts
from supple.web.clinic_guard import is_open
from supple.web.clinic_scope import ClientAccess, PracticeAccess
from supple.web.deps import get_scope, request_scope
from tests.clinic_world import ClinicWorld, Member, build_world, postgres_url

PEOPLE = ("client", "other_client", "clinician", "other_clinician", "admin", "nobody")
STAFF_PEOPLE = ("clinician", "other_clinician", "admin")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
# The sign-in flow's own pages, tested in test_clinic_signin.py.
SIGN_IN_FLOW = ("/login", "/invite/", "/logout", "/account")
# Objects of the client A1 a personal route's path may name (another client asking gets 404).
OWNED = {"session_id"}
PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass
class Walk:
    world: ClinicWorld
    browsers: dict[str, TestClient]
    samples: dict[str, str]

    def member(self, who: str) -> Member | None:
        w = self.world
        return {
            "client": w.a1,
            "other_client": w.b1,
            "clinician": w.clin_a,
            "other_clinician": w.clin_b,
            "admin": w.admin,
        }.get(who)


@pytest.fixture(scope="module")
def walk() -> Iterator[Walk]:
    for url in postgres_url():
        world = build_world(url)
        try:
            browsers = {who: world.browser(m) for who in PEOPLE if (m := _member(world, who))}
            browsers["nobody"] = world.nobody()
            started = browsers["client"].post("/api/v1/sessions", json={})
            assert started.status_code == 201, started.text
            samples = {
                "template_id": str(_a_template(world)),
                "client_id": str(world.a1.client_id),
                "exercise_id": browsers["client"].get("/api/v1/exercises").json()[0]["id"],
                "session_id": started.json()["id"],
            }
            yield Walk(world, browsers, samples)
        finally:
            world.close()
            world.store.dispose()


def _a_template(world: ClinicWorld) -> int:
    """One of the practice's templates, for the routes naming ``{template_id}``."""
    scope = Scope(world.store, Actor("clinician", world.clin_a.user.id), None, world.clock)
    return templates.save_template(scope, "Walk", planfile.bundled_plan_text()).id


def _member(world: ClinicWorld, who: str) -> Member | None:
    return Walk(world, {}, {}).member(who)


def _access_of(route: APIRoute) -> ClientAccess | PracticeAccess | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        if isinstance(dependant.call, ClientAccess | PracticeAccess):
            return dependant.call
        stack.extend(dependant.dependencies)
    return None


def _routes() -> list[tuple[str, str, APIRoute]]:
    """Every (method, path) of the clinic app but the open ones and the sign-in flow."""
    from supple.web import WebSettings, create_app

    app = create_app(
        WebSettings(database_url="sqlite:///:memory:", clinic=True, secret_key="x" * 32)
    )
    found = []
    for context in iter_route_contexts(app.routes):
        route, path = getattr(context, "original_route", None), str(context.path)
        if not isinstance(route, APIRoute) or is_open(path) or path.startswith(SIGN_IN_FLOW):
            continue
        for method in sorted(set(context.methods or ()) - {"HEAD"}):
            found.append((method, path, route))
    app.state.store.dispose()
    return found


ROUTES = _routes()


def test_the_walk_covers_every_route_in_the_openapi_document(walk: Walk) -> None:
    walked = {(m.lower(), p) for m, p, _ in ROUTES}
    document = walk.browsers["client"].get("/openapi.json").json()
    listed = {(m, p) for p, ops in document["paths"].items() for m in ops if not is_open(p)}
    assert listed <= walked


def test_every_route_naming_a_client_declares_its_access() -> None:
    undeclared = [
        f"{m} {p}"
        for m, p, r in ROUTES
        if "{client_id}" in p and not isinstance(_access_of(r), ClientAccess)
    ]
    assert undeclared == [], "these routes name a client but use no clinic_scope.for_client"


def _actor(member: Member) -> access.Actor:
    return access.Actor(member.user.id, member.role, member.client_id)


def _allowed(walk: Walk, who: str, path: str, route: APIRoute) -> bool:
    member = walk.member(who)
    assert member is not None
    rule = _access_of(route)
    if isinstance(rule, ClientAccess):
        facts = client_facts(walk.world.store, int(walk.samples["client_id"]))
        return access.decide(_actor(member), rule.action, facts)
    if isinstance(rule, PracticeAccess):
        return access.decide(_actor(member), rule.action)
    # A personal route: each client acts on their own record; staff have none. A page that
    # reads no record at all (the rules in words, an old link's redirect) is anyone's.
    if not _reads_a_record(route):
        return True
    if member.is_staff:
        return False
    names = set(PARAM.findall(path))
    return who == "client" or not (names & OWNED)


SCOPE_DEPENDENCIES = {get_scope, request_scope}


def _reads_a_record(route: APIRoute) -> bool:
    """Whether a route without a clinic rule acts on the signed-in person's record: it takes
    the request's scope (``deps.RequestScope``) or builds it in its body."""
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        if dependant.call in SCOPE_DEPENDENCIES:
            return True
        stack.extend(dependant.dependencies)
    source = inspect.getsource(route.endpoint)
    return "pinned_scope(" in source or "request_scope(" in source


def _url(walk: Walk, path: str) -> str:
    def sample(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in walk.samples:
            pytest.fail(f"{path}: add a sample value for {{{name}}} to the route walk's samples")
        return walk.samples[name]

    return PARAM.sub(sample, path)


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/calendar.ics"


def _requires_body(route: APIRoute) -> bool:
    return any(param.field_info.is_required() for param in route.dependant.body_params)


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    ("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_only_those_allowed_get_through(
    walk: Walk, who: str, method: str, path: str, route: APIRoute
) -> None:
    client = walk.browsers[who]
    url = _url(walk, path)
    if method in WRITES and who != "nobody":
        allowed = _allowed(walk, who, path, route)
        if allowed and not _requires_body(route):
            pytest.skip("an allowed write with nothing to refuse would change the shared world")
    body: dict[str, Any] = {"json": []} if _is_api(path) else {"data": {}}
    answer = client.request(method, url, **(body if method in WRITES else {}))
    if who == "nobody":
        if _is_api(path):
            assert answer.status_code == 401, answer.text
        else:
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
        return
    allowed = _allowed(walk, who, path, route)
    if method not in WRITES:
        if allowed:
            # Through the door: the route's own answer (a report over an empty period is a
            # 422 that says so), never the refusals of the boundary.
            assert answer.status_code not in (401, 403, 404), (answer.status_code, answer.text)
            assert answer.status_code < 400 or answer.status_code == 422
        elif path == "/" and who in STAFF_PEOPLE:
            assert (answer.status_code, answer.headers["location"]) == (303, "/clinic")
        else:
            assert answer.status_code == 404, (answer.status_code, answer.text[:300])
        return
    if allowed:
        assert answer.status_code not in (401, 403, 404), (answer.status_code, answer.text[:300])
    elif _access_of(route) is None:
        # A personal write resolves its record after reading the body: a staff member's
        # malformed body may be refused (422) before "you have no record" (404); neither says
        # anything about anyone's record.
        assert answer.status_code in (404, 422), (answer.status_code, answer.text[:300])
    else:
        assert answer.status_code == 404, (answer.status_code, answer.text[:300])
