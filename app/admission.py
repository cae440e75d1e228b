"""Admission: how many requests of a worker may hold a database connection at once.

A request that needs the database first takes a turn here, waiting (if it must) in the event
loop, with no connection and no thread held. Past the queue, or after the longest wait, it is
refused at once with 503 and Retry-After instead of queueing into time-outs. Reads and writes
queue apart, so a flood of reads never leaves a write no place to wait (or the reverse).

The capacity stays below both the connection pool and the thread pool, so a request that holds
a connection never waits for one, and always finds a thread for its next step.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TypeVar

from fastapi import Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.db import get_session, open_session
from app.errors import Unavailable

T = TypeVar("T")
BUSY = "The service is busy just now. Please try again in a moment; nothing was changed."


class Admission:
    """capacity: turns for any request; writers: of those, how many may write at once. SQLite
    takes one writer at a time whatever we do, so there writers wait here, in order, rather
    than in SQLite's busy handler, which sleeps in growing steps and hands the lock on late."""

    def __init__(self, *, capacity: int, writers: int, queue: int, wait_seconds: float) -> None:
        self.capacity, self.writers = capacity, writers
        self.queue, self.wait_seconds = queue, wait_seconds
        self._waiting = {True: 0, False: 0}  # by "is a read"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._turns = asyncio.Semaphore(capacity)
        self._writes = asyncio.Semaphore(writers)

    def _semaphores(self) -> tuple[asyncio.Semaphore, asyncio.Semaphore]:
        # A semaphore belongs to one event loop; tests run an app on several loops in turn.
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop = loop
            self._turns = asyncio.Semaphore(self.capacity)
            self._writes = asyncio.Semaphore(self.writers)
        return self._turns, self._writes

    @asynccontextmanager
    async def turn(self, *, read: bool = True) -> AsyncIterator[None]:
        turns, writes = self._semaphores()
        async with AsyncExitStack() as held:
            if not read:  # the write's place first: no turn is held while waiting for it
                await held.enter_async_context(self._held(writes, read))
            await held.enter_async_context(self._held(turns, read))
            yield

    @asynccontextmanager
    async def _held(self, semaphore: asyncio.Semaphore, read: bool) -> AsyncIterator[None]:
        if semaphore.locked() and self._waiting[read] >= self.queue:
            raise Unavailable(BUSY)
        self._waiting[read] += 1
        try:
            await asyncio.wait_for(semaphore.acquire(), self.wait_seconds)
        except TimeoutError:
            raise Unavailable(BUSY) from None
        finally:
            self._waiting[read] -= 1
        try:
            yield
        finally:
            semaphore.release()


async def in_transaction(
    request: Request, work: Callable[[Session], T], *, read_only: bool = False
) -> T:
    """Run work(session) in one trip to the thread pool, in a transaction of its own that
    commits when it returns: for routes that stream a body before they touch the database."""
    async with request.app.state.admission.turn(read=read_only):
        return await run_in_threadpool(_run, request, work, read_only)


def _run(request: Request, work: Callable[[Session], T], read_only: bool) -> T:
    if read_only:  # a check: nothing to commit, so the session just closes
        with open_session(request.app.state.engine, read_only=True) as session:
            return work(session)
    with get_session(request) as session:
        return work(session)
