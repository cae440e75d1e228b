"""The server on a core of its own, the load client on the others, the limits on the server's.

Measured on the 2-core virtual machine of the Performance section: its two cores change speed
independently, by up to 2x within seconds. In 0.3 s rounds, the caseload's p50 (served on one
core) and its template timed alone (on the other) moved in opposite directions, and their
ratio ran from 1.05 to 2.55. Timed on the server's core while the server idles, the render
moves with the page.
"""

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Cores:
    server: frozenset[int] | None  # None: not pinned (one core, shared)
    client: frozenset[int] | None


def split_cores(available: Iterable[int] | None = None) -> Cores:
    """The highest core for the server, the rest for the client; with one core, no pinning."""
    cores = sorted(os.sched_getaffinity(0) if available is None else available)
    if len(cores) < 2:
        return Cores(server=None, client=None)
    return Cores(server=frozenset(cores[-1:]), client=frozenset(cores[:-1]))


@contextmanager
def on_cores(cores: frozenset[int] | None) -> Iterator[None]:
    """The calling thread runs on `cores` inside the block (Linux pins threads one by one)."""
    if cores is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cores)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)
