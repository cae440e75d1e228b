"""The `portfolio` command line, run in-process against both databases."""

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from app.cli import cli
from app.db import open_session
from app.models import Organisation, User
from app.settings import Settings

runner = CliRunner()


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PORTFOLIO_ENV", "dev")
    return settings


def test_db_check_passes_on_a_migrated_database(env: Settings) -> None:
    result = runner.invoke(cli, ["db", "check"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output


def test_db_check_fails_when_the_database_differs(env: Settings, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE stray_table (id INTEGER PRIMARY KEY)"))
    try:
        result = runner.invoke(cli, ["db", "check"])
        assert result.exit_code == 1
        assert "differ" in result.output
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE stray_table"))


def test_db_downgrade_and_upgrade(env: Settings, engine: Engine) -> None:
    assert runner.invoke(cli, ["db", "downgrade", "base"]).exit_code == 0
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["db", "check"]).exit_code == 0


def test_users_create_asks_for_the_password_and_stores_a_hash(
    env: Settings, engine: Engine
) -> None:
    with open_session(engine) as session:
        session.add(Organisation(name="Northfield", kind="provider"))
        session.commit()
    args = [
        "users",
        "create",
        "--email",
        "Tutor@Example.org",
        "--name",
        "Tom",
        "--role",
        "tutor",
        "--org",
        "Northfield",
    ]
    result = runner.invoke(cli, args, input="a long passphrase\na long passphrase\n")
    assert result.exit_code == 0, result.output
    assert "a long passphrase" not in result.output
    with open_session(engine) as session:
        user = session.exec(select(User)).one()
    assert user.email == "tutor@example.org"
    assert user.password_hash and user.password_hash.startswith("$argon2id$")


def test_users_create_names_an_unknown_organisation(env: Settings) -> None:
    args = [
        "users",
        "create",
        "--email",
        "a@b.org",
        "--name",
        "A",
        "--role",
        "tutor",
        "--org",
        "Nowhere",
    ]
    result = runner.invoke(cli, args, input="a long passphrase\na long passphrase\n")
    assert result.exit_code == 1
    assert "Nowhere" in result.output


def test_demo_seed_refuses_production(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTFOLIO_ENV", "prod")
    monkeypatch.setenv("PORTFOLIO_SECRET_KEY", "nV3q8w0xZpL2rT6yB1mK9cD4fH7jS5aEgUiOo_-Q")
    result = runner.invoke(cli, ["demo", "seed"])
    assert result.exit_code == 1
    assert "prod" in result.output


def test_demo_seed_shows_progress_and_creates_the_accounts(env: Settings, engine: Engine) -> None:
    result = runner.invoke(cli, ["demo", "seed", "--apprentices", "4"])
    assert result.exit_code == 0, result.output
    assert "Seeding demo apprentices" in result.output
    with open_session(engine) as session:
        emails = set(session.exec(select(User.email)).all())
    assert {"admin@provider.example.org", "apprentice2@employer-b.example.org"} <= emails


def test_standards_import_and_list(env: Settings, tmp_path: Path) -> None:
    seed = Path(__file__).parents[1] / "seed" / "standards" / "ST0949-v2.0.json"
    first = runner.invoke(cli, ["standards", "import", str(seed)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(cli, ["standards", "import", str(seed)])
    assert "already loaded" in again.output
    listing = runner.invoke(cli, ["standards", "list"], terminal_width=200)
    assert "ST0949" in listing.output and "39" in listing.output


def test_standards_import_rejects_a_bad_file(env: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(cli, ["standards", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.json" in result.output
