"""GET /healthz: the process is alive; it touches no database, no lock and no thread.
GET /readyz: the database answers a read within a moment; 503 with the reason otherwise.

Both are plain Starlette routes, not FastAPI's: the app-wide dependencies (the request's
session, who is asking) would send every check through the thread pool, which a burst of
requests waiting on the database can fill.
"""

import logging
import time

import anyio
from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse

from app.db import open_session
from app.web.failures import short_reason

# Shorter than the Dockerfile's HEALTHCHECK allows each request.
READY_WITHIN_S = 1.0
log = logging.getLogger("portfolio.errors")


async def healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    reason = await _readiness(request.app).reason_not_ready()
    if reason is None:
        return JSONResponse({"status": "ok", "database": "ok"})
    return JSONResponse({"status": "unavailable", "database": reason}, 503)


class Readiness:
    """A check the database leaves hanging goes on in its thread after the answer has gone;
    until it ends, callers are told so rather than each leaving another thread hanging. Checks
    that are merely at the same time (two probes) each run."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.reading_since: float | None = None

    async def reason_not_ready(self) -> str | None:
        since = self.reading_since
        if since is not None and time.monotonic() - since >= READY_WITHIN_S:
            return "the previous check has not finished"
        try:
            with anyio.fail_after(READY_WITHIN_S):
                await anyio.to_thread.run_sync(self._read, abandon_on_cancel=True)
        except TimeoutError:
            return "no answer in time"
        except SQLAlchemyError as exc:
            log.warning("not ready: %s", short_reason(exc))
            return "not answering"
        return None

    def _read(self) -> None:
        self.reading_since = time.monotonic()
        try:
            # Read-only (a deferred BEGIN on SQLite): it never waits for the write lock. A
            # table, not SELECT 1, so that the database itself is read.
            with open_session(self.engine, read_only=True) as session:
                session.execute(text("SELECT version_num FROM alembic_version")).all()
        finally:
            self.reading_since = None


def _readiness(app: FastAPI) -> Readiness:
    found: Readiness | None = getattr(app.state, "readiness", None)
    if found is None:
        found = app.state.readiness = Readiness(app.state.engine)
    return found


router = APIRouter()
router.add_route("/healthz", healthz, methods=["GET"], name="healthz", include_in_schema=False)
router.add_route("/readyz", readyz, methods=["GET"], name="readyz", include_in_schema=False)
