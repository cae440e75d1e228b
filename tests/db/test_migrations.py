"""Migrations: one head, upgrade from empty, downgrade to base, models equal migrations."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from app import migrate
from app.db import make_engine
from app.models import Event, metadata
from tests.conftest import POSTGRES_URL, postgres_unavailable_reason

# Named after the test database, so that parallel runs with their own databases never collide.
SCRATCH_DB = f"{make_url(POSTGRES_URL).database}_migrations"


@pytest.fixture(params=["sqlite", "postgres"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database with nothing in it; PostgreSQL's is a scratch database of its own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        reason = postgres_unavailable_reason()
        if reason:
            pytest.skip(reason)
        url = _fresh_postgres_database(SCRATCH_DB)
    engine = make_engine(url, pool_size=1)
    yield engine
    engine.dispose()


def _fresh_postgres_database(name: str) -> str:
    admin = make_engine(POSTGRES_URL, pool_size=1).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def user_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_there_is_exactly_one_head() -> None:
    assert len(migrate.heads()) == 1


def test_upgrade_from_empty_creates_every_table(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    assert user_tables(empty_engine) == set(metadata.tables)
    assert migrate.current(empty_engine) == migrate.heads()[0]


def test_models_match_migrations(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    assert migrate.model_differences(empty_engine) == []


def test_downgrade_to_base_removes_everything(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    assert user_tables(empty_engine) == set()
    assert migrate.current(empty_engine) is None


def test_upgrade_after_downgrade_works_again(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    migrate.upgrade(empty_engine)
    assert user_tables(empty_engine) == set(metadata.tables)


def test_every_constraint_is_named(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    inspector = inspect(empty_engine)
    for table in metadata.tables:
        names = [fk["name"] for fk in inspector.get_foreign_keys(table)]
        names += [uq["name"] for uq in inspector.get_unique_constraints(table)]
        assert all(names), f"unnamed constraint on {table}: {names}"


def test_event_log_refuses_update_and_delete(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(Event.__table__.insert().values(action="test", target_type="thing", data={}))
    for statement in ("UPDATE event SET action = 'forged'", "DELETE FROM event"):
        with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
            conn.execute(text(statement))
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM event")).scalar_one() == "test"
