"""Run Alembic from code: upgrade, downgrade, and compare the models with the migrations."""

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from app import PROJECT_ROOT
from app.models import metadata


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["engine"] = engine
    return config


def _with_connection(engine: Engine, action: Any, *args: Any) -> None:
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config, *args)


def upgrade(engine: Engine, revision: str = "head") -> None:
    _with_connection(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _with_connection(engine, command.downgrade, revision)


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def model_differences(engine: Engine) -> list[Any]:
    """What autogenerate would write: an empty list means models and migrations agree."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(ctx, metadata))
