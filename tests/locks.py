"""Another transaction holding the lock that a write needs, on either database."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine


@contextmanager
def lock_held(engine: Engine, table: str) -> Iterator[None]:
    """On SQLite the database's write lock (the app's engines begin IMMEDIATE); on PostgreSQL
    the lock of every row of the table."""
    suffix = " FOR UPDATE" if engine.dialect.name == "postgresql" else ""
    with engine.connect() as conn:
        conn.execute(text(f"SELECT * FROM {table}{suffix}"))
        try:
            yield
        finally:
            conn.rollback()
