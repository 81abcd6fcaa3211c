"""The app factory: one store per app, routers per resource, the guards around them, and errors
a person can meet turned into 404/422 answers (JSON under ``/api``, a page elsewhere) instead
of a 500.

The guards, outermost first (each a pure ASGI layer, cheap on the player's event posts):
security headers → Host (rebinding) → body size → cross-site writes → an unreachable database
answered with 503 → (clinic) sign-in → FastAPI's own stack.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from supple import __version__
from supple.core.errors import Blocked, NotFound, PlanError, Refused, SuppleError
from supple.core.safety import DISCLAIMER, URGENT_TITLE
from supple.web.body_limit import BodyLimit
from supple.web.csrf import FIELD, SCOPE_KEY, CrossSiteGuard, token_for
from supple.web.headers import SecurityHeaders
from supple.web.hosts import HostGuard
from supple.web.methods import allowed
from supple.web.refusals import is_api
from supple.web.rule_links import reason_with_rule_links
from supple.web.settings import WebSettings
from supple.web.unavailable import OUTAGES, OutageGuard, on_outage

HERE = Path(__file__).parent


def _is_api(request: Request) -> bool:
    return is_api(request.scope)


def _shown(text: object) -> str:
    """Text of the request echoed in an answer, with any lone surrogate (``"\\ud800"`` in a JSON
    key) written as its escape: as it was, it could not be encoded, and the refusal itself
    would fail with a 500."""
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [_shown(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _problem_page(request: Request, status: int, title: str, lines: list[str]) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "lines": lines}, status_code=status
    )


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    detail = [
        {"field": _field(err.get("loc", ())), "reason": _shown(err.get("msg", "invalid"))}
        for err in exc.errors()
    ]
    for d, err in zip(detail, exc.errors(), strict=True):
        if str(err.get("type", "")).startswith("union_tag"):  # a bad or missing "kind"
            d["field"] = str((err.get("ctx") or {}).get("discriminator", "kind")).strip("'")
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=422)
    lines = [f"{d['field']}: {d['reason']}" for d in detail]
    return _problem_page(request, 422, "That form was not filled in as expected", lines)


NOT_FOUND_LINES = [
    "There is no page at this address. It may have been mistyped, or it moved.",
]


async def _on_http_error(request: Request, exc: Exception) -> Response:
    """Routing's own errors (no such page, wrong method): JSON under ``/api``, a page with a
    way back everywhere else, so a link from a calendar or a paper never ends in raw JSON. A
    body the JSON reader gave up on for its depth says so (FastAPI's own answer is a vague
    400)."""
    from fastapi.exception_handlers import http_exception_handler

    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, RecursionError):
        return await _on_too_deep(request, exc.__cause__)
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        return _not_utf8(request, exc.__cause__)
    allow = allowed(request.app.routes, request.scope) if exc.status_code == 405 else ""
    if allow:
        exc.headers = {**(exc.headers or {}), "Allow": allow}
    if _is_api(request) or exc.status_code not in (404, 405):
        return await http_exception_handler(request, exc)
    if exc.status_code == 405:
        lines = ["This address cannot be opened that way. Start again from a page's own link."]
        page = _problem_page(request, 405, "Not available this way", lines)
        page.headers["Allow"] = allow
        return page
    return _problem_page(request, 404, "Page not found", NOT_FOUND_LINES)


async def _on_supple_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SuppleError)
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, Refused) else 422
    status = 409 if isinstance(exc, Blocked) else status
    if isinstance(exc, PlanError):
        problems = [
            {
                "field": "plan",
                "line": p.line,
                "column": p.column,
                "reason": _shown(p.message),
                "text": _shown(p),
            }
            for p in exc.problems
        ]
        if _is_api(request):
            return JSONResponse({"detail": problems}, status_code=422)
        lines = [_shown(p) for p in exc.problems]
        return _problem_page(request, 422, "The plan has problems", lines)
    if _is_api(request):
        body: Any = (
            {"detail": _shown(exc)}
            if status in (403, 404, 409)
            else {"detail": [{"field": getattr(exc, "field", "input"), "reason": _shown(exc)}]}
        )
        return JSONResponse(body, status_code=status)
    titles = {404: "Not found", 403: "Not yours to change", 409: "Not for now"}
    title = titles.get(status, "Something needs fixing")
    return _problem_page(request, status, title, [_shown(exc)])


def _not_utf8(request: Request, exc: UnicodeDecodeError) -> Response:
    """A body that is not UTF-8 (FastAPI says only "There was an error parsing the body")."""
    byte = exc.object[exc.start]
    reason = (
        f"the body is not UTF-8 text (byte 0x{byte:02x} at position {exc.start + 1}); "
        "send it encoded in UTF-8"
    )
    if _is_api(request):
        return JSONResponse({"detail": reason}, status_code=400)
    return _problem_page(request, 400, "That request could not be read", [reason])


async def _on_too_deep(request: Request, exc: Exception) -> Response:
    """JSON nested deeper than Python's parser follows: the reader's RecursionError, answered
    as the bad input it is."""
    reason = "the JSON is nested too deeply to read"
    if _is_api(request):
        return JSONResponse({"detail": [{"field": "body", "reason": reason}]}, status_code=422)
    return _problem_page(request, 422, "That form was not filled in as expected", [reason])


def _form_token(request: Request) -> dict[str, Any]:
    """Every template gets the token: ``csrf_field`` goes in each form, ``csrf_token`` in the
    page's meta tag for player.js."""
    if SCOPE_KEY not in request.scope:  # a refusal made before the token guard ran (413)
        return {"csrf_token": "", "csrf_field": Markup("")}
    token = token_for(request.scope)
    field = Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token)
    return {"csrf_token": token, "csrf_field": field}


