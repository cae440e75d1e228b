"""Who is asking: the viewer from a session cookie or an API token, and the CSRF check."""

import hmac
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlmodel import Session

from app.auth import api_tokens, sessions
from app.auth.tokens import new_secret
from app.db import READ_ONLY, get_session, open_session, write_aside
from app.errors import DomainError, Forbidden
from app.models import ApiToken, Role, User, UserSession
from app.models.base import id_of
from app.web.api import API_PREFIX
from app.web.security import SAFE_METHODS, same_origin
from app.web.templating import ANON_CSRF_COOKIE

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
T = TypeVar("T", User, UserSession, ApiToken)


class NotAuthenticated(DomainError):
    status_code = 401


@dataclass(frozen=True)
class Viewer:
    user: User
    session_row: UserSession | None = None  # signed in with a browser session
    token: ApiToken | None = None  # or calling the API with a personal access token

    @property
    def csrf_token(self) -> str | None:
        return self.session_row.csrf_token if self.session_row else None


def client_addr(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _from_token(request: Request, session: Session, header: str) -> Viewer | None:
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    found = api_tokens.find_token(session, raw=raw.strip())
    if found is None:
        return None
    token, user = _detached(session, found[0]), _detached(session, found[1])
    if api_tokens.needs_touch(token):
        _write_aside(request, session, lambda s: api_tokens.touch(s, token_id=id_of(token)))
    return Viewer(user=user, token=token)


def _from_cookie(request: Request, session: Session) -> Viewer | None:
    raw = sessions.session_cookie(request)
    limits = sessions.Limits.from_settings(request.app.state.settings)
    found = sessions.find_session(session, raw=raw, limits=limits) if raw else None
    if found is None:
        return None
    row, user = _detached(session, found[0]), _detached(session, found[1])
    if sessions.needs_touch(row):
        _write_aside(request, session, lambda s: sessions.touch(s, session_id=id_of(row)))
    return Viewer(user=user, session_row=row)


def _write_aside(request: Request, session: Session, write: Callable[[Session], None]) -> None:
    """A bookkeeping write (last seen, last used) that must not make reads write, or wait.

    A read request's transaction stays read-only, so the write gets its own short one, skipped
    when another transaction holds the lock: a later request does it. A write request already
    holds SQLite's write lock: a second transaction would wait on it until the busy timeout,
    so the write joins the request's own transaction instead.
    """
    if session.execution_options.get(READ_ONLY):
        write_aside(request.app.state.engine, write)
    else:
        write(session)


def _detached(session: Session, row: T) -> T:
    """A snapshot of who is asking that survives the request's rollback (error pages use it)."""
    session.expunge(row)
    return row


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX + "/")


def _who_is_asking(request: Request, session: Session) -> Viewer | None:
    """A token opens the JSON API only; a page never trusts an Authorization header.

    On the API a present Authorization header decides alone: a wrong one is refused even beside
    a valid session cookie, so a program never acts as whoever last signed in in a browser.
    """
    header = request.headers.get("Authorization")
    if header and is_api(request):
        viewer = _from_token(request, session, header)
    else:
        viewer = _from_cookie(request, session)
    request.state.viewer = viewer
    return viewer


@dataclass(frozen=True)
class Opened:
    session: Session | None  # None on routes that stream their body (streams_body)
    viewer: Viewer | None


E = TypeVar("E", bound=Callable[..., object])


def streams_body(endpoint: E) -> E:
    """Mark a route that reads a long body (an upload): it holds no connection while the body
    arrives, and runs its database work through app.admission.in_transaction instead."""
    endpoint.streams_body = True  # type: ignore[attr-defined]
    return endpoint


def _streams(request: Request) -> bool:
    return getattr(request.scope.get("endpoint"), "streams_body", False)


async def admitted(request: Request) -> AsyncIterator[None]:
    """The request's turn at the database (app/admission.py), until its transaction ends."""
    if _streams(request):
        yield  # its transactions take their own turns
        return
    async with request.app.state.admission.turn(read=request.method in SAFE_METHODS):
        yield


def open_request(
    request: Request, _turn: Annotated[None, Depends(admitted, scope="function")]
) -> Iterator[Opened]:
    """The request's transaction and who is asking, found in one trip to the thread pool:
    every request needs both (the CSRF check asks who), and each trip costs 0.1-0.3 ms."""
    if _streams(request):
        # Who is asking, in a short read of its own: the body arrives with no connection held.
        with open_session(request.app.state.engine, read_only=True) as session:
            viewer = _who_is_asking(request, session)
        yield Opened(None, viewer)
        return
    with get_session(request) as session:
        yield Opened(session, _who_is_asking(request, session))


# scope="function": the commit happens before the response goes out, so a client that follows
# our redirect (or reads what it just wrote) never looks before the change is there.
OpenedRequest = Annotated[Opened, Depends(open_request, scope="function")]


async def _session(opened: OpenedRequest) -> Session:
    if opened.session is None:
        raise RuntimeError("a route that streams its body has no request session")
    return opened.session


async def current_viewer(opened: OpenedRequest) -> Viewer | None:
    return opened.viewer


DbSession = Annotated[Session, Depends(_session)]


# Checks that only look at what is already loaded are async: FastAPI runs a sync dependency
# in the thread pool, and each hop there costs more than the check.
async def require_viewer(viewer: Annotated[Viewer | None, Depends(current_viewer)]) -> Viewer:
    if viewer is None:
        raise NotAuthenticated("Please sign in.")
    return viewer


CurrentViewer = Annotated[Viewer, Depends(require_viewer)]


def require_roles(*roles: Role) -> Callable[[Viewer], Awaitable[Viewer]]:
    async def check(viewer: CurrentViewer) -> Viewer:
        if viewer.user.role not in roles:
            raise Forbidden("Your role does not allow this.")
        return viewer

    return check


def anon_csrf_token(request: Request) -> str:
    """The double-submit token for forms shown before sign-in (login, activation)."""
    token = request.cookies.get(ANON_CSRF_COOKIE) or getattr(request.state, "new_anon_csrf", None)
    if token is None:
        token = request.state.new_anon_csrf = new_secret()
    return token


async def _sent_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return request.query_params.get(CSRF_FIELD)  # multipart uploads: never parsed up front


async def verify_csrf(
    request: Request, viewer: Annotated[Viewer | None, Depends(current_viewer)]
) -> None:
    """Every state-changing browser request: same origin AND the session's token."""
    if request.method in SAFE_METHODS or (viewer is not None and viewer.token is not None):
        return
    if viewer is None and is_api(request):
        # Nobody to act as, so nothing to forge: the route answers 401, as the API should.
        return
    if not same_origin(request):
        raise Forbidden("This request came from another site and was refused.")
    expected = viewer.csrf_token if viewer else request.cookies.get(ANON_CSRF_COOKIE)
    sent = await _sent_token(request)
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise Forbidden("This form has expired. Please reload the page and try again.")
