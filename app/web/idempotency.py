"""Writes that happen once: an API write sent with an `Idempotency-Key`, or a page's form with
its one-time token, answers a repeat with the first answer and writes nothing the second time.

The key is claimed in the request's own transaction before the write, and the answer is kept in
that same transaction before it commits, so a write and its kept answer exist together or not at
all. A concurrent repeat waits on the key's unique index until the first commits.
"""

import hashlib
import json
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy import update
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.db import insert_once, request_session
from app.errors import Conflict, FieldErrors
from app.models import AnsweredRequest, utcnow

KEY_HEADER = "Idempotency-Key"
FORM_FIELD = "form_token"
KEY_MAX = 255
WRITES = {"POST", "PUT"}
REPLAYED_HEADERS = ("content-type", "location", "hx-redirect")
SENT_TWICE = "This form has already been sent, so it was not saved again."
OTHER_BODY = "This Idempotency-Key was used for a different request. Use a new key."


def new_form_token() -> str:
    """A page form's one-time token (a Jinja global): a double submit writes once."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Sent:
    key: str  # "api:..." or "form:...": a page's token never meets an API key
    digest: str  # of what was sent; "" until a streamed body has arrived
    is_api: bool


class Replay(Exception):
    """A repeat of an answered write: answer it as the first was answered."""

    def __init__(self, response: Response) -> None:
        super().__init__("replayed")
        self.response = response


def sent_of(request: Request) -> Sent | None:
    return getattr(request.state, "sent", None)


def claim(session: Session, *, user_id: int, sent: Sent) -> None:
    """Go on if this is the first write with the key; raise Replay if it was answered before,
    and refuse the key if it came with something else."""
    values = {
        "user_id": user_id,
        "key": sent.key,
        "digest": sent.digest,
        "status_code": 0,
        "headers": "{}",
        "body": "",
        "created_at": utcnow(),
    }
    if insert_once(session, AnsweredRequest, values, unique=["user_id", "key"]):
        return
    first = session.exec(
        select(AnsweredRequest).where(
            AnsweredRequest.user_id == user_id, AnsweredRequest.key == sent.key
        )
    ).one()
    if first.digest != sent.digest:
        raise FieldErrors.one(KEY_HEADER if sent.is_api else FORM_FIELD, OTHER_BODY)
    if not first.status_code:  # a page's answer that was not a redirect is not kept
        raise Conflict(SENT_TWICE)
    headers = json.loads(first.headers)
    raise Replay(Response(first.body, status_code=first.status_code, headers=headers))


def keep(session: Session, *, user_id: int, sent: Sent, response: Response) -> None:
    """Keep the answer beside the write. A page's answer is kept only when it is a redirect:
    pages can hold what must never be stored (a new API token, the form's CSRF token)."""
    redirect = response.status_code in (204, 303) or "hx-redirect" in response.headers
    if not sent.is_api and not redirect:
        return
    headers = {
        name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers
    }
    statement = (
        update(AnsweredRequest)
        .where(col(AnsweredRequest.user_id) == user_id, col(AnsweredRequest.key) == sent.key)
        .values(
            status_code=response.status_code,
            headers=json.dumps(headers),
            body=bytes(response.body).decode() if sent.is_api else "",
        )
    )
    session.execute(statement)


def answered_once(
    session: Session,
    request: Request,
    *,
    user_id: int,
    digest: str,
    answer: Callable[[], Response],
) -> Response:
    """For a route that streamed its body: claim the key now that the body's digest is known,
    answer, and keep the answer, all in the transaction of the write."""
    sent = sent_of(request)
    if sent is None:
        return answer()
    sent = replace(sent, digest=digest)
    claim(session, user_id=user_id, sent=sent)
    response = answer()
    if response.status_code < 400:
        keep(session, user_id=user_id, sent=sent, response=response)
    return response


def _user_id(request: Request) -> int | None:
    viewer = getattr(request.state, "viewer", None)
    return viewer.user.id if viewer is not None else None


async def _claimed(request: Request) -> None:
    """Runs after the app-wide CSRF check, which has opened the request's transaction and found
    who is asking; nobody signed in has nothing to repeat."""
    sent, user_id, session = sent_of(request), _user_id(request), request_session(request)
    if sent is not None and user_id is not None and session is not None:
        await run_in_threadpool(claim, session, user_id=user_id, sent=sent)


async def _sent(request: Request, *, streams: bool) -> Sent | None:
    """What identifies this write, if it came with a key or token. A streamed body is never read
    here: its route claims the key once the body has arrived (with the body's digest)."""
    api = request.url.path.startswith("/api/")
    urlencoded = request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    )
    if api:
        key = request.headers.get(KEY_HEADER)
    elif urlencoded and not streams:
        await request.body()  # read first, so that it is kept for the route to parse again
        raw = (await request.form()).get(FORM_FIELD)
        key = raw if isinstance(raw, str) else None
    else:
        key = request.query_params.get(FORM_FIELD)
    if not key:
        return None
    if len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        field = KEY_HEADER if api else FORM_FIELD
        raise FieldErrors.one(field, "Send a key of 1 to 255 printable characters.")
    digest = "" if streams else body_digest(request.method, request.url.path, await request.body())
    return Sent(("api:" if api else "form:") + key, digest, api)


def body_digest(*parts: str | bytes) -> str:
    """What was sent, as one digest: the request's body, or a streamed body's fields and its
    files' SHA-256."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big") + data)
    return hashed.hexdigest()


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class OnceRoute(APIRoute):
    """A route whose POST and PUT happen once per key (the routers of web/api.py and pages)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {m.upper() for m in kwargs.get("methods") or ()}
        self._streams = bool(getattr(endpoint, "streams_body", False))
        dependencies = list(kwargs.get("dependencies") or [])
        claimed = any(d.dependency is _claimed for d in dependencies)
        if methods & WRITES and not self._streams and not claimed:
            dependencies.append(Depends(_claimed))
        super().__init__(path, endpoint, **kwargs | {"dependencies": dependencies})

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        if not (self.methods or set()) & WRITES:
            return handler
        streams = self._streams

        async def once(request: Request) -> Response:
            sent = await _sent(request, streams=streams)
            if sent is None:
                return await handler(request)
            request.state.sent = sent
            try:
                response = await handler(request)
            except Replay as replay:
                return replay.response
            user_id, session = _user_id(request), request_session(request)
            if user_id is not None and session is not None and response.status_code < 400:
                await run_in_threadpool(
                    keep, session, user_id=user_id, sent=sent, response=response
                )
            return response

        return once
