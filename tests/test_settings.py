"""Settings: one prefix, sensible defaults, and production refuses a weak secret key."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import DEV_SECRET_KEY, Settings


def test_database_defaults_to_sqlite_under_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", "/srv/portfolio")
    monkeypatch.delenv("PORTFOLIO_DATABASE_URL", raising=False)
    assert Settings().database_url == "sqlite:////srv/portfolio/portfolio.db"


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", "postgresql+psycopg://u@db/portfolio")
    assert Settings().database_url == "postgresql+psycopg://u@db/portfolio"
    assert not Settings().is_sqlite


def test_data_dir_holds_the_files(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).files_dir == tmp_path / "files"


@pytest.mark.parametrize("key", [DEV_SECRET_KEY, "short", "a" * 64])
def test_prod_refuses_a_weak_secret_key(key: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(env="prod", secret_key=key)


def test_prod_starts_with_a_strong_secret_key() -> None:
    key = "nV3q8w0xZpL2rT6yB1mK9cD4fH7jS5aEgUiOo_-Q"
    assert Settings(env="prod", secret_key=key).secret_key == key


def test_unknown_env_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(env="staging")  # type: ignore[arg-type]