def _signed_in(request: Request) -> dict[str, Any]:
    """Clinic mode: every template knows who is signed in (``signed_in``, None before)."""
    from supple.web.clinic_guard import signed_in_of

    return {"signed_in": signed_in_of(request.scope)}


class SuppleApp(FastAPI):
    """FastAPI with the guards wrapped around its whole stack, its 500 page included."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: WebSettings = self.state.settings
        stack = super().build_middleware_stack()
        hosts = settings.allowed_hosts
        if settings.clinic:
            from supple.web.clinic_guard import SignInGuard

            stack = SignInGuard(stack, self.state.roots, behind_tls=settings.proxy_headers)
            hosts = (*hosts, *configured_hosts(settings))
        stack = OutageGuard(stack)
        inner = CrossSiteGuard(
            stack,
            self.state.secret,
            behind_tls=settings.clinic and settings.proxy_headers,
            bearer_exempt=settings.clinic,
        )
        guarded = HostGuard(BodyLimit(inner), extra=hosts)
        return SecurityHeaders(guarded, hsts=settings.clinic and settings.proxy_headers)


def configured_hosts(settings: WebSettings) -> tuple[str, ...]:
    """The names a clinic answers besides loopback and ``--allowed-host``: its base URL's."""
    from urllib.parse import urlsplit

    name = urlsplit(settings.base_url).hostname
    return (name,) if name else ()


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Build the app; the store is opened (and migrated) here, once, not per request."""
    from supple.web import (
        api,
        checkin_pages,
        deps,
        exports,
        first_run,
        openapi,
        pages,
        settings_pages,
    )
    from supple.web.secret import load_key

    settings = settings or WebSettings.from_env()
    app = SuppleApp(
        title="Supple",
        version=__version__,
        description="Today's session, the guided player, check-ins and progress.",
        docs_url=None,  # Swagger UI loads scripts from a CDN; the document is /openapi.json
        redoc_url=None,
        openapi_url=None,  # served by openapi.router, written for the person (their dates)
    )
    store = deps.install(app.state, settings)
    app.state.secret = load_key(settings, store.url)
    processors: list[Callable[[Request], dict[str, Any]]] = [_form_token]
    if settings.clinic:
        processors.append(_signed_in)
    templates = Jinja2Templates(directory=HERE / "templates", context_processors=processors)
    templates.env.globals["version"] = __version__
    templates.env.globals["disclaimer"] = DISCLAIMER
    templates.env.globals["urgent_title"] = URGENT_TITLE
    templates.env.filters["rule_links"] = reason_with_rule_links
    app.state.templates = templates
    app.add_middleware(GZipMiddleware, minimum_size=600)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(SuppleError, _on_supple_error)
    for outage in OUTAGES:  # the database restarting: 503, not a 500 (nor Unavailable's 422)
        app.add_exception_handler(outage, on_outage)
    app.add_exception_handler(RecursionError, _on_too_deep)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    for router in api.routers():
        app.include_router(router, prefix="/api/v1")
    app.include_router(pages.router)
    app.include_router(first_run.router)
    app.include_router(checkin_pages.router)
    app.include_router(exports.router)
    app.include_router(settings_pages.router)
    if settings.clinic:
        from supple.services import record_visits
        from supple.web import (
            care_pages,
            clinic_pages,
            notify_pages,
            signin_pages,
            team_pages,
            template_pages,
        )
        from supple.web.api import care, client_record, clients

        app.include_router(signin_pages.router)
        app.include_router(notify_pages.router)
        app.include_router(clinic_pages.router)
        app.include_router(care_pages.router)
        app.include_router(template_pages.router)
        app.include_router(team_pages.router)
        app.include_router(clients.router, prefix="/api/v1")
        app.include_router(care.router, prefix="/api/v1")
        app.include_router(care.own, prefix="/api/v1")
        app.include_router(client_record.router, prefix="/api/v1")
        app.include_router(client_record.own, prefix="/api/v1")
        templates.env.globals["clinic"] = True
        templates.env.filters["device"] = signin_pages.device_name
        templates.env.globals["role_words"] = record_visits.ROLE_WORDS
    app.include_router(openapi.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The app of one worker process of ``supple serve --clinic --workers N``: built from the
    ``SUPPLE_…`` variables the parent set (the same settings in every worker)."""
    app = create_app(WebSettings.from_env())
    settle_heap()
    return app


def settle_heap() -> None:
    """Called once by a serving process when its app is built: what exists then (modules, the
    app, the plan, the pool) lives as long as the process, so it is collected once and then
    frozen out of the cyclic collector's sight (``gc.freeze``). Every full collection would
    otherwise walk those objects again: measured on a year of a busy client's progress, 11 in
    100 requests paused ~40 ms for it (p95 79 ms); frozen, those pauses take under 2 ms (p95
    50 ms). Requests still free their own garbage as before. Not called by ``create_app``
    itself: tests build hundreds of apps in one process."""
    gc.collect()
    gc.freeze()
