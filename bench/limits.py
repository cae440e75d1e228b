"""The limits each figure is compared with: the page's SQL, its template render, the disk."""

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

import httpx
from jinja2 import Template
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import open_session
from bench.harness import Timed


@dataclass(frozen=True)
class DiskSpeed:
    mb_per_s: float
    seconds: float
    bytes: int


def disk_write_speed(directory: Path, size: int = 1 << 30, chunk: int = 8 << 20) -> DiskSpeed:
    """Sequential write of `size` bytes ending with fsync, as dd with conv=fsync does."""
    block = memoryview(os.urandom(chunk))  # random: no filesystem can compress it away
    path = directory / f".bench-disk-{uuid.uuid4().hex}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        began, written = perf_counter(), 0
        while written < size:
            written += os.write(fd, block[: min(chunk, size - written)])
        os.fsync(fd)
        seconds = perf_counter() - began
    finally:
        os.close(fd)
        path.unlink()
    return DiskSpeed(size / seconds / 1e6, seconds, size)


@dataclass(frozen=True)
class Capture:
    """One in-process request: its status, the template and context it rendered, statements."""

    status: int
    template: Template | None
    context: dict[str, Any] | None
    statements: int


def capture(client: httpx.Client, engine: Engine, path: str) -> Capture:
    """GET `path` through Starlette's TestClient, which hands back the template and context."""
    statements = 0

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal statements
        # SQLite's explicit BEGIN (app/db.py) is not a query: both databases count alike.
        statements += not statement.lstrip().upper().startswith("BEGIN")

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    template = getattr(response, "template", None)
    context = getattr(response, "context", None)
    return Capture(response.status_code, template, context, statements)


def render_timer(captured: Capture) -> Timed | None:
    """The template alone, rendered again and again with the page's own context."""
    template, context = captured.template, captured.context
    if template is None or context is None:
        return None
    return Timed(lambda: template.render(context))


def sql_timer(engine: Engine, query: Callable[[Session], object]) -> Timed:
    """The reference SQL for a page's data, each run in its own read transaction."""

    def run() -> None:
        with open_session(engine, read_only=True) as session:
            query(session)

    return Timed(run)
