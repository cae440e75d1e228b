"""Failures answer clearly: 503 with Retry-After when the database is down, locked, full or out
of connections, 500 with a reference otherwise. Each failure is made for real and sent to a real
uvicorn: each answer carries the security headers and a request id, and the same keep-alive
connection serves the next request."""

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import date
from http.client import IncompleteRead
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.auth.deps import DbSession
from app.main import create_app
from app.models import Organisation
from app.settings import Settings
from app.web.failures import BUSY, MAYBE_SAVED, NOTHING_SAVED, unavailable
from app.web.security import BASE_HEADERS
from tests.dialects import POSTGRES_ONLY, SQLITE_ONLY
from tests.factories import (
    make_api_token,
    make_apprenticeship,
    make_employer,
    make_provider,
    make_standard,
    make_user,
)
from tests.live_server import Answer, connected
from tests.locks import lock_held

# An anonymous form post that passes the CSRF check (double-submit cookie, same origin).
LOGIN = {
    "Cookie": "portfolio_csrf=t",
    "X-CSRF-Token": "t",
    "Sec-Fetch-Site": "same-origin",
    "Content-Type": "application/x-www-form-urlencoded",
}
LOGIN_BODY = "email=someone%40example.org&password=a+long+test+passphrase"
REQUEST_ID = re.compile(r"[0-9a-f]{16}")


def assert_clear(answer: Answer, status: int) -> None:
    """The status, a request id, and the security headers every answer carries."""
    assert answer.status == status
    assert REQUEST_ID.fullmatch(answer.headers["X-Request-Id"] or "")
    for name, value in BASE_HEADERS.items():
        assert answer.headers[name] == value, name
    assert answer.headers["Cache-Control"] == "no-store"


def assert_busy(answer: Answer) -> None:
    assert_clear(answer, 503)
    assert answer.headers["Retry-After"] == "5"


def assert_busy_json(answer: Answer, *, saved: str | None = NOTHING_SAVED) -> None:
    assert_busy(answer)
    assert answer.headers["Content-Type"] == "application/json"
    expected = f"{BUSY} {saved}" if saved else BUSY
    assert answer.json() == {"detail": expected}


def assert_busy_page(answer: Answer, *, saved: str | None = NOTHING_SAVED) -> None:
    assert_busy(answer)
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<html" in answer.text and BUSY in answer.text
    if saved:
        assert saved in answer.text
    else:
        assert NOTHING_SAVED not in answer.text and MAYBE_SAVED not in answer.text


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}


# The database is locked: another connection holds SQLite's write lock past the busy timeout.
@pytest.fixture
def quick_to_give_up(settings: Settings) -> Settings:
    return settings.model_copy(update={"sqlite_busy_timeout_ms": 50})


@SQLITE_ONLY
def test_a_locked_database_answers_the_api_503(quick_to_give_up: Settings, engine: Engine) -> None:
    with connected(create_app(quick_to_give_up)) as server, lock_held(engine, "organisation"):
        answer = server.send("POST", "/api/v1/notifications/read", bearer("kp_any"), "{}")
        assert_busy_json(answer)
        server.assert_still_open()


@SQLITE_ONLY
def test_a_locked_database_answers_a_page_503(quick_to_give_up: Settings, engine: Engine) -> None:
    with connected(create_app(quick_to_give_up)) as server, lock_held(engine, "organisation"):
        assert_busy_page(server.send("POST", "/login", LOGIN, LOGIN_BODY))
        server.assert_still_open()


@SQLITE_ONLY
def test_a_locked_database_answers_htmx_a_fragment(
    quick_to_give_up: Settings, engine: Engine
) -> None:
    with connected(create_app(quick_to_give_up)) as server, lock_held(engine, "organisation"):
        answer = server.send("POST", "/login", {**LOGIN, "HX-Request": "true"}, LOGIN_BODY)
        assert_busy(answer)
        assert answer.text.lstrip().startswith('<article class="error"')
        assert NOTHING_SAVED in answer.text
        server.assert_still_open()


