"""`bench/run`: start the app with uvicorn and measure every target against its limit."""

import argparse
import os
import platform
import sqlite3
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine, make_url

from app import PROJECT_ROOT, migrate
from app.db import make_engine, open_session
from app.demo import has_users
from app.main import create_app
from app.models import Apprenticeship
from app.settings import Settings
from bench import generate
from bench.burst import burst, writers
from bench.burst import show as show_load
from bench.cores import on_cores, split_cores
from bench.harness import Timed, run_load
from bench.limits import capture, disk_write_speed, render_timer, sql_timer
from bench.people import PASSWORD, Shape
from bench.report import PageResult, Run, UploadResult, write_json
from bench.server import Server, serve, sign_in
from bench.show import print_run
from bench.targets import (
    PAGES,
    TARGET_NAMES,
    UPLOADS,
    Facts,
    Page,
    Upload,
    look_up,
    path_of,
    status_of,
)
from bench.uploads import upload

RESULTS = PROJECT_ROOT / "bench" / "results"
LOAD_TARGETS = ("burst", "writers")  # bench/burst.py: how the worker takes load, not a page
LOCAL_ORIGIN = "http://127.0.0.1:8000"  # the in-process app's own address


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--database-url", default="sqlite:///data/bench.db")
    parser.add_argument(
        "--apprenticeships",
        type=int,
        default=Shape.apprenticeships,
        help="generated first when the database has no users (default 10,000)",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="of load per target")
    parser.add_argument("--connections", type=int, default=16)
    names = (*TARGET_NAMES, *LOAD_TARGETS)
    parser.add_argument(
        "--targets",
        default=",".join(names),
        help=f"comma-separated, from: {', '.join(names)}",
    )
    args = parser.parse_args(argv)
    args.targets = [name.strip() for name in args.targets.split(",") if name.strip()]
    unknown = set(args.targets) - set(names)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    return args


def prepare(engine: Engine, args: argparse.Namespace) -> tuple[Facts, int, float | None]:
    """Facts about the data, its size, and the generator's seconds when it had to run first."""
    migrate.upgrade(engine)
    seconds = None
    if not has_users(engine):
        print(f"The database is empty: generating {args.apprenticeships:,} apprenticeships first.")
        shape = Shape(apprenticeships=args.apprenticeships)
        seconds = generate.generate_with_progress(args.database_url, shape)
    with open_session(engine, read_only=True) as session:
        total = session.execute(select(func.count()).select_from(Apprenticeship)).scalar_one()
        return look_up(session), total, seconds


