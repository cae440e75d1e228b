"""/healthz says the process is alive and asks nothing of the database; /readyz says whether
the database answers a read, within a moment."""

import asyncio
import time

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from app import health
from app.settings import Settings
from tests.dialects import SQLITE_ONLY
from tests.event_loop import run_async
from tests.locks import lock_held


def test_healthz_answers_without_a_database(postgres_down: FastAPI) -> None:
    with TestClient(postgres_down) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@SQLITE_ONLY
def test_healthz_answers_at_once_while_a_write_holds_the_lock(
    client: TestClient, engine: Engine
) -> None:
    with lock_held(engine, "organisation"):
        started = time.monotonic()
        assert client.get("/healthz").status_code == 200
        assert time.monotonic() - started < 1


def test_readyz_is_ok_when_the_database_answers(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_readyz_is_503_when_the_database_is_down(postgres_down: FastAPI) -> None:
    with TestClient(postgres_down) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "not answering"}


@SQLITE_ONLY
def test_readyz_reads_while_a_write_holds_the_lock(client: TestClient, engine: Engine) -> None:
    # /readyz answers 503 past its own one-second limit, so a 200 means the read did not wait.
    with lock_held(engine, "organisation"):
        assert client.get("/readyz").status_code == 200


def test_readyz_answers_two_probes_at_once(app: FastAPI) -> None:
    async def both() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            answers = await asyncio.gather(*(client.get("/readyz") for _ in range(2)))
        return [answer.status_code for answer in answers]

    assert run_async(both) == [200, 200]


def test_readyz_does_not_wait_for_a_database_that_hangs(
    app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its only connection is taken, so the check waits: the answer does not."""
    monkeypatch.setattr(health, "READY_WITHIN_S", 0.1)
    app.state.engine.dispose()
    app.state.engine = create_engine(
        settings.database_url, pool_size=1, max_overflow=0, pool_timeout=10
    )
    with TestClient(app) as client:
        with app.state.engine.connect():
            first, second = client.get("/readyz"), client.get("/readyz")
        assert (first.status_code, first.json()["database"]) == (503, "no answer in time")
        assert second.json()["database"] == "the previous check has not finished"
        deadline = time.monotonic() + 5
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "never ready again"
            time.sleep(0.05)
    app.state.engine.dispose()
