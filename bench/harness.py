"""The load loop (N connections for a bounded time) and the statistics it reports."""

import asyncio
import math
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace

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


@dataclass
class Timed:
    """An action timed again and again, in slices that may be spread over a run: its median is
    over every slice, so a limit timed between the blocks of a load shares that load's minutes."""

    action: Callable[[], object]
    clock: Callable[[], float] = time.perf_counter
    times: list[float] = field(default_factory=list)

    def slice(self, *, budget_s: float, min_runs: int = 1, max_runs: int = 500) -> "Timed":
        """At least min_runs runs, then more until the budget is spent or max_runs reached."""
        spent, runs = 0.0, 0
        while runs < min_runs or (spent < budget_s and runs < max_runs):
            began = self.clock()
            self.action()
            took = self.clock() - began
            self.times.append(took)
            spent, runs = spent + took, runs + 1
        return self

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


async def _requests(
    connection: Connection, path: str, deadline: float, latencies: list[float], errors: list[int]
) -> None:
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        status, _ = await connection.get(path)
        latencies.append(time.perf_counter() - began)
        if not 200 <= status < 300:
            errors.append(status)


async def _load(
    base_url: str,
    path: str,
    cookies: dict[str, str],
    seconds: float,
    connections: int,
    rounds: int = 1,
    between: Callable[[], object] | None = None,
) -> LoadStats:
    latencies: list[float] = []
    errors: list[int] = []
    spent = cpu = 0.0
    headers = {"Cookie": cookie_header(cookies)} if cookies else {}
    async with AsyncExitStack() as stack:
        opened = [
            await stack.enter_async_context(Connection.open(base_url, headers=headers))
            for _ in range(connections)
        ]
        for _ in range(rounds):
            cpu_began, began = time.process_time(), time.perf_counter()
            deadline = began + seconds / rounds
            await asyncio.gather(*(_requests(c, path, deadline, latencies, errors) for c in opened))
            # Wall time includes the last requests still in flight at the deadline.
            spent += time.perf_counter() - began
            cpu += time.process_time() - cpu_began
            if between is not None:
                between()  # nothing is in flight: the server idles while the limits are timed
    stats = summarise(latencies, len(errors), spent)
    return replace(stats, client_cpu=cpu / spent)


def run_load(
    base_url: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    seconds: float,
    connections: int = 16,
    warm_up_s: float = 1.0,
    rounds: int = 1,
    between: Callable[[], object] | None = None,
) -> LoadStats:
    """GET `path` from `connections` keep-alive connections for `seconds`, after a warm-up.

    In `rounds` blocks, with `between()` called after each one (and before the next).
    """
    asyncio.run(_load(base_url, path, cookies or {}, min(warm_up_s, seconds), connections))
    return asyncio.run(_load(base_url, path, cookies or {}, seconds, connections, rounds, between))
