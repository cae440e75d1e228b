"""Concurrent read-modify-write transactions lose nothing on SQLite (file) and PostgreSQL."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

from app.db import open_session
from app.models import Organisation, id_of

THREADS = 8
ROUNDS = 200


def read_modify_write(engine: Engine, org_id: int) -> None:
    """Read the counter, then write it back plus one: the classic lost-update shape."""
    with open_session(engine) as session:
        org = session.exec(
            select(Organisation).where(Organisation.id == org_id).with_for_update()
        ).one()
        org.name = str(int(org.name) + 1)
        session.commit()


def test_concurrent_increments_lose_no_update(engine: Engine) -> None:
    with open_session(engine) as session:
        org = Organisation(name="0", kind="provider")
        session.add(org)
        session.commit()
        org_id = id_of(org)
    errors: list[BaseException] = []

    def worker() -> None:
        for _ in range(ROUNDS):
            try:
                read_modify_write(engine, org_id)
            except OperationalError as exc:  # "database is locked" would land here
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        final = conn.execute(text("SELECT name FROM organisation WHERE id = :id"), {"id": org_id})
        assert int(final.scalar_one()) == THREADS * ROUNDS


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return  # these pragmas are SQLite's alone; PostgreSQL enforces keys by itself
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), open_session(engine) as session:
        session.add(Organisation(name="Orphan employer", kind="employer", provider_id=999_999))
        session.commit()
