"""create_app(settings): wiring only (middleware, routers, static files, error handlers)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app import PROJECT_ROOT, health
from app.admission import Admission
from app.apprenticeships import api as apprenticeships_api
from app.apprenticeships import pages as apprenticeship_pages
from app.auth import admin_pages, password_pages, token_pages
from app.auth import api as auth_api
from app.auth import pages as auth_pages
from app.auth.denied import DeniedAccessAudit
from app.auth.deps import verify_csrf
from app.dashboards import api as dashboards_api
from app.dashboards import employer_pages, portfolio_pages, provider_pages
from app.db import make_engine
from app.evidence import api as evidence_api
from app.evidence import downloads as evidence_downloads
from app.evidence import form_pages as evidence_form_pages
from app.evidence import pages as evidence_pages
from app.evidence.sweeper import sweep_while_serving
from app.gateway import api as gateway_api
from app.gateway import pages as gateway_pages
from app.notifications import api as notifications_api
from app.notifications import pages as notifications_pages
from app.notifications.badge import unread_for
from app.quality import api as quality_api
from app.quality import pages as quality_pages
from app.review import api as review_api
from app.review import caseload_pages as review_caseload_pages
from app.review import grid_pages as review_grid_pages
from app.review import pages as review_pages
from app.settings import Settings
from app.standards import api as standards_api
from app.web.errors import install_error_handlers
from app.web.failures import Failures
from app.web.security import SecurityHeaders

# FastAPI tries routers in this order on every request, about 15 us for each one passed (it
# walks their routes one by one). Each role's home and the pages used all day come first;
# no two routers claim the same path (tests/web/test_routing.py), so order is only speed.
ROUTERS: tuple[APIRouter, ...] = (
    portfolio_pages.router,
    review_caseload_pages.router,
    employer_pages.router,
    provider_pages.router,
    review_pages.router,
    evidence_pages.router,
    evidence_form_pages.router,
    evidence_downloads.router,
    review_grid_pages.router,
    notifications_pages.router,
    auth_pages.router,
    password_pages.router,
    token_pages.router,
    admin_pages.router,
    apprenticeship_pages.router,
    gateway_pages.router,
    quality_pages.router,
    auth_api.router,
    standards_api.router,
    apprenticeships_api.router,
    evidence_api.router,
    dashboards_api.router,
    review_api.router,
    gateway_api.router,
    quality_api.router,
    notifications_api.router,
    health.router,
)


def create_app(settings: Settings) -> FastAPI:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(
        settings.database_url,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pool_size=settings.db_pool_size,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Threads for every request admitted to the database and as many again for the rest
        # (file reads, sync dependencies): an admitted request never waits for a thread.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, 2 * settings.db_pool_size)
        async with sweep_while_serving(app):
            yield
        engine.dispose()

    dev = settings.env == "dev"
    app = FastAPI(
        title="KSB Portfolio",
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json" if dev else None,
        docs_url=None,
        redoc_url=None,
        # Every route, page or API, passes the CSRF check (a no-op for GET and for API tokens).
        dependencies=[Depends(verify_csrf)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.admission = Admission(
        capacity=settings.db_pool_size,
        writers=1 if settings.is_sqlite else settings.db_pool_size,
        queue=settings.db_queue,
        wait_seconds=settings.db_wait_seconds,
    )
    # The last added is the outermost: a failure's answer carries the security headers.
    app.add_middleware(DeniedAccessAudit)
    app.add_middleware(Failures)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "app" / "static"), name="static")
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    # The nav's unread count (templating.py calls it through a Jinja global).
    app.state.unread_counter = unread_for
    return app
