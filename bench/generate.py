"""Fill a migrated database with N apprenticeships of evidence, claims and sign-offs, in bulk.

Run: python -m bench.generate --apprenticeships 10000 --database-url sqlite:///data/bench.db
"""

import argparse
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine

from app import migrate
from app.db import make_engine, open_session
from app.demo import has_users
from app.errors import Conflict
from app.models import Apprenticeship, Event, EvidenceItem, KsbClaim, KsbSignoff
from bench.people import PASSWORD, Shape
from bench.rows import write_batch
from bench.world import seed_world

BATCH = 250  # apprenticeships per transaction: ~12,500 items and ~37,500 claims


def bulk_load_pragmas(engine: Engine) -> None:
    """SQLite only: a big page cache and no fsync while loading (a crash means regenerating)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()


def finish(engine: Engine) -> None:
    """Fold the WAL back into the database file; on PostgreSQL gather planner statistics, as
    autovacuum would soon after such a load. (SQLite gets no ANALYZE: the app never runs it.)"""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # outside any transaction: our BEGIN would block it
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        return
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text("ANALYZE"))


def generate(
    engine: Engine,
    *,
    shape: Shape,
    password: str = PASSWORD,
    today: date | None = None,
    seed: int = 7,
    batch: int = BATCH,
    progress: Callable[[int, int], None] = lambda _a, _i: None,
) -> None:
    """Fill an empty, migrated database; `progress(apprenticeships, items)` after each batch."""
    if has_users(engine):
        raise Conflict("The database already has users; bench data goes only into an empty one.")
    today = today or date.today()
    with open_session(engine) as session:
        world = seed_world(session, shape, password)
        session.commit()
    for start in range(0, shape.apprenticeships, batch):
        indexes = range(start, min(start + batch, shape.apprenticeships))
        with open_session(engine) as session:
            items = write_batch(session, world, shape, indexes, today, seed)
            session.commit()
        progress(len(indexes), items)
    finish(engine)


def row_counts(engine: Engine) -> dict[str, int]:
    models = {
        "apprenticeships": Apprenticeship,
        "evidence items": EvidenceItem,
        "claims": KsbClaim,
        "sign-offs": KsbSignoff,
        "events": Event,
    }
    with open_session(engine, read_only=True) as session:
        return {
            name: session.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in models.items()
        }


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--apprenticeships", type=int, default=Shape.apprenticeships)
    parser.add_argument("--database-url", default="sqlite:///data/bench.db")
    parser.add_argument(
        "--per-provider",
        type=int,
        default=Shape.per_provider,
        help="apprenticeships per training provider (default 2,500)",
    )
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def _progress_bar() -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[items]:,} items"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )


def generate_with_progress(database_url: str, shape: Shape, seed: int = 7) -> float:
    """Migrate, generate with a progress bar, print what was written; returns the seconds."""
    from rich.console import Console

    engine = make_engine(database_url)  # its own: the bulk-load pragmas stay with it
    bulk_load_pragmas(engine)
    migrate.upgrade(engine)
    began, items = time.perf_counter(), 0
    with _progress_bar() as bar:
        task = bar.add_task("Apprenticeships", total=shape.apprenticeships, items=0)

        def advance(apprenticeships: int, written: int) -> None:
            nonlocal items
            items += written
            bar.update(task, advance=apprenticeships, items=items)

        generate(engine, shape=shape, seed=seed, progress=advance)
    seconds = time.perf_counter() - began
    counts = ", ".join(f"{n:,} {name}" for name, n in row_counts(engine).items())
    Console().print(f"Wrote {counts} in {seconds:.1f} s. Password: {PASSWORD}", highlight=False)
    engine.dispose()
    return seconds


def main() -> None:
    args = _arguments()
    shape = Shape(apprenticeships=args.apprenticeships, per_provider=args.per_provider)
    try:
        generate_with_progress(args.database_url, shape, args.seed)
    except Conflict as exc:
        raise SystemExit(f"Error: {exc.detail}") from exc


if __name__ == "__main__":
    main()
