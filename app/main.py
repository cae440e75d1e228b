"""create_app(settings): wiring only (middleware, routers, static files, error handlers)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app import PROJECT_ROOT, health
from app.auth import pages as auth_pages
from app.auth.deps import verify_csrf
from app.db import make_engine
from app.settings import Settings
from app.web import home
from app.web.errors import install_error_handlers
from app.web.security import SecurityHeaders


def create_app(settings: Settings) -> FastAPI:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(
        settings.database_url,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pool_size=settings.db_pool_size,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
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
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "app" / "static"), name="static")
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth_pages.router)
    app.include_router(home.router)
    return app
