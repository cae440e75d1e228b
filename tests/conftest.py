"""Test fixtures: every database test runs on SQLite and on PostgreSQL, schema from migrations."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from app import migrate
from app.db import make_engine, open_session
from app.main import create_app
from app.models import metadata
from app.settings import Settings

POSTGRES_URL = os.environ.get(
    "PORTFOLIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("PORTFOLIO_REQUIRE_POSTGRES") == "1"
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/none"  # nothing listens on port 1


def ensure_postgres_database(url: str) -> None:
    """Create the test database when missing, so that parallel runs can each use their own."""
    name = make_url(url).database
    admin_url = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    admin = make_engine(admin_url, pool_size=1).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists.first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def postgres_unavailable_reason() -> str | None:
    """None when PostgreSQL answers; otherwise why not (a failure when it is required)."""
    engine = make_engine(POSTGRES_URL, pool_size=1)
    try:
        ensure_postgres_database(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:
        reason = f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} does not answer: {exc}"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason} (PORTFOLIO_REQUIRE_POSTGRES=1)", pytrace=False)
        return reason
    finally:
        engine.dispose()


def reset_postgres(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '60s'"))
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test: migrating once keeps the suite fast."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    reset_postgres(POSTGRES_URL)
    engine = make_engine(POSTGRES_URL, pool_size=1)
    migrate.upgrade(engine)
    engine.dispose()
    return POSTGRES_URL


def truncate_all(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        # A connection leaked by an earlier test would make TRUNCATE wait forever: fail instead.
        conn.execute(text("SET LOCAL lock_timeout = '60s'"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "portfolio.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_migrated")
    engine = make_engine(url, pool_size=1)
    truncate_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "data", env="dev")


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """The test's own session. Deferred BEGIN on SQLite: a test that reads between requests
    must not hold the write lock the app's next request needs (WAL readers never block)."""
    with open_session(engine, read_only=True) as session:
        yield session


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture
def postgres_down(tmp_path: Path) -> FastAPI:
    """The app, looking for PostgreSQL where nothing listens."""
    return create_app(Settings(database_url=NOWHERE, data_dir=tmp_path / "data"))
