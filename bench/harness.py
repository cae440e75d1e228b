"""The load loop (N connections for a bounded time) and the statistics it reports."""

import asyncio
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bench.client import Connection, cookie_header


@dataclass(frozen=True)
class LoadStats:
    requests: int
    errors: int  # answers other than 2xx
    seconds: float
    p50_ms: float
    p99_ms: float
    rps: float
    client_cpu: float = 0.0  # share of one core the load client used: near 1.0, it was the limit


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating between the two nearest ranks.

    The same definition as numpy's default and as spreadsheets' PERCENTILE.INC.
    """
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(latencies_s: Sequence[float], errors: int, seconds: float) -> LoadStats:
    """Latencies in seconds, measured over `seconds` of wall time, into milliseconds and rate."""
    if seconds <= 0:
        raise ValueError("the run must take some time")
    return LoadStats(
        requests=len(latencies_s),
        errors=errors,
        seconds=seconds,
        p50_ms=percentile(latencies_s, 50) * 1000,
        p99_ms=percentile(latencies_s, 99) * 1000,
        rps=len(latencies_s) / seconds,
    )


def median_ms(
    action: Callable[[], object],
    *,
    budget_s: float = 2.0,
    min_runs: int = 5,
    max_runs: int = 500,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median time of `action` in ms: at least min_runs runs, then until the budget is spent."""
    times: list[float] = []
    spent = 0.0
    while len(times) < min_runs or (spent < budget_s and len(times) < max_runs):
        began = clock()
        action()
        times.append(clock() - began)
        spent += times[-1]
    return statistics.median(times) * 1000


async def _worker(
    base_url: str,
    path: str,
    cookies: dict[str, str],
    deadline: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    headers = {"Cookie": cookie_header(cookies)} if cookies else {}
    async with Connection.open(base_url, headers=headers) as connection:
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            status, _ = await connection.get(path)
            latencies.append(time.perf_counter() - began)
            if not 200 <= status < 300:
                errors.append(status)


async def _load(
    base_url: str, path: str, cookies: dict[str, str], seconds: float, connections: int
) -> LoadStats:
    latencies: list[float] = []
    errors: list[int] = []
    cpu_began = time.process_time()
    began = time.perf_counter()
    deadline = began + seconds
    await asyncio.gather(
        *(_worker(base_url, path, cookies, deadline, latencies, errors) for _ in range(connections))
    )
    elapsed = time.perf_counter() - began  # includes the last requests still in flight
    stats = summarise(latencies, len(errors), elapsed)
    return replace(stats, client_cpu=(time.process_time() - cpu_began) / elapsed)


def run_load(
    base_url: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    seconds: float,
    connections: int = 16,
    warm_up_s: float = 1.0,
) -> LoadStats:
    """GET `path` from `connections` keep-alive connections for `seconds`, after a warm-up."""
    asyncio.run(_load(base_url, path, cookies or {}, min(warm_up_s, seconds), connections))
    return asyncio.run(_load(base_url, path, cookies or {}, seconds, connections))
