"""The request's transaction is committed before the response is sent, or rolled back."""

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.responses import Response

from app.auth.deps import DbSession
from app.db import open_session
from app.models import Organisation
from app.web.templating import ANON_CSRF_COOKIE

# An anonymous form post that passes the CSRF check (double-submit cookie, same origin).
FORM_POST = {"headers": {"X-CSRF-Token": "t", "Sec-Fetch-Site": "same-origin"}}


def _csrf_cookie(client: TestClient) -> TestClient:
    client.cookies.set(ANON_CSRF_COOKIE, "t")
    return client


class SeenResponse(Response):
    """Records, as it starts sending, what another connection sees in the database."""

    def __init__(self, engine: Engine, seen: list[int]) -> None:
        super().__init__(status_code=204)
        self.engine, self.seen = engine, seen

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        with open_session(self.engine, read_only=True) as other:
            self.seen.append(len(other.exec(select(Organisation)).all()))
        await super().__call__(scope, receive, send)


def test_a_write_is_visible_to_others_when_the_response_starts(app: FastAPI) -> None:
    seen: list[int] = []

    @app.get("/test-write")
    def write(session: DbSession) -> Response:
        session.add(Organisation(name="Written in the request", kind="provider"))
        session.flush()
        return SeenResponse(app.state.engine, seen)

    with TestClient(app) as client:
        assert client.get("/test-write").status_code == 204
    assert seen == [1]


def test_a_route_that_fails_leaves_nothing_written(app: FastAPI) -> None:
    @app.post("/test-fail")
    def fail(session: DbSession) -> Response:
        session.add(Organisation(name="Never kept", kind="provider"))
        session.flush()
        raise RuntimeError("the route failed after writing")

    with _csrf_cookie(TestClient(app, raise_server_exceptions=False)) as client:
        assert client.post("/test-fail", **FORM_POST).status_code == 500
    with open_session(app.state.engine, read_only=True) as other:
        assert other.exec(select(Organisation)).all() == []
