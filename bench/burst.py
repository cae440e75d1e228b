"""Bursts and writers: a worker hit by a burst of mixed requests, and many writers at once.

`burst` sends N requests at one moment (reads of the API and of a page, and sign-offs of one
KSB that nobody has signed off) and counts the answers, the slowest, and the time until a plain
request is served again. `writers` has W apprentices each write evidence drafts as fast as they
are answered and reports p50 and p99 of a write: on SQLite every write waits for the one write
lock, so this shows how long its transactions hold it.
"""

import asyncio
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.auth.api_tokens import new_token
from app.auth.tokens import digest
from app.db import open_session
from app.models import ApiToken
from bench.server import Server

SIGN_OFF_REASON = "bench burst: signed off by whichever request wins"


@dataclass
class BurstResult:
    requests: int
    answers: dict[str, int] = field(default_factory=dict)  # "kind status" -> count
    slowest_s: float = 0.0
    winners: int = 0
    recovered_s: float | None = None  # from the burst's end to the first plain success
    errors: int = 0  # connections that failed outright


@dataclass
class WritersResult:
    writers: int
    writes: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)


def _token_for(engine: Engine, user_id: int) -> str:
    raw = new_token()
    with open_session(engine) as session:
        session.add(ApiToken(token_hash=digest(raw), user_id=user_id, name="bench burst"))
        session.commit()
    return raw


def _unsigned_ksb(engine: Engine) -> tuple[int, int, str]:
    """A tutor's apprenticeship and one of its KSBs that nobody has signed off."""
    query = text("""
        SELECT a.id, a.tutor_id, k.code FROM apprenticeship a
        JOIN ksb k ON k.standard_id = a.standard_id
        WHERE a.tutor_id IS NOT NULL AND a.status = 'active' AND NOT EXISTS (
            SELECT 1 FROM ksb_signoff s WHERE s.apprenticeship_id = a.id AND s.ksb_id = k.id)
        ORDER BY a.id LIMIT 1
    """)
    with open_session(engine, read_only=True) as session:
        row = session.execute(query).one()
    return int(row[0]), int(row[1]), str(row[2])


async def _one(
    client: httpx.AsyncClient, kind: str, request: httpx.Request
) -> tuple[str, int, float]:
    started = time.monotonic()
    try:
        response = await client.send(request)
        return kind, response.status_code, time.monotonic() - started
    except httpx.HTTPError:
        return kind, 0, time.monotonic() - started


def burst(server: Server, engine: Engine, *, requests: int = 1000) -> BurstResult:
    apprenticeship_id, tutor_id, code = _unsigned_ksb(engine)
    tutor = {"Authorization": f"Bearer {_token_for(engine, tutor_id)}"}
    signoffs = f"/api/v1/apprenticeships/{apprenticeship_id}/signoffs"
    body = {"ksb_code": code, "override_reason": SIGN_OFF_REASON}

    async def run() -> list[tuple[str, int, float]]:
        limits = httpx.Limits(max_connections=requests, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=60) as c:
            sent = []
            for n in range(requests):
                if n % 3 == 0:
                    sent.append(
                        ("sign-off", c.build_request("POST", signoffs, json=body, headers=tutor))
                    )
                elif n % 3 == 1:
                    sent.append(("api read", c.build_request("GET", "/api/v1/me", headers=tutor)))
                else:
                    sent.append(("page", c.build_request("GET", "/login")))
            return await asyncio.gather(*(_one(c, kind, r) for kind, r in sent))

    answers = asyncio.run(run())
    ended = time.monotonic()
    result = BurstResult(requests)
    result.answers = dict(Counter(f"{kind} {status}" for kind, status, _ in answers))
    result.slowest_s = max(seconds for _, _, seconds in answers)
    result.winners = sum(1 for kind, status, _ in answers if kind == "sign-off" and status == 201)
    result.errors = sum(1 for _, status, _ in answers if status == 0)
    result.recovered_s = _recovery(server, tutor, ended)
    # Leave the data as it was found, for the next run.
    httpx.delete(f"{server.base_url}{signoffs}/{code}", params={"reason": "bench"}, headers=tutor)
    return result


def _recovery(server: Server, headers: dict[str, str], since: float) -> float | None:
    deadline = since + 60
    while time.monotonic() < deadline:
        try:
            if (
                httpx.get(f"{server.base_url}/api/v1/me", headers=headers, timeout=5).status_code
                == 200
            ):
                return time.monotonic() - since
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    return None


def _apprentices(engine: Engine, count: int) -> list[tuple[int, int, str]]:
    """(apprenticeship, apprentice, start date) of `count` active apprenticeships."""
    query = text(
        "SELECT id, apprentice_id, start_date FROM apprenticeship WHERE status = 'active'"
        " ORDER BY id LIMIT :n"
    )
    with open_session(engine, read_only=True) as session:
        rows = session.execute(query, {"n": count})
        return [(int(a), int(u), str(start)[:10]) for a, u, start in rows]


def writers(
    server: Server, engine: Engine, *, writers: int = 24, seconds: float = 10
) -> WritersResult:
    people = _apprentices(engine, writers)
    tokens = [_token_for(engine, apprentice_id) for _, apprentice_id, _ in people]

    async def write_loop(
        person: tuple[int, int, str], token: str, until: float
    ) -> list[tuple[int, float]]:
        apprenticeship_id, _, start = person
        draft = {"title": "Bench draft", "occurred_on": start, "kind": "document"}
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/apprenticeships/{apprenticeship_id}/evidence"
        done = []
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
            while time.monotonic() < until:
                started = time.monotonic()
                response = await client.post(path, json=draft, headers=headers)
                done.append((response.status_code, time.monotonic() - started))
        return done

    async def run() -> list[tuple[int, float]]:
        until = time.monotonic() + seconds
        loops = [write_loop(p, t, until) for p, t in zip(people, tokens, strict=True)]
        return [write for done in await asyncio.gather(*loops) for write in done]

    writes = asyncio.run(run())
    times = sorted(seconds for status, seconds in writes if status == 201)
    result = WritersResult(writers, writes=len(writes))
    result.statuses = dict(Counter(str(status) for status, _ in writes))
    if times:
        result.p50_ms = statistics.median(times) * 1000
        result.p99_ms = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
    return result


def show(burst_result: dict[str, Any] | None, writers_result: dict[str, Any] | None) -> None:
    if burst_result is not None:
        b = BurstResult(**burst_result)
        print(f"\nBurst of {b.requests:,} requests at one worker:")
        for answer, count in sorted(b.answers.items()):
            print(f"  {answer:<16} {count:>6}")
        recovered = f"{b.recovered_s:.2f} s" if b.recovered_s is not None else "not within 60 s"
        print(f"  slowest answer {b.slowest_s:.2f} s; sign-offs won {b.winners}; ", end="")
        print(f"failed connections {b.errors}; served again {recovered} after the burst")
    if writers_result is not None:
        w = WritersResult(**writers_result)
        print(f"\n{w.writers} writers for their evidence at once: {w.writes:,} writes, ", end="")
        print(f"p50 {w.p50_ms:.1f} ms, p99 {w.p99_ms:.1f} ms, answers {w.statuses}")
