"""A request id on every response, and a clear answer when a request fails: 503 with
Retry-After when the database is down, locked, full or has no connection free, 500 otherwise.

Pure ASGI middleware inside SecurityHeaders, so these answers carry the security headers, and
no exception reaches the server: uvicorn closes the connection after one, so the client's next
request on it would fail too. Once a response has started nothing can be said any more: the
exception goes on and the server closes the connection, the only sign left that it broke off.
"""

import logging
import secrets
import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import may_have_saved
from app.web.errors import error_response
from app.web.security import SAFE_METHODS
from app.web.templating import without_badge

REQUEST_ID = "request_id"
RETRY_AFTER = "5"
BUSY = "The service is busy or briefly unavailable; please try again in a moment."
BROKEN = "Something went wrong on our side."
NOTHING_SAVED = "Nothing you sent was saved."
MAYBE_SAVED = "What you sent may have been saved: check before you send it again."
# SQLite's result codes for a database that cannot serve now, as opposed to a wrong statement
# (which SQLite also reports as OperationalError: "no such table").
_SQLITE_UNAVAILABLE = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
    }
)
log = logging.getLogger("portfolio.errors")


class Failures:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})[REQUEST_ID] = request_id
        header = (b"x-request-id", request_id.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            return  # nobody is left to answer, and nothing went wrong here
        except Exception as exc:
            if started:
                raise
            response = failure_response(Request(scope), exc, request_id)
            await response(scope, receive, send_with_id)


def unavailable(exc: BaseException) -> bool:
    """The database cannot serve now (down, locked, full, no connection free): a later try
    may succeed."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _SQLITE_UNAVAILABLE  # the primary code, without its extension
    # PostgreSQL's: connection lost or refused, out of disk or connections, shut down,
    # a lock or statement timeout, a deadlock or serialisation failure.
    return isinstance(exc, OperationalError)


def short_reason(exc: BaseException) -> str:
    """The database's own words in one line: the statement and its parameters stay out."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def failure_response(request: Request, exc: Exception, request_id: str) -> Response:
    where = f"{request.method} {request.url.path}"
    without_badge(request)  # the database may be what failed: the page asks nothing of it
    busy = unavailable(exc)
    if busy:
        reason = short_reason(exc)
        log.warning("request %s: %s: database unavailable: %s", request_id, where, reason)
        status, detail, notes = 503, BUSY, _saved(request)
    else:
        log.error("request %s: %s failed", request_id, where, exc_info=exc)
        reference = f"If it keeps happening, tell us this reference: {request_id}."
        status, detail, notes = 500, BROKEN, [*_saved(request), reference]
    try:
        response = error_response(request, status, detail, notes=notes)
    except Exception:
        log.exception("request %s: its error page failed too", request_id)
        response = PlainTextResponse(" ".join([detail, *notes]), status_code=status)
    if busy:
        response.headers["Retry-After"] = RETRY_AFTER
    return response


def _saved(request: Request) -> list[str]:
    """What to tell about the request's writes: nothing for a read, else whether it was kept."""
    if request.method in SAFE_METHODS:
        return []
    return [MAYBE_SAVED if may_have_saved(request) else NOTHING_SAVED]