def _database_version(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"sqlite {sqlite3.sqlite_version}"
    with engine.connect() as conn:
        return f"{engine.dialect.name} {conn.execute(text('SHOW server_version')).scalar_one()}"


def machine(engine: Engine) -> dict[str, Any]:
    """What the figures were measured on: they mean little without it."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "")
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])  # MemTotal comes first
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "database": _database_version(engine),
    }


def _local_client(app: FastAPI) -> httpx.Client:
    """Starlette's TestClient: it hands back each response's template and context."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its notice that httpx support is deprecated
        from fastapi.testclient import TestClient

    return TestClient(app, base_url=LOCAL_ORIGIN)


# A page's limits are timed in slices between blocks of its 1-connection run, on the core the
# server runs on (bench/cores.py). This machine's speed moves by half within seconds (the
# caseload's template alone: 4.2 to 7.3 ms in four runs a minute apart), so a figure and a
# limit taken at different moments measured the drift.
ROUNDS = 20
LIMIT_BUDGET_S = 2.0  # each limit's timing, over all its slices


def measure_page(
    page: Page, app: FastAPI, server: Server, facts: Facts, engine: Engine, args: argparse.Namespace
) -> PageResult:
    route = page.find(app)
    result = PageResult(page.name, page.title, status_of(route), p50_bar=page.p50_bar)
    if route is None:
        result.note = f"issue {page.issue}"
        return result
    result.path, result.viewer = path_of(app, route, page.params(facts)), facts.emails[page.viewer]
    with httpx.Client(base_url=server.base_url) as client:
        viewer = sign_in(client, origin=server.base_url, email=result.viewer, password=PASSWORD)
    limits = _limits(result, page, app, engine, facts)

    def time_limits() -> None:
        with on_cores(server.cores):  # the core the page was just served on (bench/cores.py)
            for timed in limits.values():
                timed.slice(budget_s=LIMIT_BUDGET_S / ROUNDS, max_runs=100)

    load = partial(run_load, server.base_url, result.path, cookies=viewer.cookies)
    result.latency = load(seconds=args.seconds, connections=1, rounds=ROUNDS, between=time_limits)
    result.load = load(seconds=args.seconds, connections=args.connections)
    result.sql_ms = limits["sql"].median_ms
    result.render_ms = limits["render"].median_ms if "render" in limits else None
    result.full_scan_ms = limits["full_scan"].median_ms if "full_scan" in limits else None
    return result


def _limits(
    result: PageResult, page: Page, app: FastAPI, engine: Engine, facts: Facts
) -> dict[str, Timed]:
    """The page's own SQL and render (and full scan), timed in this process against the same
    database; the render with the context the page itself rendered."""
    assert result.path is not None and result.viewer is not None
    local = _local_client(app)
    sign_in(local, origin=LOCAL_ORIGIN, email=result.viewer, password=PASSWORD)
    captured = capture(local, app.state.engine, result.path)
    result.statements = captured.statements
    limits = {"sql": sql_timer(engine, lambda session: page.sql(session, facts))}
    render = render_timer(captured)
    if render is not None:
        limits["render"] = render
    if page.full_scan is not None:
        full_scan = page.full_scan
        limits["full_scan"] = sql_timer(engine, lambda session: full_scan(session, facts))
    return limits


def measure_upload(item: Upload, app: FastAPI, server: Server, facts: Facts) -> UploadResult:
    route = item.find(app)
    result = UploadResult(item.name, item.title, status_of(route), bytes=item.size)
    if route is None:
        result.note = "issue 4"
        return result
    if not facts.ids["evidence_id"]:
        result.note = "no draft evidence to upload to"
        return result
    with httpx.Client(base_url=server.base_url) as client:
        email = facts.emails[item.viewer]
        viewer = sign_in(client, origin=server.base_url, email=email, password=PASSWORD)
    return upload(server, path_of(app, route, facts.ids), viewer, result)


R = TypeVar("R", PageResult, UploadResult)


def _guarded(measure: Callable[[], R], failed: Callable[..., R]) -> R:
    """A page still being built may fail to answer: say so and go on with the others."""
    try:
        return measure()
    except Exception as exc:
        return failed(status="failed", note=f"{type(exc).__name__}: {exc}")


def measure(run: Run, engine: Engine, facts: Facts, args: argparse.Namespace) -> None:
    cores = split_cores()
    run.settings |= {"server_cores": _listed(cores.server), "client_cores": _listed(cores.client)}
    with on_cores(cores.client), tempfile.TemporaryDirectory(prefix="ksb-bench-") as data_dir:
        settings = Settings(
            database_url=args.database_url,
            data_dir=Path(data_dir),
            env="dev",
            max_file_bytes=2 << 30,
            max_files_per_item=10_000,
        )
        env = {
            "PORTFOLIO_DATABASE_URL": args.database_url,
            "PORTFOLIO_DATA_DIR": data_dir,
            "PORTFOLIO_ENV": "dev",
            "PORTFOLIO_MAX_FILE_BYTES": str(settings.max_file_bytes),
            "PORTFOLIO_MAX_FILES_PER_ITEM": str(settings.max_files_per_item),
        }
        run.disk_mb_per_s = disk_write_speed(Path(data_dir)).mb_per_s
        with serve("bench.ceiling:app", env={}, cores=cores.server) as ceiling:
            url = ceiling.base_url
            run.ceiling_latency = run_load(url, "/", seconds=args.seconds, connections=1)
            run.ceiling = run_load(url, "/", seconds=args.seconds, connections=args.connections)
        app = create_app(settings)
        app_server = serve(
            "app.asgi:create", env=env, ready_path="/healthz", factory=True, cores=cores.server
        )
        with app_server as server:
            for page in (p for p in PAGES if p.name in args.targets):
                measured = partial(measure_page, page, app, server, facts, engine, args)
                run.pages.append(_guarded(measured, partial(PageResult, page.name, page.title)))
            for item in (u for u in UPLOADS if u.name in args.targets):
                sent = partial(measure_upload, item, app, server, facts)
                run.uploads.append(_guarded(sent, partial(UploadResult, item.name, item.title)))
            if "burst" in args.targets:
                run.burst = asdict(burst(server, engine))
            if "writers" in args.targets:
                run.writers = asdict(writers(server, engine, seconds=args.seconds))
        app.state.engine.dispose()


def _listed(cores: frozenset[int] | None) -> list[int] | str:
    return sorted(cores) if cores is not None else "not pinned"


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    engine = make_engine(args.database_url)
    try:
        facts, total, generated_in = prepare(engine, args)
    except LookupError as exc:
        raise SystemExit(f"Error: {exc}") from exc
    settings = {
        "generated_in_s": generated_in,
        "seconds": args.seconds,
        "connections": args.connections,
        "targets": args.targets,
        "workers": 1,
    }
    run = Run(engine.dialect.name, total, machine(engine), settings, facts.cohorts)
    measure(run, engine, facts, args)
    engine.dispose()
    print_run(run)
    show_load(run.burst, run.writers)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = write_json(run, RESULTS, stamp)
    url = make_url(args.database_url).render_as_string(hide_password=True)
    print(f"Results for {url} written to {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
