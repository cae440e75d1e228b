"""Admission: a worker degrades under bursts instead of collapsing, and slow uploads hold nothing.

The pure rules run on an event loop of their own; the burst and the slow uploads are sent to a
real uvicorn worker on loopback, on both databases.
"""

import asyncio
import json
import socket
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from app.admission import Admission
from app.errors import Unavailable
from app.models import KsbSignoff, Role
from app.models.base import id_of
from bench.server import Server, serve
from tests.event_loop import run_async
from tests.factories import (
    make_api_token,
    make_apprenticeship,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
)
from tests.web_client import PASSWORD

# --- The rules ---


def test_turns_beyond_capacity_wait_then_go_in_order() -> None:
    async def scenario() -> list[str]:
        gate = Admission(capacity=2, writers=2, queue=10, wait_seconds=5)
        log: list[str] = []

        async def visit(name: str) -> None:
            async with gate.turn():
                log.append(f"in {name}")
                await asyncio.sleep(0.01)
                log.append(f"out {name}")

        await asyncio.gather(*(visit(name) for name in "abc"))
        return log

    log = run_async(scenario)
    assert log.index("in c") > min(log.index("out a"), log.index("out b"))  # c waited its turn
    assert len(log) == 6


def test_past_the_queue_a_request_is_refused_at_once() -> None:
    async def scenario() -> tuple[float, int]:
        gate = Admission(capacity=1, writers=1, queue=1, wait_seconds=5)
        held, release = asyncio.Event(), asyncio.Event()

        async def holder() -> None:
            async with gate.turn():
                held.set()
                await release.wait()

        async def waiter() -> None:
            async with gate.turn():
                pass

        tasks = [asyncio.create_task(holder())]
        await held.wait()
        tasks.append(asyncio.create_task(waiter()))
        await asyncio.sleep(0)  # the waiter takes the one place in the queue
        started = time.monotonic()
        with pytest.raises(Unavailable) as refused:
            async with gate.turn():
                pass
        waited = time.monotonic() - started
        release.set()
        await asyncio.gather(*tasks)
        return waited, refused.value.retry_after

    waited, retry_after = run_async(scenario)
    assert waited < 0.5 and retry_after >= 1


def test_a_wait_longer_than_allowed_is_refused() -> None:
    async def scenario() -> None:
        gate = Admission(capacity=1, writers=1, queue=5, wait_seconds=0.05)
        async with gate.turn():
            with pytest.raises(Unavailable):
                async with gate.turn():
                    pass
        async with gate.turn():  # the turn came back when its holder left
            pass

    run_async(scenario)


def test_a_failing_request_gives_its_turn_back() -> None:
    async def scenario() -> None:
        gate = Admission(capacity=1, writers=1, queue=0, wait_seconds=0.05)
        with pytest.raises(RuntimeError):
            async with gate.turn():
                raise RuntimeError("the route failed")
        async with gate.turn():
            pass

    run_async(scenario)


def test_writes_take_their_place_one_by_one_while_reads_go_on() -> None:
    async def scenario() -> list[str]:
        gate = Admission(capacity=4, writers=1, queue=10, wait_seconds=5)
        log: list[str] = []

        async def visit(name: str, read: bool) -> None:
            async with gate.turn(read=read):
                log.append(f"in {name}")
                await asyncio.sleep(0.01)
                log.append(f"out {name}")

        await asyncio.gather(visit("w1", False), visit("w2", False), visit("r1", True))
        return log

    log = run_async(scenario)
    assert log.index("in w2") > log.index("out w1")  # one writer at a time
    assert log.index("in r1") < log.index("out w1")  # a read does not wait for a write


# --- A real worker ---

START = date.today() - timedelta(days=90)


@dataclass(frozen=True)
class World:
    apprenticeship_id: int
    evidence_id: int
    tutor_token: str
    apprentice_token: str
    apprentice_email: str


@pytest.fixture
def world(session: Session) -> World:
    provider = make_provider(session)
    employer = make_employer(session, provider)
    standard = make_standard(session)
    tutor = make_user(session, provider, Role.TUTOR)
    apprentice = make_user(session, employer, Role.APPRENTICE, password=PASSWORD)
    apprenticeship = make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=apprentice,
        tutor=tutor,
        start=START,
        planned_end=START + timedelta(days=540),
    )
    draft = make_evidence(session, apprenticeship=apprenticeship, state="draft")
    world = World(
        id_of(apprenticeship),
        id_of(draft),
        make_api_token(session, tutor),
        make_api_token(session, apprentice),
        apprentice.email,
    )
    session.commit()
    return world


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    env = {"PORTFOLIO_DATABASE_URL": database_url, "PORTFOLIO_DATA_DIR": str(tmp_path / "data")}
    with serve("app.asgi:create", env=env, factory=True, ready_path="/login") as running:
        yield running


