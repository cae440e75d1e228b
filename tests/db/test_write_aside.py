"""A bookkeeping write in a transaction of its own that gives up rather than wait on a lock,
and leaves its pooled connection as it found it."""

from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db import open_session, write_aside
from app.models import Organisation
from tests.dialects import SQLITE_ONLY
from tests.factories import make_provider
from tests.locks import lock_held


@pytest.fixture
def provider(session: Session) -> Organisation:
    provider = make_provider(session, "Before")
    session.commit()
    return provider


def _rename(session: Session) -> None:
    session.execute(update(Organisation).values(name="After"))


def _name(engine: Engine) -> str:
    with open_session(engine, read_only=True) as session:
        return session.exec(select(Organisation.name)).one()


def test_a_write_aside_writes_when_no_lock_is_held(engine: Engine, provider: Organisation) -> None:
    assert write_aside(engine, _rename) is True
    assert _name(engine) == "After"


def test_a_write_aside_gives_up_while_another_write_holds_the_lock(
    engine: Engine, provider: Organisation
) -> None:
    with lock_held(engine, "organisation"):
        written = write_aside(engine, _rename)
    assert written is False
    assert _name(engine) == "Before"


@SQLITE_ONLY
def test_a_write_aside_puts_back_its_connections_busy_timeout(
    engine: Engine, provider: Organisation
) -> None:
    returned: list[Any] = []
    event.listen(engine, "checkin", lambda dbapi_conn, _record: returned.append(dbapi_conn))
    with lock_held(engine, "organisation"):
        assert write_aside(engine, _rename) is False
    # The first connection back in the pool is the one that gave up.
    assert returned[0].execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
