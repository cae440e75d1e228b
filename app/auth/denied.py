"""Denied access (a 403 or 404 to a signed-in viewer on a protected route) goes to the event log.

Pure ASGI middleware rather than an exception handler: some refusals are rendered directly with
their status (a form re-shown with a 403), and those must be recorded too. It looks at the status
once the response is finished, so the request's own transaction is over by then (committed or
rolled back) and the event is written in a transaction of its own: a refused request that was
rolled back still leaves its trace, and no request ever waits on a lock it holds itself.

What is recorded: actor, client address, method, path (never the query string: it may hold
search terms or tokens), status. What is not:
- anonymous requests: there is nobody to name, protected routes send them to sign in anyway, and
  an unauthenticated flood must not be able to fill the log;
- paths that match no route (a mistyped address is not an access decision);
- beyond `denied_audit_per_minute` events per user in the last minute. The rest are counted in
  this process, and the user's next recorded event carries {"suppressed": n}, the number left out
  since the one before it. PostgreSQL serialises the count per user with an advisory lock, SQLite
  with its write lock, so the limit holds across concurrent requests.
"""

import logging
import threading
from datetime import timedelta

from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import audit
from app.auth.deps import Viewer
from app.auth.public_routes import PUBLIC_ROUTES
from app.db import open_session
from app.models import Event, Organisation, User, id_of, utcnow

ACTION = "auth.access_denied"
DENIED_STATUSES = frozenset({403, 404})
WINDOW = timedelta(minutes=1)
# First key of PostgreSQL's two-key advisory lock: keeps ours apart from any other user of locks.
_LOCK_NAMESPACE = 0x4B5350  # "KSP"
log = logging.getLogger("portfolio.audit")


class DeniedAccessAudit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._suppressed: dict[int, int] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The same dict becomes request.state, where current_viewer leaves who is asking.
        state = scope.setdefault("state", {})
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        user = _refused_viewer(scope, state, status)
        if user is not None:
            await run_in_threadpool(self._record, scope, user, status)

    def _record(self, scope: Scope, user: User, status: int) -> None:
        app = scope["app"]
        client = scope.get("client")
        # Path only: a query string may hold search terms or tokens. audit.clean defuses CR/LF.
        data: dict[str, object] = {"method": scope["method"], "path": scope["path"]}
        data["status"] = status
        try:
            self._write(
                app.state.engine,
                user=user,
                client_addr=client[0] if client else "unknown",
                data=data,
                limit=app.state.settings.denied_audit_per_minute,
            )
        except SQLAlchemyError:
            # The response has gone out already; a failed audit write must not pass unnoticed.
            log.exception("could not record %s for user %s", ACTION, user.id)

    def _write(
        self,
        engine: Engine,
        *,
        user: User,
        client_addr: str,
        data: dict[str, object],
        limit: int,
    ) -> None:
        user_id = id_of(user)
        with open_session(engine) as session:
            _serialise_per_user(session, user_id)
            if _recent_count(session, user_id) >= limit:
                with self._lock:
                    self._suppressed[user_id] = self._suppressed.get(user_id, 0) + 1
                return
            with self._lock:
                left_out = self._suppressed.pop(user_id, 0)
            if left_out:
                data["suppressed"] = left_out
            audit.record(
                session,
                action=ACTION,
                actor=user,
                target_type="route",
                provider_id=_provider_id(session, user),
                client_addr=client_addr,
                data=data,
            )
            session.commit()


def _refused_viewer(scope: Scope, state: dict[str, object], status: int) -> User | None:
    """Who was refused, when it is a signed-in viewer on a protected route; None otherwise."""
    viewer = state.get("viewer")
    route_name = getattr(scope.get("route"), "name", None)
    if status not in DENIED_STATUSES or not isinstance(viewer, Viewer) or not route_name:
        return None
    return None if route_name in PUBLIC_ROUTES else viewer.user


def _serialise_per_user(session: Session, user_id: int) -> None:
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :uid)"),
            {"ns": _LOCK_NAMESPACE, "uid": user_id},
        )


def _recent_count(session: Session, user_id: int) -> int:
    since = utcnow() - WINDOW
    return session.exec(
        select(func.count()).where(
            col(Event.action) == ACTION,
            col(Event.actor_id) == user_id,
            col(Event.occurred_at) >= since,
        )
    ).one()


def _provider_id(session: Session, user: User) -> int | None:
    """The tenant the event belongs to: the provider itself, or the employer's provider."""
    org = session.get(Organisation, user.organisation_id)
    if org is None:
        return None
    return org.provider_id or org.id
