"""Database helpers: the engine (SQLite pragmas, BEGIN IMMEDIATE), the request's session and
whether it may have saved anything, bookkeeping writes that never wait, insert-once, row locks,
and work tied to a transaction's outcome (after_commit)."""

import logging
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import event, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, SQLModel, col, create_engine

from app.models import Apprenticeship

# Reads open a deferred transaction; anything else takes SQLite's write lock up front so
# that two read-modify-write transactions cannot interleave and lose an update.
READ_ONLY = "portfolio_read_only"
# A bookkeeping write gives up rather than wait long for a lock (write_aside).
NO_WAIT = "portfolio_no_wait"
NO_WAIT_MS = 50
log = logging.getLogger("portfolio.files")
_KEY = "portfolio_pending_file_work"
Action = Callable[[], None]


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 10) -> Engine:
    """pool_size connections, and as many again for short side transactions (a "last seen"
    write beside a read, an audit record, a readiness check): requests hold at most pool_size
    at once (app/admission.py), so none of them ever waits for a connection."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, busy_timeout_ms, pool_size)
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _sqlite_engine(url: str, busy_timeout_ms: int, pool_size: int) -> Engine:
    pool = {"pool_size": pool_size, "max_overflow": pool_size} if _is_file(url) else {}
    engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling is switched off so that ours below is the only one.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if _is_file(url):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(READ_ONLY, False):
            conn.exec_driver_sql("BEGIN")
        elif options.get(NO_WAIT, False):
            # The busy timeout belongs to the pooled connection: put it back whatever happens.
            conn.exec_driver_sql(f"PRAGMA busy_timeout={NO_WAIT_MS}")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _is_file(url: str) -> bool:
    return ":memory:" not in url and url != "sqlite://"


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


class CommitAwareSession(Session):
    """A session that knows whether it may have saved anything: one of its commits succeeded,
    or was cut off by a lost connection, after which the server may have kept it or not."""

    may_have_saved = False

    def commit(self) -> None:
        try:
            super().commit()
        except DBAPIError as exc:
            if exc.connection_invalidated:
                self.may_have_saved = True
            raise
        self.may_have_saved = True


def open_session(engine: Engine, *, read_only: bool = False) -> CommitAwareSession:
    options = {READ_ONLY: True} if read_only else {}
    return CommitAwareSession(engine, expire_on_commit=False, execution_options=options)


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
            request.state.may_have_saved = session.may_have_saved


def request_session(request: Request) -> Session | None:
    """The request's own session while its route runs; None afterwards (error pages)."""
    return getattr(request.state, "db_session", None)


def may_have_saved(request: Request) -> bool:
    """False when the request's transaction kept nothing: it rolled back, or never began."""
    return bool(getattr(request.state, "may_have_saved", False))


def write_aside(engine: Engine, write: Callable[[Session], None]) -> bool:
    """A bookkeeping write in a short transaction of its own that nobody waits for: it gives
    up when another transaction holds the lock it needs for longer than a moment (SQLite's
    write lock, a PostgreSQL row lock). False when it gave up; a later request will do it.
    """
    with Session(engine, execution_options={NO_WAIT: True}) as session:
        try:
            if engine.dialect.name == "postgresql":
                session.execute(text(f"SET LOCAL lock_timeout = '{NO_WAIT_MS}ms'"))
            write(session)
            session.commit()
        except OperationalError:
            session.rollback()
            return False
    return True


def lock_apprenticeships(session: Session, ids: Collection[int]) -> None:
    """Wait for other transactions changing these apprenticeships to commit (PostgreSQL; on
    SQLite BEGIN IMMEDIATE has already serialised writers).

    FOR NO KEY UPDATE, not FOR UPDATE: inserting a row that references the apprenticeship
    takes a key-share lock on it, which FOR UPDATE conflicts with, so two transactions that
    each inserted evidence and then locked the row would deadlock. Sorted ids: one lock order.
    """
    if ids:
        statement = select(col(Apprenticeship.id)).where(col(Apprenticeship.id).in_(sorted(ids)))
        session.execute(statement.order_by(col(Apprenticeship.id)).with_for_update(key_share=True))


# Work tied to the transaction's outcome: a file is moved into place (or deleted) only once the
# rows saying so have committed; if the transaction rolls back or is closed without committing,
# staged files are removed instead. So a failure anywhere leaves no row without its file and no
# file without its row.
@dataclass
class _Pending:
    on_commit: list[Action] = field(default_factory=list)
    on_abort: list[Action] = field(default_factory=list)

    def committed(self, _session: Session) -> None:
        actions, self.on_commit, self.on_abort = self.on_commit, [], []
        _run(actions, "after commit")

    def ended(self, _session: Session, transaction: SessionTransaction) -> None:
        # Only the outermost transaction decides; after a commit both lists are already empty.
        if transaction.parent is not None:
            return
        actions, self.on_commit, self.on_abort = self.on_abort, [], []
        _run(actions, "after rollback")


def _run(actions: list[Action], when: str) -> None:
    # Every action runs even if one fails: one stuck file must not strand the others.
    for action in actions:
        try:
            action()
        except Exception:
            log.exception("file work %s failed", when)


def _pending(session: Session) -> _Pending:
    found = session.info.get(_KEY)
    if isinstance(found, _Pending):
        return found
    pending = session.info[_KEY] = _Pending()
    event.listen(session, "after_commit", pending.committed)
    event.listen(session, "after_transaction_end", pending.ended)
    return pending


def after_commit(session: Session, *, then: Action, otherwise: Action | None = None) -> None:
    """Run `then` once the current transaction commits, `otherwise` if it ends without."""
    pending = _pending(session)
    pending.on_commit.append(then)
    if otherwise is not None:
        pending.on_abort.append(otherwise)