# The database is full: SQLite may not grow the file by another page.
@SQLITE_ONLY
def test_a_full_database_answers_503(settings: Settings, session: Session) -> None:
    provider = make_provider(session)
    employer = make_employer(session, provider)
    apprentice = make_user(session, employer, "apprentice")
    apprenticeship = make_apprenticeship(
        session,
        standard=make_standard(session),
        provider=provider,
        employer=employer,
        apprentice=apprentice,
        tutor=None,
        start=date(2025, 9, 1),
        planned_end=date(2027, 9, 1),
    )
    raw = make_api_token(session, apprentice)
    session.commit()
    app = create_app(settings)

    @event.listens_for(app.state.engine, "connect")
    def _no_room_to_grow(dbapi_conn: Any, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    # A reflection longer than a page needs new pages, whatever room the last one has left.
    body = {"title": "Runbook", "occurred_on": "2026-01-05", "kind": "document"}
    body["reflection"] = "x" * 20_000
    path = f"/api/v1/apprenticeships/{apprenticeship.id}/evidence"
    with connected(app) as server:
        assert_busy_json(server.send("POST", path, bearer(raw), json.dumps(body)))
        server.assert_still_open()


# PostgreSQL is down: nothing listens where the app looks for it.
def test_postgres_down_answers_the_api_503(postgres_down: FastAPI) -> None:
    with connected(postgres_down) as server:
        assert_busy_json(server.send("GET", "/api/v1/me", bearer("kp_any")), saved=None)
        server.assert_still_open()


def test_postgres_down_answers_a_page_503(postgres_down: FastAPI) -> None:
    with connected(postgres_down) as server:
        answer = server.send("GET", "/caseload", {"Cookie": "portfolio_session=any"})
        assert_busy_page(answer, saved=None)
        server.assert_still_open()


# PostgreSQL drops the request's connection (pg_terminate_backend), before or during COMMIT.
@pytest.fixture
def tutor_token(session: Session) -> str:
    raw = make_api_token(session, make_user(session, make_provider(session), "tutor"))
    session.commit()
    return raw


def _terminate(admin: Engine, condition: str) -> None:
    """Wait for a backend that matches, end it, and wait until it is gone."""
    where = f"pid <> pg_backend_pid() AND datname = current_database() AND ({condition})"
    with admin.connect() as conn:
        # Autocommit: a transaction would keep showing pg_stat_activity as it first saw it.
        conn.execution_options(isolation_level="AUTOCOMMIT")

        def matching() -> int:
            found = conn.execute(text(f"SELECT count(*) FROM pg_stat_activity WHERE {where}"))
            return int(found.scalar_one())

        _wait_until(lambda: matching() > 0)
        conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {where}"))
        _wait_until(lambda: matching() == 0)


def _wait_until(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not done():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.01)


@POSTGRES_ONLY
def test_a_connection_lost_before_commit_answers_503_nothing_saved(
    settings: Settings, engine: Engine, tutor_token: str
) -> None:
    # The request's bookkeeping write (last used) waits on the token's lock until it is ended.
    with connected(create_app(settings)) as server, lock_held(engine, "api_token"):
        server.ask("POST", "/api/v1/notifications/read", bearer(tutor_token), "{}")
        _terminate(engine, "wait_event_type = 'Lock'")
        assert_busy_json(server.answer())
        server.assert_still_open()


@POSTGRES_ONLY
def test_a_connection_lost_during_commit_does_not_say_nothing_was_saved(
    settings: Settings, engine: Engine, tutor_token: str
) -> None:
    app = create_app(settings)
    cut: list[int] = []

    @event.listens_for(app.state.engine, "commit")
    def _cut_off(conn: Any) -> None:
        """Just before COMMIT is sent, the server ends the connection it will go on."""
        if not cut:
            cut.append(conn.connection.dbapi_connection.info.backend_pid)
            _terminate(engine, f"pid = {cut[0]}")

    with connected(app) as server:
        answer = server.send("POST", "/api/v1/notifications/read", bearer(tutor_token), "{}")
        assert cut, "no commit was cut off"
        assert_busy_json(answer, saved=MAYBE_SAVED)
        server.assert_still_open()


# The pool is empty: every connection is checked out, and none comes back in time.
def test_an_empty_pool_answers_503(settings: Settings) -> None:
    app = create_app(settings)
    app.state.engine.dispose()
    app.state.engine = create_engine(
        settings.database_url, pool_size=1, max_overflow=0, pool_timeout=0.05
    )
    with connected(app) as server, app.state.engine.connect():
        assert_busy_json(server.send("GET", "/api/v1/me", bearer("kp_any")), saved=None)
        server.assert_still_open()
    app.state.engine.dispose()


# An unexpected error: 500, with a reference that the log holds beside the traceback.
@pytest.fixture
def failing_app(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.get("/test-broken")
    @app.get("/api/v1/test-broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    @app.get("/test-broken-midway")
    def broken_midway() -> StreamingResponse:
        def parts() -> Iterator[bytes]:
            yield b"the first part"
            raise RuntimeError("a bug")

        return StreamingResponse(parts())

    @app.post("/api/v1/test-broken")
    def broken_write(session: DbSession, commit: bool = False) -> None:
        session.add(Organisation(name="Written", kind="provider"))
        if commit:
            session.commit()
        raise RuntimeError("a bug")

    return app


def _logged(caplog: pytest.LogCaptureFixture, request_id: str) -> logging.LogRecord:
    found = [r for r in caplog.records if r.name == "portfolio.errors" and request_id in r.message]
    assert len(found) == 1
    return found[0]


@SQLITE_ONLY  # the database plays no part
def test_an_unexpected_error_answers_the_api_500_with_a_reference(
    failing_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with connected(failing_app) as server:
        answer = server.send("GET", "/api/v1/test-broken")
        assert_clear(answer, 500)
        request_id = answer.headers["X-Request-Id"]
        assert set(answer.json()) == {"detail"}
        assert request_id in answer.json()["detail"]
        server.assert_still_open()
    record = _logged(caplog, request_id)
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)


@SQLITE_ONLY  # the database plays no part
def test_an_unexpected_error_answers_a_page_500_with_a_reference(failing_app: FastAPI) -> None:
    with connected(failing_app) as server:
        answer = server.send("GET", "/test-broken")
        assert_clear(answer, 500)
        assert "<html" in answer.text and "Something went wrong" in answer.text
        assert answer.headers["X-Request-Id"] in answer.text
        assert "Retry-After" not in answer.headers
        server.assert_still_open()


@SQLITE_ONLY  # the database plays no part
def test_a_failure_after_the_answer_began_closes_the_connection(failing_app: FastAPI) -> None:
    """Too late to answer otherwise: a cut-off answer is the only sign left that it broke."""
    with connected(failing_app) as server:
        server.http.request("GET", "/test-broken-midway")
        response = server.http.getresponse()
        assert response.status == 200
        with pytest.raises(IncompleteRead):
            response.read()


def test_a_failed_write_says_nothing_was_saved(failing_app: FastAPI) -> None:
    with TestClient(failing_app) as client:
        detail = client.post("/api/v1/test-broken").json()["detail"]
    assert NOTHING_SAVED in detail


def test_a_write_that_fails_after_its_commit_says_it_may_have_been_saved(
    failing_app: FastAPI,
) -> None:
    with TestClient(failing_app) as client:
        detail = client.post("/api/v1/test-broken", params={"commit": True}).json()["detail"]
    assert MAYBE_SAVED in detail and NOTHING_SAVED not in detail


@SQLITE_ONLY  # the database plays no part
def test_every_response_has_its_own_request_id(failing_app: FastAPI) -> None:
    with connected(failing_app) as server:
        ids = {server.send("GET", path).headers["X-Request-Id"] for path in ("/", "/", "/nope")}
    assert len(ids) == 3 and all(REQUEST_ID.fullmatch(i) for i in ids)


# Only what the database cannot do now is a 503: a wrong statement is our bug.
def test_a_wrong_statement_is_not_called_unavailable(engine: Engine) -> None:
    with pytest.raises(DBAPIError) as caught, engine.connect() as conn:
        conn.execute(text("SELECT * FROM no_such_table"))
    assert not unavailable(caught.value)
