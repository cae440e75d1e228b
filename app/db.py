"""Engine factory (SQLite pragmas, BEGIN IMMEDIATE) and the request's session."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

# Reads open a deferred transaction; anything else takes SQLite's write lock up front so
# that two read-modify-write transactions cannot interleave and lose an update.
READ_ONLY = "portfolio_read_only"


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, busy_timeout_ms)
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling is switched off so that ours below is the only one.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if ":memory:" not in url and url != "sqlite://":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def insert_once(
    session: Session, table: type[SQLModel], values: dict[str, Any], *, unique: list[str]
) -> bool:
    """INSERT ... ON CONFLICT (unique) DO NOTHING; True when this call wrote the row.

    The database decides under concurrency: of two transactions racing, one writes and the
    other learns it did not. RETURNING names the row written; rowcount is not reliable for an
    ORM-enabled insert on PostgreSQL.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=unique)
    primary_key = sa_inspect(table).primary_key[0]
    return session.execute(statement.returning(primary_key)).first() is not None


def open_session(engine: Engine, *, read_only: bool = False) -> Session:
    options = {READ_ONLY: True} if read_only else {}
    return Session(engine, expire_on_commit=False, execution_options=options)


@contextmanager
def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed when the request's work is done (open_request in
    app/auth/deps.py runs it as the dependency that commits before the response is sent)."""
    read_only = request.method in ("GET", "HEAD")
    with open_session(request.app.state.engine, read_only=read_only) as session:
        # Page furniture rendered inside the request (the nav's unread count) reads through
        # this session: a second connection per request can exhaust the pool under load.
        request.state.db_session = session
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            request.state.db_session = None


def request_session(request: Request) -> Session | None:
    """The request's own session while its route runs; None afterwards (error pages)."""
    return getattr(request.state, "db_session", None)
