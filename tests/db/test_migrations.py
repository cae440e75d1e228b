"""Migrations: one head, upgrade from empty, downgrade to base, models equal migrations."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app import migrate
from app.db import make_engine
from app.models import Apprenticeship, ApprenticeshipSummary, Event, metadata
from app.progress.summaries import refresh_summaries
from tests.conftest import POSTGRES_URL, postgres_unavailable_reason
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_provider,
    make_standard,
    make_user,
    sign_off,
)

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


def test_0005_fills_the_summary_copies_and_slipping_days_from_existing_rows(
    empty_engine: Engine,
) -> None:
    """Summaries written at head, taken back to 0004 and upgraded again come back the same."""
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        provider = make_provider(session)
        employer = make_employer(session, provider)
        tutor = make_user(session, provider, "tutor")
        standard = make_standard(session)
        for n, signed in enumerate((0, 1, 4)):
            apprenticeship = make_apprenticeship(
                session,
                standard=standard,
                provider=provider,
                employer=employer,
                apprentice=make_user(session, employer, "apprentice"),
                tutor=tutor if n else None,
                start=date(2026, 1, 1),
                planned_end=date(2027, 12, 31),
            )
            for code in ("K1", "K2", "S1", "B1")[:signed]:
                sign_off(session, apprenticeship, code, tutor)
        ids = [a for a in session.exec(select(col(Apprenticeship.id))) if a is not None]
        refresh_summaries(session, apprenticeship_ids=ids)
        session.commit()
        copied = ("provider_id", "tutor_id", "status", "behind_on", "red_on")
        query = select(ApprenticeshipSummary).order_by(col(ApprenticeshipSummary.apprenticeship_id))

        def written() -> list[tuple[object, ...]]:
            session.expire_all()
            return [tuple(getattr(row, name) for name in copied) for row in session.exec(query)]

        before = written()
        session.commit()
        migrate.downgrade(empty_engine, "0004")
        migrate.upgrade(empty_engine)
        assert written() == before
    assert [row[1] is None for row in before] == [True, False, False]
    assert before[0][3] is not None and before[2][3:] == (None, None)  # complete: never slips