@dataclass(frozen=True)
class Answer:
    kind: str
    status: int
    seconds: float
    retry_after: str | None
    body: str


async def _send(client: httpx.AsyncClient, kind: str, request: httpx.Request) -> Answer:
    started = time.monotonic()
    response = await client.send(request)
    seconds = time.monotonic() - started
    retry_after = response.headers.get("Retry-After")
    return Answer(kind, response.status_code, seconds, retry_after, response.text)


def _burst(server: Server, world: World, count: int) -> list[Answer]:
    """count requests at once: reads of the API and of a page, and sign-offs of one KSB."""
    signoffs = f"/api/v1/apprenticeships/{world.apprenticeship_id}/signoffs"
    sign_off = {"ksb_code": "K1", "override_reason": "Seen at work during the burst"}
    tutor = {"Authorization": f"Bearer {world.tutor_token}"}

    async def run() -> list[Answer]:
        limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
        timeout = httpx.Timeout(30)
        async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=timeout) as c:
            requests = []
            for n in range(count):
                if n % 3 == 0:
                    requests.append(
                        (
                            "sign-off",
                            c.build_request("POST", signoffs, json=sign_off, headers=tutor),
                        )
                    )
                elif n % 3 == 1:
                    requests.append(
                        ("api read", c.build_request("GET", "/api/v1/me", headers=tutor))
                    )
                else:
                    requests.append(("page", c.build_request("GET", "/login")))
            return await asyncio.gather(*(_send(c, kind, r) for kind, r in requests))

    return run_async(run)


@pytest.mark.timeout(300)
def test_a_burst_of_1000_is_answered_and_the_worker_recovers(
    server: Server, world: World, session: Session
) -> None:
    answers = _burst(server, world, 1000)
    statuses = Counter((a.kind, a.status) for a in answers)
    assert {status for _, status in statuses} <= {200, 201, 409, 503}, statuses
    assert statuses[("sign-off", 201)] == 1, statuses
    assert max(a.seconds for a in answers) < 10
    assert len(session.exec(select(KsbSignoff)).all()) == 1
    refused = [a for a in answers if a.status == 503]
    for answer in refused:
        assert answer.retry_after is not None
        if answer.kind == "page":
            assert "try again" in answer.body
        else:
            assert json.loads(answer.body)["detail"]
    # Normal service within a second of the burst.
    tutor = {"Authorization": f"Bearer {world.tutor_token}"}
    for _ in range(5):
        started = time.monotonic()
        assert httpx.get(f"{server.base_url}/api/v1/me", headers=tutor).status_code == 200
        assert time.monotonic() - started < 1


def _slow_upload(server: Server, world: World) -> socket.socket:
    """An upload whose headers and first bytes are sent, and the rest not (yet)."""
    host, port = server.base_url.removeprefix("http://").split(":")
    boundary = "slowslowslow"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="plan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()
    request = (
        f"POST /api/v1/evidence/{world.evidence_id}/files HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        f"Authorization: Bearer {world.apprentice_token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        "Content-Length: 10000000\r\n\r\n"
    ).encode()
    sock = socket.create_connection((host, int(port)))
    sock.sendall(request + head)
    return sock


def _sign_in(client: httpx.Client, email: str) -> int:
    client.get("/login")
    token = client.cookies.get("portfolio_csrf")
    form = {"email": email, "password": PASSWORD, "csrf_token": token or ""}
    headers = {"Origin": str(client.base_url).rstrip("/")}
    return client.post("/login", data=form, headers=headers).status_code


@pytest.mark.timeout(300)
def test_slow_uploads_hold_no_connection_and_no_lock(server: Server, world: World) -> None:
    uploads = [_slow_upload(server, world) for _ in range(25)]
    try:
        time.sleep(1)  # every upload is past its checks and streaming its body
        apprentice = {"Authorization": f"Bearer {world.apprentice_token}"}
        day = START.isoformat()
        item = {"title": "Written during the uploads", "occurred_on": day, "kind": "document"}
        evidence = f"/api/v1/apprenticeships/{world.apprenticeship_id}/evidence"
        slowest = 0.0
        for n in range(10):
            started = time.monotonic()
            created = httpx.post(
                server.base_url + evidence,
                json={**item, "title": f"Item {n}"},
                headers=apprentice,
                timeout=30,
            )
            with httpx.Client(base_url=server.base_url, timeout=30) as browser:
                signed_in = _sign_in(browser, world.apprentice_email)
            slowest = max(slowest, time.monotonic() - started)
            assert created.status_code == 201, created.text
            assert signed_in == 303
        assert slowest < 3, f"a write waited {slowest:.1f} s behind the uploads"
    finally:
        for sock in uploads:
            sock.close()
