"""The app factory: one store per app, routers per resource, and errors a person can meet
turned into 404/422 answers (JSON under ``/api``, a page elsewhere) instead of a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from supple import __version__
from supple.core.errors import NotFound, PlanError, SuppleError
from supple.core.safety import DISCLAIMER
from supple.web.settings import WebSettings

HERE = Path(__file__).parent


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _problem_page(request: Request, status: int, title: str, lines: list[str]) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "lines": lines}, status_code=status
    )


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    detail = [
        {"field": _field(err.get("loc", ())), "reason": str(err.get("msg", "invalid"))}
        for err in exc.errors()
    ]
    for d, err in zip(detail, exc.errors(), strict=True):
        if str(err.get("type", "")).startswith("union_tag"):  # a bad or missing "kind"
            d["field"] = str((err.get("ctx") or {}).get("discriminator", "kind")).strip("'")
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=422)
    lines = [f"{d['field']}: {d['reason']}" for d in detail]
    return _problem_page(request, 422, "That form was not filled in as expected", lines)


async def _on_supple_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SuppleError)
    status = 404 if isinstance(exc, NotFound) else 422
    if isinstance(exc, PlanError):
        problems = [
            {
                "field": "plan",
                "line": p.line,
                "column": p.column,
                "reason": p.message,
                "text": str(p),
            }
            for p in exc.problems
        ]
        if _is_api(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return _problem_page(request, 422, "The plan has problems", [str(p) for p in exc.problems])
    if _is_api(request):
        body: Any = (
            {"detail": str(exc)}
            if status == 404
            else {"detail": [{"field": getattr(exc, "field", "input"), "reason": str(exc)}]}
        )
        return JSONResponse(body, status_code=status)
    title = "Not found" if status == 404 else "Something needs fixing"
    return _problem_page(request, status, title, [str(exc)])


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Build the app; the store is opened (and migrated) here, once, not per request."""
    from supple.web import api, checkin_pages, deps, exports, first_run, pages

    settings = settings or WebSettings.from_env()
    app = FastAPI(
        title="Supple",
        version=__version__,
        description="Today's session, the guided player, check-ins and progress.",
        docs_url="/api/docs",
        redoc_url=None,
    )
    deps.install(app.state, settings)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["version"] = __version__
    templates.env.globals["disclaimer"] = DISCLAIMER
    app.state.templates = templates
    app.add_middleware(GZipMiddleware, minimum_size=600)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(SuppleError, _on_supple_error)
    for router in api.routers():
        app.include_router(router, prefix="/api/v1")
    app.include_router(pages.router)
    app.include_router(first_run.router)
    app.include_router(checkin_pages.router)
    app.include_router(exports.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
