"""The file sweep while the app serves: once as it starts, then every few minutes.

The sweep reads the folder and the database, so it runs in a worker thread: the event loop goes
on serving meanwhile. At shutdown the waiting loop is cancelled; a sweep already running is
waited for (the thread cannot be stopped), so nothing is left half-swept when the engine closes.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import astuple
from functools import partial

import anyio
from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from app.evidence import reconcile
from app.evidence.storage import LocalStorage

log = logging.getLogger("portfolio.files")
# The longest the app waits for its start-up sweep before it serves anyway.
STARTUP_WAIT_SECONDS = 10.0


def sweep_logged(engine: Engine, storage: LocalStorage, *, grace_seconds: float) -> None:
    """One sweep; a failure (the database away, say) is logged and the next sweep tries again."""
    try:
        swept = reconcile.sweep(engine, storage, grace_seconds=grace_seconds)
    except Exception:
        log.exception("the file sweep failed")
        return
    if any(astuple(swept)):
        log.info("file sweep: %s", swept)


async def _every(seconds: float, sweep: partial[None]) -> None:
    while True:
        await anyio.sleep(seconds)
        await to_thread.run_sync(sweep)


@asynccontextmanager
async def sweep_while_serving(app: FastAPI) -> AsyncIterator[None]:
    settings = app.state.settings
    storage = LocalStorage(settings.files_dir)
    sweep = partial(
        sweep_logged, app.state.engine, storage, grace_seconds=settings.files_grace_seconds
    )
    # Before the first request, so that an upload committed just before a crash downloads; but
    # a database that does not answer must not keep the app from serving (the sweep then goes
    # on in its thread).
    with anyio.move_on_after(STARTUP_WAIT_SECONDS):
        await to_thread.run_sync(sweep, abandon_on_cancel=True)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(_every, settings.files_sweep_seconds, sweep)
        try:
            yield
        finally:
            tasks.cancel_scope.cancel()
