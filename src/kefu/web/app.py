"""The web application object: ``create_app(ws)`` builds everything from the workspace.

Page families plug in by adding their module name to :data:`PAGE_MODULES`
(``kefu.web.routes.<name>``, exposing ``router`` and optionally ``nav``) and
API resources to :data:`API_MODULES` (``kefu.web.api.<name>``, exposing
``router``, mounted under ``/api/v1``). Every router registered here gets the
CSRF check; the authorisation matrix test fails for a route it does not know.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from kefu.web import errors
from kefu.web.concurrency import AdmissionLimit, pool_size, use_threads
from kefu.web.deps import csrf_protect
from kefu.web.jobs import ImportJobs, fail_orphans
from kefu.web.nav import NavItem
from kefu.web.security import HeadAsGet, SecurityMiddleware, security_kwargs
from kefu.web.settings import WebSettings
from kefu.web.templating import make_templates
from kefu.workspace import Workspace

STATIC = Path(__file__).parent / "static"
API_PREFIX = "/api/v1"

#: Page modules in navigation order (``kefu.web.routes.<name>``).
# "overview" comes before "home": it answers ``/`` for the roles that have an overview.
PAGE_MODULES: tuple[str, ...] = (
    "overview", "home", "agents", "monitor", "imports",
    # scorecard_editor before scorecards: /scorecards/edit is not a version id.
    "scorecard_editor", "scorecards", "applications", "teams",
    "inbox", "reviews", "appeals", "plans", "audit",
    "auth", "account", "users", "notify", "docs", "search",
)  # fmt: skip
#: API modules (``kefu.web.api.<name>``), mounted under /api/v1.
API_MODULES: tuple[str, ...] = (
    "me", "users", "tokens", "appraisal", "operations", "imports", "scorecards",
    "reviews", "appeals", "plans", "inbox", "audit", "notify", "simulation", "scorecard_editor",
    "agents",
)  # fmt: skip


def _lifespan(
    ws: Workspace, settings: WebSettings
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start the notification sender on its own thread with the server (``kefu serve``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        use_threads(app.state.threads)
        fail_orphans(ws)  # jobs a stopped server left unfinished say so
        running = None
        if settings.notify_sender:
            from kefu.notify.sender import start_background

            running = start_background(ws)
        yield
        app.state.jobs.shutdown()
        if running is not None:
            thread, stop = running
            stop.set()
            thread.join(timeout=30)

    return lifespan


def create_app(
    ws: Workspace,
    *,
    settings: WebSettings | None = None,
    extra_pages: tuple[str, ...] = (),
    extra_api: tuple[str, ...] = (),
) -> FastAPI:
    """The FastAPI app serving ``ws``; nothing is read from module-level state.

    >>> app = create_app(Workspace.open("kefu-data"))       # doctest: +SKIP
    """
    settings = settings or WebSettings()
    app = FastAPI(
        lifespan=_lifespan(ws, settings),
        title="Kefu 客服绩效 API",
        version="1",
        description="Performance appraisal for courier customer-service centres. "
        "Authenticate with `Authorization: Bearer <token>` (create one with "
        "`kefu users token create`).",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by kefu.web.routes.docs from vendored files
        redoc_url=None,
    )
    app.state.ws = ws
    app.state.settings = settings
    app.state.templates = make_templates()
    # One connection per request thread (see kefu.web.concurrency).
    app.state.threads = settings.threads or ws.settings.web_threads
    ws.db.size_pool(pool_size(app.state.threads))
    app.state.jobs = ImportJobs(ws, inline=settings.inline_imports)
    nav: list[NavItem] = []
    csrf = [Depends(csrf_protect)]
    for name in PAGE_MODULES + extra_pages:
        module = importlib.import_module(f"kefu.web.routes.{name}")
        app.include_router(module.router, dependencies=csrf, include_in_schema=False)
        nav.extend(getattr(module, "nav", ()))
    api = APIRouter(prefix=API_PREFIX)
    for name in API_MODULES + extra_api:
        module = importlib.import_module(f"kefu.web.api.{name}")
        api.include_router(module.router)
    app.include_router(api, dependencies=csrf)
    app.state.nav = tuple(nav)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(SecurityMiddleware, **security_kwargs(settings))
    app.add_middleware(HeadAsGet)
    app.add_middleware(AdmissionLimit, limit=app.state.threads)
    return app
